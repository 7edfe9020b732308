//! What a turn's commands may touch: the sandbox policy and the permission profile, as
//! the reference records them in `turn_context` rollout lines and describes them in the
//! model's environment context.
//!
//! Derivation from a sandbox mode (see [`FileSystemSandboxPolicy::for_sandbox_policy`]):
//! read-only reads everything; workspace-write adds write access to the workspace roots,
//! `/tmp` and `$TMPDIR` (unless excluded) and keeps `.git`, `.agents` and `.codex` under
//! each workspace root read-only; danger-full-access is unrestricted.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The sandbox policy of a turn (`sandbox_policy` in `turn_context`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum SandboxPolicy {
    /// No restrictions.
    DangerFullAccess,
    /// Read anywhere, write nowhere.
    ReadOnly {
        /// Outbound network allowed.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        network_access: bool,
    },
    /// Already inside someone else's sandbox.
    ExternalSandbox {
        /// Whether that sandbox allows the network.
        #[serde(default)]
        network_access: NetworkSandboxPolicy,
    },
    /// Read anywhere, write in the workspace (and temp dirs).
    WorkspaceWrite {
        /// Extra writable folders beyond the workspace roots.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        writable_roots: Vec<PathBuf>,
        /// Outbound network allowed.
        #[serde(default)]
        network_access: bool,
        /// Leave `$TMPDIR` out of the writable roots.
        #[serde(default)]
        exclude_tmpdir_env_var: bool,
        /// Leave `/tmp` out of the writable roots.
        #[serde(default)]
        exclude_slash_tmp: bool,
    },
}

/// Network access of a sandbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkSandboxPolicy {
    /// No outbound network.
    #[default]
    Restricted,
    /// Outbound network allowed.
    Enabled,
}

/// The permission profile of a turn (`permission_profile` in `turn_context`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PermissionProfile {
    /// Codex builds the sandbox from these permissions.
    Managed {
        /// File-system permissions.
        file_system: ManagedFileSystemPermissions,
        /// Network permission.
        network: NetworkSandboxPolicy,
    },
    /// No outer sandbox.
    Disabled,
    /// File-system isolation is the caller's.
    External {
        /// Network permission.
        network: NetworkSandboxPolicy,
    },
}

/// File-system part of a managed profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ManagedFileSystemPermissions {
    /// Only what the entries allow.
    Restricted {
        /// The entries.
        entries: Vec<FileSystemSandboxEntry>,
        /// Depth limit for glob entries.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        glob_scan_max_depth: Option<u64>,
    },
    /// Everything.
    Unrestricted,
}

/// The resolved file-system policy (`file_system_sandbox_policy` in `turn_context`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSystemSandboxPolicy {
    /// Restricted, unrestricted or external.
    pub kind: FileSystemSandboxKind,
    /// The entries (restricted only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<FileSystemSandboxEntry>,
    /// Depth limit for glob entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glob_scan_max_depth: Option<u64>,
}

/// Kind of file-system policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileSystemSandboxKind {
    /// Entries decide.
    Restricted,
    /// Everything allowed.
    Unrestricted,
    /// An outer sandbox decides.
    ExternalSandbox,
}

/// One rule: a path (or special location) and the access to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSystemSandboxEntry {
    /// Where.
    pub path: FileSystemPath,
    /// What.
    pub access: FileSystemAccessMode,
}

/// A location in a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FileSystemPath {
    /// An absolute path.
    Path {
        /// The path.
        path: PathBuf,
    },
    /// A git-style glob (deny rules only).
    GlobPattern {
        /// The pattern.
        pattern: String,
    },
    /// A symbolic location.
    Special {
        /// Which one.
        value: FileSystemSpecialPath,
    },
}

/// Symbolic locations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FileSystemSpecialPath {
    /// The whole file system.
    Root,
    /// What a process minimally needs.
    Minimal,
    /// The workspace roots (optionally a subpath of each).
    ProjectRoots {
        /// Subpath inside each root.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subpath: Option<String>,
    },
    /// `$TMPDIR`.
    Tmpdir,
    /// `/tmp`.
    SlashTmp,
    /// A special path this version does not know (`:name` in a profile), kept but ignored.
    Unknown {
        /// As written.
        path: String,
    },
}

/// Access granted by a rule; `deny` beats `write` beats `read` on equal paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileSystemAccessMode {
    /// Read.
    Read,
    /// Read and write.
    Write,
    /// Nothing (`none` is an old spelling).
    #[serde(alias = "none")]
    Deny,
}

/// Folders kept read-only inside each writable workspace root.
pub const PROTECTED_SUBDIRS: [&str; 3] = [".git", ".agents", ".codex"];

impl FileSystemSandboxPolicy {
    /// The entries a sandbox policy stands for, in the reference's order: root read;
    /// the writable roots (`cwd`, then the policy's extra roots) write; `/tmp` and
    /// `$TMPDIR` write unless excluded; then, folder by folder (`.git`, `.agents`,
    /// `.codex`), that folder of every writable root read-only. Danger-full-access and
    /// external sandboxes have no entries (the reference omits the policy for them).
    pub fn for_sandbox_policy(policy: &SandboxPolicy, cwd: &Path) -> Self {
        let entry = |path, access| FileSystemSandboxEntry { path, access };
        let special = |value| FileSystemPath::Special { value };
        let root_read = || {
            entry(
                special(FileSystemSpecialPath::Root),
                FileSystemAccessMode::Read,
            )
        };
        let restricted = |entries| Self {
            kind: FileSystemSandboxKind::Restricted,
            entries,
            glob_scan_max_depth: None,
        };
        match policy {
            SandboxPolicy::DangerFullAccess => Self {
                kind: FileSystemSandboxKind::Unrestricted,
                entries: Vec::new(),
                glob_scan_max_depth: None,
            },
            SandboxPolicy::ExternalSandbox { .. } => Self {
                kind: FileSystemSandboxKind::ExternalSandbox,
                entries: Vec::new(),
                glob_scan_max_depth: None,
            },
            SandboxPolicy::ReadOnly { .. } => restricted(vec![root_read()]),
            SandboxPolicy::WorkspaceWrite {
                exclude_tmpdir_env_var,
                exclude_slash_tmp,
                ..
            } => {
                let roots = policy.writable_roots(cwd);
                let mut entries = vec![root_read()];
                for root in &roots {
                    entries.push(entry(
                        FileSystemPath::Path { path: root.clone() },
                        FileSystemAccessMode::Write,
                    ));
                }
                if !exclude_slash_tmp {
                    entries.push(entry(
                        special(FileSystemSpecialPath::SlashTmp),
                        FileSystemAccessMode::Write,
                    ));
                }
                if !exclude_tmpdir_env_var {
                    entries.push(entry(
                        special(FileSystemSpecialPath::Tmpdir),
                        FileSystemAccessMode::Write,
                    ));
                }
                for sub in PROTECTED_SUBDIRS {
                    for root in &roots {
                        entries.push(entry(
                            FileSystemPath::Path {
                                path: root.join(sub),
                            },
                            FileSystemAccessMode::Read,
                        ));
                    }
                }
                restricted(entries)
            }
        }
    }
}

impl SandboxPolicy {
    /// The workspace roots a turn reports: `cwd`, then the extra writable roots of a
    /// workspace-write policy (duplicates dropped).
    pub fn writable_roots(&self, cwd: &Path) -> Vec<PathBuf> {
        let mut roots = vec![cwd.to_path_buf()];
        if let SandboxPolicy::WorkspaceWrite { writable_roots, .. } = self {
            for root in writable_roots {
                if !roots.contains(root) {
                    roots.push(root.clone());
                }
            }
        }
        roots
    }
}

impl PermissionProfile {
    /// The profile recorded for a sandbox policy.
    pub fn for_sandbox_policy(policy: &SandboxPolicy, cwd: &Path) -> Self {
        let network = match policy {
            SandboxPolicy::ReadOnly {
                network_access: true,
            }
            | SandboxPolicy::WorkspaceWrite {
                network_access: true,
                ..
            } => NetworkSandboxPolicy::Enabled,
            SandboxPolicy::ExternalSandbox { network_access } => *network_access,
            _ => NetworkSandboxPolicy::Restricted,
        };
        match policy {
            SandboxPolicy::DangerFullAccess => Self::Disabled,
            SandboxPolicy::ExternalSandbox { .. } => Self::External { network },
            _ => {
                let fs = FileSystemSandboxPolicy::for_sandbox_policy(policy, cwd);
                Self::Managed {
                    file_system: ManagedFileSystemPermissions::Restricted {
                        entries: fs.entries,
                        glob_scan_max_depth: None,
                    },
                    network,
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "permissions_tests.rs"]
mod tests;
