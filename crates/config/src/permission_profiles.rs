//! Named permission profiles (`[permissions.NAME]`, selected by `default_permissions` or
//! `--permissions-profile`): resolving `extends` chains and the filesystem rules into the
//! sandbox policy a session runs under.
//!
//! A profile is the deep merge of its parents (a user profile, or the built-ins `:read-only`
//! and `:workspace`) and itself, child keys winning. The filesystem rules use paths
//! (absolute or `~/...`), the special paths `:root`, `:minimal`, `:workspace_roots` and
//! `:tmpdir` (others are warned about and ignored, as 0.136.0 does), and scoped tables of
//! sub-paths. The errors are the reference's.
//!
//! recodex enforces the profiles that read everywhere, write to the workspace roots and
//! listed directories (with `.git`, `.agents` and `.codex` kept read-only, as always) and
//! deny exact paths; profiles with deny globs, restricted reads, other read-only carve-outs,
//! or writes outside the workspace without the workspace itself are refused with an error
//! naming what is not supported, rather than run with different guarantees.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use recodex_protocol::permissions::SandboxPolicy;

use crate::schema::{FileSystemAccessMode, FilesystemPermissionToml, PermissionsToml};

/// The key the built-in `:workspace` uses for `/tmp`; users cannot write it (`:slash_tmp`
/// is not a special path users may name in 0.136.0).
const SLASH_TMP: &str = "\u{0}slash_tmp";

/// The names of the protected directories inside writable roots.
const PROTECTED: [&str; 3] = [".git", ".agents", ".codex"];

/// A profile resolved for a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedProfile {
    /// The sandbox policy to run under.
    pub policy: SandboxPolicy,
    /// Paths nothing may read or write (the `deny` rules), on top of `policy`.
    pub denied: Vec<PathBuf>,

    /// `glob_scan_max_depth`.
    pub glob_scan_max_depth: Option<usize>,
    /// The permission profile as the reference records it (`turn_context`), and the
    /// workspace roots (the session directory and the profile's extra roots).
    pub recorded: Option<recodex_protocol::permissions::PermissionProfile>,
    /// The workspace roots.
    pub workspace_roots: Vec<PathBuf>,
    /// Warnings for exec to print (unknown special paths).
    pub warnings: Vec<String>,
}

impl ResolvedProfile {
    /// A sandbox policy with nothing else: no deny rules, no recorded profile.
    pub fn plain(policy: SandboxPolicy) -> Self {
        Self {
            policy,
            denied: Vec::new(),
            glob_scan_max_depth: None,
            recorded: None,
            workspace_roots: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// A profile after `extends` is applied.
#[derive(Debug, Clone, Default)]
struct Merged {
    /// The built-in profile at the root of the chain, if any.
    base: Option<&'static str>,
    /// The user profiles' rules alone (for the recorded entries).
    user_filesystem: BTreeMap<String, FilesystemPermissionToml>,
    filesystem: BTreeMap<String, FilesystemPermissionToml>,
    glob_scan_max_depth: Option<usize>,
    workspace_roots: BTreeMap<String, bool>,
    network: Option<bool>,
}

impl Merged {
    /// Child values over `self`; scoped tables merge key by key.
    fn overlay(mut self, child: &crate::schema::PermissionProfileToml) -> Self {
        if let Some(fs) = &child.filesystem {
            if fs.glob_scan_max_depth.is_some() {
                self.glob_scan_max_depth = fs.glob_scan_max_depth;
            }
            for (key, value) in &fs.entries {
                deep_insert(&mut self.filesystem, key, value);
                deep_insert(&mut self.user_filesystem, key, value);
            }
        }
        if let Some(roots) = &child.workspace_roots {
            self.workspace_roots
                .extend(roots.entries.iter().map(|(k, v)| (k.clone(), *v)));
        }
        if let Some(enabled) = child.network.as_ref().and_then(|n| n.enabled) {
            self.network = Some(enabled);
        }
        self
    }
}

/// Sets `key` to `value` in `map`, merging two scoped tables key by key.
fn deep_insert(
    map: &mut BTreeMap<String, FilesystemPermissionToml>,
    key: &str,
    value: &FilesystemPermissionToml,
) {
    let merged = match (map.remove(key), value) {
        (
            Some(FilesystemPermissionToml::Scoped(mut parent)),
            FilesystemPermissionToml::Scoped(child),
        ) => {
            parent.extend(child.iter().map(|(k, v)| (k.clone(), *v)));
            FilesystemPermissionToml::Scoped(parent)
        }
        (_, value) => value.clone(),
    };
    map.insert(key.to_owned(), merged);
}

fn builtin(name: &str) -> Option<Merged> {
    use FileSystemAccessMode::{Read, Write};
    let mut fs = BTreeMap::new();
    fs.insert(":root".to_owned(), FilesystemPermissionToml::Access(Read));
    let base = match name {
        ":read-only" => ":read-only",
        ":workspace" => {
            let mut scoped = BTreeMap::from([(".".to_owned(), Write)]);
            for name in PROTECTED {
                scoped.insert(name.to_owned(), Read);
            }
            fs.insert(
                ":workspace_roots".to_owned(),
                FilesystemPermissionToml::Scoped(scoped),
            );
            fs.insert(
                SLASH_TMP.to_owned(),
                FilesystemPermissionToml::Access(Write),
            );
            fs.insert(
                ":tmpdir".to_owned(),
                FilesystemPermissionToml::Access(Write),
            );
            ":workspace"
        }
        _ => return None,
    };
    Some(Merged {
        base: Some(base),
        filesystem: fs,
        ..Merged::default()
    })
}

/// The profile `name` with its parents applied.
fn merged(name: &str, table: &PermissionsToml, chain: &mut Vec<String>) -> Result<Merged, String> {
    if let Some(at) = chain.iter().position(|n| n == name) {
        let mut cycle = chain[at..].to_vec();
        cycle.push(name.to_owned());
        return Err(format!(
            "permissions profile inheritance cycle detected: {}",
            cycle.join(" -> ")
        ));
    }
    chain.push(name.to_owned());
    let profile = table
        .entries
        .get(name)
        .ok_or_else(|| format!("default_permissions refers to undefined profile `{name}`"))?;
    let parent = match profile.extends.as_deref() {
        None => Merged::default(),
        Some(parent) if parent.starts_with(':') => builtin(parent).ok_or_else(|| {
            format!(
                "permissions profile `{name}` cannot extend unsupported built-in profile `{parent}`"
            )
        })?,
        Some(parent) if !table.entries.contains_key(parent) => {
            return Err(format!(
                "permissions profile `{name}` extends undefined profile `{parent}`"
            ));
        }
        Some(parent) => merged(parent, table, chain)?,
    };
    Ok(parent.overlay(profile))
}

fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '[', ']'])
}

fn access_word(access: FileSystemAccessMode) -> &'static str {
    match access {
        FileSystemAccessMode::Read => "read",
        FileSystemAccessMode::Write => "write",
        FileSystemAccessMode::Deny => "deny",
    }
}

/// A read or write rule's path with a trailing `/**` (a subtree) removed; globs are
/// `deny`-only.
fn plain_path(path: &str, access: FileSystemAccessMode) -> Result<String, String> {
    let stripped = path.strip_suffix("/**").unwrap_or(path);
    if access != FileSystemAccessMode::Deny && is_glob(stripped) {
        return Err(format!(
            "filesystem glob path `{path}` only supports `deny` access; use an exact path or trailing `/**` for `{}` subtree access",
            access_word(access)
        ));
    }
    Ok(stripped.to_owned())
}

fn check_subpath(sub: &str) -> Result<(), String> {
    if sub == "." {
        return Ok(());
    }
    let bad = Path::new(sub).is_absolute()
        || sub
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..");
    if bad {
        return Err(format!(
            "filesystem subpath `{sub}` must be a descendant path without `.` or `..` components"
        ));
    }
    Ok(())
}

fn not_supported(what: &str) -> String {
    format!("recodex: permission profiles with {what} are not supported yet")
}

/// Resolves the user profile `name` from `table` for a session in `cwd` (`home` expands
/// `~`).
pub fn resolve_named_profile(
    name: &str,
    table: &PermissionsToml,
    cwd: &Path,
    home: Option<&Path>,
) -> Result<ResolvedProfile, crate::PermissionProfileError> {
    resolve_profile(name, table, cwd, home).map_err(crate::PermissionProfileError)
}

fn resolve_profile(
    name: &str,
    table: &PermissionsToml,
    cwd: &Path,
    home: Option<&Path>,
) -> Result<ResolvedProfile, String> {
    if let Some(reserved) = table.entries.keys().find(|k| k.starts_with(':')) {
        return Err(format!(
            "permissions profile `{reserved}` uses a reserved built-in profile prefix"
        ));
    }
    let profile = merged(name, table, &mut Vec::new())?;
    let mut warnings = Vec::new();
    let mut root = None;
    let mut workspace: BTreeMap<String, FileSystemAccessMode> = BTreeMap::new();
    let mut paths: Vec<(PathBuf, FileSystemAccessMode)> = Vec::new();
    let (mut tmpdir, mut slash_tmp) = (false, false);
    for (key, rule) in &profile.filesystem {
        if key == SLASH_TMP {
            slash_tmp = matches!(
                rule,
                FilesystemPermissionToml::Access(FileSystemAccessMode::Write)
            );
            continue;
        }
        match (key.as_str(), rule) {
            (":root" | ":minimal" | ":tmpdir", FilesystemPermissionToml::Scoped(_)) => {
                return Err(format!("filesystem path `{key}` does not support nested entries"));
            }
            (":root", FilesystemPermissionToml::Access(access)) => root = Some(*access),
            (":minimal", FilesystemPermissionToml::Access(access)) => {
                if *access != FileSystemAccessMode::Read {
                    return Err(not_supported("a `:minimal` rule other than `read`"));
                }
            }
            (":tmpdir", FilesystemPermissionToml::Access(access)) => {
                tmpdir = *access == FileSystemAccessMode::Write;
                if *access == FileSystemAccessMode::Deny {
                    return Err(not_supported("`deny` rules"));
                }
            }
            (":workspace_roots", FilesystemPermissionToml::Access(access)) => {
                workspace.insert(".".to_owned(), *access);
            }
            (":workspace_roots", FilesystemPermissionToml::Scoped(subs)) => {
                for (sub, access) in subs {
                    check_subpath(sub)?;
                    let sub = plain_path(sub, *access)?;
                    workspace.insert(sub, *access);
                }
            }
            (special, _) if special.starts_with(':') => warnings.push(format!(
                "Configured filesystem path `{special}` is not recognized by this version of Codex and will be ignored. Upgrade Codex if this path is required."
            )),
            (path, rule) => {
                let base = if path == "~" || path.starts_with("~/") {
                    match home {
                        Some(home) => home.join(path.trim_start_matches('~').trim_start_matches('/')),
                        None => PathBuf::from(path),
                    }
                } else if Path::new(path).is_absolute() {
                    PathBuf::from(path)
                } else {
                    return Err(format!(
                        "filesystem path `{path}` must be absolute, use `~/...`, or start with `:`"
                    ));
                };
                match rule {
                    FilesystemPermissionToml::Access(access) => {
                        let plain = plain_path(&base.to_string_lossy(), *access)?;
                        paths.push((PathBuf::from(plain), *access));
                    }
                    FilesystemPermissionToml::Scoped(subs) => {
                        for (sub, access) in subs {
                            check_subpath(sub)?;
                            let sub = plain_path(sub, *access)?;
                            let path = if sub == "." { base.clone() } else { base.join(sub) };
                            paths.push((path, *access));
                        }
                    }
                }
            }
        }
    }
    let network = profile.network.unwrap_or(false);
    let is_deny = |access: &FileSystemAccessMode| *access == FileSystemAccessMode::Deny;
    if root == Some(FileSystemAccessMode::Deny) || workspace.get(".").is_some_and(is_deny) {
        return Err(not_supported("the root or the workspace denied"));
    }
    if profile.glob_scan_max_depth == Some(0) {
        return Err("glob_scan_max_depth must be at least 1".to_owned());
    }
    let any_denied = workspace
        .values()
        .chain(paths.iter().map(|(_, a)| a))
        .any(is_deny);
    let roots = workspace_roots(&profile, cwd, home);
    let recorded = recorded_profile(&profile, &roots, home, network);
    match root {
        Some(FileSystemAccessMode::Read) => {}
        Some(FileSystemAccessMode::Write) if any_denied => {
            return Err(not_supported("`deny` rules and `:root` writable"));
        }
        Some(FileSystemAccessMode::Write) if network => {
            return Ok(ResolvedProfile {
                policy: SandboxPolicy::DangerFullAccess,
                denied: Vec::new(),
                glob_scan_max_depth: None,
                recorded: Some(recorded),
                workspace_roots: roots,
                warnings,
            });
        }
        Some(_) => return Err(not_supported("`:root` writable and the network off")),
        None => return Err(not_supported("restricted reads (no `:root` read)")),
    }
    let workspace_writable = workspace.get(".") == Some(&FileSystemAccessMode::Write);
    let mut writable_roots: Vec<PathBuf> = Vec::new();
    // The writable paths of the projected policy (the sandbox itself enforces the profile's
    // own rules, carve-outs and protected writes included).
    for (sub, access) in &workspace {
        if sub == "." || is_glob(sub) || *access != FileSystemAccessMode::Write {
            continue;
        }
        // A protected name made writable is listed as a writable root, as the reference's
        // projection lists it; other sub-paths only when the workspace itself is not.
        if PROTECTED.contains(&sub.as_str()) || !workspace_writable {
            writable_roots.extend(roots.iter().map(|root| root.join(sub)));
        }
    }
    for (path, access) in &paths {
        if *access == FileSystemAccessMode::Write && !writable_roots.contains(path) {
            writable_roots.push(path.clone());
        }
    }
    if workspace_writable {
        writable_roots.extend(roots.iter().skip(1).cloned());
    }
    // The policy the reference projects a profile onto: read-only without any write rule,
    // else workspace-write listing the writable paths. A profile that does not write the
    // workspace ("custom permissions") runs under its own rules all the same.
    let policy = if !workspace_writable && writable_roots.is_empty() && !tmpdir && !slash_tmp {
        SandboxPolicy::ReadOnly {
            network_access: network,
        }
    } else {
        SandboxPolicy::WorkspaceWrite {
            writable_roots,
            network_access: network,
            exclude_tmpdir_env_var: !tmpdir,
            exclude_slash_tmp: !slash_tmp,
        }
    };
    // Denied paths (exact ones, and denied sub-paths in every workspace root), for the
    // checks made outside the sandbox; globs only draw the reference's warning here.
    let mut denied: Vec<PathBuf> = Vec::new();
    let unbounded = |shown: &str, pattern: &str, warnings: &mut Vec<String>| {
        if pattern.contains("**") && profile.glob_scan_max_depth.is_none() {
            let last = pattern.rsplit('/').next().unwrap_or(pattern);
            warnings.push(format!(
                "Filesystem deny-read glob `{shown}` uses `**`. Non-macOS sandboxing does not support unbounded `**` natively; set `glob_scan_max_depth` in this filesystem profile to cap Linux glob expansion and silence this warning, or enumerate explicit depths such as `{last}`, `*/{last}`, and `*/*/{last}`."
            ));
        }
    };
    for (sub, access) in &workspace {
        if !is_deny(access) {
            continue;
        }
        if is_glob(sub) {
            unbounded(&format!(":workspace_roots/{sub}"), sub, &mut warnings);
        } else {
            denied.extend(roots.iter().map(|root| root.join(sub)));
        }
    }
    for (path, access) in &paths {
        if !is_deny(access) {
            continue;
        }
        let text = path.to_string_lossy().into_owned();
        if is_glob(&text) {
            unbounded(&text, &text, &mut warnings);
        } else {
            denied.push(path.clone());
        }
    }
    Ok(ResolvedProfile {
        policy,
        denied,
        glob_scan_max_depth: profile.glob_scan_max_depth,
        recorded: Some(recorded),
        workspace_roots: roots,
        warnings,
    })
}

/// The workspace roots: the session's directory and the profile's extra roots.
fn workspace_roots(profile: &Merged, cwd: &Path, home: Option<&Path>) -> Vec<PathBuf> {
    let mut roots = vec![cwd.to_path_buf()];
    for (root, enabled) in &profile.workspace_roots {
        if *enabled {
            let path = Path::new(root);
            let path = if path.is_absolute() {
                path.to_path_buf()
            } else if let (Some(rest), Some(home)) = (root.strip_prefix("~/"), home) {
                home.join(rest)
            } else {
                cwd.join(path)
            };
            if !roots.contains(&path) {
                roots.push(path);
            }
        }
    }
    roots
}

/// The profile's rules as the reference records them: the built-in parent's rules for the
/// session directory, then the user rules in key order, then every workspace-root rule for
/// each extra root (the built-in's first).
fn recorded_profile(
    profile: &Merged,
    roots: &[PathBuf],
    home: Option<&Path>,
    network: bool,
) -> recodex_protocol::permissions::PermissionProfile {
    use recodex_protocol::permissions::{
        FileSystemAccessMode as A, FileSystemPath as P, FileSystemSandboxEntry as E,
        FileSystemSpecialPath as S, ManagedFileSystemPermissions, NetworkSandboxPolicy,
        PermissionProfile,
    };
    let access = |a: &FileSystemAccessMode| match a {
        FileSystemAccessMode::Read => A::Read,
        FileSystemAccessMode::Write => A::Write,
        FileSystemAccessMode::Deny => A::Deny,
    };
    let at = |path: PathBuf, a: A| {
        let text = path.to_string_lossy().into_owned();
        let path = if is_glob(&text) {
            P::GlobPattern { pattern: text }
        } else {
            let plain = text.strip_suffix("/**").map(PathBuf::from).unwrap_or(path);
            P::Path { path: plain }
        };
        E { path, access: a }
    };
    let special = |value: S, a: A| E {
        path: P::Special { value },
        access: a,
    };
    let cwd = &roots[0];
    // The workspace-root rules of one root, as (sub-path, access).
    let root_rules = |rule: &FilesystemPermissionToml| -> Vec<(String, A)> {
        match rule {
            FilesystemPermissionToml::Access(a) => vec![(".".to_owned(), access(a))],
            FilesystemPermissionToml::Scoped(subs) => {
                subs.iter().map(|(s, a)| (s.clone(), access(a))).collect()
            }
        }
    };
    let under = |root: &Path, sub: &str| {
        if sub == "." {
            root.to_path_buf()
        } else {
            root.join(sub)
        }
    };
    let builtin_root_rules: Vec<(String, A)> = match profile.base {
        Some(":workspace") => std::iter::once((".".to_owned(), A::Write))
            .chain(PROTECTED.iter().map(|p| ((*p).to_owned(), A::Read)))
            .collect(),
        _ => Vec::new(),
    };
    let mut entries = Vec::new();
    if profile.base.is_some() {
        entries.push(special(S::Root, A::Read));
    }
    if profile.base == Some(":workspace") {
        entries.push(at(cwd.clone(), A::Write));
        entries.push(special(S::SlashTmp, A::Write));
        entries.push(special(S::Tmpdir, A::Write));
        for name in PROTECTED {
            entries.push(at(cwd.join(name), A::Read));
        }
    }
    let mut user_root_rules = Vec::new();
    for (key, rule) in &profile.user_filesystem {
        match (key.as_str(), rule) {
            (":root", FilesystemPermissionToml::Access(a)) => {
                entries.push(special(S::Root, access(a)))
            }
            (":minimal", FilesystemPermissionToml::Access(a)) => {
                entries.push(special(S::Minimal, access(a)));
            }
            (":tmpdir", FilesystemPermissionToml::Access(a)) => {
                entries.push(special(S::Tmpdir, access(a)));
            }
            (":workspace_roots", rule) => {
                user_root_rules = root_rules(rule);
                for (sub, a) in &user_root_rules {
                    entries.push(at(under(cwd, sub), *a));
                }
            }
            (other, FilesystemPermissionToml::Access(a)) if other.starts_with(':') => {
                entries.push(special(
                    S::Unknown {
                        path: other.to_owned(),
                    },
                    access(a),
                ))
            }
            (other, _) if other.starts_with(':') => {}
            (path, rule) => {
                let base = match (path.strip_prefix('~'), home) {
                    (Some(rest), Some(home)) => home.join(rest.trim_start_matches('/')),
                    _ => PathBuf::from(path),
                };
                for (sub, a) in root_rules(rule) {
                    entries.push(at(under(&base, &sub), a));
                }
            }
        }
    }
    for root in &roots[1..] {
        for (sub, a) in builtin_root_rules.iter().chain(&user_root_rules) {
            entries.push(at(under(root, sub), *a));
        }
    }
    PermissionProfile::Managed {
        file_system: ManagedFileSystemPermissions::Restricted {
            entries,
            glob_scan_max_depth: profile.glob_scan_max_depth.map(|d| d as u64),
        },
        network: if network {
            NetworkSandboxPolicy::Enabled
        } else {
            NetworkSandboxPolicy::Restricted
        },
    }
}

#[cfg(test)]
#[path = "permission_profiles_tests.rs"]
mod tests;
