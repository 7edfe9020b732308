//! What a sandboxed command may do, made concrete for one working directory.
//!
//! The policy values themselves are the wire types of `recodex_protocol::permissions`
//! ([`SandboxPolicy`], the value a rollout's `turn_context` records, e.g.
//! `{"type":"workspace-write","network_access":false,"exclude_tmpdir_env_var":false,"exclude_slash_tmp":false}`,
//! and the permission profile, see `crate::profile`). They know nothing of `config.toml`: the
//! caller maps `sandbox_mode` and `[sandbox_workspace_write]` into them
//! ([`sandbox_policy_from_mode`]).
//!
//! [`ResolvedPolicy`] is what the enforcement consumes: absolute writable roots, each with the
//! subpaths that stay read-only inside it (`.git`, `.agents`, `.codex`), and the network switch.

use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};

use recodex_protocol::SandboxMode;
use recodex_protocol::permissions::{NetworkSandboxPolicy, PROTECTED_SUBDIRS, SandboxPolicy};

use crate::error::SandboxError;

/// The `[sandbox_workspace_write]` settings, as values (the caller reads the config).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkspaceWriteSettings {
    /// Extra writable directories.
    pub writable_roots: Vec<PathBuf>,
    /// Whether outbound network is allowed.
    pub network_access: bool,
    /// Leave `$TMPDIR` out of the writable roots.
    pub exclude_tmpdir_env_var: bool,
    /// Leave `/tmp` out of the writable roots.
    pub exclude_slash_tmp: bool,
}

/// The policy for a `sandbox_mode`; `settings` only matter for workspace-write.
pub fn sandbox_policy_from_mode(
    mode: SandboxMode,
    settings: &WorkspaceWriteSettings,
) -> SandboxPolicy {
    match mode {
        SandboxMode::ReadOnly => SandboxPolicy::ReadOnly {
            network_access: false,
        },
        SandboxMode::DangerFullAccess => SandboxPolicy::DangerFullAccess,
        SandboxMode::WorkspaceWrite => SandboxPolicy::WorkspaceWrite {
            writable_roots: settings.writable_roots.clone(),
            network_access: settings.network_access,
            exclude_tmpdir_env_var: settings.exclude_tmpdir_env_var,
            exclude_slash_tmp: settings.exclude_slash_tmp,
        },
    }
}

impl ResolvedPolicy {
    /// Resolves a sandbox policy for `cwd`; `tmpdir` is the caller's `$TMPDIR` value.
    ///
    /// Roots that do not exist are dropped (the reference only keeps `/tmp` when it is a
    /// directory, and a missing root cannot be bound anyway); relative extra roots are taken
    /// relative to `cwd`. An external sandbox leaves the filesystem alone.
    pub fn from_sandbox_policy(
        policy: &SandboxPolicy,
        cwd: &Path,
        tmpdir: Option<&OsStr>,
    ) -> Result<Self, SandboxError> {
        let cwd = absolute_cwd(cwd)?;
        let (writable_roots, network, exclude_tmpdir, exclude_slash_tmp) = match policy {
            SandboxPolicy::DangerFullAccess => return Ok(Self::full_access(true)),
            SandboxPolicy::ExternalSandbox { network_access } => {
                return Ok(Self::full_access(
                    *network_access == NetworkSandboxPolicy::Enabled,
                ));
            }
            SandboxPolicy::ReadOnly { network_access } => {
                return Ok(Self::read_only(*network_access));
            }
            SandboxPolicy::WorkspaceWrite {
                writable_roots,
                network_access,
                exclude_tmpdir_env_var,
                exclude_slash_tmp,
            } => (
                writable_roots,
                *network_access,
                *exclude_tmpdir_env_var,
                *exclude_slash_tmp,
            ),
        };
        let mut roots = vec![cwd.clone()];
        roots.extend(writable_roots.iter().map(|root| cwd.join(root)));
        if !exclude_slash_tmp {
            roots.push(PathBuf::from("/tmp"));
        }
        if !exclude_tmpdir
            && let Some(tmpdir) = tmpdir.filter(|value| !value.is_empty())
            && Path::new(tmpdir).is_absolute()
        {
            roots.push(PathBuf::from(tmpdir));
        }
        let mut resolved = Self::read_only(network);
        for root in roots {
            resolved.add_writable_root(&root);
        }
        Ok(resolved)
    }
}

fn absolute_cwd(cwd: &Path) -> Result<PathBuf, SandboxError> {
    if !cwd.is_absolute() {
        return Err(SandboxError::RelativeCwd(cwd.to_path_buf()));
    }
    Ok(normalize(cwd))
}

/// A writable root and the paths inside it that stay read-only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WritableRoot {
    /// The directory the command may write (canonical: symlinks resolved).
    pub root: PathBuf,
    /// Paths under `root` that stay read-only, whether they exist or not.
    pub read_only_subpaths: Vec<PathBuf>,
}

impl WritableRoot {
    /// Whether the policy lets the command write `path` (an absolute, normalized path).
    pub fn is_path_writable(&self, path: &Path) -> bool {
        path.starts_with(&self.root)
            && !self
                .read_only_subpaths
                .iter()
                .any(|sub| path.starts_with(sub))
    }
}

/// The policy made concrete for one working directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedPolicy {
    /// Whether the filesystem is left as it is (no filesystem confinement).
    pub full_disk_write: bool,
    /// Writable roots, parents before children.
    pub writable_roots: Vec<WritableRoot>,
    /// Paths nothing may read or write (a profile's `deny` rules): an existing directory
    /// shows empty, an existing file reads empty, a missing one cannot be created.
    pub denied: Vec<PathBuf>,
    /// Whether outbound network is allowed.
    pub network: bool,
}

impl ResolvedPolicy {
    /// No filesystem confinement; `network` says whether the network stays open.
    pub fn full_access(network: bool) -> Self {
        Self {
            full_disk_write: true,
            writable_roots: Vec::new(),
            denied: Vec::new(),
            network,
        }
    }

    /// Everything readable, nothing writable.
    pub fn read_only(network: bool) -> Self {
        Self {
            full_disk_write: false,
            writable_roots: Vec::new(),
            denied: Vec::new(),
            network,
        }
    }

    /// Whether the policy confines nothing (no filesystem rules, network open).
    pub fn is_unconfined(&self) -> bool {
        self.full_disk_write && self.network
    }

    /// Adds `root` (skipped when it does not exist or is already present) with the default
    /// protected subpaths. The metadata names are protected whether they exist or not, under
    /// every root: a `.git` planted in `/tmp` would otherwise run its hooks or `fsmonitor`
    /// unconfined the next time someone runs `git` below it.
    pub fn add_writable_root(&mut self, root: &Path) {
        let Ok(canonical) = std::fs::canonicalize(root) else {
            return;
        };
        if !canonical.is_dir() || self.writable_roots.iter().any(|r| r.root == canonical) {
            return;
        }
        let read_only_subpaths = default_read_only_subpaths(&canonical);
        self.writable_roots.push(WritableRoot {
            root: canonical,
            read_only_subpaths,
        });
        self.writable_roots
            .sort_by_key(|root| root.root.components().count());
    }

    /// Marks `path` read-only inside whichever writable root contains it.
    pub fn add_read_only_subpath(&mut self, path: &Path) {
        let path = normalize(path);
        let already = self
            .writable_roots
            .iter()
            .any(|root| root.read_only_subpaths.contains(&path));
        // The innermost root holding the path owns the carve-out (roots are sorted by depth).
        let owner = self
            .writable_roots
            .iter_mut()
            .rev()
            .find(|root| path.starts_with(&root.root));
        if let Some(root) = owner
            && !already
        {
            root.read_only_subpaths.push(path);
        }
    }

    /// Drops the default protection of `path` (an explicit write grant for it).
    pub fn remove_read_only_subpath(&mut self, path: &Path) {
        let path = normalize(path);
        for root in &mut self.writable_roots {
            root.read_only_subpaths.retain(|sub| *sub != path);
        }
    }

    /// Whether a write to `path` is allowed by the policy (not by the kernel: a pure check).
    pub fn can_write(&self, path: &Path) -> bool {
        if self.full_disk_write {
            return true;
        }
        // Carve-outs are bound after every writable root, so they win over all of them.
        let path = normalize(path);
        self.writable_roots
            .iter()
            .any(|root| path.starts_with(&root.root))
            && !self
                .writable_roots
                .iter()
                .flat_map(|root| root.read_only_subpaths.iter())
                .any(|sub| path.starts_with(sub))
    }
}

/// `.git` (and the gitdir a `.git` file points to), `.agents` and `.codex` under `root`:
/// the existing ones first, then the missing ones (the reference's order).
fn default_read_only_subpaths(root: &Path) -> Vec<PathBuf> {
    let mut existing = Vec::new();
    let mut missing = Vec::new();
    for name in PROTECTED_SUBDIRS {
        let path = root.join(name);
        if std::fs::symlink_metadata(&path).is_err() {
            missing.push(path);
            continue;
        }
        if name == ".git"
            && path.is_file()
            && let Some(gitdir) = gitdir_from_pointer_file(&path)
        {
            existing.push(gitdir);
        }
        existing.push(path);
    }
    existing.extend(missing);
    existing
}

/// The target of a worktree/submodule `.git` file (`gitdir: <path>`), when it exists.
fn gitdir_from_pointer_file(dot_git: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(dot_git).ok()?;
    let (key, value) = text.trim().split_once(':')?;
    if key.trim() != "gitdir" || value.trim().is_empty() {
        return None;
    }
    let base = dot_git.parent()?;
    let target = base.join(value.trim());
    std::fs::canonicalize(target).ok()
}

/// Lexical normalization: drops `.` and resolves `..` without touching the filesystem.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
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
    use pretty_assertions::assert_eq;

    fn workspace_write() -> SandboxPolicy {
        sandbox_policy_from_mode(
            SandboxMode::WorkspaceWrite,
            &WorkspaceWriteSettings::default(),
        )
    }

    #[test]
    fn modes_map_to_the_reference_wire_shape() {
        let json = r#"{"type":"workspace-write","network_access":false,"exclude_tmpdir_env_var":false,"exclude_slash_tmp":false}"#;
        assert_eq!(serde_json::to_string(&workspace_write()).unwrap(), json);
        let read_only =
            sandbox_policy_from_mode(SandboxMode::ReadOnly, &WorkspaceWriteSettings::default());
        assert_eq!(
            serde_json::to_string(&read_only).unwrap(),
            r#"{"type":"read-only"}"#
        );
    }

    #[test]
    fn workspace_write_resolves_cwd_tmp_and_tmpdir_with_protected_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir(cwd.join(".git")).unwrap();
        let tmpdir = cwd.join("tmpdir");
        std::fs::create_dir(&tmpdir).unwrap();
        let resolved =
            ResolvedPolicy::from_sandbox_policy(&workspace_write(), &cwd, Some(tmpdir.as_os_str()))
                .unwrap();
        let roots: Vec<&Path> = resolved
            .writable_roots
            .iter()
            .map(|r| r.root.as_path())
            .collect();
        assert!(roots.contains(&cwd.as_path()));
        assert!(roots.contains(&Path::new("/tmp")));
        assert!(roots.contains(&tmpdir.as_path()));
        let cwd_root = resolved
            .writable_roots
            .iter()
            .find(|r| r.root == cwd)
            .unwrap();
        assert_eq!(
            cwd_root.read_only_subpaths,
            vec![cwd.join(".git"), cwd.join(".agents"), cwd.join(".codex")]
        );
        assert!(resolved.can_write(&cwd.join("src/main.rs")));
        assert!(!resolved.can_write(&cwd.join(".git/hooks/pre-commit")));
        assert!(!resolved.can_write(&cwd.join("a/../.codex/config.toml")));
        assert!(!resolved.can_write(Path::new("/etc/passwd")));
    }

    #[test]
    fn missing_metadata_names_are_protected_under_every_root() {
        // Issue 22.1: a `.git` created in `/tmp` or `$TMPDIR` would run its hooks outside
        // the sandbox later, so the missing names are carved out of every root, not only
        // the project's.
        let dir = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(dir.path()).unwrap();
        let cwd = base.join("ws");
        let tmpdir = base.join("tmpdir");
        let extra = base.join("extra");
        for d in [&cwd, &tmpdir, &extra] {
            std::fs::create_dir(d).unwrap();
        }
        let policy = SandboxPolicy::WorkspaceWrite {
            writable_roots: vec![extra.clone()],
            network_access: false,
            exclude_tmpdir_env_var: false,
            exclude_slash_tmp: false,
        };
        let resolved =
            ResolvedPolicy::from_sandbox_policy(&policy, &cwd, Some(tmpdir.as_os_str())).unwrap();
        for root in [
            &cwd,
            &tmpdir,
            &extra,
            &std::fs::canonicalize("/tmp").unwrap(),
        ] {
            for name in PROTECTED_SUBDIRS {
                let path = root.join(name);
                assert!(
                    !resolved.can_write(&path.join("config")),
                    "{}",
                    path.display()
                );
            }
            assert!(resolved.can_write(&root.join("file.txt")));
        }
    }

    #[test]
    fn excluded_temp_dirs_are_not_writable() {
        let dir = tempfile::tempdir().unwrap();
        let policy = SandboxPolicy::WorkspaceWrite {
            writable_roots: Vec::new(),
            network_access: true,
            exclude_tmpdir_env_var: true,
            exclude_slash_tmp: true,
        };
        let resolved =
            ResolvedPolicy::from_sandbox_policy(&policy, dir.path(), Some(OsStr::new("/var/tmp")))
                .unwrap();
        assert_eq!(resolved.writable_roots.len(), 1);
        assert!(resolved.network);
    }

    #[test]
    fn full_access_and_external_sandbox_leave_the_filesystem_alone() {
        let root = Path::new("/");
        let full =
            ResolvedPolicy::from_sandbox_policy(&SandboxPolicy::DangerFullAccess, root, None)
                .unwrap();
        assert!(full.is_unconfined());
        let external = SandboxPolicy::ExternalSandbox {
            network_access: NetworkSandboxPolicy::Restricted,
        };
        let resolved = ResolvedPolicy::from_sandbox_policy(&external, root, None).unwrap();
        assert!(resolved.full_disk_write && !resolved.network);
    }

    #[test]
    fn gitdir_pointer_target_is_protected() {
        let dir = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(dir.path()).unwrap();
        let work = base.join("work");
        let gitdir = base.join("repo.git/worktrees/work");
        std::fs::create_dir_all(&work).unwrap();
        std::fs::create_dir_all(&gitdir).unwrap();
        std::fs::write(work.join(".git"), "gitdir: ../repo.git/worktrees/work\n").unwrap();
        let subpaths = default_read_only_subpaths(&work);
        assert_eq!(
            subpaths,
            vec![
                gitdir,
                work.join(".git"),
                work.join(".agents"),
                work.join(".codex")
            ]
        );
    }

    #[test]
    fn relative_cwd_is_rejected() {
        let read_only = SandboxPolicy::ReadOnly {
            network_access: false,
        };
        let err =
            ResolvedPolicy::from_sandbox_policy(&read_only, Path::new("rel"), None).unwrap_err();
        assert!(err.to_string().contains("absolute"));
    }
}
