//! Resources: data a client reads by URI. A [`Resource`] has one fixed URI;
//! a [`ResourceTemplate`] serves every URI that matches its RFC 6570
//! template. Like [`crate::Tool`], each is metadata plus one async `read`.
//!
//! ```
//! use lambda_mcp_core::{
//!     async_trait, Completion, ResourceContents, ResourceError, ResourceTemplate,
//!     ResourceTemplateInfo, Server, TextResource, ToolContext,
//! };
//! use std::collections::BTreeMap;
//!
//! /// One JSON document per user id.
//! struct Users;
//!
//! #[async_trait]
//! impl ResourceTemplate for Users {
//!     fn info(&self) -> ResourceTemplateInfo {
//!         ResourceTemplateInfo::new("users://{id}/profile", "user-profile")
//!             .with_mime_type("application/json")
//!     }
//!
//!     async fn read(
//!         &self,
//!         uri: &str,
//!         vars: &BTreeMap<String, String>,
//!         _ctx: &ToolContext,
//!     ) -> Result<Vec<ResourceContents>, ResourceError> {
//!         let id = &vars["id"];
//!         if id != "42" {
//!             return Err(ResourceError::not_found(uri));
//!         }
//!         let profile = serde_json::json!({ "id": id, "name": "Ada" });
//!         Ok(vec![ResourceContents::text(uri, "application/json", profile.to_string())])
//!     }
//!
//!     async fn complete(&self, _variable: &str, value: &str, _context: &BTreeMap<String, String>) -> Completion {
//!         Completion::matching(["42"], value)
//!     }
//! }
//!
//! let server = Server::builder("demo", "1.0.0")
//!     .resource(TextResource::new("docs://readme", "readme", "text/plain", "Hello."))
//!     .resource_template(Users)
//!     .build();
//! assert_eq!(server.resource_uris(), ["docs://readme"]);
//! ```

mod simple;
mod uri_template;

pub use simple::{BlobResource, FnResource, FnTemplate, TextResource};
pub use uri_template::{UriTemplate, UriTemplateError};

pub(crate) use simple::CompleteFn;

use crate::context::ToolContext;
use crate::jsonrpc::{ErrorCode, ErrorObject};
use crate::protocol::resources::ResourceTemplateInfo;
use crate::protocol::{Completion, Era, ResourceContents, ResourceInfo};
use async_trait::async_trait;
use serde_json::json;
use std::collections::BTreeMap;

/// A resource with a fixed URI, listed by `resources/list`.
#[async_trait]
pub trait Resource: Send + Sync + 'static {
    /// URI, name, title, description, MIME type and size. Read once, when
    /// the resource is registered.
    fn info(&self) -> ResourceInfo;

    /// Serves one `resources/read`. `&self`: one value serves every
    /// concurrent read.
    async fn read(&self, ctx: &ToolContext) -> Result<Vec<ResourceContents>, ResourceError>;
}

/// A family of resources behind an RFC 6570 level-1 URI template (simple
/// `{name}` variables, see [`UriTemplate`]), listed by
/// `resources/templates/list`.
#[async_trait]
pub trait ResourceTemplate: Send + Sync + 'static {
    /// URI template, name, title, description and MIME type. Read once,
    /// when the template is registered.
    fn info(&self) -> ResourceTemplateInfo;

    /// Serves one `resources/read` of a URI that matches the template;
    /// `vars` holds the variables' (percent-decoded) values. A URI that
    /// matches but names nothing is [`ResourceError::NotFound`].
    async fn read(
        &self,
        uri: &str,
        vars: &BTreeMap<String, String>,
        ctx: &ToolContext,
    ) -> Result<Vec<ResourceContents>, ResourceError>;

    /// Suggests values for `variable` given what has been typed (`value`)
    /// and the other variables already chosen (`context`). None by default.
    async fn complete(&self, variable: &str, value: &str, context: &BTreeMap<String, String>) -> Completion {
        let _ = (variable, value, context);
        Completion::default()
    }
}

/// Why a resource could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResourceError {
    /// Nothing has this URI: -32002 up to 2025-11-25, -32602 in 2026-07-28,
    /// with the URI in `data`.
    #[error("Resource not found: {uri}")]
    NotFound {
        /// The URI asked for.
        uri: String,
    },
    /// The resource exists but could not be read: -32603.
    #[error("{0}")]
    Failed(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ResourceError {
    /// Nothing has this URI.
    pub fn not_found(uri: impl Into<String>) -> Self {
        ResourceError::NotFound { uri: uri.into() }
    }

    /// A read failure from any error or message.
    ///
    /// ```
    /// use lambda_mcp_core::ResourceError;
    /// let err = ResourceError::failed("bucket unreachable");
    /// assert_eq!(err.to_string(), "bucket unreachable");
    /// ```
    pub fn failed(err: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        ResourceError::Failed(err.into())
    }

    /// The JSON-RPC error for a read of `uri` in `era`.
    pub(crate) fn into_error_object(self, uri: &str, era: Era) -> ErrorObject {
        match self {
            ResourceError::NotFound { uri } => {
                let code = match era {
                    Era::Handshake => ErrorCode::RESOURCE_NOT_FOUND,
                    Era::Stateless => ErrorCode::INVALID_PARAMS,
                };
                ErrorObject::new(code, format!("Resource not found: {uri}")).with_data(json!({ "uri": uri }))
            }
            ResourceError::Failed(err) => ErrorObject::internal(format!("cannot read resource {uri}: {err}")),
        }
    }
}
