//! The seccomp filters, built in the parent (allocation is fine there) and installed in the
//! child right before `execvp`.
//!
//! Three stacked programs:
//! 1. `EPERM` for the escape syscalls (namespaces, mounts, ptrace, keyrings, io_uring, BPF,
//!    module and kexec loading, `open_by_handle_at`, terminal injection with `TIOCSTI`) and,
//!    when the network is off, for the socket calls the reference denies: `socket` and
//!    `socketpair` except `AF_UNIX` (and Unix datagram sockets, which could `sendmsg` out),
//!    and `connect`, `bind`, `listen`, `accept`, `sendto` with an address, ….
//! 2. `ENOSYS` for `clone3`, whose flags live in memory a filter cannot read; libc falls back
//!    to `clone`, whose namespace flags filter 1 checks.
//! 3. `ENOSYS` for x32 system call numbers on x86-64, which would otherwise bypass rules
//!    keyed by the 64-bit numbers.
//!
//! seccompiler kills the process on a foreign architecture (e.g. `int 0x80` on x86-64).

use std::collections::BTreeMap;

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule, TargetArch,
};

use crate::error::SandboxError;

/// Which rule sets go into the filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FilterSpec {
    /// Deny namespace, mount and other privilege-escape syscalls.
    pub(crate) deny_escapes: bool,
    /// Deny non-`AF_UNIX` sockets and the socket calls (network off).
    pub(crate) deny_network: bool,
}

/// The compiled programs, installed in order.
pub(crate) struct Filters {
    programs: Vec<BpfProgram>,
}

fn target_arch() -> Result<TargetArch, SandboxError> {
    if cfg!(target_arch = "x86_64") {
        Ok(TargetArch::x86_64)
    } else if cfg!(target_arch = "aarch64") {
        Ok(TargetArch::aarch64)
    } else if cfg!(target_arch = "riscv64") {
        Ok(TargetArch::riscv64)
    } else {
        Err(SandboxError::Unsupported(
            "seccomp filters are only built for x86_64, aarch64 and riscv64".to_owned(),
        ))
    }
}

fn bpf_error(err: impl std::fmt::Display) -> SandboxError {
    SandboxError::setup(
        "building the seccomp filter",
        std::io::Error::other(err.to_string()),
    )
}

/// Syscalls denied outright when escapes are filtered.
fn escape_syscalls() -> Vec<i64> {
    let mut list = vec![
        libc::SYS_ptrace,
        libc::SYS_process_vm_readv,
        libc::SYS_process_vm_writev,
        libc::SYS_mount,
        libc::SYS_umount2,
        libc::SYS_pivot_root,
        libc::SYS_chroot,
        libc::SYS_open_tree,
        libc::SYS_move_mount,
        libc::SYS_fsopen,
        libc::SYS_fsconfig,
        libc::SYS_fsmount,
        libc::SYS_fspick,
        libc::SYS_mount_setattr,
        libc::SYS_unshare,
        libc::SYS_setns,
        libc::SYS_keyctl,
        libc::SYS_add_key,
        libc::SYS_request_key,
        libc::SYS_bpf,
        libc::SYS_init_module,
        libc::SYS_finit_module,
        libc::SYS_delete_module,
        libc::SYS_kexec_load,
        libc::SYS_open_by_handle_at,
    ];
    #[cfg(target_arch = "x86_64")]
    list.push(libc::SYS_kexec_file_load);
    list
}

/// io_uring can create sockets and open files without the syscalls filtered here.
fn io_uring_syscalls() -> [i64; 3] {
    [
        libc::SYS_io_uring_setup,
        libc::SYS_io_uring_enter,
        libc::SYS_io_uring_register,
    ]
}

/// Socket calls the reference denies when the network is off (`recvfrom` stays: tools use
/// it on socketpairs).
fn network_syscalls() -> [i64; 12] {
    [
        libc::SYS_connect,
        libc::SYS_accept,
        libc::SYS_accept4,
        libc::SYS_bind,
        libc::SYS_listen,
        libc::SYS_getpeername,
        libc::SYS_getsockname,
        libc::SYS_shutdown,
        libc::SYS_sendmmsg,
        libc::SYS_recvmmsg,
        libc::SYS_getsockopt,
        libc::SYS_setsockopt,
    ]
}

/// The bits of `socket(2)`'s type argument that hold the type (the rest are flags).
const SOCKET_TYPE_MASK: u64 = 0xf;

/// Namespace flags `clone` may not carry (`CLONE_NEWTIME` shares its bit with the exit
/// signal in `clone`, so it is only reachable through `unshare`/`clone3`, both denied).
const CLONE_NAMESPACE_FLAGS: [libc::c_int; 7] = [
    libc::CLONE_NEWNS,
    libc::CLONE_NEWUTS,
    libc::CLONE_NEWIPC,
    libc::CLONE_NEWUSER,
    libc::CLONE_NEWPID,
    libc::CLONE_NEWNET,
    libc::CLONE_NEWCGROUP,
];

fn masked_rule(arg: u8, len: SeccompCmpArgLen, bit: u64) -> Result<SeccompRule, SandboxError> {
    let condition =
        SeccompCondition::new(arg, len, SeccompCmpOp::MaskedEq(bit), bit).map_err(bpf_error)?;
    SeccompRule::new(vec![condition]).map_err(bpf_error)
}

fn eq_rule(
    arg: u8,
    len: SeccompCmpArgLen,
    op: SeccompCmpOp,
    value: u64,
) -> Result<SeccompRule, SandboxError> {
    let condition = SeccompCondition::new(arg, len, op, value).map_err(bpf_error)?;
    SeccompRule::new(vec![condition]).map_err(bpf_error)
}

impl Filters {
    /// Compiles the programs for `spec`.
    pub(crate) fn build(spec: FilterSpec) -> Result<Self, SandboxError> {
        let arch = target_arch()?;
        let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
        // Both modes keep io_uring and cross-process memory access out, as the reference does.
        for nr in io_uring_syscalls() {
            rules.insert(nr, Vec::new());
        }
        for nr in [
            libc::SYS_ptrace,
            libc::SYS_process_vm_readv,
            libc::SYS_process_vm_writev,
        ] {
            rules.insert(nr, Vec::new());
        }
        if spec.deny_escapes {
            for nr in escape_syscalls() {
                rules.insert(nr, Vec::new());
            }
            let mut clone_rules = Vec::new();
            for flag in CLONE_NAMESPACE_FLAGS {
                clone_rules.push(masked_rule(0, SeccompCmpArgLen::Qword, flag as u64)?);
            }
            rules.insert(libc::SYS_clone, clone_rules);
            // Faking terminal input would let a command type into the user's shell.
            // (`Ioctl` is u64 with glibc and i32 with musl, hence the cast.)
            #[allow(clippy::unnecessary_cast)]
            let ioctl_rules = vec![
                eq_rule(
                    1,
                    SeccompCmpArgLen::Dword,
                    SeccompCmpOp::Eq,
                    libc::TIOCSTI as u64,
                )?,
                eq_rule(
                    1,
                    SeccompCmpArgLen::Dword,
                    SeccompCmpOp::Eq,
                    libc::TIOCLINUX as u64,
                )?,
            ];
            rules.insert(libc::SYS_ioctl, ioctl_rules);
        }
        if spec.deny_network {
            for nr in network_syscalls() {
                rules.insert(nr, Vec::new());
            }
            let not_unix = || {
                eq_rule(
                    0,
                    SeccompCmpArgLen::Dword,
                    SeccompCmpOp::Ne,
                    libc::AF_UNIX as u64,
                )
            };
            // An unconnected Unix datagram socket could send to a socket outside with
            // sendmsg(2); stream sockets need connect(2), which is denied.
            let unix_datagram = SeccompRule::new(vec![
                SeccompCondition::new(
                    0,
                    SeccompCmpArgLen::Dword,
                    SeccompCmpOp::Eq,
                    libc::AF_UNIX as u64,
                )
                .map_err(bpf_error)?,
                SeccompCondition::new(
                    1,
                    SeccompCmpArgLen::Dword,
                    SeccompCmpOp::MaskedEq(SOCKET_TYPE_MASK),
                    libc::SOCK_DGRAM as u64,
                )
                .map_err(bpf_error)?,
            ])
            .map_err(bpf_error)?;
            rules.insert(libc::SYS_socket, vec![not_unix()?, unix_datagram]);
            rules.insert(libc::SYS_socketpair, vec![not_unix()?]);
            // send(2) is sendto(2) without an address: allowed on the (connected) socketpairs
            // that remain; with an address it is denied.
            rules.insert(
                libc::SYS_sendto,
                vec![eq_rule(4, SeccompCmpArgLen::Qword, SeccompCmpOp::Ne, 0)?],
            );
        }
        let main = SeccompFilter::new(
            rules,
            SeccompAction::Allow,
            SeccompAction::Errno(libc::EPERM as u32),
            arch,
        )
        .map_err(bpf_error)?;
        let mut programs: Vec<BpfProgram> = vec![main.try_into().map_err(bpf_error)?];
        if spec.deny_escapes {
            let mut clone3 = BTreeMap::new();
            clone3.insert(libc::SYS_clone3, Vec::new());
            let filter = SeccompFilter::new(
                clone3,
                SeccompAction::Allow,
                SeccompAction::Errno(libc::ENOSYS as u32),
                arch,
            )
            .map_err(bpf_error)?;
            programs.push(filter.try_into().map_err(bpf_error)?);
        }
        if cfg!(target_arch = "x86_64") {
            programs.push(x32_guard());
        }
        Ok(Self { programs })
    }

    /// Installs the programs on the calling thread (`no_new_privs` must be set).
    pub(crate) fn install(&self) -> Result<(), SandboxError> {
        for program in &self.programs {
            seccompiler::apply_filter(program).map_err(|err| SandboxError::KernelLacks {
                what: "seccomp filters",
                source: std::io::Error::other(err.to_string()),
            })?;
        }
        Ok(())
    }
}

/// `ENOSYS` for every syscall number with the x32 bit set.
fn x32_guard() -> BpfProgram {
    const BPF_LD_W_ABS: u16 = 0x20;
    const BPF_JMP_JGE_K: u16 = 0x05 | 0x30;
    const BPF_RET_K: u16 = 0x06;
    const X32_SYSCALL_BIT: u32 = 0x4000_0000;
    let op = |code, jt, jf, k| seccompiler::sock_filter { code, jt, jf, k };
    vec![
        // A = seccomp_data.nr
        op(BPF_LD_W_ABS, 0, 0, 0),
        op(BPF_JMP_JGE_K, 0, 1, X32_SYSCALL_BIT),
        op(
            BPF_RET_K,
            0,
            0,
            libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32,
        ),
        op(BPF_RET_K, 0, 0, libc::SECCOMP_RET_ALLOW),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_compile_in_every_mode() {
        for (deny_escapes, deny_network) in
            [(true, true), (true, false), (false, true), (false, false)]
        {
            let filters = Filters::build(FilterSpec {
                deny_escapes,
                deny_network,
            })
            .unwrap();
            assert!(!filters.programs.is_empty());
        }
    }
}
