//! Model providers: the built-in `openai`, `ollama` and `lmstudio`, and
//! custom `[model_providers.<id>]` entries, resolved into what a request
//! needs (URL, static headers, retry budget, idle timeout).
//!
//! Resolution takes the environment as a value ([`EnvMap`]); nothing here
//! reads the process environment.

use std::collections::BTreeMap;
use std::time::Duration;

use recodex_config::schema::ModelProviderInfo;
use recodex_config::schema::{
    LMSTUDIO_OSS_PROVIDER_ID, OLLAMA_OSS_PROVIDER_ID, OPENAI_PROVIDER_ID,
};

/// Environment variables, as captured once by the front end.
pub type EnvMap = BTreeMap<String, String>;

/// Default number of retries of a failed HTTP request.
pub const DEFAULT_REQUEST_MAX_RETRIES: u64 = 4;
/// Default number of re-sent requests after a broken stream.
pub const DEFAULT_STREAM_MAX_RETRIES: u64 = 5;
/// Default stream idle timeout.
pub const DEFAULT_STREAM_IDLE_TIMEOUT: Duration = Duration::from_millis(300_000);
/// Upper bound of both retry settings.
const MAX_RETRIES_CAP: u64 = 100;

/// Base URL of the OpenAI provider when neither `openai_base_url` nor a
/// provider `base_url` is set.
pub const OPENAI_DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
/// Default local port of Ollama.
pub const DEFAULT_OLLAMA_PORT: u16 = 11434;
/// Default local port of LM Studio.
pub const DEFAULT_LMSTUDIO_PORT: u16 = 1234;

/// The `version` header the OpenAI provider sends (the CLI version this
/// client is compatible with).
pub const COMPATIBLE_CLI_VERSION: &str = "0.136.0";

/// A provider, resolved for sending requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    /// Key in `model_providers` (`openai`, `mock`, ...).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Base URL, without a trailing slash.
    pub base_url: String,
    /// Query parameters appended to every URL, in key order.
    pub query_params: BTreeMap<String, String>,
    /// Static headers (`http_headers`, then the set `env_http_headers`), in
    /// the order they are sent.
    pub headers: Vec<(String, String)>,
    /// Variable holding the API key, if the provider names one.
    pub env_key: Option<String>,
    /// Hint printed when `env_key` is unset.
    pub env_key_instructions: Option<String>,
    /// A literal bearer token from the configuration.
    pub experimental_bearer_token: Option<String>,
    /// Whether the provider uses the OpenAI login (API key or ChatGPT).
    pub requires_openai_auth: bool,
    /// Whether the provider offers Responses over websockets.
    pub supports_websockets: bool,
    /// Retries of a failed HTTP request.
    pub request_max_retries: u64,
    /// Re-sent requests after a broken stream.
    pub stream_max_retries: u64,
    /// How long a stream may stay silent.
    pub stream_idle_timeout: Duration,
}

impl Provider {
    /// Resolves a provider definition. `env` supplies `env_http_headers`.
    pub fn from_info(id: &str, info: &ModelProviderInfo, env: &EnvMap) -> Self {
        let mut headers: Vec<(String, String)> = info
            .http_headers
            .iter()
            .flatten()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        for (name, var) in info.env_http_headers.iter().flatten() {
            if let Some(value) = env.get(var).filter(|value| !value.trim().is_empty()) {
                headers.push((name.clone(), value.clone()));
            }
        }
        let base_url = info
            .base_url
            .clone()
            .unwrap_or_else(|| OPENAI_DEFAULT_BASE_URL.to_owned());
        Self {
            id: id.to_owned(),
            name: info.name.clone(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            query_params: info.query_params.clone().unwrap_or_default(),
            headers,
            env_key: info.env_key.clone(),
            env_key_instructions: info.env_key_instructions.clone(),
            experimental_bearer_token: info.experimental_bearer_token.clone(),
            requires_openai_auth: info.requires_openai_auth,
            supports_websockets: info.supports_websockets,
            request_max_retries: info
                .request_max_retries
                .unwrap_or(DEFAULT_REQUEST_MAX_RETRIES)
                .min(MAX_RETRIES_CAP),
            stream_max_retries: info
                .stream_max_retries
                .unwrap_or(DEFAULT_STREAM_MAX_RETRIES)
                .min(MAX_RETRIES_CAP),
            stream_idle_timeout: info
                .stream_idle_timeout_ms
                .map_or(DEFAULT_STREAM_IDLE_TIMEOUT, Duration::from_millis),
        }
    }

    /// The URL of `path` under the base URL, with the query parameters
    /// appended unencoded (as the reference prints it in error messages).
    pub fn url_for_path(&self, path: &str) -> String {
        let path = path.trim_start_matches('/');
        let mut url = if path.is_empty() {
            self.base_url.clone()
        } else {
            format!("{}/{path}", self.base_url)
        };
        if !self.query_params.is_empty() {
            let query: Vec<String> = self
                .query_params
                .iter()
                .map(|(key, value)| format!("{key}={value}"))
                .collect();
            url.push('?');
            url.push_str(&query.join("&"));
        }
        url
    }
}

/// The built-in OpenAI provider. `openai_base_url` is the config key of that
/// name (the reference does not read `OPENAI_BASE_URL`).
pub fn openai_provider_info(openai_base_url: Option<String>) -> ModelProviderInfo {
    ModelProviderInfo {
        name: "OpenAI".to_owned(),
        base_url: openai_base_url,
        http_headers: Some(BTreeMap::from([(
            "version".to_owned(),
            COMPATIBLE_CLI_VERSION.to_owned(),
        )])),
        env_http_headers: Some(BTreeMap::from([
            (
                "OpenAI-Organization".to_owned(),
                "OPENAI_ORGANIZATION".to_owned(),
            ),
            ("OpenAI-Project".to_owned(), "OPENAI_PROJECT".to_owned()),
        ])),
        requires_openai_auth: true,
        supports_websockets: true,
        ..ModelProviderInfo::default()
    }
}

/// A built-in local provider (`ollama`, `lmstudio`). `CODEX_OSS_BASE_URL`
/// wins; otherwise `CODEX_OSS_PORT` replaces the default port.
pub fn oss_provider_info(default_port: u16, env: &EnvMap) -> ModelProviderInfo {
    let port = env
        .get("CODEX_OSS_PORT")
        .filter(|value| !value.trim().is_empty())
        .and_then(|value| value.parse::<u16>().ok())
        .unwrap_or(default_port);
    let base_url = env
        .get("CODEX_OSS_BASE_URL")
        .filter(|value| !value.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| format!("http://localhost:{port}/v1"));
    ModelProviderInfo {
        name: "gpt-oss".to_owned(),
        base_url: Some(base_url),
        ..ModelProviderInfo::default()
    }
}

/// Looks up a provider id: custom entries first, then the built-ins.
/// Returns `None` for an unknown id (configuration loading reports that).
pub fn resolve_provider(
    id: &str,
    custom: &BTreeMap<String, ModelProviderInfo>,
    openai_base_url: Option<String>,
    env: &EnvMap,
) -> Option<Provider> {
    let info = match (custom.get(id), id) {
        (Some(info), _) => info.clone(),
        (None, OPENAI_PROVIDER_ID) => openai_provider_info(openai_base_url),
        (None, OLLAMA_OSS_PROVIDER_ID) => oss_provider_info(DEFAULT_OLLAMA_PORT, env),
        (None, LMSTUDIO_OSS_PROVIDER_ID) => oss_provider_info(DEFAULT_LMSTUDIO_PORT, env),
        (None, _) => return None,
    };
    Some(Provider::from_info(id, &info, env))
}
