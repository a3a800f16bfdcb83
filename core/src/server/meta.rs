//! `params._meta`: the members the server reads, taken out of a request's
//! params in the same pass that types the rest (see [`with_meta`]).

use crate::jsonrpc::envelope::Key;
use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, StringDeserializer};
use serde::de::{Deserialize, DeserializeSeed, Deserializer, MapAccess, Visitor};
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
    pub(crate) protocol_version: Option<Value>,
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

/// A member that is present is `Some`, an explicit `null` included.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
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
