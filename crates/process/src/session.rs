//! One running process: its buffered output, exit state, terminal input and
//! termination.

use std::io::Write;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::buffer::HeadTailBuffer;
use crate::spawn::Spawned;
use crate::spawn::stop;

/// How long to wait for the last output once the process has exited.
const POST_EXIT_OUTPUT_WAIT: Duration = Duration::from_millis(50);

struct Shared {
    buffer: Mutex<HeadTailBuffer>,
    notify: Notify,
    closed: AtomicBool,
}

/// A started process.
pub(crate) struct Process {
    pid: i32,
    tty: bool,
    stdin: Option<Arc<Mutex<Box<dyn Write + Send>>>>,
    shared: Arc<Shared>,
    exit: watch::Receiver<Option<i32>>,
    // Held so the terminal stays open while the process runs.
    _master: Option<std::os::fd::OwnedFd>,
    sandbox_helper: bool,
}

impl Process {
    /// Wraps a spawned child and starts moving its output into the buffer.
    /// `tap` receives a copy of every output chunk as it arrives (for live streaming).
    pub(crate) fn start(
        spawned: Spawned,
        tty: bool,
        tap: Option<tokio::sync::mpsc::UnboundedSender<Vec<u8>>>,
    ) -> Self {
        let Spawned {
            pid,
            stdin,
            mut output,
            exit,
            master,
            sandbox_helper,
        } = spawned;
        let shared = Arc::new(Shared {
            buffer: Mutex::new(HeadTailBuffer::default()),
            notify: Notify::new(),
            closed: AtomicBool::new(false),
        });
        let pump = Arc::clone(&shared);
        tokio::spawn(async move {
            while let Some(chunk) = output.recv().await {
                if let Some(tap) = &tap {
                    let _ = tap.send(chunk.clone());
                }
                if let Ok(mut buffer) = pump.buffer.lock() {
                    buffer.push(&chunk);
                }
                pump.notify.notify_one();
            }
            pump.closed.store(true, Ordering::Release);
            pump.notify.notify_one();
        });
        let (exit_tx, exit_rx) = watch::channel(None);
        tokio::spawn(async move {
            let code = exit.await.unwrap_or(-1);
            let _ = exit_tx.send(Some(code));
        });
        Self {
            pid,
            tty,
            stdin: stdin.map(|w| Arc::new(Mutex::new(w))),
            shared,
            exit: exit_rx,
            _master: master,
            sandbox_helper,
        }
    }

    /// Whether the process has a terminal that accepts input.
    pub(crate) fn tty(&self) -> bool {
        self.tty
    }

    /// The exit code, once the process has ended.
    pub(crate) fn exit_code(&self) -> Option<i32> {
        *self.exit.borrow()
    }

    /// Waits until the process ends; its exit code.
    pub(crate) async fn wait(&self) -> i32 {
        let mut exit = self.exit.clone();
        match exit.wait_for(Option::is_some).await {
            Ok(code) => code.unwrap_or(-1),
            Err(_) => -1,
        }
    }

    /// Whether every output stream has ended.
    pub(crate) fn output_closed(&self) -> bool {
        self.shared.closed.load(Ordering::Acquire)
    }

    fn take_output(&self) -> Vec<u8> {
        self.shared
            .buffer
            .lock()
            .map(|mut buffer| buffer.take())
            .unwrap_or_default()
    }

    /// Collects output until `deadline`, or until the process has exited and
    /// its output has ended (waiting at most 50 ms for that after the exit).
    /// At most 1 MiB is returned: the first and the last half.
    pub(crate) async fn collect_until(&self, deadline: Instant) -> Vec<u8> {
        let mut collected = HeadTailBuffer::default();
        let mut post_exit_deadline: Option<Instant> = None;
        loop {
            let chunk = self.take_output();
            if !chunk.is_empty() {
                collected.push(&chunk);
                if Instant::now() >= deadline {
                    break;
                }
                continue;
            }
            let exited = self.exit_code().is_some();
            if exited && self.output_closed() {
                break;
            }
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            if exited {
                let wait_end = *post_exit_deadline
                    .get_or_insert_with(|| now + (deadline - now).min(POST_EXIT_OUTPUT_WAIT));
                if now >= wait_end {
                    break;
                }
                tokio::select! {
                    _ = self.shared.notify.notified() => {}
                    _ = tokio::time::sleep_until(wait_end) => break,
                }
            } else {
                let mut exit = self.exit.clone();
                tokio::select! {
                    _ = self.shared.notify.notified() => {}
                    _ = exit.changed() => {}
                    _ = tokio::time::sleep_until(deadline) => break,
                }
            }
        }
        collected.take()
    }

    /// Writes `bytes` to the terminal. `None` when the process has no terminal.
    pub(crate) async fn write(&self, bytes: Vec<u8>) -> Option<std::io::Result<()>> {
        let stdin = Arc::clone(self.stdin.as_ref()?);
        let result = tokio::task::spawn_blocking(move || {
            let mut writer = stdin
                .lock()
                .map_err(|_| std::io::Error::other("terminal writer poisoned"))?;
            writer.write_all(&bytes)?;
            writer.flush()
        })
        .await
        .unwrap_or_else(|join| Err(std::io::Error::other(join.to_string())));
        Some(result)
    }

    /// Stops the process and everything it started unless it has already ended.
    pub(crate) fn terminate(&self) {
        if self.exit_code().is_none() {
            stop(self.pid, self.sandbox_helper);
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.terminate();
    }
}
