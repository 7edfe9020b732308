//! Atomic file replacement.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why an atomic write failed; always names the file that was being written.
#[derive(Debug, thiserror::Error)]
#[error("failed to write {path}: {source}")]
pub struct AtomicWriteError {
    /// The destination that was being replaced.
    pub path: PathBuf,
    /// The underlying I/O failure.
    #[source]
    pub source: io::Error,
}

/// Replaces `path` with `contents` so that readers see either the old or the new bytes,
/// never a mix: the data goes to a temporary file in the same directory, is flushed to
/// disk, gets `mode` (Unix permission bits), and is renamed over the destination. Parent
/// directories are created when missing. On failure the destination is untouched and
/// the temporary file is removed.
pub fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> Result<(), AtomicWriteError> {
    let wrap = |source| AtomicWriteError {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(wrap)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_owned());
    let tmp = dir.join(format!(".{file_name}.tmp.{}", std::process::id()));
    let result = write_then_rename(&tmp, path, contents, mode);
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(wrap)
}

fn write_then_rename(tmp: &Path, dest: &Path, contents: &[u8], mode: u32) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    let mut file = options.open(tmp)?;
    #[cfg(unix)]
    {
        // The mode given to open() is filtered by the umask; set it explicitly so the
        // result does not depend on the caller's environment.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    file.write_all(contents)?;
    file.sync_all()?;
    drop(file);
    fs::rename(tmp, dest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_contents_and_sets_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        write_atomic(&path, b"a = 1\n", 0o600).unwrap();
        write_atomic(&path, b"a = 2\n", 0o600).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "a = 2\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "temporary file left behind");
    }

    #[test]
    fn failure_leaves_destination_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        fs::write(&path, "keep").unwrap();
        // A directory where the file should go makes the rename fail.
        let bad = dir.path().join("d");
        fs::create_dir(&bad).unwrap();
        fs::write(bad.join("x"), "x").unwrap();
        let err = write_atomic(&bad, b"new", 0o644).unwrap_err();
        assert!(err.to_string().contains("failed to write"));
        assert_eq!(fs::read_to_string(&path).unwrap(), "keep");
    }
}
