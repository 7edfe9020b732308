//! Recursive-descent parser for the Starlark subset.
//!
//! Error messages follow the reference's grammar: `Parse error: unexpected <token> here,
//! expected one of <tokens>`, with the expected sets the reference reports in each
//! position. Constructs outside the subset (`def`, `if`, `for`, `load`, comprehensions,
//! operators other than `+`) are rejected with a message saying so.

use crate::ast::{Arg, Expr, ExprKind, Stmt};
use crate::diagnostic::Span;
use crate::lexer::{Tok, Token};

/// A parse error: message and span.
pub(crate) type ParseError = (String, Span);

const STMT_FIRST: &[&str] = &[
    "\"\\n\"",
    "\"(\"",
    "\"+\"",
    "\"-\"",
    "\"...\"",
    "\"FLOAT\"",
    "\"FSTRING\"",
    "\"IDENTIFIER\"",
    "\"INTEGER\"",
    "\"STRING\"",
    "\"[\"",
    "\"break\"",
    "\"continue\"",
    "\"def\"",
    "\"for\"",
    "\"if\"",
    "\"lambda\"",
    "\"load\"",
    "\"not\"",
    "\"pass\"",
    "\"return\"",
    "\"{\"",
    "\"~\"",
];
const STMT_NEXT: &[&str] = &[
    "\"\\n\"",
    "\"(\"",
    "\"+\"",
    "\"-\"",
    "\"...\"",
    "\"DEDENT\"",
    "\"FLOAT\"",
    "\"FSTRING\"",
    "\"IDENTIFIER\"",
    "\"INTEGER\"",
    "\"STRING\"",
    "\"[\"",
    "\"break\"",
    "\"continue\"",
    "\"def\"",
    "\"elif\"",
    "\"else\"",
    "\"for\"",
    "\"if\"",
    "\"lambda\"",
    "\"load\"",
    "\"not\"",
    "\"pass\"",
    "\"return\"",
    "\"{\"",
    "\"~\"",
];
const EXPR_START: &[&str] = &[
    "\"(\"",
    "\"+\"",
    "\"-\"",
    "\"...\"",
    "\"FLOAT\"",
    "\"FSTRING\"",
    "\"IDENTIFIER\"",
    "\"INTEGER\"",
    "\"STRING\"",
    "\"[\"",
    "\"lambda\"",
    "\"not\"",
    "\"{\"",
    "\"~\"",
];
const OPERAND_START: &[&str] = &[
    "\"(\"",
    "\"+\"",
    "\"-\"",
    "\"...\"",
    "\"FLOAT\"",
    "\"FSTRING\"",
    "\"IDENTIFIER\"",
    "\"INTEGER\"",
    "\"STRING\"",
    "\"[\"",
    "\"{\"",
    "\"~\"",
];
const LIST_ITEM_START: &[&str] = &[
    "\"(\"",
    "\"+\"",
    "\"-\"",
    "\"...\"",
    "\"FLOAT\"",
    "\"FSTRING\"",
    "\"IDENTIFIER\"",
    "\"INTEGER\"",
    "\"STRING\"",
    "\"[\"",
    "\"]\"",
    "\"lambda\"",
    "\"not\"",
    "\"{\"",
    "\"~\"",
];
const DICT_ITEM_START: &[&str] = &[
    "\"(\"",
    "\"+\"",
    "\"-\"",
    "\"...\"",
    "\"FLOAT\"",
    "\"FSTRING\"",
    "\"IDENTIFIER\"",
    "\"INTEGER\"",
    "\"STRING\"",
    "\"[\"",
    "\"lambda\"",
    "\"not\"",
    "\"{\"",
    "\"}\"",
    "\"~\"",
];
const CALL_ARG_START: &[&str] = &[
    "\"(\"",
    "\")\"",
    "\"*\"",
    "\"**\"",
    "\"+\"",
    "\"-\"",
    "\"...\"",
    "\"FLOAT\"",
    "\"FSTRING\"",
    "\"IDENTIFIER\"",
    "\"INTEGER\"",
    "\"STRING\"",
    "\"[\"",
    "\"lambda\"",
    "\"not\"",
    "\"{\"",
    "\"~\"",
];
const AFTER_OPERAND: &[&str] = &[
    "\"\\n\"", "\"!=\"", "\"%\"", "\"%=\"", "\"&\"", "\"&=\"", "\"(\"", "\")\"", "\"*\"", "\"*=\"",
    "\"+\"", "\"+=\"", "\",\"", "\"-\"", "\"-=\"", "\".\"", "\"/\"", "\"//\"", "\"//=\"", "\"/=\"",
    "\":\"", "\";\"", "\"<\"", "\"<<\"", "\"<<=\"", "\"<=\"", "\"=\"", "\"==\"", "\">\"", "\">=\"",
    "\">>\"", "\">>=\"", "\"[\"", "\"]\"", "\"^\"", "\"^=\"", "\"and\"", "\"else\"", "\"for\"",
    "\"if\"", "\"in\"", "\"not\"", "\"or\"", "\"|\"", "\"|=\"", "\"}\"",
];

/// Operators and keywords that may follow an operand in Starlark but that the subset
/// does not evaluate.
const UNSUPPORTED_AFTER_OPERAND: &[&str] = &[
    "!=", "%", "%=", "&", "&=", "*", "*=", "+=", "-", "-=", ".", "/", "//", "//=", "/=", "<", "<<",
    "<<=", "<=", "==", ">", ">=", ">>", ">>=", "[", "^", "^=", "|", "|=", "and", "else", "for",
    "if", "in", "not", "or",
];

/// Parses a token stream into statements.
pub(crate) fn parse(tokens: &[Token], text: &str) -> Result<Vec<Stmt>, ParseError> {
    let mut parser = Parser {
        tokens,
        text,
        pos: 0,
    };
    parser.module()
}

struct Parser<'a> {
    tokens: &'a [Token],
    text: &'a str,
    pos: usize,
}

fn expected_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        let last = self.tokens.len().saturating_sub(1);
        &self.tokens[self.pos.min(last)]
    }

    fn bump(&mut self) -> Token {
        let token = self.peek().clone();
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        token
    }

    fn at_sym(&self, sym: &str) -> bool {
        matches!(&self.peek().tok, Tok::Sym(s) if *s == sym)
    }

    fn unexpected(&self, expected: &[&str]) -> ParseError {
        let token = self.peek();
        let text = self
            .text
            .get(token.span.start..token.span.end)
            .unwrap_or("");
        (
            format!(
                "Parse error: unexpected {} here, expected one of {}",
                token.tok.describe(text),
                expected_list(expected)
            ),
            token.span,
        )
    }

    fn unsupported(&self, what: &str) -> ParseError {
        (
            format!("Parse error: recodex does not support {what} in rules files"),
            self.peek().span,
        )
    }

    /// The error for a token that cannot follow a complete operand. `newline_expected` is
    /// the set reported when the token is the end of the line.
    fn after_operand_error(&self, newline_expected: &[&str]) -> ParseError {
        match &self.peek().tok {
            Tok::Newline => self.unexpected(newline_expected),
            Tok::Sym(sym) if UNSUPPORTED_AFTER_OPERAND.contains(sym) => {
                self.unsupported(&format!("the `{sym}` operator"))
            }
            Tok::Keyword(word) if UNSUPPORTED_AFTER_OPERAND.contains(word) => {
                self.unsupported(&format!("`{word}` expressions"))
            }
            _ => self.unexpected(AFTER_OPERAND),
        }
    }

    fn module(&mut self) -> Result<Vec<Stmt>, ParseError> {
        let mut stmts = Vec::new();
        loop {
            let expected = if stmts.is_empty() {
                STMT_FIRST
            } else {
                STMT_NEXT
            };
            match &self.peek().tok {
                Tok::Eof => return Ok(stmts),
                Tok::Newline => {
                    self.bump();
                    continue;
                }
                Tok::Keyword("pass") => {
                    self.bump();
                }
                Tok::Keyword(
                    word @ ("def" | "if" | "for" | "load" | "return" | "break" | "continue"),
                ) => return Err(self.unsupported(&format!("`{word}` statements"))),
                Tok::Keyword("lambda" | "not") => {
                    return Err(self.unsupported("this expression"));
                }
                tok if starts_operand(tok) => stmts.push(self.simple_statement()?),
                _ => return Err(self.unexpected(expected)),
            }
            // A statement ends at a newline or a semicolon.
            if self.at_sym(";") {
                self.bump();
                if matches!(self.peek().tok, Tok::Newline) {
                    self.bump();
                }
            } else if matches!(self.peek().tok, Tok::Newline) {
                self.bump();
            } else {
                return Err(self.after_operand_error(AFTER_OPERAND));
            }
        }
    }

    fn simple_statement(&mut self) -> Result<Stmt, ParseError> {
        let expr = self.expr(EXPR_START)?;
        if !self.at_sym("=") {
            return Ok(Stmt::Expr(expr));
        }
        let ExprKind::Name(name) = expr.kind else {
            return Err(self.unsupported("assignments to anything but a name"));
        };
        self.bump();
        let value = self.expr(EXPR_START)?;
        Ok(Stmt::Assign { name, value })
    }

    /// `operand ('+' operand)*`; `start` is the expected set when no operand begins here.
    fn expr(&mut self, start: &[&str]) -> Result<Expr, ParseError> {
        let mut lhs = self.operand(start)?;
        while self.at_sym("+") {
            self.bump();
            let rhs = self.operand(OPERAND_START)?;
            let span = lhs.span.to(rhs.span);
            lhs = Expr {
                kind: ExprKind::Add(Box::new(lhs), Box::new(rhs)),
                span,
            };
        }
        Ok(lhs)
    }

    fn operand(&mut self, start: &[&str]) -> Result<Expr, ParseError> {
        let token = self.peek().clone();
        let mut expr = match token.tok {
            Tok::Ident(name) => {
                self.bump();
                Expr {
                    kind: ExprKind::Name(name),
                    span: token.span,
                }
            }
            Tok::Int(value) => {
                self.bump();
                Expr {
                    kind: ExprKind::Int(value),
                    span: token.span,
                }
            }
            Tok::Str(value) => {
                self.bump();
                Expr {
                    kind: ExprKind::Str(value),
                    span: token.span,
                }
            }
            Tok::Sym("[") => self.list()?,
            Tok::Sym("(") => self.paren()?,
            Tok::Sym("{") => self.dict()?,
            Tok::Sym(sym @ ("-" | "+")) => {
                self.bump();
                let inner = self.operand(OPERAND_START)?;
                let span = token.span.to(inner.span);
                let kind = if sym == "-" {
                    ExprKind::Neg(Box::new(inner))
                } else {
                    ExprKind::Plus(Box::new(inner))
                };
                Expr { kind, span }
            }
            Tok::Sym(sym @ ("..." | "~")) => {
                return Err(self.unsupported(&format!("`{sym}`")));
            }
            Tok::Keyword(word @ ("lambda" | "not")) => {
                return Err(self.unsupported(&format!("`{word}` expressions")));
            }
            _ => return Err(self.unexpected(start)),
        };
        loop {
            if self.at_sym("(") {
                expr = self.call(expr)?;
            } else if self.at_sym("[") || self.at_sym(".") {
                return Err(self.unsupported("indexing, slicing and attributes"));
            } else {
                return Ok(expr);
            }
        }
    }

    fn list(&mut self) -> Result<Expr, ParseError> {
        let open = self.bump().span;
        let mut items = Vec::new();
        loop {
            if self.at_sym("]") {
                let close = self.bump().span;
                return Ok(Expr {
                    kind: ExprKind::List(items),
                    span: open.to(close),
                });
            }
            items.push(self.expr(LIST_ITEM_START)?);
            if self.at_sym(",") {
                self.bump();
            } else if !self.at_sym("]") {
                if matches!(self.peek().tok, Tok::Keyword("for")) {
                    return Err(self.unsupported("comprehensions"));
                }
                return Err(self.after_operand_error(&["\",\"", "\"]\"", "\"for\""]));
            }
        }
    }

    fn paren(&mut self) -> Result<Expr, ParseError> {
        let open = self.bump().span;
        let mut items = Vec::new();
        let mut tuple = false;
        loop {
            if self.at_sym(")") {
                let close = self.bump().span;
                let span = open.to(close);
                if !tuple && items.len() == 1 {
                    let mut inner: Expr = items.remove(0);
                    inner.span = span;
                    return Ok(inner);
                }
                return Ok(Expr {
                    kind: ExprKind::Tuple(items),
                    span,
                });
            }
            let start = if items.is_empty() {
                EXPR_START
            } else {
                LIST_ITEM_START
            };
            items.push(self.expr(start)?);
            if self.at_sym(",") {
                self.bump();
                tuple = true;
            } else if !self.at_sym(")") {
                if matches!(self.peek().tok, Tok::Keyword("for")) {
                    return Err(self.unsupported("comprehensions"));
                }
                return Err(self.after_operand_error(&["\")\""]));
            }
        }
    }

    fn dict(&mut self) -> Result<Expr, ParseError> {
        let open = self.bump().span;
        let mut entries = Vec::new();
        loop {
            if self.at_sym("}") {
                let close = self.bump().span;
                return Ok(Expr {
                    kind: ExprKind::Dict(entries),
                    span: open.to(close),
                });
            }
            let key = self.expr(DICT_ITEM_START)?;
            if !self.at_sym(":") {
                return Err(self.after_operand_error(&["\":\""]));
            }
            self.bump();
            let value = self.expr(EXPR_START)?;
            entries.push((key, value));
            if self.at_sym(",") {
                self.bump();
            } else if !self.at_sym("}") {
                if matches!(self.peek().tok, Tok::Keyword("for")) {
                    return Err(self.unsupported("comprehensions"));
                }
                return Err(self.after_operand_error(&["\",\"", "\"for\"", "\"}\""]));
            }
        }
    }

    fn call(&mut self, callee: Expr) -> Result<Expr, ParseError> {
        self.bump();
        let mut args: Vec<Arg> = Vec::new();
        let mut seen_named = false;
        loop {
            if self.at_sym(")") {
                let close = self.bump().span;
                let span = callee.span.to(close);
                return Ok(Expr {
                    kind: ExprKind::Call {
                        callee: Box::new(callee),
                        args,
                    },
                    span,
                });
            }
            if self.at_sym("*") || self.at_sym("**") {
                return Err(self.unsupported("`*args` and `**kwargs`"));
            }
            let named = match (&self.peek().tok, self.tokens.get(self.pos + 1)) {
                (Tok::Ident(name), Some(next)) if next.tok == Tok::Sym("=") => {
                    Some((name.clone(), self.peek().span))
                }
                _ => None,
            };
            if let Some((name, name_span)) = named {
                if args
                    .iter()
                    .any(|a| a.name.as_deref() == Some(name.as_str()))
                {
                    return Err(("repeated named argument".into(), name_span));
                }
                self.bump();
                self.bump();
                let value = self.expr(EXPR_START)?;
                seen_named = true;
                args.push(Arg {
                    name: Some(name),
                    value,
                });
            } else {
                let value = self.expr(CALL_ARG_START)?;
                if seen_named {
                    return Err((
                        "positional argument after non positional".into(),
                        value.span,
                    ));
                }
                args.push(Arg { name: None, value });
            }
            if self.at_sym(",") {
                self.bump();
            } else if !self.at_sym(")") {
                if matches!(self.peek().tok, Tok::Keyword("for")) {
                    return Err(self.unsupported("comprehensions"));
                }
                return Err(self.after_operand_error(&["\")\"", "\",\""]));
            }
        }
    }
}

fn starts_operand(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Ident(_)
            | Tok::Int(_)
            | Tok::Str(_)
            | Tok::Sym("[" | "(" | "{" | "-" | "+" | "..." | "~")
    )
}
