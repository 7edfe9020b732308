//! Integration tests of the `recodex` crate (one test binary, see STYLE.md).

// Helpers outside `#[test]` functions are test code too; a panic is the failure report.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod app_server;
mod archive;
mod binary;
mod completion;
mod conflicts;
mod exec;
mod exec_agents;
mod exec_patch;
mod exec_permissions;
mod exec_resume;
mod execpolicy;
mod facts;
mod fixture;
mod hardening;
mod misuse;
mod parse;
mod sandbox;
mod surface;
mod tidy;
