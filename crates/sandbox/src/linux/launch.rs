//! Running one command confined: the process layout and the order of the steps.
//!
//! ```text
//! caller (this process, single-threaded)      outside: waits, cleans placeholders
//!   └─ init  (clone: new user, mount, PID, IPC [, network] namespaces; PID 1)
//!        builds the filesystem view, then reaps; when it exits the kernel kills
//!        everything left in the PID namespace. Dies with the caller (PDEATHSIG); the
//!        caller, sent SIGTERM (its own parent died), kills it and cleans up first.
//!        └─ command  (fork) chdir, no_new_privs, Landlock, all capabilities dropped,
//!                    seccomp, execvp
//! ```
//!
//! The caller writes the child's uid/gid maps (the caller's own ids, mapped to themselves),
//! then releases it through a pipe. Failures before `execvp` travel back on a close-on-exec
//! pipe, so the caller can tell "the sandbox could not be built" from "the command ran".

use std::ffi::CString;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use super::filter::{FilterSpec, Filters};
use super::landlock_rules::{self, LandlockOutcome};
use super::mounts::{self, MountPlan, ProcMode};
use super::placeholders::Placeholders;
use super::sys;
use crate::error::SandboxError;
use crate::policy::ResolvedPolicy;

/// A command to run under a resolved policy.
#[derive(Debug, Clone)]
pub struct ConfinedCommand {
    /// Program and arguments (`argv[0]` is looked up on `PATH`).
    pub argv: Vec<std::ffi::OsString>,
    /// Where the command starts.
    pub cwd: PathBuf,
    /// What it may do.
    pub policy: ResolvedPolicy,
    /// Mount a fresh `/proc` (false: an empty one, the `--no-proc` flag).
    pub mount_proc: bool,
    /// Directory for the placeholder markers; `None`: `/tmp/recodex-sandbox-mountpoints-<uid>`
    /// (the same for every sandbox of the user, whatever its `$TMPDIR`).
    pub marker_dir: Option<PathBuf>,
}

/// Exit code for "the command could not be started" (as shells use).
const EXIT_EXEC_FAILED: i32 = 127;
/// Exit code of a sandbox process whose set-up failed (the message went up the pipe).
const EXIT_SETUP_FAILED: i32 = 125;

/// Runs `command` confined and returns its exit code (128 + signal for a signal death).
///
/// When the policy needs no namespaces (full filesystem access) the command replaces the
/// current process image, as the reference's helper does; this returns only on failure then.
/// Otherwise the calling process must be single-threaded.
pub fn run_confined(command: &ConfinedCommand) -> Result<i32, SandboxError> {
    let argv = to_cstrings(&command.argv)?;
    let policy = &command.policy;
    if policy.full_disk_write {
        std::env::set_current_dir(&command.cwd).map_err(|err| {
            SandboxError::setup(format!("entering {}", command.cwd.display()), err)
        })?;
        if !policy.network {
            let filters = Filters::build(FilterSpec {
                deny_escapes: false,
                deny_network: true,
            })?;
            sys::set_no_new_privs().map_err(|err| SandboxError::setup("no_new_privs", err))?;
            filters.install()?;
        }
        let err = sys::execvp(&argv);
        return Err(exec_error(&command.argv, &err.to_string()));
    }
    run_in_namespaces(command, argv)
}

fn to_cstrings(argv: &[std::ffi::OsString]) -> Result<Vec<CString>, SandboxError> {
    use std::os::unix::ffi::OsStrExt;
    if argv.is_empty() {
        return Err(SandboxError::InvalidCommand(
            "no command specified to execute".to_owned(),
        ));
    }
    argv.iter()
        .map(|arg| {
            CString::new(arg.as_bytes()).map_err(|_| {
                SandboxError::InvalidCommand(format!(
                    "argument contains a NUL byte: {}",
                    arg.to_string_lossy()
                ))
            })
        })
        .collect()
}

fn exec_error(argv: &[std::ffi::OsString], message: &str) -> SandboxError {
    SandboxError::Exec {
        program: argv
            .first()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default(),
        message: message.to_owned(),
    }
}

/// What the sandbox processes need, prepared before the fork.
struct ChildSetup<'a> {
    plan: MountPlan,
    filters: Filters,
    argv: Vec<CString>,
    cwd: &'a Path,
    writable: Vec<PathBuf>,
    network: bool,
}

fn run_in_namespaces(command: &ConfinedCommand, argv: Vec<CString>) -> Result<i32, SandboxError> {
    if let Some(threads) = sys::thread_count()
        && threads > 1
    {
        return Err(SandboxError::MultiThreaded { threads });
    }
    let policy = &command.policy;
    let proc_mode = if command.mount_proc {
        ProcMode::Fresh
    } else {
        ProcMode::Hidden
    };
    let (uid, gid) = sys::effective_ids();
    let marker_dir = command.marker_dir.clone().unwrap_or_else(|| {
        // One place for every sandbox of this user, whatever its `$TMPDIR`: sandboxes share
        // placeholders in `/tmp` (a writable root of every workspace-write policy), and one
        // that looked for markers elsewhere would take another's placeholder for a real
        // directory and fail when that one removes it.
        let tmp = Path::new("/tmp");
        let base = if tmp.is_dir() {
            tmp.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        base.join(format!("recodex-sandbox-mountpoints-{uid}"))
    });
    let mut plan = MountPlan::new(policy, proc_mode);
    // A protected path that exists only as another running sandbox's placeholder is ours
    // to share, not a real directory to bind (it may vanish when that sandbox ends).
    super::placeholders::adopt_shared(&mut plan.read_only, &mut plan.placeholders, &marker_dir);
    let setup = ChildSetup {
        plan,
        filters: Filters::build(FilterSpec {
            deny_escapes: true,
            deny_network: !policy.network,
        })?,
        argv,
        cwd: &command.cwd,
        writable: policy
            .writable_roots
            .iter()
            .map(|r| r.root.clone())
            .collect(),
        network: policy.network,
    };
    let mut placeholders = Placeholders::prepare(&setup.plan.placeholders, &marker_dir)?;
    let pipe_err = |err| SandboxError::setup("creating a pipe", err);
    let (sync_read, sync_write) = sys::pipe().map_err(pipe_err)?;
    let (report_read, report_write) = sys::pipe().map_err(pipe_err)?;
    let mut flags =
        libc::CLONE_NEWUSER | libc::CLONE_NEWNS | libc::CLONE_NEWPID | libc::CLONE_NEWIPC;
    if !policy.network {
        flags |= libc::CLONE_NEWNET;
    }
    #[allow(unsafe_code)]
    // SAFETY: checked above that this process has a single thread.
    let pid = unsafe { sys::fork_into_namespaces(flags) }.map_err(|source| {
        SandboxError::KernelLacks {
            what: "creating user, mount and PID namespaces (unprivileged user namespaces may be disabled)",
            source,
        }
    })?;
    if pid == 0 {
        drop(sync_write);
        drop(report_read);
        sandbox_init(&setup, sync_read, report_write);
    }
    drop(sync_read);
    drop(report_write);

    if let Err(err) = write_id_maps(pid, uid, gid) {
        sys::kill(pid, libc::SIGKILL);
        let _ = sys::wait_for(pid);
        placeholders.cleanup();
        return Err(err);
    }
    // Release the child; dropping the write end afterwards is what a failed write would do
    // too (the child then sees EOF and exits).
    let _ = File::from(sync_write).write_all(b"1");

    // The caller's death (or a `kill`) sends SIGTERM: the sandbox is killed and the
    // placeholders removed before this process exits, so nothing is left in /tmp.
    let _ = sys::catch_termination();
    let mut report = Vec::new();
    let _ = File::from(report_read).read_to_end(&mut report);
    let waited = sys::wait_for_or_terminate(pid);
    placeholders.cleanup();
    if let Some(signal) = sys::termination_requested() {
        return Ok(128 + signal);
    }
    if !report.is_empty() {
        return Err(decode_report(&report, &command.argv));
    }
    let (_, status) = waited.map_err(|err| SandboxError::setup("waiting for the sandbox", err))?;
    Ok(sys::exit_code(status))
}

fn write_id_maps(pid: libc::pid_t, uid: libc::uid_t, gid: libc::gid_t) -> Result<(), SandboxError> {
    let write = |name: &str, text: String| {
        let path = format!("/proc/{pid}/{name}");
        std::fs::write(&path, text).map_err(|source| SandboxError::KernelLacks {
            what: "writing the user namespace id maps",
            source,
        })
    };
    write("setgroups", "deny".to_owned())?;
    write("uid_map", format!("{uid} {uid} 1\n"))?;
    write("gid_map", format!("{gid} {gid} 1\n"))
}

/// Report kinds sent up the pipe: a set-up failure or a failed `execvp`.
const REPORT_SETUP: u8 = b'S';
const REPORT_EXEC: u8 = b'E';

fn decode_report(report: &[u8], argv: &[std::ffi::OsString]) -> SandboxError {
    let (kind, text) = report.split_first().unwrap_or((&REPORT_SETUP, &[]));
    let text = String::from_utf8_lossy(text).into_owned();
    if *kind == REPORT_EXEC {
        exec_error(argv, &text)
    } else {
        SandboxError::Child(text)
    }
}

fn send_report(pipe: &OwnedFd, kind: u8, text: &str) {
    let mut message = vec![kind];
    message.extend_from_slice(text.as_bytes());
    let mut file: &File = &File::from(match pipe.try_clone() {
        Ok(fd) => fd,
        Err(_) => return,
    });
    let _ = file.write_all(&message);
}

/// PID 1 of the sandbox: builds the view, starts the command, reaps until it exits.
fn sandbox_init(setup: &ChildSetup<'_>, sync_read: OwnedFd, report: OwnedFd) -> ! {
    // Die with the caller; if the caller is already gone, the pipe read below sees EOF.
    let _ = sys::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong);
    let mut go = [0u8; 1];
    if File::from(sync_read).read_exact(&mut go).is_err() {
        sys::exit_now(EXIT_SETUP_FAILED);
    }
    if let Err(err) = mounts::apply(&setup.plan) {
        send_report(&report, REPORT_SETUP, &err.to_string());
        sys::exit_now(EXIT_SETUP_FAILED);
    }
    #[allow(unsafe_code)]
    // SAFETY: this process was forked from a single-threaded one and started no thread.
    let child = match unsafe { sys::fork() } {
        Ok(pid) => pid,
        Err(err) => {
            send_report(
                &report,
                REPORT_SETUP,
                &format!("starting the command: {err}"),
            );
            sys::exit_now(EXIT_SETUP_FAILED);
        }
    };
    if child == 0 {
        run_command(setup, &report);
    }
    drop(report);
    // Init keeps no power the command could borrow.
    let _ = sys::drop_all_capabilities();
    let _ = sys::prctl(libc::PR_SET_DUMPABLE, 0);
    loop {
        match sys::wait_for(-1) {
            Ok((pid, status)) if pid == child => sys::exit_now(sys::exit_code(status)),
            Ok(_) => {}
            Err(_) => sys::exit_now(EXIT_SETUP_FAILED),
        }
    }
}

/// The command's process: tighten, then exec.
fn run_command(setup: &ChildSetup<'_>, report: &OwnedFd) -> ! {
    match tighten(setup) {
        Ok(()) => {
            let err = sys::execvp(&setup.argv);
            send_report(report, REPORT_EXEC, &err.to_string());
            sys::exit_now(EXIT_EXEC_FAILED);
        }
        Err(err) => {
            send_report(report, REPORT_SETUP, &err.to_string());
            sys::exit_now(EXIT_SETUP_FAILED);
        }
    }
}

fn tighten(setup: &ChildSetup<'_>) -> Result<(), SandboxError> {
    std::env::set_current_dir(setup.cwd)
        .map_err(|err| SandboxError::setup(format!("entering {}", setup.cwd.display()), err))?;
    sys::set_no_new_privs().map_err(|err| SandboxError::setup("no_new_privs", err))?;
    // A kernel without Landlock leaves the namespaces and seccomp to enforce the policy.
    let _outcome: LandlockOutcome = landlock_rules::restrict(&setup.writable, setup.network)
        .map_err(|err| {
            SandboxError::setup(
                "applying Landlock rules",
                std::io::Error::other(err.to_string()),
            )
        })?;
    sys::drop_all_capabilities()
        .map_err(|err| SandboxError::setup("dropping capabilities", err))?;
    setup.filters.install()
}
