//! Starting a process, in a pseudo-terminal or with pipes, behind the one
//! hook the sandbox will use ([`SandboxWrapper`]).
//!
//! Either way the child leads its own session (and so its own process group):
//! it and everything it started can be killed together, and it never holds
//! the user's terminal (a PTY child gets its own terminal as its controlling
//! one; a piped child has none, so `/dev/tty` gives ENXIO). The child also dies
//! with recodex ([`crate::lifetime`]). Stdin is `/dev/null` without a PTY;
//! stdout and stderr arrive interleaved as raw chunks; the exit code of a
//! child killed by signal N is 128 + N.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::io;
use std::io::Read;
use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;

use std::os::fd::OwnedFd;

use rustix::process::Pid;
use rustix::process::WaitOptions;
use tokio::io::AsyncRead;
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc;
use tokio::sync::oneshot;

use crate::error::ProcessError;
use crate::shell::join_for_display;

const READ_CHUNK: usize = 8192;

/// Terminal size of PTY sessions.
pub const PTY_ROWS: u16 = 24;
/// Terminal width of PTY sessions.
pub const PTY_COLS: u16 = 80;

/// A command ready to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecRequest {
    /// Program and arguments.
    pub argv: Vec<String>,
    /// Working directory.
    pub cwd: PathBuf,
    /// The complete environment (nothing else is inherited).
    pub env: BTreeMap<String, String>,
    /// Run in a pseudo-terminal.
    pub tty: bool,
    /// Bytes fed to the command's stdin, which is then closed (`None`: `/dev/null`). Used
    /// for input too large for an argument (an `apply_patch` of more than 128 KiB).
    /// Ignored in a pseudo-terminal.
    pub stdin: Option<Vec<u8>>,
}

/// Rewrites a command before it starts: the seam where a sandbox wraps the
/// argv (for example with `bwrap ...`) and adjusts the environment.
pub trait SandboxWrapper: Debug + Send + Sync {
    /// The command to start instead of `request`.
    fn wrap(&self, request: ExecRequest) -> Result<ExecRequest, ProcessError>;
}

/// Runs commands as given.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSandbox;

impl SandboxWrapper for NoSandbox {
    fn wrap(&self, request: ExecRequest) -> Result<ExecRequest, ProcessError> {
        Ok(request)
    }
}

/// A started child.
pub(crate) struct Spawned {
    /// Process id, also the process-group id.
    pub(crate) pid: i32,
    /// Terminal input, for PTY children.
    pub(crate) stdin: Option<Box<dyn Write + Send>>,
    /// Output chunks; closed when every output stream has ended.
    pub(crate) output: mpsc::Receiver<Vec<u8>>,
    /// The exit code, once.
    pub(crate) exit: oneshot::Receiver<i32>,
    /// The PTY master, kept open for the child's lifetime.
    pub(crate) master: Option<OwnedFd>,
    /// The child is the sandbox helper (see [`stop`]).
    pub(crate) sandbox_helper: bool,
}

/// Starts `request` (already wrapped).
pub(crate) fn spawn(request: &ExecRequest) -> Result<Spawned, ProcessError> {
    if request.argv.is_empty() {
        return Err(ProcessError::MissingCommandLine);
    }
    check_workdir(request)?;
    if request.tty {
        spawn_pty(request)
    } else {
        spawn_pipes(request)
    }
}

fn spawn_error(request: &ExecRequest, source: io::Error) -> ProcessError {
    ProcessError::Spawn {
        command: join_for_display(&request.argv),
        source,
    }
}

fn check_workdir(request: &ExecRequest) -> Result<(), ProcessError> {
    let workdir_error = |source| ProcessError::Workdir {
        path: request.cwd.clone(),
        source,
    };
    match std::fs::metadata(&request.cwd) {
        Ok(meta) if meta.is_dir() => Ok(()),
        // ENOTDIR, as the kernel reports it for a file used as a directory.
        Ok(_) => Err(workdir_error(io::Error::from_raw_os_error(20))),
        Err(err) => Err(workdir_error(err)),
    }
}

fn spawn_pipes(request: &ExecRequest) -> Result<Spawned, ProcessError> {
    let mut command = tokio::process::Command::new(&request.argv[0]);
    command
        .args(&request.argv[1..])
        .env_clear()
        .envs(&request.env)
        .current_dir(&request.cwd)
        .stdin(if request.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    crate::lifetime::detach_and_tie_tokio(&mut command, false);
    let mut child = command.spawn().map_err(|e| spawn_error(request, e))?;
    let pid = child
        .id()
        .and_then(|id| i32::try_from(id).ok())
        .unwrap_or_default();
    if let (Some(mut pipe), Some(input)) = (child.stdin.take(), request.stdin.clone()) {
        // Written by its own task, so a command that reads slowly (or not at all) cannot
        // stall the caller; a command that exits early just closes the pipe.
        tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            let _ = pipe.write_all(&input).await;
            let _ = pipe.shutdown().await;
        });
    }
    let (tx, rx) = mpsc::channel(64);
    if let Some(stdout) = child.stdout.take() {
        tokio::spawn(pump_async(stdout, tx.clone()));
    }
    if let Some(stderr) = child.stderr.take() {
        tokio::spawn(pump_async(stderr, tx));
    }
    let (exit_tx, exit_rx) = oneshot::channel();
    tokio::spawn(async move {
        let code = match child.wait().await {
            Ok(status) => exit_code_of(status),
            Err(_) => -1,
        };
        let _ = exit_tx.send(code);
    });
    Ok(Spawned {
        pid,
        stdin: None,
        output: rx,
        exit: exit_rx,
        master: None,
        sandbox_helper: is_sandbox_helper(request),
    })
}

async fn pump_async<R: AsyncRead + Unpin>(mut reader: R, tx: mpsc::Sender<Vec<u8>>) {
    let mut buf = vec![0u8; READ_CHUNK];
    loop {
        match reader.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if tx.send(buf[..n].to_vec()).await.is_err() {
                    break;
                }
            }
        }
    }
}

fn exit_code_of(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .or_else(|| status.signal().map(|signal| 128 + signal))
        .unwrap_or(-1)
}

fn spawn_pty(request: &ExecRequest) -> Result<Spawned, ProcessError> {
    let pty = crate::lifetime::open_pty(PTY_ROWS, PTY_COLS).map_err(|e| spawn_error(request, e))?;
    let slave_stdio = |fd: &OwnedFd| fd.try_clone().map(Stdio::from);
    let io = (|| Ok::<_, io::Error>((slave_stdio(&pty.slave)?, slave_stdio(&pty.slave)?)))()
        .map_err(|e| spawn_error(request, e))?;
    let mut command = std::process::Command::new(&request.argv[0]);
    command
        .args(&request.argv[1..])
        .env_clear()
        .envs(&request.env)
        .current_dir(&request.cwd)
        .stdin(io.0)
        .stdout(io.1)
        .stderr(Stdio::from(pty.slave));
    crate::lifetime::detach_and_tie_std(&mut command, true);
    let child = command.spawn().map_err(|e| spawn_error(request, e))?;
    // The command's stdio copies of the slave side were closed with `command`'s drop below,
    // so reads see EOF (EIO) once the child side of the terminal is closed.
    drop(command);
    let pid = i32::try_from(child.id()).unwrap_or_default();
    // The child is reaped below with waitpid, which keeps the signal number.
    drop(child);
    let reader = pty
        .master
        .try_clone()
        .map(std::fs::File::from)
        .map_err(|e| spawn_error(request, e))?;
    let writer = pty
        .master
        .try_clone()
        .map(std::fs::File::from)
        .map_err(|e| spawn_error(request, e))?;
    let (tx, rx) = mpsc::channel(64);
    std::thread::spawn(move || pump_blocking(Box::new(reader), tx));
    let (exit_tx, exit_rx) = oneshot::channel();
    std::thread::spawn(move || {
        let _ = exit_tx.send(wait_pid(pid));
    });
    Ok(Spawned {
        pid,
        stdin: Some(Box::new(writer)),
        output: rx,
        exit: exit_rx,
        master: Some(pty.master),
        sandbox_helper: is_sandbox_helper(request),
    })
}

fn pump_blocking(mut reader: Box<dyn Read + Send>, tx: mpsc::Sender<Vec<u8>>) {
    let mut buf = vec![0u8; READ_CHUNK];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                if tx.blocking_send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            // EIO once the child side of the terminal is closed.
            Err(_) => break,
        }
    }
}

/// Blocks until `pid` ends; its exit code, or 128 + signal.
fn wait_pid(pid: i32) -> i32 {
    let Some(pid) = Pid::from_raw(pid) else {
        return -1;
    };
    loop {
        match rustix::process::waitpid(Some(pid), WaitOptions::empty()) {
            Ok(Some((_, status))) => {
                if let Some(code) = status.exit_status() {
                    return code;
                }
                if let Some(signal) = status.terminating_signal() {
                    return 128 + signal;
                }
            }
            Err(rustix::io::Errno::INTR) | Ok(None) => {}
            Err(_) => return -1,
        }
    }
}

/// Stops the child `pid` and everything it started. A sandbox helper gets SIGTERM: it
/// kills its sandbox (the whole PID namespace) and removes its mount placeholders before it
/// exits, which SIGKILL would not let it do. Any other child's process group gets SIGKILL.
pub(crate) fn stop(pid: i32, sandbox_helper: bool) {
    let Some(pid) = Pid::from_raw(pid) else {
        return;
    };
    if sandbox_helper {
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
    } else {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

/// Whether `request` starts this binary as the sandbox helper.
pub(crate) fn is_sandbox_helper(request: &ExecRequest) -> bool {
    request
        .argv
        .get(1)
        .is_some_and(|arg| arg == crate::confine::RUN_AS_LINUX_SANDBOX_FLAG)
}
