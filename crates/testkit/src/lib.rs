//! Test helpers for recodex (dev-dependency only).
//!
//! - [`MockResponsesServer`]: a scriptable mock of the OpenAI Responses API on
//!   `127.0.0.1`, modelled on `shared/parity/mockmodel.py`: each `POST
//!   .../responses` takes the next [`MockReply`] from the script (SSE events
//!   with chosen chunking, stalls and dropped connections, or an HTTP error
//!   with headers), and every request is recorded.
//! - [`sse`]: builders for realistic Responses stream events.
//!
//! It speaks just enough HTTP/1.1 for one request per connection and closes
//! each connection after answering; it is not a general web server.

mod server;
pub mod sse;

pub use server::{
    BodyFilter, Chunking, MockReply, MockResponsesServer, RecordedRequest, ReplyFn, SseReply,
};
