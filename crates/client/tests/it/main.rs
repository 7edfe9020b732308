//! Integration tests for `recodex-client`, against the `recodex-testkit`
//! mock Responses server.

mod debug_models;
mod errors;
mod golden_request;
mod providers;
mod retries;
mod sse_fuzz;
mod stream_events;
mod support;
