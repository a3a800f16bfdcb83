//! JSON kept as text: a result is serialised once, straight from its typed
//! form, and copied into the response as it is, with no `Value` tree built
//! and walked in between.
//!
//! The text is kept as plain bytes rather than serde_json's `RawValue`: the
//! crate may then write it with a buffer sized for it and extend text it
//! wrote itself (a stateless-era result's `_meta`), which `RawValue` only
//! allows after parsing the text again. Only serde_json and this crate
//! write it, so it is always UTF-8, and copying it into a response needs no
//! check; [`RawJson::get`] checks it, where text is asked for. The price
//! is paid where a `RawJson` goes through serde (a batch, an SSE event):
//! its text is checked then.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use std::fmt;

/// A JSON value held as its (compact) text.
///
/// ```
/// use lambda_mcp_core::jsonrpc::RawJson;
/// use serde_json::json;
/// let raw = RawJson::new(&json!({ "ok": true }));
/// assert_eq!(raw.get(), r#"{"ok":true}"#);
/// assert_eq!(raw.to_value(), json!({ "ok": true }));
/// assert_eq!(RawJson::from(json!({ "ok": true })), raw);
/// ```
#[derive(Clone)]
pub struct RawJson(Vec<u8>);

impl RawJson {
    /// Serialises `value`. Panics only for a type whose `Serialize` fails
    /// (a map with non-string keys), which no MCP result has.
    pub fn new<T: Serialize + ?Sized>(value: &T) -> RawJson {
        RawJson(serde_json::to_vec(value).expect("MCP results serialise to JSON"))
    }

    /// Text this crate wrote (as UTF-8) and knows to be one JSON value.
    pub(crate) fn written(text: Vec<u8>) -> RawJson {
        RawJson(text)
    }

    /// The JSON text.
    pub fn get(&self) -> &str {
        std::str::from_utf8(&self.0).expect("RawJson holds UTF-8")
    }

    /// The JSON text's bytes, without the UTF-8 check of [`RawJson::get`].
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The value as a `serde_json::Value` (parses the text).
    pub fn to_value(&self) -> Value {
        serde_json::from_slice(&self.0).expect("RawJson holds valid JSON")
    }
}

impl From<Value> for RawJson {
    fn from(value: Value) -> Self {
        RawJson::new(&value)
    }
}

/// Equal when the values are equal, whatever their spacing or key order.
impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 || self.to_value() == other.to_value()
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

/// Emitted as it is (serde_json's `RawValue`), after a check of the text:
/// the hot path, a response, is written by [`super::Response::write_json`]
/// without serde.
impl Serialize for RawJson {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let raw: &RawValue = serde_json::from_slice(&self.0).map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        Ok(RawJson(Box::<str>::from(raw).into_string().into_bytes()))
    }
}
