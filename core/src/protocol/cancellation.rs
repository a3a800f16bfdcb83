//! `notifications/cancelled`.

use crate::jsonrpc::RequestId;
use serde::{Deserialize, Serialize};

/// `notifications/cancelled` parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelledParams {
    /// The request to cancel.
    pub request_id: RequestId,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Method names of this area.
pub mod methods {
    /// Either side: stop working on a request.
    pub const CANCELLED: &str = "notifications/cancelled";
}
