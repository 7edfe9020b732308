//! Integration tests of `recodex-session` (one test binary, see STYLE.md): sessions built
//! from a configuration in a temporary CODEX_HOME, as every front end builds them.

// Helpers outside `#[test]` functions are test code too; a panic is the failure report.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod sandbox;
mod service_tier;
