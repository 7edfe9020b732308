//! Unified exec: commands that return after a short wait and, if still
//! running, stay available as sessions the model polls or types into.
//!
//! Limits (the reference's): `exec_command` waits 250 ms to 30 s (10 s by
//! default); `write_stdin` with input waits 250 ms to 30 s (250 ms by
//! default) after a 100 ms pause for the program to react; an empty poll
//! waits 5 s to 300 s. At most 64 sessions live at once: opening another
//! closes the least recently used one outside the 8 most recent, preferring
//! sessions whose process has exited; from 60 on, a warning is returned.

use std::collections::HashMap;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::MutexGuard;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::ProcessError;
use crate::ids::chunk_id;
use crate::ids::session_id_candidate;
use crate::session::Process;
use crate::spawn::ExecRequest;
use crate::spawn::NoSandbox;
use crate::spawn::SandboxWrapper;
use crate::spawn::spawn;

/// Shortest wait of a call, in milliseconds.
pub const MIN_YIELD_TIME_MS: u64 = 250;
/// Longest wait of `exec_command` and of a `write_stdin` that sends input.
pub const MAX_YIELD_TIME_MS: u64 = 30_000;
/// Default wait of `exec_command`.
pub const DEFAULT_EXEC_YIELD_TIME_MS: u64 = 10_000;
/// Default wait of `write_stdin`.
pub const DEFAULT_WRITE_STDIN_YIELD_TIME_MS: u64 = 250;
/// Shortest wait of an empty `write_stdin` poll.
pub const MIN_EMPTY_YIELD_TIME_MS: u64 = 5_000;
/// Default longest wait of an empty `write_stdin` poll.
pub const DEFAULT_MAX_EMPTY_YIELD_TIME_MS: u64 = 300_000;
/// Most sessions alive at once.
pub const MAX_SESSIONS: usize = 64;
/// Session count from which a warning is returned.
pub const WARNING_SESSIONS: usize = 60;
/// Sessions never pruned: the most recently used ones.
const PROTECTED_RECENT_SESSIONS: usize = 8;
/// Pause after writing input, so the program's reaction is in the output.
const WRITE_SETTLE: Duration = Duration::from_millis(100);

/// An `exec_command` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecCommandRequest {
    /// The command (argv, directory, full environment, PTY or not).
    pub exec: ExecRequest,
    /// Requested wait in milliseconds (clamped; default 10 s).
    pub yield_time_ms: Option<u64>,
    /// Start the command outside the sandbox. Only the user's approval of the model's
    /// escalation request sets this.
    pub bypass_sandbox: bool,
}

/// Optional extras of an `exec_command` call.
#[derive(Debug, Default)]
pub struct ExecHooks {
    /// A session id reserved beforehand ([`UnifiedExecManager::reserve_session_id`]), so the
    /// caller can name the process before it starts.
    pub session_id: Option<i32>,
    /// Receives a copy of every output chunk as it arrives.
    pub tap: Option<tokio::sync::mpsc::UnboundedSender<Vec<u8>>>,
}

/// What one `exec_command` or `write_stdin` call saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecOutput {
    /// Six hex digits naming this chunk of output.
    pub chunk_id: String,
    /// Time spent waiting for output.
    pub wall_time: Duration,
    /// Raw output bytes (stdout and stderr interleaved, or the terminal).
    pub output: Vec<u8>,
    /// Set while the process still runs: the id to pass to `write_stdin`.
    pub session_id: Option<i32>,
    /// Set once the process has exited.
    pub exit_code: Option<i32>,
    /// The argv that was started (before sandbox wrapping).
    pub command: Vec<String>,
    /// A warning for the model about the number of open sessions.
    pub warning: Option<String>,
}

impl ExecOutput {
    /// The output as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.output).into_owned()
    }
}

struct Entry {
    process: Arc<Process>,
    command: Vec<String>,
    last_used: Instant,
}

#[derive(Default)]
struct Store {
    sessions: HashMap<i32, Entry>,
    reserved: HashSet<i32>,
}

/// The live sessions of one thread.
#[derive(Debug)]
pub struct UnifiedExecManager {
    wrapper: Arc<dyn SandboxWrapper>,
    max_empty_yield_ms: u64,
    store: Mutex<StoreCell>,
}

// Debug for the store without listing processes.
struct StoreCell(Store);

impl std::fmt::Debug for StoreCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("sessions", &self.0.sessions.len())
            .finish()
    }
}

impl Default for UnifiedExecManager {
    fn default() -> Self {
        Self::new(Arc::new(NoSandbox))
    }
}

impl UnifiedExecManager {
    /// A manager whose commands all pass through `wrapper`.
    pub fn new(wrapper: Arc<dyn SandboxWrapper>) -> Self {
        Self {
            wrapper,
            max_empty_yield_ms: DEFAULT_MAX_EMPTY_YIELD_TIME_MS,
            store: Mutex::new(StoreCell(Store::default())),
        }
    }

    /// Sets the longest wait of an empty poll (`background_terminal_max_timeout`).
    pub fn with_max_empty_yield_ms(mut self, ms: u64) -> Self {
        self.max_empty_yield_ms = ms.max(MIN_EMPTY_YIELD_TIME_MS);
        self
    }

    fn lock(&self) -> MutexGuard<'_, StoreCell> {
        // A panic while holding the lock leaves a consistent map, so keep going.
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Number of live sessions.
    pub fn session_count(&self) -> usize {
        self.lock().0.sessions.len()
    }

    fn allocate_id(&self) -> i32 {
        let mut cell = self.lock();
        loop {
            let id = session_id_candidate();
            if cell.0.reserved.insert(id) {
                return id;
            }
        }
    }

    fn release_id(&self, id: i32) -> Option<Entry> {
        let mut cell = self.lock();
        cell.0.reserved.remove(&id);
        cell.0.sessions.remove(&id)
    }

    /// Reserves a session id for a command about to start ([`ExecHooks::session_id`]).
    pub fn reserve_session_id(&self) -> i32 {
        self.allocate_id()
    }

    /// Starts a command and waits for its first output.
    pub async fn exec_command(
        &self,
        request: ExecCommandRequest,
    ) -> Result<ExecOutput, ProcessError> {
        self.exec_command_with(request, ExecHooks::default()).await
    }

    /// [`UnifiedExecManager::exec_command`] with a reserved id and an output tap.
    pub async fn exec_command_with(
        &self,
        request: ExecCommandRequest,
        hooks: ExecHooks,
    ) -> Result<ExecOutput, ProcessError> {
        let command = request.exec.argv.clone();
        let tty = request.exec.tty;
        let id = match hooks.session_id {
            Some(id) => id,
            None => self.allocate_id(),
        };
        let spawned = if request.bypass_sandbox {
            spawn(&request.exec)
        } else {
            self.wrapper
                .wrap(request.exec)
                .and_then(|wrapped| spawn(&wrapped))
        };
        let spawned = match spawned {
            Ok(spawned) => spawned,
            Err(err) => {
                self.release_id(id);
                return Err(err);
            }
        };
        let process = Arc::new(Process::start(spawned, tty, hooks.tap));
        let start = Instant::now();
        let mut warning = None;
        if process.exit_code().is_none() {
            warning = self.store(id, Arc::clone(&process), command.clone(), start);
        }
        let yield_ms = request
            .yield_time_ms
            .unwrap_or(DEFAULT_EXEC_YIELD_TIME_MS)
            .clamp(MIN_YIELD_TIME_MS, MAX_YIELD_TIME_MS);
        let output = process
            .collect_until(start + Duration::from_millis(yield_ms))
            .await;
        let wall_time = start.elapsed();
        let (session_id, exit_code) = match process.exit_code() {
            Some(code) => {
                self.release_id(id);
                (None, Some(code))
            }
            None => (Some(id), None),
        };
        Ok(ExecOutput {
            chunk_id: chunk_id(),
            wall_time,
            output,
            session_id,
            exit_code,
            command,
            warning,
        })
    }

    /// Writes `input` to a session (when not empty) and collects its output.
    pub async fn write_stdin(
        &self,
        session_id: i32,
        input: &str,
        yield_time_ms: Option<u64>,
    ) -> Result<ExecOutput, ProcessError> {
        let (process, command) = {
            let mut cell = self.lock();
            let entry = cell
                .0
                .sessions
                .get_mut(&session_id)
                .ok_or(ProcessError::UnknownSession(session_id))?;
            entry.last_used = Instant::now();
            (Arc::clone(&entry.process), entry.command.clone())
        };
        if !input.is_empty() {
            if !process.tty() {
                return Err(ProcessError::StdinClosed);
            }
            match process.write(input.as_bytes().to_vec()).await {
                Some(Ok(())) => tokio::time::sleep(WRITE_SETTLE).await,
                // A write that failed because the program just ended still reports its output.
                Some(Err(_)) | None if process.exit_code().is_some() => {}
                Some(Err(source)) => {
                    return Err(ProcessError::Write { session_id, source });
                }
                None => return Err(ProcessError::StdinClosed),
            }
        }
        let requested = yield_time_ms
            .unwrap_or(DEFAULT_WRITE_STDIN_YIELD_TIME_MS)
            .max(MIN_YIELD_TIME_MS);
        let yield_ms = if input.is_empty() {
            requested.clamp(MIN_EMPTY_YIELD_TIME_MS, self.max_empty_yield_ms)
        } else {
            requested.min(MAX_YIELD_TIME_MS)
        };
        let start = Instant::now();
        let output = process
            .collect_until(start + Duration::from_millis(yield_ms))
            .await;
        let wall_time = start.elapsed();
        let (session_id, exit_code) = match process.exit_code() {
            Some(code) => {
                self.release_id(session_id);
                (None, Some(code))
            }
            None => (Some(session_id), None),
        };
        Ok(ExecOutput {
            chunk_id: chunk_id(),
            wall_time,
            output,
            session_id,
            exit_code,
            command,
            warning: None,
        })
    }

    /// Registers a live session, pruning one first when at the limit.
    fn store(
        &self,
        id: i32,
        process: Arc<Process>,
        command: Vec<String>,
        now: Instant,
    ) -> Option<String> {
        let (pruned, count) = {
            let mut cell = self.lock();
            let store = &mut cell.0;
            let pruned = if store.sessions.len() >= MAX_SESSIONS {
                pick_session_to_prune(&store.sessions).and_then(|victim| {
                    store.reserved.remove(&victim);
                    store.sessions.remove(&victim)
                })
            } else {
                None
            };
            store.sessions.insert(
                id,
                Entry {
                    process,
                    command,
                    last_used: now,
                },
            );
            (pruned, store.sessions.len())
        };
        if let Some(entry) = pruned {
            entry.process.terminate();
        }
        (count >= WARNING_SESSIONS).then(|| {
            format!(
                "The maximum number of unified exec processes you can keep open is {WARNING_SESSIONS} and you currently have {count} processes open. Reuse older processes or close them to prevent automatic pruning of old processes"
            )
        })
    }

    /// Kills every session (end of the thread, or an interrupt that closes them).
    pub fn terminate_all(&self) {
        let entries: Vec<Entry> = {
            let mut cell = self.lock();
            cell.0.reserved.clear();
            cell.0.sessions.drain().map(|(_, entry)| entry).collect()
        };
        for entry in entries {
            entry.process.terminate();
        }
    }
}

impl Drop for UnifiedExecManager {
    fn drop(&mut self) {
        self.terminate_all();
    }
}

/// The least recently used session outside the most recent few, preferring exited ones.
fn pick_session_to_prune(sessions: &HashMap<i32, Entry>) -> Option<i32> {
    let meta: Vec<(i32, Instant, bool)> = sessions
        .iter()
        .map(|(id, e)| (*id, e.last_used, e.process.exit_code().is_some()))
        .collect();
    pick_from_meta(meta)
}

/// Pruning policy over `(id, last used, exited)` triples.
fn pick_from_meta(mut by_age: Vec<(i32, Instant, bool)>) -> Option<i32> {
    by_age.sort_by_key(|(id, used, _)| (*used, *id));
    let protected: HashSet<i32> = by_age
        .iter()
        .rev()
        .take(PROTECTED_RECENT_SESSIONS)
        .map(|(id, _, _)| *id)
        .collect();
    let candidates = || by_age.iter().filter(|(id, _, _)| !protected.contains(id));
    candidates()
        .find(|(_, _, exited)| *exited)
        .or_else(|| candidates().next())
        .map(|(id, _, _)| *id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(exited: &[i32], count: i32) -> Vec<(i32, Instant, bool)> {
        let base = Instant::now();
        (0..count)
            .map(|i| {
                let used = base + Duration::from_millis(u64::try_from(i).unwrap_or(0));
                (i, used, exited.contains(&i))
            })
            .collect()
    }

    #[test]
    fn prunes_oldest_live_session() {
        assert_eq!(pick_from_meta(meta(&[], 64)), Some(0));
    }

    #[test]
    fn prefers_exited_sessions() {
        assert_eq!(pick_from_meta(meta(&[5, 9], 64)), Some(5));
    }

    #[test]
    fn never_prunes_the_most_recent_eight() {
        assert_eq!(pick_from_meta(meta(&[60], 64)), Some(0));
        assert_eq!(pick_from_meta(meta(&[], 8)), None);
    }
}
