//! Reading the configuration layers and merging them, lowest precedence first:
//!
//! 1. system `/etc/codex/config.toml`
//! 2. user `$CODEX_HOME/config.toml`
//! 3. profile `$CODEX_HOME/<name>.config.toml` when `-p NAME` is given
//! 4. project `.codex/config.toml` files from the project root down to the cwd, only in
//!    trusted projects; keys that could redirect credentials or run commands are dropped
//! 5. session flags: `-c`, `--enable`, `--disable`
//! 6. the legacy managed `/etc/codex/managed_config.toml`
//!
//! A legacy `profile = "<name>"` selector is refused when the configuration is resolved
//! (0.136.0 no longer supports it); `[profiles.*]` tables are read but unused.
//!
//! A missing file is an empty layer; an unreadable or malformed one is an error that
//! names the file, line and column.

use std::path::{Path, PathBuf};

use toml::Value;
use toml::value::Table;

use crate::diagnostics::TomlDiagnostic;
use crate::error::ConfigError;
use crate::home::{CONFIG_TOML_FILE, profile_config_path};
use crate::merge::merge_toml_values;
use crate::overrides::CliOverrides;
use crate::trust::{ProjectTrust, canonical};

const SYSTEM_CONFIG: &str = "/etc/codex/config.toml";
const MANAGED_CONFIG: &str = "/etc/codex/managed_config.toml";

/// Keys a repository's own `.codex/config.toml` may not set.
const PROJECT_LOCAL_DENYLIST: &[&str] = &[
    "openai_base_url",
    "chatgpt_base_url",
    "apps_mcp_product_sku",
    "model_provider",
    "model_providers",
    "notify",
    "profile",
    "profiles",
    "experimental_realtime_webrtc_call_base_url",
    "experimental_realtime_ws_base_url",
    "otel",
];

/// Where a layer came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerSource {
    /// `/etc/codex/config.toml` (or the test override).
    System,
    /// `$CODEX_HOME/config.toml`.
    User,
    /// `$CODEX_HOME/<name>.config.toml`.
    Profile(String),
    /// `<dir>/.codex/config.toml` in a trusted project.
    Project,
    /// `-c`, `--enable`, `--disable`.
    SessionFlags,
    /// `/etc/codex/managed_config.toml`.
    Managed,
}

/// One configuration layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// Its origin.
    pub source: LayerSource,
    /// The file it was read from, if any.
    pub path: Option<PathBuf>,
    /// The file text, kept to locate errors found after merging.
    pub contents: Option<String>,
    /// The parsed table.
    pub value: Value,
}

/// What the loader needs to know; everything comes from the caller, nothing from the
/// process environment.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Resolved CODEX_HOME.
    pub codex_home: PathBuf,
    /// The session's working directory, for project layers; `None` skips them.
    pub cwd: Option<PathBuf>,
    /// Parsed `-c`/`--enable`/`--disable`.
    pub overrides: CliOverrides,
    /// `-p/--profile NAME`.
    pub profile: Option<String>,
    /// `--ignore-user-config`: skip `$CODEX_HOME/config.toml` (and the profile file).
    pub ignore_user_config: bool,
    /// Replaces `/etc/codex` (tests point it at a temp dir).
    pub system_dir: Option<PathBuf>,
}

/// All layers in precedence order and their merge.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerStack {
    /// Layers, lowest precedence first.
    pub layers: Vec<Layer>,
    /// The merged table.
    pub merged: Value,
}

impl LayerStack {
    /// Reads and merges every layer.
    pub fn load(options: &LoadOptions) -> Result<Self, ConfigError> {
        let system_dir = options
            .system_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("/etc/codex"));
        let system_file = if options.system_dir.is_some() {
            system_dir.join(CONFIG_TOML_FILE)
        } else {
            PathBuf::from(SYSTEM_CONFIG)
        };
        let mut layers = Vec::new();
        layers.push(read_layer(LayerSource::System, &system_file)?);

        let user_file = options.codex_home.join(CONFIG_TOML_FILE);
        let user = if options.ignore_user_config {
            empty_layer(LayerSource::User, Some(user_file.clone()))
        } else {
            read_layer(LayerSource::User, &user_file)?
        };
        if let Some(name) = &options.profile {
            validate_profile_name(name)?;
            check_legacy_profile_conflict(name, &user.value, &user_file, &options.codex_home)?;
        }
        layers.push(user);
        if let Some(name) = &options.profile {
            let file = profile_config_path(&options.codex_home, name);
            let layer = if options.ignore_user_config {
                empty_layer(LayerSource::Profile(name.clone()), Some(file))
            } else {
                read_layer(LayerSource::Profile(name.clone()), &file)?
            };
            layers.push(layer);
        }

        let session = options.overrides.to_layer();
        if let Some(cwd) = &options.cwd {
            let mut so_far = merge_all(&layers);
            merge_toml_values(&mut so_far, &session);
            layers.extend(project_layers(cwd, &so_far, &options.codex_home)?);
        }

        if !options.overrides.is_empty() {
            layers.push(Layer {
                source: LayerSource::SessionFlags,
                path: None,
                contents: None,
                value: session,
            });
        }
        let managed_file = if options.system_dir.is_some() {
            system_dir.join("managed_config.toml")
        } else {
            PathBuf::from(MANAGED_CONFIG)
        };
        let managed = read_layer(LayerSource::Managed, &managed_file)?;
        if managed.contents.is_some() {
            layers.push(managed);
        }
        let merged = merge_all(&layers);
        Ok(Self { layers, merged })
    }

    /// The layers that were read from files, with their text.
    pub fn file_layers(&self) -> impl Iterator<Item = (&Path, &str, &Layer)> {
        self.layers
            .iter()
            .filter_map(|l| match (&l.path, &l.contents) {
                (Some(p), Some(c)) => Some((p.as_path(), c.as_str(), l)),
                _ => None,
            })
    }
}

fn merge_all(layers: &[Layer]) -> Value {
    let mut merged = Value::Table(Table::new());
    for layer in layers {
        merge_toml_values(&mut merged, &layer.value);
    }
    merged
}

fn empty_layer(source: LayerSource, path: Option<PathBuf>) -> Layer {
    Layer {
        source,
        path,
        contents: None,
        value: Value::Table(Table::new()),
    }
}

/// Reads one TOML file; a missing file gives an empty layer.
pub(crate) fn read_layer(source: LayerSource, path: &Path) -> Result<Layer, ConfigError> {
    let contents = match std::fs::read_to_string(path) {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(empty_layer(source, Some(path.to_path_buf())));
        }
        Err(source) => {
            return Err(ConfigError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let table: Table = toml::from_str(&contents).map_err(|err| {
        ConfigError::Toml(Box::new(TomlDiagnostic::from_toml_error(
            path, &contents, &err,
        )))
    })?;
    Ok(Layer {
        source,
        path: Some(path.to_path_buf()),
        contents: Some(contents),
        value: Value::Table(table),
    })
}

fn validate_profile_name(name: &str) -> Result<(), ConfigError> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && !name.starts_with('.');
    if ok {
        Ok(())
    } else {
        Err(ConfigError::InvalidProfileName(name.to_owned()))
    }
}

fn check_legacy_profile_conflict(
    name: &str,
    user: &Value,
    user_file: &Path,
    codex_home: &Path,
) -> Result<(), ConfigError> {
    let selected = user.get("profile").and_then(Value::as_str) == Some(name);
    let has_table = user
        .get("profiles")
        .and_then(Value::as_table)
        .is_some_and(|t| t.contains_key(name));
    if selected || has_table {
        return Err(ConfigError::LegacyProfileConflict {
            name: name.to_owned(),
            base: user_file.to_path_buf(),
            profile_file: profile_config_path(codex_home, name),
        });
    }
    Ok(())
}

/// The `.codex/config.toml` layers between the project root and `cwd`, root first.
fn project_layers(
    cwd: &Path,
    merged_so_far: &Value,
    codex_home: &Path,
) -> Result<Vec<Layer>, ConfigError> {
    let trust = ProjectTrust::new(merged_so_far, cwd);
    let root = trust.root().to_path_buf();
    let mut dirs: Vec<&Path> = Vec::new();
    for dir in cwd.ancestors() {
        dirs.push(dir);
        if dir == root {
            break;
        }
    }
    dirs.reverse();
    let home_canonical = canonical(codex_home);
    let mut layers = Vec::new();
    for dir in dirs {
        let dot_codex = dir.join(".codex");
        if !dot_codex.is_dir() || canonical(&dot_codex) == home_canonical {
            continue;
        }
        if !trust.is_trusted(dir) {
            continue;
        }
        let mut layer = read_layer(LayerSource::Project, &dot_codex.join(CONFIG_TOML_FILE))?;
        if let Value::Table(table) = &mut layer.value {
            for key in PROJECT_LOCAL_DENYLIST {
                table.remove(*key);
            }
        }
        layers.push(layer);
    }
    Ok(layers)
}

#[cfg(test)]
mod tests;
