//! Model-facing services for recodex.
//!
//! Today this crate holds the model catalog ([`models`]): the metadata
//! bundled with the binary, slug lookup with fallback, and the
//! `debug models` JSON. It will also hold the HTTP client for the Responses
//! API (request building, SSE, retries, providers, login refresh). It does
//! not print or read the process environment; front ends do that.

pub mod models;
