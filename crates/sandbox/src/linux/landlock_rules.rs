//! Landlock as a second wall: even if a mount were undone, writes outside the writable roots
//! and `/dev` stay denied, and TCP `bind`/`connect` are denied when the network is off.
//!
//! Applied best-effort: on a kernel without Landlock the namespaces and seccomp still enforce
//! the policy, so a missing Landlock is reported, not fatal.

use std::os::unix::fs::FileTypeExt;
use std::path::PathBuf;

use landlock::{
    ABI, Access, AccessFs, AccessNet, CompatLevel, Compatible, PathBeneath, PathFd, Ruleset,
    RulesetAttr, RulesetCreatedAttr, RulesetStatus,
};

/// How much of the Landlock layer the kernel applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LandlockOutcome {
    /// Every requested right is enforced.
    Full,
    /// Some rights are enforced (an older ABI).
    Partial,
    /// The kernel has no Landlock.
    None,
}

/// Restricts the calling thread: read and execute everywhere, write in `writable` (and
/// `/dev`, and the terminals inherited on fds 0-2).
pub(crate) fn restrict(
    writable: &[PathBuf],
    network: bool,
) -> Result<LandlockOutcome, landlock::RulesetError> {
    let abi = ABI::V5;
    let mut ruleset = Ruleset::default()
        .set_compatibility(CompatLevel::BestEffort)
        .handle_access(AccessFs::from_all(abi))?;
    if !network {
        ruleset = ruleset.handle_access(AccessNet::from_all(abi))?;
    }
    let mut created = ruleset
        .create()?
        .add_rules(landlock::path_beneath_rules(
            ["/"],
            AccessFs::from_read(abi),
        ))?
        .add_rules(landlock::path_beneath_rules(
            ["/dev"],
            AccessFs::from_all(abi),
        ))?
        .add_rules(landlock::path_beneath_rules(
            writable,
            AccessFs::from_all(abi),
        ))?;
    // A terminal inherited from outside lives on the host's devpts, which is not in our tree;
    // allow reopening it (`> /dev/stdout`) through its fd.
    for fd in 0..=2 {
        let link = format!("/proc/self/fd/{fd}");
        let is_char_device = std::fs::metadata(&link)
            .map(|meta| meta.file_type().is_char_device())
            .unwrap_or(false);
        if is_char_device && let Ok(path_fd) = PathFd::new(&link) {
            created = created.add_rule(PathBeneath::new(path_fd, AccessFs::from_file(abi)))?;
        }
    }
    let status = created.restrict_self()?;
    Ok(match status.ruleset {
        RulesetStatus::FullyEnforced => LandlockOutcome::Full,
        RulesetStatus::PartiallyEnforced => LandlockOutcome::Partial,
        RulesetStatus::NotEnforced => LandlockOutcome::None,
    })
}
