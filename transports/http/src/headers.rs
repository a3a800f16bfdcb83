//! The request headers this transport reads, found in one pass over the
//! header map: a lookup by name hashes the name and probes the map, and a
//! POST reads up to nine of them.

use crate::stateless::names;
use crate::SESSION_HEADER;
use http::{HeaderMap, HeaderValue};

/// The headers the MCP endpoint reads. For each but `Accept`, the first
/// value sent (what `HeaderMap::get` returns); every `Accept` header counts.
#[derive(Debug, Default)]
pub(crate) struct Inbound<'a> {
    pub(crate) origin: Option<&'a HeaderValue>,
    pub(crate) host: Option<&'a HeaderValue>,
    pub(crate) authorization: Option<&'a HeaderValue>,
    pub(crate) content_type: Option<&'a HeaderValue>,
    pub(crate) accepts: Accepts,
    pub(crate) protocol_version: Option<&'a HeaderValue>,
    pub(crate) method: Option<&'a HeaderValue>,
    pub(crate) name: Option<&'a HeaderValue>,
    pub(crate) session_id: Option<&'a HeaderValue>,
}

impl<'a> Inbound<'a> {
    pub(crate) fn read(headers: &'a HeaderMap) -> Self {
        let mut inbound = Inbound::default();
        for (name, value) in headers {
            let slot = match name.as_str() {
                "accept" => {
                    inbound.accepts.add(value);
                    continue;
                }
                "content-type" => &mut inbound.content_type,
                "host" => &mut inbound.host,
                "origin" => &mut inbound.origin,
                "authorization" => &mut inbound.authorization,
                names::PROTOCOL_VERSION => &mut inbound.protocol_version,
                names::METHOD => &mut inbound.method,
                names::NAME => &mut inbound.name,
                SESSION_HEADER => &mut inbound.session_id,
                _ => continue,
            };
            slot.get_or_insert(value);
        }
        inbound
    }
}

/// What the `Accept` headers allow of the two types this endpoint answers with.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Accepts {
    pub(crate) json: bool,
    pub(crate) sse: bool,
}

impl Accepts {
    const BOTH: Accepts = Accepts { json: true, sse: true };

    /// Adds one `Accept` header (a comma-separated list of media ranges),
    /// read by bytes.
    fn add(&mut self, accept: &HeaderValue) {
        /// What the official SDKs send: compared whole before anything is split.
        const SDK: &[u8] = b"application/json, text/event-stream";
        if *self == Accepts::BOTH || accept.as_bytes() == SDK {
            *self = Accepts::BOTH;
            return;
        }
        let Ok(accept) = accept.to_str() else { return };
        for range in accept.as_bytes().split(|&b| b == b',').map(media_range) {
            if range == b"*/*" {
                *self = Accepts::BOTH;
                return;
            }
            self.json |=
                range.eq_ignore_ascii_case(b"application/json") || range.eq_ignore_ascii_case(b"application/*");
            self.sse |= range.eq_ignore_ascii_case(b"text/event-stream") || range.eq_ignore_ascii_case(b"text/*");
        }
    }
}

/// A media type without its parameters.
pub(crate) fn media_range(value: &[u8]) -> &[u8] {
    let end = value.iter().position(|&b| b == b';').unwrap_or(value.len());
    value[..end].trim_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header;

    fn map(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn accept_ranges() {
        let accepts = |values: &[&str]| {
            let mut headers = HeaderMap::new();
            for v in values {
                headers.append(header::ACCEPT, v.parse().unwrap());
            }
            let Accepts { json, sse } = Inbound::read(&headers).accepts;
            (json, sse)
        };
        assert_eq!(accepts(&["application/json, text/event-stream"]), (true, true));
        assert_eq!(accepts(&["application/json", "text/event-stream;q=0.5"]), (true, true));
        assert_eq!(accepts(&["*/*"]), (true, true));
        assert_eq!(accepts(&["application/*;q=0.9, TEXT/*"]), (true, true));
        assert_eq!(accepts(&["application/json"]), (true, false));
        assert_eq!(accepts(&["text/event-stream"]), (false, true));
        assert_eq!(accepts(&[""]), (false, false));
        assert_eq!(accepts(&[]), (false, false));
    }

    /// One pass finds what a lookup by name finds: the first value of each
    /// header, whatever its case as sent and wherever it comes.
    #[test]
    fn one_pass_reads_what_lookups_read() {
        let headers = map(&[
            ("x-other", "1"),
            ("Mcp-Session-Id", "first"),
            ("MCP-Protocol-Version", "2025-11-25"),
            ("mcp-session-id", "second"),
            ("Mcp-Method", "tools/call"),
            ("Mcp-Name", "hello"),
            ("Origin", "http://localhost"),
            ("Host", "localhost:8080"),
            ("Authorization", "Bearer t"),
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
            ("Accept", "text/event-stream"),
        ]);
        let inbound = Inbound::read(&headers);
        let got = [
            inbound.session_id,
            inbound.protocol_version,
            inbound.method,
            inbound.name,
            inbound.origin,
            inbound.host,
            inbound.authorization,
            inbound.content_type,
        ];
        let names = [
            SESSION_HEADER,
            names::PROTOCOL_VERSION,
            names::METHOD,
            names::NAME,
            "origin",
            "host",
            "authorization",
            "content-type",
        ];
        for (got, name) in got.iter().zip(names) {
            assert_eq!(*got, headers.get(name), "{name}");
        }
        assert_eq!(inbound.session_id.unwrap(), "first");
        assert_eq!(inbound.accepts, Accepts::BOTH);
        let empty = HeaderMap::new();
        let none = Inbound::read(&empty);
        assert!(none.session_id.is_none() && none.content_type.is_none());
        assert_eq!(none.accepts, Accepts::default());
    }
}
