//! Parsing entry points that also report unknown keys.
//!
//! The reference accepts unknown keys silently and, under `--strict-config`,
//! rejects the first one with "unknown configuration field `<path>`". Both
//! need the dotted paths, which these functions collect with
//! `serde_ignored`. Keys that land in free-form maps (`env`, `http_headers`,
//! `[features]`, `[agents.<role>]`, anything under a flattened table) are
//! never reported, exactly like the reference.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use super::ConfigToml;
use super::RawMcpServerConfig;

/// Message the reference prints for an unknown key under `--strict-config`.
pub fn unknown_field_message(path: &str) -> String {
    format!("unknown configuration field `{path}`")
}

/// Parses a whole (merged) config. Returns it with the dotted paths of
/// ignored keys, in document order (e.g. `tui.keymap.vim_normal.bogus`).
pub fn parse_config_toml(value: toml::Value) -> Result<(ConfigToml, Vec<String>), toml::de::Error> {
    deserialize_collecting_ignored(value)
}

/// Checks one config layer the way `--strict-config` does: like
/// [`parse_config_toml`], except that `[mcp_servers.<name>]` tables may be
/// fragments without a transport (another layer may supply it).
pub fn check_config_layer(mut value: toml::Value) -> Result<Vec<String>, toml::de::Error> {
    let mcp_servers = value
        .as_table_mut()
        .and_then(|table| table.remove("mcp_servers"));
    let (_, mut ignored): (ConfigToml, _) = deserialize_collecting_ignored(value)?;
    if let Some(mcp_servers) = mcp_servers {
        let mut wrapper = toml::Table::new();
        wrapper.insert("mcp_servers".to_string(), mcp_servers);
        let (_, more): (McpServersLayer, _) =
            deserialize_collecting_ignored(toml::Value::Table(wrapper))?;
        ignored.extend(more);
    }
    Ok(ignored)
}

/// Dotted paths of `[features]` keys (top level and per profile) for which
/// `is_known` returns false: `features.<name>`,
/// `profiles.<profile>.features.<name>`.
pub fn unknown_feature_paths(value: &toml::Value, is_known: impl Fn(&str) -> bool) -> Vec<String> {
    let Some(root) = value.as_table() else {
        return Vec::new();
    };
    let mut paths = Vec::new();
    let mut collect = |prefix: &str, features: Option<&toml::Value>| {
        let Some(features) = features.and_then(toml::Value::as_table) else {
            return;
        };
        paths.extend(
            features
                .keys()
                .filter(|key| !is_known(key))
                .map(|key| format!("{prefix}.{key}")),
        );
    };
    collect("features", root.get("features"));
    if let Some(profiles) = root.get("profiles").and_then(toml::Value::as_table) {
        for (name, profile) in profiles {
            let features = profile
                .as_table()
                .and_then(|profile| profile.get("features"));
            collect(&format!("profiles.{name}.features"), features);
        }
    }
    paths
}

#[derive(serde::Deserialize)]
struct McpServersLayer {
    #[serde(default, rename = "mcp_servers")]
    _mcp_servers: BTreeMap<String, RawMcpServerConfig>,
}

fn deserialize_collecting_ignored<T: DeserializeOwned>(
    value: toml::Value,
) -> Result<(T, Vec<String>), toml::de::Error> {
    let mut ignored = Vec::new();
    let parsed = serde_ignored::deserialize(value, |path| {
        let mut segments = Vec::new();
        push_segments(&path, &mut segments);
        if !segments.is_empty() {
            ignored.push(segments.join("."));
        }
    })?;
    Ok((parsed, ignored))
}

fn push_segments(path: &serde_ignored::Path<'_>, out: &mut Vec<String>) {
    match path {
        serde_ignored::Path::Root => {}
        serde_ignored::Path::Seq { parent, index } => {
            push_segments(parent, out);
            out.push(index.to_string());
        }
        serde_ignored::Path::Map { parent, key } => {
            push_segments(parent, out);
            out.push(key.clone());
        }
        serde_ignored::Path::Some { parent }
        | serde_ignored::Path::NewtypeStruct { parent }
        | serde_ignored::Path::NewtypeVariant { parent } => push_segments(parent, out),
    }
}
