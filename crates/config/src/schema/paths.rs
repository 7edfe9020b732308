//! Path values as written in `config.toml`.

use std::path::Component;
use std::path::Path;
use std::path::PathBuf;

use serde::Deserialize;
use serde::Serialize;

/// A path from `config.toml`, kept exactly as written.
///
/// The reference resolves such paths while parsing: `~` and `~/…` expand to
/// the home directory and relative paths are joined to the directory of the
/// file that holds them. This type keeps parsing free of that context; call
/// [`ConfigPath::resolve`] with the layer's directory. It deserializes like
/// `PathBuf`, so type errors read the same ("expected path string").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConfigPath(PathBuf);

impl ConfigPath {
    /// Wraps a path.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self(path.into())
    }

    /// The path as written.
    pub fn as_path(&self) -> &Path {
        &self.0
    }

    /// Absolute, lexically normalized form: `~` expands to `home` (when
    /// given), relative paths are joined to `base_dir`, and `.`/`..`
    /// components are folded without touching the filesystem.
    pub fn resolve(&self, base_dir: &Path, home: Option<&Path>) -> PathBuf {
        let expanded = expand_home(&self.0, home);
        let joined = if expanded.is_absolute() {
            expanded
        } else {
            base_dir.join(expanded)
        };
        normalize_lexically(&joined)
    }
}

impl From<PathBuf> for ConfigPath {
    fn from(path: PathBuf) -> Self {
        Self(path)
    }
}

impl AsRef<Path> for ConfigPath {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

fn expand_home(path: &Path, home: Option<&Path>) -> PathBuf {
    let (Some(text), Some(home)) = (path.to_str(), home) else {
        return path.to_path_buf();
    };
    let Some(rest) = text.strip_prefix('~') else {
        return path.to_path_buf();
    };
    if rest.is_empty() {
        return home.to_path_buf();
    }
    match rest.strip_prefix('/') {
        Some(rest) => home.join(rest.trim_start_matches('/')),
        // `~user/…` is not expanded by the reference either.
        None => path.to_path_buf(),
    }
}

fn normalize_lexically(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                // Popping past the root keeps the root, like `/..` == `/`.
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn resolves_relative_home_and_dots() {
        let base = Path::new("/etc/codex");
        let home = Some(Path::new("/home/u"));
        let check = |input: &str, expected: &str| {
            assert_eq!(
                ConfigPath::new(input).resolve(base, home),
                PathBuf::from(expected)
            );
        };
        check("prompts/a.md", "/etc/codex/prompts/a.md");
        check("./x/../y", "/etc/codex/y");
        check("~", "/home/u");
        check("~//code", "/home/u/code");
        check("/abs/./p", "/abs/p");
        check("~other/x", "/etc/codex/~other/x");
    }
}
