//! Linux enforcement: namespaces, bind mounts, seccomp and Landlock.

mod filter;
mod landlock_rules;
mod launch;
mod mounts;
mod placeholders;
mod support;
mod sys;

pub use launch::{ConfinedCommand, run_confined};
pub use support::{Support, probe_support};
