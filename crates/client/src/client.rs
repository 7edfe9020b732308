//! [`ModelClient`]: sends a [`ResponsesRequest`] and streams the answer.
//!
//! One call of [`ModelClient::stream`] is one sampling request: it retries
//! the HTTP request itself (`request_max_retries`), maps a final HTTP
//! failure to a [`ClientError`], and on success hands back a
//! [`ResponseStream`] fed by a task that reads the body, frames it
//! ([`crate::sse`]) and decodes it ([`crate::events`]). Stream-level retries
//! belong to the turn loop ([`crate::RetryPolicy::stream_retry`]) because it
//! rebuilds the input between attempts.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::header::HeaderName;
use reqwest::header::HeaderValue;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::auth::LoginAuth;
use crate::auth::bearer_token;
use crate::error::ClientError;
use crate::events::ResponseEvent;
use crate::events::decode_event;
use crate::headers::TurnContextHeaders;
use crate::headers::request_headers;
use crate::http_errors::HttpFailure;
use crate::provider::EnvMap;
use crate::provider::Provider;
use crate::rate_limits::parse_all_rate_limits;
use crate::request::ResponsesRequest;
use crate::retry::RetryPolicy;
use crate::sse::SseFramer;

/// Events buffered between the reading task and the consumer.
const EVENT_CHANNEL_CAPACITY: usize = 1600;

/// Installs rustls' ring provider as the process default unless one is
/// installed already. The CLI calls it at start-up; [`ModelClient::new`]
/// calls it too, because reqwest panics without a provider.
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // An error means another thread installed one first: fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// The TLS configuration of every client in the process: the platform's certificate roots
/// are read once (an app-server opens a client per thread), with HTTP/2 offered first as
/// reqwest's own configuration does.
fn shared_tls() -> Result<rustls::ClientConfig, ClientError> {
    static TLS: std::sync::OnceLock<rustls::ClientConfig> = std::sync::OnceLock::new();
    if let Some(config) = TLS.get() {
        return Ok(config.clone());
    }
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| std::sync::Arc::new(rustls::crypto::ring::default_provider()));
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
        .map_err(|err| ClientError::Build(err.to_string()))?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| ClientError::Build(err.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(std::sync::Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TLS.get_or_init(|| config).clone())
}

/// A client for one provider and one login.
#[derive(Debug, Clone)]
pub struct ModelClient {
    http: reqwest::Client,
    provider: Provider,
    bearer: Result<Option<String>, ClientError>,
    retry: RetryPolicy,
    utc_offset_secs: i64,
}

impl ModelClient {
    /// Builds a client. `env` supplies the provider's `env_key` and the
    /// proxy variables; nothing is read from the process environment. A
    /// missing `env_key` variable is reported by [`ModelClient::stream`], as
    /// the reference reports it when the turn starts.
    pub fn new(provider: Provider, login: &LoginAuth, env: &EnvMap) -> Result<Self, ClientError> {
        install_crypto_provider();
        // Requests go out as soon as they are written (no Nagle delay behind the server's
        // delayed ACK on a kept-alive connection).
        let mut builder = reqwest::Client::builder().no_proxy().tcp_nodelay(true);
        let proxies = proxies_from_env(env)?;
        builder = if proxies.is_empty() && provider.base_url.starts_with("http://") {
            // Nothing is encrypted: the platform's roots are not even read.
            builder.tls_certs_only(Vec::new())
        } else {
            builder.tls_backend_preconfigured(shared_tls()?)
        };
        for proxy in proxies {
            builder = builder.proxy(proxy);
        }
        let http = builder
            .build()
            .map_err(|err| ClientError::Build(err.to_string()))?;
        let bearer = bearer_token(&provider, login, env);
        let retry = RetryPolicy::new(provider.request_max_retries, provider.stream_max_retries);
        Ok(Self {
            http,
            provider,
            bearer,
            retry,
            utc_offset_secs: 0,
        })
    }

    /// Replaces the retry policy (tests inject a sleeper and fixed jitter).
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the local UTC offset used to show usage-limit reset times.
    pub fn with_utc_offset(mut self, seconds: i64) -> Self {
        self.utc_offset_secs = seconds;
        self
    }

    /// The provider this client talks to.
    pub fn provider(&self) -> &Provider {
        &self.provider
    }

    /// The retry policy (the turn loop uses it for stream retries).
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Sends `request` and returns the event stream, retrying 5xx statuses
    /// and network errors up to `request_max_retries` times.
    pub async fn stream(
        &self,
        request: &ResponsesRequest,
        turn: &TurnContextHeaders,
    ) -> Result<ResponseStream, ClientError> {
        let bearer = self.bearer.clone()?;
        let url = self.provider.url_for_path("responses");
        let headers = header_map(&request_headers(&self.provider, bearer.as_deref(), turn))?;
        let body = request
            .to_json_bytes()
            .map_err(|err| ClientError::Build(err.to_string()))?;
        let mut retries = 0;
        loop {
            let sent = self
                .http
                .post(&url)
                .headers(headers.clone())
                .body(body.clone())
                .send()
                .await;
            let failure = match sent {
                Ok(response) if response.status().is_success() => {
                    return Ok(ResponseStream::spawn(
                        response,
                        self.provider.stream_idle_timeout,
                    ));
                }
                Ok(response) => HttpFailure::from_response(response).await,
                Err(err) => HttpFailure::Network(err.to_string()),
            };
            if failure.is_retryable() && retries < self.retry.request_max_retries {
                retries += 1;
                self.retry.sleep(self.retry.request_delay(retries)).await;
                continue;
            }
            return Err(failure.into_error(&url, unix_now(), self.utc_offset_secs));
        }
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn header_map(headers: &[(String, String)]) -> Result<HeaderMap, ClientError> {
    let mut map = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let name = HeaderName::try_from(name.as_str())
            .map_err(|_| ClientError::Build(format!("invalid header name `{name}`")))?;
        let value = HeaderValue::try_from(value.as_str())
            .map_err(|_| ClientError::Build(format!("invalid value for header `{name}`")))?;
        map.append(name, value);
    }
    Ok(map)
}

type ProxyMaker = fn(String) -> reqwest::Result<reqwest::Proxy>;

/// Proxies from `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` (either case),
/// excluding `NO_PROXY` hosts.
fn proxies_from_env(env: &EnvMap) -> Result<Vec<reqwest::Proxy>, ClientError> {
    let get = |name: &str| {
        env.get(name)
            .or_else(|| env.get(&name.to_ascii_lowercase()))
            .filter(|value| !value.trim().is_empty())
            .cloned()
    };
    let no_proxy = get("NO_PROXY").and_then(|list| reqwest::NoProxy::from_string(&list));
    let mut proxies = Vec::new();
    let kinds: [(&str, ProxyMaker); 3] = [
        ("HTTPS_PROXY", reqwest::Proxy::https),
        ("HTTP_PROXY", reqwest::Proxy::http),
        ("ALL_PROXY", reqwest::Proxy::all),
    ];
    for (var, make) in kinds {
        if let Some(url) = get(var) {
            let proxy = make(url).map_err(|err| ClientError::Build(format!("{var}: {err}")))?;
            proxies.push(proxy.no_proxy(no_proxy.clone()));
        }
    }
    Ok(proxies)
}

/// The events of one response, in order. Ends after
/// [`ResponseEvent::Completed`] or after the first error. Dropping it stops
/// the reading task and closes the connection.
#[derive(Debug)]
pub struct ResponseStream {
    rx: mpsc::Receiver<Result<ResponseEvent, ClientError>>,
    task: JoinHandle<()>,
}

impl ResponseStream {
    /// The next event, or `None` when the stream is over.
    pub async fn next(&mut self) -> Option<Result<ResponseEvent, ClientError>> {
        self.rx.recv().await
    }

    fn spawn(response: reqwest::Response, idle_timeout: Duration) -> Self {
        let (tx, rx) = mpsc::channel(EVENT_CHANNEL_CAPACITY);
        let mut initial = Vec::new();
        let headers = response.headers();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        if let Some(model) = header("openai-model") {
            initial.push(ResponseEvent::ServerModel(model));
        }
        initial.extend(
            parse_all_rate_limits(headers)
                .into_iter()
                .map(ResponseEvent::RateLimits),
        );
        if let Some(etag) = header("x-models-etag") {
            initial.push(ResponseEvent::ModelsEtag(etag));
        }
        if headers.contains_key("x-reasoning-included") {
            initial.push(ResponseEvent::ServerReasoningIncluded(true));
        }
        let task = tokio::spawn(async move {
            for event in initial {
                if tx.send(Ok(event)).await.is_err() {
                    return;
                }
            }
            pump(response, &tx, idle_timeout).await;
        });
        Self { rx, task }
    }
}

impl Drop for ResponseStream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads the body until `response.completed`, an error, or the end.
async fn pump(
    mut response: reqwest::Response,
    tx: &mpsc::Sender<Result<ResponseEvent, ClientError>>,
    idle_timeout: Duration,
) {
    let mut framer = SseFramer::new();
    let mut frames = Vec::new();
    loop {
        let chunk = match tokio::time::timeout(idle_timeout, response.chunk()).await {
            Err(_) => Err(ClientError::stream("idle timeout waiting for SSE")),
            Ok(Err(err)) => Err(ClientError::stream(err.to_string())),
            Ok(Ok(None)) => Err(ClientError::stream(
                "stream closed before response.completed",
            )),
            Ok(Ok(Some(bytes))) => framer
                .push(&bytes, &mut frames)
                .map_err(|err| ClientError::stream(err.to_string())),
        };
        if let Err(err) = chunk {
            let _ = tx.send(Err(err)).await;
            return;
        }
        for frame in frames.drain(..) {
            match decode_event(&frame.data) {
                Ok(None) => {}
                Ok(Some(event)) => {
                    let done = matches!(event, ResponseEvent::Completed { .. });
                    if tx.send(Ok(event)).await.is_err() || done {
                        return;
                    }
                }
                Err(err) => {
                    let _ = tx.send(Err(err)).await;
                    return;
                }
            }
        }
    }
}
