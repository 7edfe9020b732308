//! Errors of loading a policy. The messages are the reference's, word for word: they are
//! what `execpolicy check` prints for a bad rules file.

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;

/// Why a rules file was rejected.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `decision` is not `allow`, `prompt` or `forbidden`.
    #[error("invalid decision: {0}")]
    InvalidDecision(String),
    /// A `pattern` is empty or holds something other than strings and string lists.
    #[error("invalid pattern element: {0}")]
    InvalidPattern(String),
    /// A `match`/`not_match` example is malformed.
    #[error("invalid example: {0}")]
    InvalidExample(String),
    /// Another argument of a rule is invalid.
    #[error("invalid rule: {0}")]
    InvalidRule(String),
    /// Some `match` examples matched none of the rule's patterns.
    #[error(
        "expected every example to match at least one rule. rules: {rules:?}; unmatched examples: {examples:?}"
    )]
    ExampleDidNotMatch {
        /// `Debug` renderings of the rules made by the `prefix_rule` call.
        rules: Vec<String>,
        /// The unmatched examples, shell-quoted.
        examples: Vec<String>,
    },
    /// A `not_match` example matched.
    #[error("expected example to not match rule `{rule}`: {example}")]
    ExampleDidMatch {
        /// `Debug` rendering of the first match.
        rule: String,
        /// The example, shell-quoted.
        example: String,
    },
    /// The file is not valid in the Starlark dialect, or evaluating it failed (this
    /// includes the rule errors above raised inside a call, rendered with their location).
    #[error("starlark error: {0}")]
    Starlark(Diagnostic),
}

/// Why a set of rules files could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("failed to read policy at {}", path.display())]
    Read {
        /// The path as given.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file was read but rejected.
    #[error("failed to parse policy at {}", path.display())]
    Parse {
        /// The path as given.
        path: PathBuf,
        /// What was wrong.
        #[source]
        source: Error,
    },
}

impl LoadError {
    /// The error as the reference's command prints it: `Error: <context>`, a blank line,
    /// then `Caused by:` and the cause indented by four spaces (every line of it).
    pub fn report(&self) -> String {
        let cause = match self {
            Self::Read { source, .. } => source.to_string(),
            Self::Parse { source, .. } => source.to_string(),
        };
        format!(
            "Error: {self}\n\nCaused by:\n    {}\n",
            cause.replace('\n', "\n    ")
        )
    }
}
