//! Protocol versions and the two eras they fall into.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A protocol revision the server speaks, e.g. `2025-11-25`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProtocolVersion(&'static str);

/// The era a protocol version belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Era {
    /// 2024-11-05 … 2025-11-25: `initialize` handshake, per-connection state.
    Handshake,
    /// 2026-07-28 and later: every request is self-describing through `_meta`.
    Stateless,
}

impl ProtocolVersion {
    /// The first published revision.
    pub const V2024_11_05: ProtocolVersion = ProtocolVersion("2024-11-05");
    /// Streamable HTTP, batching, audio, tool annotations.
    pub const V2025_03_26: ProtocolVersion = ProtocolVersion("2025-03-26");
    /// Structured tool output, titles, elicitation; batching removed.
    pub const V2025_06_18: ProtocolVersion = ProtocolVersion("2025-06-18");
    /// Icons, tasks, URL elicitation.
    pub const V2025_11_25: ProtocolVersion = ProtocolVersion("2025-11-25");
    /// The stateless revision: no handshake, `server/discover`.
    pub const V2026_07_28: ProtocolVersion = ProtocolVersion("2026-07-28");

    /// Every version this server speaks, oldest first.
    pub const ALL: [ProtocolVersion; 5] =
        [Self::V2024_11_05, Self::V2025_03_26, Self::V2025_06_18, Self::V2025_11_25, Self::V2026_07_28];
    /// The newest handshake-era version, offered when a client asks for one
    /// the server does not speak.
    pub const LATEST_HANDSHAKE: ProtocolVersion = Self::V2025_11_25;
    /// The newest stateless-era version.
    pub const LATEST_STATELESS: ProtocolVersion = Self::V2026_07_28;
    /// The version assumed for an HTTP request without `MCP-Protocol-Version`.
    pub const HTTP_DEFAULT: ProtocolVersion = Self::V2025_03_26;

    /// Looks a version string up among the supported ones, newest first
    /// (what most clients send).
    pub fn parse(s: &str) -> Option<ProtocolVersion> {
        Self::ALL.into_iter().rev().find(|v| v.0 == s)
    }

    /// The version string.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// Which era this version belongs to.
    pub fn era(self) -> Era {
        if self >= Self::V2026_07_28 {
            Era::Stateless
        } else {
            Era::Handshake
        }
    }

    /// JSON-RPC batches are allowed only in 2025-03-26.
    pub fn allows_batches(self) -> bool {
        self == Self::V2025_03_26
    }

    /// `structuredContent`, `outputSchema` and `title` exist since 2025-06-18.
    pub fn has_structured_output(self) -> bool {
        self >= Self::V2025_06_18
    }

    /// The versions of one era, as strings, for error data.
    pub fn supported_in(era: Era) -> Vec<&'static str> {
        Self::ALL.into_iter().filter(|v| v.era() == era).map(|v| v.0).collect()
    }

    /// Handshake negotiation: the client's version when the server speaks it
    /// (and it is a handshake version), else the latest handshake version.
    pub fn negotiate(requested: &str) -> ProtocolVersion {
        match Self::parse(requested) {
            Some(v) if v.era() == Era::Handshake => v,
            _ => Self::LATEST_HANDSHAKE,
        }
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Serialize for ProtocolVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for ProtocolVersion {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ProtocolVersion::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unsupported protocol version {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_echoes_known_handshake_versions_and_offers_the_latest_otherwise() {
        assert_eq!(ProtocolVersion::negotiate("2024-11-05"), ProtocolVersion::V2024_11_05);
        assert_eq!(ProtocolVersion::negotiate("2025-06-18"), ProtocolVersion::V2025_06_18);
        assert_eq!(ProtocolVersion::negotiate("1999-01-01"), ProtocolVersion::LATEST_HANDSHAKE);
        assert_eq!(ProtocolVersion::negotiate("2026-07-28"), ProtocolVersion::LATEST_HANDSHAKE);
    }

    #[test]
    fn eras_and_features_follow_the_version() {
        assert_eq!(ProtocolVersion::V2025_11_25.era(), Era::Handshake);
        assert_eq!(ProtocolVersion::V2026_07_28.era(), Era::Stateless);
        assert!(ProtocolVersion::V2025_03_26.allows_batches());
        assert!(!ProtocolVersion::V2025_06_18.allows_batches());
        assert!(!ProtocolVersion::V2025_03_26.has_structured_output());
    }
}
