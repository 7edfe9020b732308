//! Format-preserving edits of `config.toml`.
//!
//! Edits go through `toml_edit`, so comments, ordering and formatting the user chose
//! survive; the result replaces the file atomically with mode 0600, as the reference
//! leaves every config.toml it rewrites. A file that is not valid TOML is never
//! rewritten. The read-modify-write runs under an exclusive advisory lock on the CODEX_HOME
//! directory, so concurrent recodex processes (twenty `exec`s each trusting its workspace)
//! never lose each other's edits; the lock needs no extra file.

use std::path::Path;

use toml_edit::{DocumentMut, Item, Table, Value};

use crate::error::ConfigError;
use crate::home::CONFIG_TOML_FILE;

/// Mode of a config.toml written by us.
const CONFIG_MODE: u32 = 0o600;

/// One change to config.toml.
#[derive(Debug, Clone)]
pub enum ConfigEdit {
    /// Sets the value at a key path (tables are created as needed).
    Set {
        /// Key path, e.g. `["features", "memories"]`.
        path: Vec<String>,
        /// The new value.
        value: Value,
    },
    /// Removes the key at a path if present.
    Remove {
        /// Key path.
        path: Vec<String>,
    },
}

/// Applies `edits` to `$CODEX_HOME/config.toml` (created when missing) and writes it
/// back atomically.
pub fn apply_edits(codex_home: &Path, edits: &[ConfigEdit]) -> Result<(), ConfigError> {
    let path = codex_home.join(CONFIG_TOML_FILE);
    let _lock = lock_home(codex_home)?;
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => return Err(ConfigError::Io { path, source }),
    };
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| ConfigError::EditParse(e.to_string()))?;
    for edit in edits {
        match edit {
            ConfigEdit::Set { path, value } => set_path(doc.as_table_mut(), path, value.clone()),
            ConfigEdit::Remove { path } => remove_path(doc.as_table_mut(), path),
        }
    }
    recodex_stdx::write_atomic(&path, doc.to_string().as_bytes(), CONFIG_MODE)?;
    Ok(())
}

/// Holds an exclusive `flock` on CODEX_HOME until dropped. The directory is locked, not
/// config.toml, because the file is replaced by a rename: a lock on the old file would not
/// stop a writer that opened the new one.
fn lock_home(codex_home: &Path) -> Result<std::fs::File, ConfigError> {
    let io_error = |source| ConfigError::Io {
        path: codex_home.to_path_buf(),
        source,
    };
    let dir = std::fs::File::open(codex_home).map_err(io_error)?;
    dir.lock().map_err(io_error)?;
    Ok(dir)
}

/// `features enable|disable NAME`: sets `[features].NAME`.
pub fn set_feature_enabled(codex_home: &Path, key: &str, on: bool) -> Result<(), ConfigError> {
    apply_edits(
        codex_home,
        &[ConfigEdit::Set {
            path: vec!["features".to_owned(), key.to_owned()],
            value: Value::from(on),
        }],
    )
}

fn set_path(root: &mut Table, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut table: &mut dyn toml_edit::TableLike = root;
    for segment in parents {
        let needs_table = !table.get(segment).is_some_and(|i| i.is_table_like());
        if needs_table {
            let mut fresh = Table::new();
            fresh.set_implicit(true);
            table.insert(segment, Item::Table(fresh));
        }
        let Some(next) = table.get_mut(segment).and_then(Item::as_table_like_mut) else {
            return;
        };
        table = next;
    }
    match table.get_mut(last) {
        Some(Item::Value(existing)) => {
            // Keep the decoration (comments, spacing) of the value being replaced.
            let decor = existing.decor().clone();
            *existing = value;
            *existing.decor_mut() = decor;
        }
        _ => {
            table.insert(last, Item::Value(value));
        }
    }
}

fn remove_path(root: &mut Table, path: &[String]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut table: &mut dyn toml_edit::TableLike = root;
    for segment in parents {
        let Some(next) = table.get_mut(segment).and_then(Item::as_table_like_mut) else {
            return;
        };
        table = next;
    }
    table.remove(last);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn golden(name: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/golden/config-edits")
            .join(name);
        std::fs::read_to_string(path).unwrap()
    }

    fn home_with(text: Option<&str>) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        if let Some(text) = text {
            std::fs::write(dir.path().join("config.toml"), text).unwrap();
        }
        dir
    }

    fn read(dir: &tempfile::TempDir) -> String {
        std::fs::read_to_string(dir.path().join("config.toml")).unwrap()
    }

    #[test]
    fn enable_on_an_empty_home_matches_the_reference() {
        let dir = home_with(None);
        set_feature_enabled(dir.path(), "memories", true).unwrap();
        assert_eq!(read(&dir), golden("feat-enable-empty.config.toml"));
        set_feature_enabled(dir.path(), "shell_snapshot", false).unwrap();
        assert_eq!(read(&dir), golden("feat-enable-then-disable.config.toml"));
        set_feature_enabled(dir.path(), "js_repl", true).unwrap();
        set_feature_enabled(dir.path(), "unified_exec", true).unwrap();
        assert_eq!(read(&dir), golden("feat-after-all.config.toml"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(dir.path().join("config.toml")).unwrap();
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn comments_and_order_survive() {
        let dir = home_with(Some(&golden("feat-existing.before.toml")));
        set_feature_enabled(dir.path(), "memories", true).unwrap();
        assert_eq!(read(&dir), golden("feat-existing.after.toml"));
    }

    #[test]
    fn a_new_table_is_separated_from_existing_content() {
        let dir = home_with(Some("model_reasoning_effort = \"x\"\n"));
        set_feature_enabled(dir.path(), "memories", true).unwrap();
        assert_eq!(
            read(&dir),
            "model_reasoning_effort = \"x\"\n\n[features]\nmemories = true\n"
        );
    }

    #[test]
    fn replacing_a_value_keeps_its_comment() {
        let dir = home_with(Some("[features]\nmemories = false # why\n"));
        set_feature_enabled(dir.path(), "memories", true).unwrap();
        assert_eq!(read(&dir), "[features]\nmemories = true # why\n");
    }

    #[test]
    fn inline_feature_tables_are_edited_in_place() {
        let dir = home_with(Some("features = { goals = true }\n"));
        set_feature_enabled(dir.path(), "memories", true).unwrap();
        assert_eq!(
            read(&dir),
            "features = { goals = true , memories = true }\n"
        );
    }

    #[test]
    fn a_broken_file_is_left_alone() {
        let dir = home_with(Some("model = [\n"));
        let err = set_feature_enabled(dir.path(), "memories", true).unwrap_err();
        assert!(err.to_string().contains("TOML parse error"), "{err}");
        assert_eq!(read(&dir), "model = [\n");
    }

    #[test]
    fn concurrent_edits_are_all_kept() {
        // Issue 22.9: twenty writers each add their own key; without the lock a writer
        // could rewrite the file from a copy read before another's rename.
        let dir = home_with(None);
        let threads: Vec<_> = (0..20)
            .map(|i| {
                let home = dir.path().to_path_buf();
                std::thread::spawn(move || {
                    for round in 0..5 {
                        let path = vec![
                            "projects".to_owned(),
                            format!("/work/{i}-{round}"),
                            "trust_level".to_owned(),
                        ];
                        apply_edits(
                            &home,
                            &[ConfigEdit::Set {
                                path,
                                value: Value::from("trusted"),
                            }],
                        )
                        .unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let text = read(&dir);
        let doc: DocumentMut = text.parse().unwrap();
        let projects = doc["projects"].as_table().unwrap();
        assert_eq!(projects.len(), 100, "{text}");
    }

    #[test]
    fn remove_deletes_only_the_key() {
        let dir = home_with(Some("a = 1\n[t]\nx = 1\ny = 2\n"));
        apply_edits(
            dir.path(),
            &[ConfigEdit::Remove {
                path: vec!["t".into(), "x".into()],
            }],
        )
        .unwrap();
        assert_eq!(read(&dir), "a = 1\n[t]\ny = 2\n");
    }
}
