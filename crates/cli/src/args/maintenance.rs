//! Upkeep of the installation: `codex completion`, `codex doctor` and `codex features`
//! (`codex update` takes no options of its own).

use clap::{Args, Subcommand};
use clap_complete::Shell;

/// `codex completion`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Args)]
pub struct CompletionArgs {
    /// Shell to write the completion script for
    #[arg(value_name = "SHELL", value_enum, default_value_t = Shell::Bash)]
    pub shell: Shell,
}

/// `codex doctor`: check the installation, config, auth and runtime.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Args)]
pub struct DoctorArgs {
    /// Print the report as JSON, with secrets redacted
    #[arg(long = "json")]
    pub json: bool,

    /// Show just one line per check group, plus the totals
    #[arg(long = "summary")]
    pub summary: bool,

    /// Do not shorten long lists in the detailed text report
    #[arg(long = "all")]
    pub all: bool,

    /// Print the text report without ANSI colours
    #[arg(long = "no-color")]
    pub no_color: bool,

    /// Draw the text report with ASCII characters only
    #[arg(long = "ascii")]
    pub ascii: bool,
}

/// `codex features`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct FeaturesArgs {
    /// Feature flag action.
    #[command(subcommand)]
    pub command: FeaturesCommand,
}

/// `codex features` subcommands.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum FeaturesCommand {
    /// Show every known feature flag with its stage and current value
    List,
    /// Turn a feature flag on in config.toml
    Enable(FeatureNameArgs),
    /// Turn a feature flag off in config.toml
    Disable(FeatureNameArgs),
}

/// A feature flag name (`features enable`, `features disable`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct FeatureNameArgs {
    /// Feature flag to change, e.g. `unified_exec`
    #[arg(value_name = "FEATURE")]
    pub feature: String,
}
