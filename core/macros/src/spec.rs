//! One tool, as the macro understands it: its metadata, its arguments and
//! its output, and the code they expand to (the args struct, `info()` and
//! the body of `call()`).

use crate::attrs::ToolOptions;
use crate::docs::FnDocs;
use crate::output::Output;
use crate::params::{take_inputs, Arg, Input};
use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{format_ident, quote, ToTokens};
use syn::ext::IdentExt;
use syn::parse::Parse;
use syn::{Attribute, Error, Ident, LitStr, Result, Signature, Type};

/// A tool fn or method, read and checked.
pub(crate) struct ToolSpec {
    /// The tool's name on the wire.
    pub(crate) name: String,
    description: Option<String>,
    options: ToolOptions,
    /// Prefix of the hidden items (`__greet`, `__Calculator_add`).
    prefix: String,
    inputs: Vec<Input>,
    output: Output,
}

impl ToolSpec {
    /// Reads the tool defined by `sig` (documented by `attrs`) and strips
    /// the macro's attributes from its parameters. For a method, `self_ty`
    /// replaces `Self` in the types the hidden items mention.
    pub(crate) fn new(
        sig: &mut Signature,
        attrs: &[Attribute],
        options: ToolOptions,
        prefix: &str,
        self_ty: Option<&Type>,
    ) -> Result<Self> {
        check_signature(sig)?;
        let name = tool_name(&sig.ident, options.name.as_ref())?;
        let docs = FnDocs::from_attrs(attrs);
        let mut inputs = take_inputs(&mut sig.inputs, self_ty.is_some())?;
        let mut output = Output::classify(&sig.output, options.output)?;
        for input in &mut inputs {
            if let Input::Arg(arg) = input {
                let key = arg.ident.unraw().to_string();
                arg.doc = arg.doc.take().or_else(|| docs.argument(&key).map(str::to_owned));
            }
        }
        if let Some(self_ty) = self_ty {
            replace_self_everywhere(&mut inputs, &mut output, self_ty)?;
        }
        let description = options.description.as_ref().map(LitStr::value).or(docs.description);
        Ok(ToolSpec { name, description, options, prefix: prefix.to_owned(), inputs, output })
    }

    fn args_ident(&self) -> Ident {
        format_ident!("{}_args", self.prefix)
    }

    fn shape_ident(&self) -> Ident {
        format_ident!("{}_output_shape", self.prefix)
    }

    fn default_ident(&self, arg: &Arg) -> Ident {
        format_ident!("{}_default_{}", self.prefix, arg.ident.unraw())
    }

    fn args(&self) -> impl Iterator<Item = &Arg> {
        self.inputs.iter().filter_map(|input| match input {
            Input::Arg(arg) => Some(&**arg),
            Input::Context { .. } => None,
        })
    }

    /// The hidden items: the args struct, the default fns and the output
    /// shape fn.
    pub(crate) fn items(&self) -> TokenStream {
        let args_ident = self.args_ident();
        let fields = self.args().map(|arg| self.field(arg));
        let defaults = self.args().filter_map(|arg| {
            let expr = arg.default.as_ref()?;
            let (ident, ty) = (self.default_ident(arg), &arg.ty);
            let value = match expr {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(_), .. }) => {
                    quote!(::core::convert::Into::into(#expr))
                }
                _ => quote!(#expr),
            };
            Some(quote!(fn #ident() -> #ty { #value }))
        });
        let shape = self.output.shape_fn(&self.shape_ident());
        quote! {
            #[derive(
                ::lambda_mcp_core::__private::serde::Deserialize,
                ::lambda_mcp_core::__private::schemars::JsonSchema
            )]
            #[serde(crate = "::lambda_mcp_core::__private::serde")]
            #[schemars(crate = "::lambda_mcp_core::__private::schemars")]
            struct #args_ident {
                #(#fields,)*
            }
            #(#defaults)*
            #shape
        }
    }

    fn field(&self, arg: &Arg) -> TokenStream {
        let Arg { ident, ty, doc, default, field_attrs } = arg;
        let doc = doc.as_ref().map(|doc| quote!(#[doc = #doc]));
        let default = default.as_ref().map(|_| {
            let path = self.default_ident(arg).to_string();
            quote!(#[serde(default = #path)])
        });
        quote!(#doc #default #(#field_attrs)* #ident: #ty)
    }

    /// The `ToolInfo` expression.
    pub(crate) fn info(&self) -> TokenStream {
        let name = &self.name;
        let args = self.args_ident();
        let description = self.description.as_ref().map(|d| quote!(.with_description(#d)));
        let title = self.options.title.as_ref().map(|t| quote!(.with_title(#t)));
        let output_schema = self.output.with_schema(&self.shape_ident());
        let annotations = self.annotations();
        quote! {
            ::lambda_mcp_core::ToolInfo::new(
                #name,
                ::lambda_mcp_core::__private::serde_json::Value::Object(::lambda_mcp_core::input_schema::<#args>()),
            )
            #description #title #output_schema #annotations
        }
    }

    fn annotations(&self) -> Option<TokenStream> {
        if !self.options.has_annotations() {
            return None;
        }
        let hint = |value: Option<bool>| match value {
            Some(value) => quote!(::core::option::Option::Some(#value)),
            None => quote!(::core::option::Option::None),
        };
        let read_only = hint(self.options.read_only);
        let destructive = hint(self.options.destructive);
        let idempotent = hint(self.options.idempotent);
        let open_world = hint(self.options.open_world);
        Some(quote! {
            .with_annotations(::lambda_mcp_core::ToolAnnotations {
                read_only_hint: #read_only,
                destructive_hint: #destructive,
                idempotent_hint: #idempotent,
                open_world_hint: #open_world,
                ..::core::default::Default::default()
            })
        })
    }

    /// `impl Tool for #self_ty`, whose `call()` runs `invoke` (a path or
    /// method expression taking the tool's parameters).
    pub(crate) fn tool_impl(&self, self_ty: TokenStream, invoke: TokenStream) -> TokenStream {
        let arguments = Ident::new("__arguments", Span::call_site());
        let ctx = Ident::new("__ctx", Span::call_site());
        let info = self.info();
        let call = self.call(invoke, &arguments, &ctx);
        quote! {
            #[::lambda_mcp_core::__private::async_trait]
            impl ::lambda_mcp_core::Tool for #self_ty {
                fn info(&self) -> ::lambda_mcp_core::ToolInfo {
                    #info
                }

                async fn call(
                    &self,
                    #arguments: ::lambda_mcp_core::Arguments,
                    #ctx: &::lambda_mcp_core::ToolContext,
                ) -> ::core::result::Result<::lambda_mcp_core::CallToolResult, ::lambda_mcp_core::ToolError> {
                    #call
                }
            }
        }
    }

    /// The body of `call()`: parses `arguments`, calls `invoke` (a path or
    /// a method call without its argument list) and converts its output.
    pub(crate) fn call(&self, invoke: TokenStream, arguments: &Ident, ctx: &Ident) -> TokenStream {
        let name = &self.name;
        let args_ident = self.args_ident();
        let parsed = Ident::new("__args", Span::call_site());
        let out = Ident::new("__out", Span::call_site());
        let call_args = self.inputs.iter().map(|input| match input {
            Input::Context { by_ref: true } => quote!(#ctx),
            Input::Context { by_ref: false } => quote!(::core::clone::Clone::clone(#ctx)),
            Input::Arg(arg) => {
                let ident = &arg.ident;
                quote!(#parsed.#ident)
            }
        });
        let convert = self.output.convert(&out, &self.shape_ident());
        quote! {{
            let #parsed: #args_ident = #arguments.parse(#name)?;
            let #out = #invoke(#(#call_args),*).await;
            #convert
        }}
    }
}

/// Rejects what a tool fn cannot be: not async, generic, `const`,
/// `unsafe`, `extern`, variadic.
fn check_signature(sig: &Signature) -> Result<()> {
    if sig.asyncness.is_none() {
        return Err(Error::new_spanned(
            sig.fn_token,
            "`#[tool]` needs an `async fn`: tools are called from async code (add `async`)",
        ));
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        return Err(Error::new_spanned(
            &sig.generics,
            "a `#[tool]` fn cannot be generic: its arguments and output need concrete types for the JSON schemas",
        ));
    }
    if let Some(token) = &sig.unsafety {
        return Err(Error::new_spanned(token, "a `#[tool]` fn cannot be `unsafe`"));
    }
    if let Some(token) = &sig.constness {
        return Err(Error::new_spanned(token, "a `#[tool]` fn cannot be `const`"));
    }
    if let Some(abi) = &sig.abi {
        return Err(Error::new_spanned(abi, "a `#[tool]` fn cannot have an ABI"));
    }
    if let Some(variadic) = &sig.variadic {
        return Err(Error::new_spanned(variadic, "a `#[tool]` fn cannot be variadic"));
    }
    Ok(())
}

/// The tool's name (`name = "..."` or the fn's), checked against MCP's
/// rules: 1–128 ASCII letters, digits, `_`, `-` and `.`.
fn tool_name(ident: &Ident, explicit: Option<&LitStr>) -> Result<String> {
    let (name, span) = match explicit {
        Some(lit) => (lit.value(), lit.span()),
        None => (ident.unraw().to_string(), ident.span()),
    };
    let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if name.is_empty() || name.len() > 128 || !name.chars().all(valid) {
        return Err(Error::new(
            span,
            format!(
                "invalid tool name {name:?}: use 1 to 128 ASCII letters, digits, '_', '-' and '.' \
                 (set one with `#[tool(name = \"...\")]`)"
            ),
        ));
    }
    Ok(name)
}

fn replace_self_everywhere(inputs: &mut [Input], output: &mut Output, self_ty: &Type) -> Result<()> {
    for input in inputs {
        if let Input::Arg(arg) = input {
            arg.ty = replace_self(&arg.ty, self_ty)?;
            if let Some(default) = &arg.default {
                arg.default = Some(replace_self(default, self_ty)?);
            }
        }
    }
    if let Output::Structured { ty, .. } = output {
        **ty = replace_self(&**ty, self_ty)?;
    }
    Ok(())
}

/// `node` with every `Self` replaced by `self_ty`, for the hidden items
/// that live outside the impl block.
fn replace_self<T: ToTokens + Parse>(node: &T, self_ty: &Type) -> Result<T> {
    fn walk(tokens: TokenStream, self_ty: &Type) -> TokenStream {
        tokens
            .into_iter()
            .map(|token| match token {
                TokenTree::Ident(ident) if ident == "Self" => {
                    let mut ty = self_ty.to_token_stream();
                    ty = ty
                        .into_iter()
                        .map(|mut t| {
                            t.set_span(ident.span());
                            t
                        })
                        .collect();
                    quote!(#ty)
                }
                TokenTree::Group(group) => {
                    let mut new = proc_macro2::Group::new(group.delimiter(), walk(group.stream(), self_ty));
                    new.set_span(group.span());
                    TokenTree::Group(new).into_token_stream()
                }
                other => other.into_token_stream(),
            })
            .collect()
    }
    syn::parse2(walk(node.to_token_stream(), self_ty))
}
