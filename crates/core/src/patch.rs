//! Deciding whether a patch the model sent may run: verification against the working
//! tree (in this process, before anything is written) and the write-permission check of
//! the sandbox policy. The texts returned to the model on refusal are the reference's.

use std::path::{Path, PathBuf};

use recodex_apply_patch::{ApplyPatchError, FileChange, FileChangeKind, Patch, PatchPlan};
use recodex_protocol::permissions::SandboxPolicy;
use recodex_sandbox::ResolvedPolicy;

/// Why a patch is not applied, as the model reads it.
pub(crate) fn verification_failure(err: &ApplyPatchError) -> String {
    match err {
        ApplyPatchError::NoFilesModified => "patch rejected: empty patch".to_owned(),
        // The reference reads a file to delete while verifying, so a missing one is a
        // read failure there.
        ApplyPatchError::Delete { path, source } => format!(
            "apply_patch verification failed: Failed to read {}: {source}",
            path.display()
        ),
        other => format!("apply_patch verification failed: {other}"),
    }
}

/// Verifies `patch` against the tree at `cwd`: the plan, or the text for the model.
pub(crate) fn verify(patch: &Patch, cwd: &Path) -> Result<PatchPlan, String> {
    recodex_apply_patch::plan_patch(patch, cwd).map_err(|err| verification_failure(&err))
}

/// Whether the session's policy lets the patch run without asking. `Err` holds the text
/// for the model (no front end can ask yet, so a patch that needs approval is refused
/// the way the reference's exec refuses it).
pub(crate) fn assess(
    plan: &PatchPlan,
    policy: &SandboxPolicy,
    cwd: &Path,
    tmpdir: Option<&str>,
) -> Result<(), String> {
    let rejected = |why: &str| {
        Err(format!(
            "patch rejected: {why}; rejected by user approval settings"
        ))
    };
    match policy {
        SandboxPolicy::DangerFullAccess | SandboxPolicy::ExternalSandbox { .. } => Ok(()),
        SandboxPolicy::ReadOnly { .. } => rejected("writing is blocked by read-only sandbox"),
        SandboxPolicy::WorkspaceWrite { .. } => {
            let Ok(resolved) =
                ResolvedPolicy::from_sandbox_policy(policy, cwd, tmpdir.map(std::ffi::OsStr::new))
            else {
                return rejected("writing outside of the project");
            };
            let writable = plan
                .changes()
                .iter()
                .flat_map(written_paths)
                .all(|path| resolved.can_write(&canonical_target(path)));
            if writable {
                Ok(())
            } else {
                rejected("writing outside of the project")
            }
        }
    }
}

/// The paths one change writes: its own, and a move's destination.
fn written_paths(change: &FileChange) -> Vec<&Path> {
    let mut paths = vec![change.path.as_path()];
    if let FileChangeKind::Update {
        move_path: Some(dest),
        ..
    } = &change.kind
    {
        paths.push(dest.as_path());
    }
    paths
}

/// `path` with its deepest existing ancestor resolved (symlinks, `..`), so it compares
/// with the sandbox's canonical roots; the missing rest is appended as written.
fn canonical_target(path: &Path) -> PathBuf {
    let mut existing = path;
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = std::fs::canonicalize(existing) {
            let mut out = canonical;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// One entry of a patch event: a path and what happens to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchChange {
    /// The absolute path the hunk names (for a move, the source).
    pub path: PathBuf,
    /// What happens to it.
    pub kind: PatchChangeKind,
}

/// The kind of a [`PatchChange`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatchChangeKind {
    /// A new (or overwritten) file.
    Add,
    /// A removed file.
    Delete,
    /// An edited file, moved to `move_path` when set.
    Update {
        /// The destination of a move.
        move_path: Option<PathBuf>,
    },
}

/// The plan's changes, one per path (a later hunk on the same path wins), sorted by path
/// as the reference's events list them.
pub(crate) fn summarize(plan: &PatchPlan) -> Vec<PatchChange> {
    let mut by_path = std::collections::BTreeMap::new();
    for change in plan.changes() {
        let kind = match &change.kind {
            FileChangeKind::Add { .. } => PatchChangeKind::Add,
            FileChangeKind::Delete { .. } => PatchChangeKind::Delete,
            FileChangeKind::Update { move_path, .. } => PatchChangeKind::Update {
                move_path: move_path.clone(),
            },
        };
        by_path.insert(change.path.clone(), kind);
    }
    by_path
        .into_iter()
        .map(|(path, kind)| PatchChange { path, kind })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(cwd: &Path, text: &str) -> Result<PatchPlan, String> {
        let patch = recodex_apply_patch::parse_patch(text).map_err(|e| e.to_string())?;
        verify(&patch, cwd)
    }

    fn workspace_write() -> SandboxPolicy {
        SandboxPolicy::WorkspaceWrite {
            writable_roots: Vec::new(),
            network_access: false,
            exclude_tmpdir_env_var: true,
            exclude_slash_tmp: true,
        }
    }

    #[test]
    fn verification_texts_are_the_references() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path();
        let err = plan(
            cwd,
            "*** Begin Patch\n*** Delete File: gone.txt\n*** End Patch\n",
        )
        .unwrap_err();
        assert_eq!(
            err,
            format!(
                "apply_patch verification failed: Failed to read {}/gone.txt: No such file or directory (os error 2)",
                cwd.display()
            )
        );
        let err = plan(
            cwd,
            "*** Begin Patch\n*** Update File: m.txt\n@@\n-a\n+b\n*** End Patch\n",
        )
        .unwrap_err();
        assert_eq!(
            err,
            format!(
                "apply_patch verification failed: Failed to read file to update {}/m.txt: No such file or directory (os error 2)",
                cwd.display()
            )
        );
        let err = plan(cwd, "*** Begin Patch\n*** End Patch\n").unwrap_err();
        assert_eq!(err, "patch rejected: empty patch");
    }

    #[test]
    fn writes_inside_the_workspace_pass_and_outside_or_into_git_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path().join("ws");
        std::fs::create_dir_all(cwd.join(".git")).unwrap();
        let inside = plan(
            &cwd,
            "*** Begin Patch\n*** Add File: a/b.txt\n+x\n*** End Patch\n",
        )
        .unwrap();
        assert_eq!(assess(&inside, &workspace_write(), &cwd, None), Ok(()));

        let outside =
            "patch rejected: writing outside of the project; rejected by user approval settings";
        for text in [
            "*** Begin Patch\n*** Add File: ../out.txt\n+x\n*** End Patch\n",
            "*** Begin Patch\n*** Add File: .git/hooks/x\n+x\n*** End Patch\n",
        ] {
            let p = plan(&cwd, text).unwrap();
            assert_eq!(
                assess(&p, &workspace_write(), &cwd, None),
                Err(outside.to_owned())
            );
        }
        let read_only = SandboxPolicy::ReadOnly {
            network_access: false,
        };
        assert_eq!(
            assess(&inside, &read_only, &cwd, None),
            Err("patch rejected: writing is blocked by read-only sandbox; rejected by user approval settings".to_owned())
        );
        assert_eq!(
            assess(&inside, &SandboxPolicy::DangerFullAccess, &cwd, None),
            Ok(())
        );
    }

    #[test]
    fn a_move_out_of_the_workspace_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path().join("ws");
        std::fs::create_dir_all(&cwd).unwrap();
        std::fs::write(cwd.join("a.txt"), "a\n").unwrap();
        let p = plan(
            &cwd,
            "*** Begin Patch\n*** Update File: a.txt\n*** Move to: ../b.txt\n@@\n-a\n+b\n*** End Patch\n",
        )
        .unwrap();
        assert!(assess(&p, &workspace_write(), &cwd, None).is_err());
    }

    #[test]
    fn summaries_are_sorted_by_path_with_one_entry_per_path() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path();
        std::fs::write(cwd.join("m.txt"), "1\n").unwrap();
        let p = plan(
            cwd,
            "*** Begin Patch\n*** Add File: z.txt\n+z\n*** Update File: m.txt\n*** Move to: n.txt\n@@\n-1\n+2\n*** Add File: a.txt\n+a\n*** End Patch\n",
        )
        .unwrap();
        let kinds: Vec<(String, PatchChangeKind)> = summarize(&p)
            .into_iter()
            .map(|c| {
                let name = c.path.file_name().unwrap().to_string_lossy().into_owned();
                (name, c.kind)
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("a.txt".to_owned(), PatchChangeKind::Add),
                (
                    "m.txt".to_owned(),
                    PatchChangeKind::Update {
                        move_path: Some(cwd.join("n.txt"))
                    }
                ),
                ("z.txt".to_owned(), PatchChangeKind::Add),
            ]
        );
    }
}
