//! The turn's aggregated diff: what the patches applied during one turn changed, as one
//! git-style unified diff (`diff --git`, blob ids, `new file mode`, 3 lines of context).
//!
//! It is computed from the patches' own before/after contents (not by re-reading the
//! tree): for each path, the contents before the first patch that touched it in this turn
//! and after the last one. A file moved during the turn is shown as one diff from its old
//! name to its new one.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use recodex_apply_patch::{FileChange, FileChangeKind};

const ZERO_OID: &str = "0000000000000000000000000000000000000000";
const FILE_MODE: &str = "100644";
const CONTEXT_LINES: usize = 3;

/// Net changes of the current turn.
#[derive(Debug, Default)]
pub(crate) struct TurnDiff {
    /// Paths are shown relative to this directory.
    root: PathBuf,
    /// Contents before the turn touched the path (`None` key absent: did not exist).
    before: HashMap<PathBuf, String>,
    /// Contents now (absent: does not exist now, or never touched).
    after: HashMap<PathBuf, String>,
    /// For a path that exists now because of a move: where its contents came from.
    moved_from: HashMap<PathBuf, PathBuf>,
}

impl TurnDiff {
    pub(crate) fn new(root: PathBuf) -> Self {
        Self {
            root,
            ..Self::default()
        }
    }

    /// Records the changes of a patch that was applied successfully.
    pub(crate) fn record(&mut self, changes: &[FileChange]) {
        for change in changes {
            let path = &change.path;
            match &change.kind {
                FileChangeKind::Add {
                    content,
                    overwritten_content,
                } => {
                    self.moved_from.remove(path);
                    if let Some(old) = overwritten_content {
                        self.remember_before(path, old);
                    }
                    self.after.insert(path.clone(), content.clone());
                }
                FileChangeKind::Delete { content } => {
                    if self.after.remove(path).is_none() {
                        self.remember_before(path, content);
                    }
                    self.moved_from.remove(path);
                }
                FileChangeKind::Update {
                    move_path,
                    old_content,
                    new_content,
                    overwritten_move_content,
                    ..
                } => {
                    self.remember_before(path, old_content);
                    match move_path {
                        None => {
                            self.after.insert(path.clone(), new_content.clone());
                        }
                        Some(dest) => {
                            if let Some(old) = overwritten_move_content {
                                self.remember_before(dest, old);
                            }
                            let origin =
                                self.moved_from.remove(path).unwrap_or_else(|| path.clone());
                            self.after.remove(path);
                            self.after.insert(dest.clone(), new_content.clone());
                            self.moved_from.remove(dest);
                            if *dest != origin {
                                self.moved_from.insert(dest.clone(), origin);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Keeps `content` as the path's state before the turn, unless the turn already
    /// knows the path.
    fn remember_before(&mut self, path: &Path, content: &str) {
        if !self.after.contains_key(path) && !self.before.contains_key(path) {
            self.before.insert(path.to_path_buf(), content.to_owned());
        }
    }

    /// Moves shown as one diff: origin → destination, when the origin is gone, the
    /// destination did not exist before and the origin did.
    fn renames(&self) -> BTreeMap<PathBuf, PathBuf> {
        self.moved_from
            .iter()
            .filter(|(dest, origin)| {
                dest != origin
                    && !self.after.contains_key(*origin)
                    && self.after.contains_key(*dest)
                    && self.before.contains_key(*origin)
                    && !self.before.contains_key(*dest)
            })
            .map(|(dest, origin)| (origin.clone(), dest.clone()))
            .collect()
    }

    /// The diff of the turn so far, or `None` when nothing differs.
    pub(crate) fn unified_diff(&self) -> Option<String> {
        let renames = self.renames();
        let destinations: Vec<&PathBuf> = renames.values().collect();
        let mut paths: Vec<&PathBuf> = self.before.keys().chain(self.after.keys()).collect();
        paths.sort_by_key(|path| (self.display(path), (*path).clone()));
        paths.dedup();
        let mut out = String::new();
        for path in paths {
            if destinations.contains(&path) {
                continue;
            }
            let (right, right_content) = match renames.get(path) {
                Some(dest) => (dest.as_path(), self.after.get(dest)),
                None => (path.as_path(), self.after.get(path)),
            };
            if let Some(diff) = self.render(path, self.before.get(path), right, right_content) {
                out.push_str(&diff);
                if !out.ends_with('\n') {
                    out.push('\n');
                }
            }
        }
        (!out.is_empty()).then_some(out)
    }

    fn render(
        &self,
        left: &Path,
        old: Option<&String>,
        right: &Path,
        new: Option<&String>,
    ) -> Option<String> {
        if old == new {
            return None;
        }
        let (left, right) = (self.display(left), self.display(right));
        let mut diff = format!("diff --git a/{left} b/{right}\n");
        match (old, new) {
            (None, Some(_)) => diff.push_str(&format!("new file mode {FILE_MODE}\n")),
            (Some(_), None) => diff.push_str(&format!("deleted file mode {FILE_MODE}\n")),
            _ => {}
        }
        let oid = |content: Option<&String>| content.map_or(ZERO_OID.to_owned(), |c| blob_id(c));
        diff.push_str(&format!("index {}..{}\n", oid(old), oid(new)));
        let old_header = old.map_or("/dev/null".to_owned(), |_| format!("a/{left}"));
        let new_header = new.map_or("/dev/null".to_owned(), |_| format!("b/{right}"));
        let old_text = old.map_or("", String::as_str);
        let new_text = new.map_or("", String::as_str);
        let body = similar::TextDiff::from_lines(old_text, new_text)
            .unified_diff()
            .context_radius(CONTEXT_LINES)
            .header(&old_header, &new_header)
            .to_string();
        diff.push_str(&body);
        Some(diff)
    }

    fn display(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// Git's object id of a blob holding `content` (SHA-1 of `blob <len>\0<content>`).
fn blob_id(content: &str) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY);
    ctx.update(format!("blob {}\0", content.len()).as_bytes());
    ctx.update(content.as_bytes());
    hex::encode(ctx.finish().as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(diff: &mut TurnDiff, cwd: &Path, patch: &str) {
        let plan = recodex_apply_patch::plan_patch_text(patch, cwd).unwrap();
        plan.apply().unwrap();
        diff.record(plan.changes());
    }

    #[test]
    fn blob_ids_are_gits() {
        // `printf 'h\n' | git hash-object --stdin`
        assert_eq!(blob_id("h\n"), "6e9f0da13f19b444ec3a9c3d6e795ad35c0554a2");
        assert_eq!(blob_id(""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }

    #[test]
    fn added_and_updated_files_render_like_git() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path();
        std::fs::write(cwd.join("m.txt"), "1\n").unwrap();
        let mut diff = TurnDiff::new(cwd.to_path_buf());
        assert_eq!(diff.unified_diff(), None);
        apply(
            &mut diff,
            cwd,
            "*** Begin Patch\n*** Add File: hh.txt\n+h\n*** Update File: m.txt\n@@\n-1\n+2\n*** End Patch\n",
        );
        // Captured from codex-cli 0.136.0 (`exec` human output).
        let expected = "diff --git a/hh.txt b/hh.txt\nnew file mode 100644\nindex 0000000000000000000000000000000000000000..6e9f0da13f19b444ec3a9c3d6e795ad35c0554a2\n--- /dev/null\n+++ b/hh.txt\n@@ -0,0 +1 @@\n+h\ndiff --git a/m.txt b/m.txt\nindex d00491fd7e5bb6fa28c517a0bb32b8b506539d4d..0cfbf08886fca9a91cb753ec8734c84fcbe52c9f\n--- a/m.txt\n+++ b/m.txt\n@@ -1 +1 @@\n-1\n+2\n";
        assert_eq!(diff.unified_diff().as_deref(), Some(expected));
    }

    #[test]
    fn net_changes_over_several_patches() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path();
        std::fs::write(cwd.join("a.txt"), "a\n").unwrap();
        let mut diff = TurnDiff::new(cwd.to_path_buf());
        // Add then delete in the same turn: nothing to show.
        apply(
            &mut diff,
            cwd,
            "*** Begin Patch\n*** Add File: t.txt\n+t\n*** End Patch\n",
        );
        apply(
            &mut diff,
            cwd,
            "*** Begin Patch\n*** Delete File: t.txt\n*** End Patch\n",
        );
        assert_eq!(diff.unified_diff(), None);
        // A move then an edit of the moved file: one rename diff from the original.
        apply(
            &mut diff,
            cwd,
            "*** Begin Patch\n*** Update File: a.txt\n*** Move to: b.txt\n@@\n-a\n+b\n*** End Patch\n",
        );
        apply(
            &mut diff,
            cwd,
            "*** Begin Patch\n*** Update File: b.txt\n@@\n-b\n+c\n*** End Patch\n",
        );
        let text = diff.unified_diff().unwrap();
        assert!(
            text.starts_with("diff --git a/a.txt b/b.txt\nindex "),
            "{text}"
        );
        assert!(
            text.ends_with("--- a/a.txt\n+++ b/b.txt\n@@ -1 +1 @@\n-a\n+c\n"),
            "{text}"
        );
    }

    #[test]
    fn a_deleted_file_shows_its_old_contents() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path();
        std::fs::write(cwd.join("d.txt"), "x\ny\n").unwrap();
        let mut diff = TurnDiff::new(cwd.to_path_buf());
        apply(
            &mut diff,
            cwd,
            "*** Begin Patch\n*** Delete File: d.txt\n*** End Patch\n",
        );
        let text = diff.unified_diff().unwrap();
        assert!(text.starts_with("diff --git a/d.txt b/d.txt\ndeleted file mode 100644\nindex "));
        assert!(text.ends_with("..0000000000000000000000000000000000000000\n--- a/d.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-x\n-y\n"), "{text}");
    }
}
