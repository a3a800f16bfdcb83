//! The DynamoDB item of a session, JSON ↔ `AttributeValue`, and the update
//! expression of a [`Write`].

use crate::store::{Change, StoredSession, Write};
use aws_sdk_dynamodb::types::AttributeValue;
use lambda_mcp_core::{SessionId, SessionState};
use serde_json::{Number, Value};
use std::collections::HashMap;

pub(crate) const KEY: &str = "session_id";
pub(crate) const STATE: &str = "state";
pub(crate) const VERSION: &str = "version";
pub(crate) const OWNER: &str = "owner";
pub(crate) const CREATED_AT: &str = "created_at";
pub(crate) const EXPIRES_AT: &str = "expires_at";
pub(crate) const YIELD_TO: &str = "yield_to";
pub(crate) const YIELD_UNTIL: &str = "yield_until_ms";

pub(crate) type Item = HashMap<String, AttributeValue>;

/// A JSON value as a DynamoDB attribute value.
pub(crate) fn to_attr(value: &Value) -> AttributeValue {
    match value {
        Value::Null => AttributeValue::Null(true),
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::Number(n) => AttributeValue::N(n.to_string()),
        Value::String(s) => AttributeValue::S(s.clone()),
        Value::Array(items) => AttributeValue::L(items.iter().map(to_attr).collect()),
        Value::Object(map) => AttributeValue::M(map.iter().map(|(k, v)| (k.clone(), to_attr(v))).collect()),
    }
}

/// A DynamoDB attribute value as JSON; `None` for the types JSON lacks
/// (binary, sets), which this crate never writes.
pub(crate) fn from_attr(attr: &AttributeValue) -> Option<Value> {
    Some(match attr {
        AttributeValue::Null(_) => Value::Null,
        AttributeValue::Bool(b) => Value::Bool(*b),
        AttributeValue::N(n) => Value::Number(number(n)?),
        AttributeValue::S(s) => Value::String(s.clone()),
        AttributeValue::L(items) => Value::Array(items.iter().map(from_attr).collect::<Option<_>>()?),
        AttributeValue::M(map) => Value::Object(state_from(map)?),
        _ => return None,
    })
}

fn number(n: &str) -> Option<Number> {
    if let Ok(i) = n.parse::<i64>() {
        return Some(i.into());
    }
    if let Ok(u) = n.parse::<u64>() {
        return Some(u.into());
    }
    n.parse::<f64>().ok().and_then(Number::from_f64)
}

fn state_from(map: &HashMap<String, AttributeValue>) -> Option<SessionState> {
    map.iter().map(|(k, v)| Some((k.clone(), from_attr(v)?))).collect()
}

fn n(v: u64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn get_u64(item: &Item, name: &str) -> Option<u64> {
    match item.get(name)? {
        AttributeValue::N(s) => s.parse().ok(),
        _ => None,
    }
}

fn get_s(item: &Item, name: &str) -> Option<String> {
    match item.get(name)? {
        AttributeValue::S(s) => Some(s.clone()),
        _ => None,
    }
}

/// The item of a new session.
pub(crate) fn to_item(id: &SessionId, s: &StoredSession) -> Item {
    let mut item = Item::new();
    item.insert(KEY.into(), AttributeValue::S(id.as_str().to_owned()));
    item.insert(STATE.into(), AttributeValue::M(s.state.iter().map(|(k, v)| (k.clone(), to_attr(v))).collect()));
    item.insert(VERSION.into(), n(s.version));
    if let Some(owner) = &s.owner {
        item.insert(OWNER.into(), AttributeValue::S(owner.clone()));
    }
    item.insert(CREATED_AT.into(), n(s.created_at));
    item.insert(EXPIRES_AT.into(), n(s.expires_at));
    item
}

/// A stored item as a session; `Err` names what is wrong.
pub(crate) fn from_item(item: &Item) -> Result<StoredSession, &'static str> {
    let state = match item.get(STATE) {
        Some(AttributeValue::M(map)) => state_from(map).ok_or("`state` holds a value JSON cannot represent")?,
        None => SessionState::new(),
        Some(_) => return Err("`state` is not a map"),
    };
    Ok(StoredSession {
        state,
        version: get_u64(item, VERSION).ok_or("`version` is missing or not a number")?,
        owner: get_s(item, OWNER),
        created_at: get_u64(item, CREATED_AT).unwrap_or(0),
        expires_at: get_u64(item, EXPIRES_AT).ok_or("`expires_at` is missing or not a number")?,
        yield_to: get_s(item, YIELD_TO),
        yield_until_ms: get_u64(item, YIELD_UNTIL).unwrap_or(0),
    })
}

/// The expressions of one `UpdateItem`.
#[derive(Debug, Default)]
pub(crate) struct Expression {
    pub(crate) update: String,
    pub(crate) condition: String,
    pub(crate) names: HashMap<String, String>,
    pub(crate) values: HashMap<String, AttributeValue>,
}

/// The `UpdateItem` of a write: only the changed keys of `state` (`SET`,
/// `REMOVE`, and `ADD state.k :d` for an increment: atomic in the store,
/// absent counts as 0), the version bumped with `ADD`, the expiry slid
/// forward; applied only to a live session at the expected version. A write that replaces the whole state (many keys changed under
/// a version check) sets the `state` map in one piece instead.
pub(crate) fn expression(write: &Write, now: u64) -> Expression {
    let mut e = Expression::default();
    let mut set = vec![format!("{EXPIRES_AT} = :exp")];
    let mut remove = Vec::new();
    let mut add = Vec::new();
    e.values.insert(":exp".into(), n(write.expires_at));
    e.values.insert(":now".into(), n(now));
    if let Some(state) = &write.replace_state {
        e.names.insert("#s".into(), STATE.into());
        set.push("#s = :state".into());
        e.values
            .insert(":state".into(), AttributeValue::M(state.iter().map(|(k, v)| (k.clone(), to_attr(v))).collect()));
    } else if !write.changes.is_empty() {
        e.names.insert("#s".into(), STATE.into());
        for (i, (key, change)) in write.changes.iter().enumerate() {
            let name = format!("#k{i}");
            e.names.insert(name.clone(), key.clone());
            match change {
                Change::Set(value) => {
                    set.push(format!("#s.{name} = :v{i}"));
                    e.values.insert(format!(":v{i}"), to_attr(value));
                }
                Change::Remove => remove.push(format!("#s.{name}")),
                Change::Add(delta) => {
                    add.push(format!("#s.{name} :v{i}"));
                    e.values.insert(format!(":v{i}"), AttributeValue::N(delta.to_string()));
                }
            }
        }
    }
    if let Some((who, until)) = &write.yield_to {
        set.push(format!("{YIELD_TO} = :yt, {YIELD_UNTIL} = :yu"));
        e.values.insert(":yt".into(), AttributeValue::S(who.clone()));
        e.values.insert(":yu".into(), n(*until));
    }
    e.update = format!("SET {}", set.join(", "));
    if !remove.is_empty() {
        e.update.push_str(&format!(" REMOVE {}", remove.join(", ")));
    }
    if write.bump_version {
        add.push(format!("{VERSION} :one"));
        e.values.insert(":one".into(), n(1));
    }
    if !add.is_empty() {
        e.update.push_str(&format!(" ADD {}", add.join(", ")));
    }
    e.condition = format!("attribute_exists({KEY}) AND {EXPIRES_AT} > :now");
    if let Some(v) = write.expected_version {
        e.condition.push_str(&format!(" AND {VERSION} = :ver"));
        e.values.insert(":ver".into(), n(v));
    }
    e
}
