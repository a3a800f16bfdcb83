//! The params of a `tools/call`, the request an MCP exchange is mostly
//! made of, typed without serde's generic machinery.
//!
//! `{"name":"add","arguments":{…},"_meta":{…}}`: the members of
//! [`CallToolParams`] and of `_meta` ([`RequestMeta`]), names without
//! escapes, each at most once, in any order; other members skipped. Each
//! value is read by serde_json on its own, as the derived `Deserialize`
//! reads it (`name` and a protocol version straight from the text when
//! they have no escapes). Anything else (a name with escapes, a member
//! twice, `_meta` not an object, any error) is `None`: the params are then
//! read by [`super::envelope::TypedSeed`], which decides, as in
//! [`super::plain`]. With [`super::plain`]'s strings scanned eight bytes at
//! a time, ~1,450 fewer instructions per `tools/call` with a 2026-07-28
//! `_meta` and ~800 without (`bench/callgrind/run.sh`).
//!
//! Nesting: a value read here starts two or three levels higher than in
//! the whole message; [`super::plain`]'s guard keeps params that could
//! come near serde_json's limit away from here.

use super::plain::{object, once, skip_space, string};
use crate::protocol::discovery::meta as keys;
use crate::protocol::CallToolParams;
use crate::server::meta::{RequestMeta, SentVersion};
use crate::server::request::{ClientRequest, Typed};
use serde::de::{Deserialize, IgnoredAny};
use serde_json::{Map, Value};

/// `text`: a `tools/call`'s params object, then nothing but whitespace.
pub(super) fn read(text: &str) -> Option<Typed> {
    let b = text.as_bytes();
    let (mut name, mut arguments, mut input_responses, mut request_state, mut meta) = (None, None, None, None, None);
    let end = object(
        text,
        skip_space(b, 0),
        |at| string(text, at),
        |key, at| match key {
            "name" => once(&mut name, string(text, at).map(str::to_owned).or_else(|| value(text, at))?),
            "arguments" => once(&mut arguments, empty(b, at).map(|()| Some(Map::new())).or_else(|| value(text, at))?),
            "inputResponses" => once(&mut input_responses, value(text, at)?),
            "requestState" => once(&mut request_state, value(text, at)?),
            "_meta" => once(&mut meta, request_meta(text, at)?),
            _ => value::<IgnoredAny>(text, at).map(drop),
        },
    )?;
    if skip_space(b, end) != b.len() {
        return None;
    }
    let params = CallToolParams {
        name: name?,
        arguments: arguments.flatten(),
        input_responses: input_responses.flatten(),
        request_state: request_state.flatten(),
    };
    Some(Typed { request: ClientRequest::CallTool(params), meta: meta.unwrap_or_default() })
}

/// `_meta`, moving past it. Built whole, as the params are, so that a
/// member added to the type cannot be missed here.
fn request_meta(text: &str, at: &mut usize) -> Option<RequestMeta> {
    let (mut protocol_version, mut client_capabilities, mut log_level, mut progress_token) = (None, None, None, None);
    *at = object(
        text,
        *at,
        |at| string(text, at),
        |key, at| match key {
            keys::PROTOCOL_VERSION => {
                let sent = string(text, at).map(SentVersion::of_str).or_else(|| value(text, at))?;
                once(&mut protocol_version, sent)
            }
            keys::CLIENT_CAPABILITIES => {
                let capabilities =
                    empty(text.as_bytes(), at).map(|()| Value::Object(Map::new())).or_else(|| value(text, at))?;
                once(&mut client_capabilities, capabilities)
            }
            keys::LOG_LEVEL => once(&mut log_level, value(text, at)?),
            keys::PROGRESS_TOKEN => once(&mut progress_token, value(text, at)?),
            _ => value::<IgnoredAny>(text, at).map(drop),
        },
    )?;
    Some(RequestMeta { protocol_version, client_capabilities, log_level, progress_token })
}

/// `{}` at `at` (the usual arguments and client capabilities), moving
/// past it.
fn empty(b: &[u8], at: &mut usize) -> Option<()> {
    if b.get(*at) != Some(&b'{') {
        return None;
    }
    let end = skip_space(b, *at + 1);
    (b.get(end) == Some(&b'}')).then(|| *at = end + 1)
}

/// The JSON value at `at` as `T`, moving past it.
fn value<'t, T: Deserialize<'t>>(text: &'t str, at: &mut usize) -> Option<T> {
    let mut values = serde_json::Deserializer::from_str(&text[*at..]).into_iter::<T>();
    let value = values.next()?.ok()?;
    *at += values.byte_offset();
    Some(value)
}
