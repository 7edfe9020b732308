//! Integration tests of `recodex-app-protocol`: the schema trees against the reference's, and
//! the reference's messages and schema instances through the generated types.

// Helpers outside `#[test]` functions are test code too; a panic is the failure report.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod canonical;
mod generated_types;
mod roundtrip;
mod schema_instances;
mod schema_tree;
