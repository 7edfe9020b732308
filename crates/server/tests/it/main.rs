//! The app-server against fixture CODEX_HOMEs: the handshake and framing, and the
//! methods over stored threads, checked against the shapes and texts 0.136.0 answers
//! with (docs/research/app-server-threads.md).

// Helpers outside `#[test]` functions are test code too; a panic is the failure report.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod clients;
mod fixture;
mod handshake;
mod list;
mod manage;
mod mcp;
mod open;
mod reference;
mod turn;
