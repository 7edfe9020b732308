//! The verified plan: everything a patch would do, computed before anything is written.
//!
//! [`plan_patch`] runs the hunks in order against an [`Overlay`] of the working tree, so
//! the plan fails exactly where the reference would fail, with the same message, and
//! otherwise holds the final bytes of every touched path, the per-hunk changes (kinds,
//! old and new contents, unified diffs) and the success summary. [`PatchPlan::apply`]
//! then writes all of it or nothing.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::error::ApplyPatchError;
use crate::overlay::{Overlay, Touched};
use crate::parser::{Hunk, Patch, parse_patch};
use crate::paths::resolve;
use crate::update::apply_chunks;

/// Lines of context around each change in [`FileChangeKind::Update::unified_diff`], as the
/// reference uses for its file-change events.
const DIFF_CONTEXT_LINES: usize = 1;

/// What one hunk does to one file. Paths are absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// The file the hunk names (for a move, the source).
    pub path: PathBuf,
    /// The kind of change and its contents.
    pub kind: FileChangeKind,
}

/// The kind of a [`FileChange`], with the contents an event or a review needs. Contents
/// that are not UTF-8 are shown lossily; the bytes written are exact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChangeKind {
    /// A new file (or an overwritten one).
    Add {
        /// The new contents.
        content: String,
        /// What the file held before, when it already existed.
        overwritten_content: Option<String>,
    },
    /// A removed file.
    Delete {
        /// What the file held.
        content: String,
    },
    /// An edited (and possibly moved) file.
    Update {
        /// The absolute destination of a move.
        move_path: Option<PathBuf>,
        /// The contents before this hunk.
        old_content: String,
        /// The contents after this hunk.
        new_content: String,
        /// `old_content` → `new_content` as a unified diff without file headers.
        unified_diff: String,
        /// What the move destination held before, when it already existed.
        overwritten_move_content: Option<String>,
    },
}

/// The files a successful patch reports, as spelled in the patch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// `A` lines: added files.
    pub added: Vec<PathBuf>,
    /// `M` lines: updated files (a moved file is named by its destination).
    pub modified: Vec<PathBuf>,
    /// `D` lines: deleted files.
    pub deleted: Vec<PathBuf>,
}

impl fmt::Display for Summary {
    /// The success text the model reads, ending with a newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Success. Updated the following files:")?;
        let groups = [
            ('A', &self.added),
            ('M', &self.modified),
            ('D', &self.deleted),
        ];
        for (letter, paths) in groups {
            for path in paths {
                writeln!(f, "{letter} {}", path.display())?;
            }
        }
        Ok(())
    }
}

/// One path the plan writes or removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedWrite<'p> {
    /// The absolute path (a symlink is written through to its target).
    pub path: &'p Path,
    /// The bytes written there, or `None` when the file is removed.
    pub contents: Option<&'p [u8]>,
    /// Whether a file exists there before the patch.
    pub existed: bool,
}

/// A patch checked against the working tree, ready to apply. Nothing has been written.
#[derive(Debug, Clone)]
pub struct PatchPlan {
    cwd: PathBuf,
    patch_text: String,
    changes: Vec<FileChange>,
    summary: Summary,
    touched: BTreeMap<PathBuf, Touched>,
}

impl PatchPlan {
    /// The directory relative paths were resolved against.
    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// The patch text without any heredoc wrapper.
    pub fn patch_text(&self) -> &str {
        &self.patch_text
    }

    /// One entry per hunk, in patch order.
    pub fn changes(&self) -> &[FileChange] {
        &self.changes
    }

    /// The files the success message names.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// Every path whose contents change, in path order: the complete list of what
    /// [`PatchPlan::apply`] writes or removes (plus missing parent directories it creates).
    pub fn writes(&self) -> impl Iterator<Item = PlannedWrite<'_>> {
        self.touched.iter().map(|(path, touched)| PlannedWrite {
            path,
            contents: touched.after.as_deref(),
            existed: touched.before.is_some(),
        })
    }

    /// Writes the plan: every file or none. Fails with
    /// [`ApplyPatchError::ChangedSinceVerified`] if a file it read has changed since, and
    /// rolls back everything already done when a write fails.
    pub fn apply(&self) -> Result<(), ApplyPatchError> {
        crate::commit::commit(&self.touched)
    }
}

/// Parses `text` and plans it against `cwd`.
pub fn plan_patch_text(text: &str, cwd: &Path) -> Result<PatchPlan, ApplyPatchError> {
    let patch = parse_patch(text)?;
    plan_patch(&patch, cwd)
}

/// Runs `patch` against the tree at `cwd` (an absolute path) without writing, and returns
/// what applying it would do, or the error the reference would report.
pub fn plan_patch(patch: &Patch, cwd: &Path) -> Result<PatchPlan, ApplyPatchError> {
    if patch.hunks.is_empty() {
        return Err(ApplyPatchError::NoFilesModified);
    }
    let mut overlay = Overlay::default();
    let mut changes = Vec::with_capacity(patch.hunks.len());
    let mut summary = Summary::default();
    for hunk in &patch.hunks {
        let change = simulate(hunk, cwd, &mut overlay)?;
        match hunk {
            Hunk::AddFile { .. } => summary.added.push(hunk.path().to_path_buf()),
            Hunk::DeleteFile { .. } => summary.deleted.push(hunk.path().to_path_buf()),
            Hunk::UpdateFile { .. } => summary.modified.push(hunk.path().to_path_buf()),
        }
        changes.push(change);
    }
    let touched = overlay.into_touched();
    Ok(PatchPlan {
        cwd: cwd.to_path_buf(),
        patch_text: patch.text.clone(),
        changes,
        summary,
        touched,
    })
}

fn lossy(bytes: Option<Vec<u8>>) -> Option<String> {
    bytes.map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn simulate(hunk: &Hunk, cwd: &Path, overlay: &mut Overlay) -> Result<FileChange, ApplyPatchError> {
    match hunk {
        Hunk::AddFile { path, contents } => {
            let path = resolve(cwd, path);
            let overwritten_content = lossy(overlay.peek(&path));
            overlay.write(&path, contents.clone().into_bytes())?;
            let kind = FileChangeKind::Add {
                content: contents.clone(),
                overwritten_content,
            };
            Ok(FileChange { path, kind })
        }
        Hunk::DeleteFile { path } => {
            let path = resolve(cwd, path);
            let content = lossy(overlay.peek(&path)).unwrap_or_default();
            overlay.remove(&path, false)?;
            let kind = FileChangeKind::Delete { content };
            Ok(FileChange { path, kind })
        }
        Hunk::UpdateFile {
            path,
            move_path,
            chunks,
        } => {
            let path = resolve(cwd, path);
            let read_error = |source| ApplyPatchError::ReadForUpdate {
                path: path.clone(),
                source,
            };
            let bytes = overlay.read(&path).map_err(read_error)?;
            let old_content = String::from_utf8(bytes)
                .map_err(|err| read_error(io::Error::new(io::ErrorKind::InvalidData, err)))?;
            let new_content = apply_chunks(&old_content, &path, chunks)?;
            let unified_diff = TextDiff::from_lines(&old_content, &new_content)
                .unified_diff()
                .context_radius(DIFF_CONTEXT_LINES)
                .to_string();
            let mut overwritten_move_content = None;
            let move_path = match move_path {
                Some(dest) => {
                    let dest = resolve(cwd, dest);
                    overwritten_move_content = lossy(overlay.peek(&dest));
                    overlay.write(&dest, new_content.clone().into_bytes())?;
                    overlay.remove(&path, true)?;
                    Some(dest)
                }
                None => {
                    overlay.write(&path, new_content.clone().into_bytes())?;
                    None
                }
            };
            let kind = FileChangeKind::Update {
                move_path,
                old_content,
                new_content,
                unified_diff,
                overwritten_move_content,
            };
            Ok(FileChange { path, kind })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_on_a_device_or_a_fifo_fails_without_reading_it() {
        // Issue 22.2: planning runs in recodex's own process; `/dev/zero` used to be read
        // until memory ran out and a FIFO blocked the turn.
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        for target in [Path::new("/dev/zero"), fifo.as_path()] {
            let text = format!(
                "*** Begin Patch\n*** Update File: {}\n@@\n-a\n+b\n*** End Patch\n",
                target.display()
            );
            let err = plan_patch_text(&text, dir.path()).unwrap_err();
            assert!(err.to_string().contains("not a regular file"), "{err}");
        }
    }
}
