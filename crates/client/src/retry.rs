//! Retry budgets and backoff.
//!
//! Two loops, as in the reference:
//! - **request retries** (`request_max_retries`, done inside
//!   [`crate::ModelClient::stream`]): a failed HTTP request is sent again
//!   after 5xx statuses and network errors, never after 4xx (429 included);
//! - **stream retries** (`stream_max_retries`, done by the turn loop with
//!   [`RetryPolicy::stream_retry`]): the whole sampling request is rebuilt and
//!   sent again after a retryable [`ClientError`], with a `Reconnecting...`
//!   notice.
//!
//! Both wait `200 ms * 2^(n-1)` scaled by a jitter factor in `[0.9, 1.1)`.
//! The HTTP `Retry-After` header is ignored (the reference ignores it); a
//! "try again in Ns" delay in a `response.failed` message is honoured.
//! Sleeping and jitter are injectable so tests never sleep.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use crate::error::ClientError;

/// The first backoff delay.
pub const INITIAL_DELAY: Duration = Duration::from_millis(200);

/// Something that waits.
pub trait Sleeper: Send + Sync {
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// Waits on the tokio timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A source of jitter factors in `[0.9, 1.1)`.
pub trait Jitter: Send + Sync {
    /// The next factor.
    fn factor(&self) -> f64;
}

/// Always the same factor (tests).
#[derive(Debug, Clone, Copy)]
pub struct FixedJitter(pub f64);

impl Jitter for FixedJitter {
    fn factor(&self) -> f64 {
        self.0
    }
}

/// A small xorshift generator; jitter needs spread, not cryptography.
#[derive(Debug)]
pub struct RandomJitter {
    state: Mutex<u64>,
}

impl RandomJitter {
    /// A generator seeded with `seed` (zero is replaced by a constant).
    pub fn new(seed: u64) -> Self {
        Self {
            state: Mutex::new(if seed == 0 {
                0x9e37_79b9_7f4a_7c15
            } else {
                seed
            }),
        }
    }

    /// A generator seeded from the clock.
    pub fn from_clock() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Self::new(nanos ^ u64::from(std::process::id()).rotate_left(32))
    }
}

impl Jitter for RandomJitter {
    fn factor(&self) -> f64 {
        let mut state = match self.state.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut x = *state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *state = x;
        // 53 random bits mapped to [0, 1), then to [0.9, 1.1).
        let unit = (x >> 11) as f64 / (1u64 << 53) as f64;
        0.9 + unit * 0.2
    }
}

/// The delay before retry number `attempt` (1-based).
pub fn backoff(attempt: u64, jitter: f64) -> Duration {
    let exponent = attempt.saturating_sub(1).min(32) as u32;
    let base_ms = (INITIAL_DELAY.as_millis() as u64).saturating_mul(2u64.saturating_pow(exponent));
    Duration::from_millis((base_ms as f64 * jitter) as u64)
}

/// Per-provider retry settings plus the injectable sleeper and jitter.
#[derive(Clone)]
pub struct RetryPolicy {
    /// Retries of one HTTP request (5xx and network errors).
    pub request_max_retries: u64,
    /// Re-sent sampling requests after a retryable error.
    pub stream_max_retries: u64,
    /// How to wait.
    pub sleeper: Arc<dyn Sleeper>,
    /// Where jitter comes from.
    pub jitter: Arc<dyn Jitter>,
}

impl std::fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("request_max_retries", &self.request_max_retries)
            .field("stream_max_retries", &self.stream_max_retries)
            .finish_non_exhaustive()
    }
}

/// What the turn loop does after a failed sampling request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRetry {
    /// This retry's number (1-based).
    pub attempt: u64,
    /// The budget.
    pub max: u64,
    /// How long to wait first.
    pub delay: Duration,
    /// The notice the reference shows: `Reconnecting... 1/5 (<error>)`.
    pub notice: String,
}

impl RetryPolicy {
    /// A policy that sleeps on tokio with clock-seeded jitter.
    pub fn new(request_max_retries: u64, stream_max_retries: u64) -> Self {
        Self {
            request_max_retries,
            stream_max_retries,
            sleeper: Arc::new(TokioSleeper),
            jitter: Arc::new(RandomJitter::from_clock()),
        }
    }

    /// The delay before request retry `attempt` (1-based).
    pub fn request_delay(&self, attempt: u64) -> Duration {
        backoff(attempt, self.jitter.factor())
    }

    /// Whether and how to retry after `error`, given `retries_done` so far.
    pub fn stream_retry(&self, error: &ClientError, retries_done: u64) -> Option<StreamRetry> {
        if !error.is_retryable() || retries_done >= self.stream_max_retries {
            return None;
        }
        let attempt = retries_done + 1;
        let delay = error
            .retry_after()
            .unwrap_or_else(|| backoff(attempt, self.jitter.factor()));
        Some(StreamRetry {
            attempt,
            max: self.stream_max_retries,
            delay,
            notice: format!(
                "Reconnecting... {attempt}/{} ({error})",
                self.stream_max_retries
            ),
        })
    }

    /// Waits `duration` with the policy's sleeper.
    pub async fn sleep(&self, duration: Duration) {
        self.sleeper.sleep(duration).await;
    }
}
