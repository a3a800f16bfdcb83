//! A tiny RFC 6570 matcher for level-1 templates: literal text and simple
//! `{name}` expressions, matched against concrete URIs.

use std::collections::BTreeMap;
use std::fmt;

/// A URI template made of literal text and simple `{name}` variables
/// (RFC 6570 level 1). A variable matches a non-empty run of characters
/// without `/`, `?` or `#`, percent-decoded; when a split is ambiguous the
/// earlier variable takes the longest run.
///
/// ```
/// use lambda_mcp_core::UriTemplate;
///
/// let t = UriTemplate::parse("test://template/{id}/data").unwrap();
/// let vars = t.matches("test://template/123/data").unwrap();
/// assert_eq!(vars["id"], "123");
/// assert!(t.matches("test://template/1/2/data").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriTemplate {
    source: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Var(String),
}

/// Why a URI template cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UriTemplateError {
    /// A `{` without its `}`, or a `}` without its `{`.
    #[error("unbalanced braces in URI template {template:?}")]
    Unbalanced {
        /// The template.
        template: String,
    },
    /// An expression other than a simple `{name}`: an operator (`{+x}`,
    /// `{?x}` …), a list (`{x,y}`), a modifier (`{x*}`) or nothing (`{}`).
    #[error(
        "unsupported expression {{{expression}}} in URI template {template:?}: \
         only simple {{name}} variables are supported"
    )]
    Unsupported {
        /// The template.
        template: String,
        /// The text between the braces.
        expression: String,
    },
    /// Two variables with no literal text between them: the split would be
    /// a guess.
    #[error("variables {{{first}}} and {{{second}}} in URI template {template:?} must be separated by literal text")]
    Adjacent {
        /// The template.
        template: String,
        /// The first variable.
        first: String,
        /// The variable right after it.
        second: String,
    },
    /// The same variable twice.
    #[error("variable {{{name}}} appears twice in URI template {template:?}")]
    Duplicate {
        /// The template.
        template: String,
        /// The repeated variable.
        name: String,
    },
}

impl UriTemplate {
    /// Parses a level-1 template.
    pub fn parse(template: &str) -> Result<Self, UriTemplateError> {
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find(['{', '}']) {
            let unbalanced = || UriTemplateError::Unbalanced { template: template.to_owned() };
            if rest[open..].starts_with('}') {
                return Err(unbalanced());
            }
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_owned()));
            }
            let after = &rest[open + 1..];
            let close = after.find(['{', '}']).ok_or_else(unbalanced)?;
            if after[close..].starts_with('{') {
                return Err(unbalanced());
            }
            push_var(template, &mut parts, &after[..close])?;
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_owned()));
        }
        Ok(UriTemplate { source: template.to_owned(), parts })
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The variables' names, in order.
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var(name) => Some(name.as_str()),
            Part::Literal(_) => None,
        })
    }

    /// The variables' values if `uri` is an expansion of this template.
    pub fn matches(&self, uri: &str) -> Option<BTreeMap<String, String>> {
        let mut vars = BTreeMap::new();
        match_parts(&self.parts, uri, &mut vars).then_some(vars)
    }
}

impl fmt::Display for UriTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn push_var(template: &str, parts: &mut Vec<Part>, name: &str) -> Result<(), UriTemplateError> {
    let simple = !name.is_empty()
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if !simple {
        return Err(UriTemplateError::Unsupported { template: template.to_owned(), expression: name.to_owned() });
    }
    if let Some(Part::Var(first)) = parts.last() {
        return Err(UriTemplateError::Adjacent {
            template: template.to_owned(),
            first: first.clone(),
            second: name.to_owned(),
        });
    }
    if parts.iter().any(|p| matches!(p, Part::Var(v) if v == name)) {
        return Err(UriTemplateError::Duplicate { template: template.to_owned(), name: name.to_owned() });
    }
    parts.push(Part::Var(name.to_owned()));
    Ok(())
}

fn match_parts(parts: &[Part], uri: &str, vars: &mut BTreeMap<String, String>) -> bool {
    match parts {
        [] => uri.is_empty(),
        [Part::Literal(literal), rest @ ..] => {
            uri.strip_prefix(literal.as_str()).is_some_and(|uri| match_parts(rest, uri, vars))
        }
        [Part::Var(name), rest @ ..] => {
            let run = uri.find(['/', '?', '#']).unwrap_or(uri.len());
            for end in (1..=run).rev().filter(|&end| uri.is_char_boundary(end)) {
                let Some(value) = percent_decode(&uri[..end]) else {
                    continue;
                };
                if match_parts(rest, &uri[end..], vars) {
                    vars.insert(name.clone(), value);
                    return true;
                }
            }
            false
        }
    }
}

/// `%XX` escapes decoded; `None` for a broken escape or bytes that are not
/// UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_owned());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let digit = |b: u8| char::from(b).to_digit(16);
            let byte = digit(hex[0])? * 16 + digit(hex[1])?;
            out.push(u8::try_from(byte).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(template: &str, uri: &str) -> Option<Vec<(String, String)>> {
        let t = UriTemplate::parse(template).unwrap();
        t.matches(uri).map(|v| v.into_iter().collect())
    }

    fn pairs(list: &[(&str, &str)]) -> Option<Vec<(String, String)>> {
        Some(list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn one_variable_matches_one_segment() {
        let t = "test://template/{id}/data";
        assert_eq!(vars(t, "test://template/123/data"), pairs(&[("id", "123")]));
        assert_eq!(vars(t, "test://template/a/b/data"), None);
        assert_eq!(vars(t, "test://template//data"), None, "empty value");
        assert_eq!(vars(t, "test://template/123/data/more"), None);
        assert_eq!(vars(t, "test://other/123/data"), None);
    }

    #[test]
    fn several_variables_and_a_trailing_one() {
        let t = "db://{schema}/tables/{table}";
        assert_eq!(vars(t, "db://main/tables/users"), pairs(&[("schema", "main"), ("table", "users")]));
        assert_eq!(vars(t, "db://main/tables/users/x"), None);
        assert_eq!(vars(t, "db://main/tables/users?q=1"), None);
    }

    #[test]
    fn the_earlier_variable_takes_the_longest_run() {
        assert_eq!(vars("file:///{name}.{ext}", "file:///a.tar.gz"), pairs(&[("ext", "gz"), ("name", "a.tar")]));
    }

    #[test]
    fn values_are_percent_decoded() {
        assert_eq!(vars("x://{q}", "x://caf%C3%A9%20au%2Flait"), pairs(&[("q", "café au/lait")]));
        assert_eq!(vars("x://{q}", "x://bad%zz"), None);
        assert_eq!(vars("x://{q}", "x://cut%4"), None);
        assert_eq!(vars("x://{q}", "x://%FF"), None, "not UTF-8");
        assert_eq!(vars("x://{q}/é", "x://ü/é"), pairs(&[("q", "ü")]));
    }

    #[test]
    fn a_template_without_variables_matches_itself_only() {
        let t = UriTemplate::parse("test://static").unwrap();
        assert_eq!(t.variables().count(), 0);
        assert!(t.matches("test://static").is_some());
        assert!(t.matches("test://static/").is_none());
    }

    #[test]
    fn variables_are_listed_in_order() {
        let t = UriTemplate::parse("a://{x}/b/{y_1}/{z.w}").unwrap();
        assert_eq!(t.variables().collect::<Vec<_>>(), ["x", "y_1", "z.w"]);
        assert_eq!(t.to_string(), "a://{x}/b/{y_1}/{z.w}");
    }

    #[test]
    fn unsupported_templates_are_refused() {
        use UriTemplateError as E;
        let err = |t: &str| UriTemplate::parse(t).unwrap_err();
        assert!(matches!(err("a://{x"), E::Unbalanced { .. }));
        assert!(matches!(err("a://x}"), E::Unbalanced { .. }));
        assert!(matches!(err("a://{x{y}}"), E::Unbalanced { .. }));
        for expr in ["+path", "?q", "#f", "/p", "x,y", "x*", "x:3", "", ".x"] {
            assert!(matches!(err(&format!("a://{{{expr}}}")), E::Unsupported { .. }), "{expr}");
        }
        assert!(matches!(err("a://{x}{y}"), E::Adjacent { .. }));
        assert!(matches!(err("a://{x}/{x}"), E::Duplicate { .. }));
        assert!(err("a://{+p}").to_string().contains("{+p}"));
    }
}
