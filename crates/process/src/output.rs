//! The text the model reads for command output, and its truncation.
//!
//! Unified exec (`exec_command`, `write_stdin`):
//!
//! ```text
//! Chunk ID: 3f09a2
//! Wall time: 0.2514 seconds
//! Process exited with code 0            (or: Process running with session ID 4711)
//! Original token count: 2
//! Output:
//! <output>
//! ```
//!
//! `shell_command`:
//!
//! ```text
//! Exit code: 0
//! Wall time: 0.2 seconds
//! Total output lines: 30000             (only when truncated)
//! Output:
//! <output>
//! ```
//!
//! Tokens are estimated as bytes / 4, rounded up. Long output keeps its first
//! and last halves of the budget (cut on character boundaries) around a
//! marker `…N tokens truncated…` (or `…N chars truncated…` for a byte
//! budget), and unified exec output then starts with
//! `Total output lines: N` and a blank line.

use std::time::Duration;

use crate::manager::ExecOutput;

/// Default `max_output_tokens` of unified exec.
pub const DEFAULT_MAX_OUTPUT_TOKENS: usize = 10_000;

/// A model's tool-output limit (the catalog's `truncation_policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TruncationPolicy {
    /// At most this many bytes.
    Bytes(usize),
    /// At most this many (estimated) tokens.
    Tokens(usize),
}

impl TruncationPolicy {
    /// The limit in tokens (bytes / 4 for a byte limit).
    pub fn token_budget(self) -> usize {
        match self {
            Self::Bytes(bytes) => bytes / 4,
            Self::Tokens(tokens) => tokens,
        }
    }
}

/// The reference's token estimate: bytes / 4, rounded up.
pub fn approx_token_count(text: &str) -> usize {
    text.len().div_ceil(4)
}

/// `text` cut to `budget_bytes` around `marker`, or `None` when it fits.
fn cut_middle(
    text: &str,
    budget_bytes: usize,
    marker: impl FnOnce(&str) -> String,
) -> Option<String> {
    if text.len() <= budget_bytes {
        return None;
    }
    let head_budget = budget_bytes / 2;
    let tail_budget = budget_bytes - head_budget;
    let mut head_end = head_budget;
    while !text.is_char_boundary(head_end) {
        head_end -= 1;
    }
    let mut tail_start = text.len() - tail_budget;
    while !text.is_char_boundary(tail_start) {
        tail_start += 1;
    }
    let removed = &text[head_end..tail_start];
    Some(format!(
        "{}{}{}",
        &text[..head_end],
        marker(removed),
        &text[tail_start..]
    ))
}

/// Cuts `text` to `max_tokens` with a `…N tokens truncated…` marker, where N
/// is the estimated tokens of `text` minus `max_tokens`.
pub fn truncate_tokens(text: &str, max_tokens: usize) -> Option<String> {
    let removed_tokens = approx_token_count(text).saturating_sub(max_tokens);
    cut_middle(text, max_tokens.saturating_mul(4), |_| {
        format!("…{removed_tokens} tokens truncated…")
    })
}

/// Cuts `text` to `policy` (tokens, or bytes with a `…N chars truncated…` marker).
pub fn truncate_for_policy(text: &str, policy: TruncationPolicy) -> Option<String> {
    match policy {
        TruncationPolicy::Tokens(tokens) => truncate_tokens(text, tokens),
        TruncationPolicy::Bytes(bytes) => cut_middle(text, bytes, |removed| {
            format!("…{} chars truncated…", removed.chars().count())
        }),
    }
}

/// The model's text for a unified exec result. The budget is
/// `max_output_tokens` (default 10 000) capped by the model's policy.
pub fn format_exec_output(
    output: &ExecOutput,
    max_output_tokens: Option<usize>,
    policy: TruncationPolicy,
) -> String {
    let text = output.text();
    let budget = max_output_tokens
        .unwrap_or(DEFAULT_MAX_OUTPUT_TOKENS)
        .min(policy.token_budget());
    let body = match truncate_tokens(&text, budget) {
        Some(cut) => format!("Total output lines: {}\n\n{cut}", text.lines().count()),
        None => text.clone(),
    };
    let status = match (output.session_id, output.exit_code) {
        (Some(id), _) => format!("Process running with session ID {id}"),
        (None, Some(code)) => format!("Process exited with code {code}"),
        (None, None) => "Process exited".to_owned(),
    };
    format!(
        "Chunk ID: {}\nWall time: {:.4} seconds\n{status}\nOriginal token count: {}\nOutput:\n{body}",
        output.chunk_id,
        output.wall_time.as_secs_f64(),
        approx_token_count(&text),
    )
}

/// The model's text for a `shell_command` result.
pub fn format_shell_output(
    exit_code: i32,
    wall_time: Duration,
    text: &str,
    policy: TruncationPolicy,
) -> String {
    // Wall time is shown rounded to a tenth of a second, without trailing zeros.
    let wall = (wall_time.as_secs_f64() * 10.0).round() / 10.0;
    match truncate_for_policy(text, policy) {
        Some(cut) => format!(
            "Exit code: {exit_code}\nWall time: {wall} seconds\nTotal output lines: {}\nOutput:\n{cut}",
            text.lines().count()
        ),
        None => format!("Exit code: {exit_code}\nWall time: {wall} seconds\nOutput:\n{text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(text: &str) -> ExecOutput {
        ExecOutput {
            chunk_id: "abc123".into(),
            wall_time: Duration::from_millis(2514),
            output: text.as_bytes().to_vec(),
            session_id: None,
            exit_code: Some(0),
            command: Vec::new(),
            warning: None,
        }
    }

    fn seq(n: usize) -> String {
        (1..=n).map(|i| format!("{i}\n")).collect()
    }

    #[test]
    fn short_output_is_kept() {
        assert_eq!(
            format_exec_output(&output("hi\né\n"), None, TruncationPolicy::Tokens(10_000)),
            "Chunk ID: abc123\nWall time: 2.5140 seconds\nProcess exited with code 0\nOriginal token count: 2\nOutput:\nhi\né\n"
        );
    }

    // Values captured from the reference (`seq 1 100`, max_output_tokens 20).
    #[test]
    fn head_and_tail_around_marker() {
        let text = format_exec_output(
            &output(&seq(100)),
            Some(20),
            TruncationPolicy::Bytes(10_000),
        );
        let body = text
            .split_once("Output:\n")
            .map(|(_, b)| b)
            .unwrap_or_default();
        assert_eq!(
            body,
            "Total output lines: 100\n\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n1…53 tokens truncated…88\n89\n90\n91\n92\n93\n94\n95\n96\n97\n98\n99\n100\n"
        );
        assert!(text.contains("Original token count: 73\n"));
    }

    #[test]
    fn zero_budget_and_boundaries() {
        assert_eq!(
            truncate_tokens("a\nb\n\n", 0).as_deref(),
            Some("…2 tokens truncated…")
        );
        assert_eq!(truncate_tokens("abcdefgh", 2), None);
        assert_eq!(
            truncate_tokens("abcdefghi", 2).as_deref(),
            Some("abcd…1 tokens truncated…fghi")
        );
        // Multi-byte characters are never split.
        assert_eq!(
            truncate_tokens("😀😀😀😀😀", 1).as_deref(),
            Some("…4 tokens truncated…")
        );
        assert_eq!(
            truncate_tokens("😀😀😀😀😀x", 1).as_deref(),
            Some("…5 tokens truncated…x")
        );
        let e = format!("{}\n", "é".repeat(200));
        let cut = truncate_tokens(&e, 10).unwrap_or_default();
        assert_eq!(
            cut,
            format!("{}…91 tokens truncated…{}\n", "é".repeat(10), "é".repeat(9))
        );
    }

    #[test]
    fn model_policy_caps_the_budget() {
        let text = seq(30_000);
        let bytes = format_exec_output(
            &output(&text),
            Some(50_000),
            TruncationPolicy::Bytes(10_000),
        );
        assert!(bytes.contains("…39724 tokens truncated…"));
        let tokens = format_exec_output(&output(&text), None, TruncationPolicy::Tokens(10_000));
        assert!(tokens.contains("…32224 tokens truncated…"));
        assert!(tokens.contains("Original token count: 42224\n"));
    }

    #[test]
    fn running_session_status() {
        let mut out = output("");
        out.session_id = Some(4711);
        out.exit_code = None;
        assert!(
            format_exec_output(&out, None, TruncationPolicy::Tokens(10)).contains(
                "\nProcess running with session ID 4711\nOriginal token count: 0\nOutput:\n"
            )
        );
    }

    #[test]
    fn shell_command_format() {
        assert_eq!(
            format_shell_output(
                4,
                Duration::from_millis(130),
                "out\nerr\n",
                TruncationPolicy::Bytes(10_000)
            ),
            "Exit code: 4\nWall time: 0.1 seconds\nOutput:\nout\nerr\n"
        );
        assert_eq!(
            format_shell_output(
                0,
                Duration::from_millis(20),
                "x",
                TruncationPolicy::Bytes(10_000)
            ),
            "Exit code: 0\nWall time: 0 seconds\nOutput:\nx"
        );
        let long = format_shell_output(
            0,
            Duration::ZERO,
            &seq(30_000),
            TruncationPolicy::Bytes(10_000),
        );
        assert!(long.starts_with(
            "Exit code: 0\nWall time: 0 seconds\nTotal output lines: 30000\nOutput:\n1\n2\n"
        ));
        assert!(long.contains("…158894 chars truncated…"));
        let long = format_shell_output(
            0,
            Duration::ZERO,
            &seq(30_000),
            TruncationPolicy::Tokens(10_000),
        );
        assert!(long.contains("…32224 tokens truncated…"));
    }
}
