//! Thin wrappers over the Linux system calls the sandbox needs and `libc` does not wrap
//! (the new mount API, raw `clone`, `capset`). Every `unsafe` block of the crate that talks
//! to the kernel lives here, each with the invariant that makes it sound.

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// `open_tree(2)` flag: make a detached copy of the mount (tree).
const OPEN_TREE_CLONE: libc::c_uint = 1;
/// `AT_RECURSIVE`: include submounts (open_tree, mount_setattr).
const AT_RECURSIVE: libc::c_uint = 0x8000;
/// `move_mount(2)` flag: the source is the fd itself.
const MOVE_MOUNT_F_EMPTY_PATH: libc::c_uint = 0x4;
/// `mount_setattr(2)` attribute: read-only.
pub(crate) const MOUNT_ATTR_RDONLY: u64 = 0x1;

/// The kernel's `struct mount_attr`.
#[repr(C)]
struct MountAttr {
    attr_set: u64,
    attr_clr: u64,
    propagation: u64,
    userns_fd: u64,
}

/// Converts a path to a C string (paths with NUL bytes cannot name a file).
pub(crate) fn cpath(path: &Path) -> io::Result<CString> {
    CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte"))
}

fn check(ret: libc::c_long) -> io::Result<libc::c_long> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

fn check_int(ret: libc::c_int) -> io::Result<()> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// A detached copy of the mount at `path` (with its submounts when `recursive`).
pub(crate) fn clone_tree(
    dirfd: Option<RawFd>,
    path: &Path,
    recursive: bool,
) -> io::Result<OwnedFd> {
    let c = cpath(path)?;
    let mut flags = OPEN_TREE_CLONE | libc::O_CLOEXEC as libc::c_uint;
    if recursive {
        flags |= AT_RECURSIVE;
    }
    let (dirfd, flags) = match dirfd {
        Some(fd) => (fd, flags | libc::AT_EMPTY_PATH as libc::c_uint),
        None => (libc::AT_FDCWD, flags),
    };
    #[allow(unsafe_code)]
    // SAFETY: `c` is a valid NUL-terminated string that outlives the call; the kernel only
    // reads it. A non-negative return is a new file descriptor that we now own.
    let fd = unsafe { libc::syscall(libc::SYS_open_tree, dirfd, c.as_ptr(), flags) };
    let fd = check(fd)?;
    #[allow(unsafe_code)]
    // SAFETY: `fd` was just returned by open_tree, is open, and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// An fd for the mount attached at `path` (no copy), for [`set_tree_attr`].
pub(crate) fn open_mount(path: &Path) -> io::Result<OwnedFd> {
    let c = cpath(path)?;
    let flags = libc::O_CLOEXEC as libc::c_uint;
    #[allow(unsafe_code)]
    // SAFETY: `c` is a valid NUL-terminated string that outlives the call. A non-negative
    // return is a new file descriptor that we now own.
    let fd = unsafe { libc::syscall(libc::SYS_open_tree, libc::AT_FDCWD, c.as_ptr(), flags) };
    let fd = check(fd)?;
    #[allow(unsafe_code)]
    // SAFETY: `fd` was just returned by open_tree, is open, and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// Sets (`set`) or clears (`clear`) mount attributes on the detached or attached tree `fd`.
pub(crate) fn set_tree_attr(fd: &OwnedFd, set: u64, recursive: bool) -> io::Result<()> {
    let attr = MountAttr {
        attr_set: set,
        attr_clr: 0,
        propagation: 0,
        userns_fd: 0,
    };
    let mut flags = libc::AT_EMPTY_PATH as libc::c_uint;
    if recursive {
        flags |= AT_RECURSIVE;
    }
    let empty = c"";
    #[allow(unsafe_code)]
    // SAFETY: `attr` is a properly laid out `struct mount_attr` that lives across the call and
    // whose size we pass; `empty` is a static NUL-terminated string.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_mount_setattr,
            fd.as_raw_fd(),
            empty.as_ptr(),
            flags,
            &attr as *const MountAttr,
            std::mem::size_of::<MountAttr>(),
        )
    };
    check(ret).map(drop)
}

/// Attaches the detached tree `fd` at `target` (a trailing symlink is not followed).
pub(crate) fn attach_tree(fd: &OwnedFd, target: &Path) -> io::Result<()> {
    let c = cpath(target)?;
    let empty = c"";
    #[allow(unsafe_code)]
    // SAFETY: both strings are valid and NUL-terminated for the duration of the call.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_move_mount,
            fd.as_raw_fd(),
            empty.as_ptr(),
            libc::AT_FDCWD,
            c.as_ptr(),
            MOVE_MOUNT_F_EMPTY_PATH,
        )
    };
    check(ret).map(drop)
}

/// `mount(2)` with optional source, type and data.
pub(crate) fn mount(
    source: Option<&CStr>,
    target: &Path,
    fstype: Option<&CStr>,
    flags: libc::c_ulong,
    data: Option<&CStr>,
) -> io::Result<()> {
    let target = cpath(target)?;
    let ptr = |s: Option<&CStr>| s.map_or(std::ptr::null(), CStr::as_ptr);
    #[allow(unsafe_code)]
    // SAFETY: every pointer is either null (allowed by mount(2) for these arguments) or a
    // valid NUL-terminated string that outlives the call.
    let ret = unsafe {
        libc::mount(
            ptr(source),
            target.as_ptr(),
            ptr(fstype),
            flags,
            ptr(data).cast(),
        )
    };
    check_int(ret)
}

/// Makes the current directory the root: `pivot_root(".", ".")`, then detaches the old root.
pub(crate) fn pivot_to_cwd() -> io::Result<()> {
    let dot = c".";
    #[allow(unsafe_code)]
    // SAFETY: static NUL-terminated strings; pivot_root takes no other memory.
    let ret = unsafe { libc::syscall(libc::SYS_pivot_root, dot.as_ptr(), dot.as_ptr()) };
    check(ret)?;
    #[allow(unsafe_code)]
    // SAFETY: static NUL-terminated string.
    let ret = unsafe { libc::umount2(dot.as_ptr(), libc::MNT_DETACH) };
    check_int(ret)?;
    std::env::set_current_dir("/")
}

/// `fchdir(2)`.
pub(crate) fn fchdir(fd: &OwnedFd) -> io::Result<()> {
    #[allow(unsafe_code)]
    // SAFETY: `fd` is an open descriptor owned by the caller.
    let ret = unsafe { libc::fchdir(fd.as_raw_fd()) };
    check_int(ret)
}

/// `fork` with namespace flags: a raw `clone(2)` without `CLONE_VM`, so the child continues
/// on a copy of this stack. Returns the child's pid in the parent and 0 in the child.
///
/// # Safety
///
/// The caller must be single-threaded (the child gets a copy of one thread only, so any lock
/// another thread held would stay locked forever).
#[allow(unsafe_code)]
pub(crate) unsafe fn fork_into_namespaces(flags: libc::c_int) -> io::Result<libc::pid_t> {
    let flags = (flags | libc::SIGCHLD) as libc::c_ulong;
    // SAFETY: without CLONE_VM and with a null stack, clone behaves as fork(2); the caller
    // guarantees the process is single-threaded. The remaining arguments are unused (null).
    let ret = unsafe {
        libc::syscall(
            libc::SYS_clone,
            flags,
            std::ptr::null::<libc::c_void>(),
            std::ptr::null::<libc::c_void>(),
            std::ptr::null::<libc::c_void>(),
            0usize,
        )
    };
    check(ret).map(|pid| pid as libc::pid_t)
}

/// Plain `fork(2)`.
///
/// # Safety
///
/// As for [`fork_into_namespaces`]: the caller must be single-threaded.
#[allow(unsafe_code)]
pub(crate) unsafe fn fork() -> io::Result<libc::pid_t> {
    // SAFETY: the caller guarantees the process is single-threaded.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(pid)
    }
}

/// The termination signal this process was sent, once [`catch_termination`] is in place.
static TERMINATION: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

extern "C" fn note_termination(signal: libc::c_int) {
    TERMINATION.store(signal, std::sync::atomic::Ordering::SeqCst);
}

/// Catches `SIGTERM` (what the caller's death sends the helper): it only interrupts
/// `waitpid`, so the helper can kill its sandbox and remove its placeholders.
pub(crate) fn catch_termination() -> io::Result<()> {
    #[allow(unsafe_code)]
    // SAFETY: the handler only stores into an atomic, which is async-signal-safe; the
    // `sigaction` struct is fully initialised (zeroed, then the handler set). No
    // SA_RESTART, so a blocked `waitpid` returns EINTR.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = note_termination as extern "C" fn(libc::c_int) as usize;
        libc::sigemptyset(&mut action.sa_mask);
        if libc::sigaction(libc::SIGTERM, &action, std::ptr::null_mut()) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// The termination signal received since [`catch_termination`], if any.
pub(crate) fn termination_requested() -> Option<libc::c_int> {
    match TERMINATION.load(std::sync::atomic::Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
    }
}

/// `waitpid(pid, 0)` that kills `pid` (SIGKILL) once a termination signal arrives, then
/// goes on waiting for it; returns the raw wait status.
pub(crate) fn wait_for_or_terminate(pid: libc::pid_t) -> io::Result<(libc::pid_t, libc::c_int)> {
    loop {
        if termination_requested().is_some() {
            kill(pid, libc::SIGKILL);
            return wait_for(pid);
        }
        let mut status: libc::c_int = 0;
        #[allow(unsafe_code)]
        // SAFETY: `status` is a valid out-pointer for the duration of the call.
        let ret = unsafe { libc::waitpid(pid, &mut status, 0) };
        if ret >= 0 {
            return Ok((ret, status));
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// `waitpid(pid, 0)`, retried on `EINTR`; returns the raw wait status.
pub(crate) fn wait_for(pid: libc::pid_t) -> io::Result<(libc::pid_t, libc::c_int)> {
    loop {
        let mut status: libc::c_int = 0;
        #[allow(unsafe_code)]
        // SAFETY: `status` is a valid out-pointer for the duration of the call.
        let ret = unsafe { libc::waitpid(pid, &mut status, 0) };
        if ret >= 0 {
            return Ok((ret, status));
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// Turns a wait status into a shell-style exit code (128 + signal for a signal death).
pub(crate) fn exit_code(status: libc::c_int) -> i32 {
    if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else if libc::WIFSIGNALED(status) {
        128 + libc::WTERMSIG(status)
    } else {
        1
    }
}

/// `kill(2)`, errors ignored (the process may be gone already).
pub(crate) fn kill(pid: libc::pid_t, signal: libc::c_int) {
    #[allow(unsafe_code)]
    // SAFETY: kill has no memory arguments.
    unsafe {
        libc::kill(pid, signal);
    }
}

/// `prctl` with integer arguments.
pub(crate) fn prctl(option: libc::c_int, arg2: libc::c_ulong) -> io::Result<()> {
    #[allow(unsafe_code)]
    // SAFETY: the options used by this crate take integer arguments only.
    let ret = unsafe {
        libc::prctl(
            option,
            arg2,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        )
    };
    check_int(ret)
}

/// Sets `no_new_privs`: setuid bits and file capabilities no longer grant anything.
pub(crate) fn set_no_new_privs() -> io::Result<()> {
    prctl(libc::PR_SET_NO_NEW_PRIVS, 1)
}

/// Drops every capability: bounding set, ambient set, then effective/permitted/inheritable.
pub(crate) fn drop_all_capabilities() -> io::Result<()> {
    // The bounding set first: dropping it needs CAP_SETPCAP, which capset removes below.
    let mut cap: libc::c_ulong = 0;
    loop {
        match prctl(libc::PR_CAPBSET_DROP, cap) {
            Ok(()) => cap += 1,
            Err(err) if err.raw_os_error() == Some(libc::EINVAL) => break,
            Err(err) => return Err(err),
        }
        if cap > 128 {
            break;
        }
    }
    #[allow(unsafe_code)]
    // SAFETY: integer-only prctl arguments.
    let ret = unsafe {
        libc::prctl(
            libc::PR_CAP_AMBIENT,
            libc::PR_CAP_AMBIENT_CLEAR_ALL as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        )
    };
    // Kernels without ambient capabilities (before 4.3) have nothing to clear.
    if ret < 0 && io::Error::last_os_error().raw_os_error() != Some(libc::EINVAL) {
        return Err(io::Error::last_os_error());
    }
    #[repr(C)]
    struct CapHeader {
        version: u32,
        pid: libc::c_int,
    }
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct CapData {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    const LINUX_CAPABILITY_VERSION_3: u32 = 0x2008_0522;
    let header = CapHeader {
        version: LINUX_CAPABILITY_VERSION_3,
        pid: 0,
    };
    let data = [CapData {
        effective: 0,
        permitted: 0,
        inheritable: 0,
    }; 2];
    #[allow(unsafe_code)]
    // SAFETY: `header` and the two-element `data` array have the kernel's layout for
    // _LINUX_CAPABILITY_VERSION_3 and outlive the call.
    let ret =
        unsafe { libc::syscall(libc::SYS_capset, &header as *const CapHeader, data.as_ptr()) };
    check(ret).map(drop)
}

/// A pipe whose both ends close on exec.
pub(crate) fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as libc::c_int; 2];
    #[allow(unsafe_code)]
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    let ret = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    check_int(ret)?;
    #[allow(unsafe_code)]
    // SAFETY: both descriptors were just created and are owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// `execvp(argv[0], argv)`; returns only on failure.
pub(crate) fn execvp(argv: &[CString]) -> io::Error {
    let Some(program) = argv.first() else {
        return io::Error::new(io::ErrorKind::InvalidInput, "empty command");
    };
    let mut ptrs: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    ptrs.push(std::ptr::null());
    #[allow(unsafe_code)]
    // SAFETY: `ptrs` is a null-terminated array of pointers into `argv`, which outlives the
    // call; execvp only reads them.
    unsafe {
        libc::execvp(program.as_ptr(), ptrs.as_ptr());
    }
    io::Error::last_os_error()
}

/// Ends the current (forked) process immediately, without running destructors or atexit
/// handlers that belong to the parent's copy of the program.
pub(crate) fn exit_now(code: i32) -> ! {
    #[allow(unsafe_code)]
    // SAFETY: _exit never returns and touches no memory of ours.
    unsafe {
        libc::_exit(code)
    }
}

/// The number of threads of this process (from `/proc/self/stat`), when it can be read.
pub(crate) fn thread_count() -> Option<usize> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Field 20 (num_threads); the command name (field 2) may contain spaces, so count from
    // the closing parenthesis.
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split_whitespace().nth(17)?.parse().ok()
}

/// Whether a process with this pid exists (`kill(pid, 0)`; `EPERM` means it exists).
pub(crate) fn process_exists(pid: libc::pid_t) -> bool {
    if pid <= 0 {
        return false;
    }
    #[allow(unsafe_code)]
    // SAFETY: kill has no memory arguments; signal 0 only checks for existence.
    let ret = unsafe { libc::kill(pid, 0) };
    ret == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// The effective user and group ids.
pub(crate) fn effective_ids() -> (libc::uid_t, libc::gid_t) {
    #[allow(unsafe_code)]
    // SAFETY: geteuid and getegid cannot fail and take no arguments.
    unsafe {
        (libc::geteuid(), libc::getegid())
    }
}
