//! Session building: configuration and a front end's choices made into a ready engine
//! session, in one place for every front end (exec, the app-server, the MCP server, the
//! TUI). The binary only parses arguments and picks a front end; no crate calls back up
//! into it.
//!
//! - [`Engine`] holds the configuration, the `.rules` policy and the opened state; its
//!   [`Engine::open`] turns a [`SessionRequest`] into a started or resumed
//!   [`recodex_core::Session`]: the model (one default, [`DEFAULT_MODEL`]) and its facts,
//!   the provider and its login, the sandbox ([`sandbox`]) and approval policy, the tools
//!   ([`tools`]), the user agent and time zone ([`host`]).
//! - [`SessionFactory`] / [`OpenRequest`]: what the JSON-RPC servers ask for, answered by
//!   the engine as the reference's app-server answers.
//!
//! What it does not do: read argv or the process environment (the binary hands both in as
//! values), print (warnings are returned), or run turns (that is `recodex-core`).

mod engine;
mod error;
mod factory;
pub mod host;
mod rules;
pub mod sandbox;
pub mod tools;

pub use engine::{
    DEFAULT_MODEL, Engine, EngineOptions, Identity, ServiceTierRequest, SessionRequest,
};
pub use error::SessionError;
pub use factory::{OpenRequest, SessionFactory};
pub use rules::load_rules;
pub use sandbox::{ResolvedSandbox, SandboxRequest};
