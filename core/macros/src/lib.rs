//! `#[tool]`: turns a documented async fn, or the async methods of an impl
//! block, into `lambda_mcp_core` tools.
//!
//! Everything it writes is ordinary use of `lambda_mcp_core`'s public
//! traits (`Tool`, `ToolSet`, `StatefulTool`, `IntoToolResult`); see the
//! documentation of `lambda_mcp_core::tool` for the accepted forms and
//! options.

mod attrs;
mod docs;
mod expand_fn;
mod expand_impl;
mod output;
mod params;
mod spec;

use proc_macro::TokenStream;
use syn::{Error, Item};

/// Makes a tool of an `async fn`, or tools of the async methods of an
/// impl block. Use it as `lambda_mcp_core::tool`, whose documentation
/// describes the accepted forms and options, with examples that run.
#[proc_macro_attribute]
pub fn tool(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = proc_macro2::TokenStream::from(args);
    let expanded = match syn::parse::<Item>(item) {
        Ok(Item::Fn(item)) => expand_fn::expand(args, item),
        Ok(Item::Impl(item)) => expand_impl::expand(args, item),
        Ok(other) => {
            Err(Error::new_spanned(other, "`#[tool]` applies to an `async fn` or to an impl block of async methods"))
        }
        Err(err) => Err(err),
    };
    expanded.unwrap_or_else(Error::into_compile_error).into()
}
