//! Finding where a dotted key path sits in a config file's text, to point at it.

use std::path::Path;

use toml_edit::{Document, Item, TableLike, Value};

use crate::diagnostics::TomlDiagnostic;

/// A diagnostic pointing at the key of `dotted` (e.g. `history.zz`,
/// `skills.config.0.bogus`) in `contents`, underlined over the key's length.
pub(crate) fn locate_key(
    path: &Path,
    contents: &str,
    dotted: &str,
    message: String,
) -> Option<TomlDiagnostic> {
    let doc = Document::parse(contents.to_owned()).ok()?;
    let segments: Vec<&str> = dotted.split('.').collect();
    let span = key_span(doc.as_table(), &segments)?;
    Some(TomlDiagnostic::at_span(path, contents, span, message))
}

fn key_span(table: &dyn TableLike, segments: &[&str]) -> Option<std::ops::Range<usize>> {
    let (first, rest) = segments.split_first()?;
    if rest.is_empty() {
        return table.key(first).and_then(|k| k.span());
    }
    match table.get(first)? {
        Item::Table(t) => key_span(t, rest),
        Item::Value(Value::InlineTable(t)) => key_span(t, rest),
        Item::ArrayOfTables(array) => {
            let (index, rest) = rest.split_first()?;
            key_span(array.get(index.parse().ok()?)?, rest)
        }
        Item::Value(Value::Array(array)) => {
            let (index, rest) = rest.split_first()?;
            match array.get(index.parse().ok()?)? {
                Value::InlineTable(t) => key_span(t, rest),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_top_level_nested_and_array_keys() {
        let text =
            "model = \"x\"\nbogus_key = 1\n[history]\nzz = 2\n[[skills.config]]\nbogus = 1\n";
        let p = Path::new("/c.toml");
        let d = locate_key(p, text, "bogus_key", "m".into()).unwrap();
        assert_eq!(
            d.render_with_snippet(),
            "/c.toml:2:1: m\n  |\n2 | bogus_key = 1\n  | ^^^^^^^^^"
        );
        let d = locate_key(p, text, "history.zz", "m".into()).unwrap();
        assert_eq!((d.line, d.column, d.width), (4, 1, 2));
        let d = locate_key(p, text, "skills.config.0.bogus", "m".into()).unwrap();
        assert_eq!((d.line, d.column), (6, 1));
        let d = locate_key(p, "a = { b = 1, zz = 2 }\n", "a.zz", "m".into()).unwrap();
        assert_eq!((d.line, d.column), (1, 14));
        assert!(locate_key(p, text, "nothere", "m".into()).is_none());
    }
}
