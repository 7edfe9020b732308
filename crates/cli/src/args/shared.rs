//! Option groups that more than one command accepts.
//!
//! - [`ConfigOverrides`]: `-c/--config`, `--enable`, `--disable`. Declared `global` on the root
//!   command, so every subcommand accepts them and the values always end up in
//!   [`Cli::overrides`](super::Cli::overrides).
//! - [`LocalConfigOverrides`]: the same `-c/--config` declared locally by `archive` and
//!   `unarchive` (the reference lists it after their own options there).
//! - [`RemoteOptions`]: `--remote` and `--remote-auth-token-env` of the interactive commands.
//! - [`SessionOptions`]: model, provider, profile, sandbox and directory options shared by the
//!   interactive commands, `exec` and the archive commands.
//!
//! The value types used by those groups ([`SandboxMode`], [`ApprovalPolicy`], [`ProfileName`])
//! live here as well.

use std::fmt;
use std::path::PathBuf;

use clap::{ArgAction, Args, ValueEnum, ValueHint};

/// Config overrides accepted by every command: `-c key=value`, `--enable F`, `--disable F`.
///
/// The three options are global: they may appear before or after any subcommand name. As with
/// any clap global, when the same option is given at several levels of the command line, the
/// occurrences at the deepest level win.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct ConfigOverrides {
    /// Set a config.toml key for this run only, as `dotted.key=value`; the value is read as TOML,
    /// or taken as a plain string when it is not valid TOML
    ///
    /// Repeat the flag to set several keys. Examples: `-c model="gpt-5"`,
    /// `-c sandbox_workspace_write.network_access=true`, `-c 'notify=["notify-send"]'`.
    #[arg(
        short = 'c',
        long = "config",
        value_name = "key=value",
        action = ArgAction::Append,
        global = true
    )]
    pub config: Vec<String>,

    /// Switch a feature flag on for this run (repeatable); shorthand for `-c features.NAME=true`
    #[arg(long = "enable", value_name = "FEATURE", action = ArgAction::Append, global = true)]
    pub enable: Vec<String>,

    /// Switch a feature flag off for this run (repeatable); shorthand for `-c features.NAME=false`
    #[arg(long = "disable", value_name = "FEATURE", action = ArgAction::Append, global = true)]
    pub disable: Vec<String>,
}

/// `-c/--config` declared by a command itself rather than inherited from the root.
///
/// It shares the argument id `config` with [`ConfigOverrides::config`], so clap does not
/// propagate the global copy into that command and still copies the values up to the root
/// matches: [`Cli::overrides`](super::Cli::overrides) sees them either way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct LocalConfigOverrides {
    /// Set a config.toml key for this run only, as `dotted.key=value`; the value is read as TOML,
    /// or taken as a plain string when it is not valid TOML
    ///
    /// Repeat the flag to set several keys. Examples: `-c model="gpt-5"`,
    /// `-c sandbox_workspace_write.network_access=true`, `-c 'notify=["notify-send"]'`.
    #[arg(short = 'c', long = "config", value_name = "key=value", action = ArgAction::Append)]
    pub config: Vec<String>,
}

/// Connection to a running app server instead of an in-process one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct RemoteOptions {
    /// Attach the TUI to an app server that is already running elsewhere
    ///
    /// ADDR is one of `ws://host:port`, `wss://host:port`, `unix://` (the default control
    /// socket) or `unix://PATH`.
    #[arg(long = "remote", value_name = "ADDR")]
    pub remote: Option<String>,

    /// Name of an environment variable whose value is the bearer token for a websocket --remote
    #[arg(long = "remote-auth-token-env", value_name = "ENV_VAR")]
    pub remote_auth_token_env: Option<String>,
}

/// Session options shared by the interactive commands, `exec` and `archive`/`unarchive`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct SessionOptions {
    /// Attach image file(s) to the first prompt; separate several with commas or spaces
    #[arg(
        short = 'i',
        long = "image",
        value_name = "FILE",
        value_delimiter = ',',
        num_args = 1..
    )]
    pub images: Vec<PathBuf>,

    /// Model to run the session with
    #[arg(short = 'm', long = "model", value_name = "MODEL")]
    pub model: Option<String>,

    /// Talk to a local open-source model provider instead of the hosted one
    #[arg(long = "oss")]
    pub oss: bool,

    /// Local provider to use with --oss (`lmstudio` or `ollama`); without it the configured
    /// default is used, or you are asked to pick one
    #[arg(long = "local-provider", value_name = "OSS_PROVIDER")]
    pub oss_provider: Option<String>,

    /// Profile name: layers $CODEX_HOME/NAME.config.toml over the user config
    #[arg(
        short = 'p',
        long = "profile",
        value_name = "CONFIG_PROFILE_V2",
        value_parser = ProfileName::parse
    )]
    pub config_profile_v2: Option<ProfileName>,

    /// Sandbox policy applied to shell commands the model runs
    #[arg(short = 's', long = "sandbox", value_name = "SANDBOX_MODE", value_enum)]
    pub sandbox_mode: Option<SandboxMode>,

    /// Run every command without a sandbox and without asking first. Only for machines that are
    /// already isolated from anything you care about
    #[arg(long = "dangerously-bypass-approvals-and-sandbox", alias = "yolo")]
    pub dangerously_bypass_approvals_and_sandbox: bool,

    /// Run enabled hooks even when their trust has not been recorded. Only for automation that
    /// reviews hook sources by other means
    #[arg(long = "dangerously-bypass-hook-trust")]
    pub bypass_hook_trust: bool,

    /// Working directory for the session (the agent's workspace root)
    #[arg(short = 'C', long = "cd", value_name = "DIR")]
    pub cwd: Option<PathBuf>,

    /// Extra directory the session may write to, next to the workspace (repeatable)
    #[arg(long = "add-dir", value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub add_dir: Vec<PathBuf>,
}

/// Declares a newtype around [`SessionOptions`] whose `Args` impl adjusts the generated
/// arguments with `$adjust: fn(clap::Command) -> clap::Command`, applied right after the
/// session options are added. `Command::mut_arg` moves the adjusted argument to the end of the
/// group, as in the reference (completion scripts list arguments in that order).
macro_rules! adjusted_session_options {
    ($(#[$meta:meta])* $name:ident, $adjust:path) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct $name(pub $crate::args::shared::SessionOptions);

        impl ::clap::Args for $name {
            fn augment_args(cmd: ::clap::Command) -> ::clap::Command {
                $adjust(<$crate::args::shared::SessionOptions as ::clap::Args>::augment_args(cmd))
            }

            fn augment_args_for_update(cmd: ::clap::Command) -> ::clap::Command {
                $adjust(
                    <$crate::args::shared::SessionOptions as ::clap::Args>::augment_args_for_update(
                        cmd,
                    ),
                )
            }

            fn group_id() -> Option<::clap::Id> {
                <$crate::args::shared::SessionOptions as ::clap::Args>::group_id()
            }
        }

        impl ::clap::FromArgMatches for $name {
            fn from_arg_matches(matches: &::clap::ArgMatches) -> Result<Self, ::clap::Error> {
                <$crate::args::shared::SessionOptions as ::clap::FromArgMatches>::from_arg_matches(
                    matches,
                )
                .map(Self)
            }

            fn update_from_arg_matches(
                &mut self,
                matches: &::clap::ArgMatches,
            ) -> Result<(), ::clap::Error> {
                ::clap::FromArgMatches::update_from_arg_matches(&mut self.0, matches)
            }
        }

        impl ::std::ops::Deref for $name {
            type Target = $crate::args::shared::SessionOptions;

            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl ::std::ops::DerefMut for $name {
            fn deref_mut(&mut self) -> &mut Self::Target {
                &mut self.0
            }
        }
    };
}
pub(crate) use adjusted_session_options;

/// `--sandbox` values.
// Variant doc comments would be rendered as per-value help in `--help`, which the reference
// does not show for this option.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
#[value(rename_all = "kebab-case")]
pub enum SandboxMode {
    ReadOnly,
    WorkspaceWrite,
    DangerFullAccess,
}

/// `--ask-for-approval` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
#[value(rename_all = "kebab-case")]
pub enum ApprovalPolicy {
    /// Ask before anything outside a small set of known read-only commands (ls, cat, ...)
    Untrusted,
    /// Deprecated: run everything and ask only after a sandboxed command fails; prefer
    /// `on-request` interactively and `never` in automation
    OnFailure,
    /// Let the model decide when to ask
    OnRequest,
    /// Never ask; failures go straight back to the model
    Never,
}

/// A validated profile name for `-p/--profile`: ASCII letters, digits, `-` and `_` only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProfileName(String);

impl ProfileName {
    /// Value parser for `-p/--profile`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let plain = !raw.is_empty()
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if plain {
            Ok(Self(raw.to_owned()))
        } else {
            Err(format!(
                "invalid --profile value `{raw}`; pass a plain name such as `work`"
            ))
        }
    }

    /// The profile name as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProfileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::ProfileName;

    #[test]
    fn profile_names_are_plain_words() {
        for ok in ["work", "my-prof", "my_prof", "Work9", "_x", "-"] {
            assert_eq!(
                ProfileName::parse(ok).map(|p| p.to_string()),
                Ok(ok.to_owned())
            );
        }
        for bad in [
            "", "a b", ".", "..", "a.b", "a/b", "a\\b", "a:b", "ü", "x.config",
        ] {
            assert!(
                ProfileName::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }
}
