//! `requestState` for input-required rounds (2026-07-28): the answers a
//! call has gathered so far, bound to the request and the caller, with an
//! expiry, signed with HMAC-SHA256 so a client cannot forge or alter them.
//! Self-contained: any process holding the key can resume the call.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a client has to answer an input request.
const LIFETIME: Duration = Duration::from_secs(600);

/// The key requestState is signed with.
#[derive(Clone)]
pub(crate) struct StateKey([u8; 32]);

/// What the state binds: which request, for whom.
pub(crate) struct Binding<'a> {
    pub(crate) method: &'a str,
    pub(crate) name: &'a str,
    pub(crate) arguments: &'a Value,
    pub(crate) principal: Option<&'a str>,
}

impl<'a> Binding<'a> {
    /// The binding of a `tools/call`.
    pub(crate) fn tool_call(name: &'a str, arguments: &'a Value, principal: Option<&'a str>) -> Self {
        Binding { method: "tools/call", name, arguments, principal }
    }
}

#[derive(Serialize, Deserialize)]
struct Payload {
    /// Digest of method, name, arguments and principal.
    b: String,
    /// Expiry, seconds since the epoch.
    e: u64,
    /// The answers so far.
    a: Map<String, Value>,
}

impl StateKey {
    pub(crate) fn random() -> Self {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the operating system's random source failed");
        StateKey(key)
    }

    /// A key derived from a configured secret, shared by every process of
    /// a deployment.
    pub(crate) fn from_secret(secret: &[u8]) -> Self {
        StateKey(Sha256::digest(secret).into())
    }

    pub(crate) fn seal(&self, binding: &Binding<'_>, answers: &Map<String, Value>) -> String {
        let expires = now() + LIFETIME.as_secs();
        let payload = Payload { b: digest(binding), e: expires, a: answers.clone() };
        let body = B64.encode(serde_json::to_vec(&payload).expect("the payload serialises"));
        let tag = B64.encode(self.mac(body.as_bytes()));
        format!("{body}.{tag}")
    }

    /// The answers a state carries, if it is intact, current and bound to
    /// this request and caller.
    pub(crate) fn open(&self, state: &str, binding: &Binding<'_>) -> Result<Map<String, Value>, &'static str> {
        let (body, tag) = state.split_once('.').ok_or("malformed")?;
        let tag = B64.decode(tag).map_err(|_| "malformed")?;
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(body.as_bytes());
        mac.verify_slice(&tag).map_err(|_| "signature does not match")?;
        let payload: Payload =
            serde_json::from_slice(&B64.decode(body).map_err(|_| "malformed")?).map_err(|_| "malformed")?;
        if payload.e < now() {
            return Err("expired");
        }
        if payload.b != digest(binding) {
            return Err("issued for another request");
        }
        Ok(payload.a)
    }

    fn mac(&self, data: &[u8]) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }
}

fn digest(b: &Binding<'_>) -> String {
    let mut h = Sha256::new();
    for part in [b.method, b.name, &b.arguments.to_string(), b.principal.unwrap_or("")] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    B64.encode(h.finalize())
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn binding<'a>(args: &'a Value, who: Option<&'a str>) -> Binding<'a> {
        Binding::tool_call("t", args, who)
    }

    #[test]
    fn sealed_state_opens_only_unaltered_and_for_the_same_request() {
        let key = StateKey::random();
        let args = json!({"x": 1});
        let answers = json!({"input-1": {"action": "accept"}}).as_object().unwrap().clone();
        let state = key.seal(&binding(&args, Some("alice")), &answers);
        assert_eq!(key.open(&state, &binding(&args, Some("alice"))).unwrap(), answers);
        assert!(key.open(&state, &binding(&args, Some("bob"))).is_err());
        assert!(key.open(&state, &binding(&json!({"x": 2}), Some("alice"))).is_err());
        let mut tampered = state.clone().into_bytes();
        tampered[3] ^= 1;
        assert!(key.open(std::str::from_utf8(&tampered).unwrap(), &binding(&args, Some("alice"))).is_err());
        assert!(StateKey::random().open(&state, &binding(&args, Some("alice"))).is_err());
        assert!(key.open("garbage", &binding(&args, None)).is_err());
        let shared = StateKey::from_secret(b"s");
        let sealed = shared.seal(&binding(&args, None), &answers);
        assert!(StateKey::from_secret(b"s").open(&sealed, &binding(&args, None)).is_ok());
    }
}
