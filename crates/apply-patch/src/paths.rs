//! Resolving the paths a patch names.

use std::path::{Component, Path, PathBuf};

/// Resolves `path` against `cwd` and removes `.` and `..` components lexically (without
/// following symlinks), as the reference does; the result is what error messages print.
pub(crate) fn resolve(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                // `..` at the root stays at the root.
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

    #[test]
    fn normalises_lexically() {
        let cwd = Path::new("/work/dir");
        assert_eq!(
            resolve(cwd, Path::new("a.txt")),
            Path::new("/work/dir/a.txt")
        );
        assert_eq!(
            resolve(cwd, Path::new("./sub/../x//y/./z")),
            Path::new("/work/dir/x/y/z")
        );
        assert_eq!(
            resolve(cwd, Path::new("/tmp/../etc/f")),
            Path::new("/etc/f")
        );
        assert_eq!(resolve(cwd, Path::new("../../../../f")), Path::new("/f"));
    }
}
