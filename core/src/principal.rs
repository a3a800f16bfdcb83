//! Who is calling: the authenticated principal, when the transport knows it.

use std::fmt;

/// The authenticated caller (e.g. the principal id an API Gateway authorizer
/// returned, or a fixed name for a bearer token). Never a secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Principal(String);

impl Principal {
    /// Wraps a principal id.
    pub fn new(id: impl Into<String>) -> Self {
        Principal(id.into())
    }

    /// The principal id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
