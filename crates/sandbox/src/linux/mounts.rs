//! The filesystem view of a confined command, built in a new mount namespace.
//!
//! Order matters, each step overriding the previous one:
//! 1. the whole tree, copied and made read-only recursively, becomes the new root
//!    (`pivot_root`, the old root detached);
//! 2. a minimal `/dev`: a tmpfs holding `null`, `zero`, `full`, `random`, `urandom` and
//!    `tty` (binds of the host's nodes), a private `devpts`, a private writable `/dev/shm`,
//!    then made read-only itself (so no raw disk or other device is reachable);
//! 3. the writable roots, bound from the host tree with their original flags, parents first;
//! 4. the protected subpaths (`.git`, `.agents`, `.codex`, …), read-only copies bound over
//!    the writable ones; a missing one gets an empty read-only tmpfs over a placeholder
//!    directory the parent made (as the reference shows them: empty `dr-xr-xr-x`
//!    directories), and one that is a symlink gets a read-only `/dev/null` bound over the
//!    link itself, so neither can be created, replaced or followed;
//! 5. a fresh `/proc` for the new PID namespace, or an empty read-only one when that is not
//!    possible or not wanted (the host's `/proc` would show host processes, and their
//!    `/proc/<pid>/root` links lead back to the writable host tree).
//!
//! All sources are copied (`open_tree`) from the host view before anything moves, so later
//! shadowing cannot change what a bind shows.

use std::ffi::CString;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use super::sys;
use crate::error::SandboxError;
use crate::policy::ResolvedPolicy;

/// Device nodes bound into the sandbox's `/dev`.
const DEV_NODES: [&str; 6] = ["null", "zero", "full", "random", "urandom", "tty"];

/// Directories tried, in order, as the temporary attach point of the new root.
const STAGING_DIRS: [&str; 6] = ["/tmp", "/mnt", "/opt", "/var", "/usr", "/etc"];

/// What `/proc` shows inside the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProcMode {
    /// A fresh `proc` for the sandbox's PID namespace (falls back to `Hidden` when the kernel
    /// refuses it, with a warning).
    Fresh,
    /// An empty read-only directory (`--no-proc`).
    Hidden,
}

/// The mounts to make, computed in the parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MountPlan {
    /// Writable roots, parents first.
    pub(crate) writable: Vec<PathBuf>,
    /// Existing protected paths (not symlinks) that get a read-only copy of themselves.
    pub(crate) read_only: Vec<PathBuf>,
    /// Symlinks that get a read-only `/dev/null` bound over them.
    pub(crate) masks: Vec<PathBuf>,
    /// Missing protected paths: the parent creates an empty directory there to serve as the
    /// mount point of an empty read-only tmpfs, and removes it afterwards.
    pub(crate) placeholders: Vec<PathBuf>,
    /// Denied directories: an empty read-only tmpfs is mounted over each (they show empty,
    /// as the reference shows them).
    pub(crate) denied_dirs: Vec<PathBuf>,
    /// What `/proc` shows.
    pub(crate) proc_mode: ProcMode,
}

impl MountPlan {
    /// The plan for a policy that confines the filesystem.
    pub(crate) fn new(resolved: &ResolvedPolicy, proc_mode: ProcMode) -> Self {
        let writable: Vec<PathBuf> = resolved
            .writable_roots
            .iter()
            .map(|root| root.root.clone())
            .collect();
        let mut read_only = Vec::new();
        let mut masks = Vec::new();
        let mut placeholders = Vec::new();
        let mut protected: Vec<&PathBuf> = resolved
            .writable_roots
            .iter()
            .flat_map(|root| root.read_only_subpaths.iter())
            .collect();
        protected.sort();
        protected.dedup();
        for path in protected {
            match std::fs::symlink_metadata(path) {
                Ok(meta) if meta.file_type().is_symlink() => push_unique(&mut masks, path),
                Ok(_) => push_unique(&mut read_only, path),
                Err(_) => {
                    let missing = first_missing_component(path);
                    if writable.iter().any(|root| missing.starts_with(root)) {
                        push_unique(&mut placeholders, &missing);
                    }
                }
            }
        }
        // Denied paths come last, so they win over any bind above them: a directory gets an
        // empty read-only tmpfs, a file (or link) `/dev/null` (reads are empty, writes go
        // nowhere), and a missing one inside a writable root the empty read-only placeholder,
        // so it cannot be created.
        let mut denied_dirs = Vec::new();
        for path in &resolved.denied {
            match std::fs::symlink_metadata(path) {
                Ok(meta) if meta.is_dir() => push_unique(&mut denied_dirs, path),
                Ok(_) => push_unique(&mut masks, path),
                Err(_) => {
                    let missing = first_missing_component(path);
                    if writable.iter().any(|root| missing.starts_with(root)) {
                        push_unique(&mut placeholders, &missing);
                    }
                }
            }
        }
        Self {
            writable,
            read_only,
            masks,
            placeholders,
            denied_dirs,
            proc_mode,
        }
    }
}

fn push_unique(list: &mut Vec<PathBuf>, path: &Path) {
    if !list.iter().any(|p| p == path) {
        list.push(path.to_path_buf());
    }
}

/// The shortest ancestor of `path` (or `path` itself) that does not exist.
fn first_missing_component(path: &Path) -> PathBuf {
    let mut current = PathBuf::new();
    for component in path.components() {
        current.push(component);
        if std::fs::symlink_metadata(&current).is_err() {
            return current;
        }
    }
    current
}

fn step(what: &str, path: &Path) -> impl FnOnce(std::io::Error) -> SandboxError {
    let step = format!("{what} {}", path.display());
    move |err| SandboxError::setup(step, err)
}

/// Sources copied from the host view before the root changes.
struct Sources {
    root: OwnedFd,
    writable: Vec<(PathBuf, OwnedFd)>,
    read_only: Vec<(PathBuf, OwnedFd)>,
    null_read_only: OwnedFd,
    devices: Vec<(&'static str, OwnedFd)>,
    host_pts: Option<OwnedFd>,
}

impl Sources {
    fn collect(plan: &MountPlan) -> Result<Self, SandboxError> {
        let slash = Path::new("/");
        let root = sys::clone_tree(None, slash, true).map_err(step("copying", slash))?;
        sys::set_tree_attr(&root, sys::MOUNT_ATTR_RDONLY, true)
            .map_err(step("making read-only the copy of", slash))?;
        let mut writable = Vec::new();
        for path in &plan.writable {
            let fd = sys::clone_tree(None, path, true).map_err(step("copying", path))?;
            writable.push((path.clone(), fd));
        }
        let mut read_only = Vec::new();
        for path in &plan.read_only {
            let fd = sys::clone_tree(None, path, true).map_err(step("copying", path))?;
            sys::set_tree_attr(&fd, sys::MOUNT_ATTR_RDONLY, true)
                .map_err(step("making read-only the copy of", path))?;
            read_only.push((path.clone(), fd));
        }
        let dev_null = Path::new("/dev/null");
        let null_read_only =
            sys::clone_tree(None, dev_null, false).map_err(step("copying", dev_null))?;
        sys::set_tree_attr(&null_read_only, sys::MOUNT_ATTR_RDONLY, false)
            .map_err(step("making read-only the copy of", dev_null))?;
        let mut devices = Vec::new();
        for name in DEV_NODES {
            let path = Path::new("/dev").join(name);
            if let Ok(fd) = sys::clone_tree(None, &path, false) {
                devices.push((name, fd));
            }
        }
        let host_pts = sys::clone_tree(None, Path::new("/dev/pts"), false).ok();
        Ok(Self {
            root,
            writable,
            read_only,
            null_read_only,
            devices,
            host_pts,
        })
    }
}

/// Builds the view described by `plan`. Runs in the sandbox's first process, which holds
/// every capability of the new user namespace.
pub(crate) fn apply(plan: &MountPlan) -> Result<(), SandboxError> {
    let slash = Path::new("/");
    // Nothing done here may propagate back to the host.
    sys::mount(None, slash, None, libc::MS_REC | libc::MS_PRIVATE, None)
        .map_err(step("making private the mounts under", slash))?;
    let sources = Sources::collect(plan)?;

    let staging = STAGING_DIRS
        .iter()
        .map(Path::new)
        .find(|dir| dir.is_dir())
        .ok_or_else(|| {
            SandboxError::setup(
                "finding a directory to stage the new root",
                std::io::Error::from(std::io::ErrorKind::NotFound),
            )
        })?;
    sys::attach_tree(&sources.root, staging).map_err(step("attaching the new root at", staging))?;
    sys::fchdir(&sources.root).map_err(step("entering the new root at", staging))?;
    sys::pivot_to_cwd().map_err(step("switching to the new root from", staging))?;

    build_dev(&sources)?;
    for (path, fd) in &sources.writable {
        sys::attach_tree(fd, path).map_err(step("binding writable", path))?;
    }
    for (path, fd) in &sources.read_only {
        sys::attach_tree(fd, path).map_err(step("binding read-only", path))?;
    }
    for path in &plan.masks {
        let fd = sys::clone_tree(
            Some(sources.null_read_only.as_raw_fd()),
            Path::new(""),
            false,
        )
        .map_err(step("copying /dev/null for", path))?;
        sys::attach_tree(&fd, path).map_err(step("masking", path))?;
    }
    let tmpfs = cstring("tmpfs")?;
    for path in &plan.placeholders {
        sys::mount(
            Some(&tmpfs),
            path,
            Some(&tmpfs),
            libc::MS_RDONLY | libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
            Some(&cstring("mode=0555")?),
        )
        .map_err(step("mounting an empty read-only directory on", path))?;
    }
    for path in &plan.denied_dirs {
        sys::mount(
            Some(&tmpfs),
            path,
            Some(&tmpfs),
            libc::MS_RDONLY | libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
            Some(&cstring("mode=0555")?),
        )
        .map_err(step("hiding the denied directory", path))?;
    }
    mount_proc(plan.proc_mode)
}

fn cstring(text: &str) -> Result<CString, SandboxError> {
    CString::new(text).map_err(|_| {
        SandboxError::setup(
            "preparing mount options",
            std::io::Error::from(std::io::ErrorKind::InvalidInput),
        )
    })
}

fn build_dev(sources: &Sources) -> Result<(), SandboxError> {
    let dev = Path::new("/dev");
    let tmpfs = cstring("tmpfs")?;
    sys::mount(
        Some(&tmpfs),
        dev,
        Some(&tmpfs),
        libc::MS_NOSUID | libc::MS_NOEXEC,
        Some(&cstring("mode=0755")?),
    )
    .map_err(step("mounting a tmpfs on", dev))?;
    for (name, fd) in &sources.devices {
        let path = dev.join(name);
        std::fs::File::create(&path).map_err(step("creating", &path))?;
        sys::attach_tree(fd, &path).map_err(step("binding", &path))?;
    }
    let pts = dev.join("pts");
    std::fs::create_dir(&pts).map_err(step("creating", &pts))?;
    let devpts = cstring("devpts")?;
    let fresh_pts = sys::mount(
        Some(&devpts),
        &pts,
        Some(&devpts),
        libc::MS_NOSUID | libc::MS_NOEXEC,
        Some(&cstring("newinstance,ptmxmode=0666,mode=0620")?),
    );
    match (fresh_pts, &sources.host_pts) {
        (Ok(()), _) => {}
        (Err(_), Some(host)) => sys::attach_tree(host, &pts).map_err(step("binding", &pts))?,
        (Err(err), None) => return Err(step("mounting devpts on", &pts)(err)),
    }
    let links = [
        ("ptmx", "pts/ptmx"),
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ];
    for (name, target) in links {
        let path = dev.join(name);
        std::os::unix::fs::symlink(target, &path).map_err(step("linking", &path))?;
    }
    let shm = dev.join("shm");
    std::fs::create_dir(&shm).map_err(step("creating", &shm))?;
    sys::mount(
        Some(&tmpfs),
        &shm,
        Some(&tmpfs),
        libc::MS_NOSUID | libc::MS_NODEV,
        Some(&cstring("mode=1777")?),
    )
    .map_err(step("mounting a tmpfs on", &shm))?;
    let dev_mount = sys::open_mount(dev).map_err(step("opening the mount", dev))?;
    sys::set_tree_attr(&dev_mount, sys::MOUNT_ATTR_RDONLY, false)
        .map_err(step("making read-only", dev))
}

fn mount_proc(mode: ProcMode) -> Result<(), SandboxError> {
    let proc_dir = Path::new("/proc");
    if mode == ProcMode::Fresh {
        let proc_fs = cstring("proc")?;
        let fresh = sys::mount(
            Some(&proc_fs),
            proc_dir,
            Some(&proc_fs),
            libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
            None,
        );
        match fresh {
            Ok(()) => return Ok(()),
            Err(err) => {
                #[allow(clippy::print_stderr)]
                {
                    eprintln!(
                        "codex-linux-sandbox: could not mount a fresh /proc ({err}); hiding /proc instead"
                    );
                }
            }
        }
    }
    let tmpfs = cstring("tmpfs")?;
    sys::mount(
        Some(&tmpfs),
        proc_dir,
        Some(&tmpfs),
        libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC | libc::MS_RDONLY,
        Some(&cstring("mode=0555")?),
    )
    .map_err(step("hiding", proc_dir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;
    use recodex_protocol::permissions::SandboxPolicy;

    #[test]
    fn plan_binds_existing_protected_paths_and_masks_missing_and_symlinked_ones() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir(cwd.join(".git")).unwrap();
        std::fs::create_dir(cwd.join("decoy")).unwrap();
        std::os::unix::fs::symlink("decoy", cwd.join(".agents")).unwrap();
        let policy = SandboxPolicy::WorkspaceWrite {
            writable_roots: Vec::new(),
            network_access: false,
            exclude_tmpdir_env_var: true,
            exclude_slash_tmp: true,
        };
        let resolved = ResolvedPolicy::from_sandbox_policy(&policy, &cwd, None).unwrap();
        let plan = MountPlan::new(&resolved, ProcMode::Fresh);
        assert_eq!(plan.writable, vec![cwd.clone()]);
        assert_eq!(plan.read_only, vec![cwd.join(".git")]);
        assert_eq!(plan.masks, vec![cwd.join(".agents")]);
        assert_eq!(plan.placeholders, vec![cwd.join(".codex")]);
    }

    #[test]
    fn first_missing_component_stops_at_the_first_gap() {
        let dir = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(dir.path()).unwrap();
        assert_eq!(first_missing_component(&base.join("a/b/c")), base.join("a"));
    }
}
