//! `#[tool]`: turns a documented async fn into a `lambda_mcp_core::Tool`.
use proc_macro::TokenStream;

/// Placeholder until the expansion lands: passes the item through.
#[proc_macro_attribute]
pub fn tool(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}
