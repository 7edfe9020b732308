//! Positions and snippets for TOML errors, in the shape the reference prints them.

use std::fmt;
use std::path::{Path, PathBuf};

/// A TOML error located in a file: `path:line:col: message`, plus the offending line so
/// a front end can draw a caret under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TomlDiagnostic {
    /// The file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The parser's or deserializer's message (first line of it for serde errors).
    pub message: String,
    /// How many characters to underline (at least one caret is drawn).
    pub width: usize,
    /// The text of the line the error points at.
    pub source_line: String,
    /// The full message of the underlying TOML error (its own `Display`).
    pub cause: String,
}

impl TomlDiagnostic {
    /// Builds a diagnostic from a `toml` error raised while reading `contents` of `path`.
    /// Errors without a span point at the start of the file.
    pub fn from_toml_error(path: &Path, contents: &str, err: &toml::de::Error) -> Self {
        let cause = err.to_string();
        let (line, column) = position_from_display(&cause).unwrap_or_else(|| {
            let index = err.span().map(|s| s.start).unwrap_or(0);
            line_column(contents.as_bytes(), index)
        });
        let source_line = contents.lines().nth(line).unwrap_or("").to_owned();
        Self {
            path: path.to_path_buf(),
            line: line + 1,
            column: column + 1,
            message: err.message().trim_end().to_owned(),
            width: err
                .span()
                .and_then(|span| contents.get(span))
                .map_or(1, |s| s.chars().count().max(1)),
            source_line,
            cause,
        }
    }

    /// A diagnostic for the byte range `span` of `contents`, with our own message.
    pub fn at_span(
        path: &Path,
        contents: &str,
        span: std::ops::Range<usize>,
        message: String,
    ) -> Self {
        let (line, column) = line_column(contents.as_bytes(), span.start);
        let width = contents
            .get(span.clone())
            .map_or(1, |s| s.chars().count().max(1));
        Self {
            path: path.to_path_buf(),
            line: line + 1,
            column: column + 1,
            cause: message.clone(),
            message,
            width,
            source_line: contents.lines().nth(line).unwrap_or("").to_owned(),
        }
    }

    /// The multi-line form: header, then the line with a caret under the column.
    pub fn render_with_snippet(&self) -> String {
        let number = self.line.to_string();
        let pad = " ".repeat(number.len());
        let caret_pad = " ".repeat(self.column.saturating_sub(1));
        let carets = "^".repeat(self.width.max(1));
        format!(
            "{self}\n{pad} |\n{number} | {}\n{pad} | {caret_pad}{carets}",
            self.source_line
        )
    }
}

impl fmt::Display for TomlDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// The 0-based position the `toml` crate printed ("TOML parse error at line L, column C"),
/// so that our numbers are the ones users see in the error's own text.
fn position_from_display(text: &str) -> Option<(usize, usize)> {
    let rest = text.strip_prefix("TOML parse error at line ")?;
    let (line, rest) = rest.split_once(", column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((
        line.parse::<usize>().ok()?.checked_sub(1)?,
        column.parse::<usize>().ok()?.checked_sub(1)?,
    ))
}

/// 0-based (line, column) of byte `index` in `input`, counting columns in characters.
/// An index at or past the end is reported on the last line, one column past its last
/// character, as the `toml` crate reports unexpected end of input.
fn line_column(input: &[u8], index: usize) -> (usize, usize) {
    if input.is_empty() {
        return (0, index);
    }
    let clamped = index.min(input.len() - 1);
    let overshoot = index - clamped;
    let line_start = input[..clamped]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |nl| nl + 1);
    let line = input[..line_start].iter().filter(|b| **b == b'\n').count();
    let column = match std::str::from_utf8(&input[line_start..=clamped]) {
        Ok(s) => s.chars().count() - 1,
        Err(_) => clamped - line_start,
    };
    (line, column + overshoot)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(contents: &str) -> TomlDiagnostic {
        let err = toml::from_str::<toml::Table>(contents).unwrap_err();
        TomlDiagnostic::from_toml_error(Path::new("/h/config.toml"), contents, &err)
    }

    #[test]
    fn unclosed_array_at_end_of_file_matches_the_reference() {
        let d = diag("model = \"gpt-5.1-codex\"\nmodel_provider = [unclosed\n");
        assert_eq!(
            d.render_with_snippet(),
            "/h/config.toml:2:28: unclosed array, expected `]`\n  |\n2 | model_provider = [unclosed\n  |                            ^"
        );
        let d = diag("model = [\n");
        assert_eq!(
            d.to_string(),
            "/h/config.toml:1:11: unclosed array, expected `]`"
        );
        assert!(d.cause.starts_with("TOML parse error at line 1, column 11"));
    }

    #[test]
    fn columns_count_characters() {
        let d = diag("a = \"é\" x\n");
        assert_eq!((d.line, d.column), (1, 9));
    }
}
