//! The shell snapshot (feature `shell_snapshot`): the user's login shell is started once,
//! in the background, when a session starts; the environment its startup files leave
//! behind is recorded, and from then on a command that would run as a login shell
//! (`<shell> -lc '<cmd>'`) in the session's directory runs as `<shell> -c '<cmd>'` with that
//! environment, without reading the startup files again.
//!
//! The reference captures the environment of its own process (so variables the
//! `shell_environment_policy` removed come back, and its `TERM` replaces `TERM=dumb`); we
//! start the login shell with the command environment itself and keep only what the
//! startup files changed, so a snapshot command sees what `-lc` would have shown it.
//! Until the snapshot is ready, or when it failed, commands run with `-lc` as before.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crate::shell::Shell;
use crate::spawn::ExecRequest;

/// How long the login shell may take before the snapshot is given up.
pub const SNAPSHOT_TIMEOUT: Duration = Duration::from_secs(10);

/// Printed before the environment so that whatever the startup files print is skipped.
const MARKER: &[u8] = b"\0recodex-shell-snapshot\0";

/// Variables each shell sets for itself; a snapshot never carries them.
const SHELL_OWN: [&str; 4] = ["PWD", "OLDPWD", "SHLVL", "_"];

/// What the startup files changed: variables set (or changed) and variables removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvChanges {
    /// Set to these values.
    pub set: BTreeMap<String, String>,
    /// Removed.
    pub removed: Vec<String>,
}

impl EnvChanges {
    /// The changes that turn `before` into `after` (the shell's own variables left out).
    pub fn between(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Self {
        let own = |name: &str| SHELL_OWN.contains(&name);
        let set = after
            .iter()
            .filter(|(name, value)| !own(name) && before.get(*name) != Some(*value))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        let removed = before
            .keys()
            .filter(|name| !own(name) && !after.contains_key(*name))
            .cloned()
            .collect();
        Self { set, removed }
    }

    fn apply(&self, env: &mut BTreeMap<String, String>) {
        for name in &self.removed {
            env.remove(name);
        }
        env.extend(self.set.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
}

/// A session's snapshot, being taken or ready.
#[derive(Debug)]
pub struct ShellSnapshot {
    shell: Shell,
    cwd: PathBuf,
    state: OnceLock<Option<EnvChanges>>,
    /// The login shell's process group while it runs (0 otherwise).
    running: AtomicI32,
}

impl ShellSnapshot {
    /// Starts taking the snapshot of `shell` in `cwd` with the command environment `env`
    /// on a background thread.
    pub fn start(shell: Shell, cwd: PathBuf, env: BTreeMap<String, String>) -> Arc<Self> {
        let snapshot = Arc::new(Self {
            shell,
            cwd,
            state: OnceLock::new(),
            running: AtomicI32::new(0),
        });
        let taking = Arc::clone(&snapshot);
        let started = std::thread::Builder::new()
            .name("shell-snapshot".to_owned())
            .spawn(move || {
                let changes = capture_with(
                    &taking.shell,
                    &taking.cwd,
                    &env,
                    SNAPSHOT_TIMEOUT,
                    &taking.running,
                )
                .ok();
                let _ = taking.state.set(changes);
            });
        if started.is_err() {
            let _ = snapshot.state.set(None);
        }
        snapshot
    }

    /// A snapshot already taken (tests, or a caller that captured synchronously).
    pub fn ready(shell: Shell, cwd: PathBuf, changes: Option<EnvChanges>) -> Self {
        Self {
            shell,
            cwd,
            state: OnceLock::from(changes),
            running: AtomicI32::new(0),
        }
    }

    /// Gives the snapshot up: a login shell still starting is killed with its process
    /// group (the session is over; nothing may outlive it).
    pub fn abandon(&self) {
        let group = self.running.swap(0, Ordering::SeqCst);
        if let Some(pid) = rustix::process::Pid::from_raw(group) {
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
    }

    /// Whether it is ready (`Some(true)`), failed (`Some(false)`) or still being taken.
    pub fn status(&self) -> Option<bool> {
        self.state.get().map(Option::is_some)
    }

    /// Rewrites `request` to use the snapshot when it applies: the snapshot is ready, the
    /// command is `<session shell> -lc <script>` and runs in the session's directory.
    /// Returns whether it was rewritten.
    pub fn apply(&self, request: &mut ExecRequest) -> bool {
        let Some(Some(changes)) = self.state.get() else {
            return false;
        };
        let shell = self.shell.path.to_string_lossy();
        let login_script =
            request.argv.len() == 3 && request.argv[0] == shell && request.argv[1] == "-lc";
        if !login_script || request.cwd != self.cwd {
            return false;
        }
        request.argv[1] = "-c".to_owned();
        changes.apply(&mut request.env);
        true
    }
}

/// Why a snapshot could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The shell did not start.
    #[error("could not start {0}: {1}")]
    Spawn(String, std::io::Error),
    /// The startup files took longer than the limit.
    #[error("the login shell did not finish within {0:?}")]
    TimedOut(Duration),
    /// The shell failed or printed no environment.
    #[error("the login shell gave no environment")]
    NoEnvironment,
}

/// Starts `shell` as a login shell in `cwd` with exactly `env`, and returns what its
/// startup files changed. The shell gets no terminal and no stdin; it is killed (with
/// its process group) after `timeout`.
pub fn capture(
    shell: &Shell,
    cwd: &Path,
    env: &BTreeMap<String, String>,
    timeout: Duration,
) -> Result<EnvChanges, SnapshotError> {
    capture_with(shell, cwd, env, timeout, &AtomicI32::new(0))
}

/// [`capture`], publishing the shell's process group in `running` while it runs.
fn capture_with(
    shell: &Shell,
    cwd: &Path,
    env: &BTreeMap<String, String>,
    timeout: Duration,
    running: &AtomicI32,
) -> Result<EnvChanges, SnapshotError> {
    let script = "printf '\\000recodex-shell-snapshot\\000'; exec env -0";
    let argv = shell.script_argv(script, true);
    let mut command = Command::new(&argv[0]);
    command
        .args(&argv[1..])
        .current_dir(cwd)
        .env_clear()
        .envs(env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    crate::lifetime::detach_and_tie_std(&mut command, false);
    let mut child = command
        .spawn()
        .map_err(|err| SnapshotError::Spawn(argv[0].clone(), err))?;
    let group = child.id().cast_signed();
    running.store(group, Ordering::SeqCst);
    let mut stdout = child.stdout.take().ok_or(SnapshotError::NoEnvironment)?;
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            _ => break None,
        }
    };
    running.store(0, Ordering::SeqCst);
    let Some(status) = status else {
        if let Some(pid) = rustix::process::Pid::from_raw(group) {
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
        let _ = child.kill();
        let _ = child.wait();
        return Err(SnapshotError::TimedOut(timeout));
    };
    let bytes = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(SnapshotError::NoEnvironment);
    }
    let after = parse_env(&bytes).ok_or(SnapshotError::NoEnvironment)?;
    Ok(EnvChanges::between(env, &after))
}

/// The `NAME=value` entries after the marker in `env -0` output.
fn parse_env(bytes: &[u8]) -> Option<BTreeMap<String, String>> {
    let start = bytes
        .windows(MARKER.len())
        .position(|window| window == MARKER)?
        + MARKER.len();
    let mut env = BTreeMap::new();
    for entry in bytes[start..].split(|b| *b == 0) {
        let Ok(entry) = std::str::from_utf8(entry) else {
            continue;
        };
        if let Some((name, value)) = entry.split_once('=')
            && !name.is_empty()
        {
            env.insert(name.to_owned(), value.to_owned());
        }
    }
    Some(env)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base_env(home: &Path) -> BTreeMap<String, String> {
        BTreeMap::from([
            ("HOME".to_owned(), home.display().to_string()),
            ("PATH".to_owned(), "/usr/bin:/bin".to_owned()),
            ("KEEP".to_owned(), "same".to_owned()),
            ("DROPPED".to_owned(), "x".to_owned()),
            ("TERM".to_owned(), "dumb".to_owned()),
        ])
    }

    #[test]
    fn the_login_files_changes_are_captured_and_nothing_else() {
        let home = tempfile::tempdir().unwrap();
        // bash reads ~/.bash_profile for a login shell.
        std::fs::write(
            home.path().join(".bash_profile"),
            "echo noise from the profile\nexport FROM_PROFILE='a b\nc'\nexport PATH=\"/opt/tool/bin:$PATH\"\nunset DROPPED\n",
        )
        .unwrap();
        let env = base_env(home.path());
        let changes = capture(
            &Shell::new("/bin/bash"),
            home.path(),
            &env,
            SNAPSHOT_TIMEOUT,
        )
        .unwrap();
        // (/etc/profile may change more on a given machine: PATH is checked by its start.)
        assert_eq!(changes.set["FROM_PROFILE"], "a b\nc");
        assert!(
            changes.set["PATH"].starts_with("/opt/tool/bin:"),
            "{changes:?}"
        );
        for unchanged in ["KEEP", "TERM", "HOME", "PWD", "SHLVL", "_"] {
            assert!(
                !changes.set.contains_key(unchanged),
                "{unchanged}: {changes:?}"
            );
        }
        assert_eq!(changes.removed, ["DROPPED"]);
    }

    #[test]
    fn a_hanging_profile_is_given_up() {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(home.path().join(".bash_profile"), "sleep 30 & wait\n").unwrap();
        let started = Instant::now();
        let err = capture(
            &Shell::new("/bin/bash"),
            home.path(),
            &base_env(home.path()),
            Duration::from_millis(300),
        )
        .unwrap_err();
        assert!(matches!(err, SnapshotError::TimedOut(_)), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn abandoning_kills_a_login_shell_still_starting() {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(home.path().join(".bash_profile"), "sleep 30\n").unwrap();
        let snapshot = ShellSnapshot::start(
            Shell::new("/bin/bash"),
            home.path().to_path_buf(),
            base_env(home.path()),
        );
        let deadline = Instant::now() + Duration::from_secs(5);
        while snapshot.running.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        let started = Instant::now();
        snapshot.abandon();
        while snapshot.status().is_none() && started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(snapshot.status(), Some(false));
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_failing_profile_gives_no_snapshot() {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(home.path().join(".bash_profile"), "exit 3\n").unwrap();
        let err = capture(
            &Shell::new("/bin/bash"),
            home.path(),
            &base_env(home.path()),
            SNAPSHOT_TIMEOUT,
        )
        .unwrap_err();
        assert!(matches!(err, SnapshotError::NoEnvironment), "{err}");
    }

    fn request(argv: &[&str], cwd: &str) -> ExecRequest {
        ExecRequest {
            argv: argv.iter().map(|s| (*s).to_owned()).collect(),
            cwd: PathBuf::from(cwd),
            env: BTreeMap::from([
                ("A".to_owned(), "1".to_owned()),
                ("GONE".to_owned(), "1".to_owned()),
            ]),
            tty: false,
            stdin: None,
        }
    }

    #[test]
    fn only_login_scripts_of_the_session_shell_in_its_directory_use_it() {
        let changes = EnvChanges {
            set: BTreeMap::from([("B".to_owned(), "2".to_owned())]),
            removed: vec!["GONE".to_owned()],
        };
        let snapshot =
            ShellSnapshot::ready(Shell::new("/bin/bash"), PathBuf::from("/w"), Some(changes));
        assert_eq!(snapshot.status(), Some(true));
        let mut login = request(&["/bin/bash", "-lc", "ls"], "/w");
        assert!(snapshot.apply(&mut login));
        assert_eq!(login.argv, ["/bin/bash", "-c", "ls"]);
        assert_eq!(
            login.env,
            BTreeMap::from([
                ("A".to_owned(), "1".to_owned()),
                ("B".to_owned(), "2".to_owned())
            ])
        );
        for (argv, cwd) in [
            (&["/bin/bash", "-c", "ls"][..], "/w"),
            (&["/bin/bash", "-lc", "ls"][..], "/w/sub"),
            (&["/bin/zsh", "-lc", "ls"][..], "/w"),
            (&["/bin/bash", "-lc"][..], "/w"),
        ] {
            let mut other = request(argv, cwd);
            let before = other.clone();
            assert!(!snapshot.apply(&mut other));
            assert_eq!(other, before);
        }
        let failed = ShellSnapshot::ready(Shell::new("/bin/bash"), PathBuf::from("/w"), None);
        assert_eq!(failed.status(), Some(false));
        assert!(!failed.apply(&mut request(&["/bin/bash", "-lc", "ls"], "/w")));
    }

    #[test]
    fn a_background_snapshot_becomes_ready() {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(home.path().join(".bash_profile"), "export LATE=1\n").unwrap();
        let snapshot = ShellSnapshot::start(
            Shell::new("/bin/bash"),
            home.path().to_path_buf(),
            base_env(home.path()),
        );
        let deadline = Instant::now() + SNAPSHOT_TIMEOUT;
        while snapshot.status().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(snapshot.status(), Some(true));
        let mut req = request(
            &["/bin/bash", "-lc", "ls"],
            &home.path().display().to_string(),
        );
        assert!(snapshot.apply(&mut req));
        assert_eq!(req.env.get("LATE").map(String::as_str), Some("1"));
    }
}
