//! `#[tool]` on a free `async fn`: a unit struct named after the fn that
//! implements `Tool`, with the original fn kept as its `run` method.

use crate::attrs::{Site, ToolOptions};
use crate::docs::is_doc;
use crate::spec::ToolSpec;
use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::{Ident, ItemFn, Result};

/// Expands `#[tool(args)] item`.
pub(crate) fn expand(args: TokenStream, mut item: ItemFn) -> Result<TokenStream> {
    let options = ToolOptions::from_args(args, Site::Fn)?;
    let ident = item.sig.ident.clone();
    let prefix = format!("__{}", ident.unraw());
    let spec = ToolSpec::new(&mut item.sig, &item.attrs, options, &prefix, None)?;
    let (docs, attrs): (Vec<_>, Vec<_>) = item.attrs.iter().partition(|a| is_doc(a));
    let vis = &item.vis;
    item.sig.ident = Ident::new("run", ident.span());
    let (sig, block) = (&item.sig, &item.block);
    let run_doc = format!("Runs the tool `{}`: the body of the `#[tool]` fn.", spec.name);
    let tool_impl = tool_impl(&ident, &spec);
    Ok(quote! {
        #(#docs)*
        #[allow(non_camel_case_types)]
        #[derive(
            ::core::fmt::Debug,
            ::core::clone::Clone,
            ::core::marker::Copy,
            ::core::default::Default
        )]
        #vis struct #ident;

        impl #ident {
            #[doc = #run_doc]
            #[allow(clippy::too_many_arguments)]
            #(#attrs)*
            #vis #sig #block
        }

        #tool_impl
    })
}

/// The hidden items and `impl Tool for #ident`, in an anonymous const so
/// their names cannot clash with the user's.
fn tool_impl(ident: &Ident, spec: &ToolSpec) -> TokenStream {
    let items = spec.items();
    let tool = spec.tool_impl(quote!(#ident), quote!(Self::run));
    quote! {
        #[allow(non_camel_case_types, non_snake_case)]
        const _: () = {
            #items

            #tool
        };
    }
}
