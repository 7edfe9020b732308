//! `[notice]` and `[history]`: acknowledgements and prompt history.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::Serialize;

/// `[notice]`: warnings and prompts the user has dismissed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// The full-access warning was acknowledged.
    pub hide_full_access_warning: Option<bool>,
    /// The Windows world-writable directories warning was acknowledged.
    pub hide_world_writable_warning: Option<bool>,
    /// The user opted out of managed fast defaults.
    pub fast_default_opt_out: Option<bool>,
    /// The rate-limit model switch reminder is off.
    pub hide_rate_limit_model_nudge: Option<bool>,
    /// The gpt-5.1 migration prompt was seen.
    pub hide_gpt5_1_migration_prompt: Option<bool>,
    /// The gpt-5.1-codex-max migration prompt was seen.
    #[serde(rename = "hide_gpt-5.1-codex-max_migration_prompt")]
    pub hide_gpt_5_1_codex_max_migration_prompt: Option<bool>,
    /// Acknowledged model migrations, old slug to new slug.
    #[serde(default)]
    pub model_migrations: BTreeMap<String, String>,
    /// Where external config migration prompts are suppressed.
    #[serde(default)]
    pub external_config_migration_prompts: ExternalConfigMigrationPrompts,
}

/// `[notice.external_config_migration_prompts]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalConfigMigrationPrompts {
    /// The home-level prompt is hidden.
    pub home: Option<bool>,
    /// When the home-level prompt was last shown (Unix seconds).
    pub home_last_prompted_at: Option<i64>,
    /// Projects that opted out, by path.
    #[serde(default)]
    pub projects: BTreeMap<String, bool>,
    /// When each project's prompt was last shown (Unix seconds).
    #[serde(default)]
    pub project_last_prompted_at: BTreeMap<String, i64>,
}

/// `[history]`: what is written to `history.jsonl`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct History {
    /// Whether entries are saved.
    pub persistence: HistoryPersistence,
    /// Size cap of the file in bytes; oldest entries are dropped first.
    pub max_bytes: Option<usize>,
}

/// `history.persistence`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HistoryPersistence {
    /// Save every entry.
    #[default]
    SaveAll,
    /// Save nothing.
    None,
}
