//! `codex exec` (headless runs), its `resume` and `review` subcommands, and `codex review`.
//!
//! Several `exec` options are global within the `exec` subtree (`--json`, `-o`, `-m`, ...), so
//! `codex exec resume --json` works and the value is read from [`ExecArgs`] whichever level
//! it was written at.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum, ValueHint};

use super::shared::adjusted_session_options;

/// `codex exec`: run one task without the TUI and exit.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
#[command(
    override_usage = "codex exec [OPTIONS] [PROMPT]\n       codex exec [OPTIONS] <COMMAND> [ARGS]"
)]
pub struct ExecArgs {
    /// Optional follow-up action; without one a new session runs.
    #[command(subcommand)]
    pub command: Option<ExecCommand>,

    /// Refuse to run when config.toml has keys this version does not recognise
    #[arg(long = "strict-config", global = true)]
    pub strict_config: bool,

    /// Model, provider, profile, sandbox and directory options.
    #[command(flatten)]
    pub session: ExecSessionOptions,

    /// Run even when the working directory is not inside a Git repository
    #[arg(long = "skip-git-repo-check", global = true)]
    pub skip_git_repo_check: bool,

    /// Keep the session in memory only; write no session files
    #[arg(long = "ephemeral", global = true)]
    pub ephemeral: bool,

    /// Skip `$CODEX_HOME/config.toml` (authentication still comes from CODEX_HOME)
    #[arg(long = "ignore-user-config", global = true)]
    pub ignore_user_config: bool,

    /// Skip the user and project execpolicy `.rules` files
    #[arg(long = "ignore-rules", global = true)]
    pub ignore_rules: bool,

    /// Removed option, still accepted so that old scripts get a deprecation warning
    #[arg(
        long = "full-auto",
        hide = true,
        global = true,
        conflicts_with = "dangerously_bypass_approvals_and_sandbox"
    )]
    pub full_auto: bool,

    /// JSON Schema file the model's final answer must follow
    #[arg(long = "output-schema", value_name = "FILE", global = true)]
    pub output_schema: Option<PathBuf>,

    /// When to colour the human-readable output
    #[arg(long = "color", value_name = "COLOR", value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Write the event stream to stdout as JSON Lines
    #[arg(long = "json", alias = "experimental-json", global = true)]
    pub json: bool,

    /// Also write the agent's final message to this file
    #[arg(
        short = 'o',
        long = "output-last-message",
        value_name = "FILE",
        global = true
    )]
    pub output_last_message: Option<PathBuf>,

    /// Task for the agent. Without PROMPT, or with `-`, the task comes from stdin; with both a
    /// PROMPT and piped input, the input is added after it, wrapped in `<stdin>` tags
    #[arg(value_name = "PROMPT", value_hint = ValueHint::Other)]
    pub prompt: Option<String>,
}

/// `--color` values of `codex exec`.
// Variant doc comments would be rendered as per-value help in `--help`, which the reference
// does not show for this option.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, ValueEnum)]
#[value(rename_all = "kebab-case")]
pub enum Color {
    Always,
    Never,
    #[default]
    Auto,
}

/// `codex exec` subcommands.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum ExecCommand {
    /// Send a follow-up prompt to an earlier session, picked by id, by name, or the newest with
    /// --last
    Resume(ExecResumeArgs),
    /// Review the changes in the current repository and print the findings
    Review(ReviewArgs),
}

/// `codex exec resume`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct ExecResumeArgs {
    /// Session UUID or session name (a valid UUID wins); leave it out with --last
    #[arg(value_name = "SESSION_ID")]
    pub session_id: Option<String>,

    /// Continue the newest saved session
    #[arg(long = "last")]
    pub last: bool,

    /// Consider sessions from every directory, not only the current one
    #[arg(long = "all")]
    pub all: bool,

    /// Attach image file(s) to the follow-up prompt; repeat the flag or separate with commas
    #[arg(
        short = 'i',
        long = "image",
        value_name = "FILE",
        value_delimiter = ',',
        num_args = 1
    )]
    pub images: Vec<PathBuf>,

    /// Follow-up prompt; `-` reads it from stdin
    #[arg(value_name = "PROMPT", value_hint = ValueHint::Other)]
    pub prompt: Option<String>,
}

impl ExecResumeArgs {
    /// The session to resume and the prompt to send, after interpreting the positionals.
    ///
    /// With `--last` and a single positional, that positional is the prompt, not a session id
    /// (`codex exec resume --last "fix it"`).
    pub fn session_and_prompt(&self) -> (Option<&str>, Option<&str>) {
        if self.last && self.prompt.is_none() {
            (None, self.session_id.as_deref())
        } else {
            (self.session_id.as_deref(), self.prompt.as_deref())
        }
    }
}

/// What to review: `codex review` and `codex exec review`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct ReviewArgs {
    /// Review everything not yet committed (staged, unstaged and new files)
    #[arg(long = "uncommitted", conflicts_with_all = ["base", "commit", "prompt"])]
    pub uncommitted: bool,

    /// Review the current branch against this base branch
    #[arg(
        long = "base",
        value_name = "BRANCH",
        conflicts_with_all = ["uncommitted", "commit", "prompt"]
    )]
    pub base: Option<String>,

    /// Review the changes made by one commit
    #[arg(
        long = "commit",
        value_name = "SHA",
        conflicts_with_all = ["uncommitted", "base", "prompt"]
    )]
    pub commit: Option<String>,

    /// Title shown for the commit in the review summary (needs --commit)
    #[arg(long = "title", value_name = "TITLE", requires = "commit")]
    pub commit_title: Option<String>,

    /// Your own review instructions; `-` reads them from stdin
    #[arg(value_name = "PROMPT", value_hint = ValueHint::Other)]
    pub prompt: Option<String>,
}

/// `codex review`: the same as `codex exec review`, as a top-level command.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct ReviewCommandArgs {
    /// Refuse to run when config.toml has keys this version does not recognise
    #[arg(long = "strict-config")]
    pub strict_config: bool,

    /// What to review.
    #[command(flatten)]
    pub review: ReviewArgs,
}

adjusted_session_options!(
    /// [`SessionOptions`](crate::args::SessionOptions) as `exec` declares them: `-m`,
    /// `--dangerously-bypass-approvals-and-sandbox` and `--dangerously-bypass-hook-trust` are
    /// global within the `exec` subtree, so that `exec resume` and `exec review` accept them too.
    /// Derefs to `SessionOptions`.
    ExecSessionOptions,
    mark_exec_globals
);

/// Ids of the [`SessionOptions`] arguments that `exec` makes global.
const EXEC_GLOBAL_SESSION_ARGS: [&str; 3] = [
    "model",
    "dangerously_bypass_approvals_and_sandbox",
    "bypass_hook_trust",
];

fn mark_exec_globals(mut cmd: clap::Command) -> clap::Command {
    for id in EXEC_GLOBAL_SESSION_ARGS {
        cmd = cmd.mut_arg(id, |arg| arg.global(true));
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::ExecResumeArgs;

    #[test]
    fn last_turns_the_only_positional_into_the_prompt() {
        let args = ExecResumeArgs {
            session_id: Some("fix it".into()),
            last: true,
            ..ExecResumeArgs::default()
        };
        assert_eq!(args.session_and_prompt(), (None, Some("fix it")));

        let args = ExecResumeArgs {
            session_id: Some("abc".into()),
            prompt: Some("go".into()),
            last: true,
            ..ExecResumeArgs::default()
        };
        assert_eq!(args.session_and_prompt(), (Some("abc"), Some("go")));
    }
}
