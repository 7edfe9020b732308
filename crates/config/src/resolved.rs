//! The resolved configuration: the layer stack checked against the schema, with the
//! effective feature set and model provider. Built once per command, then read-only.

use std::path::PathBuf;

use toml::Value;

use crate::diagnostics::TomlDiagnostic;
use crate::error::ConfigError;
use crate::features::{Features, is_known_feature_key};
use crate::loader::{LayerSource, LayerStack, LoadOptions};
use crate::locate::locate_key;
use crate::schema::{
    AMAZON_BEDROCK_PROVIDER_ID, ConfigToml, LMSTUDIO_OSS_PROVIDER_ID, ModelProviderInfo,
    OLLAMA_OSS_PROVIDER_ID, OPENAI_PROVIDER_ID, check_config_layer, parse_config_toml,
    unknown_feature_paths, unknown_field_message,
};

/// Ids of the providers that exist without any `[model_providers]` entry.
pub const BUILT_IN_PROVIDER_IDS: [&str; 4] = [
    OPENAI_PROVIDER_ID,
    OLLAMA_OSS_PROVIDER_ID,
    LMSTUDIO_OSS_PROVIDER_ID,
    AMAZON_BEDROCK_PROVIDER_ID,
];

/// The checked configuration of one command run.
#[derive(Debug, Clone)]
pub struct Config {
    /// CODEX_HOME.
    pub codex_home: PathBuf,
    /// Every layer that was read, and their merge.
    pub stack: LayerStack,
    /// The merged configuration, typed.
    pub toml: ConfigToml,
    /// Effective feature flags.
    pub features: Features,
    /// The selected provider's id (`model_provider`, default `openai`).
    pub model_provider_id: String,
    /// The selected provider's definition when it is user-defined; built-in providers
    /// are described by the model client.
    pub model_provider: Option<ModelProviderInfo>,
    /// Dotted paths of keys no part of recodex reads, in document order.
    pub unknown_keys: Vec<String>,
    /// `-p/--profile`, if given.
    pub profile: Option<String>,
}

impl Config {
    /// Loads, merges and checks the configuration. With `strict`, the first unknown key
    /// of any file (or of `-c`) is an error, as `--strict-config` requires.
    pub fn load(options: &LoadOptions, strict: bool) -> Result<Self, ConfigError> {
        let stack = LayerStack::load(options)?;
        if strict {
            check_strict(&stack)?;
        }
        if let Some(name) = stack.merged.get("profile").and_then(Value::as_str) {
            return Err(ConfigError::LegacyProfileRemoved(name.to_owned()));
        }
        let (toml, unknown_keys) = parse_config_toml(stack.merged.clone())
            .map_err(|err| invalid_value_error(&stack, &err))?;
        let features = resolve_features(&stack.merged, &toml);
        let model_provider_id = toml
            .model_provider
            .clone()
            .unwrap_or_else(|| OPENAI_PROVIDER_ID.to_owned());
        let model_provider = toml.model_providers.get(&model_provider_id).cloned();
        if model_provider.is_none() && !BUILT_IN_PROVIDER_IDS.contains(&model_provider_id.as_str())
        {
            return Err(ConfigError::UnknownProvider(model_provider_id));
        }
        Ok(Self {
            codex_home: options.codex_home.clone(),
            stack,
            toml,
            features,
            model_provider_id,
            model_provider,
            unknown_keys,
            profile: options.profile.clone(),
        })
    }
}

impl Config {
    /// Whether the project of `cwd` is trusted (`[projects."<path>"] trust_level =
    /// "trusted"` for `cwd` itself or its project root), the same decision that enables
    /// project `.codex/config.toml` layers.
    pub fn is_project_trusted(&self, cwd: &std::path::Path) -> bool {
        crate::trust::ProjectTrust::new(&self.stack.merged, cwd).is_trusted(cwd)
    }

    /// The trust level recorded for `cwd` or its project root, if any.
    pub fn project_trust_level(&self, cwd: &std::path::Path) -> Option<crate::TrustLevel> {
        crate::trust::ProjectTrust::new(&self.stack.merged, cwd).level(cwd)
    }

    /// The project root of `cwd`: the nearest directory holding a `project_root_markers`
    /// entry (`.git` by default), else `cwd` itself. Trust is recorded for it.
    pub fn project_root(&self, cwd: &std::path::Path) -> std::path::PathBuf {
        crate::trust::ProjectTrust::new(&self.stack.merged, cwd)
            .root()
            .to_path_buf()
    }
}

/// The feature set: registry defaults, then the legacy top-level toggle, then the merged
/// `[features]` table in key order (as the reference applies it).
fn resolve_features(merged: &Value, toml: &ConfigToml) -> Features {
    let mut features = Features::with_defaults();
    if let Some(on) = toml.experimental_use_unified_exec_tool {
        features.apply("unified_exec", on);
    }
    if let Some(table) = merged.get("features").and_then(Value::as_table) {
        let mut entries: Vec<(&String, bool)> = table
            .iter()
            .filter_map(|(k, v)| match v {
                Value::Boolean(on) => Some((k, *on)),
                Value::Table(t) => t.get("enabled").and_then(Value::as_bool).map(|on| (k, on)),
                _ => None,
            })
            .collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        for (key, on) in entries {
            features.apply(key, on);
        }
    }
    features
}

/// `--strict-config`: every file layer and the `-c` layer may only use known keys.
fn check_strict(stack: &LayerStack) -> Result<(), ConfigError> {
    for layer in &stack.layers {
        let mut unknown = check_config_layer(layer.value.clone()).unwrap_or_default();
        unknown.extend(unknown_feature_paths(&layer.value, is_known_feature_key));
        let Some(first) = unknown.into_iter().next() else {
            continue;
        };
        let message = unknown_field_message(&first);
        return Err(match (&layer.source, &layer.path, &layer.contents) {
            (LayerSource::SessionFlags, _, _) => {
                ConfigError::StrictOverride(format!("{message} in -c/--config override"))
            }
            (_, Some(path), Some(contents)) => {
                match locate_key(path, contents, &first, message.clone()) {
                    Some(diag) => ConfigError::Strict(Box::new(diag)),
                    None => ConfigError::StrictOverride(message),
                }
            }
            _ => ConfigError::StrictOverride(message),
        });
    }
    Ok(())
}

/// A value the schema rejects: serde's message, located in the first file that holds
/// the bad value when one does.
fn invalid_value_error(stack: &LayerStack, err: &toml::de::Error) -> ConfigError {
    let located = stack.file_layers().find_map(|(path, contents, _)| {
        let file_err = toml::from_str::<ConfigToml>(contents).err()?;
        file_err.span()?;
        let mut diag = TomlDiagnostic::from_toml_error(path, contents, &file_err);
        diag.message = diag.message.lines().next().unwrap_or_default().to_owned();
        Some(Box::new(diag))
    });
    ConfigError::Invalid {
        message: err.to_string(),
        located,
    }
}

#[cfg(test)]
mod tests;
