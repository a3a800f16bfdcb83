//! Doc comments: the tool's description and its parameters' descriptions,
//! from `///` on the fn, `///` on each parameter, or an `# Arguments`
//! section of the fn's doc.

use syn::{Attribute, Expr, ExprLit, Lit, Meta};

/// What a fn's doc comment says.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct FnDocs {
    /// The doc without its `# Arguments` section.
    pub(crate) description: Option<String>,
    /// `(name, description)` from the `# Arguments` section.
    pub(crate) arguments: Vec<(String, String)>,
}

impl FnDocs {
    /// Reads the doc comment of a fn.
    pub(crate) fn from_attrs(attrs: &[Attribute]) -> Self {
        Self::from_text(&doc_text(attrs).unwrap_or_default())
    }

    /// Splits a (dedented) doc into description and arguments.
    pub(crate) fn from_text(text: &str) -> Self {
        let lines: Vec<&str> = text.lines().collect();
        let Some((start, end)) = arguments_section(&lines) else {
            return FnDocs { description: non_empty(text.to_owned()), arguments: Vec::new() };
        };
        let arguments = parse_items(&lines[start + 1..end]);
        let kept: Vec<&str> = lines[..start].iter().chain(&lines[end..]).copied().collect();
        FnDocs { description: non_empty(tidy(&kept)), arguments }
    }

    /// The description of the parameter `name` in the `# Arguments` section.
    pub(crate) fn argument(&self, name: &str) -> Option<&str> {
        self.arguments.iter().find(|(n, _)| n == name).map(|(_, d)| d.as_str())
    }
}

/// The text of the `#[doc = "..."]` attributes of `attrs`, with the common
/// indentation removed and blank lines around it trimmed. `None` when
/// there is no doc (or only blank lines).
pub(crate) fn doc_text(attrs: &[Attribute]) -> Option<String> {
    let raw: Vec<String> = attrs.iter().filter_map(doc_literal).collect();
    let joined = raw.join("\n");
    let lines: Vec<&str> = joined.lines().collect();
    non_empty(tidy(&dedent(&lines)))
}

/// Whether `attr` is a doc attribute (`///`, `/** */` or `#[doc ...]`).
pub(crate) fn is_doc(attr: &Attribute) -> bool {
    attr.path().is_ident("doc")
}

fn doc_literal(attr: &Attribute) -> Option<String> {
    match &attr.meta {
        Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
            Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// Removes the indentation common to every non-blank line.
fn dedent<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let common = lines.iter().filter(|l| !l.trim().is_empty()).map(|l| indent(l)).min().unwrap_or(0);
    lines.iter().map(|l| if l.trim().is_empty() { "" } else { &l[common..] }).collect()
}

/// Trims trailing whitespace, blank lines at both ends and runs of blank
/// lines; joins with `\n`.
fn tidy(lines: &[&str]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for line in lines.iter().map(|l| l.trim_end()) {
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last() == Some(&"") {
        out.pop();
    }
    out.join("\n")
}

/// A Markdown heading's level and text, outside code blocks.
fn heading(line: &str) -> Option<(usize, &str)> {
    let trimmed = line.trim_start();
    let level = trimmed.len() - trimmed.trim_start_matches('#').len();
    let rest = &trimmed[level..];
    (level > 0 && (rest.is_empty() || rest.starts_with(' '))).then(|| (level, rest.trim()))
}

fn is_fence(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with("```") || trimmed.starts_with("~~~")
}

/// `[start, end)` of the `# Arguments` section: its heading up to the next
/// heading of the same or a higher level.
fn arguments_section(lines: &[&str]) -> Option<(usize, usize)> {
    let mut in_code = false;
    let mut section: Option<(usize, usize)> = None;
    for (i, line) in lines.iter().enumerate() {
        if is_fence(line) {
            in_code = !in_code;
            continue;
        }
        let Some((level, title)) = heading(line).filter(|_| !in_code) else {
            continue;
        };
        match section {
            Some((start, open)) if level <= open => return Some((start, i)),
            None if ["arguments", "parameters", "args"].contains(&title.to_ascii_lowercase().as_str()) => {
                section = Some((i, level));
            }
            _ => {}
        }
    }
    section.map(|(start, _)| (start, lines.len()))
}

/// The list items of an `# Arguments` section; continuation lines are
/// joined to their item.
fn parse_items(lines: &[&str]) -> Vec<(String, String)> {
    let mut items: Vec<(String, String)> = Vec::new();
    let mut open = false;
    for line in lines.iter().map(|l| l.trim()) {
        let bullet = ["* ", "- ", "+ "].iter().find_map(|b| line.strip_prefix(b));
        if let Some(item) = bullet {
            open = match parse_item(item) {
                Some(parsed) => {
                    items.push(parsed);
                    true
                }
                None => false,
            };
        } else if line.is_empty() || heading(line).is_some() {
            open = false;
        } else if let (true, Some((_, desc))) = (open, items.last_mut()) {
            if !desc.is_empty() {
                desc.push(' ');
            }
            desc.push_str(line);
        }
    }
    items
}

/// `` `name` - desc ``, `name: desc`, `name - desc` (also `—`, `–`).
fn parse_item(item: &str) -> Option<(String, String)> {
    let item = item.trim();
    let (name, rest) = match item.strip_prefix('`') {
        Some(quoted) => {
            let end = quoted.find('`')?;
            (&quoted[..end], &quoted[end + 1..])
        }
        None => {
            let end = item.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(item.len());
            (&item[..end], &item[end..])
        }
    };
    let name = name.trim().trim_end_matches(':').trim_start_matches("r#");
    if name.is_empty() {
        return None;
    }
    let rest = rest.trim_start();
    let desc = ["-", ":", "—", "–"].iter().find_map(|sep| rest.strip_prefix(sep)).unwrap_or(rest);
    Some((name.to_owned(), desc.trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(lines: &[&str]) -> Vec<syn::Attribute> {
        lines.iter().map(|l| syn::parse_quote!(#[doc = #l])).collect()
    }

    #[test]
    fn dedents_and_trims() {
        let attrs = docs(&["", " Say hello.", "", "     indented code", " Last.", ""]);
        assert_eq!(doc_text(&attrs).unwrap(), "Say hello.\n\n    indented code\nLast.");
        assert_eq!(doc_text(&docs(&["  ", ""])), None);
    }

    #[test]
    fn block_comments_are_dedented() {
        let attrs = docs(&["\n    First.\n\n    Second.\n    "]);
        assert_eq!(doc_text(&attrs).unwrap(), "First.\n\nSecond.");
    }

    #[test]
    fn splits_the_arguments_section() {
        let text = "Adds.\n\n# Arguments\n\n* `a` - the first\n  number\n- b: the second\n* c - third \
                    \n* `d`: fourth\n\n# Examples\n\nSee.";
        let docs = FnDocs::from_text(text);
        assert_eq!(docs.description.as_deref(), Some("Adds.\n\n# Examples\n\nSee."));
        assert_eq!(docs.argument("a"), Some("the first number"));
        assert_eq!(docs.argument("b"), Some("the second"));
        assert_eq!(docs.argument("c"), Some("third"));
        assert_eq!(docs.argument("d"), Some("fourth"));
    }

    #[test]
    fn ignores_headings_in_code_and_subsections() {
        let text = "Doc.\n\n```\n# Arguments\n```\n\n## Arguments\n* x - y\n### Note\n* z - w\n# End";
        let docs = FnDocs::from_text(text);
        assert_eq!(docs.description.as_deref(), Some("Doc.\n\n```\n# Arguments\n```\n\n# End"));
        assert_eq!(docs.arguments, vec![("x".into(), "y".into()), ("z".into(), "w".into())]);
    }

    #[test]
    fn only_arguments_gives_no_description() {
        let docs = FnDocs::from_text("# Arguments\n* x - y");
        assert_eq!(docs.description, None);
    }
}
