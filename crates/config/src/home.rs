//! Where Codex keeps its files: `$CODEX_HOME`, else `~/.codex`.

use std::path::{Path, PathBuf};

use crate::error::ConfigError;

/// Name of the user configuration file inside CODEX_HOME.
pub const CONFIG_TOML_FILE: &str = "config.toml";

/// Resolves CODEX_HOME the way 0.136.0 does.
///
/// `env_value` is the raw `CODEX_HOME` variable and `home_dir` the user's home directory,
/// both handed in by the binary (this crate never reads the process environment). A
/// non-empty `CODEX_HOME` must name an existing directory and is canonicalized; otherwise
/// the default is `<home>/.codex`, which need not exist yet.
pub fn find_codex_home(
    env_value: Option<&str>,
    home_dir: Option<&Path>,
) -> Result<PathBuf, ConfigError> {
    if let Some(value) = env_value.filter(|v| !v.is_empty()) {
        let path = PathBuf::from(value);
        let meta = std::fs::metadata(&path)
            .map_err(|_| ConfigError::CodexHomeMissing { path: path.clone() })?;
        if !meta.is_dir() {
            return Err(ConfigError::CodexHomeNotDir { path });
        }
        return path
            .canonicalize()
            .map_err(|source| ConfigError::Io { path, source });
    }
    let home = home_dir.ok_or(ConfigError::NoHomeDir)?;
    Ok(home.join(".codex"))
}

/// Path of a profile-v2 file: `$CODEX_HOME/<name>.config.toml`.
pub fn profile_config_path(codex_home: &Path, profile: &str) -> PathBuf {
    codex_home.join(format!("{profile}.{CONFIG_TOML_FILE}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_value_must_be_an_existing_directory() {
        let dir = tempfile::tempdir().unwrap();
        let got = find_codex_home(dir.path().to_str(), None).unwrap();
        assert_eq!(got, dir.path().canonicalize().unwrap());

        let missing = dir.path().join("nope");
        let err = find_codex_home(missing.to_str(), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "CODEX_HOME points to {:?}, but that path does not exist",
                missing
            )
        );

        let file = dir.path().join("f");
        std::fs::write(&file, "").unwrap();
        let err = find_codex_home(file.to_str(), None).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("but that path is not a directory")
        );
    }

    #[test]
    fn empty_env_value_falls_back_to_home() {
        let got = find_codex_home(Some(""), Some(Path::new("/h"))).unwrap();
        assert_eq!(got, PathBuf::from("/h/.codex"));
        assert!(matches!(
            find_codex_home(None, None),
            Err(ConfigError::NoHomeDir)
        ));
    }
}
