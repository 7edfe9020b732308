//! apply_patch: the patch envelope the model uses to edit files.
//!
//! A patch is text between `*** Begin Patch` and `*** End Patch` that adds, deletes,
//! updates and moves files (see [`parse_patch`] for the grammar). This crate turns it into
//! a verified [`PatchPlan`] (every path that would be written, the new bytes, the per-file
//! changes and diffs, the success summary) without touching the disk, and applies the plan
//! as one transaction: all files or none. It also provides the `apply_patch` command
//! ([`run_personality`]) and the recognition of apply_patch calls inside shell commands
//! ([`classify_command`]).
//!
//! Matching and output follow codex-cli 0.136.0 byte for byte: hunks are located with
//! exact, then whitespace-tolerant, then punctuation-folding comparisons; messages are the
//! reference's words. One deliberate difference: the reference writes hunk by hunk and
//! leaves earlier hunks applied when a later one fails; here a failing patch writes
//! nothing.
//!
//! Modules: `parser` (grammar), `seek` (finding lines), `update` (new contents of an
//! updated file), `overlay` (the simulated tree), `plan` (the verified plan), `commit`
//! (the transaction), `command` (the personality and its output), `invocation` (shell
//! interception).

mod command;
mod commit;
mod error;
mod invocation;
mod overlay;
mod parser;
mod paths;
mod plan;
mod seek;
mod update;

pub use command::{
    CODEX_RUN_AS_APPLY_PATCH_ARG1, apply_patch, run_personality, run_self_invocation,
};
pub use error::{ApplyPatchError, ParseError};
pub use invocation::{IMPLICIT_INVOCATION_MESSAGE, Invocation, classify_command, extract_heredoc};
pub use parser::{Hunk, Patch, UpdateChunk, parse_patch};
pub use plan::{
    FileChange, FileChangeKind, PatchPlan, PlannedWrite, Summary, plan_patch, plan_patch_text,
};
