//! `execpolicy check`: load rules files, evaluate one command, render the result.
//!
//! On success stdout holds the [`Evaluation`] as JSON (compact, or pretty with
//! `--pretty`) and a newline, and the exit code is 0:
//!
//! ```json
//! {"matchedRules":[{"prefixRuleMatch":{"matchedPrefix":["git","push"],"decision":"prompt","justification":"..."}}],"decision":"prompt"}
//! ```
//!
//! `resolvedProgram` appears in a match only when it went through host resolution;
//! `justification` only when the rule has one; `decision` only when something matched.
//! When a file cannot be read or is rejected, stdout is empty, stderr holds the error
//! report the reference prints (`Error: failed to parse policy at <path>`, then
//! `Caused by:` and the indented cause), and the exit code is 1.

use std::path::{Path, PathBuf};

use crate::policy::{Evaluation, MatchOptions, Policy};

/// What `execpolicy check` prints and its exit code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckOutcome {
    /// Standard output (the JSON and a newline, or nothing).
    pub stdout: String,
    /// Standard error (the error report, or nothing).
    pub stderr: String,
    /// The process exit code: 0 on success, 1 when loading the rules failed.
    pub exit_code: i32,
}

/// Runs `execpolicy check`: loads `rules` in order and checks `command`. `cwd` is the
/// directory relative program paths resolve against (the process's working directory in
/// the command-line tool).
pub fn run_check(
    rules: &[PathBuf],
    pretty: bool,
    resolve_host_executables: bool,
    command: &[String],
    cwd: Option<&Path>,
) -> CheckOutcome {
    let policy = match Policy::load(rules, cwd) {
        Ok(policy) => policy,
        Err(error) => {
            return CheckOutcome {
                stdout: String::new(),
                stderr: error.report(),
                exit_code: 1,
            };
        }
    };
    let options = MatchOptions {
        resolve_host_executables,
        cwd: cwd.map(Path::to_path_buf),
    };
    let evaluation = policy.check_with_options(command, &options);
    CheckOutcome {
        stdout: format!("{}\n", render_json(&evaluation, pretty)),
        stderr: String::new(),
        exit_code: 0,
    }
}

/// The JSON of an evaluation, as `execpolicy check` prints it (without the newline).
pub fn render_json(evaluation: &Evaluation, pretty: bool) -> String {
    let rendered = if pretty {
        serde_json::to_string_pretty(evaluation)
    } else {
        serde_json::to_string(evaluation)
    };
    // Serializing strings, vectors and enums cannot fail.
    rendered.unwrap_or_default()
}
