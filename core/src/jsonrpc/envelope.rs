//! A JSON-RPC envelope read member by member ([`Seed`]; member names as
//! [`Key`]s, borrowed from the input when they can be). The scalar members
//! (`jsonrpc`, `id`, `method`) are read straight from the parser: no
//! `Value` is built for them, and
//! `"jsonrpc": "2.0"` is compared where it lies in the input. Any JSON is
//! accepted for each, so that a member of the wrong type is reported by
//! [`super::Message`]'s checks (with the request's id) rather than by serde.

use super::{RawJson, RequestId, JSONRPC_VERSION};
use crate::server::request::{Method, Typed};
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;

/// The members of a JSON-RPC message, as sent. `Some(_)` is a member that is
/// present (an explicit `null` included), `None` an absent one.
pub(super) struct Envelope {
    pub(super) jsonrpc: Option<IsVersion>,
    pub(super) id: Option<RawId>,
    pub(super) method: Option<MethodName>,
    pub(super) params: Option<ParamsIn>,
    pub(super) result: Option<RawJson>,
    pub(super) error: Option<Value>,
}

/// `params`, typed when the method before it is one the server serves
/// (and the parse asked for it), else as sent.
pub(super) enum ParamsIn {
    Value(Value),
    Typed(Box<Typed>),
}

/// Reads an [`Envelope`]; with `typed`, the params of a served method
/// that comes before them are typed in the same pass.
pub(super) struct Seed {
    pub(super) typed: bool,
}

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Envelope;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Envelope, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Seed {
    type Value = Envelope;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON-RPC message")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope, A::Error> {
        let mut e = Envelope { jsonrpc: None, id: None, method: None, params: None, result: None, error: None };
        fn once<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
            map: &mut A,
            slot: &mut Option<T>,
            name: &'static str,
        ) -> Result<(), A::Error> {
            if slot.is_some() {
                return Err(de::Error::duplicate_field(name));
            }
            *slot = Some(map.next_value()?);
            Ok(())
        }
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "jsonrpc" => once(&mut map, &mut e.jsonrpc, "jsonrpc")?,
                "id" => once(&mut map, &mut e.id, "id")?,
                "method" => once(&mut map, &mut e.method, "method")?,
                "params" => {
                    if e.params.is_some() {
                        return Err(de::Error::duplicate_field("params"));
                    }
                    let served = match &e.method {
                        Some(MethodName(Some(method))) if self.typed => Method::of(method),
                        _ => None,
                    };
                    e.params = Some(match served {
                        Some(method) => ParamsIn::Typed(Box::new(map.next_value_seed(TypedSeed(method))?)),
                        None => ParamsIn::Value(map.next_value()?),
                    });
                }
                "result" => once(&mut map, &mut e.result, "result")?,
                "error" => once(&mut map, &mut e.error, "error")?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(e)
    }
}

/// `params` of a method the server serves, typed.
pub(super) struct TypedSeed(pub(super) Method);

impl<'de> DeserializeSeed<'de> for TypedSeed {
    type Value = Typed;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Typed, D::Error> {
        Typed::read(self.0, d)
    }
}

/// A member name, borrowed from the input when it has no escapes.
pub(crate) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(k) => k,
            Key::Owned(k) => k,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, k: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(k))
            }
            fn visit_str<E>(self, k: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(k.to_owned()))
            }
            fn visit_string<E>(self, k: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(k))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// `jsonrpc`: whether it is exactly the string `"2.0"`.
pub(super) struct IsVersion(pub(super) bool);

/// `id`, as sent.
pub(super) enum RawId {
    String(String),
    Number(i64),
    Null,
    /// A float, a number out of range, a boolean, an array or an object.
    Other,
}

/// `method`: the name, or `None` when it is not a string.
pub(super) struct MethodName(pub(super) Option<String>);

impl RawId {
    pub(super) fn into_id(self) -> Result<RequestId, &'static str> {
        match self {
            RawId::String(s) => Ok(RequestId::String(s)),
            RawId::Number(n) => Ok(RequestId::Number(n)),
            RawId::Null => Err("\"id\" must not be null"),
            RawId::Other => Err("\"id\" must be an integer or a string"),
        }
    }
}

/// What a member becomes for each kind of JSON value.
trait FromJson: Sized {
    fn string(s: &str) -> Self;
    fn owned(s: String) -> Self {
        Self::string(&s)
    }
    fn integer(_: i64) -> Self {
        Self::other()
    }
    fn null() -> Self {
        Self::other()
    }
    fn other() -> Self;
}

impl FromJson for IsVersion {
    fn string(s: &str) -> Self {
        IsVersion(s == JSONRPC_VERSION)
    }
    fn other() -> Self {
        IsVersion(false)
    }
}

impl FromJson for RawId {
    fn string(s: &str) -> Self {
        RawId::String(s.to_owned())
    }
    fn owned(s: String) -> Self {
        RawId::String(s)
    }
    fn integer(n: i64) -> Self {
        RawId::Number(n)
    }
    fn null() -> Self {
        RawId::Null
    }
    fn other() -> Self {
        RawId::Other
    }
}

impl FromJson for MethodName {
    fn string(s: &str) -> Self {
        MethodName(Some(s.to_owned()))
    }
    fn owned(s: String) -> Self {
        MethodName(Some(s))
    }
    fn other() -> Self {
        MethodName(None)
    }
}

struct Any<T>(PhantomData<T>);

impl<'de, T: FromJson> Visitor<'de> for Any<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<T, E> {
        Ok(T::other())
    }
    fn visit_i64<E>(self, n: i64) -> Result<T, E> {
        Ok(T::integer(n))
    }
    fn visit_u64<E>(self, n: u64) -> Result<T, E> {
        Ok(i64::try_from(n).map_or_else(|_| T::other(), T::integer))
    }
    fn visit_f64<E>(self, _: f64) -> Result<T, E> {
        Ok(T::other())
    }
    fn visit_str<E>(self, s: &str) -> Result<T, E> {
        Ok(T::string(s))
    }
    fn visit_string<E>(self, s: String) -> Result<T, E> {
        Ok(T::owned(s))
    }
    fn visit_unit<E>(self) -> Result<T, E> {
        Ok(T::null())
    }
    fn visit_none<E>(self) -> Result<T, E> {
        Ok(T::null())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(T::other())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(T::other())
    }
}

macro_rules! deserialize_any {
    ($($t:ty),*) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(Any(PhantomData))
            }
        }
    )*};
}

deserialize_any!(IsVersion, RawId, MethodName);
