//! Opaque cursors for list methods: an offset behind a prefix, so that a
//! cursor from elsewhere is refused rather than misread.

use crate::jsonrpc::ErrorObject;

const PREFIX: &str = "lmcp1.";

/// The `[start, end)` window of a page and the cursor of the next page.
pub(crate) fn page(
    cursor: Option<&str>,
    len: usize,
    page_size: usize,
) -> Result<(usize, usize, Option<String>), ErrorObject> {
    let start = match cursor {
        None => 0,
        Some(c) => decode(c)
            .filter(|&o| o <= len)
            .ok_or_else(|| ErrorObject::invalid_params(format!("invalid cursor {c:?}")))?,
    };
    let end = start.saturating_add(page_size).min(len);
    let next = (end < len).then(|| format!("{PREFIX}{end:x}"));
    Ok((start, end, next))
}

fn decode(cursor: &str) -> Option<usize> {
    usize::from_str_radix(cursor.strip_prefix(PREFIX)?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_the_list_once() {
        let (s, e, next) = page(None, 5, 2).unwrap();
        assert_eq!((s, e), (0, 2));
        let (s, e, next) = page(next.as_deref(), 5, 2).unwrap();
        assert_eq!((s, e), (2, 4));
        let (s, e, next) = page(next.as_deref(), 5, 2).unwrap();
        assert_eq!((s, e, next), (4, 5, None));
    }

    #[test]
    fn foreign_cursors_are_invalid_params() {
        for bad in ["", "12", "lmcp1.zz", "lmcp1.ff"] {
            assert_eq!(page(Some(bad), 5, 2).unwrap_err().code, crate::jsonrpc::ErrorCode::INVALID_PARAMS, "{bad}");
        }
    }
}
