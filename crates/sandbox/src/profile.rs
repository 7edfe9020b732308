//! Resolution of the reference's permission profile (`--permission-profile` JSON,
//! `permission_profile` in a rollout's `turn_context`; the type is
//! `recodex_protocol::permissions::PermissionProfile`), the subset the Linux sandbox enforces.
//!
//! Supported entries: `root` read (required: restricted reads are not enforced), `write` on
//! paths, `project_roots` (with an optional `subpath`), `tmpdir` and `slash_tmp`, and `read`
//! entries inside writable roots (they become read-only carve-outs), and `deny` on exact paths
//! (hidden: see `ResolvedPolicy::denied`). Deny globs are refused rather than ignored;
//! `minimal` is implied by a root read.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use recodex_protocol::permissions::{
    FileSystemAccessMode, FileSystemPath, FileSystemSandboxEntry, FileSystemSpecialPath,
    ManagedFileSystemPermissions, NetworkSandboxPolicy, PermissionProfile,
};

use crate::error::SandboxError;
use crate::policy::ResolvedPolicy;

/// Parses the JSON of `--permission-profile`.
pub fn parse_permission_profile(text: &str) -> Result<PermissionProfile, SandboxError> {
    serde_json::from_str(text).map_err(|err| SandboxError::InvalidProfile(err.to_string()))
}

impl ResolvedPolicy {
    /// Resolves a permission profile for `cwd` (the policy cwd); `tmpdir` is the caller's
    /// `$TMPDIR`.
    pub fn from_permission_profile(
        profile: &PermissionProfile,
        cwd: &Path,
        tmpdir: Option<&OsStr>,
    ) -> Result<Self, SandboxError> {
        if !cwd.is_absolute() {
            return Err(SandboxError::RelativeCwd(cwd.to_path_buf()));
        }
        let (file_system, network) = match profile {
            PermissionProfile::Disabled => return Ok(Self::full_access(true)),
            PermissionProfile::External { network } => {
                return Ok(Self::full_access(*network == NetworkSandboxPolicy::Enabled));
            }
            PermissionProfile::Managed {
                file_system,
                network,
            } => (file_system, *network == NetworkSandboxPolicy::Enabled),
        };
        let entries = match file_system {
            ManagedFileSystemPermissions::Unrestricted => return Ok(Self::full_access(network)),
            ManagedFileSystemPermissions::Restricted { entries, .. } => entries,
        };
        resolve_entries(entries, cwd, tmpdir, network)
    }
}

fn resolve_entries(
    entries: &[FileSystemSandboxEntry],
    cwd: &Path,
    tmpdir: Option<&OsStr>,
    network: bool,
) -> Result<ResolvedPolicy, SandboxError> {
    let mut full_read = false;
    let mut writes = Vec::new();
    let mut reads = Vec::new();
    let mut denied = Vec::new();
    for entry in entries {
        let target = match &entry.path {
            FileSystemPath::GlobPattern { pattern } => {
                return Err(SandboxError::Unsupported(format!(
                    "glob pattern entries ({pattern}) are not enforced by this sandbox"
                )));
            }
            FileSystemPath::Path { path } => Target::Path(cwd.join(path)),
            FileSystemPath::Special { value } => match value {
                FileSystemSpecialPath::Root => Target::Root,
                // Implied by a root read; an unknown special path is ignored, as the reference
                // ignores it.
                FileSystemSpecialPath::Minimal | FileSystemSpecialPath::Unknown { .. } => continue,
                FileSystemSpecialPath::ProjectRoots { subpath } => {
                    Target::Path(subpath.as_ref().map_or(cwd.to_path_buf(), |s| cwd.join(s)))
                }
                FileSystemSpecialPath::SlashTmp => Target::Path(PathBuf::from("/tmp")),
                FileSystemSpecialPath::Tmpdir => match tmpdir.filter(|t| !t.is_empty()) {
                    Some(dir) if Path::new(dir).is_absolute() => Target::Path(PathBuf::from(dir)),
                    _ => continue,
                },
            },
        };
        match (entry.access, target) {
            (FileSystemAccessMode::Deny, Target::Root) => {
                return Err(SandboxError::Unsupported(
                    "a deny entry on the root is not enforced by this sandbox".to_owned(),
                ));
            }
            (FileSystemAccessMode::Deny, Target::Path(path)) => denied.push(path),
            (FileSystemAccessMode::Write, Target::Root) => {
                return Ok(ResolvedPolicy::full_access(network));
            }
            (FileSystemAccessMode::Read, Target::Root) => full_read = true,
            (FileSystemAccessMode::Write, Target::Path(path)) => writes.push(path),
            (FileSystemAccessMode::Read, Target::Path(path)) => reads.push(path),
        }
    }
    if !full_read {
        return Err(SandboxError::Unsupported(
            "restricted read access (no read grant on the root) is not enforced by this sandbox"
                .to_owned(),
        ));
    }
    let mut resolved = ResolvedPolicy::read_only(network);
    for root in &writes {
        resolved.add_writable_root(root);
    }
    // An explicit write grant on a protected path (say `<root>/.codex`) lifts its protection.
    for root in &writes {
        resolved.remove_read_only_subpath(&canonical_or_lexical(root));
    }
    // A read rule for a path that also has a write rule (a protected `.git` a profile makes
    // writable) does not take the write away again.
    let written: Vec<PathBuf> = writes.iter().map(|p| canonical_or_lexical(p)).collect();
    for path in &reads {
        let path = canonical_or_lexical(path);
        if !written.contains(&path) {
            resolved.add_read_only_subpath(&path);
        }
    }
    for path in &denied {
        let path = canonical_or_lexical(path);
        if !resolved.denied.contains(&path) {
            resolved.denied.push(path);
        }
    }
    Ok(resolved)
}

enum Target {
    Root,
    Path(PathBuf),
}

/// The canonical path when the parent exists (so it matches the canonical writable roots),
/// else the lexical one.
fn canonical_or_lexical(path: &Path) -> PathBuf {
    if let Ok(canonical) = std::fs::canonicalize(path) {
        return canonical;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => std::fs::canonicalize(parent)
            .map(|p| p.join(name))
            .unwrap_or_else(|_| crate::policy::normalize(path)),
        _ => crate::policy::normalize(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;
    use recodex_protocol::permissions::SandboxPolicy;

    const SAMPLE: &str = r#"{"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"root"}},"access":"read"},{"path":{"type":"path","path":"$WORKSPACE"},"access":"write"},{"path":{"type":"special","value":{"kind":"slash_tmp"}},"access":"write"},{"path":{"type":"special","value":{"kind":"tmpdir"}},"access":"write"},{"path":{"type":"path","path":"$WORKSPACE/.git"},"access":"read"},{"path":{"type":"path","path":"$WORKSPACE/.agents"},"access":"read"},{"path":{"type":"path","path":"$WORKSPACE/.codex"},"access":"read"}]},"network":"restricted"}"#;

    fn resolve(json: &str, cwd: &Path) -> Result<ResolvedPolicy, SandboxError> {
        ResolvedPolicy::from_permission_profile(&parse_permission_profile(json)?, cwd, None)
    }

    #[test]
    fn a_write_on_a_protected_path_survives_its_read_rule() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir(cwd.join(".git")).unwrap();
        let w = cwd.display();
        let json = format!(
            r#"{{"type":"managed","file_system":{{"type":"restricted","entries":[{{"path":{{"type":"special","value":{{"kind":"root"}}}},"access":"read"}},{{"path":{{"type":"path","path":"{w}"}},"access":"write"}},{{"path":{{"type":"path","path":"{w}/.git"}},"access":"read"}},{{"path":{{"type":"path","path":"{w}/.git"}},"access":"write"}}]}},"network":"restricted"}}"#
        );
        let resolved = resolve(&json, &cwd).unwrap();
        assert!(resolved.can_write(&cwd.join(".git/config")));
        assert!(!resolved.can_write(&cwd.join(".codex/config.toml")));
    }

    #[test]
    fn reference_sample_resolves_like_the_legacy_policy() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = std::fs::canonicalize(dir.path()).unwrap();
        let text = SAMPLE.replace("$WORKSPACE", cwd.to_str().unwrap());
        let profile = parse_permission_profile(&text).unwrap();
        let tmpdir = cwd.join("t");
        std::fs::create_dir(&tmpdir).unwrap();
        let from_profile =
            ResolvedPolicy::from_permission_profile(&profile, &cwd, Some(tmpdir.as_os_str()))
                .unwrap();
        let policy = SandboxPolicy::WorkspaceWrite {
            writable_roots: Vec::new(),
            network_access: false,
            exclude_tmpdir_env_var: false,
            exclude_slash_tmp: false,
        };
        let from_policy =
            ResolvedPolicy::from_sandbox_policy(&policy, &cwd, Some(tmpdir.as_os_str())).unwrap();
        assert_eq!(from_profile, from_policy);
    }

    #[test]
    fn exact_deny_entries_are_kept_and_deny_globs_and_restricted_reads_refused() {
        let deny = r#"{"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"root"}},"access":"read"},{"path":{"type":"path","path":"/etc"},"access":"none"}]},"network":"restricted"}"#;
        let resolved = resolve(deny, Path::new("/")).unwrap();
        assert_eq!(resolved.denied, [PathBuf::from("/etc")]);
        assert!(resolved.writable_roots.is_empty());
        let glob = r#"{"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"root"}},"access":"read"},{"path":{"type":"glob_pattern","pattern":"**/.env"},"access":"deny"}]},"network":"restricted"}"#;
        assert!(matches!(
            resolve(glob, Path::new("/")),
            Err(SandboxError::Unsupported(_))
        ));
        let minimal = r#"{"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"minimal"}},"access":"read"}]},"network":"restricted"}"#;
        let err = resolve(minimal, Path::new("/")).unwrap_err();
        assert!(err.to_string().contains("restricted read"));
    }

    #[test]
    fn disabled_external_and_unrestricted() {
        assert!(
            resolve(r#"{"type":"disabled"}"#, Path::new("/"))
                .unwrap()
                .is_unconfined()
        );
        let external = resolve(
            r#"{"type":"external","network":"restricted"}"#,
            Path::new("/"),
        )
        .unwrap();
        assert!(external.full_disk_write && !external.network);
        let unrestricted = resolve(
            r#"{"type":"managed","file_system":{"type":"unrestricted"},"network":"enabled"}"#,
            Path::new("/"),
        )
        .unwrap();
        assert!(unrestricted.is_unconfined());
        assert!(parse_permission_profile("{").is_err());
    }

    #[test]
    fn explicit_write_on_protected_path_lifts_the_protection() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = std::fs::canonicalize(dir.path()).unwrap();
        let text = format!(
            r#"{{"type":"managed","file_system":{{"type":"restricted","entries":[{{"path":{{"type":"special","value":{{"kind":"root"}}}},"access":"read"}},{{"path":{{"type":"special","value":{{"kind":"project_roots"}}}},"access":"write"}},{{"path":{{"type":"path","path":"{0}/.codex"}},"access":"write"}}]}},"network":"restricted"}}"#,
            cwd.display()
        );
        let resolved = resolve(&text, &cwd).unwrap();
        assert!(resolved.can_write(&cwd.join(".codex/config.toml")));
        assert!(!resolved.can_write(&cwd.join(".git/config")));
    }
}
