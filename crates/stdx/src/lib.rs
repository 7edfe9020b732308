//! Standard-library extensions with no domain knowledge.
//!
//! What lives here: writing a file atomically (temp file in the same directory, fsync,
//! rename) with a chosen Unix mode, so that a crash never leaves a user's `config.toml`,
//! `auth.json` or state file truncated. What does not: anything that knows about Codex
//! files or formats.

mod atomic;
mod base64;

pub use atomic::{AtomicWriteError, write_atomic};
pub use base64::base64_encode;
