//! How long a child lives, and which terminal it holds.
//!
//! Every command recodex starts for the model must end when recodex ends, however it ends:
//! a `kill -9` leaves no chance to clean up, so the kernel does it. Between `fork` and `exec`
//! the child asks for `SIGTERM` when its parent dies (`PR_SET_PDEATHSIG`, the reference's
//! signal), and exits at once if the parent is already gone. A sandboxed command is the
//! sandbox helper's grandchild: the helper, on that SIGTERM, kills the sandbox's PID 1 (whose
//! own death signal is SIGKILL) and removes its mount placeholders; the kernel then kills
//! everything in the sandbox's PID namespace.
//!
//! The child also starts a new session, so it never keeps the user's controlling terminal
//! (`stty -F /dev/tty` cannot touch it and `> /dev/tty` cannot bypass output capture); a PTY
//! child takes its own terminal as the controlling one.
//!
//! The parent-death signal follows the *thread* that forked the child. Commands are started
//! from the runtime's thread, which lives as long as the process.

use std::io;
use std::os::fd::{AsFd, OwnedFd};

use rustix::process::{Pid, Signal};

/// Both ends of a new pseudo-terminal.
pub(crate) struct Pty {
    /// recodex's side: reads the command's output, writes its input.
    pub(crate) master: OwnedFd,
    /// The command's side: its stdin, stdout, stderr and controlling terminal.
    pub(crate) slave: OwnedFd,
}

/// Opens a pseudo-terminal of `rows` × `cols`.
pub(crate) fn open_pty(rows: u16, cols: u16) -> io::Result<Pty> {
    use rustix::fs::{Mode, OFlags};
    use rustix::pty::OpenptFlags;
    let master = rustix::pty::openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY)?;
    rustix::io::fcntl_setfd(&master, rustix::io::FdFlags::CLOEXEC)?;
    rustix::pty::grantpt(&master)?;
    rustix::pty::unlockpt(&master)?;
    let name = rustix::pty::ptsname(&master, Vec::new())?;
    let slave = rustix::fs::open(
        name.as_c_str(),
        OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    rustix::termios::tcsetwinsize(
        &master,
        rustix::termios::Winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        },
    )?;
    Ok(Pty { master, slave })
}

/// The child side, run between `fork` and `exec`: async-signal-safe system calls only.
fn in_child(parent: Option<Pid>, controlling_tty: bool) -> io::Result<()> {
    rustix::process::setsid()?;
    if controlling_tty {
        // Stdin is the PTY's slave side; make it this session's terminal.
        rustix::process::ioctl_tiocsctty(io::stdin().as_fd())?;
    }
    rustix::process::set_parent_process_death_signal(Some(Signal::TERM))?;
    // The parent may have died between `fork` and the call above; the signal then never
    // comes, so look at who the parent is now.
    if rustix::process::getppid() != parent {
        return Err(io::Error::other("the parent process has exited"));
    }
    Ok(())
}

/// Makes a `std` command start in its own session and die with this process.
/// `controlling_tty`: its stdin is a PTY to take as the controlling terminal.
pub fn detach_and_tie_std(command: &mut std::process::Command, controlling_tty: bool) {
    use std::os::unix::process::CommandExt;
    let parent = Some(rustix::process::getpid());
    // SAFETY: the closure runs in the forked child before `exec`; it only makes system calls
    // that are async-signal-safe (setsid, ioctl, prctl, getppid) and allocates nothing.
    #[allow(unsafe_code)]
    unsafe {
        command.pre_exec(move || in_child(parent, controlling_tty));
    }
}

/// [`detach_and_tie_std`] for a tokio command.
pub(crate) fn detach_and_tie_tokio(command: &mut tokio::process::Command, controlling_tty: bool) {
    let parent = Some(rustix::process::getpid());
    // SAFETY: as in `detach_and_tie_std`.
    #[allow(unsafe_code)]
    unsafe {
        command.pre_exec(move || in_child(parent, controlling_tty));
    }
}

/// Makes a `std` command die with this process but keep the session and terminal: for a
/// command the user runs interactively (`codex sandbox`).
pub fn tie_to_parent(command: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    let parent = Some(rustix::process::getpid());
    // SAFETY: as in `detach_and_tie_std` (prctl and getppid only).
    #[allow(unsafe_code)]
    unsafe {
        command.pre_exec(move || {
            rustix::process::set_parent_process_death_signal(Some(Signal::TERM))?;
            if rustix::process::getppid() != parent {
                return Err(io::Error::other("the parent process has exited"));
            }
            Ok(())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn a_detached_child_has_no_controlling_terminal() {
        let mut command = std::process::Command::new("sh");
        command
            .args([
                "-c",
                "(: </dev/tty) 2>/dev/null && echo has-tty || echo no-tty",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        detach_and_tie_std(&mut command, false);
        let out = command.output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "no-tty");
    }

    #[test]
    fn a_pty_child_has_its_own_terminal_and_session() {
        let pty = open_pty(24, 80).unwrap();
        let mut command = std::process::Command::new("sh");
        command
            .args([
                "-c",
                "stty size </dev/tty; cut -d' ' -f6 /proc/$$/stat; echo $$",
            ])
            .stdin(std::process::Stdio::from(pty.slave.try_clone().unwrap()))
            .stdout(std::process::Stdio::from(pty.slave.try_clone().unwrap()))
            .stderr(std::process::Stdio::from(pty.slave));
        detach_and_tie_std(&mut command, true);
        let mut child = command.spawn().unwrap();
        drop(command);
        let mut reader = std::fs::File::from(pty.master);
        let mut text = String::new();
        let mut buf = [0u8; 256];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            text.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        child.wait().unwrap();
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        assert_eq!(lines.first(), Some(&"24 80"), "{text}");
        // The shell leads its own session.
        assert_eq!(lines.get(1), lines.get(2), "{text}");
    }
}
