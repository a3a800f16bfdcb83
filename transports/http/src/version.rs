//! The `MCP-Protocol-Version` header, read once per request: the era
//! check and the handshake-era routing both need it.

use crate::body::McpBody;
use crate::headers::Inbound;
use crate::reply;
use http::{Response, StatusCode};
use lambda_mcp_core::jsonrpc::ErrorObject;
use lambda_mcp_core::protocol::Era;
use lambda_mcp_core::{unsupported_version, ProtocolVersion};

/// What a request's `MCP-Protocol-Version` header says.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VersionHeader<'a> {
    /// The header as sent (`None`: absent); a value that is not visible
    /// ASCII reads as `""`, which names no version.
    pub(crate) text: Option<&'a str>,
    /// The supported version it names, if any.
    version: Option<ProtocolVersion>,
}

impl<'a> VersionHeader<'a> {
    pub(crate) fn read(headers: &Inbound<'a>) -> Self {
        let text = headers.protocol_version.map(|v| v.to_str().unwrap_or_default());
        VersionHeader { text, version: text.and_then(ProtocolVersion::parse) }
    }

    /// Whether the header names a stateless-era version.
    pub(crate) fn is_stateless(self) -> bool {
        self.version.is_some_and(|v| v.era() == Era::Stateless)
    }

    /// The version a request declares, in either era (absent: 2025-03-26);
    /// an unsupported one is 400.
    pub(crate) fn any_era(self) -> Result<ProtocolVersion, Response<McpBody>> {
        match (self.text, self.version) {
            (None, _) => Ok(ProtocolVersion::HTTP_DEFAULT),
            (Some(_), Some(version)) => Ok(version),
            (Some(text), None) => Err(reply::error(StatusCode::BAD_REQUEST, None, unsupported_version(text))),
        }
    }

    /// The handshake-era version a request declares: a stateless-era
    /// version without the body's `_meta` is 400 as well.
    pub(crate) fn handshake(self) -> Result<ProtocolVersion, Response<McpBody>> {
        let version = self.any_era()?;
        if version.era() == Era::Stateless {
            return Err(reply::error(
                StatusCode::BAD_REQUEST,
                None,
                ErrorObject::invalid_params(
                    "a 2026-07-28 request must carry _meta[\"io.modelcontextprotocol/protocolVersion\"]",
                ),
            ));
        }
        Ok(version)
    }
}
