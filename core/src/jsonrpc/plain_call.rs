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
//! [`super::plain`]. The member names it knows are compared where they lie
//! ([`known_name`], as the envelope's are), others scanned as strings.
//! With [`super::plain`]'s strings scanned eight bytes at a time, ~1,830
//! fewer instructions per `tools/call` with a 2026-07-28 `_meta` and ~900
//! without (`bench/callgrind/run.sh`).
//!
//! Nesting: a value read here starts two or three levels higher than in
//! the whole message; [`super::plain`]'s guard keeps params that could
//! come near serde_json's limit away from here.

use super::plain::{known_name, object, once, skip_space, string};
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
        |at| key(text, at, &PARAMS),
        |key, at| match key {
            Some(Param::Name) => once(&mut name, string(text, at).map(str::to_owned).or_else(|| value(text, at))?),
            Some(Param::Arguments) => {
                once(&mut arguments, empty(b, at).map(|()| Some(Map::new())).or_else(|| value(text, at))?)
            }
            Some(Param::InputResponses) => once(&mut input_responses, value(text, at)?),
            Some(Param::RequestState) => once(&mut request_state, value(text, at)?),
            Some(Param::Meta) => once(&mut meta, request_meta(text, at)?),
            None => value::<IgnoredAny>(text, at).map(drop),
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
        |at| key(text, at, &META),
        |key, at| match key {
            Some(MetaKey::ProtocolVersion) => {
                let sent = string(text, at).map(SentVersion::of_str).or_else(|| value(text, at))?;
                once(&mut protocol_version, sent)
            }
            Some(MetaKey::ClientCapabilities) => {
                let capabilities =
                    empty(text.as_bytes(), at).map(|()| Value::Object(Map::new())).or_else(|| value(text, at))?;
                once(&mut client_capabilities, capabilities)
            }
            Some(MetaKey::LogLevel) => once(&mut log_level, value(text, at)?),
            Some(MetaKey::ProgressToken) => once(&mut progress_token, value(text, at)?),
            None => value::<IgnoredAny>(text, at).map(drop),
        },
    )?;
    Some(RequestMeta { protocol_version, client_capabilities, log_level, progress_token })
}

/// The members of [`CallToolParams`].
#[derive(Clone, Copy)]
enum Param {
    Name,
    Arguments,
    InputResponses,
    RequestState,
    Meta,
}

const PARAMS: [(&str, Param); 5] = [
    ("name", Param::Name),
    ("arguments", Param::Arguments),
    ("inputResponses", Param::InputResponses),
    ("requestState", Param::RequestState),
    ("_meta", Param::Meta),
];

/// The members of [`RequestMeta`].
#[derive(Clone, Copy)]
enum MetaKey {
    ProtocolVersion,
    ClientCapabilities,
    LogLevel,
    ProgressToken,
}

const META: [(&str, MetaKey); 4] = [
    (keys::PROTOCOL_VERSION, MetaKey::ProtocolVersion),
    (keys::CLIENT_CAPABILITIES, MetaKey::ClientCapabilities),
    (keys::LOG_LEVEL, MetaKey::LogLevel),
    (keys::PROGRESS_TOKEN, MetaKey::ProgressToken),
];

/// The member name at `at`, moving past it: `Some` of the member among
/// `known` it names ([`known_name`]), `None` for any other name without
/// escapes.
fn key<K: Copy>(text: &str, at: &mut usize, known: &[(&str, K)]) -> Option<Option<K>> {
    match known_name(text.as_bytes(), at, known) {
        Some(key) => Some(Some(key)),
        None => string(text, at).map(|_| None),
    }
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
