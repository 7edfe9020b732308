//! Syntax tree of the Starlark subset: assignments and expression statements over
//! literals, names, calls and `+`.

use crate::diagnostic::Span;

/// An expression and its span.
#[derive(Clone, Debug)]
pub(crate) struct Expr {
    pub(crate) kind: ExprKind,
    pub(crate) span: Span,
}

/// The kinds of expression the subset supports.
#[derive(Clone, Debug)]
pub(crate) enum ExprKind {
    Name(String),
    Int(i128),
    Str(String),
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
    Call { callee: Box<Expr>, args: Vec<Arg> },
    Add(Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
    Plus(Box<Expr>),
}

/// A call argument, positional or named.
#[derive(Clone, Debug)]
pub(crate) struct Arg {
    pub(crate) name: Option<String>,
    pub(crate) value: Expr,
}

/// A top-level statement.
#[derive(Clone, Debug)]
pub(crate) enum Stmt {
    Expr(Expr),
    Assign { name: String, value: Expr },
}

impl Expr {
    /// Calls `f` on every name this expression reads, in evaluation order.
    pub(crate) fn visit_names<'a>(&'a self, f: &mut dyn FnMut(&'a str, Span)) {
        match &self.kind {
            ExprKind::Name(name) => f(name, self.span),
            ExprKind::Int(_) | ExprKind::Str(_) => {}
            ExprKind::List(items) | ExprKind::Tuple(items) => {
                items.iter().for_each(|item| item.visit_names(f));
            }
            ExprKind::Dict(entries) => entries.iter().for_each(|(k, v)| {
                k.visit_names(f);
                v.visit_names(f);
            }),
            ExprKind::Call { callee, args } => {
                callee.visit_names(f);
                args.iter().for_each(|arg| arg.value.visit_names(f));
            }
            ExprKind::Add(lhs, rhs) => {
                lhs.visit_names(f);
                rhs.visit_names(f);
            }
            ExprKind::Neg(inner) | ExprKind::Plus(inner) => inner.visit_names(f),
        }
    }
}
