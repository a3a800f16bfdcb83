//! The envelope of a plain request or notification, read without serde:
//! the shape nearly every message a server receives has.
//!
//! `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{…}}`: members
//! among `jsonrpc`, `id` and `method` (names and strings without escapes,
//! an `id` that is a string or a non-negative integer), at most one of
//! each, then optionally `params` as the last member, whose value is read
//! by serde_json exactly as [`super::envelope::Seed`] reads it (typed for a
//! served method; a `tools/call`'s first by [`super::plain_call`]).
//! Anything else, and any error, is `None`: the message is then read by
//! the serde path, which gives the answer for it (including
//! every error, with its position in the text). So this path never decides
//! anything the serde path would decide differently; it only skips the
//! generic parser for the members around `params`: ~650 fewer
//! instructions per `tools/call` (`bench/callgrind/run.sh`, both eras).

use super::envelope::{Envelope, IsVersion, MethodName, ParamsIn, RawId, TypedSeed};
use crate::server::request::Method;
use serde::de::{Deserialize, DeserializeSeed};
use serde_json::Value;

/// serde_json's nesting limit. `params` read on its own starts one level
/// higher than inside the whole message, so a value that could reach it
/// is left to the serde path.
const NESTING_LIMIT: usize = 127;

/// The envelope of `text` when it is a plain message (see the module
/// documentation); `typed`: as [`super::envelope::Seed`]'s.
pub(super) fn envelope(text: &str, typed: bool) -> Option<Envelope> {
    let b = text.as_bytes();
    // The object's closing brace: the last byte that is not whitespace.
    let end = b.iter().rposition(|&c| !is_space(c))?;
    if b[end] != b'}' {
        return None;
    }
    let mut e = Envelope { jsonrpc: None, id: None, method: None, params: None, result: None, error: None };
    let after = object(
        text,
        skip_space(b, 0),
        |at| known_name(b, at, &MEMBERS),
        |member, at| match member {
            Member::Jsonrpc => once(&mut e.jsonrpc, IsVersion(string(text, at)? == super::JSONRPC_VERSION)),
            Member::Id => once(&mut e.id, id(text, at)?),
            Member::Method => once(&mut e.method, MethodName(Some(string(text, at)?.to_owned()))),
            Member::Params => {
                // The rest of the object: nothing may follow it.
                e.params = Some(params(&text[*at..end], e.method.as_ref(), typed)?);
                *at = end;
                Some(())
            }
        },
    )?;
    (after == end + 1).then_some(e)
}

/// The object at `at`: each member's name, read by `key` (which moves
/// past it), goes to `member` with the position of its value, which it
/// reads, moving past it. The position after the closing brace.
pub(super) fn object<K>(
    text: &str,
    mut at: usize,
    mut key: impl FnMut(&mut usize) -> Option<K>,
    mut member: impl FnMut(K, &mut usize) -> Option<()>,
) -> Option<usize> {
    let b = text.as_bytes();
    if b.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_space(b, at + 1);
    if b.get(at) == Some(&b'}') {
        return Some(at + 1);
    }
    loop {
        let key = key(&mut at)?;
        at = skip_space(b, at);
        if b.get(at) != Some(&b':') {
            return None;
        }
        at = skip_space(b, at + 1);
        member(key, &mut at)?;
        at = skip_space(b, at);
        match b.get(at) {
            Some(b',') => at = skip_space(b, at + 1),
            Some(b'}') => return Some(at + 1),
            _ => return None,
        }
    }
}

/// A member's value, kept; `None` when the member came before.
pub(super) fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

/// The members read here.
#[derive(Clone, Copy)]
enum Member {
    Jsonrpc,
    Id,
    Method,
    Params,
}

const MEMBERS: [(&str, Member); 4] =
    [("jsonrpc", Member::Jsonrpc), ("id", Member::Id), ("method", Member::Method), ("params", Member::Params)];

/// The member name at `at` (quotes included), moving past it, when it is
/// one of `known`: compared where it lies, as a name without escapes must
/// be spelt (the first byte picks the candidates, so a long name is not
/// scanned first). `None` for any other name.
pub(super) fn known_name<K: Copy>(b: &[u8], at: &mut usize, known: &[(&str, K)]) -> Option<K> {
    let rest = &b[*at..];
    let (Some(b'"'), Some(first)) = (rest.first(), rest.get(1)) else { return None };
    for &(name, key) in known {
        let name = name.as_bytes();
        if name.first() == Some(first)
            && rest.get(1..=name.len()) == Some(name)
            && rest.get(name.len() + 1) == Some(&b'"')
        {
            *at += name.len() + 2;
            return Some(key);
        }
    }
    None
}

/// `params`, the rest of the object up to its closing brace: one value and
/// nothing after it, read as the serde path reads it.
fn params(value: &str, method: Option<&MethodName>, typed: bool) -> Option<ParamsIn> {
    // Reaching the limit takes that many brackets and their closings.
    if value.len() >= 2 * NESTING_LIMIT && value.bytes().filter(|&c| c == b'{' || c == b'[').count() >= NESTING_LIMIT {
        return None;
    }
    let served = match method {
        Some(MethodName(Some(method))) if typed => Method::of(method),
        _ => None,
    };
    if served == Some(Method::CallTool) {
        if let Some(typed) = super::plain_call::read(value) {
            return Some(ParamsIn::Typed(Box::new(typed)));
        }
    }
    let mut de = serde_json::Deserializer::from_str(value);
    let params = match served {
        Some(method) => ParamsIn::Typed(Box::new(TypedSeed(method).deserialize(&mut de).ok()?)),
        None => ParamsIn::Value(Value::deserialize(&mut de).ok()?),
    };
    de.end().ok()?;
    Some(params)
}

/// A string without escapes or control characters at `at`, moving past it.
pub(super) fn string<'t>(text: &'t str, at: &mut usize) -> Option<&'t str> {
    let b = text.as_bytes();
    if b.get(*at) != Some(&b'"') {
        return None;
    }
    let start = *at + 1;
    let len = string_end(&b[start..])?;
    if b[start + len] != b'"' {
        return None;
    }
    *at = start + len + 1;
    // Both ends are ASCII quotes, so both are character boundaries.
    Some(&text[start..start + len])
}

/// Where the string that `b` starts in ends, or stops being plain: the
/// first `"`, `\` or control character, found eight bytes at a time.
pub(super) fn string_end(b: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    // A lane's high bit is set where the lane is zero (below 0x20, in
    // `below`): exactly at the first such lane, maybe spuriously after it.
    let zero = |v: u64| v.wrapping_sub(ONES) & !v;
    let mut chunks = b.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().expect("chunks of eight"));
        let below = x.wrapping_sub(ONES * 0x20) & !x;
        let found = (zero(x ^ (ONES * u64::from(b'"'))) | zero(x ^ (ONES * u64::from(b'\\'))) | below) & HIGH;
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks.remainder().iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20).map(|i| at + i)
}

/// `id`: a string as [`string`] reads it, or a non-negative integer
/// without fraction or exponent that fits an `i64`.
fn id(text: &str, at: &mut usize) -> Option<RawId> {
    let b = text.as_bytes();
    if b.get(*at) == Some(&b'"') {
        return string(text, at).map(|s| RawId::String(s.to_owned()));
    }
    let digits = b[*at..].iter().take_while(|c| c.is_ascii_digit()).count();
    let after = b.get(*at + digits).copied();
    if digits == 0 || (digits > 1 && b[*at] == b'0') || matches!(after, Some(b'.' | b'e' | b'E')) {
        return None;
    }
    let n = text[*at..*at + digits].parse::<i64>().ok()?;
    *at += digits;
    Some(RawId::Number(n))
}

/// JSON's whitespace (not `is_ascii_whitespace`, which has form feed).
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

pub(super) fn skip_space(b: &[u8], mut at: usize) -> usize {
    while b.get(at).is_some_and(|&c| is_space(c)) {
        at += 1;
    }
    at
}
