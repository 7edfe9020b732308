//! Starlark-style error rendering: an optional traceback, the message, and the source
//! excerpt with the offending span marked, laid out as the reference's Starlark
//! implementation prints it (gutter width from the largest line number, carets for a
//! one-line span, `/`, `|` and `_` rails for a span over several lines).

use std::fmt;

/// A byte range in a source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Span {
    pub(crate) fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub(crate) fn to(self, other: Span) -> Span {
        Span::new(self.start, other.end)
    }
}

/// A located error in a rules file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The bare message (`invalid decision: maybe`, `Parse error: ...`).
    pub message: String,
    /// The file name as given on the command line.
    pub path: String,
    /// 1-based line of the span start.
    pub line: usize,
    /// 1-based column (in characters) of the span start.
    pub column: usize,
    rendered: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rendered)
    }
}

/// Source text with its line starts, for turning offsets into lines and columns.
pub(crate) struct SourceMap<'a> {
    pub(crate) path: &'a str,
    pub(crate) text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> SourceMap<'a> {
    pub(crate) fn new(path: &'a str, text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self {
            path,
            text,
            line_starts,
        }
    }

    /// 0-based line index and 0-based character column of a byte offset.
    fn position(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        (line, col)
    }

    /// The text of a 0-based line, without its newline.
    fn line_text(&self, line: usize) -> &'a str {
        let start = self.line_starts[line];
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next - 1);
        self.text.get(start..end).unwrap_or("")
    }

    /// Builds a diagnostic; `traceback` adds the one-frame `<module>` traceback that
    /// errors raised inside a function call carry.
    pub(crate) fn diagnostic(&self, span: Span, message: String, traceback: bool) -> Diagnostic {
        let mut out = String::new();
        let (line, col) = self.position(span.start);
        if traceback {
            out.push_str("Traceback (most recent call last):\n");
            out.push_str(&format!("  * {}:{}, in <module>\n", self.path, line + 1));
            out.push_str(&format!("      {}\n", self.line_text(line).trim()));
        }
        out.push_str(&format!("error: {message}\n"));
        if span.start >= self.text.len() && self.text.ends_with('\n') {
            // A span past the final newline has no line to show; the reference then
            // prints an empty excerpt located at 1:1.
            out.push_str(&format!("--> {}:1:1\n |\n |\n", self.path));
            return Diagnostic {
                message,
                path: self.path.to_string(),
                line: 1,
                column: 1,
                rendered: out,
            };
        }
        self.excerpt(&mut out, span, line, col);
        Diagnostic {
            message,
            path: self.path.to_string(),
            line: line + 1,
            column: col + 1,
            rendered: out,
        }
    }

    fn excerpt(&self, out: &mut String, span: Span, line: usize, col: usize) {
        let (end_line, end_col) = if span.end > span.start {
            self.position(span.end - 1)
        } else {
            (line, col)
        };
        let width = (end_line + 1).to_string().len();
        let pad = " ".repeat(width);
        out.push_str(&format!(
            "{pad}--> {}:{}:{}\n",
            self.path,
            line + 1,
            col + 1
        ));
        out.push_str(&format!("{pad} |\n"));
        if end_line == line {
            let carets = self
                .text
                .get(span.start..span.end)
                .map_or(0, |s| s.chars().count());
            out.push_str(&format!(
                "{:>width$} | {}\n",
                line + 1,
                self.line_text(line)
            ));
            out.push_str(&format!(
                "{pad} | {}{}\n",
                " ".repeat(col),
                "^".repeat(carets)
            ));
        } else {
            for current in line..=end_line {
                let text = self.line_text(current);
                let rail = if current == line {
                    if col == 0 { "/" } else { " " }
                } else {
                    "|"
                };
                out.push_str(&format!("{:>width$} | {rail} {text}\n", current + 1));
                if current == line && col != 0 {
                    out.push_str(&format!("{pad} |  {}^\n", "_".repeat(col + 1)));
                }
            }
            out.push_str(&format!("{pad} | |{}^\n", "_".repeat(end_col + 1)));
        }
        out.push_str(&format!("{pad} |\n"));
    }
}
