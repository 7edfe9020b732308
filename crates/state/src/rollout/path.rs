//! Where a rollout lives and what its name says.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, TimeZone};
use uuid::Uuid;

/// Folder of live sessions inside CODEX_HOME.
pub const SESSIONS_DIR: &str = "sessions";
const PREFIX: &str = "rollout-";
const TIME_FORMAT: &str = "%Y-%m-%dT%H-%M-%S";

/// `codex_home/sessions/YYYY/MM/DD/rollout-YYYY-MM-DDThh-mm-ss-<id>.jsonl`, dated in
/// the time zone of `started`.
pub fn rollout_path<Tz: TimeZone>(
    codex_home: &Path,
    started: &DateTime<Tz>,
    thread_id: Uuid,
) -> PathBuf
where
    Tz::Offset: std::fmt::Display,
{
    codex_home
        .join(SESSIONS_DIR)
        .join(started.format("%Y").to_string())
        .join(started.format("%m").to_string())
        .join(started.format("%d").to_string())
        .join(format!(
            "{PREFIX}{}-{thread_id}.jsonl",
            started.format(TIME_FORMAT)
        ))
}

/// Splits a rollout file name into its start time and thread id; `None` for any
/// other file.
pub fn parse_rollout_file_name(name: &str) -> Option<(NaiveDateTime, Uuid)> {
    let stem = name.strip_prefix(PREFIX)?.strip_suffix(".jsonl")?;
    // The time part has a fixed width: YYYY-MM-DDThh-mm-ss.
    let (time, rest) = stem.split_at_checked(19)?;
    let id = rest.strip_prefix('-')?;
    let time = NaiveDateTime::parse_from_str(time, TIME_FORMAT).ok()?;
    Some((time, Uuid::parse_str(id).ok()?))
}
