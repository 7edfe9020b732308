//! `[model_providers.<id>]`: user-defined model providers.

use std::collections::BTreeMap;

use recodex_protocol::ModelProviderAuthInfo;
use recodex_protocol::WireApi;
use serde::Deserialize;
use serde::Deserializer;
use serde::Serialize;

/// Id of the built-in OpenAI provider.
pub const OPENAI_PROVIDER_ID: &str = "openai";
/// Id of the built-in Amazon Bedrock provider (only `aws` may be overridden).
pub const AMAZON_BEDROCK_PROVIDER_ID: &str = "amazon-bedrock";
/// Id of the built-in Ollama provider.
pub const OLLAMA_OSS_PROVIDER_ID: &str = "ollama";
/// Id of the built-in LM Studio provider.
pub const LMSTUDIO_OSS_PROVIDER_ID: &str = "lmstudio";

/// Provider ids that `model_providers` may not redefine, in the reference's order.
pub const RESERVED_MODEL_PROVIDER_IDS: [&str; 3] = [
    OPENAI_PROVIDER_ID,
    OLLAMA_OSS_PROVIDER_ID,
    LMSTUDIO_OSS_PROVIDER_ID,
];

/// One provider definition.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelProviderInfo {
    /// Display name; must not be blank.
    #[serde(default)]
    pub name: String,
    /// Base URL of the OpenAI-compatible API.
    pub base_url: Option<String>,
    /// Environment variable holding the API key.
    pub env_key: Option<String>,
    /// Hint shown when `env_key` is not set.
    pub env_key_instructions: Option<String>,
    /// Literal bearer token (discouraged; prefer `env_key`).
    pub experimental_bearer_token: Option<String>,
    /// Command that prints a bearer token.
    pub auth: Option<ModelProviderAuthInfo>,
    /// AWS SigV4 settings (Amazon Bedrock only).
    pub aws: Option<ModelProviderAwsAuthInfo>,
    /// HTTP protocol; only `responses` is accepted.
    #[serde(default)]
    pub wire_api: WireApi,
    /// Query parameters appended to every request URL.
    pub query_params: Option<BTreeMap<String, String>>,
    /// Extra headers: name to literal value.
    pub http_headers: Option<BTreeMap<String, String>>,
    /// Extra headers: name to environment variable holding the value.
    pub env_http_headers: Option<BTreeMap<String, String>>,
    /// Retries of a failed HTTP request (capped at 100; default 4).
    pub request_max_retries: Option<u64>,
    /// Reconnects of a dropped stream (capped at 100; default 5).
    pub stream_max_retries: Option<u64>,
    /// Stream idle timeout in milliseconds (default 300000).
    pub stream_idle_timeout_ms: Option<u64>,
    /// Websocket connect timeout in milliseconds (default 15000).
    pub websocket_connect_timeout_ms: Option<u64>,
    /// Whether the provider uses OpenAI login (API key or ChatGPT).
    #[serde(default)]
    pub requires_openai_auth: bool,
    /// Whether the provider supports Responses over websockets.
    #[serde(default)]
    pub supports_websockets: bool,
}

/// AWS settings of a provider (`model_providers.amazon-bedrock.aws`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelProviderAwsAuthInfo {
    /// AWS profile; unset means the SDK's default chain.
    pub profile: Option<String>,
    /// AWS region.
    pub region: Option<String>,
}

impl ModelProviderInfo {
    /// Checks one user-defined provider the way the reference does while
    /// parsing. `id` is its key in `model_providers`.
    pub fn validate(&self, id: &str) -> Result<(), crate::InvalidValue> {
        self.check(id).map_err(crate::InvalidValue::ModelProvider)
    }

    fn check(&self, id: &str) -> Result<(), String> {
        // The Bedrock entry only overrides `aws`; it is checked when merged
        // with the built-in provider, not here.
        if id == AMAZON_BEDROCK_PROVIDER_ID {
            return Ok(());
        }
        if self.aws.is_some() {
            return Err(format!(
                "provider aws is only supported for `{AMAZON_BEDROCK_PROVIDER_ID}`"
            ));
        }
        if self.name.trim().is_empty() {
            return Err("provider name must not be empty".to_string());
        }
        let Some(auth) = &self.auth else {
            return Ok(());
        };
        if auth.command.trim().is_empty() {
            return Err("provider auth.command must not be empty".to_string());
        }
        let conflicts: Vec<&str> = [
            ("env_key", self.env_key.is_some()),
            (
                "experimental_bearer_token",
                self.experimental_bearer_token.is_some(),
            ),
            ("requires_openai_auth", self.requires_openai_auth),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect();
        if conflicts.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "provider auth cannot be combined with {}",
                conflicts.join(", ")
            ))
        }
    }

    /// True when every field except `aws` has its default value; the
    /// `amazon-bedrock` entry may differ from the built-in only in `aws`.
    pub fn only_overrides_aws(&self) -> bool {
        let mut rest = self.clone();
        rest.aws = None;
        rest == Self::default()
    }
}

/// Message for an `amazon-bedrock` entry that changes more than `aws`.
pub const AMAZON_BEDROCK_OVERRIDE_ERROR: &str = "model_providers.amazon-bedrock only supports changing `aws.profile` and `aws.region`; other non-default provider fields are not supported";

/// Checks a whole `model_providers` table: reserved ids first, then each
/// entry. Messages match the reference word for word.
pub fn validate_model_providers(
    providers: &BTreeMap<String, ModelProviderInfo>,
) -> Result<(), crate::InvalidValue> {
    check_model_providers(providers).map_err(crate::InvalidValue::ModelProvider)
}

fn check_model_providers(providers: &BTreeMap<String, ModelProviderInfo>) -> Result<(), String> {
    let reserved: Vec<String> = providers
        .keys()
        .filter(|id| RESERVED_MODEL_PROVIDER_IDS.contains(&id.as_str()))
        .map(|id| format!("`{id}`"))
        .collect();
    if !reserved.is_empty() {
        return Err(format!(
            "model_providers contains reserved built-in provider IDs: {}. \
Built-in providers cannot be overridden. Rename your custom provider (for example, `openai-custom`).",
            reserved.join(", ")
        ));
    }
    for (id, provider) in providers {
        provider
            .check(id)
            .map_err(|message| format!("model_providers.{id}: {message}"))?;
    }
    Ok(())
}

pub(super) fn deserialize_model_providers<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, ModelProviderInfo>, D::Error> {
    let providers = BTreeMap::<String, ModelProviderInfo>::deserialize(deserializer)?;
    validate_model_providers(&providers).map_err(serde::de::Error::custom)?;
    Ok(providers)
}
