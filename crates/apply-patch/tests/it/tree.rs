//! Snapshots of small directory trees: files (bytes and executable bit) and symlinks.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};

/// One entry of a tree; directories are implied by their contents (git stores no empty
/// directory, so they are not compared).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Entry {
    File { bytes: Vec<u8>, executable: bool },
    Symlink(PathBuf),
}

pub(crate) type Tree = BTreeMap<PathBuf, Entry>;

/// Reads the tree under `root`; a missing root is an empty tree.
pub(crate) fn snapshot(root: &Path) -> Tree {
    let mut tree = Tree::new();
    if root.exists() {
        walk(root, Path::new(""), &mut tree);
    }
    tree
}

fn walk(root: &Path, rel: &Path, tree: &mut Tree) {
    let mut entries: Vec<_> = fs::read_dir(root.join(rel))
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let rel = rel.join(entry.file_name());
        let path = root.join(&rel);
        let meta = fs::symlink_metadata(&path).unwrap();
        if meta.file_type().is_symlink() {
            tree.insert(rel, Entry::Symlink(fs::read_link(&path).unwrap()));
        } else if meta.is_dir() {
            walk(root, &rel, tree);
        } else {
            let executable = meta.permissions().mode() & 0o111 != 0;
            let bytes = fs::read(&path).unwrap();
            tree.insert(rel, Entry::File { bytes, executable });
        }
    }
}

/// Copies the tree under `from` (if any) into `to`, keeping symlinks and modes.
pub(crate) fn copy(from: &Path, to: &Path) {
    if !from.exists() {
        return;
    }
    for (rel, entry) in snapshot(from) {
        let dest = to.join(&rel);
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        match entry {
            Entry::Symlink(target) => symlink(target, &dest).unwrap(),
            Entry::File { bytes, .. } => {
                fs::write(&dest, bytes).unwrap();
                let mode = fs::metadata(from.join(&rel)).unwrap().permissions().mode();
                fs::set_permissions(&dest, fs::Permissions::from_mode(mode)).unwrap();
            }
        }
    }
    // Directories that hold nothing but other directories still need to exist.
    copy_dirs(from, to);
}

fn copy_dirs(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            let dest = to.join(entry.file_name());
            fs::create_dir_all(&dest).unwrap();
            copy_dirs(&entry.path(), &dest);
        }
    }
}

/// A readable rendering of the differences between two trees.
pub(crate) fn describe_difference(expected: &Tree, actual: &Tree) -> String {
    let mut out = String::new();
    for (path, entry) in expected {
        match actual.get(path) {
            None => out.push_str(&format!("missing {}\n", path.display())),
            Some(other) if other != entry => {
                out.push_str(&format!(
                    "differs {}: expected {:?}, got {:?}\n",
                    path.display(),
                    render(entry),
                    render(other)
                ));
            }
            Some(_) => {}
        }
    }
    for path in actual.keys().filter(|p| !expected.contains_key(*p)) {
        out.push_str(&format!("unexpected {}\n", path.display()));
    }
    out
}

fn render(entry: &Entry) -> String {
    match entry {
        Entry::File { bytes, executable } => {
            format!(
                "{:?}{}",
                String::from_utf8_lossy(bytes),
                if *executable { " (x)" } else { "" }
            )
        }
        Entry::Symlink(target) => format!("-> {}", target.display()),
    }
}
