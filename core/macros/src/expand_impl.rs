//! `#[tool]` on an impl block: every `async fn` taking `&self` or
//! `&mut self` is a tool. All `&self`: a `ToolSet` of one wrapper per
//! method sharing an `Arc` of the value. Any `&mut self`: a
//! `StatefulTool`, served one call at a time.

use crate::attrs::{is_tool_attr, Site, ToolOptions};
use crate::spec::ToolSpec;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::ext::IdentExt;
use syn::{Error, FnArg, Ident, ImplItem, ImplItemFn, ItemImpl, Result, Signature, Type, TypePath};

/// A method that is a tool.
struct Method {
    ident: Ident,
    spec: ToolSpec,
}

/// Expands `#[tool(args)] item`.
pub(crate) fn expand(args: TokenStream, mut item: ItemImpl) -> Result<TokenStream> {
    if !args.is_empty() {
        return Err(Error::new_spanned(
            args,
            "a `#[tool]` impl block takes no options: put them on its methods, e.g. `#[tool(read_only)]`",
        ));
    }
    check_impl(&item)?;
    let self_ty = (*item.self_ty).clone();
    let type_name = type_name(&self_ty)?;
    let (methods, mutable) = take_methods(&mut item, &type_name, &self_ty)?;
    let items = methods.iter().map(|m| m.spec.items());
    let glue = if mutable { stateful(&self_ty, &methods) } else { tool_set(&self_ty, &type_name, &methods) };
    Ok(quote! {
        #item

        #[allow(non_camel_case_types, non_snake_case)]
        const _: () = {
            #(#items)*
            #glue
        };
    })
}

fn check_impl(item: &ItemImpl) -> Result<()> {
    if let Some((_, path, _)) = &item.trait_ {
        return Err(Error::new_spanned(
            path,
            "`#[tool]` applies to an inherent impl block (`impl MyTools { ... }`), not to a trait impl",
        ));
    }
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        return Err(Error::new_spanned(
            &item.generics,
            "a `#[tool]` impl block cannot be generic: tools need concrete types for their JSON schemas",
        ));
    }
    Ok(())
}

/// The name of the implementing type, for the hidden items' names.
fn type_name(ty: &Type) -> Result<String> {
    match ty {
        Type::Path(TypePath { qself: None, path }) => match path.segments.last() {
            Some(last) => Ok(last.ident.unraw().to_string()),
            None => Err(Error::new_spanned(ty, "expected a type name")),
        },
        _ => Err(Error::new_spanned(ty, "`#[tool]` applies to the impl block of a named type (a struct or an enum)")),
    }
}

/// Reads the tool methods, strips the macro's attributes from them, and
/// tells whether any takes `&mut self`.
fn take_methods(item: &mut ItemImpl, type_name: &str, self_ty: &Type) -> Result<(Vec<Method>, bool)> {
    let mut methods: Vec<Method> = Vec::new();
    let mut mutable = false;
    let mut errors: Option<Error> = None;
    for impl_item in &mut item.items {
        let ImplItem::Fn(f) = impl_item else { continue };
        match take_method(f, type_name, self_ty) {
            Ok(Some((method, is_mut))) => {
                if let Some(dup) = methods.iter().find(|m| m.spec.name == method.spec.name) {
                    let message = format!(
                        "two methods (`{}` and `{}`) are both the tool `{}`",
                        dup.ident, method.ident, method.spec.name
                    );
                    push_error(&mut errors, Error::new_spanned(&f.sig.ident, message));
                }
                mutable |= is_mut;
                methods.push(method);
            }
            Ok(None) => {}
            Err(err) => push_error(&mut errors, err),
        }
    }
    if let Some(errors) = errors {
        return Err(errors);
    }
    if methods.is_empty() {
        return Err(Error::new_spanned(
            &item.self_ty,
            "this `#[tool]` impl block has no tools: tools are its `async fn`s taking `&self` or `&mut self`",
        ));
    }
    Ok((methods, mutable))
}

fn push_error(errors: &mut Option<Error>, err: Error) {
    match errors {
        Some(errors) => errors.combine(err),
        None => *errors = Some(err),
    }
}

/// `Some((method, takes &mut self))` when `f` is a tool.
fn take_method(f: &mut ImplItemFn, type_name: &str, self_ty: &Type) -> Result<Option<(Method, bool)>> {
    let marked = f.attrs.iter().any(is_tool_attr);
    let options = ToolOptions::from_attrs(&f.attrs, Site::Method)?;
    f.attrs.retain(|a| !is_tool_attr(a));
    if options.skip {
        return Ok(None);
    }
    let receiver = receiver(&f.sig);
    let Some(is_mut) = receiver.filter(|_| f.sig.asyncness.is_some()) else {
        if marked {
            return Err(Error::new_spanned(
                &f.sig,
                "a `#[tool]` method must be an `async fn` taking `&self` or `&mut self`",
            ));
        }
        return Ok(None);
    };
    let ident = f.sig.ident.clone();
    let prefix = format!("__{type_name}_{}", ident.unraw());
    let spec = ToolSpec::new(&mut f.sig, &f.attrs, options, &prefix, Some(self_ty))?;
    // A tool's parameters are its schema's fields: many are normal.
    f.attrs.push(syn::parse_quote!(#[allow(clippy::too_many_arguments)]));
    Ok(Some((Method { ident, spec }, is_mut)))
}

/// `Some(is_mut)` for a `&self` / `&mut self` receiver.
fn receiver(sig: &Signature) -> Option<bool> {
    match sig.inputs.first()? {
        FnArg::Receiver(r) if r.reference.is_some() && r.colon_token.is_none() => Some(r.mutability.is_some()),
        _ => None,
    }
}

fn idents() -> (Ident, Ident) {
    (Ident::new("__arguments", Span::call_site()), Ident::new("__ctx", Span::call_site()))
}

/// `impl StatefulTool`: dispatches on the tool name.
fn stateful(self_ty: &Type, methods: &[Method]) -> TokenStream {
    let (arguments, ctx) = idents();
    let name = Ident::new("__name", Span::call_site());
    let infos = methods.iter().map(|m| m.spec.info());
    let arms = methods.iter().map(|m| {
        let (tool, method) = (&m.spec.name, &m.ident);
        let call = m.spec.call(quote!(self.#method), &arguments, &ctx);
        quote!(#tool => #call)
    });
    quote! {
        #[::lambda_mcp_core::__private::async_trait]
        impl ::lambda_mcp_core::StatefulTool for #self_ty {
            fn tools(&self) -> ::std::vec::Vec<::lambda_mcp_core::ToolInfo> {
                ::std::vec![#(#infos),*]
            }

            async fn call(
                &mut self,
                #name: &str,
                #arguments: ::lambda_mcp_core::Arguments,
                #ctx: &::lambda_mcp_core::ToolContext,
            ) -> ::core::result::Result<::lambda_mcp_core::CallToolResult, ::lambda_mcp_core::ToolError> {
                match #name {
                    #(#arms,)*
                    _ => ::core::result::Result::Err(::lambda_mcp_core::ToolError::failed(
                        ::std::format!("unknown tool `{}`", #name),
                    )),
                }
            }
        }
    }
}

/// One `Tool` per method, holding an `Arc` of the value, and `impl ToolSet`.
fn tool_set(self_ty: &Type, type_name: &str, methods: &[Method]) -> TokenStream {
    let wrappers: Vec<Ident> =
        methods.iter().map(|m| format_ident!("__{}_{}_tool", type_name, m.ident.unraw())).collect();
    let impls = methods.iter().zip(&wrappers).map(|(m, wrapper)| {
        let method = &m.ident;
        let tool = m.spec.tool_impl(quote!(#wrapper), quote!(self.0.#method));
        quote! {
            struct #wrapper(::std::sync::Arc<#self_ty>);

            #tool
        }
    });
    quote! {
        #(#impls)*

        impl ::lambda_mcp_core::ToolSet for #self_ty {
            fn into_tool_set(self) -> ::std::vec::Vec<::std::sync::Arc<dyn ::lambda_mcp_core::Tool>> {
                let __this = ::std::sync::Arc::new(self);
                ::std::vec![#(
                    ::std::sync::Arc::new(#wrappers(::std::sync::Arc::clone(&__this)))
                        as ::std::sync::Arc<dyn ::lambda_mcp_core::Tool>
                ),*]
            }
        }
    }
}
