//! Rollout files: one session's record, `$CODEX_HOME/sessions/YYYY/MM/DD/
//! rollout-YYYY-MM-DDThh-mm-ss-<thread id>.jsonl`, one JSON line per item:
//!
//! ```text
//! {"timestamp":"2026-11-23T23:39:12.096Z","type":"session_meta","payload":{...}}
//! {"timestamp":"...","type":"response_item","payload":{"type":"message",...}}
//! ```
//!
//! `type` is one of `session_meta`, `response_item`, `turn_context`, `event_msg`,
//! `compacted`; the timestamp is UTC with milliseconds. The directory and file name use
//! local time, the id is the thread's UUIDv7. Files are append-only: every line is
//! written with one `write` and flushed, so a crash loses at most the line being
//! written, and readers skip a torn last line.

mod find;
mod line;
mod path;
mod reader;
mod writer;

pub(crate) use find::session_meta;
pub use find::{find_latest_rollout, find_rollout_by_id, find_rollout_by_name, list_rollouts};
pub use line::{RolloutItem, RolloutLine, format_timestamp};
pub use path::{SESSIONS_DIR, parse_rollout_file_name, rollout_path};
pub use reader::{RolloutContents, SkippedLine, read_rollout};
pub use writer::RolloutWriter;

#[cfg(test)]
mod tests;
