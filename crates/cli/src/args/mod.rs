//! The clap command-line surface of `codex`: every command, alias, positional and option.
//!
//! This module only describes and parses the command line; it runs nothing. Entry points:
//!
//! - [`try_parse_from`] parses an argv into a [`Cli`] (or a clap error to print and exit with).
//! - [`command`] / [`command_with_version`] return the clap [`clap::Command`] tree, for shell
//!   completions and tests.
//!
//! Version flags: `-V/--version` exists on the root and on `exec`, `resume`, `fork` and
//! `cloud`, as in the reference. The derive definitions carry no version; it is attached at
//! run time by [`command_with_version`], so the caller decides the reported version (the root
//! prints `codex-cli VERSION`, subcommands `codex-cli-exec VERSION` and so on). clap handles
//! the flag: parsing returns an error of kind [`clap::error::ErrorKind::DisplayVersion`]
//! whose `exit()` prints the line to stdout and exits 0.
//!
//! The root command is named `codex-cli` (the name the version line shows) with bin name
//! `codex` (the name usage lines and completion scripts show).
//!
//! Config overrides (`-c`, `--enable`, `--disable`) are global: [`Cli::overrides`] holds them
//! wherever they were written (as with any clap global, and as in the reference, when one of
//! them is given at several levels the deepest level's values replace the others). Within `exec`, the options shared with `exec resume` and
//! `exec review` are global to the `exec` subtree and are read from [`ExecArgs`].

mod app_server;
mod cloud;
mod debug;
mod exec;
mod internal;
mod login;
mod maintenance;
mod mcp;
mod plugin;
mod sandbox;
mod session;
mod shared;

use std::ffi::OsString;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub use app_server::{
    AppServerArgs, AppServerCommand, AppServerProxyArgs, DaemonArgs, DaemonBootstrapArgs,
    DaemonCommand, ExecServerArgs, GenerateJsonSchemaArgs, GenerateOutArgs, GenerateTsArgs,
    ListenAddress, RemoteControlArgs, RemoteControlCommand, WsAuthArgs, WsAuthMode,
};
pub use cloud::{
    ApplyArgs, CloudArgs, CloudAttemptArgs, CloudCommand, CloudExecArgs, CloudListArgs,
    CloudTaskArgs,
};
pub use debug::{
    DebugAppServerArgs, DebugAppServerCommand, DebugArgs, DebugCommand, DebugModelsArgs,
    DebugPromptInputArgs, DebugTraceReduceArgs, SendMessageV2Args,
};
pub use exec::{
    Color, ExecArgs, ExecCommand, ExecResumeArgs, ExecSessionOptions, ReviewArgs, ReviewCommandArgs,
};
pub use internal::{ResponsesApiProxyArgs, StdioToUdsArgs};
pub use login::{LoginArgs, LoginCommand};
pub use maintenance::{CompletionArgs, DoctorArgs, FeatureNameArgs, FeaturesArgs, FeaturesCommand};
pub use mcp::{
    McpAddArgs, McpArgs, McpCommand, McpGetArgs, McpHttpArgs, McpListArgs, McpLoginArgs,
    McpNameArgs, McpServerArgs, McpStdioArgs, McpTransportArgs,
};
pub use plugin::{
    MarketplaceAddArgs, MarketplaceArgs, MarketplaceCommand, MarketplaceRemoveArgs,
    MarketplaceUpgradeArgs, PluginArgs, PluginCommand, PluginListArgs, PluginRemoveArgs,
    PluginSelectorArgs,
};
pub use sandbox::{ExecpolicyArgs, ExecpolicyCheckArgs, ExecpolicyCommand, SandboxArgs};
pub use session::{ArchiveArgs, ForkArgs, InteractiveArgs, InteractiveSessionOptions, ResumeArgs};
pub use shared::{
    ApprovalPolicy, ConfigOverrides, LocalConfigOverrides, ProfileName, RemoteOptions, SandboxMode,
    SessionOptions,
};

/// The upstream release whose command line this module mirrors; [`command`] reports it.
pub const UPSTREAM_VERSION: &str = "0.136.0";

/// Subcommands that carry their own `-V/--version` flag in the reference.
const VERSIONED_SUBCOMMANDS: [&str; 4] = ["exec", "resume", "fork", "cloud"];

/// The whole `codex` command line.
#[derive(Debug, Clone, PartialEq, Eq, Parser)]
#[command(
    name = "codex-cli",
    bin_name = "codex",
    about = "Codex: an AI coding agent for your terminal",
    long_about = "Codex: an AI coding agent for your terminal.\n\n\
                  Run without a subcommand to open the interactive session; the options below \
                  then apply to it.",
    override_usage = "codex [OPTIONS] [PROMPT]\n       codex [OPTIONS] <COMMAND> [ARGS]",
    subcommand_negates_reqs = true
)]
pub struct Cli {
    /// `-c`, `--enable`, `--disable`, from any level of the command line.
    #[command(flatten)]
    pub overrides: ConfigOverrides,

    /// `--remote` and `--remote-auth-token-env` of the interactive session.
    #[command(flatten)]
    pub remote: RemoteOptions,

    /// Options of the interactive session started when no subcommand is given.
    #[command(flatten)]
    pub interactive: InteractiveArgs,

    /// The subcommand, if any.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The `codex` subcommands, in the order `codex --help` lists them.
// Doc comments double as help text, where `[experimental]` is a literal tag, not a link.
#[allow(rustdoc::broken_intra_doc_links)]
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Run a task without the TUI and exit when it is done
    #[command(visible_alias = "e")]
    Exec(ExecArgs),
    /// Review local changes without the TUI
    Review(ReviewCommandArgs),
    /// Sign in, or show how you are signed in
    Login(LoginArgs),
    /// Delete the stored credentials
    Logout,
    /// Configure the MCP servers Codex connects to
    Mcp(McpArgs),
    /// Install and remove plugins and their marketplaces
    Plugin(PluginArgs),
    /// Expose Codex over MCP (stdio transport)
    McpServer(McpServerArgs),
    /// [experimental] Start the app server, or use its tooling
    AppServer(AppServerArgs),
    /// [experimental] Keep the app server daemon running with remote control on
    RemoteControl(RemoteControlArgs),
    /// Print a shell completion script
    Completion(CompletionArgs),
    /// Upgrade this Codex installation to the newest release
    Update,
    /// Check the installation, config, authentication and runtime for problems
    Doctor(DoctorArgs),
    /// Run a command inside the Codex sandbox
    Sandbox(SandboxArgs),
    /// Tools for debugging Codex
    Debug(DebugArgs),
    /// Execpolicy tools
    #[command(hide = true)]
    Execpolicy(ExecpolicyArgs),
    /// Take the latest diff from a Codex cloud task and `git apply` it to the working tree
    #[command(visible_alias = "a")]
    Apply(ApplyArgs),
    /// Reopen a saved interactive session (a picker unless you name one or pass --last)
    Resume(ResumeArgs),
    /// Hide a saved session, given by id or name, from the session list
    Archive(ArchiveArgs),
    /// Bring an archived session, given by id or name, back to the session list
    Unarchive(ArchiveArgs),
    /// Start a new session from a copy of a saved one (a picker unless you name one or pass
    /// --last)
    Fork(ForkArgs),
    /// [EXPERIMENTAL] Work with Codex Cloud tasks and apply their changes locally
    #[command(alias = "cloud-tasks")]
    Cloud(CloudArgs),
    /// Internal: local proxy for the Responses API
    #[command(hide = true)]
    ResponsesApiProxy(ResponsesApiProxyArgs),
    /// Internal: pipe stdin and stdout through a Unix socket
    #[command(hide = true, name = "stdio-to-uds")]
    StdioToUds(StdioToUdsArgs),
    /// [EXPERIMENTAL] Start a standalone exec-server
    ExecServer(ExecServerArgs),
    /// Inspect and change feature flags
    Features(FeaturesArgs),
}

/// The clap command tree, reporting [`UPSTREAM_VERSION`].
pub fn command() -> clap::Command {
    command_with_version(UPSTREAM_VERSION)
}

/// The clap command tree with `-V/--version` reporting `version`.
pub fn command_with_version(version: &'static str) -> clap::Command {
    // `mut_subcommands` keeps the declaration order (`mut_subcommand` would move the
    // subcommand to the end, which completion scripts would show).
    Cli::command().version(version).mut_subcommands(|sub| {
        if VERSIONED_SUBCOMMANDS.contains(&sub.get_name()) {
            sub.version(version)
        } else {
            sub
        }
    })
}

/// Parses `argv` (including the program name) against the tree of [`command`].
///
/// Errors include `--help` and `--version` requests (kinds `DisplayHelp` and `DisplayVersion`);
/// call [`clap::Error::exit`] to print them the way clap does.
pub fn try_parse_from<I, T>(argv: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    try_parse_from_with_version(argv, UPSTREAM_VERSION)
}

/// Like [`try_parse_from`], with `-V/--version` reporting `version`.
pub fn try_parse_from_with_version<I, T>(argv: I, version: &'static str) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut cmd = command_with_version(version);
    let matches = cmd.try_get_matches_from_mut(argv)?;
    // Errors raised while building the structs (a flattened group given without its required
    // member) are formatted against the root command, with the root usage.
    Cli::from_arg_matches(&matches).map_err(|err| err.format(&mut cmd))
}
