//! Shared helpers: a client pointed at the mock server, a sleeper that
//! records instead of sleeping, and event collection.

use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use recodex_client::{
    ClientError, EnvMap, FixedJitter, LoginAuth, ModelClient, Provider, ResponseEvent,
    ResponsesRequest, RetryPolicy, Sleeper, TurnContextHeaders,
};
use recodex_config::schema::ModelProviderInfo;
use recodex_testkit::MockResponsesServer;

pub(crate) const THREAD_ID: &str = "01a20ac7-212c-7bb2-9c36-25fe32fc6c98";

/// Records requested sleeps and returns at once.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecordingSleeper(pub(crate) Arc<Mutex<Vec<Duration>>>);

impl Sleeper for RecordingSleeper {
    fn sleep(
        &self,
        duration: Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        if let Ok(mut sleeps) = self.0.lock() {
            sleeps.push(duration);
        }
        Box::pin(async {})
    }
}

impl RecordingSleeper {
    pub(crate) fn sleeps(&self) -> Vec<Duration> {
        self.0.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

pub(crate) fn env() -> EnvMap {
    EnvMap::from([("MOCK_KEY".to_owned(), "sk-test".to_owned())])
}

pub(crate) fn mock_info(server: &MockResponsesServer) -> ModelProviderInfo {
    ModelProviderInfo {
        name: "mock".to_owned(),
        base_url: Some(server.base_url()),
        env_key: Some("MOCK_KEY".to_owned()),
        request_max_retries: Some(2),
        stream_max_retries: Some(1),
        ..ModelProviderInfo::default()
    }
}

/// A client for `info` with a recording sleeper and no jitter.
pub(crate) fn client_for(info: &ModelProviderInfo) -> (ModelClient, RecordingSleeper) {
    let provider = Provider::from_info("mock", info, &env());
    let sleeper = RecordingSleeper::default();
    let policy = RetryPolicy {
        request_max_retries: provider.request_max_retries,
        stream_max_retries: provider.stream_max_retries,
        sleeper: Arc::new(sleeper.clone()),
        jitter: Arc::new(FixedJitter(1.0)),
    };
    let client = match ModelClient::new(provider, &LoginAuth::default(), &env()) {
        Ok(client) => client.with_retry_policy(policy),
        Err(err) => panic!("client: {err}"),
    };
    (client, sleeper)
}

pub(crate) fn client(server: &MockResponsesServer) -> (ModelClient, RecordingSleeper) {
    client_for(&mock_info(server))
}

pub(crate) fn request() -> ResponsesRequest {
    let mut request = ResponsesRequest::new("gpt-5.1-codex", "Be brief.");
    request.prompt_cache_key = THREAD_ID.to_owned();
    request
}

pub(crate) fn turn() -> TurnContextHeaders {
    TurnContextHeaders::for_thread("codex_exec", "recodex/test", THREAD_ID)
}

/// Every event of one sampling request, and the error that ended it.
pub(crate) async fn run(client: &ModelClient) -> (Vec<ResponseEvent>, Option<ClientError>) {
    let mut stream = match client.stream(&request(), &turn()).await {
        Ok(stream) => stream,
        Err(err) => return (Vec::new(), Some(err)),
    };
    let mut events = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(event) => events.push(event),
            Err(err) => return (events, Some(err)),
        }
    }
    (events, None)
}

/// Starts a mock server or fails the test.
pub(crate) async fn server(script: Vec<recodex_testkit::MockReply>) -> MockResponsesServer {
    match MockResponsesServer::start(script).await {
        Ok(server) => server,
        Err(err) => panic!("mock server: {err}"),
    }
}

/// Events other than the header-derived rate-limit snapshot.
pub(crate) fn body_events(events: Vec<ResponseEvent>) -> Vec<ResponseEvent> {
    events
        .into_iter()
        .filter(|e| !matches!(e, ResponseEvent::RateLimits(_)))
        .collect()
}
