//! Evaluation of a parsed rules file: name resolution (done for the whole file before
//! anything runs, as Starlark does), then the statements in order, calling the policy
//! builtins with Starlark's argument-binding rules and messages.

use std::collections::HashMap;

use crate::ast::{Arg, Expr, ExprKind, Stmt};
use crate::builtins::{self, Builtin};
use crate::diagnostic::Span;
use crate::policy::PolicyBuilder;
use crate::value::Value;

/// An evaluation error: message, span, and whether it carries a call traceback.
pub(crate) struct EvalError {
    pub(crate) message: String,
    pub(crate) span: Span,
    pub(crate) traceback: bool,
}

impl EvalError {
    fn plain(message: String, span: Span) -> Self {
        Self {
            message,
            span,
            traceback: false,
        }
    }

    fn in_call(message: String, span: Span) -> Self {
        Self {
            message,
            span,
            traceback: true,
        }
    }
}

/// The global names, sorted as the reference lists them for suggestions.
const GLOBALS: &[&str] = &[
    "False",
    "None",
    "True",
    "abs",
    "all",
    "any",
    "bool",
    "chr",
    "dict",
    "dir",
    "enumerate",
    "fail",
    "float",
    "getattr",
    "hasattr",
    "hash",
    "host_executable",
    "int",
    "len",
    "list",
    "max",
    "min",
    "network_rule",
    "ord",
    "prefix_rule",
    "range",
    "repr",
    "reversed",
    "sorted",
    "str",
    "tuple",
    "type",
    "zip",
];

/// Runs `stmts` against `builder`.
pub(crate) fn run(stmts: &[Stmt], builder: &mut PolicyBuilder) -> Result<(), EvalError> {
    let bindings = resolve(stmts)?;
    let mut env = Env {
        values: bindings.into_iter().map(|name| (name, None)).collect(),
        builder,
    };
    for stmt in stmts {
        match stmt {
            Stmt::Expr(expr) => {
                env.eval(expr)?;
            }
            Stmt::Assign { name, value } => {
                let value = env.eval(value)?;
                env.values.insert(name.clone(), Some(value));
            }
        }
    }
    Ok(())
}

/// Collects the module's variables and checks that every name read is one of them or a
/// global. Returns the variables in order of first assignment.
fn resolve(stmts: &[Stmt]) -> Result<Vec<String>, EvalError> {
    let mut bindings: Vec<String> = Vec::new();
    for stmt in stmts {
        if let Stmt::Assign { name, .. } = stmt
            && !bindings.contains(name)
        {
            bindings.push(name.clone());
        }
    }
    let mut error = None;
    let mut check = |name: &str, span: Span| {
        if error.is_some() || bindings.iter().any(|b| b == name) || GLOBALS.contains(&name) {
            return;
        }
        let candidates = bindings
            .iter()
            .map(String::as_str)
            .chain(GLOBALS.iter().copied());
        let message = match did_you_mean(name, candidates) {
            Some(better) => format!("Variable `{name}` not found, did you mean `{better}`?"),
            None => format!("Variable `{name}` not found"),
        };
        error = Some(EvalError::plain(message, span));
    };
    for stmt in stmts {
        match stmt {
            Stmt::Expr(expr) | Stmt::Assign { value: expr, .. } => expr.visit_names(&mut check),
        }
    }
    match error {
        Some(error) => Err(error),
        None => Ok(bindings),
    }
}

/// The closest candidate within a small edit distance (first one on ties).
fn did_you_mean<'a>(value: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    if value.is_empty() {
        return None;
    }
    let max = if value.len() <= 2 { 1 } else { 2 };
    let mut best: Option<(&str, usize)> = None;
    for candidate in candidates {
        let distance = levenshtein(value, candidate);
        if distance <= max && best.is_none_or(|(_, d)| distance < d) {
            best = Some((candidate, distance));
        }
    }
    best.map(|(candidate, _)| candidate)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = prev[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(prev[j + 1] + 1).min(current[j] + 1);
        }
        prev = current;
    }
    prev[b.len()]
}

struct Env<'b> {
    /// Module variables; `None` until assigned.
    values: HashMap<String, Option<Value>>,
    builder: &'b mut PolicyBuilder,
}

impl Env<'_> {
    fn eval(&mut self, expr: &Expr) -> Result<Value, EvalError> {
        match &expr.kind {
            ExprKind::Name(name) => self.lookup(name, expr.span),
            ExprKind::Int(value) => Ok(Value::Int(*value)),
            ExprKind::Str(value) => Ok(Value::Str(value.clone())),
            ExprKind::List(items) => Ok(Value::List(self.eval_all(items)?)),
            ExprKind::Tuple(items) => Ok(Value::Tuple(self.eval_all(items)?)),
            ExprKind::Dict(entries) => {
                let mut out: Vec<(Value, Value)> = Vec::new();
                for (key_expr, value_expr) in entries {
                    let key = self.eval(key_expr)?;
                    if !key.is_hashable() {
                        let message =
                            format!("Value of type `{}` is not hashable", key.type_name());
                        return Err(EvalError::plain(message, key_expr.span));
                    }
                    let value = self.eval(value_expr)?;
                    if out.iter().any(|(k, _)| *k == key) {
                        let message = format!("Dictionary key repeated for `{}`", key.repr());
                        return Err(EvalError::plain(message, key_expr.span));
                    }
                    out.push((key, value));
                }
                Ok(Value::Dict(out))
            }
            ExprKind::Add(lhs, rhs) => {
                let lhs = self.eval(lhs)?;
                let rhs = self.eval(rhs)?;
                add(lhs, rhs).map_err(|message| EvalError::plain(message, expr.span))
            }
            ExprKind::Neg(inner) | ExprKind::Plus(inner) => {
                let op = if matches!(expr.kind, ExprKind::Neg(_)) {
                    "-"
                } else {
                    "+"
                };
                match self.eval(inner)? {
                    Value::Int(i) if op == "-" => Ok(Value::Int(-i)),
                    Value::Int(i) => Ok(Value::Int(i)),
                    other => Err(EvalError::plain(
                        format!(
                            "Operation `{op}` not supported on type `{}`",
                            other.type_name()
                        ),
                        expr.span,
                    )),
                }
            }
            ExprKind::Call { callee, args } => self.call(callee, args, expr.span),
        }
    }

    fn eval_all(&mut self, items: &[Expr]) -> Result<Vec<Value>, EvalError> {
        items.iter().map(|item| self.eval(item)).collect()
    }

    fn lookup(&self, name: &str, span: Span) -> Result<Value, EvalError> {
        match self.values.get(name) {
            Some(Some(value)) => Ok(value.clone()),
            Some(None) => Err(EvalError::plain(
                format!("Local variable `{name}` referenced before assignment"),
                span,
            )),
            None => Ok(global(name)),
        }
    }

    fn call(&mut self, callee: &Expr, args: &[Arg], span: Span) -> Result<Value, EvalError> {
        let function = self.eval(callee)?;
        let mut positional = Vec::new();
        let mut named = Vec::new();
        for arg in args {
            let value = self.eval(&arg.value)?;
            match &arg.name {
                Some(name) => named.push((name.clone(), value)),
                None => positional.push(value),
            }
        }
        let Value::Function(name) = function else {
            let message = format!(
                "Operation `call()` not supported on type `{}`",
                function.type_name()
            );
            return Err(EvalError::in_call(message, span));
        };
        let result = match Builtin::from_name(name) {
            Some(builtin) => builtins::call(builtin, positional, named, self.builder),
            None => Err(format!(
                "recodex does not support calling `{name}` in rules files"
            )),
        };
        result
            .map(|()| Value::None)
            .map_err(|message| EvalError::in_call(message, span))
    }
}

/// The value of a global name (resolution has already checked that it exists).
fn global(name: &str) -> Value {
    match name {
        "None" => Value::None,
        "True" => Value::Bool(true),
        "False" => Value::Bool(false),
        _ => Value::Function(
            GLOBALS
                .iter()
                .copied()
                .find(|g| *g == name)
                .unwrap_or("None"),
        ),
    }
}

fn add(lhs: Value, rhs: Value) -> Result<Value, String> {
    match (lhs, rhs) {
        (Value::Int(a), Value::Int(b)) => Ok(Value::Int(a + b)),
        (Value::Str(a), Value::Str(b)) => Ok(Value::Str(a + &b)),
        (Value::List(mut a), Value::List(b)) => {
            a.extend(b);
            Ok(Value::List(a))
        }
        (Value::Tuple(mut a), Value::Tuple(b)) => {
            a.extend(b);
            Ok(Value::Tuple(a))
        }
        (a, b) => Err(format!(
            "Operation `+` not supported for types `{}` and `{}`",
            a.type_name(),
            b.type_name()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_follow_starlark() {
        assert_eq!(did_you_mean("foo", GLOBALS.iter().copied()), Some("bool"));
        assert_eq!(
            did_you_mean("prefix_rul", GLOBALS.iter().copied()),
            Some("prefix_rule")
        );
        assert_eq!(did_you_mean("anl", GLOBALS.iter().copied()), Some("all"));
        assert_eq!(did_you_mean("prefix", GLOBALS.iter().copied()), None);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }
}
