//! Running a Lambda function's `bootstrap` locally, as the Lambda service
//! does: a Runtime API server ([`RuntimeApi`]), the process it serves
//! ([`Function`]), and the HTTP events API Gateway would send it
//! ([`HttpEvent`], answered by an [`HttpReply`]).

mod bridge;
mod events;
mod function;
mod runtime_api;

pub use bridge::serve_bridge;
pub use events::{HttpEvent, HttpReply, Shape};
pub use function::Function;
pub use runtime_api::{InvokeError, RuntimeApi};
