//! Integration tests: the `tools` arrays against the reference's (golden
//! captures in `tests/golden/`), and the exec handlers on hostile input.

// Helpers outside #[test] functions unwrap too; a failed unwrap is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod golden;
mod handlers;
