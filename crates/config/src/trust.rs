//! Project trust: whether a directory's project is marked `trust_level = "trusted"` in
//! `[projects."<path>"]`. A directory is trusted when its own path or its project root
//! (the nearest ancestor holding a `project_root_markers` entry, `.git` by default) is.

use std::path::{Path, PathBuf};

use toml::Value;

/// The trust facts for one working directory.
#[derive(Debug, Clone)]
pub(crate) struct ProjectTrust {
    root: PathBuf,
    /// Trusted project paths, canonicalized once.
    trusted: Vec<PathBuf>,
}

impl ProjectTrust {
    /// Reads the project root markers and trusted projects from a merged config.
    pub(crate) fn new(merged: &Value, cwd: &Path) -> Self {
        let markers: Vec<String> = match merged.get("project_root_markers") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => vec![".git".to_owned()],
        };
        let trusted = merged
            .get("projects")
            .and_then(Value::as_table)
            .into_iter()
            .flatten()
            .filter(|(_, v)| v.get("trust_level").and_then(Value::as_str) == Some("trusted"))
            .map(|(k, _)| canonical(Path::new(k)))
            .collect();
        Self {
            root: find_project_root(cwd, &markers),
            trusted,
        }
    }

    /// The project root of the working directory.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Whether `dir` is trusted, directly or through the project root.
    pub(crate) fn is_trusted(&self, dir: &Path) -> bool {
        [dir, self.root.as_path()]
            .into_iter()
            .any(|d| self.trusted.contains(&canonical(d)))
    }
}

fn find_project_root(cwd: &Path, markers: &[String]) -> PathBuf {
    if markers.is_empty() {
        return cwd.to_path_buf();
    }
    cwd.ancestors()
        .find(|dir| markers.iter().any(|m| dir.join(m).exists()))
        .unwrap_or(cwd)
        .to_path_buf()
}

/// `path` with symlinks resolved, or as given when it does not exist.
pub(crate) fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged(text: &str) -> Value {
        Value::Table(toml::from_str(text).unwrap())
    }

    #[test]
    fn trusted_directly_or_through_the_project_root() {
        let dir = tempfile::tempdir().unwrap();
        let repo = canonical(dir.path()).join("repo");
        let sub = repo.join("sub");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(&sub).unwrap();
        let config = merged(&format!(
            "[projects.{:?}]\ntrust_level = \"trusted\"\n",
            repo.display().to_string()
        ));
        let trust = ProjectTrust::new(&config, &sub);
        assert_eq!(trust.root(), repo.as_path());
        assert!(trust.is_trusted(&sub), "trusted through the project root");
        let config = merged(&format!(
            "[projects.{:?}]\ntrust_level = \"untrusted\"\n",
            repo.display().to_string()
        ));
        assert!(!ProjectTrust::new(&config, &sub).is_trusted(&sub));
        let config = merged(&format!(
            "[projects.{:?}]\ntrust_level = \"trusted\"\n",
            sub.display().to_string()
        ));
        assert!(
            ProjectTrust::new(&config, &sub).is_trusted(&sub),
            "trusted directly"
        );
        assert!(!ProjectTrust::new(&merged(""), &sub).is_trusted(&sub));
    }
}
