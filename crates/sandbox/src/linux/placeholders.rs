//! Mount points for protected paths that do not exist yet.
//!
//! A mount needs an existing target, so for a missing `.codex` (say) the parent creates an
//! empty directory, the sandbox mounts an empty read-only tmpfs over it (the command can then
//! neither create nor replace it), and the parent removes the directory when the command
//! ends. Several sandboxes may share one placeholder: each registers a marker file named
//! after its pid, and the last one to leave (no live marker left) removes the placeholder,
//! and only if it is still an empty directory.

use std::ffi::OsStr;
use std::io::ErrorKind;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use super::sys;
use crate::error::SandboxError;

/// Placeholders registered by this process.
#[derive(Debug, Default)]
pub(crate) struct Placeholders {
    entries: Vec<Registration>,
}

#[derive(Debug)]
struct Registration {
    path: PathBuf,
    marker_dir: PathBuf,
    marker_file: PathBuf,
}

impl Placeholders {
    /// Registers and creates (when missing) the placeholder files; markers go under
    /// `marker_base`.
    pub(crate) fn prepare(paths: &[PathBuf], marker_base: &Path) -> Result<Self, SandboxError> {
        let mut placeholders = Self::default();
        if paths.is_empty() {
            return Ok(placeholders);
        }
        private_dir(marker_base)?;
        for path in paths {
            let marker_dir = marker_base.join(fnv1a_hex(path.as_os_str()));
            std::fs::create_dir_all(&marker_dir).map_err(|err| {
                SandboxError::setup(format!("creating {}", marker_dir.display()), err)
            })?;
            // Registering and creating happen under the placeholder's lock, so a sandbox that
            // is leaving cannot remove the placeholder between the two.
            let _lock = lock(&marker_dir)?;
            let marker_file = marker_dir.join(std::process::id().to_string());
            std::fs::write(&marker_file, b"").map_err(|err| {
                SandboxError::setup(format!("creating {}", marker_file.display()), err)
            })?;
            placeholders.entries.push(Registration {
                path: path.clone(),
                marker_dir,
                marker_file,
            });
            let created = std::fs::DirBuilder::new().mode(0o755).create(path);
            match created {
                Ok(_) => {}
                Err(err) if err.kind() == ErrorKind::AlreadyExists => {}
                Err(err) => {
                    placeholders.cleanup();
                    return Err(SandboxError::setup(
                        format!("creating the mount point {}", path.display()),
                        err,
                    ));
                }
            }
        }
        Ok(placeholders)
    }

    /// Drops this process's markers and removes the placeholders no live sandbox uses.
    pub(crate) fn cleanup(&mut self) {
        for entry in self.entries.drain(..) {
            let _lock = lock(&entry.marker_dir).ok();
            let _ = std::fs::remove_file(&entry.marker_file);
            if has_live_marker(&entry.marker_dir) {
                continue;
            }
            // Only an empty directory goes (remove_dir refuses anything else). The marker
            // directory and its lock file stay: removing the lock file would let two
            // processes lock different files.
            if std::fs::symlink_metadata(&entry.path).is_ok_and(|meta| meta.is_dir()) {
                let _ = std::fs::remove_dir(&entry.path);
            }
        }
    }
}

impl Drop for Placeholders {
    fn drop(&mut self) {
        self.cleanup();
    }
}

/// Creates `dir` (mode 0700) and checks it is a real directory owned by us, so another user
/// cannot plant it (it usually lives in a shared temp dir).
fn private_dir(dir: &Path) -> Result<(), SandboxError> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    let setup = |err| SandboxError::setup(format!("creating {}", dir.display()), err);
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(err) if err.kind() == ErrorKind::AlreadyExists => {}
        Err(err) => return Err(setup(err)),
    }
    let meta = std::fs::symlink_metadata(dir).map_err(setup)?;
    let (uid, _) = sys::effective_ids();
    if !meta.file_type().is_dir() || meta.uid() != uid {
        return Err(setup(std::io::Error::new(
            ErrorKind::PermissionDenied,
            "not a directory owned by the current user",
        )));
    }
    Ok(())
}

/// Moves from `read_only` to `placeholders` every path that is, or just was, another
/// sandbox's placeholder: an existing path whose marker directory under `marker_base`
/// names a live process (this sandbox registers on it instead of binding a directory the
/// other one may remove when it ends), or one that was planned while it existed and has
/// since been removed by the last sandbox leaving it. Decided under the placeholder's
/// lock, the one a leaving sandbox removes it under.
pub(crate) fn adopt_shared(
    read_only: &mut Vec<PathBuf>,
    placeholders: &mut Vec<PathBuf>,
    marker_base: &Path,
) {
    read_only.retain(|path| {
        let marker_dir = marker_base.join(fnv1a_hex(path.as_os_str()));
        if !marker_dir.is_dir() {
            // Never a placeholder: a real path, bound as it is.
            return true;
        }
        let _lock = lock(&marker_dir).ok();
        let shared = has_live_marker(&marker_dir) || std::fs::symlink_metadata(path).is_err();
        if shared && !placeholders.contains(path) {
            placeholders.push(path.clone());
        }
        !shared
    });
}

/// The name of the lock file in a marker directory.
const LOCK_FILE: &str = ".lock";

/// Holds the exclusive lock of one placeholder's marker directory until dropped.
fn lock(marker_dir: &Path) -> Result<std::fs::File, SandboxError> {
    let path = marker_dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|err| SandboxError::setup(format!("opening {}", path.display()), err))?;
    file.lock()
        .map_err(|err| SandboxError::setup(format!("locking {}", path.display()), err))?;
    Ok(file)
}

/// Whether a marker in `dir` names a live process (stale markers are removed on the way).
fn has_live_marker(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let mut live = false;
    for entry in entries.flatten() {
        if entry.file_name() == LOCK_FILE {
            continue;
        }
        let alive = entry
            .file_name()
            .to_str()
            .and_then(|name| name.parse::<libc::pid_t>().ok())
            .is_some_and(sys::process_exists);
        if alive {
            live = true;
        } else {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    live
}

/// 64-bit FNV-1a of the bytes, as 16 hex digits (a stable, dependency-free name).
fn fnv1a_hex(value: &OsStr) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in value.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_user_removes_the_placeholder_and_shared_ones_survive() {
        let dir = tempfile::tempdir().unwrap();
        let markers = dir.path().join("markers");
        let target = dir.path().join(".codex");
        let mut first = Placeholders::prepare(std::slice::from_ref(&target), &markers).unwrap();
        assert!(target.is_dir());
        // A live foreign marker (pid 1 always exists) keeps the placeholder.
        let marker_dir = markers.join(fnv1a_hex(target.as_os_str()));
        std::fs::write(marker_dir.join("1"), b"").unwrap();
        first.cleanup();
        assert!(target.is_dir());
        std::fs::remove_file(marker_dir.join("1")).unwrap();
        let mut second = Placeholders::prepare(std::slice::from_ref(&target), &markers).unwrap();
        second.cleanup();
        assert!(!target.exists());
    }

    #[test]
    fn non_empty_directories_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join(".git");
        let mut placeholders =
            Placeholders::prepare(std::slice::from_ref(&target), &dir.path().join("m")).unwrap();
        std::fs::write(target.join("HEAD"), b"ref: refs/heads/main").unwrap();
        placeholders.cleanup();
        assert!(target.join("HEAD").is_file());
    }

    #[test]
    fn a_placeholder_removed_after_planning_is_adopted_not_bound() {
        let dir = tempfile::tempdir().unwrap();
        let markers = dir.path().join("markers");
        let gone = dir.path().join(".codex");
        let real = dir.path().join(".git");
        std::fs::create_dir(&real).unwrap();
        // Another sandbox created `.codex`, this one planned to bind it, and the other one
        // then left and removed it.
        Placeholders::prepare(std::slice::from_ref(&gone), &markers)
            .unwrap()
            .cleanup();
        assert!(!gone.exists());
        let mut read_only = vec![gone.clone(), real.clone()];
        let mut placeholders = Vec::new();
        adopt_shared(&mut read_only, &mut placeholders, &markers);
        assert_eq!(read_only, vec![real]);
        assert_eq!(placeholders, vec![gone]);
    }

    #[test]
    fn fnv_is_stable() {
        assert_eq!(fnv1a_hex(OsStr::new("")), "cbf29ce484222325");
        assert_eq!(fnv1a_hex(OsStr::new("a")), "af63dc4c8601ec8c");
    }
}
