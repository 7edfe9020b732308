//! `codex plugin`: install and remove plugins, and manage the marketplaces they come from.

use clap::{Args, Subcommand};

/// `codex plugin`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct PluginArgs {
    /// Plugin action.
    #[command(subcommand)]
    pub command: PluginCommand,
}

/// `codex plugin` subcommands.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum PluginCommand {
    /// Add a plugin, taken from the local copy of a configured marketplace
    #[command(after_help = "Examples:\n  codex plugin add formatter@team\n  \
                            codex plugin add formatter -m team")]
    Add(PluginSelectorArgs),
    /// Show the plugins offered by the configured marketplaces
    #[command(after_help = "Examples:\n  codex plugin list\n  codex plugin list -m team")]
    List(PluginListArgs),
    /// Manage the marketplaces plugins are installed from
    Marketplace(MarketplaceArgs),
    /// Uninstall a plugin and drop it from the config and the plugin cache
    #[command(after_help = "Examples:\n  codex plugin remove formatter@team\n  \
                            codex plugin remove formatter -m team")]
    Remove(PluginRemoveArgs),
}

/// `codex plugin add`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct PluginSelectorArgs {
    /// Plugin to install, as PLUGIN@MARKETPLACE, or PLUGIN together with --marketplace
    #[arg(value_name = "PLUGIN[@MARKETPLACE]")]
    pub plugin: String,

    /// Marketplace to take the plugin from when PLUGIN has no @MARKETPLACE suffix
    #[arg(short = 'm', long = "marketplace", value_name = "MARKETPLACE")]
    pub marketplace: Option<String>,
}

/// `codex plugin remove`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct PluginRemoveArgs {
    /// Plugin to uninstall, as PLUGIN@MARKETPLACE, or PLUGIN together with --marketplace
    #[arg(value_name = "PLUGIN[@MARKETPLACE]")]
    pub plugin: String,

    /// Marketplace the plugin came from when PLUGIN has no @MARKETPLACE suffix
    #[arg(short = 'm', long = "marketplace", value_name = "MARKETPLACE")]
    pub marketplace: Option<String>,
}

/// `codex plugin list`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct PluginListArgs {
    /// Show only the plugins of this configured marketplace
    #[arg(short = 'm', long = "marketplace", value_name = "MARKETPLACE")]
    pub marketplace: Option<String>,
}

/// `codex plugin marketplace`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct MarketplaceArgs {
    /// Marketplace action.
    #[command(subcommand)]
    pub command: MarketplaceCommand,
}

/// `codex plugin marketplace` subcommands.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum MarketplaceCommand {
    /// Register a marketplace from a local directory or a Git repository
    #[command(
        after_help = "Examples:\n  codex plugin marketplace add ~/src/my-plugins\n  \
                            codex plugin marketplace add acme/plugins --ref v2\n  \
                            codex plugin marketplace add https://github.com/acme/plugins \
                            --sparse tools/lint"
    )]
    Add(MarketplaceAddArgs),
    /// Show the marketplaces in use and where their files live
    List,
    /// Fetch the latest snapshot of Git marketplaces
    #[command(after_help = "Examples:\n  codex plugin marketplace upgrade\n  \
                            codex plugin marketplace upgrade team")]
    Upgrade(MarketplaceUpgradeArgs),
    /// Unregister a marketplace by name
    #[command(after_help = "Example:\n  codex plugin marketplace remove team")]
    Remove(MarketplaceRemoveArgs),
}

/// `codex plugin marketplace add`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct MarketplaceAddArgs {
    /// Marketplace location: a directory, a GitHub owner/repo shorthand (optionally @REF), or
    /// a Git URL (HTTPS or SSH)
    #[arg(value_name = "SOURCE")]
    pub source: String,

    /// Git ref to check out (Git sources only)
    #[arg(long = "ref", value_name = "REF")]
    pub ref_name: Option<String>,

    /// Limit the checkout to this path (Git sources only; repeatable)
    #[arg(long = "sparse", value_name = "PATH")]
    pub sparse_paths: Vec<String>,
}

/// `codex plugin marketplace upgrade`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct MarketplaceUpgradeArgs {
    /// Marketplace to upgrade; leave it out to upgrade every Git marketplace
    #[arg(value_name = "MARKETPLACE_NAME")]
    pub marketplace_name: Option<String>,
}

/// `codex plugin marketplace remove`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct MarketplaceRemoveArgs {
    /// Name of the marketplace to unregister
    #[arg(value_name = "MARKETPLACE_NAME")]
    pub marketplace_name: String,
}
