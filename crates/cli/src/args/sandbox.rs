//! Command confinement: `codex sandbox` (run a command in the sandbox) and the hidden
//! `codex execpolicy check` (evaluate `.rules` files against a command).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::shared::ProfileName;

/// `codex sandbox`: run a command under the Linux sandbox.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct SandboxArgs {
    /// Permissions profile (from the loaded configuration) to run the command with
    #[arg(long = "permissions-profile", value_name = "NAME")]
    pub permissions_profile: Option<String>,

    /// Profile name: layers $CODEX_HOME/NAME.config.toml over the user config
    #[arg(
        short = 'p',
        long = "profile",
        value_name = "CONFIG_PROFILE",
        value_parser = ProfileName::parse
    )]
    pub config_profile: Option<ProfileName>,

    /// Directory to resolve the profile from and to run the command in (needs
    /// --permissions-profile)
    #[arg(
        short = 'C',
        long = "cd",
        value_name = "DIR",
        requires = "permissions_profile"
    )]
    pub cwd: Option<PathBuf>,

    /// Apply managed requirements too when resolving --permissions-profile
    #[arg(long = "include-managed-config", requires = "permissions_profile")]
    pub include_managed_config: bool,

    /// The command to run and its arguments
    #[arg(value_name = "COMMAND", trailing_var_arg = true)]
    pub command: Vec<String>,
}

/// `codex execpolicy` (hidden).
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct ExecpolicyArgs {
    /// Execpolicy tool.
    #[command(subcommand)]
    pub command: ExecpolicyCommand,
}

/// `codex execpolicy` subcommands.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum ExecpolicyCommand {
    /// Evaluate execpolicy rule files against a command and print the decision as JSON
    Check(ExecpolicyCheckArgs),
}

/// `codex execpolicy check`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct ExecpolicyCheckArgs {
    /// Rule file to load (repeatable)
    #[arg(short = 'r', long = "rules", value_name = "PATH", required = true)]
    pub rules: Vec<PathBuf>,

    /// Indent the JSON output
    #[arg(long = "pretty")]
    pub pretty: bool,

    /// Match absolute program paths against rules written for the bare program name, as far as
    /// the `host_executable()` entries of the rule files allow
    #[arg(long = "resolve-host-executables")]
    pub resolve_host_executables: bool,

    /// The command to check, one argument per token
    #[arg(
        value_name = "COMMAND",
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub command: Vec<String>,
}
