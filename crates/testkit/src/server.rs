//! The mock Responses API server.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;
use tokio::io::AsyncReadExt;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio::task::JoinSet;

/// Largest request head the server reads.
const MAX_HEAD_BYTES: usize = 1024 * 1024;

/// How an SSE body is cut into writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunking {
    /// One write.
    Whole,
    /// One write per event.
    PerEvent,
    /// Writes of at most this many bytes.
    Bytes(usize),
}

/// A streamed (HTTP 200) reply.
#[derive(Debug, Clone)]
pub struct SseReply {
    /// Events, serialized as `event:`/`data:` frames.
    pub events: Vec<Value>,
    /// A raw body to send instead of `events`.
    pub raw_body: Option<Vec<u8>>,
    /// How the body is written.
    pub chunking: Chunking,
    /// Extra response headers.
    pub headers: Vec<(String, String)>,
    /// Wait before answering.
    pub delay: Duration,
    /// After this many events, keep the connection open and silent.
    pub stall_after: Option<usize>,
    /// Served only to a request whose body contains this text (see
    /// [`MockReply::when_body_contains`]).
    pub when_body_contains: Option<String>,
}

/// Builds a reply from the request it answers.
pub type ReplyFn = Arc<dyn Fn(&RecordedRequest) -> MockReply + Send + Sync>;

/// Decides from a request body whether a reply may answer it.
pub type BodyFilter = Arc<dyn Fn(&[u8]) -> bool + Send + Sync>;

/// One scripted answer.
#[derive(Clone)]
pub enum MockReply {
    /// HTTP 200 with an event stream.
    Sse(SseReply),
    /// An HTTP error.
    Http {
        /// Status code.
        status: u16,
        /// Extra response headers.
        headers: Vec<(String, String)>,
        /// Body text.
        body: String,
    },
    /// A reply computed from the request (an id the client chose, ...), served to the
    /// first request `serves` accepts.
    Dynamic {
        /// Which requests it may answer (by body text).
        serves: BodyFilter,
        /// The reply.
        reply: ReplyFn,
    },
}

impl std::fmt::Debug for MockReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sse(sse) => f.debug_tuple("Sse").field(sse).finish(),
            Self::Http { status, .. } => f.debug_struct("Http").field("status", status).finish(),
            Self::Dynamic { .. } => f.write_str("Dynamic"),
        }
    }
}

impl MockReply {
    /// A stream of `events`, written in one piece.
    pub fn sse(events: Vec<Value>) -> Self {
        Self::Sse(SseReply {
            events,
            raw_body: None,
            chunking: Chunking::Whole,
            headers: Vec::new(),
            delay: Duration::ZERO,
            stall_after: None,
            when_body_contains: None,
        })
    }

    /// A stream with a raw body (garbage, truncation, odd framing).
    pub fn raw(body: impl Into<Vec<u8>>) -> Self {
        let mut reply = Self::sse(Vec::new());
        if let Self::Sse(sse) = &mut reply {
            sse.raw_body = Some(body.into());
        }
        reply
    }

    /// An HTTP error with a JSON body.
    pub fn http(status: u16, body: impl Into<String>) -> Self {
        Self::Http {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let pair = (name.to_owned(), value.to_owned());
        match &mut self {
            Self::Sse(sse) => sse.headers.push(pair),
            Self::Http { headers, .. } => headers.push(pair),
            Self::Dynamic { .. } => {}
        }
        self
    }

    /// Sets the chunking of a stream.
    pub fn chunking(mut self, chunking: Chunking) -> Self {
        if let Self::Sse(sse) = &mut self {
            sse.chunking = chunking;
        }
        self
    }

    /// Serves this reply only to a request whose body contains `needle`; the script is
    /// searched in order for the first reply a request may get, so concurrent clients
    /// (a thread and its sub-agents) get their own answers whatever order they ask in.
    pub fn when_body_contains(mut self, needle: &str) -> Self {
        if let Self::Sse(sse) = &mut self {
            sse.when_body_contains = Some(needle.to_owned());
        }
        self
    }

    /// A reply built by `reply` from the request, for requests whose body contains
    /// `needle`.
    pub fn dynamic(
        needle: &str,
        reply: impl Fn(&RecordedRequest) -> MockReply + Send + Sync + 'static,
    ) -> Self {
        let needle = needle.to_owned();
        Self::Dynamic {
            serves: Arc::new(move |body| String::from_utf8_lossy(body).contains(needle.as_str())),
            reply: Arc::new(reply),
        }
    }

    fn serves(&self, body: &[u8]) -> bool {
        match self {
            Self::Dynamic { serves, .. } => serves(body),
            Self::Sse(SseReply {
                when_body_contains: Some(needle),
                ..
            }) => String::from_utf8_lossy(body).contains(needle.as_str()),
            _ => true,
        }
    }

    /// Goes silent (connection open) after `events` events.
    pub fn stall_after(mut self, events: usize) -> Self {
        if let Self::Sse(sse) = &mut self {
            sse.stall_after = Some(events);
        }
        self
    }

    /// Waits before answering.
    pub fn delay(mut self, delay: Duration) -> Self {
        if let Self::Sse(sse) = &mut self {
            sse.delay = delay;
        }
        self
    }
}

/// One request the server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `POST`, `GET`, ...
    pub method: String,
    /// Path with query string.
    pub path: String,
    /// Headers in arrival order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Raw body.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

#[derive(Debug, Default)]
struct State {
    script: VecDeque<MockReply>,
    requests: Vec<RecordedRequest>,
}

/// A mock Responses API on `127.0.0.1`; stops when dropped.
#[derive(Debug)]
pub struct MockResponsesServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: JoinHandle<()>,
}

impl MockResponsesServer {
    /// Binds an ephemeral port and serves `script` in order.
    pub async fn start(script: Vec<MockReply>) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State {
            script: script.into(),
            requests: Vec::new(),
        }));
        let shared = Arc::clone(&state);
        let task = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                connections.spawn(serve(stream, Arc::clone(&shared)));
            }
        });
        Ok(Self { addr, state, task })
    }

    /// `http://127.0.0.1:<port>/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).requests.clone()
    }

    /// Script entries not served yet.
    pub fn unconsumed(&self) -> usize {
        lock(&self.state).script.len()
    }
}

impl Drop for MockResponsesServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    match state.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

async fn serve(mut stream: TcpStream, state: Arc<Mutex<State>>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let is_responses = request.method == "POST"
        && request
            .path
            .split('?')
            .next()
            .is_some_and(|p| p.trim_end_matches('/').ends_with("/responses"));
    let is_get = request.method == "GET";
    let reply = {
        let mut state = lock(&state);
        let next = is_responses
            .then(|| {
                state
                    .script
                    .iter()
                    .position(|reply| reply.serves(&request.body))
            })
            .flatten();
        let chosen = next.and_then(|index| state.script.remove(index));
        let chosen = match chosen {
            Some(MockReply::Dynamic { reply, .. }) => Some(reply(&request)),
            other => other,
        };
        state.requests.push(request);
        if is_responses {
            Some(chosen.unwrap_or_else(exhausted))
        } else {
            None
        }
    };
    let result = match reply {
        Some(MockReply::Sse(sse)) => write_sse(&mut stream, sse).await,
        Some(MockReply::Http {
            status,
            headers,
            body,
        }) => write_plain(&mut stream, status, &headers, &body).await,
        // A dynamic reply was resolved above; one that built another dynamic reply
        // answers nothing useful.
        Some(MockReply::Dynamic { .. }) => write_plain(&mut stream, 500, &[], "").await,
        None if is_get => {
            let body = r#"{"object":"list","data":[],"models":[]}"#;
            write_plain(&mut stream, 200, &[], body).await
        }
        None => {
            let body = r#"{"error":{"message":"not found in mock"}}"#;
            write_plain(&mut stream, 404, &[], body).await
        }
    };
    // A client that hung up early is not the server's problem.
    drop(result);
}

fn exhausted() -> MockReply {
    let mut events = vec![crate::sse::created("resp_exhausted")];
    events.extend(crate::sse::message(
        0,
        "msg_exhausted",
        "MOCK_SCRIPT_EXHAUSTED",
    ));
    events.push(crate::sse::completed(
        "resp_exhausted",
        crate::sse::default_usage(),
    ));
    MockReply::sse(events)
}

async fn read_request(stream: &mut TcpStream) -> Option<RecordedRequest> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(pos) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        if buffer.len() > MAX_HEAD_BYTES {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buffer.split_off(head_end + 4);
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Some(RecordedRequest {
        method,
        path,
        headers,
        body,
    })
}

fn head(status: u16, content_type: &str, headers: &[(String, String)]) -> String {
    let mut head = format!("HTTP/1.1 {status} Mock\r\ncontent-type: {content_type}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head
}

async fn write_plain(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &str,
) -> std::io::Result<()> {
    let mut text = head(status, "application/json", headers);
    text.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ));
    stream.write_all(text.as_bytes()).await?;
    stream.shutdown().await
}

async fn write_sse(stream: &mut TcpStream, reply: SseReply) -> std::io::Result<()> {
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut text = head(200, "text/event-stream", &reply.headers);
    text.push_str("connection: close\r\n\r\n");
    stream.write_all(text.as_bytes()).await?;
    let sent = reply.stall_after.unwrap_or(reply.events.len());
    let pieces: Vec<Vec<u8>> = match (&reply.raw_body, reply.chunking) {
        (Some(raw), Chunking::Bytes(n)) => raw.chunks(n.max(1)).map(<[u8]>::to_vec).collect(),
        (Some(raw), _) => vec![raw.clone()],
        (None, Chunking::PerEvent) => reply
            .events
            .iter()
            .take(sent)
            .map(|event| crate::sse::body(std::slice::from_ref(event)))
            .collect(),
        (None, Chunking::Bytes(n)) => {
            let body = crate::sse::body(&reply.events[..sent.min(reply.events.len())]);
            body.chunks(n.max(1)).map(<[u8]>::to_vec).collect()
        }
        (None, Chunking::Whole) => vec![crate::sse::body(
            &reply.events[..sent.min(reply.events.len())],
        )],
    };
    for piece in pieces {
        stream.write_all(&piece).await?;
        stream.flush().await?;
        // Give the client a chance to read each piece on its own.
        tokio::task::yield_now().await;
    }
    if reply.stall_after.is_some() {
        std::future::pending::<()>().await;
    }
    stream.shutdown().await
}
