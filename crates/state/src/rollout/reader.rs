//! Reading a rollout back, tolerant of damage.

use std::io;
use std::path::Path;

use super::line::RolloutLine;

/// A line that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedLine {
    /// 1-based line number.
    pub line_number: usize,
    /// Why it was skipped.
    pub reason: String,
}

/// The readable lines of a rollout and what was skipped.
#[derive(Debug, Clone, Default)]
pub struct RolloutContents {
    /// Lines in file order.
    pub lines: Vec<RolloutLine>,
    /// Lines that were not valid rollout lines (garbage, unknown kinds, a torn tail).
    pub skipped: Vec<SkippedLine>,
    /// Whether some byte of the file is not UTF-8 (readers that list sessions go on;
    /// resuming refuses such a file, as the reference does).
    pub invalid_utf8: bool,
}

/// Reads `path`. Unreadable lines are reported in [`RolloutContents::skipped`] rather
/// than failing the whole file, so a session with one damaged line can still resume.
pub fn read_rollout(path: &Path) -> io::Result<RolloutContents> {
    let bytes = std::fs::read(path)?;
    let mut contents = RolloutContents {
        invalid_utf8: std::str::from_utf8(&bytes).is_err(),
        ..RolloutContents::default()
    };
    for (index, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<RolloutLine>(raw) {
            Ok(line) => contents.lines.push(line),
            Err(err) => contents.skipped.push(SkippedLine {
                line_number: index + 1,
                reason: err.to_string(),
            }),
        }
    }
    Ok(contents)
}
