//! Which bearer token a request carries.
//!
//! The reference's order, verified by running it: the provider's `env_key`
//! variable (an error when unset or blank), then the provider's
//! `experimental_bearer_token`, then the login: `CODEX_API_KEY` (only where
//! the front end allows it, as `exec` does) and then the API key stored in
//! `$CODEX_HOME/auth.json`. `OPENAI_API_KEY` itself is not read at request
//! time; `login --with-api-key` stores it in `auth.json`.
//!
//! ChatGPT (OAuth) tokens are not handled yet.

use std::path::Path;

use serde::Deserialize;

use crate::error::ClientError;
use crate::provider::EnvMap;
use crate::provider::Provider;

/// Name of the login file in CODEX_HOME.
pub const AUTH_JSON_FILE: &str = "auth.json";
/// Variable `exec` reads an API key from.
pub const CODEX_API_KEY_ENV_VAR: &str = "CODEX_API_KEY";

/// How the user signed in, as `auth.json` records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum AuthMode {
    /// An API key (`apikey`).
    #[serde(rename = "apikey")]
    ApiKey,
    /// ChatGPT sign-in, tokens refreshed by Codex (`chatgpt`).
    #[serde(rename = "chatgpt")]
    Chatgpt,
    /// ChatGPT tokens handed in by a host application (`chatgptAuthTokens`).
    #[serde(rename = "chatgptAuthTokens")]
    ChatgptAuthTokens,
    /// An agent identity (`agentIdentity`).
    #[serde(rename = "agentIdentity")]
    AgentIdentity,
}

/// The part of `auth.json` the client reads. An unknown `auth_mode` is an error, as in
/// the reference.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct AuthDotJson {
    /// How the user signed in.
    #[serde(default)]
    pub auth_mode: Option<AuthMode>,
    /// The stored API key.
    #[serde(rename = "OPENAI_API_KEY", default)]
    pub openai_api_key: Option<String>,
}

/// Errors reading `auth.json`.
#[derive(Debug, thiserror::Error)]
pub enum AuthFileError {
    /// The file could not be read (shown as the I/O error alone, as the reference does).
    #[error("{source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid JSON of the expected shape. Shown as the parser's words
    /// alone, as the reference's exec prints it.
    #[error("{source}")]
    Parse {
        /// The file.
        path: String,
        /// The cause.
        source: serde_json::Error,
    },
}

impl AuthDotJson {
    /// Reads `$CODEX_HOME/auth.json`; `Ok(None)` when it does not exist.
    pub fn load(codex_home: &Path) -> Result<Option<Self>, AuthFileError> {
        let path = codex_home.join(AUTH_JSON_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(AuthFileError::Read {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|source| AuthFileError::Parse {
                path: path.display().to_string(),
                source,
            })
    }
}

/// The login credentials available to this process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginAuth {
    /// An API key from the login (env or `auth.json`).
    pub api_key: Option<String>,
}

impl LoginAuth {
    /// Builds the login from the environment and `auth.json`.
    /// `allow_codex_api_key_env` is set by front ends that honour
    /// `CODEX_API_KEY` (the reference's `exec`).
    pub fn from_sources(
        env: &EnvMap,
        auth_json: Option<&AuthDotJson>,
        allow_codex_api_key_env: bool,
    ) -> Self {
        let from_env = allow_codex_api_key_env
            .then(|| env.get(CODEX_API_KEY_ENV_VAR))
            .flatten()
            .filter(|key| !key.trim().is_empty())
            .cloned();
        let from_file = auth_json
            .and_then(|auth| auth.openai_api_key.clone())
            .filter(|key| !key.trim().is_empty());
        Self {
            api_key: from_env.or(from_file),
        }
    }
}

/// The `Authorization: Bearer` token for `provider`, or `None` to send no
/// such header.
pub fn bearer_token(
    provider: &Provider,
    login: &LoginAuth,
    env: &EnvMap,
) -> Result<Option<String>, ClientError> {
    if let Some(var) = &provider.env_key {
        return match env.get(var).filter(|value| !value.trim().is_empty()) {
            Some(value) => Ok(Some(value.clone())),
            None => Err(ClientError::MissingEnvVar {
                var: var.clone(),
                instructions: provider.env_key_instructions.clone(),
            }),
        };
    }
    if let Some(token) = &provider.experimental_bearer_token {
        return Ok(Some(token.clone()));
    }
    Ok(login.api_key.clone())
}
