//! Exec policy: the `.rules` files that decide whether a command may run, must be
//! approved, or is refused, and the `execpolicy check` command that evaluates one.
//!
//! A rules file is a small Starlark program calling three functions:
//!
//! ```starlark
//! prefix_rule(
//!     pattern = ["git", ["push", "fetch"]],   # tokens in order; a list gives alternatives
//!     decision = "prompt",                    # allow (default) | prompt | forbidden
//!     justification = "talks to the network",
//!     match = [["git", "push"], "git fetch origin"],  # examples checked at load time
//!     not_match = ["git status"],
//! )
//! host_executable(name = "git", paths = ["/usr/bin/git"])
//! network_rule(host = "example.com", protocol = "https", decision = "allow")
//! ```
//!
//! ```
//! use recodex_execpolicy::{Decision, Policy};
//!
//! let policy = Policy::parse("x.rules", r#"prefix_rule(pattern=["git", "push"], decision="prompt")"#).unwrap();
//! let argv: Vec<String> = ["git", "push", "origin"].map(String::from).to_vec();
//! assert_eq!(policy.check(&argv).decision, Some(Decision::Prompt));
//! ```
//!
//! The language is a subset of the reference's Starlark dialect (assignments, literals,
//! lists, tuples, dicts, calls, `+`), evaluated by our own small interpreter; error
//! messages, their source excerpts, the JSON output and the exit codes follow
//! codex-cli 0.136.0.
//!
//! Modules: `lexer`, `parser` and `ast` (syntax), `eval` and `value` (running a file),
//! `builtins` (the three policy functions), `rule` (rule and match types), `policy`
//! (loading and matching), `check` (the command's output), `diagnostic` (Starlark-style
//! error excerpts), `shlex` (example splitting and quoting), `paths` (lexical paths).

mod ast;
mod builtins;
mod check;
mod diagnostic;
mod error;
mod eval;
mod lexer;
mod parser;
mod paths;
mod policy;
mod rule;
mod shlex;
mod value;

pub use check::{CheckOutcome, render_json, run_check};
pub use diagnostic::Diagnostic;
pub use error::{Error, LoadError};
pub use policy::{Evaluation, MatchOptions, Policy, PolicyParser};
pub use rule::{
    AbsolutePathBuf, Decision, NetworkRule, NetworkRuleProtocol, PatternToken, PrefixPattern,
    PrefixRule, RuleMatch,
};
