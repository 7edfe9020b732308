//! Standard-library extensions with no domain knowledge.
//!
//! What lives here: writing a file atomically (temp file in the same directory, fsync,
//! rename) with a chosen Unix mode, so that a crash never leaves a user's `config.toml`,
//! `auth.json` or state file truncated; reading a file someone else named with a size limit
//! and without blocking on FIFOs or devices. What does not: anything that knows about Codex
//! files or formats.

mod atomic;
mod base64;
mod bounded;

pub use atomic::{AtomicWriteError, write_atomic};
pub use base64::base64_encode;
pub use bounded::{BoundedReadError, read_regular_file};
