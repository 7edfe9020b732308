//! A copy-on-write view of the file system used to run a patch without writing.
//!
//! The reference applies hunks one after another on disk, so a later hunk sees what an
//! earlier one wrote (an Add followed by an Update of the same file works; a Delete
//! followed by an Update fails). The overlay records every simulated write, removal and
//! created directory on top of the real tree and answers reads from it, so the plan sees
//! exactly what the reference would see, and reproduces the reference's errors (writing
//! onto a directory, through a file, deleting a missing file) before anything is written.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::ApplyPatchError;

/// What a path is, as far as the patch can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Dir,
    /// Nothing there, and the parent chain is traversable.
    Missing,
    /// A component of the parent chain is a file.
    BlockedByFile,
}

/// The state of a file the patch touched, before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Touched {
    /// The bytes on disk before the patch (`None`: no file was there).
    pub(crate) before: Option<Vec<u8>>,
    /// The bytes after the patch (`None`: the file is removed).
    pub(crate) after: Option<Vec<u8>>,
    /// The last step that changed the path removed a moved file's source.
    pub(crate) removed_as_move_source: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Overlay {
    /// Simulated file contents; `None` marks a removed file.
    files: BTreeMap<PathBuf, Option<Vec<u8>>>,
    /// Directories created by the simulation (they did not exist before).
    dirs: BTreeSet<PathBuf>,
    /// The on-disk bytes of every touched path, read before its first change.
    before: BTreeMap<PathBuf, Option<Vec<u8>>>,
    removed_as_move_source: BTreeSet<PathBuf>,
}

fn os_error(code: i32) -> io::Error {
    io::Error::from_raw_os_error(code)
}

// Linux errno values; the messages the model sees are the OS's for these codes.
const ENOENT: i32 = 2;
const ENOTDIR: i32 = 20;
const EISDIR: i32 = 21;

impl Overlay {
    fn kind(&self, path: &Path) -> Kind {
        // A directory created over a removed file shadows the removal.
        if self.dirs.contains(path) {
            return Kind::Dir;
        }
        if let Some(entry) = self.files.get(path) {
            return if entry.is_some() {
                Kind::File
            } else {
                Kind::Missing
            };
        }
        for ancestor in path.ancestors().skip(1) {
            if self.dirs.contains(ancestor) {
                return Kind::Missing;
            }
            match self.files.get(ancestor) {
                Some(Some(_)) => return Kind::BlockedByFile,
                Some(None) => return Kind::Missing,
                None => {}
            }
        }
        disk_kind(path)
    }

    /// Reads a file as the reference reads a file to update.
    pub(crate) fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        if let Some(Some(bytes)) = self.files.get(path)
            && !self.dirs.contains(path)
        {
            return Ok(bytes.clone());
        }
        if on_disk_unshadowed(self, path) {
            return read_disk_file(path);
        }
        match self.kind(path) {
            Kind::Dir => Err(os_error(EISDIR)),
            Kind::BlockedByFile => Err(os_error(ENOTDIR)),
            Kind::File | Kind::Missing => Err(os_error(ENOENT)),
        }
    }

    /// Reads a file for reporting only (the old contents of an overwritten or deleted
    /// file); failures give `None`.
    pub(crate) fn peek(&self, path: &Path) -> Option<Vec<u8>> {
        if self.kind(path) != Kind::File {
            return None;
        }
        self.read(path).ok()
    }

    /// Writes a file the way the reference does: a missing parent chain is created, a
    /// directory or a file in the way is an error.
    pub(crate) fn write(&mut self, path: &Path, bytes: Vec<u8>) -> Result<(), ApplyPatchError> {
        let write_error = |source| ApplyPatchError::Write {
            path: path.to_path_buf(),
            source,
        };
        match self.kind(path) {
            Kind::Dir => return Err(write_error(os_error(EISDIR))),
            Kind::BlockedByFile => return Err(write_error(os_error(ENOTDIR))),
            Kind::File | Kind::Missing => {}
        }
        let mut missing = Vec::new();
        for ancestor in path.ancestors().skip(1) {
            if ancestor.as_os_str().is_empty() {
                break;
            }
            match self.kind(ancestor) {
                Kind::Dir => break,
                Kind::Missing => missing.push(ancestor.to_path_buf()),
                Kind::File | Kind::BlockedByFile => {
                    return Err(write_error(os_error(ENOTDIR)));
                }
            }
        }
        for dir in missing {
            self.dirs.insert(dir);
        }
        self.remember_before(path);
        self.files.insert(path.to_path_buf(), Some(bytes));
        self.removed_as_move_source.remove(path);
        Ok(())
    }

    /// Removes a file; a missing path or a directory is an error (`Delete` or
    /// `RemoveOriginal`, as `as_move_source` says).
    pub(crate) fn remove(
        &mut self,
        path: &Path,
        as_move_source: bool,
    ) -> Result<(), ApplyPatchError> {
        let error = |source| {
            let path = path.to_path_buf();
            if as_move_source {
                ApplyPatchError::RemoveOriginal { path, source }
            } else {
                ApplyPatchError::Delete { path, source }
            }
        };
        match self.kind(path) {
            Kind::File => {}
            Kind::Dir => {
                return Err(error(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "path is a directory",
                )));
            }
            Kind::Missing => return Err(error(os_error(ENOENT))),
            Kind::BlockedByFile => return Err(error(os_error(ENOTDIR))),
        }
        self.remember_before(path);
        self.files.insert(path.to_path_buf(), None);
        if as_move_source {
            self.removed_as_move_source.insert(path.to_path_buf());
        }
        Ok(())
    }

    fn remember_before(&mut self, path: &Path) {
        if self.before.contains_key(path) {
            return;
        }
        // Only a path not yet shadowed by the overlay can still show its disk contents.
        let on_disk = if on_disk_unshadowed(self, path) && disk_kind(path) == Kind::File {
            read_disk_file(path).ok()
        } else {
            None
        };
        self.before.insert(path.to_path_buf(), on_disk);
    }

    /// Every touched path with its contents before and after, in path order; paths
    /// whose contents end up as they started are left out.
    pub(crate) fn into_touched(self) -> BTreeMap<PathBuf, Touched> {
        let mut touched = BTreeMap::new();
        for (path, after) in self.files {
            let before = self.before.get(&path).cloned().flatten();
            if before == after {
                continue;
            }
            let removed_as_move_source = self.removed_as_move_source.contains(&path);
            touched.insert(
                path,
                Touched {
                    before,
                    after,
                    removed_as_move_source,
                },
            );
        }
        touched
    }
}

/// True when neither `path` nor one of its ancestors has been changed by the overlay.
fn on_disk_unshadowed(overlay: &Overlay, path: &Path) -> bool {
    path.ancestors()
        .all(|p| !overlay.files.contains_key(p) && !overlay.dirs.contains(p))
}

/// Largest file a patch reads (the reference's file-helper limit): 512 MiB.
pub(crate) const READ_MAX_BYTES: u64 = 536_870_912;

/// A file on disk, when it is a regular file within [`READ_MAX_BYTES`]: a patch naming
/// `/dev/zero` or a FIFO gets an error instead of reading forever or blocking.
pub(crate) fn read_disk_file(path: &Path) -> io::Result<Vec<u8>> {
    // A directory fails as reading it would (EISDIR), the reference's text.
    if fs::metadata(path).is_ok_and(|meta| meta.is_dir()) {
        return Err(os_error(EISDIR));
    }
    Ok(recodex_stdx::read_regular_file(path, READ_MAX_BYTES)?)
}

fn disk_kind(path: &Path) -> Kind {
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Kind::Dir,
        Ok(_) => Kind::File,
        Err(err) if err.raw_os_error() == Some(ENOTDIR) => Kind::BlockedByFile,
        Err(_) => Kind::Missing,
    }
}
