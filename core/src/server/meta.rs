//! `params._meta`: the members the server reads, taken out of a request's
//! params in the same pass that types the rest (see [`with_meta`]).

use crate::jsonrpc::envelope::Key;
use crate::protocol::ProtocolVersion;
use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, SeqAccessDeserializer, StringDeserializer};
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize as DeriveDeserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// The `_meta` members the server reads, each as sent (a member of the
/// wrong type is judged by the code that reads it, as for a `Map`); other
/// members are not kept. A `_meta` that is not an object does not fit any
/// method's params (-32602).
#[derive(Debug, Clone, Default, PartialEq, Serialize, DeriveDeserialize)]
#[serde(default, expecting = "an object")]
pub(crate) struct RequestMeta {
    /// `io.modelcontextprotocol/protocolVersion`.
    #[serde(
        rename = "io.modelcontextprotocol/protocolVersion",
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub(crate) protocol_version: Option<SentVersion>,
    /// `io.modelcontextprotocol/clientCapabilities`.
    #[serde(
        rename = "io.modelcontextprotocol/clientCapabilities",
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub(crate) client_capabilities: Option<Value>,
    /// `io.modelcontextprotocol/logLevel`.
    #[serde(
        rename = "io.modelcontextprotocol/logLevel",
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub(crate) log_level: Option<Value>,
    /// `progressToken`.
    #[serde(rename = "progressToken", deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub(crate) progress_token: Option<Value>,
}

/// `_meta["io.modelcontextprotocol/protocolVersion"]` as sent: a version
/// this server speaks is read without allocating (the string is borrowed
/// from the input and matched), anything else is kept as it came, for the
/// router to refuse.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SentVersion {
    /// A protocol version this server knows (of either era).
    Known(ProtocolVersion),
    /// Any other JSON value: an unknown version string, a number, `null`…
    Other(Value),
}

impl SentVersion {
    /// A version sent as the string `s`.
    pub(crate) fn of_str(s: &str) -> SentVersion {
        ProtocolVersion::parse(s).map_or_else(|| SentVersion::Other(Value::from(s)), SentVersion::Known)
    }

    /// The text sent, when it is a string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            SentVersion::Known(v) => Some(v.as_str()),
            SentVersion::Other(v) => v.as_str(),
        }
    }
}

impl Serialize for SentVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SentVersion::Known(v) => s.serialize_str(v.as_str()),
            SentVersion::Other(v) => v.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for SentVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SentVersionVisitor)
    }
}

struct SentVersionVisitor;

impl<'de> Visitor<'de> for SentVersionVisitor {
    type Value = SentVersion;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<SentVersion, E> {
        Ok(SentVersion::of_str(s))
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<SentVersion, E> {
        Ok(SentVersion::Other(Value::from(b)))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<SentVersion, E> {
        Ok(SentVersion::Other(Value::from(n)))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<SentVersion, E> {
        Ok(SentVersion::Other(Value::from(n)))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<SentVersion, E> {
        Ok(SentVersion::Other(Value::from(n)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<SentVersion, E> {
        Ok(SentVersion::Other(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<SentVersion, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(SentVersion::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SentVersion, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(SentVersion::Other)
    }
}

/// A member that is present is `Some`, an explicit `null` included.
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

impl RequestMeta {
    /// The members of `params._meta` in a params object; none when `_meta`
    /// is absent or not an object.
    pub(crate) fn of(params: &Map<String, Value>) -> RequestMeta {
        params.get("_meta").and_then(|m| RequestMeta::deserialize(m).ok()).unwrap_or_default()
    }
}

/// Deserialises a params object into `T` and its `_meta` member into
/// [`RequestMeta`], in one pass: `T` sees every other member.
pub(crate) fn with_meta<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<(T, RequestMeta), D::Error> {
    d.deserialize_map(WithMeta(std::marker::PhantomData))
}

struct WithMeta<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for WithMeta<T> {
    type Value = (T, RequestMeta);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a params object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut found = RequestMeta::default();
        let typed = T::deserialize(MapAccessDeserializer::new(SkipMeta { map, meta: &mut found }))?;
        Ok((typed, found))
    }
}

/// The members of a params object but `_meta`, which it stores aside.
struct SkipMeta<'m, A> {
    map: A,
    meta: &'m mut RequestMeta,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for SkipMeta<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        loop {
            match self.map.next_key::<Key<'de>>()? {
                None => return Ok(None),
                Some(Key::Borrowed("_meta")) => *self.meta = self.map.next_value()?,
                Some(Key::Owned(k)) if k == "_meta" => *self.meta = self.map.next_value()?,
                Some(Key::Borrowed(k)) => return seed.deserialize(BorrowedStrDeserializer::new(k)).map(Some),
                Some(Key::Owned(k)) => return seed.deserialize(StringDeserializer::new(k)).map(Some),
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// A params object whose members are ignored but `_meta` (`ping`,
/// `server/discover`).
#[derive(Debug, Clone, Copy, PartialEq, DeriveDeserialize)]
pub(crate) struct NoParams {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::discovery::meta;
    use crate::protocol::CallToolParams;
    use serde_json::json;

    #[test]
    fn serde_names_are_the_protocol_constants() {
        let meta = json!({
            meta::PROTOCOL_VERSION: "v", meta::CLIENT_CAPABILITIES: {}, meta::LOG_LEVEL: "info", meta::PROGRESS_TOKEN: 1
        });
        let read = RequestMeta::deserialize(&meta).unwrap();
        assert_eq!(serde_json::to_value(&read).unwrap(), meta);
    }

    #[test]
    fn a_sent_version_is_known_or_kept_as_sent() {
        let known = |v| Some(SentVersion::Known(v));
        for (sent, expected) in [
            (json!("2026-07-28"), known(ProtocolVersion::V2026_07_28)),
            (json!("2025-11-25"), known(ProtocolVersion::V2025_11_25)),
            (json!("2099-01-01"), Some(SentVersion::Other(json!("2099-01-01")))),
            (json!(null), Some(SentVersion::Other(Value::Null))),
            (json!(20260728), Some(SentVersion::Other(json!(20260728)))),
            (json!(-1), Some(SentVersion::Other(json!(-1)))),
            (json!(1.5), Some(SentVersion::Other(json!(1.5)))),
            (json!(true), Some(SentVersion::Other(json!(true)))),
            (json!(["2026-07-28"]), Some(SentVersion::Other(json!(["2026-07-28"])))),
            (json!({"v": "2026-07-28"}), Some(SentVersion::Other(json!({"v": "2026-07-28"})))),
        ] {
            let meta = json!({ meta::PROTOCOL_VERSION: sent });
            // From text (borrowed strings), from a borrowed and from an owned `Value`.
            let from_text: RequestMeta = serde_json::from_str(&meta.to_string()).unwrap();
            let from_ref = RequestMeta::deserialize(&meta).unwrap();
            let from_owned = RequestMeta::deserialize(meta.clone()).unwrap();
            assert_eq!(from_text.protocol_version, expected, "{sent}");
            assert_eq!((&from_ref, &from_owned), (&from_text, &from_text), "{sent}");
            assert_eq!(serde_json::to_value(&from_text).unwrap(), meta, "written back as sent");
            let text = expected.as_ref().and_then(SentVersion::as_str);
            assert_eq!(text, sent.as_str(), "{sent}");
        }
    }

    #[test]
    fn meta_is_taken_out_in_the_same_pass() {
        let text = r#"{"name":"n","_meta":{"progressToken":null,"other":1},"arguments":{"_meta":2},"x\u0041":3}"#;
        let (typed, meta) = with_meta::<CallToolParams, _>(&mut serde_json::Deserializer::from_str(text)).unwrap();
        assert_eq!(
            (typed.name.as_str(), typed.arguments),
            ("n", Some(json!({"_meta": 2}).as_object().unwrap().clone()))
        );
        assert_eq!(meta, RequestMeta { progress_token: Some(Value::Null), ..RequestMeta::default() });
        let from_map = RequestMeta::of(json!({"_meta": {"progressToken": null}}).as_object().unwrap());
        assert_eq!(from_map, meta);
        assert_eq!(RequestMeta::of(json!({"_meta": 5}).as_object().unwrap()), RequestMeta::default());
        assert!(with_meta::<CallToolParams, _>(&mut serde_json::Deserializer::from_str(r#"{"_meta":{}}"#)).is_err());
    }
}
