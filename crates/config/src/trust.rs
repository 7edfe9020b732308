//! Project trust: whether a directory's project is marked `trust_level = "trusted"` in
//! `[projects."<path>"]`. A directory is trusted when its own path or its project root
//! (the nearest ancestor holding a `project_root_markers` entry, `.git` by default) is.

use std::path::{Path, PathBuf};

use toml::Value;

/// A project's `trust_level` in `[projects."<path>"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustLevel {
    /// `trusted`: project layers load, writable sandboxes are the default.
    Trusted,
    /// `untrusted`: the user said no; commands not known to be safe are asked about.
    Untrusted,
}

/// The trust facts for one working directory.
#[derive(Debug, Clone)]
pub(crate) struct ProjectTrust {
    root: PathBuf,
    /// Trusted project paths, canonicalized once.
    trusted: Vec<PathBuf>,
    /// Project paths marked untrusted, canonicalized once.
    untrusted: Vec<PathBuf>,
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
        let with_level = |level: &str| -> Vec<PathBuf> {
            merged
                .get("projects")
                .and_then(Value::as_table)
                .into_iter()
                .flatten()
                .filter(|(_, v)| v.get("trust_level").and_then(Value::as_str) == Some(level))
                .map(|(k, _)| canonical(Path::new(k)))
                .collect()
        };
        Self {
            root: find_project_root(cwd, &markers),
            trusted: with_level("trusted"),
            untrusted: with_level("untrusted"),
        }
    }

    /// The trust level recorded for `dir` itself, else for the project root.
    pub(crate) fn level(&self, dir: &Path) -> Option<TrustLevel> {
        [dir, self.root.as_path()].into_iter().find_map(|d| {
            let d = canonical(d);
            if self.trusted.contains(&d) {
                Some(TrustLevel::Trusted)
            } else if self.untrusted.contains(&d) {
                Some(TrustLevel::Untrusted)
            } else {
                None
            }
        })
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
        .find(|dir| markers.iter().any(|m| is_marker(&dir.join(m))))
        .unwrap_or(cwd)
        .to_path_buf()
}

/// Whether a project root marker is really there: an empty directory is not one. A running
/// sandbox mounts over empty placeholder directories named `.git` in its writable roots
/// (`/tmp/.git`, say), which must not make `/tmp` everyone's project root meanwhile.
pub fn is_marker(path: &Path) -> bool {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::read_dir(path)
            .map(|mut entries| entries.next().is_some())
            .unwrap_or(false),
        Ok(_) => true,
        Err(_) => false,
    }
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
        std::fs::write(repo.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
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

    #[test]
    fn an_empty_marker_directory_is_not_a_project_root() {
        // A sandbox's placeholder `.git` in a parent directory must not move the root.
        let dir = tempfile::tempdir().unwrap();
        let base = canonical(dir.path());
        let cwd = base.join("work");
        std::fs::create_dir_all(&cwd).unwrap();
        std::fs::create_dir(base.join(".git")).unwrap();
        let trust = ProjectTrust::new(&merged(""), &cwd);
        assert_eq!(trust.root(), cwd.as_path());
        std::fs::write(base.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
        let trust = ProjectTrust::new(&merged(""), &cwd);
        assert_eq!(trust.root(), base.as_path());
    }
}
