//! Integration tests for `recodex-client`.

mod debug_models;
