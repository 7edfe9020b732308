//! Attempts made from inside the sandbox by this same test binary (`it probe NAME ARGS...`),
//! so the suite needs no compiler, Python or netcat on the machine. Each probe exits 0 when
//! the operation succeeded and 1 when it failed, printing the error.

use std::ffi::CString;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::net::UnixStream;
use std::time::Duration;

fn errno_result(ret: libc::c_long) -> Result<(), String> {
    if ret < 0 {
        Err(std::io::Error::last_os_error().to_string())
    } else {
        Ok(())
    }
}

fn connect_tcp(addr: &str) -> Result<(), String> {
    let addr: SocketAddr = addr.parse().map_err(|e| format!("bad address: {e}"))?;
    TcpStream::connect_timeout(&addr, Duration::from_secs(3))
        .map(drop)
        .map_err(|e| e.to_string())
}

fn unix_pair() -> Result<(), String> {
    let (mut a, mut b) = UnixStream::pair().map_err(|e| e.to_string())?;
    a.write_all(b"ping").map_err(|e| e.to_string())?;
    let mut buf = [0u8; 4];
    b.read_exact(&mut buf).map_err(|e| e.to_string())?;
    if &buf == b"ping" {
        Ok(())
    } else {
        Err("garbled".to_owned())
    }
}

fn raw_socket(domain: libc::c_int, kind: libc::c_int) -> Result<(), String> {
    // SAFETY: socket takes integers only; a returned descriptor is closed right away.
    let fd = unsafe { libc::socket(domain, kind, 0) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error().to_string());
    }
    // SAFETY: `fd` is a descriptor we own.
    unsafe { libc::close(fd) };
    Ok(())
}

fn unshare(flags: libc::c_int) -> Result<(), String> {
    // SAFETY: unshare takes an integer.
    errno_result(unsafe { libc::unshare(flags) } as libc::c_long)
}

fn clone_with(flags: libc::c_int) -> Result<(), String> {
    // SAFETY: fork-like raw clone; the child exits immediately without touching anything.
    let pid = unsafe {
        libc::syscall(
            libc::SYS_clone,
            (flags | libc::SIGCHLD) as libc::c_ulong,
            0usize,
            0usize,
            0usize,
            0usize,
        )
    };
    if pid == 0 {
        // SAFETY: leaving the child at once.
        unsafe { libc::_exit(0) };
    }
    errno_result(pid)?;
    let mut status = 0;
    // SAFETY: valid out-pointer.
    unsafe { libc::waitpid(pid as libc::pid_t, &mut status, 0) };
    Ok(())
}

fn mount_remount_rw(target: &str) -> Result<(), String> {
    let target = CString::new(target).map_err(|e| e.to_string())?;
    // SAFETY: valid NUL-terminated target, null source/type/data are allowed for a remount.
    let ret = unsafe {
        libc::mount(
            std::ptr::null(),
            target.as_ptr(),
            std::ptr::null(),
            libc::MS_REMOUNT | libc::MS_BIND,
            std::ptr::null(),
        )
    };
    errno_result(ret as libc::c_long)
}

fn umount(target: &str) -> Result<(), String> {
    let target = CString::new(target).map_err(|e| e.to_string())?;
    // SAFETY: valid NUL-terminated string.
    errno_result(unsafe { libc::umount2(target.as_ptr(), libc::MNT_DETACH) } as libc::c_long)
}

fn bind_mount(source: &str, target: &str) -> Result<(), String> {
    let source = CString::new(source).map_err(|e| e.to_string())?;
    let target = CString::new(target).map_err(|e| e.to_string())?;
    // SAFETY: valid NUL-terminated strings; null type/data are allowed for a bind.
    let ret = unsafe {
        libc::mount(
            source.as_ptr(),
            target.as_ptr(),
            std::ptr::null(),
            libc::MS_BIND,
            std::ptr::null(),
        )
    };
    errno_result(ret as libc::c_long)
}

fn ptrace_traceme() -> Result<(), String> {
    // SAFETY: PTRACE_TRACEME takes no pointers.
    let ret = unsafe { libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0) };
    errno_result(ret)
}

fn ptrace_attach(pid: libc::pid_t) -> Result<(), String> {
    // SAFETY: PTRACE_ATTACH takes the pid and no pointers.
    let ret = unsafe { libc::ptrace(libc::PTRACE_ATTACH, pid, 0, 0) };
    errno_result(ret)
}

fn tiocsti() -> Result<(), String> {
    let byte: libc::c_char = b'x' as libc::c_char;
    // SAFETY: TIOCSTI reads one byte from the pointer, which is valid.
    let ret = unsafe { libc::ioctl(0, libc::TIOCSTI, &byte as *const libc::c_char) };
    // On a non-terminal the kernel answers ENOTTY; the filter answers EPERM first.
    if ret < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ENOTTY) {
        return Ok(());
    }
    errno_result(ret as libc::c_long)
}

fn simple_syscall(nr: libc::c_long) -> Result<(), String> {
    // SAFETY: all arguments zero; each syscall probed here fails or does nothing harmful
    // with null arguments (io_uring_setup(0, NULL) = EINVAL when allowed).
    let ret = unsafe { libc::syscall(nr, 0usize, 0usize, 0usize, 0usize, 0usize) };
    if ret < 0 {
        let err = std::io::Error::last_os_error();
        // EPERM is the filter; any other error means the kernel saw the call.
        if err.raw_os_error() == Some(libc::EPERM) || err.raw_os_error() == Some(libc::ENOSYS) {
            return Err(err.to_string());
        }
        return Ok(());
    }
    Ok(())
}

fn status_field(name: &str) -> Result<String, String> {
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(name).map(|v| v.trim().to_owned()))
        .ok_or_else(|| format!("{name} not in /proc/self/status"))
}

/// Succeeds when the process holds any capability or could gain one.
fn has_capabilities() -> Result<(), String> {
    let eff = status_field("CapEff:")?;
    let prm = status_field("CapPrm:")?;
    let bnd = status_field("CapBnd:")?;
    let amb = status_field("CapAmb:")?;
    let zero = |v: &str| v.chars().all(|c| c == '0');
    if zero(&eff) && zero(&prm) && zero(&bnd) && zero(&amb) {
        Err(format!(
            "no capabilities (eff {eff} prm {prm} bnd {bnd} amb {amb})"
        ))
    } else {
        Ok(())
    }
}

/// Succeeds when the effective uid differs from the real one (a setuid bit took effect).
fn euid_changed() -> Result<(), String> {
    // SAFETY: getuid/geteuid cannot fail.
    let (uid, euid) = unsafe { (libc::getuid(), libc::geteuid()) };
    if uid == euid {
        Err(format!("euid stayed {euid}"))
    } else {
        Ok(())
    }
}

fn open_rw(path: &str) -> Result<(), String> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map(drop)
        .map_err(|e| e.to_string())
}

fn kill_pid(pid: libc::pid_t) -> Result<(), String> {
    // SAFETY: kill takes integers; signal 0 checks without delivering anything.
    errno_result(unsafe { libc::kill(pid, 0) } as libc::c_long)
}

/// Runs probe `name` and returns the process exit code.
pub(crate) fn run(name: &str, args: &[String]) -> i32 {
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let pid_arg = |i: usize| arg(i).parse::<libc::pid_t>().unwrap_or(0);
    let result = match name {
        "connect" => connect_tcp(&arg(0)),
        "socket-inet" => raw_socket(libc::AF_INET, libc::SOCK_STREAM),
        "socket-inet6" => raw_socket(libc::AF_INET6, libc::SOCK_STREAM),
        "socket-netlink" => raw_socket(libc::AF_NETLINK, libc::SOCK_RAW),
        "socket-unix" => raw_socket(libc::AF_UNIX, libc::SOCK_STREAM),
        "unix-dgram-send" => std::os::unix::net::UnixDatagram::unbound()
            .and_then(|sock| sock.send_to(b"hello", arg(0)))
            .map(drop)
            .map_err(|e| e.to_string()),
        "unix-pair" => unix_pair(),
        "unix-connect" => UnixStream::connect(arg(0))
            .map(drop)
            .map_err(|e| e.to_string()),
        "unshare-user" => unshare(libc::CLONE_NEWUSER),
        "unshare-mount" => unshare(libc::CLONE_NEWNS),
        "unshare-net" => unshare(libc::CLONE_NEWNET),
        "clone-newuser" => clone_with(libc::CLONE_NEWUSER),
        "clone3" => simple_syscall(libc::SYS_clone3),
        "setns" => simple_syscall(libc::SYS_setns),
        "remount-rw" => mount_remount_rw(&arg(0)),
        "umount" => umount(&arg(0)),
        "bind-mount" => bind_mount(&arg(0), &arg(1)),
        "chroot" => {
            let dir = CString::new(arg(0)).unwrap_or_default();
            // SAFETY: valid NUL-terminated string.
            errno_result(unsafe { libc::chroot(dir.as_ptr()) } as libc::c_long)
        }
        "ptrace-traceme" => ptrace_traceme(),
        "ptrace-attach" => ptrace_attach(pid_arg(0)),
        "process-vm-readv" => simple_syscall(libc::SYS_process_vm_readv),
        "io-uring" => simple_syscall(libc::SYS_io_uring_setup),
        "keyctl" => simple_syscall(libc::SYS_keyctl),
        "bpf" => simple_syscall(libc::SYS_bpf),
        "tiocsti" => tiocsti(),
        "x32-getpid" => simple_syscall(0x4000_0000 | libc::SYS_getpid),
        "has-capabilities" => has_capabilities(),
        "euid-changed" => euid_changed(),
        "open-rw" => open_rw(&arg(0)),
        "kill" => kill_pid(pid_arg(0)),
        "mknod" => {
            let path = CString::new(arg(0)).unwrap_or_default();
            // SAFETY: valid NUL-terminated string; integers otherwise.
            let ret =
                unsafe { libc::mknod(path.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) };
            errno_result(ret as libc::c_long)
        }
        other => Err(format!("unknown probe {other}")),
    };
    match result {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("probe {name}: {message}");
            1
        }
    }
}
