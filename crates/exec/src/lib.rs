//! The headless front end, `codex exec`: today the `--json` event stream format.
//!
//! `exec --json` (alias `--experimental-json`) prints one JSON object per line on
//! stdout. The official TypeScript SDK parses these lines, so their shape is a public
//! contract: `thread.started`, `turn.started`, `item.started` / `item.updated` /
//! `item.completed` (each carrying a [`ThreadItem`] with an `id` such as `item_0` and a
//! `type`), `turn.completed` with token usage, `turn.failed`, and a top-level `error`.
//! [`run_exec`] runs one turn on a [`recodex_core::Session`] and prints it in either form.

mod events;
mod human;
mod run;

pub use events::*;
pub use run::{ExecRequest, run_exec};
