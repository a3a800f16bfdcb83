//! The options of `#[tool(...)]`: on a function, on a method of an impl
//! block and on a parameter.

use proc_macro2::TokenStream;
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;
use syn::{Attribute, Error, Expr, LitBool, LitStr, Meta, Result, Token};

/// How the return value is turned into a `CallToolResult`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum OutputMode {
    /// Decided from the return type's syntax.
    #[default]
    Auto,
    /// Forced: the return type implements `IntoToolResult` itself.
    Text,
    /// Forced: the return type is `Serialize + JsonSchema`.
    Structured,
}

/// Where a `#[tool(...)]` attribute was found: decides which options it
/// may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Site {
    /// On a free `async fn`.
    Fn,
    /// On a method of an impl block marked `#[tool]`.
    Method,
}

/// The options of one tool.
#[derive(Default)]
pub(crate) struct ToolOptions {
    /// `name = "..."`: the tool's name instead of the fn's.
    pub(crate) name: Option<LitStr>,
    /// `title = "..."`: the human-readable title.
    pub(crate) title: Option<LitStr>,
    /// `description = "..."`: instead of the doc comment.
    pub(crate) description: Option<LitStr>,
    /// `read_only`: the `readOnlyHint` annotation.
    pub(crate) read_only: Option<bool>,
    /// `destructive`: the `destructiveHint` annotation.
    pub(crate) destructive: Option<bool>,
    /// `idempotent`: the `idempotentHint` annotation.
    pub(crate) idempotent: Option<bool>,
    /// `open_world`: the `openWorldHint` annotation.
    pub(crate) open_world: Option<bool>,
    /// `text` / `structured`: how the output is converted.
    pub(crate) output: OutputMode,
    /// `skip` (methods only): not a tool.
    pub(crate) skip: bool,
}

const FN_OPTIONS: &str =
    "`name`, `title`, `description`, `read_only`, `destructive`, `idempotent`, `open_world`, `text` or `structured`";
const METHOD_OPTIONS: &str = "`name`, `title`, `description`, `read_only`, `destructive`, `idempotent`, \
                              `open_world`, `text`, `structured` or `skip`";

impl ToolOptions {
    /// Parses the arguments of the attribute the macro was invoked with.
    pub(crate) fn from_args(args: TokenStream, site: Site) -> Result<Self> {
        let mut options = ToolOptions::default();
        syn::meta::parser(|meta| options.parse_one(&meta, site)).parse2(args)?;
        Ok(options)
    }

    /// Parses every `#[tool(...)]` of `attrs` (a bare `#[tool]` carries no
    /// options).
    pub(crate) fn from_attrs(attrs: &[Attribute], site: Site) -> Result<Self> {
        let mut options = ToolOptions::default();
        for attr in attrs.iter().filter(|a| is_tool_attr(a)) {
            if matches!(attr.meta, Meta::List(_)) {
                attr.parse_nested_meta(|meta| options.parse_one(&meta, site))?;
            }
        }
        Ok(options)
    }

    fn parse_one(&mut self, meta: &ParseNestedMeta<'_>, site: Site) -> Result<()> {
        let Some(ident) = meta.path.get_ident() else {
            return Err(unknown(meta, site));
        };
        match ident.to_string().as_str() {
            "name" => set(&mut self.name, meta, meta.value()?.parse()?),
            "title" => set(&mut self.title, meta, meta.value()?.parse()?),
            "description" => set(&mut self.description, meta, meta.value()?.parse()?),
            "read_only" => set(&mut self.read_only, meta, flag(meta)?),
            "destructive" => set(&mut self.destructive, meta, flag(meta)?),
            "idempotent" => set(&mut self.idempotent, meta, flag(meta)?),
            "open_world" => set(&mut self.open_world, meta, flag(meta)?),
            "text" => self.set_output(meta, OutputMode::Text),
            "structured" => self.set_output(meta, OutputMode::Structured),
            "skip" if site == Site::Method => {
                self.skip = true;
                Ok(())
            }
            _ => Err(unknown(meta, site)),
        }
    }

    fn set_output(&mut self, meta: &ParseNestedMeta<'_>, mode: OutputMode) -> Result<()> {
        if self.output != OutputMode::Auto {
            return Err(meta.error("`text` and `structured` may be given once, and not together"));
        }
        self.output = mode;
        Ok(())
    }

    /// Whether any annotation hint was given.
    pub(crate) fn has_annotations(&self) -> bool {
        self.read_only.is_some() || self.destructive.is_some() || self.idempotent.is_some() || self.open_world.is_some()
    }
}

fn unknown(meta: &ParseNestedMeta<'_>, site: Site) -> Error {
    let path = &meta.path;
    let shown = quote::quote!(#path).to_string().replace(' ', "");
    let expected = match site {
        Site::Fn => FN_OPTIONS,
        Site::Method => METHOD_OPTIONS,
    };
    meta.error(format!("unknown `#[tool]` option `{shown}`; expected {expected}"))
}

fn set<T>(slot: &mut Option<T>, meta: &ParseNestedMeta<'_>, value: T) -> Result<()> {
    if slot.is_some() {
        return Err(meta.error("this option is given twice"));
    }
    *slot = Some(value);
    Ok(())
}

/// `flag` or `flag = true|false`.
fn flag(meta: &ParseNestedMeta<'_>) -> Result<bool> {
    if meta.input.peek(Token![=]) {
        let value: LitBool = meta.value()?.parse()?;
        Ok(value.value)
    } else {
        Ok(true)
    }
}

/// The options of one parameter.
#[derive(Default)]
pub(crate) struct ParamOptions {
    /// `default = EXPR`: the value when the argument is missing.
    pub(crate) default: Option<Expr>,
}

impl ParamOptions {
    /// Parses every `#[tool(...)]` of a parameter's `attrs`.
    pub(crate) fn from_attrs(attrs: &[Attribute]) -> Result<Self> {
        let mut options = ParamOptions::default();
        for attr in attrs.iter().filter(|a| is_tool_attr(a)) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("default") {
                    let expr: Expr = meta.value()?.parse()?;
                    return set(&mut options.default, &meta, expr);
                }
                let path = &meta.path;
                let shown = quote::quote!(#path).to_string().replace(' ', "");
                Err(meta
                    .error(format!("unknown `#[tool]` parameter option `{shown}`; expected `default = <expression>`")))
            })?;
        }
        Ok(options)
    }
}

/// Whether `attr` is a `#[tool]` / `#[tool(...)]`.
pub(crate) fn is_tool_attr(attr: &Attribute) -> bool {
    attr.path().is_ident("tool")
}
