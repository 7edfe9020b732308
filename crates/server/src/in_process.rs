//! The app-server inside the caller's process: the same request handling as over stdio,
//! on a thread of its own, reached through channels instead of pipes. A front end in the
//! same binary (the TUI) talks the very protocol an IDE talks over stdio, with the same
//! types: it sends requests and reads messages as [`serde_json::Value`]s in the wire shape
//! (`{id, method, params}`, `{method, params}`, `{id, result}`, `{id, error}`), which the
//! `recodex_app_protocol::generated` types read and write.
//!
//! The server's sessions are not `Send` (they run on one thread's `LocalSet`), so the
//! caller hands over a function that builds the server's parts on its thread.

use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use serde_json::Value;

use crate::LineHandler;
use crate::outbox::Outbox;

/// A connection to an app-server running in this process.
#[derive(Debug)]
pub struct InProcessConnection {
    to_server: Option<Sender<String>>,
    from_server: Receiver<String>,
    thread: Option<std::thread::JoinHandle<io::Result<()>>>,
}

/// Why a message could not be sent or received.
#[derive(Debug, thiserror::Error)]
pub enum InProcessError {
    /// The server has stopped (its thread ended).
    #[error("the in-process app-server has stopped")]
    Closed,
    /// A message from the server was not JSON (a bug: the server writes only JSON).
    #[error("the in-process app-server sent a line that is not JSON: {0}")]
    NotJson(#[from] serde_json::Error),
}

impl InProcessConnection {
    /// Starts a server whose handler `make` builds on the server's own thread (with the
    /// outbox its background turns write to).
    pub fn start(
        make: impl FnOnce(Outbox) -> Box<dyn LineHandler> + Send + 'static,
    ) -> io::Result<Self> {
        let (to_server, requests) = channel::<String>();
        let (replies, from_server) = channel::<String>();
        let thread = std::thread::Builder::new()
            .name("app-server".to_owned())
            .spawn(move || {
                crate::serve_lines(
                    make,
                    crate::Backpressure::Wait,
                    ChannelReader::new(requests),
                    ChannelWriter::new(replies),
                    io::sink(),
                )
            })?;
        Ok(Self {
            to_server: Some(to_server),
            from_server,
            thread: Some(thread),
        })
    }

    /// Sends one message (a request, a notification, or the answer to a server request).
    pub fn send(&self, message: &Value) -> Result<(), InProcessError> {
        let sender = self.to_server.as_ref().ok_or(InProcessError::Closed)?;
        sender
            .send(message.to_string())
            .map_err(|_| InProcessError::Closed)
    }

    /// The next message from the server, waiting up to `timeout`; `Ok(None)` when none
    /// came in time.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<Option<Value>, InProcessError> {
        match self.from_server.recv_timeout(timeout) {
            Ok(line) => Ok(Some(serde_json::from_str(&line)?)),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(InProcessError::Closed),
        }
    }

    /// Ends the connection (as closing stdin ends a stdio server) and waits for the
    /// server to stop; its running turns end with it.
    pub fn close(mut self) -> io::Result<()> {
        self.shut_down()
    }

    fn shut_down(&mut self) -> io::Result<()> {
        self.to_server = None;
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(io::Error::other("the in-process app-server panicked")),
            None => Ok(()),
        }
    }
}

impl Drop for InProcessConnection {
    fn drop(&mut self) {
        let _ = self.shut_down();
    }
}

/// Requests as the lines of a reader, one per message.
struct ChannelReader {
    lines: Receiver<String>,
    pending: Vec<u8>,
    offset: usize,
}

impl ChannelReader {
    fn new(lines: Receiver<String>) -> Self {
        Self {
            lines,
            pending: Vec::new(),
            offset: 0,
        }
    }
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for ChannelReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.offset >= self.pending.len() {
            // A closed channel is the end of input.
            match self.lines.recv() {
                Ok(line) => {
                    self.pending = line.into_bytes();
                    self.pending.push(b'\n');
                    self.offset = 0;
                }
                Err(_) => return Ok(&[]),
            }
        }
        Ok(&self.pending[self.offset..])
    }

    fn consume(&mut self, amount: usize) {
        self.offset = (self.offset + amount).min(self.pending.len());
    }
}

/// Answers and notifications as whole lines into a channel.
struct ChannelWriter {
    lines: Sender<String>,
    partial: Vec<u8>,
}

impl ChannelWriter {
    fn new(lines: Sender<String>) -> Self {
        Self {
            lines,
            partial: Vec::new(),
        }
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.partial.extend_from_slice(buf);
        while let Some(end) = self.partial.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=end).collect();
            let text = String::from_utf8_lossy(&line[..end]).into_owned();
            // The client went away: keep serving until the input ends.
            let _ = self.lines.send(text);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
