//! A server-sent-events framer: bytes in, `event`/`data` frames out.
//!
//! It follows the WHATWG event-stream rules (lines end in LF, CRLF or CR; a
//! blank line dispatches; `data:` lines join with LF; one space after the
//! colon is dropped; comments start with `:`; a UTF-8 BOM at the very start
//! is skipped) and keeps its state between calls, so feeding the same bytes
//! in any chunking gives the same frames. It never panics on input: invalid
//! UTF-8 or an oversized event is an [`SseError`].
//!
//! It knows nothing of the Responses API; [`crate::decode_event`] decodes frames.

/// Default cap on one line or one event's data, in bytes.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 64 * 1024 * 1024;

/// One dispatched event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseFrame {
    /// The `event:` field, if any.
    pub event: Option<String>,
    /// The joined `data:` lines.
    pub data: String,
    /// The `id:` field, if any.
    pub id: Option<String>,
}

/// Malformed event-stream input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SseError {
    /// A line is not valid UTF-8.
    #[error("invalid UTF-8 in event stream line {line}")]
    InvalidUtf8 {
        /// 1-based line number.
        line: u64,
    },
    /// A line or an event's data exceeds the size cap.
    #[error("event stream event exceeds {limit} bytes")]
    TooLarge {
        /// The cap.
        limit: usize,
    },
}

/// Incremental event-stream parser.
#[derive(Debug)]
pub struct SseFramer {
    line: Vec<u8>,
    after_cr: bool,
    at_start: bool,
    line_no: u64,
    event: Option<String>,
    data: String,
    has_data: bool,
    id: Option<String>,
    max_bytes: usize,
}

impl Default for SseFramer {
    fn default() -> Self {
        Self::new()
    }
}

impl SseFramer {
    /// A framer with the default size cap.
    pub fn new() -> Self {
        Self::with_limit(DEFAULT_MAX_EVENT_BYTES)
    }

    /// A framer that rejects lines or events larger than `max_bytes`.
    pub fn with_limit(max_bytes: usize) -> Self {
        Self {
            line: Vec::new(),
            after_cr: false,
            at_start: true,
            line_no: 0,
            event: None,
            data: String::new(),
            has_data: false,
            id: None,
            max_bytes,
        }
    }

    /// Feeds bytes; complete frames are appended to `out`. After an error
    /// the framer must not be fed again.
    pub fn push(&mut self, mut chunk: &[u8], out: &mut Vec<SseFrame>) -> Result<(), SseError> {
        while !chunk.is_empty() {
            if self.after_cr {
                self.after_cr = false;
                if chunk[0] == b'\n' {
                    chunk = &chunk[1..];
                    continue;
                }
            }
            match chunk.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(end) => {
                    self.extend_line(&chunk[..end])?;
                    self.after_cr = chunk[end] == b'\r';
                    chunk = &chunk[end + 1..];
                    self.end_line(out)?;
                }
                None => {
                    self.extend_line(chunk)?;
                    chunk = &[];
                }
            }
        }
        Ok(())
    }

    /// Whether bytes of an unfinished event are buffered (used to tell a
    /// clean end of stream from a truncated one).
    pub fn has_partial_event(&self) -> bool {
        !self.line.is_empty() || self.has_data || self.event.is_some()
    }

    fn extend_line(&mut self, bytes: &[u8]) -> Result<(), SseError> {
        if self.line.len() + bytes.len() > self.max_bytes {
            return Err(SseError::TooLarge {
                limit: self.max_bytes,
            });
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    fn end_line(&mut self, out: &mut Vec<SseFrame>) -> Result<(), SseError> {
        self.line_no += 1;
        let raw = std::mem::take(&mut self.line);
        let mut line =
            std::str::from_utf8(&raw).map_err(|_| SseError::InvalidUtf8 { line: self.line_no })?;
        if self.at_start {
            self.at_start = false;
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        if line.is_empty() {
            self.dispatch(out);
            return Ok(());
        }
        if line.starts_with(':') {
            return Ok(());
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "data" => {
                if self.data.len() + value.len() + 1 > self.max_bytes {
                    return Err(SseError::TooLarge {
                        limit: self.max_bytes,
                    });
                }
                self.data.push_str(value);
                self.data.push('\n');
                self.has_data = true;
            }
            "event" => self.event = Some(value.to_owned()),
            "id" if !value.contains('\0') => self.id = Some(value.to_owned()),
            // `retry:` and unknown fields are ignored, as the standard says.
            _ => {}
        }
        Ok(())
    }

    fn dispatch(&mut self, out: &mut Vec<SseFrame>) {
        let event = self.event.take();
        let mut data = std::mem::take(&mut self.data);
        let had_data = std::mem::replace(&mut self.has_data, false);
        if data.ends_with('\n') {
            data.pop();
        }
        if had_data && !data.is_empty() {
            out.push(SseFrame {
                event,
                data,
                id: self.id.clone(),
            });
        }
    }
}

#[cfg(test)]
#[path = "sse_tests.rs"]
mod tests;
