//! Request retries, stream-retry decisions and the idle timeout, with a
//! recording sleeper and fixed jitter: nothing really sleeps.

use std::sync::Arc;
use std::time::Duration;

use pretty_assertions::assert_eq;
use recodex_client::{ClientError, FixedJitter, RandomJitter, RetryPolicy, backoff};
use recodex_testkit::{MockReply, sse};

use crate::support::{RecordingSleeper, client, client_for, mock_info, run, server};

fn ok_reply() -> MockReply {
    let mut events = vec![sse::created("r")];
    events.extend(sse::message(0, "m", "Recovered."));
    events.push(sse::completed("r", sse::default_usage()));
    MockReply::sse(events)
}

fn ms(values: &[u64]) -> Vec<Duration> {
    values.iter().map(|&v| Duration::from_millis(v)).collect()
}

#[tokio::test]
async fn server_errors_are_retried_with_exponential_backoff() {
    let server = server(vec![
        MockReply::http(500, "{}"),
        MockReply::http(503, "{}"),
        ok_reply(),
    ])
    .await;
    let (client, sleeper) = client(&server);
    let (_, error) = run(&client).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(server.requests().len(), 3);
    assert_eq!(sleeper.sleeps(), ms(&[200, 400]));
}

#[tokio::test]
async fn request_budget_is_the_provider_setting() {
    let server = server(vec![MockReply::http(500, "{}"); 6]).await;
    let mut info = mock_info(&server);
    info.request_max_retries = Some(4);
    let (client, sleeper) = client_for(&info);
    let (_, error) = run(&client).await;
    assert!(matches!(error, Some(ClientError::InternalServerError)));
    assert_eq!(server.requests().len(), 5);
    assert_eq!(sleeper.sleeps(), ms(&[200, 400, 800, 1600]));
}

#[tokio::test]
async fn client_errors_and_429_are_not_retried_and_retry_after_is_ignored() {
    for status in [400, 401, 404, 429] {
        let server = server(vec![
            MockReply::http(status, "{}").header("retry-after", "2"),
            ok_reply(),
        ])
        .await;
        let (client, sleeper) = client(&server);
        let (_, error) = run(&client).await;
        assert!(error.is_some(), "{status}");
        assert_eq!(server.requests().len(), 1, "{status}");
        assert!(sleeper.sleeps().is_empty(), "{status}");
    }
}

#[tokio::test]
async fn stream_retry_decisions_follow_the_reference() {
    let policy = RetryPolicy {
        request_max_retries: 2,
        stream_max_retries: 3,
        sleeper: Arc::new(RecordingSleeper::default()),
        jitter: Arc::new(FixedJitter(1.0)),
    };
    let dropped = ClientError::stream("stream closed before response.completed");
    let delays: Vec<Option<Duration>> = (0..4)
        .map(|done| policy.stream_retry(&dropped, done).map(|r| r.delay))
        .collect();
    assert_eq!(
        delays,
        vec![
            Some(Duration::from_millis(200)),
            Some(Duration::from_millis(400)),
            Some(Duration::from_millis(800)),
            None
        ]
    );
    let retry = policy.stream_retry(&dropped, 0).map(|r| r.notice);
    assert_eq!(
        retry.as_deref(),
        Some(
            "Reconnecting... 1/3 (stream disconnected before completion: stream closed before response.completed)"
        )
    );
    let rate_limited = ClientError::Stream {
        message: "Rate limit hit. Please try again in 1.5s.".into(),
        retry_after: Some(Duration::from_millis(1500)),
    };
    assert_eq!(
        policy.stream_retry(&rate_limited, 2).map(|r| r.delay),
        Some(Duration::from_millis(1500))
    );
    assert_eq!(
        policy.stream_retry(&ClientError::ContextWindowExceeded, 0),
        None
    );
}

#[tokio::test]
async fn unauthorized_is_retried_by_the_turn_loop_only() {
    let server = server(vec![
        MockReply::http(
            401,
            r#"{"error":{"message":"bad key"}}"#
        );
        2
    ])
    .await;
    let (client, sleeper) = client(&server);
    let (_, error) = run(&client).await;
    assert_eq!(server.requests().len(), 1);
    assert!(sleeper.sleeps().is_empty());
    let Some(error) = error else {
        panic!("expected an error");
    };
    let retry = client.retry_policy().stream_retry(&error, 0);
    assert_eq!(
        retry.map(|r| r.notice),
        Some(format!(
            "Reconnecting... 1/1 (unexpected status 401 Unauthorized: bad key, url: {}/responses)",
            server.base_url()
        ))
    );
}

#[tokio::test(start_paused = true)]
async fn a_silent_stream_hits_the_idle_timeout() {
    let mut events = vec![sse::created("r")];
    events.extend(sse::message(0, "m", "partial"));
    let server = server(vec![MockReply::sse(events).stall_after(2)]).await;
    let mut info = mock_info(&server);
    info.stream_idle_timeout_ms = Some(300_000);
    let (client, _) = client_for(&info);
    let started = tokio::time::Instant::now();
    let (events, error) = run(&client).await;
    assert_eq!(
        error.map(|e| e.to_string()).unwrap_or_default(),
        "stream disconnected before completion: idle timeout waiting for SSE"
    );
    assert_eq!(crate::support::body_events(events).len(), 2);
    assert!(started.elapsed() >= Duration::from_millis(300_000));
}

#[test]
fn backoff_and_jitter_bounds() {
    assert_eq!(backoff(1, 1.0), Duration::from_millis(200));
    assert_eq!(backoff(3, 1.0), Duration::from_millis(800));
    assert_eq!(backoff(2, 0.9), Duration::from_millis(360));
    let jitter = RandomJitter::new(42);
    for _ in 0..1000 {
        let factor = recodex_client::Jitter::factor(&jitter);
        assert!((0.9..1.1).contains(&factor), "{factor}");
    }
    // Huge attempt numbers saturate instead of overflowing.
    assert!(backoff(u64::MAX, 1.0) > Duration::from_secs(1));
}
