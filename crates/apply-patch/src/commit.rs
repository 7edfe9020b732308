//! Writing a plan to disk as one transaction.
//!
//! Each new file is written to a temporary sibling and renamed over its destination, so
//! no reader sees a half-written file. Files that are replaced or removed are kept as
//! hidden sibling backups (a hard link, or a copy where links are not possible) until
//! every step has succeeded; if a step fails, the journal is replayed backwards (backups
//! renamed back, new files and directories removed) and the tree is as it was.

use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::ApplyPatchError;
use crate::overlay::Touched;

/// One step to undo on failure.
enum Undo {
    /// Put the original back from its backup.
    Restore { backup: PathBuf, target: PathBuf },
    /// Remove a file that did not exist before.
    RemoveFile(PathBuf),
    /// Remove a directory that did not exist before.
    RemoveDir(PathBuf),
}

#[derive(Default)]
struct Journal {
    steps: Vec<Undo>,
}

impl Journal {
    fn rollback(self) {
        // Best effort: a step that cannot be undone must not stop the others.
        for step in self.steps.into_iter().rev() {
            let _ = match step {
                Undo::Restore { backup, target } => fs::rename(&backup, &target),
                Undo::RemoveFile(path) => fs::remove_file(path),
                Undo::RemoveDir(path) => fs::remove_dir(path),
            };
        }
    }

    fn finish(self) {
        for step in self.steps {
            if let Undo::Restore { backup, .. } = step {
                let _ = fs::remove_file(backup);
            }
        }
    }
}

pub(crate) fn commit(touched: &BTreeMap<PathBuf, Touched>) -> Result<(), ApplyPatchError> {
    for (path, change) in touched {
        if current_contents(path) != change.before {
            return Err(ApplyPatchError::ChangedSinceVerified { path: path.clone() });
        }
    }
    let mut journal = Journal::default();
    match run(touched, &mut journal) {
        Ok(()) => {
            journal.finish();
            Ok(())
        }
        Err(err) => {
            journal.rollback();
            Err(err)
        }
    }
}

fn current_contents(path: &Path) -> Option<Vec<u8>> {
    match fs::metadata(path) {
        Ok(meta) if !meta.is_dir() => crate::overlay::read_disk_file(path).ok(),
        _ => None,
    }
}

fn run(touched: &BTreeMap<PathBuf, Touched>, journal: &mut Journal) -> Result<(), ApplyPatchError> {
    // Removals first: a removed file may be where a new directory has to go.
    for (path, change) in touched {
        if change.after.is_some() || change.before.is_none() {
            continue;
        }
        let renamed = fresh_sibling(path, "removed").and_then(|backup| {
            fs::rename(path, &backup)?;
            Ok(backup)
        });
        let backup = match renamed {
            Ok(backup) => backup,
            Err(source) => {
                let path = path.clone();
                return Err(if change.removed_as_move_source {
                    ApplyPatchError::RemoveOriginal { path, source }
                } else {
                    ApplyPatchError::Delete { path, source }
                });
            }
        };
        journal.steps.push(Undo::Restore {
            backup,
            target: path.clone(),
        });
    }
    for (path, change) in touched {
        if let Some(bytes) = &change.after {
            write_file(path, bytes, journal)?;
        }
    }
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8], journal: &mut Journal) -> Result<(), ApplyPatchError> {
    let write_error = |source| ApplyPatchError::Write {
        path: path.to_path_buf(),
        source,
    };
    // Like a plain write, a symlink is written through to its target.
    let target = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    };
    create_parents(&target, journal).map_err(|source| ApplyPatchError::CreateParents {
        path: path.to_path_buf(),
        source,
    })?;
    let existing = fs::metadata(&target).ok().filter(|meta| meta.is_file());
    let temp = fresh_sibling(&target, "new").map_err(write_error)?;
    let staged = stage(
        &temp,
        bytes,
        existing.as_ref().map(fs::Metadata::permissions),
    );
    if let Err(source) = staged {
        let _ = fs::remove_file(&temp);
        return Err(write_error(source));
    }
    if existing.is_some() {
        let backup = fresh_sibling(&target, "old");
        let kept = backup.and_then(|backup| keep_copy(&target, &backup).map(|()| backup));
        let backup = match kept {
            Ok(backup) => backup,
            Err(source) => {
                let _ = fs::remove_file(&temp);
                return Err(write_error(source));
            }
        };
        journal.steps.push(Undo::Restore {
            backup,
            target: target.clone(),
        });
    }
    if let Err(source) = fs::rename(&temp, &target) {
        let _ = fs::remove_file(&temp);
        return Err(write_error(source));
    }
    if existing.is_none() {
        journal.steps.push(Undo::RemoveFile(target));
    }
    Ok(())
}

/// Creates the missing directories above `path`, outermost first, journaling each.
fn create_parents(path: &Path, journal: &mut Journal) -> io::Result<()> {
    let mut missing: Vec<&Path> = Vec::new();
    for dir in path.ancestors().skip(1) {
        if dir.as_os_str().is_empty() || fs::metadata(dir).is_ok() {
            break;
        }
        missing.push(dir);
    }
    for dir in missing.into_iter().rev() {
        fs::create_dir(dir)?;
        journal.steps.push(Undo::RemoveDir(dir.to_path_buf()));
    }
    Ok(())
}

fn stage(temp: &Path, bytes: &[u8], permissions: Option<fs::Permissions>) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(temp)?;
    file.write_all(bytes)?;
    // A replaced file keeps its mode; a new one gets the default mode (0666 less umask).
    if let Some(permissions) = permissions {
        file.set_permissions(permissions)?;
    }
    file.sync_all()
}

/// Keeps the current file reachable at `backup`: a second link to the same inode costs
/// nothing; where links are not possible, a copy.
fn keep_copy(target: &Path, backup: &Path) -> io::Result<()> {
    match fs::hard_link(target, backup) {
        Ok(()) => Ok(()),
        Err(_) => fs::copy(target, backup).map(|_| ()),
    }
}

/// A name next to `path` that nothing uses yet.
fn fresh_sibling(path: &Path, role: &str) -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let candidate = dir.join(format!(
            ".{name}.apply-patch-{role}.{}.{n}",
            std::process::id()
        ));
        match fs::symlink_metadata(&candidate) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(candidate),
            Err(err) => return Err(err),
            Ok(_) => continue,
        }
    }
}
