//! The app-server's JSON-RPC protocol (v2): the framing of its messages and the payloads
//! of the methods recodex serves, as plain serde types.
//!
//! Field names, their order and the enum spellings are the wire's (0.136.0's schema in
//! `../shared/reference/app-server-schema`); clients such as the VS Code extension and
//! the TypeScript SDK parse them. No I/O here.
//!
//! Modules:
//! - [`generated`]: every protocol type as a serde type, generated from the reference's
//!   published schema by `scripts/gen-app-protocol.py`: the `Thread`, `Turn` and
//!   `ThreadItem` objects, each method's params and response, the `ServerNotification`
//!   and `ServerRequest` unions the server writes, the handshake.
//! - [`jsonrpc`]: requests, notifications, responses and errors, as the app-server frames
//!   them (no `"jsonrpc"` member, one compact JSON object per line).
//! - [`methods`]: the names of every client request the app-server knows.
//! - [`schema_gen`]: writes the JSON Schema and TypeScript trees of
//!   `app-server generate-json-schema` / `generate-ts` from the generated type table.

mod error;
pub mod generated;
pub mod jsonrpc;
pub mod methods;
pub mod schema_gen;

pub use error::SchemaGenError;
