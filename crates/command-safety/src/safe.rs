//! The "known safe" allow-list: commands that only read.
//!
//! A command is known safe when its program (by file name, so `/bin/ls` is
//! `ls`) is on the list and none of its arguments is an option that writes,
//! deletes or runs something else. A `bash -lc`/`zsh -lc`/`sh -c` wrapper is
//! known safe when its script is plain (see [`crate::parse_plain_shell_script`])
//! and every command in it is on the list.

use std::path::Path;

use crate::bash::parse_shell_lc_plain_commands;
use crate::git::is_read_only_git_command;

/// Programs that are safe with any arguments.
const ALWAYS_SAFE: &[&str] = &[
    "cat", "cd", "cut", "echo", "expr", "false", "grep", "head", "id", "ls", "nl", "paste", "pwd",
    "rev", "seq", "stat", "tail", "tr", "true", "uname", "uniq", "wc", "which", "whoami",
];

/// Programs the reference adds on Linux only.
const ALWAYS_SAFE_ON_LINUX: &[&str] = &["numfmt", "tac"];

/// `find` options that run commands, delete files or write file lists.
const UNSAFE_FIND_OPTIONS: &[&str] = &[
    "-exec", "-execdir", "-ok", "-okdir", "-delete", "-fls", "-fprint", "-fprint0", "-fprintf",
];

/// Whether `argv` runs without approval under the `untrusted` policy when no
/// exec-policy rule matches it: an allow-listed read-only command, or a
/// `bash -lc "<script>"` whose script is made of such commands only.
///
/// A word equal to `zsh` is read as `bash`, as the reference does.
pub fn is_known_safe_command(argv: &[String]) -> bool {
    let argv: Vec<String> = argv
        .iter()
        .map(|word| {
            if word == "zsh" {
                "bash".to_owned()
            } else {
                word.clone()
            }
        })
        .collect();
    if is_safe_to_call_with_exec(&argv) {
        return true;
    }
    parse_shell_lc_plain_commands(&argv).is_some_and(|commands| {
        !commands.is_empty()
            && commands
                .iter()
                .all(|command| is_safe_to_call_with_exec(command))
    })
}

/// The allow-list check for one plain command.
fn is_safe_to_call_with_exec(argv: &[String]) -> bool {
    let Some(program) = argv.first().and_then(|word| executable_name(word)) else {
        return false;
    };
    let args = &argv[1..];
    match program {
        name if ALWAYS_SAFE.contains(&name) => true,
        name if cfg!(target_os = "linux") && ALWAYS_SAFE_ON_LINUX.contains(&name) => true,
        "base64" => !args.iter().any(|arg| is_base64_output_option(arg)),
        // The reference also looks at the program word itself here.
        "find" => !argv
            .iter()
            .any(|arg| UNSAFE_FIND_OPTIONS.contains(&arg.as_str())),
        "rg" => !argv.iter().any(|arg| is_unsafe_ripgrep_option(arg)),
        "git" => is_read_only_git_command(argv),
        "sed" => is_sed_print_range(argv),
        _ => false,
    }
}

/// The file name of a program word: `/usr/bin/git` is `git`.
fn executable_name(word: &str) -> Option<&str> {
    Path::new(word).file_name()?.to_str()
}

/// `-o FILE`, `-oFILE`, `--output FILE` and `--output=FILE` write the result
/// to a file.
fn is_base64_output_option(arg: &str) -> bool {
    arg == "--output" || arg.starts_with("--output=") || arg.starts_with("-o")
}

/// `--pre` and `--hostname-bin` run a program; `-z`/`--search-zip` call
/// decompressors.
fn is_unsafe_ripgrep_option(arg: &str) -> bool {
    matches!(arg, "-z" | "--search-zip" | "--pre" | "--hostname-bin")
        || arg.starts_with("--pre=")
        || arg.starts_with("--hostname-bin=")
}

/// `sed -n N p` or `sed -n M,N p` with at most one more word (the file).
fn is_sed_print_range(argv: &[String]) -> bool {
    argv.len() <= 4
        && argv.get(1).is_some_and(|flag| flag == "-n")
        && argv.get(2).is_some_and(|range| is_line_range_print(range))
}

/// Matches `^(\d+,)?\d+p$`.
fn is_line_range_print(arg: &str) -> bool {
    let Some(range) = arg.strip_suffix('p') else {
        return false;
    };
    let is_number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match range.split_once(',') {
        Some((start, end)) => is_number(start) && is_number(end),
        None => is_number(range),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(argv: &[&str]) -> Vec<String> {
        argv.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn sed_accepts_only_print_ranges() {
        for ok in ["1p", "10p", "1,5p", "001,2p"] {
            assert!(is_line_range_print(ok), "{ok}");
        }
        for bad in ["p", ",5p", "1,p", "1,2,3p", "1,5", "$p", "1p;w x", "x1p"] {
            assert!(!is_line_range_print(bad), "{bad}");
        }
        assert!(!is_safe_to_call_with_exec(&words(&[
            "sed", "-n", "1p", "a", "b"
        ])));
        assert!(!is_safe_to_call_with_exec(&words(&[
            "sed", "-i", "1p", "a"
        ])));
    }

    #[test]
    fn nested_wrappers_are_not_unwrapped_twice() {
        // A script whose only command is itself a shell wrapper is not known
        // safe as a whole; the exec-policy split (crate::policy) unwraps it once.
        assert!(is_known_safe_command(&words(&["bash", "-lc", "ls"])));
        assert!(!is_known_safe_command(&words(&[
            "bash",
            "-lc",
            "bash -lc ls"
        ])));
        assert!(is_known_safe_command(&words(&["zsh", "-lc", "ls && pwd"])));
    }

    #[test]
    fn program_is_matched_by_file_name() {
        assert!(is_known_safe_command(&words(&["/usr/bin/cat", "x"])));
        assert!(is_known_safe_command(&words(&["./ls"])));
        assert!(!is_known_safe_command(&words(&["lsx"])));
        assert!(!is_known_safe_command(&words(&[])));
    }
}
