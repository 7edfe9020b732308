//! `features list|enable|disable`.

use std::path::Path;

use recodex_config::{ConfigError, Features, is_known_feature_key, set_feature_enabled};

/// `features list`: the registry with each flag's effective state.
pub(crate) fn list(features: &Features) -> String {
    features.render_list()
}

/// `features enable|disable NAME`: writes `[features].NAME` to config.toml and returns
/// the confirmation line. Unknown names are refused before anything is written; names of
/// removed features are written (the reference does too) but have no effect.
pub(crate) fn set(codex_home: &Path, name: &str, on: bool) -> Result<String, ConfigError> {
    if !is_known_feature_key(name) {
        return Err(ConfigError::UnknownFeature(name.to_owned()));
    }
    set_feature_enabled(codex_home, name, on)?;
    let verb = if on { "Enabled" } else { "Disabled" };
    Ok(format!("{verb} feature `{name}` in config.toml.\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enable_and_disable_write_and_confirm() {
        let home = tempfile::tempdir().unwrap();
        let line = set(home.path(), "memories", true).unwrap();
        assert_eq!(line, "Enabled feature `memories` in config.toml.\n");
        let line = set(home.path(), "shell_snapshot", false).unwrap();
        assert_eq!(line, "Disabled feature `shell_snapshot` in config.toml.\n");
        let text = std::fs::read_to_string(home.path().join("config.toml")).unwrap();
        assert_eq!(
            text,
            "[features]\nmemories = true\nshell_snapshot = false\n"
        );
    }

    #[test]
    fn unknown_names_write_nothing() {
        let home = tempfile::tempdir().unwrap();
        let err = set(home.path(), "no_such_feature", true).unwrap_err();
        assert_eq!(err.to_string(), "Unknown feature flag: no_such_feature");
        assert!(!home.path().join("config.toml").exists());
    }
}
