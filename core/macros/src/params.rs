//! A tool fn's parameters: which one is the `ToolContext`, which ones are
//! arguments, and the checks that keep the expansion sound.

use crate::attrs::{is_tool_attr, ParamOptions};
use crate::docs::{doc_text, is_doc};
use proc_macro2::{TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::{Attribute, Error, Expr, FnArg, Ident, Pat, PatType, Result, Token, Type, TypePath};

/// One parameter of a tool fn, receiver excluded.
pub(crate) enum Input {
    /// The call's `ToolContext`, passed through; `by_ref` unless it is
    /// taken by value (then it is cloned).
    Context {
        /// `&ToolContext` rather than `ToolContext`.
        by_ref: bool,
    },
    /// An argument, deserialised from the call's arguments.
    Arg(Box<Arg>),
}

/// An argument parameter: becomes a field of the args struct.
pub(crate) struct Arg {
    /// The parameter's name, and the field's.
    pub(crate) ident: Ident,
    /// Its type.
    pub(crate) ty: Type,
    /// The `///` doc on the parameter.
    pub(crate) doc: Option<String>,
    /// `#[tool(default = EXPR)]`.
    pub(crate) default: Option<Expr>,
    /// `#[serde(...)]` and `#[schemars(...)]`, passed to the field.
    pub(crate) field_attrs: Vec<Attribute>,
}

/// Reads the parameters of a tool fn, and strips from them the attributes
/// that only the macro understands (docs, `#[tool]`, `#[serde]`,
/// `#[schemars]`). A receiver is an error unless `method` (then it is
/// skipped: the caller has checked it).
pub(crate) fn take_inputs(inputs: &mut Punctuated<FnArg, Token![,]>, method: bool) -> Result<Vec<Input>> {
    let mut out = Vec::new();
    let mut errors: Option<Error> = None;
    let mut context_seen = false;
    for input in inputs.iter_mut() {
        let result = match input {
            FnArg::Receiver(_) if method => continue,
            FnArg::Receiver(receiver) => Err(Error::new_spanned(
                receiver,
                "a `#[tool]` fn cannot take `self`; to make methods tools, put them in an impl block marked `#[tool]`",
            )),
            FnArg::Typed(param) => take_input(param, &mut context_seen),
        };
        match result {
            Ok(input) => out.push(input),
            Err(err) => match &mut errors {
                Some(errors) => errors.combine(err),
                None => errors = Some(err),
            },
        }
    }
    errors.map_or(Ok(out), Err)
}

fn take_input(param: &mut PatType, context_seen: &mut bool) -> Result<Input> {
    let attrs = std::mem::take(&mut param.attrs);
    let (moved, kept): (Vec<_>, Vec<_>) = attrs.into_iter().partition(is_moved_attr);
    param.attrs = kept;
    if let Some(by_ref) = context_kind(&param.ty)? {
        if *context_seen {
            return Err(Error::new_spanned(&param.ty, "a tool takes at most one `ToolContext` parameter"));
        }
        *context_seen = true;
        if let Some(attr) = moved.iter().find(|a| !is_doc(a)) {
            return Err(Error::new_spanned(attr, "the `ToolContext` parameter takes no attributes"));
        }
        return Ok(Input::Context { by_ref });
    }
    let ident = arg_ident(&param.pat)?;
    check_arg_type(&param.ty)?;
    let options = ParamOptions::from_attrs(&moved)?;
    let field_attrs = moved.iter().filter(|a| is_field_attr(a)).cloned().collect();
    Ok(Input::Arg(Box::new(Arg {
        ident,
        ty: (*param.ty).clone(),
        doc: doc_text(&moved),
        default: options.default,
        field_attrs,
    })))
}

fn is_moved_attr(attr: &Attribute) -> bool {
    is_doc(attr) || is_tool_attr(attr) || is_field_attr(attr)
}

fn is_field_attr(attr: &Attribute) -> bool {
    attr.path().is_ident("serde") || attr.path().is_ident("schemars")
}

/// `Some(by_ref)` when `ty` is `&ToolContext` or `ToolContext` (any path
/// ending in `ToolContext`).
fn context_kind(ty: &Type) -> Result<Option<bool>> {
    match ty {
        Type::Reference(r) if is_context_path(&r.elem) => match r.mutability {
            Some(_) => Err(Error::new_spanned(ty, "take the context as `&ToolContext`, not `&mut ToolContext`")),
            None => Ok(Some(true)),
        },
        Type::Paren(p) => context_kind(&p.elem),
        Type::Group(g) => context_kind(&g.elem),
        _ if is_context_path(ty) => Ok(Some(false)),
        _ => Ok(None),
    }
}

fn is_context_path(ty: &Type) -> bool {
    match ty {
        Type::Path(TypePath { qself: None, path }) => path.segments.last().is_some_and(|s| s.ident == "ToolContext"),
        _ => false,
    }
}

fn arg_ident(pat: &Pat) -> Result<Ident> {
    match pat {
        Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Ok(p.ident.clone()),
        Pat::Ident(p) if p.by_ref.is_some() => Err(Error::new_spanned(pat, "tool parameters cannot be bound by `ref`")),
        _ => Err(Error::new_spanned(
            pat,
            "tool parameters must be plain names (`name: Type`): each one becomes a named argument of the tool; \
             destructure inside the body instead",
        )),
    }
}

/// Rejects the types an argument cannot have: borrowed ones (arguments are
/// deserialised into owned values) and `impl Trait`.
fn check_arg_type(ty: &Type) -> Result<()> {
    match ty {
        Type::Reference(r) if is_str(&r.elem) => Err(Error::new_spanned(
            ty,
            "tool arguments are deserialised into owned values: use `String` instead of `&str`",
        )),
        Type::Reference(_) => Err(Error::new_spanned(
            ty,
            "tool arguments are deserialised into owned values: take the argument by value \
             (only `&ToolContext` may be borrowed)",
        )),
        Type::ImplTrait(_) => Err(Error::new_spanned(
            ty,
            "`impl Trait` parameters are not supported: a tool argument needs a concrete type that implements \
             `Deserialize` and `JsonSchema`",
        )),
        _ => match nested_problem(quote::quote!(#ty)) {
            Some(problem) => Err(Error::new_spanned(ty, problem)),
            None => Ok(()),
        },
    }
}

fn is_str(ty: &Type) -> bool {
    matches!(ty, Type::Path(TypePath { qself: None, path }) if path.is_ident("str"))
}

/// What is wrong with a type that mentions a borrow (`&`) or an
/// `impl Trait` somewhere inside.
fn nested_problem(tokens: TokenStream) -> Option<&'static str> {
    tokens.into_iter().find_map(|token| match token {
        TokenTree::Group(g) => nested_problem(g.stream()),
        TokenTree::Punct(p) if p.as_char() == '&' => Some(
            "tool arguments are deserialised into owned values: this type borrows (use owned types such as \
             `String` and `Vec<T>`)",
        ),
        TokenTree::Ident(i) if i == "impl" => {
            Some("`impl Trait` is not supported in tool arguments: use a concrete type")
        }
        _ => None,
    })
}
