//! Lexical path handling for program paths: making a path absolute against a working
//! directory and normalizing it (`.` dropped, `..` applied, repeated and trailing
//! slashes removed) without touching the file system.

use std::path::{Component, Path, PathBuf};

/// `path` normalized, when it is absolute.
pub(crate) fn normalize_absolute(path: &Path) -> Option<PathBuf> {
    if !path.is_absolute() {
        return None;
    }
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Prefix(prefix) => out.push(prefix.as_os_str()),
            Component::RootDir => out.push(Component::RootDir.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(part) => out.push(part),
        }
    }
    Some(out)
}

/// `path` made absolute against `cwd` (when relative) and normalized.
pub(crate) fn absolutize(path: &Path, cwd: Option<&Path>) -> Option<PathBuf> {
    if path.is_absolute() {
        normalize_absolute(path)
    } else {
        normalize_absolute(&cwd?.join(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        let n = |p: &str| normalize_absolute(Path::new(p)).map(|p| p.display().to_string());
        assert_eq!(n("/usr/bin/../git").as_deref(), Some("/usr/git"));
        assert_eq!(n("/opt//git/./").as_deref(), Some("/opt/git"));
        assert_eq!(n("//git").as_deref(), Some("/git"));
        assert_eq!(n("/../git").as_deref(), Some("/git"));
        assert_eq!(n("git"), None);
        let a = absolutize(Path::new("./bin/git"), Some(Path::new("/tmp/x")));
        assert_eq!(a, Some(PathBuf::from("/tmp/x/bin/git")));
        assert_eq!(absolutize(Path::new("git"), None), None);
    }
}
