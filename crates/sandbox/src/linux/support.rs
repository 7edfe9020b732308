//! What the running kernel offers, read without side effects (for diagnostics and for tests
//! that must tell "the kernel lacks it" from "the sandbox is broken").

/// The mechanisms the sandbox relies on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Support {
    /// Why user namespaces cannot be created, when a sysctl says so.
    pub user_namespaces_blocked: Option<String>,
    /// The Landlock ABI version (`None`: no Landlock).
    pub landlock_abi: Option<i32>,
    /// Whether the kernel has seccomp filters.
    pub seccomp: bool,
    /// Whether the kernel is new enough for `mount_setattr` (Linux 5.12).
    pub mount_setattr: bool,
}

impl Support {
    /// The first missing mechanism the sandbox cannot do without, in words.
    pub fn missing(&self) -> Option<String> {
        if let Some(reason) = &self.user_namespaces_blocked {
            return Some(reason.clone());
        }
        if !self.seccomp {
            return Some("the kernel has no seccomp filters".to_owned());
        }
        if !self.mount_setattr {
            return Some("the kernel is older than 5.12 (no mount_setattr)".to_owned());
        }
        None
    }
}

/// Reads the kernel's sysctls and version.
pub fn probe_support() -> Support {
    Support {
        user_namespaces_blocked: user_namespaces_blocked(),
        landlock_abi: landlock_abi(),
        seccomp: std::fs::read_to_string("/proc/self/status")
            .map(|status| status.lines().any(|line| line.starts_with("Seccomp:")))
            .unwrap_or(false),
        mount_setattr: kernel_at_least(5, 12),
    }
}

fn read_number(path: &str) -> Option<i64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

fn user_namespaces_blocked() -> Option<String> {
    if read_number("/proc/sys/user/max_user_namespaces") == Some(0) {
        return Some("user namespaces are disabled (user.max_user_namespaces = 0)".to_owned());
    }
    let (uid, _) = super::sys::effective_ids();
    if uid != 0 {
        if read_number("/proc/sys/kernel/unprivileged_userns_clone") == Some(0) {
            return Some(
                "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)"
                    .to_owned(),
            );
        }
        if read_number("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == Some(1) {
            return Some(
                "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1)"
                    .to_owned(),
            );
        }
    }
    None
}

fn landlock_abi() -> Option<i32> {
    const LANDLOCK_CREATE_RULESET_VERSION: libc::c_uint = 1;
    #[allow(unsafe_code)]
    // SAFETY: with a null attribute pointer, size 0 and the VERSION flag, the call only returns
    // the ABI version (or an error); it reads and writes no memory.
    let abi = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<libc::c_void>(),
            0usize,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    };
    (abi > 0).then_some(abi as i32)
}

fn kernel_at_least(major: u32, minor: u32) -> bool {
    let Ok(release) = std::fs::read_to_string("/proc/sys/kernel/osrelease") else {
        return false;
    };
    let mut parts = release
        .trim()
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|part| part.parse::<u32>().ok());
    let found = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    found >= (major, minor)
}
