//! Wire and on-disk types shared by every recodex crate.
//!
//! This crate holds plain serde types only: no I/O, no tokio, no filesystem
//! policy. Spellings of enum variants and field names match the reference
//! `codex` 0.136.0 exactly, because users' files and serde's error messages
//! depend on them.
//!
//! Modules:
//! - `config_types`: enums and small structs that appear both in
//!   `config.toml` and in protocol messages (reasoning effort, sandbox mode,
//!   approval policy, web search settings, provider auth, …).
//! - `model_facts`: catalog facts that shape a model's tools (shell tool, apply_patch
//!   form, web search results).
//! - [`models`]: Responses API items (messages, reasoning, tool calls and
//!   their outputs) shared by requests, SSE events and rollouts.
//! - [`environment_context`]: the `<environment_context>` block given to the model.
//! - [`permissions`]: sandbox policy and permission profile of a turn.
//! - [`usage`]: token usage and rate-limit snapshots.

mod config_types;
pub mod environment_context;
mod model_facts;
pub mod models;
pub mod permissions;
pub mod usage;

pub use config_types::*;
pub use model_facts::{ApplyPatchToolType, ConfigShellToolType, WebSearchToolType};
