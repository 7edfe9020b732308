//! Integration tests: the corpus captured from the reference binary, and randomized
//! patches checked for panics, stray writes and partial application.

// Helpers outside `#[test]` functions are test code too; a panic is the failure report.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod corpus;
mod random;
mod tree;
