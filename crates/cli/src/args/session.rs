//! The interactive session: root options (`codex [OPTIONS] [PROMPT]`) and the commands that
//! reopen saved sessions: `resume`, `fork`, `archive`, `unarchive`.

use clap::{Args, ValueHint};

use super::shared::{
    ApprovalPolicy, LocalConfigOverrides, RemoteOptions, SessionOptions, adjusted_session_options,
};

/// Options of an interactive (TUI) session, accepted by the root command, `resume` and `fork`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct InteractiveArgs {
    /// Refuse to start when config.toml has keys this version does not recognise
    #[arg(long = "strict-config")]
    pub strict_config: bool,

    /// Model, provider, profile, sandbox and directory options.
    #[command(flatten)]
    pub session: InteractiveSessionOptions,

    /// When the model has to ask you before running a command
    #[arg(
        short = 'a',
        long = "ask-for-approval",
        value_name = "APPROVAL_POLICY",
        value_enum
    )]
    pub approval_policy: Option<ApprovalPolicy>,

    /// Give the model the live web search tool (its calls need no approval)
    #[arg(long = "search")]
    pub web_search: bool,

    /// Draw the TUI inline instead of switching to the terminal's alternate screen
    #[arg(long = "no-alt-screen")]
    pub no_alt_screen: bool,

    /// Prompt to send as soon as the session starts
    #[arg(value_name = "PROMPT", value_hint = ValueHint::Other)]
    pub prompt: Option<String>,
}

adjusted_session_options!(
    /// [`SessionOptions`] of an interactive session: the full bypass excludes
    /// `-a/--ask-for-approval`. Derefs to `SessionOptions`.
    InteractiveSessionOptions,
    exclude_approval_policy
);

fn exclude_approval_policy(cmd: clap::Command) -> clap::Command {
    cmd.mut_arg("dangerously_bypass_approvals_and_sandbox", |arg| {
        arg.conflicts_with("approval_policy")
    })
}

/// `codex resume`: reopen a saved interactive session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct ResumeArgs {
    /// Session to reopen: a session UUID or a session name (a valid UUID wins). Leave it out and
    /// pass --last for the newest session, or neither to pick from a list
    #[arg(value_name = "SESSION_ID")]
    pub session_id: Option<String>,

    /// Reopen the newest session directly, without the picker
    #[arg(long = "last")]
    pub last: bool,

    /// List sessions from every directory in the picker, with a CWD column
    #[arg(long = "all")]
    pub all: bool,

    /// Also offer sessions started by `codex exec` (picker and --last)
    #[arg(long = "include-non-interactive")]
    pub include_non_interactive: bool,

    /// Remote app server connection.
    #[command(flatten)]
    pub remote: RemoteOptions,

    /// Options of the reopened interactive session.
    #[command(flatten)]
    pub interactive: InteractiveArgs,
}

/// `codex fork`: start a new interactive session from a copy of a saved one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct ForkArgs {
    /// Session to copy (UUID). Leave it out and pass --last for the newest session, or neither
    /// to pick from a list
    #[arg(value_name = "SESSION_ID")]
    pub session_id: Option<String>,

    /// Fork the newest session directly, without the picker
    #[arg(long = "last", conflicts_with = "session_id")]
    pub last: bool,

    /// List sessions from every directory in the picker, with a CWD column
    #[arg(long = "all")]
    pub all: bool,

    /// Remote app server connection.
    #[command(flatten)]
    pub remote: RemoteOptions,

    /// Options of the new interactive session.
    #[command(flatten)]
    pub interactive: InteractiveArgs,
}

/// `codex archive` and `codex unarchive`: move a saved session out of (or back into) the
/// session list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct ArchiveArgs {
    /// Session UUID or session name (a valid UUID wins)
    #[arg(value_name = "SESSION")]
    pub target: String,

    /// Remote app server connection.
    #[command(flatten)]
    pub remote: RemoteOptions,

    /// Session options (they select the config used to find the session).
    #[command(flatten)]
    pub session: SessionOptions,

    /// Refuse to run when config.toml has keys this version does not recognise
    #[arg(long = "strict-config")]
    pub strict_config: bool,

    /// `-c` declared here so that it is listed after this command's own options; the values are
    /// also visible in [`Cli::overrides`](super::Cli::overrides).
    #[command(flatten)]
    pub config: LocalConfigOverrides,
}
