//! Return types: converted by `IntoToolResult` directly (text and content)
//! or structured (`Serialize + JsonSchema`, with an output schema).

use crate::attrs::OutputMode;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Error, GenericArgument, Ident, PathArguments, Result, ReturnType, Type, TypePath};

/// How a tool's return value becomes a `CallToolResult`.
pub(crate) enum Output {
    /// `IntoToolResult::into_tool_result(out)`.
    Direct,
    /// A structured value of type `ty`; `fallible` when the fn returns
    /// `Result<ty, E>`.
    Structured {
        /// The structured type.
        ty: Box<Type>,
        /// The fn returns `Result<ty, E>`.
        fallible: bool,
    },
}

/// Primitive types that `IntoToolResult` turns into text.
const TEXT_TYPES: &[&str] = &[
    "String",
    "bool",
    "char",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "f32",
    "f64",
    "Value",
    "CallToolResult",
    "Content",
];

impl Output {
    /// Classifies the return type `ret`, unless `mode` forces the answer.
    pub(crate) fn classify(ret: &ReturnType, mode: OutputMode) -> Result<Self> {
        let ReturnType::Type(_, ty) = ret else {
            return match mode {
                OutputMode::Structured => Err(Error::new(ret.span(), "a `structured` tool must return a value")),
                _ => Ok(Output::Direct),
            };
        };
        let (inner, fallible) = match result_ok_type(ty) {
            Some(inner) => (inner, true),
            None => (&**ty, false),
        };
        match mode {
            OutputMode::Text => return Ok(Output::Direct),
            OutputMode::Structured => return Ok(Output::Structured { ty: Box::new(inner.clone()), fallible }),
            OutputMode::Auto if is_direct(inner) => return Ok(Output::Direct),
            OutputMode::Auto => {}
        }
        if let Type::ImplTrait(_) = inner {
            return Err(Error::new_spanned(
                inner,
                "a tool's output schema cannot be derived from an `impl Trait` return type: return a concrete \
                 type, or add `#[tool(text)]` if the type implements `IntoToolResult`",
            ));
        }
        Ok(Output::Structured { ty: Box::new(inner.clone()), fallible })
    }

    /// The hidden fn that computes the output shape once, if structured.
    pub(crate) fn shape_fn(&self, name: &Ident) -> TokenStream {
        let Output::Structured { ty, .. } = self else {
            return TokenStream::new();
        };
        let shape = quote_spanned!(ty.span()=> ::lambda_mcp_core::OutputShape::of::<#ty>);
        quote! {
            fn #name() -> &'static ::lambda_mcp_core::OutputShape {
                static SHAPE: ::lambda_mcp_core::__private::OnceLock<::lambda_mcp_core::OutputShape> =
                    ::lambda_mcp_core::__private::OnceLock::new();
                SHAPE.get_or_init(#shape)
            }
        }
    }

    /// `.with_output_schema(...)` for `ToolInfo`, if structured.
    pub(crate) fn with_schema(&self, shape_fn: &Ident) -> TokenStream {
        match self {
            Output::Direct => TokenStream::new(),
            Output::Structured { .. } => quote! {
                .with_output_schema(::core::clone::Clone::clone(#shape_fn().schema()))
            },
        }
    }

    /// Converts `out` (the return value) into
    /// `Result<CallToolResult, ToolError>`.
    pub(crate) fn convert(&self, out: &Ident, shape_fn: &Ident) -> TokenStream {
        let into = quote!(::lambda_mcp_core::IntoToolResult::into_tool_result);
        match self {
            Output::Direct => quote!(#into(#out)),
            Output::Structured { ty, fallible: false } => {
                let wrap = quote_spanned!(ty.span()=> ::lambda_mcp_core::Structured::new(#out, #shape_fn()));
                quote!(#into(#wrap))
            }
            Output::Structured { ty, fallible: true } => {
                let value = Ident::new("__value", Span::call_site());
                let wrap = quote_spanned!(ty.span()=> ::lambda_mcp_core::Structured::new(#value, #shape_fn()));
                quote!(#into(#out.map(|#value| #wrap)))
            }
        }
    }
}

/// `T` when `ty` is `Result<T, ...>` (any path ending in `Result`).
fn result_ok_type(ty: &Type) -> Option<&Type> {
    let Type::Path(TypePath { qself: None, path }) = ty else {
        return None;
    };
    let last = path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    }
}

/// Whether `IntoToolResult` converts `ty` itself (text and content types).
fn is_direct(ty: &Type) -> bool {
    match ty {
        Type::Tuple(t) => t.elems.is_empty(),
        Type::Paren(p) => is_direct(&p.elem),
        Type::Group(g) => is_direct(&g.elem),
        Type::Reference(r) => {
            matches!(&*r.elem, Type::Path(p) if p.qself.is_none() && p.path.is_ident("str"))
        }
        Type::Path(TypePath { qself: None, path }) => {
            let Some(last) = path.segments.last() else {
                return false;
            };
            match &last.arguments {
                PathArguments::None => TEXT_TYPES.iter().any(|t| last.ident == t),
                PathArguments::AngleBracketed(args) if last.ident == "Vec" && args.args.len() == 1 => {
                    matches!(args.args.first(), Some(GenericArgument::Type(Type::Path(p)))
                        if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Content"))
                }
                _ => false,
            }
        }
        _ => false,
    }
}
