//! JSON kept as text: a result is serialised once, straight from its typed
//! form, and copied into the response as it is, with no `Value` tree built
//! and walked in between.

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
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// Serialises `value`. Panics only for a type whose `Serialize` fails
    /// (a map with non-string keys), which no MCP result has.
    pub fn new<T: Serialize + ?Sized>(value: &T) -> RawJson {
        RawJson(serde_json::value::to_raw_value(value).expect("MCP results serialise to JSON"))
    }

    /// The JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// The value as a `serde_json::Value` (parses the text).
    pub fn to_value(&self) -> Value {
        serde_json::from_str(self.0.get()).expect("RawJson holds valid JSON")
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
        self.get() == other.get() || self.to_value() == other.to_value()
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl Serialize for RawJson {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(d).map(RawJson)
    }
}
