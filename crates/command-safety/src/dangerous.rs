//! The "might be dangerous" check.
//!
//! Under the `on-request` and granular policies (and `untrusted`, where it
//! changes nothing), a command that no rule matched and that this check flags
//! asks for approval even when the sandbox would contain it; under `never` it
//! is refused. In 0.136.0 the check is narrow: `rm -f`/`rm -rf` as the first
//! argument, possibly behind any number of `sudo`, directly or as a command
//! of a plain `bash -lc` script.

use crate::bash::parse_shell_lc_plain_commands;

/// Whether `argv`, or a command of its plain `bash -lc` script, is one the
/// reference treats as possibly destructive.
pub fn command_might_be_dangerous(argv: &[String]) -> bool {
    is_dangerous_to_call_with_exec(argv)
        || parse_shell_lc_plain_commands(argv).is_some_and(|commands| {
            commands
                .iter()
                .any(|command| is_dangerous_to_call_with_exec(command))
        })
}

fn is_dangerous_to_call_with_exec(argv: &[String]) -> bool {
    match argv.first().map(String::as_str) {
        // Only the bare name and only the first argument, as in the reference.
        Some("rm") => matches!(argv.get(1).map(String::as_str), Some("-f" | "-rf")),
        Some("sudo") => is_dangerous_to_call_with_exec(&argv[1..]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(argv: &[&str]) -> Vec<String> {
        argv.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn only_rm_with_force_first_is_dangerous() {
        assert!(command_might_be_dangerous(&words(&["rm", "-rf", "/"])));
        assert!(command_might_be_dangerous(&words(&[
            "sudo", "sudo", "rm", "-f", "x"
        ])));
        assert!(command_might_be_dangerous(&words(&[
            "bash",
            "-lc",
            "ls && rm -rf x"
        ])));
        assert!(!command_might_be_dangerous(&words(&[
            "rm", "-r", "-f", "x"
        ])));
        assert!(!command_might_be_dangerous(&words(&[
            "/bin/rm", "-rf", "x"
        ])));
        assert!(!command_might_be_dangerous(&words(&[
            "git", "reset", "--hard"
        ])));
        assert!(!command_might_be_dangerous(&words(&["sudo"])));
        assert!(!command_might_be_dangerous(&words(&[])));
    }
}
