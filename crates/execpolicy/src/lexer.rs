//! Tokens of the Starlark subset that rules files use.
//!
//! Newlines inside brackets are ignored, comments and blank lines are skipped, and a
//! final newline token is added at the end of the text (as Starlark does), so "unexpected
//! new line" errors point where the reference points. Tabs in whitespace and indented
//! statements are rejected with the reference's messages.

use crate::diagnostic::Span;

/// What a token is.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    Ident(String),
    Keyword(&'static str),
    Int(i128),
    Str(String),
    Sym(&'static str),
    Newline,
    /// Leading whitespace that starts an indented block.
    Indent,
    Eof,
}

impl Tok {
    /// How a parse error names the token.
    pub(crate) fn describe(&self, text: &str) -> String {
        match self {
            Tok::Ident(name) => format!("identifier '{name}'"),
            Tok::Keyword(word) => format!("keyword '{word}'"),
            Tok::Int(_) => format!("integer literal '{text}'"),
            Tok::Str(value) => format!("string literal {}", crate::value::repr_str(value)),
            Tok::Sym(sym) => format!("symbol '{sym}'"),
            Tok::Newline => "new line".to_string(),
            Tok::Indent => "new indentation block".to_string(),
            Tok::Eof => "end of file".to_string(),
        }
    }
}

/// A token and where it is.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) span: Span,
}

/// A lexical error: message and span.
pub(crate) type LexError = (String, Span);

const KEYWORDS: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "load", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

const SYMBOLS: &[&str] = &[
    "**=", "//=", "<<=", ">>=", "...", "==", "!=", "<=", ">=", "//", "**", "->", "+=", "-=", "*=",
    "/=", "%=", "&=", "|=", "^=", "<<", ">>", "(", ")", "[", "]", "{", "}", ",", ":", ";", "=",
    "+", "-", "*", "/", "%", "&", "|", "^", "~", "<", ">", ".", "@",
];

/// Splits `text` into tokens.
pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, LexError> {
    Lexer {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        tokens: Vec::new(),
    }
    .run()
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    tokens: Vec<Token>,
}

impl Lexer<'_> {
    fn push(&mut self, tok: Tok, start: usize) {
        self.tokens.push(Token {
            tok,
            span: Span::new(start, self.pos),
        });
    }

    fn run(mut self) -> Result<Vec<Token>, LexError> {
        let mut at_line_start = true;
        while self.pos < self.bytes.len() {
            if at_line_start && self.depth == 0 {
                at_line_start = false;
                if self.line_indent()? {
                    continue;
                }
            }
            let c = self.bytes[self.pos];
            let start = self.pos;
            match c {
                b' ' | b'\r' => self.pos += 1,
                b'\t' => {
                    return Err((
                        "Parse error: tabs are not allowed".into(),
                        Span::new(start, start),
                    ));
                }
                b'#' => self.skip_comment(),
                b'\\' if self.bytes.get(self.pos + 1) == Some(&b'\n') => self.pos += 2,
                b'\n' => {
                    self.pos += 1;
                    if self.depth == 0 {
                        self.push(Tok::Newline, start);
                        at_line_start = true;
                    }
                }
                b'"' | b'\'' => self.string(start, false)?,
                b'r' | b'R' | b'f' | b'b'
                    if matches!(self.bytes.get(self.pos + 1), Some(b'"' | b'\'')) =>
                {
                    self.pos += 1;
                    self.string(start, matches!(c, b'r' | b'R'))?;
                }
                b'0'..=b'9' => self.number(start)?,
                b'.' if self.bytes.get(self.pos + 1).is_some_and(u8::is_ascii_digit) => {
                    self.number(start)?
                }
                c if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => self.word(start),
                _ => self.symbol(start)?,
            }
        }
        let end = self.bytes.len();
        if !matches!(
            self.tokens.last().map(|t| &t.tok),
            Some(Tok::Newline) | None
        ) {
            self.tokens.push(Token {
                tok: Tok::Newline,
                span: Span::new(end, end),
            });
        }
        self.tokens.push(Token {
            tok: Tok::Eof,
            span: Span::new(end, end),
        });
        Ok(self.tokens)
    }

    /// Handles the whitespace at the start of a line. Returns true when the whole line was
    /// blank or a comment (and has been consumed).
    fn line_indent(&mut self) -> Result<bool, LexError> {
        let start = self.pos;
        while self.bytes.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
        match self.bytes.get(self.pos) {
            None => Ok(true),
            Some(b'\n') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b'#') => {
                self.skip_comment();
                if self.bytes.get(self.pos) == Some(&b'\n') {
                    self.pos += 1;
                }
                Ok(true)
            }
            Some(b'\t') => Err((
                "Parse error: tabs are not allowed".into(),
                Span::new(self.pos, self.pos),
            )),
            Some(_) if self.pos > start => {
                self.push(Tok::Indent, start);
                Ok(false)
            }
            Some(_) => Ok(false),
        }
    }

    fn skip_comment(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos] != b'\n' {
            self.pos += 1;
        }
    }

    fn word(&mut self, start: usize) {
        while let Some(&c) = self.bytes.get(self.pos) {
            if c == b'_' || c.is_ascii_alphanumeric() || c >= 0x80 {
                self.pos += 1;
            } else {
                break;
            }
        }
        let word = &self.text[start..self.pos];
        let tok = match KEYWORDS.iter().find(|k| **k == word) {
            Some(keyword) => Tok::Keyword(keyword),
            None => Tok::Ident(word.to_string()),
        };
        self.push(tok, start);
    }

    fn symbol(&mut self, start: usize) -> Result<(), LexError> {
        let rest = &self.bytes[self.pos..];
        match SYMBOLS.iter().find(|s| rest.starts_with(s.as_bytes())) {
            Some(sym) => {
                self.pos += sym.len();
                match *sym {
                    "(" | "[" | "{" => self.depth += 1,
                    ")" | "]" | "}" => self.depth = self.depth.saturating_sub(1),
                    _ => {}
                }
                self.push(Tok::Sym(sym), start);
                Ok(())
            }
            None => {
                let ch = self.text[start..].chars().next().unwrap_or(' ');
                Err((
                    format!("Parse error: unexpected character `{ch}`"),
                    Span::new(start, start + ch.len_utf8()),
                ))
            }
        }
    }

    fn number(&mut self, start: usize) -> Result<(), LexError> {
        while let Some(&c) = self.bytes.get(self.pos) {
            if c.is_ascii_alphanumeric() || c == b'.' || c == b'_' {
                self.pos += 1;
            } else {
                break;
            }
        }
        let literal = &self.text[start..self.pos];
        let lower = literal.to_ascii_lowercase();
        let parsed = if let Some(hex) = lower.strip_prefix("0x") {
            i128::from_str_radix(hex, 16).ok()
        } else if let Some(oct) = lower.strip_prefix("0o") {
            i128::from_str_radix(oct, 8).ok()
        } else if let Some(bin) = lower.strip_prefix("0b") {
            i128::from_str_radix(bin, 2).ok()
        } else if literal.len() > 1
            && literal.starts_with('0')
            && literal.bytes().all(|b| b.is_ascii_digit())
        {
            return Err((
                format!("Parse error: integer cannot have leading 0, got `{literal}`"),
                Span::new(start, self.pos),
            ));
        } else {
            literal.parse::<i128>().ok()
        };
        match parsed {
            Some(value) => {
                self.push(Tok::Int(value), start);
                Ok(())
            }
            None => Err((
                format!("Parse error: recodex does not support the number literal `{literal}`"),
                Span::new(start, self.pos),
            )),
        }
    }

    /// Reads a string literal whose opening quote is at `self.pos`.
    fn string(&mut self, start: usize, raw: bool) -> Result<(), LexError> {
        let quote = self.bytes[self.pos];
        let triple = self.bytes[self.pos..].starts_with(&[quote, quote, quote]);
        let quote_start = self.pos;
        self.pos += if triple { 3 } else { 1 };
        let mut value = String::new();
        loop {
            let Some(&c) = self.bytes.get(self.pos) else {
                return Err(self.unfinished(quote_start));
            };
            if c == quote {
                if !triple {
                    self.pos += 1;
                    break;
                }
                if self.bytes[self.pos..].starts_with(&[quote, quote, quote]) {
                    self.pos += 3;
                    break;
                }
            }
            if c == b'\n' && !triple {
                return Err(self.unfinished(quote_start));
            }
            if c == b'\\' {
                let Some(&next) = self.bytes.get(self.pos + 1) else {
                    return Err(self.unfinished(quote_start));
                };
                if raw {
                    value.push('\\');
                    self.pos += 1;
                    if next == quote || next == b'\\' {
                        value.push(next as char);
                        self.pos += 1;
                    }
                    continue;
                }
                self.pos += 2;
                match next {
                    b'\n' => {}
                    b'n' => value.push('\n'),
                    b't' => value.push('\t'),
                    b'r' => value.push('\r'),
                    b'a' => value.push('\x07'),
                    b'b' => value.push('\x08'),
                    b'f' => value.push('\x0c'),
                    b'v' => value.push('\x0b'),
                    b'\\' | b'\'' | b'"' => value.push(next as char),
                    b'x' => {
                        let hex = self.text.get(self.pos..self.pos + 2).unwrap_or("");
                        match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                            Some(ch) if hex.len() == 2 => {
                                value.push(ch);
                                self.pos += 2;
                            }
                            _ => {
                                return Err((
                                    "Parse error: invalid string escape sequence".into(),
                                    Span::new(self.pos - 2, self.pos),
                                ));
                            }
                        }
                    }
                    _ => {
                        // Unknown escapes are kept as written, backslash included.
                        value.push('\\');
                        self.pos -= 1;
                    }
                }
                continue;
            }
            let ch = self.text[self.pos..].chars().next().unwrap_or('\u{fffd}');
            value.push(ch);
            self.pos += ch.len_utf8();
        }
        self.push(Tok::Str(value), start);
        Ok(())
    }

    /// "unfinished string literal", spanning from the opening quote to the end of line.
    fn unfinished(&self, quote_start: usize) -> LexError {
        let end = self.text[quote_start..]
            .find('\n')
            .map_or(self.text.len(), |i| quote_start + i);
        (
            "Parse error: unfinished string literal".into(),
            Span::new(quote_start, end),
        )
    }
}
