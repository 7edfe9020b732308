//! The feature-flag registry and the resolution of an effective feature set.
//!
//! The registry is data: every flag 0.136.0 knows, with its lifecycle stage and default.
//! A feature set starts from the defaults and applies `[features]` tables (base config,
//! then profile, then `-c`/`--enable`/`--disable`) in order. Some keys are accepted for
//! old configs but have no effect (flags whose feature was removed), and a few legacy
//! names are aliases of a current flag.

use std::collections::BTreeSet;
use std::fmt;

/// Lifecycle stage of a feature flag, as `features list` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Work in progress, not meant for users yet.
    UnderDevelopment,
    /// Available to try; may change.
    Experimental,
    /// Supported; the flag stays for ad-hoc toggling.
    Stable,
    /// Still honoured but on its way out.
    Deprecated,
    /// Accepted for compatibility only.
    Removed,
}

impl Stage {
    /// The label printed by `features list`.
    pub fn label(self) -> &'static str {
        match self {
            Stage::UnderDevelopment => "under development",
            Stage::Experimental => "experimental",
            Stage::Stable => "stable",
            Stage::Deprecated => "deprecated",
            Stage::Removed => "removed",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One entry of the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureSpec {
    /// The key used in `[features]` and on the command line.
    pub key: &'static str,
    /// Lifecycle stage.
    pub stage: Stage,
    /// Whether the feature is on when nothing configures it.
    pub default_enabled: bool,
}

const fn spec(key: &'static str, stage: Stage, default_enabled: bool) -> FeatureSpec {
    FeatureSpec {
        key,
        stage,
        default_enabled,
    }
}

/// Every feature flag of 0.136.0, sorted by key (the order `features list` prints).
pub const FEATURES: &[FeatureSpec] = &[
    spec("apply_patch_freeform", Stage::Removed, false),
    spec(
        "apply_patch_streaming_events",
        Stage::UnderDevelopment,
        false,
    ),
    spec("apps", Stage::Stable, true),
    spec("apps_mcp_path_override", Stage::UnderDevelopment, false),
    spec("artifact", Stage::UnderDevelopment, false),
    spec("auth_elicitation", Stage::UnderDevelopment, false),
    spec("browser_use", Stage::Stable, true),
    spec("browser_use_external", Stage::Stable, true),
    spec("child_agents_md", Stage::UnderDevelopment, false),
    spec("chronicle", Stage::UnderDevelopment, false),
    spec("code_mode", Stage::UnderDevelopment, false),
    spec("code_mode_only", Stage::UnderDevelopment, false),
    spec("codex_git_commit", Stage::Removed, false),
    spec("collaboration_modes", Stage::Removed, true),
    spec("computer_use", Stage::Stable, true),
    spec(
        "default_mode_request_user_input",
        Stage::UnderDevelopment,
        false,
    ),
    spec("elevated_windows_sandbox", Stage::Removed, false),
    spec("enable_fanout", Stage::UnderDevelopment, false),
    spec("enable_mcp_apps", Stage::UnderDevelopment, false),
    spec("enable_request_compression", Stage::Stable, true),
    spec("exec_permission_approvals", Stage::UnderDevelopment, false),
    spec("experimental_windows_sandbox", Stage::Removed, false),
    spec("external_migration", Stage::Experimental, false),
    spec("fast_mode", Stage::Stable, true),
    spec("goals", Stage::Stable, true),
    spec("guardian_approval", Stage::Stable, true),
    spec("hooks", Stage::Stable, true),
    spec("image_detail_original", Stage::Removed, false),
    spec("image_generation", Stage::Stable, true),
    spec("imagegenext", Stage::UnderDevelopment, false),
    spec("in_app_browser", Stage::Stable, true),
    spec("js_repl", Stage::Removed, false),
    spec("js_repl_tools_only", Stage::Removed, false),
    spec("memories", Stage::Experimental, false),
    spec("mentions_v2", Stage::UnderDevelopment, false),
    spec("multi_agent", Stage::Stable, true),
    spec("multi_agent_v2", Stage::UnderDevelopment, false),
    spec("network_proxy", Stage::Experimental, false),
    spec(
        "non_prefixed_mcp_tool_names",
        Stage::UnderDevelopment,
        false,
    ),
    spec("personality", Stage::Stable, true),
    spec("plugin_hooks", Stage::Removed, false),
    spec("plugin_sharing", Stage::Stable, true),
    spec("plugins", Stage::Stable, true),
    spec("prevent_idle_sleep", Stage::Experimental, false),
    spec("realtime_conversation", Stage::UnderDevelopment, false),
    spec("remote_compaction_v2", Stage::UnderDevelopment, false),
    spec("remote_control", Stage::Removed, false),
    spec("remote_models", Stage::Removed, false),
    spec("remote_plugin", Stage::UnderDevelopment, false),
    spec("request_permissions_tool", Stage::UnderDevelopment, false),
    spec("request_rule", Stage::Removed, false),
    spec(
        "responses_websocket_response_processed",
        Stage::UnderDevelopment,
        false,
    ),
    spec("responses_websockets", Stage::Removed, false),
    spec("responses_websockets_v2", Stage::Removed, false),
    spec("runtime_metrics", Stage::UnderDevelopment, false),
    spec("search_tool", Stage::Removed, false),
    spec("shell_snapshot", Stage::Stable, true),
    spec("shell_tool", Stage::Stable, true),
    spec("shell_zsh_fork", Stage::UnderDevelopment, false),
    spec("skill_env_var_dependency_prompt", Stage::Removed, false),
    spec("skill_mcp_dependency_install", Stage::Stable, true),
    spec("sqlite", Stage::Removed, true),
    spec("standalone_web_search", Stage::UnderDevelopment, false),
    spec("steer", Stage::Removed, true),
    spec("terminal_resize_reflow", Stage::Experimental, true),
    spec("tool_call_mcp_elicitation", Stage::Stable, true),
    spec("tool_search", Stage::Removed, false),
    spec(
        "tool_search_always_defer_mcp_tools",
        Stage::UnderDevelopment,
        false,
    ),
    spec("tool_suggest", Stage::Stable, true),
    spec("tui_app_server", Stage::Removed, true),
    spec("unavailable_dummy_tools", Stage::Removed, false),
    spec("undo", Stage::Removed, false),
    spec("unified_exec", Stage::Stable, true),
    spec("use_legacy_landlock", Stage::Deprecated, false),
    spec("use_linux_sandbox_bwrap", Stage::Removed, false),
    spec("web_search_cached", Stage::Deprecated, false),
    spec("web_search_request", Stage::Deprecated, false),
    spec("workspace_dependencies", Stage::Stable, true),
    spec("workspace_owner_usage_nudge", Stage::Removed, false),
];

/// Keys that are accepted in `[features]` but ignored: their feature is gone and the
/// flag keeps its registry default whatever the config says.
const IGNORED_KEYS: &[&str] = &[
    "apply_patch_freeform",
    "image_detail_original",
    "js_repl",
    "js_repl_tools_only",
    "plugin_hooks",
    "remote_control",
    "skill_env_var_dependency_prompt",
    "tool_search",
    "tui_app_server",
    "undo",
];

/// Old names still accepted for a current flag: (legacy key, canonical key).
const ALIASES: &[(&str, &str)] = &[
    ("connectors", "apps"),
    (
        "enable_experimental_windows_sandbox",
        "experimental_windows_sandbox",
    ),
    ("experimental_use_unified_exec_tool", "unified_exec"),
    ("request_permissions", "exec_permission_approvals"),
    ("web_search", "web_search_request"),
    ("collab", "multi_agent"),
    ("memory_tool", "memories"),
];

/// Looks up a registry entry by its canonical key.
pub fn feature_spec(key: &str) -> Option<&'static FeatureSpec> {
    FEATURES.iter().find(|s| s.key == key)
}

/// Resolves a key as written by a user (canonical or legacy alias) to its registry entry.
pub fn resolve_feature_key(key: &str) -> Option<&'static FeatureSpec> {
    feature_spec(key).or_else(|| {
        ALIASES
            .iter()
            .find(|(alias, _)| *alias == key)
            .and_then(|(_, canonical)| feature_spec(canonical))
    })
}

/// Whether `key` names a feature (canonical or alias): what `--enable`/`--disable` and
/// `features enable|disable` accept.
pub fn is_known_feature_key(key: &str) -> bool {
    resolve_feature_key(key).is_some()
}

/// An effective set of enabled features.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Features {
    enabled: BTreeSet<&'static str>,
    unknown_keys: Vec<String>,
}

impl Default for Features {
    fn default() -> Self {
        Self::with_defaults()
    }
}

impl Features {
    /// The registry defaults.
    pub fn with_defaults() -> Self {
        let enabled = FEATURES
            .iter()
            .filter(|s| s.default_enabled)
            .map(|s| s.key)
            .collect();
        Self {
            enabled,
            unknown_keys: Vec::new(),
        }
    }

    /// Whether the feature with canonical key `key` is on. Unknown keys are off.
    pub fn enabled(&self, key: &str) -> bool {
        self.enabled.contains(key)
    }

    /// Applies one toggle as written in a `[features]` table. Ignored keys keep their
    /// default; unknown keys are remembered (see [`Features::unknown_keys`]) and skipped.
    pub fn apply(&mut self, key: &str, on: bool) {
        if IGNORED_KEYS.contains(&key) {
            return;
        }
        match resolve_feature_key(key) {
            Some(spec) if on => {
                self.enabled.insert(spec.key);
            }
            Some(spec) => {
                self.enabled.remove(spec.key);
            }
            None => self.unknown_keys.push(key.to_owned()),
        }
    }

    /// Keys seen in `[features]` tables that name no feature, in the order seen.
    pub fn unknown_keys(&self) -> &[String] {
        &self.unknown_keys
    }

    /// Canonical keys of the enabled features, sorted.
    pub fn enabled_keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.enabled.iter().copied()
    }

    /// Renders the table printed by `features list`: key, stage and effective state,
    /// in columns two spaces wider than their longest entry.
    pub fn render_list(&self) -> String {
        let key_width = FEATURES.iter().map(|s| s.key.len()).max().unwrap_or(0) + 2;
        let stage_width = FEATURES
            .iter()
            .map(|s| s.stage.label().len())
            .max()
            .unwrap_or(0)
            + 2;
        let mut out = String::new();
        for spec in FEATURES {
            let on = self.enabled(spec.key);
            out.push_str(&format!(
                "{:<key_width$}{:<stage_width$}{on}\n",
                spec.key,
                spec.stage.label()
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_and_unique() {
        assert_eq!(FEATURES.len(), 79);
        for pair in FEATURES.windows(2) {
            assert!(
                pair[0].key < pair[1].key,
                "{} !< {}",
                pair[0].key,
                pair[1].key
            );
        }
    }

    #[test]
    fn aliases_point_at_real_features() {
        for (alias, canonical) in ALIASES {
            assert!(feature_spec(canonical).is_some(), "{alias} -> {canonical}");
            assert!(feature_spec(alias).is_none(), "{alias} shadows a real key");
        }
        for key in IGNORED_KEYS {
            assert!(feature_spec(key).is_some(), "{key}");
        }
    }

    #[test]
    fn toggles_aliases_and_ignored_keys() {
        let mut f = Features::with_defaults();
        assert!(f.enabled("unified_exec"));
        f.apply("experimental_use_unified_exec_tool", false);
        assert!(!f.enabled("unified_exec"));
        f.apply("memory_tool", true);
        assert!(f.enabled("memories"));
        f.apply("js_repl", true);
        assert!(!f.enabled("js_repl"));
        f.apply("tui_app_server", false);
        assert!(f.enabled("tui_app_server"));
        f.apply("no_such_flag", true);
        assert_eq!(f.unknown_keys(), ["no_such_flag".to_owned()]);
    }

    #[test]
    fn list_matches_the_reference_on_defaults() {
        let expected = include_str!("../tests/golden/features-list.txt");
        pretty_assertions::assert_eq!(Features::with_defaults().render_list(), expected);
    }
}
