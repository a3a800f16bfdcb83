//! API Gateway and Function URL events, built from recorded ones
//! (`tests/support/events/*.json`) with the method, path, headers and body
//! of the request at hand, and the function's answer read back.

use base64::Engine;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Which front door sent the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// API Gateway REST API, payload 1.0 (stage `Prod`, a Lambda authorizer).
    RestV1,
    /// API Gateway HTTP API, payload 2.0 (stage `$default`).
    HttpV2,
    /// A Lambda Function URL (payload 2.0, IAM auth, base64 bodies).
    FunctionUrl,
}

impl Shape {
    /// Every shape, for tests that run once per shape.
    pub const ALL: [Shape; 3] = [Shape::RestV1, Shape::HttpV2, Shape::FunctionUrl];

    fn recorded(self) -> &'static str {
        match self {
            Shape::RestV1 => include_str!("../../events/rest_v1.json"),
            Shape::HttpV2 => include_str!("../../events/http_v2.json"),
            Shape::FunctionUrl => include_str!("../../events/function_url.json"),
        }
    }
}

/// One HTTP request as an event.
#[derive(Clone, Debug)]
pub struct HttpEvent {
    shape: Shape,
    event: Value,
}

impl HttpEvent {
    /// The recorded event of `shape`, re-aimed at `method` and `path` (the
    /// path inside the API, e.g. `/mcp`), with the recorded headers minus
    /// `Content-Length` and `Authorization`, and no body.
    pub fn new(shape: Shape, method: &str, path: &str) -> Self {
        let mut event: Value = serde_json::from_str(shape.recorded()).expect("recorded events are JSON");
        match shape {
            Shape::RestV1 => {
                event["httpMethod"] = json!(method);
                event["path"] = json!(path);
                event["requestContext"]["httpMethod"] = json!(method);
                let stage = event["requestContext"]["stage"].as_str().unwrap_or_default().to_owned();
                event["requestContext"]["path"] = json!(format!("/{stage}{path}"));
            }
            Shape::HttpV2 | Shape::FunctionUrl => {
                event["rawPath"] = json!(path);
                event["requestContext"]["http"]["method"] = json!(method);
                event["requestContext"]["http"]["path"] = json!(path);
            }
        }
        let mut this = HttpEvent { shape, event };
        this.remove_header("content-length");
        this.remove_header("authorization");
        this.body(b"")
    }

    /// Sets a header (replacing one of the same name, in any case).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.remove_header(name);
        match self.shape {
            Shape::RestV1 => {
                self.event["headers"][name] = json!(value);
                self.event["multiValueHeaders"][name] = json!([value]);
            }
            Shape::HttpV2 | Shape::FunctionUrl => {
                self.event["headers"][name.to_ascii_lowercase()] = json!(value);
            }
        }
        self
    }

    /// Removes a header, in any case.
    pub fn remove_header(&mut self, name: &str) {
        for field in ["headers", "multiValueHeaders"] {
            if let Some(map) = self.event.get_mut(field).and_then(Value::as_object_mut) {
                map.retain(|k, _| !k.eq_ignore_ascii_case(name));
            }
        }
    }

    /// The body (base64 for a Function URL, as it sends them; text otherwise
    /// when it is UTF-8).
    pub fn body(mut self, body: &[u8]) -> Self {
        let text = std::str::from_utf8(body).ok().filter(|_| self.shape != Shape::FunctionUrl);
        let (value, base64) = match (body.is_empty(), text) {
            (true, _) => (Value::Null, false),
            (false, Some(text)) => (json!(text), false),
            (false, None) => (json!(base64::engine::general_purpose::STANDARD.encode(body)), true),
        };
        self.event["body"] = value;
        self.event["isBase64Encoded"] = json!(base64);
        self
    }

    /// The principal the authorizer in front of the function reports
    /// (`None`: no authorizer data at all).
    pub fn principal(mut self, principal: Option<&str>) -> Self {
        let context = &mut self.event["requestContext"];
        let authorizer = match (self.shape, principal) {
            (_, None) => Value::Null,
            (Shape::RestV1, Some(id)) => json!({ "principalId": id, "integrationLatency": 3 }),
            (Shape::HttpV2, Some(id)) => json!({ "lambda": { "principalId": id } }),
            (Shape::FunctionUrl, Some(id)) => json!({ "iam": { "userArn": id, "accountId": "123456789012" } }),
        };
        match authorizer {
            Value::Null => {
                if let Some(map) = context.as_object_mut() {
                    map.remove("authorizer");
                }
            }
            authorizer => context["authorizer"] = authorizer,
        }
        self
    }

    /// The event as JSON.
    pub fn to_json(&self) -> Value {
        self.event.clone()
    }

    /// The event's bytes, as the Runtime API hands them over.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.event.to_string().into_bytes()
    }
}

/// The function's answer to an [`HttpEvent`], as API Gateway reads it.
#[derive(Clone, Debug)]
pub struct HttpReply {
    /// The HTTP status.
    pub status: u16,
    /// Headers, names in lower case (multi-value ones joined with `, `).
    pub headers: BTreeMap<String, String>,
    /// The body, base64-decoded when the function said so.
    pub body: Vec<u8>,
}

impl HttpReply {
    /// Reads a proxy-integration response (payload 1.0 or 2.0).
    pub fn from_json(answer: &Value) -> Result<Self, String> {
        let status = answer["statusCode"].as_u64().ok_or_else(|| format!("no statusCode in {answer}"))? as u16;
        let mut headers = BTreeMap::new();
        for (name, value) in answer["headers"].as_object().unwrap_or(&Map::new()) {
            headers.insert(name.to_ascii_lowercase(), value.as_str().unwrap_or_default().to_owned());
        }
        for (name, values) in answer["multiValueHeaders"].as_object().unwrap_or(&Map::new()) {
            let joined: Vec<&str> = values.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            headers.insert(name.to_ascii_lowercase(), joined.join(", "));
        }
        let text = answer["body"].as_str().unwrap_or_default();
        let body = if answer["isBase64Encoded"].as_bool().unwrap_or(false) {
            base64::engine::general_purpose::STANDARD.decode(text).map_err(|e| format!("bad base64 body: {e}"))?
        } else {
            text.as_bytes().to_vec()
        };
        Ok(HttpReply { status, headers, body })
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).map(String::as_str)
    }

    /// The JSON-RPC messages of the body: the document itself, or the
    /// `data:` of each SSE event.
    pub fn messages(&self) -> Vec<Value> {
        let text = String::from_utf8_lossy(&self.body);
        if self.header("content-type").is_some_and(|t| t.starts_with("text/event-stream")) {
            let data = text.lines().filter_map(|l| l.strip_prefix("data:"));
            return data.filter_map(|d| serde_json::from_str(d.trim()).ok()).collect();
        }
        serde_json::from_str(&text).map(|v| vec![v]).unwrap_or_default()
    }

    /// The last JSON-RPC message of the body (the result, after any
    /// notifications).
    pub fn json(&self) -> Value {
        self.messages().pop().unwrap_or(Value::Null)
    }
}
