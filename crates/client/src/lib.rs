//! Model-facing services for recodex: the Responses API client and the
//! bundled model catalog.
//!
//! Modules, by responsibility:
//! - [`models`]: the bundled catalog, slug lookup with fallback, and the
//!   `debug models` JSON;
//! - `request`: the request body ([`ResponsesRequest`]);
//! - `headers`: request headers in the reference's order;
//! - `provider`: built-in and custom providers ([`Provider`]);
//! - `auth`: which bearer token a request carries;
//! - `sse`: an incremental event-stream framer;
//! - `events`: stream payloads to [`ResponseEvent`]s, failure classes;
//! - `rate_limits`: `x-codex-*` headers to snapshots;
//! - `retry`: backoff, request and stream retry budgets;
//! - `error`: [`ClientError`] with the reference's messages;
//! - `client`: [`ModelClient`] and [`ResponseStream`].
//!
//! **Architecture invariant:** nothing here reads the process environment
//! or prints; callers pass the environment in as an [`EnvMap`].

mod auth;
mod client;
mod error;
mod events;
mod headers;
mod http_errors;
pub mod models;
mod provider;
mod rate_limits;
mod request;
mod retry;
pub mod sse;

pub use auth::{
    AUTH_JSON_FILE, AuthDotJson, AuthFileError, AuthMode, CODEX_API_KEY_ENV_VAR, LoginAuth,
    bearer_token,
};
pub use client::{ModelClient, ResponseStream, install_crypto_provider};
pub use error::{ClientError, UnexpectedStatus, UsageLimitReached};
pub use events::{CYBER_POLICY_FALLBACK_MESSAGE, ResponseEvent, decode_event, parse_try_again_in};
pub use headers::{
    DEFAULT_BETA_FEATURES, Product, TurnContextHeaders, UserAgentInfo, request_headers, user_agent,
};
pub use provider::{
    COMPATIBLE_CLI_VERSION, DEFAULT_LMSTUDIO_PORT, DEFAULT_OLLAMA_PORT,
    DEFAULT_REQUEST_MAX_RETRIES, DEFAULT_STREAM_IDLE_TIMEOUT, DEFAULT_STREAM_MAX_RETRIES, EnvMap,
    OPENAI_DEFAULT_BASE_URL, Provider, openai_provider_info, oss_provider_info, resolve_provider,
};
pub use rate_limits::{parse_all_rate_limits, parse_promo_message, parse_rate_limit_family};
pub use request::{ClientMetadata, Reasoning, ResponsesRequest, TextControls, TextFormat};
pub use retry::{
    FixedJitter, INITIAL_DELAY, Jitter, RandomJitter, RetryPolicy, Sleeper, StreamRetry,
    TokioSleeper, backoff,
};
