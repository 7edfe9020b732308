//! Integration tests of recodex-execpolicy: the corpus captured from the reference.

// Helpers outside `#[test]` functions are test code too; a panic is the failure report.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod corpus;
