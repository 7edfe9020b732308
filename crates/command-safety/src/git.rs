//! Which `git` invocations count as read-only.
//!
//! Only `status`, `log`, `diff`, `show` and a listing `branch` qualify, and
//! only without the global options that change which repository, config or
//! pager git uses (`-C`, `-c`, `--git-dir`, `-p`, ...) and without the
//! subcommand options that write files or run programs (`--output`,
//! `--ext-diff`, `--textconv`, `--exec`).

/// Global options whose value is the next word; skipped while looking for the
/// subcommand.
const GLOBAL_OPTIONS_WITH_VALUE: &[&str] = &[
    "-C",
    "-c",
    "--config-env",
    "--exec-path",
    "--git-dir",
    "--namespace",
    "--super-prefix",
    "--work-tree",
];

/// Global options carrying their value inline.
const GLOBAL_OPTION_INLINE_PREFIXES: &[&str] = &[
    "--config-env=",
    "--exec-path=",
    "--git-dir=",
    "--namespace=",
    "--super-prefix=",
    "--work-tree=",
];

/// Global options that disqualify an otherwise read-only command.
const UNSAFE_GLOBAL_OPTIONS: &[&str] = &[
    "-C",
    "-c",
    "-p",
    "--config-env",
    "--exec-path",
    "--git-dir",
    "--namespace",
    "--paginate",
    "--super-prefix",
    "--work-tree",
];

/// Subcommand options that write to a file or run another program.
const UNSAFE_SUBCOMMAND_OPTIONS: &[&str] = &["--output", "--ext-diff", "--textconv", "--exec"];
const UNSAFE_SUBCOMMAND_PREFIXES: &[&str] = &["--output=", "--exec="];

const READ_ONLY_SUBCOMMANDS: &[&str] = &["status", "log", "diff", "show", "branch"];

/// Whether `argv` (whose program is git) only reads the repository.
pub(crate) fn is_read_only_git_command(argv: &[String]) -> bool {
    let Some(index) = find_subcommand(argv, READ_ONLY_SUBCOMMANDS) else {
        return false;
    };
    if argv[1..index]
        .iter()
        .any(|arg| is_unsafe_global_option(arg))
    {
        return false;
    }
    let args = &argv[index + 1..];
    if args.iter().any(|arg| is_unsafe_subcommand_option(arg)) {
        return false;
    }
    argv[index] != "branch" || branch_only_lists(args)
}

/// The index of the subcommand when it is one of `wanted`. The first word
/// that is not an option (or an option's value) is the subcommand; a later
/// positional word never is.
fn find_subcommand(argv: &[String], wanted: &[&str]) -> Option<usize> {
    let mut skip_value = false;
    for (index, arg) in argv.iter().enumerate().skip(1) {
        if skip_value {
            skip_value = false;
            continue;
        }
        if has_inline_global_value(arg) {
            continue;
        }
        if GLOBAL_OPTIONS_WITH_VALUE.contains(&arg.as_str()) {
            skip_value = true;
            continue;
        }
        if arg.starts_with('-') {
            continue;
        }
        return wanted.contains(&arg.as_str()).then_some(index);
    }
    None
}

fn has_inline_global_value(arg: &str) -> bool {
    GLOBAL_OPTION_INLINE_PREFIXES
        .iter()
        .any(|prefix| arg.starts_with(prefix))
        || ((arg.starts_with("-C") || arg.starts_with("-c")) && arg.len() > 2)
}

fn is_unsafe_global_option(arg: &str) -> bool {
    UNSAFE_GLOBAL_OPTIONS.contains(&arg)
        || GLOBAL_OPTION_INLINE_PREFIXES
            .iter()
            .any(|prefix| arg.starts_with(prefix))
        || ((arg.starts_with("-C") || arg.starts_with("-c")) && arg.len() > 2)
}

fn is_unsafe_subcommand_option(arg: &str) -> bool {
    UNSAFE_SUBCOMMAND_OPTIONS.contains(&arg)
        || UNSAFE_SUBCOMMAND_PREFIXES
            .iter()
            .any(|prefix| arg.starts_with(prefix))
}

/// `git branch` lists branches when it has no arguments or only listing
/// flags; any other flag or a name may create, rename or delete one.
fn branch_only_lists(args: &[String]) -> bool {
    if args.is_empty() {
        return true;
    }
    args.iter().all(|arg| {
        matches!(
            arg.as_str(),
            "--list"
                | "-l"
                | "--show-current"
                | "-a"
                | "--all"
                | "-r"
                | "--remotes"
                | "-v"
                | "-vv"
                | "--verbose"
        ) || arg.starts_with("--format=")
    })
}
