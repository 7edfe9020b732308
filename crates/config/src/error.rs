//! Errors of configuration loading and editing.

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong while finding, reading, resolving or editing config.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `CODEX_HOME` names a path that does not exist.
    #[error("CODEX_HOME points to {path:?}, but that path does not exist")]
    CodexHomeMissing {
        /// The configured path.
        path: PathBuf,
    },
    /// `CODEX_HOME` names something that is not a directory.
    #[error("CODEX_HOME points to {path:?}, but that path is not a directory")]
    CodexHomeNotDir {
        /// The configured path.
        path: PathBuf,
    },
    /// Neither `CODEX_HOME` nor a home directory is known.
    #[error("could not determine the home directory")]
    NoHomeDir,
    /// A file could not be read or written.
    #[error("failed to access {path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: io::Error,
    },
    /// A config file is not valid TOML, or a value has the wrong type.
    #[error("{0}")]
    Toml(Box<crate::diagnostics::TomlDiagnostic>),
    /// The merged configuration does not deserialize (a wrong type or variant that
    /// may come from any layer, including `-c`).
    #[error("{message}")]
    Invalid {
        /// serde's message, e.g. "unknown variant `x`, expected ...\nin `key`\n".
        message: String,
        /// Where in a config file the bad value is, when it came from a file.
        located: Option<Box<crate::diagnostics::TomlDiagnostic>>,
    },
    /// A `-c key=value` argument without `=`.
    #[error("Invalid override (missing '='): {0}")]
    OverrideMissingEquals(String),
    /// A `-c =value` argument.
    #[error("Empty key in override: {0}")]
    OverrideEmptyKey(String),
    /// `--enable`/`--disable`/`features enable` named no feature.
    #[error("Unknown feature flag: {0}")]
    UnknownFeature(String),
    /// An unknown key in a config file under `--strict-config`.
    #[error("{0}")]
    Strict(Box<crate::diagnostics::TomlDiagnostic>),
    /// An unknown key without a file position (a `-c` key) under `--strict-config`.
    #[error("{0}")]
    StrictOverride(String),
    /// `--profile NAME` together with a legacy `[profiles.NAME]` / `profile = "NAME"`.
    #[error(
        "--profile `{name}` cannot be used while {base} contains legacy `profile = \"{name}\"` or `[profiles.{name}]` config; move those settings into {profile_file} and remove the legacy profile selector/table. See https://developers.openai.com/codex/config-advanced#profiles for more information."
    )]
    LegacyProfileConflict {
        /// The selected profile.
        name: String,
        /// The base config.toml.
        base: PathBuf,
        /// Where the profile's settings belong.
        profile_file: PathBuf,
    },
    /// A profile name that cannot be a file name.
    #[error("invalid profile name `{0}`: use letters, digits, `-` and `_`")]
    InvalidProfileName(String),
    /// `model_provider` names no built-in or configured provider.
    #[error("Model provider `{0}` not found")]
    UnknownProvider(String),
    /// A legacy `profile = "X"` selector, which 0.136.0 no longer supports.
    #[error(
        "legacy `profile = \"{0}\"` config is no longer supported; use `--profile {0}` with `{0}.config.toml` instead"
    )]
    LegacyProfileRemoved(String),
    /// An edit could not be applied because the file is not valid TOML.
    #[error("{0}")]
    EditParse(String),
    /// Writing the edited file failed.
    #[error(transparent)]
    Write(#[from] recodex_stdx::AtomicWriteError),
}

/// A value the configuration schema rejects, worded as the reference words it (the message
/// reaches the user inside the TOML error that names the file and line). Which part of the
/// schema rejected it is the variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidValue {
    /// A `[tui.keymap]` binding that is not a key.
    #[error("{0}")]
    Keybinding(String),
    /// A `[model_providers]` entry.
    #[error("{0}")]
    ModelProvider(String),
    /// A `[permissions]` definition (MITM hooks and the like).
    #[error("{0}")]
    Permissions(String),
}

/// A named permission profile that cannot be resolved (unknown, cyclic `extends`, a path
/// it may not name, ...), worded as the reference words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PermissionProfileError(pub String);
