//! `recodex`: the command-line front end of the Codex reimplementation.
//!
//! Module map:
//! - [`args`]: the clap command-line surface (commands, options, parsing).
//! - [`completion`]: shell completion scripts generated from that surface.
//! - `entry`: start-up, parsing, dispatch and exit status ([`main_entry`]).
//! - `startup`: `argv[0]` personalities, the environment snapshot, the helper directory.
//! - `commands`: the implemented commands and the configuration each needs.
//! - `exit`: the one place where failures become stderr text and an exit status.

// The binary front end is where output and process state belong.
#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod args;
mod commands;
pub mod completion;
mod entry;
mod exit;
mod startup;

pub use entry::{RECODEX_VERSION_LINE, main_entry};
