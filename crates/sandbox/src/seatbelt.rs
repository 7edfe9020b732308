//! The macOS Seatbelt profile for a sandbox policy, and the `sandbox-exec` argv that applies it.
//!
//! On macOS the reference confines a command by running
//! `/usr/bin/sandbox-exec -p <profile> -D<PARAM>=<path>... -- <command...>` with
//! `CODEX_SANDBOX=seatbelt` in its environment. This module builds that argv; it only makes
//! strings, compiles on every OS and never runs anything (the caller spawns the result).
//!
//! The profile is made of sections, in this order, each present only when it has rules:
//!
//! 1. the base policy (`seatbelt/base_policy.sbpl`): `(deny default)`, then process
//!    exec/fork, signals and process info within the sandbox, `/dev/null`, a fixed list of
//!    `sysctl` reads, pseudo-terminals, semaphores and read-only user preferences;
//! 2. file reads: everything (`(allow file-read*)`): every policy the protocol's
//!    `SandboxPolicy` can express reads the whole disk;
//! 3. file writes: one clause per writable root, `(subpath (param "WRITABLE_ROOT_<i>"))`,
//!    wrapped in `(require-all ...)` with two `require-not` tests, `literal` and `subpath`,
//!    for each protected path `WRITABLE_ROOT_<i>_EXCLUDED_<j>` (the exact path, so that
//!    creating a missing `.codex` is refused too, and everything beneath it); absent for a
//!    read-only policy; `(allow file-write* (regex #"^/"))` for full disk write;
//! 4. the network, only when the policy allows it: inbound and outbound traffic plus
//!    `seatbelt/network_policy.sbpl` (DNS, proxy and TLS services).
//!
//! Paths never appear in the profile text: each is a `-D` definition, referenced with
//! `(param "...")`, so a path with spaces, quotes or parentheses cannot change the profile.
//! The definitions come root by root (a root, then its exclusions) in the reference's root
//! order: the working directory, the policy's extra roots, `/tmp`, `$TMPDIR`. Paths are the
//! canonical ones of [`ResolvedPolicy`] (Seatbelt matches resolved paths: `/tmp` is
//! `/private/tmp` on macOS).
//!
//! Danger-full-access and external-sandbox policies are not wrapped at all: the reference runs
//! the command as it is for them.
//!
//! Only generated and unit-tested here: no test in this repository runs `sandbox-exec`.

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use recodex_protocol::permissions::{PROTECTED_SUBDIRS, SandboxPolicy};

use crate::error::SandboxError;
use crate::policy::{ResolvedPolicy, WritableRoot, normalize};

/// The only `sandbox-exec` the reference trusts: a copy found on `PATH` could be anyone's,
/// while replacing this one already takes root.
pub const MACOS_SANDBOX_EXEC: &str = "/usr/bin/sandbox-exec";

/// The variable (and value) that tells a command it runs under Seatbelt.
pub const SEATBELT_ENV: (&str, &str) = ("CODEX_SANDBOX", "seatbelt");

const BASE_POLICY: &str = include_str!("seatbelt/base_policy.sbpl");
const NETWORK_POLICY: &str = include_str!("seatbelt/network_policy.sbpl");

const READ_SECTION: &str = "; reads are not confined\n(allow file-read*)";
const FULL_WRITE_SECTION: &str = "; writes are not confined\n(allow file-write* (regex #\"^/\"))";
const OPEN_NETWORK: &str =
    "; network traffic is allowed\n(allow network-outbound)\n(allow network-inbound)\n";

/// A command ready to spawn: `program` with `args`, plus variables to add to its environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatbeltCommand {
    /// [`MACOS_SANDBOX_EXEC`], or the command's own program when the policy is not wrapped.
    pub program: PathBuf,
    /// `-p <profile>`, the `-D` definitions, `--` and the command; or the command's own
    /// arguments when it is not wrapped.
    pub args: Vec<String>,
    /// [`SEATBELT_ENV`] when wrapped, nothing otherwise. The caller still sets
    /// `CODEX_SANDBOX_NETWORK_DISABLED` itself, as for every sandbox.
    pub env: Vec<(String, String)>,
}

impl SeatbeltCommand {
    /// Whether the command runs under `sandbox-exec`.
    pub fn is_sandboxed(&self) -> bool {
        self.program == Path::new(MACOS_SANDBOX_EXEC)
    }
}

/// A generated profile and the parameter values it refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatbeltProfile {
    /// The SBPL text given to `sandbox-exec -p`.
    pub text: String,
    /// `(name, path)` for each `-D` definition, in argv order.
    pub params: Vec<(String, PathBuf)>,
}

impl SeatbeltProfile {
    /// The `sandbox-exec` arguments running `command` under this profile.
    pub fn args(&self, command: &[String]) -> Vec<String> {
        let mut args = Vec::with_capacity(3 + self.params.len() + command.len());
        args.push("-p".to_owned());
        args.push(self.text.clone());
        args.extend(
            self.params
                .iter()
                .map(|(name, path)| format!("-D{name}={}", path.to_string_lossy())),
        );
        args.push("--".to_owned());
        args.extend(command.iter().cloned());
        args
    }
}

/// The command that runs `command` under `policy` for `policy_cwd` (absolute); `tmpdir` is
/// the caller's `$TMPDIR`.
///
/// Danger-full-access and external-sandbox policies return the command unwrapped, as the
/// reference does; every other policy goes through [`MACOS_SANDBOX_EXEC`].
pub fn seatbelt_command(
    policy: &SandboxPolicy,
    policy_cwd: &Path,
    command: &[String],
    tmpdir: Option<&OsStr>,
) -> Result<SeatbeltCommand, SandboxError> {
    let Some(program) = command.first() else {
        return Err(SandboxError::InvalidCommand("empty command".to_owned()));
    };
    if matches!(
        policy,
        SandboxPolicy::DangerFullAccess | SandboxPolicy::ExternalSandbox { .. }
    ) {
        return Ok(SeatbeltCommand {
            program: PathBuf::from(program),
            args: command[1..].to_vec(),
            env: Vec::new(),
        });
    }
    let mut resolved = ResolvedPolicy::from_sandbox_policy(policy, policy_cwd, tmpdir)?;
    order_roots_like_reference(&mut resolved, policy, policy_cwd, tmpdir);
    let profile = seatbelt_profile(&resolved);
    Ok(SeatbeltCommand {
        program: PathBuf::from(MACOS_SANDBOX_EXEC),
        args: profile.args(command),
        env: vec![(SEATBELT_ENV.0.to_owned(), SEATBELT_ENV.1.to_owned())],
    })
}

/// The profile for a resolved policy, writable roots numbered in the order given.
///
/// Each root excludes every read-only subpath of the policy that lies inside it (whichever
/// root declared it, so the profile forbids exactly what [`ResolvedPolicy::can_write`]
/// forbids) and, in every root, the protected names `.git`, `.agents` and `.codex`, whether
/// they exist or not.
pub fn seatbelt_profile(policy: &ResolvedPolicy) -> SeatbeltProfile {
    let mut sections = vec![BASE_POLICY.trim_end().to_owned(), READ_SECTION.to_owned()];
    let mut params = Vec::new();
    if policy.full_disk_write {
        sections.push(FULL_WRITE_SECTION.to_owned());
    } else if let Some(section) = write_section(&policy.writable_roots, &mut params) {
        sections.push(section);
    }
    if policy.network {
        sections.push(format!("{OPEN_NETWORK}\n{}", NETWORK_POLICY.trim_end()));
    }
    if !policy.denied.is_empty() {
        // Denied paths: neither read nor written, whatever the rules above allow (in a
        // seatbelt profile the last matching rule wins).
        let mut section = "(deny file-read* file-write*".to_owned();
        for (index, path) in policy.denied.iter().enumerate() {
            let param = format!("DENIED_{index}");
            section.push_str(&format!("\n  (subpath (param \"{param}\"))"));
            params.push((param, path.clone()));
        }
        section.push(')');
        sections.push(section);
    }
    let mut text = sections.join("\n\n");
    text.push('\n');
    SeatbeltProfile { text, params }
}

/// `(allow file-write* ...)` over `roots`, pushing the parameters it names; `None` without
/// roots (nothing may be written).
fn write_section(roots: &[WritableRoot], params: &mut Vec<(String, PathBuf)>) -> Option<String> {
    if roots.is_empty() {
        return None;
    }
    let mut section = String::from(
        "; writes only inside the writable roots, never into their protected paths\n(allow file-write*\n",
    );
    for (index, root) in roots.iter().enumerate() {
        let root_param = format!("WRITABLE_ROOT_{index}");
        params.push((root_param.clone(), root.root.clone()));
        let excluded = excluded_paths(root, roots);
        if excluded.is_empty() {
            let _ = writeln!(section, "  (subpath (param \"{root_param}\"))");
            continue;
        }
        let _ = write!(section, "  (require-all (subpath (param \"{root_param}\"))");
        for (excluded_index, path) in excluded.into_iter().enumerate() {
            let param = format!("{root_param}_EXCLUDED_{excluded_index}");
            let _ = write!(
                section,
                " (require-not (literal (param \"{param}\"))) (require-not (subpath (param \"{param}\")))"
            );
            params.push((param, path));
        }
        section.push_str(")\n");
    }
    section.push(')');
    Some(section)
}

/// The paths under `root` that stay read-only: the carve-outs of every root that fall inside
/// it, then the protected names that are not among them yet.
fn excluded_paths(root: &WritableRoot, roots: &[WritableRoot]) -> Vec<PathBuf> {
    let mut excluded: Vec<PathBuf> = Vec::new();
    let carve_outs = std::iter::once(root)
        .chain(roots.iter().filter(|other| other.root != root.root))
        .flat_map(|owner| owner.read_only_subpaths.iter());
    let names = PROTECTED_SUBDIRS.iter().map(|name| root.root.join(name));
    for path in carve_outs.cloned().chain(names) {
        if path.starts_with(&root.root) && path != root.root && !excluded.contains(&path) {
            excluded.push(path);
        }
    }
    excluded
}

/// Puts the writable roots in the reference's order (cwd, extra roots, `/tmp`, `$TMPDIR`)
/// instead of [`ResolvedPolicy`]'s parents-first order, so the parameter numbers match.
fn order_roots_like_reference(
    resolved: &mut ResolvedPolicy,
    policy: &SandboxPolicy,
    cwd: &Path,
    tmpdir: Option<&OsStr>,
) {
    let cwd = normalize(cwd);
    let mut candidates = vec![cwd.clone()];
    if let SandboxPolicy::WorkspaceWrite { writable_roots, .. } = policy {
        candidates.extend(writable_roots.iter().map(|root| cwd.join(root)));
    }
    candidates.push(PathBuf::from("/tmp"));
    if let Some(tmpdir) = tmpdir {
        candidates.push(PathBuf::from(tmpdir));
    }
    let order: Vec<PathBuf> = candidates
        .iter()
        .filter_map(|path| std::fs::canonicalize(path).ok())
        .collect();
    resolved.writable_roots.sort_by_key(|root| {
        order
            .iter()
            .position(|path| *path == root.root)
            .unwrap_or(usize::MAX)
    });
}

#[cfg(test)]
mod tests;
