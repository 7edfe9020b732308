//! Whole turns against the testkit mock Responses server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod turn;
