//! The verdicts the approval flow reaches for a command no rule matched.
//!
//! Before consulting the heuristics, the reference splits a plain
//! `bash -lc "<script>"` into its commands and judges each one on its own
//! (an argv that is not such a wrapper is one command). This split is why
//! `bash -lc "bash -lc ls"` runs without approval although
//! [`is_known_safe_command`] says no to it as a whole: the inner wrapper is
//! judged as a command of its own and unwrapped once more.

use crate::bash::parse_shell_lc_plain_commands;
use crate::dangerous::command_might_be_dangerous;
use crate::safe::is_known_safe_command;

/// The commands the exec policy evaluates for `argv`: the commands of its
/// plain shell script when it has one with at least one command, else `argv`
/// itself.
pub fn commands_for_exec_policy(argv: &[String]) -> Vec<Vec<String>> {
    match parse_shell_lc_plain_commands(argv) {
        Some(commands) if !commands.is_empty() => commands,
        _ => vec![argv.to_vec()],
    }
}

/// Whether `argv` runs without asking under the `untrusted` approval policy
/// when no exec-policy rule matches any of its commands.
pub fn runs_without_approval_when_untrusted(argv: &[String]) -> bool {
    commands_for_exec_policy(argv)
        .iter()
        .all(|command| is_known_safe_command(command))
}

/// Whether `argv` asks for approval as possibly dangerous under the
/// `on-request` policy (in a restricted sandbox, without an escalation
/// request) when no exec-policy rule matches any of its commands.
pub fn prompts_as_dangerous(argv: &[String]) -> bool {
    commands_for_exec_policy(argv)
        .iter()
        .any(|command| command_might_be_dangerous(command))
}
