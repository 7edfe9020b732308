//! `account/read` and the legacy `getAuthStatus`: the login the server started with, as
//! the reference reports it for API-key logins and providers that need none.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::dispatch::{Processor, Reply, RpcError};

/// `account/read` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetAccountParams {
    /// Refresh a ChatGPT token first (no ChatGPT login here: nothing to refresh).
    #[serde(default, rename = "refreshToken")]
    _refresh_token: bool,
}

/// `getAuthStatus` params.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetAuthStatusParams {
    include_token: Option<bool>,
    #[serde(rename = "refreshToken")]
    _refresh_token: Option<bool>,
}

/// `account/read`: `{"type":"apiKey"}` for an API-key login, when the provider needs an
/// OpenAI login at all; otherwise no account.
pub(crate) fn read(server: &mut Processor, _params: GetAccountParams) -> Result<Reply, RpcError> {
    let auth = &server.context.auth;
    let account = match (&auth.api_key, auth.requires_openai_auth) {
        (Some(_), true) => json!({"type": "apiKey"}),
        _ => Value::Null,
    };
    Ok(Reply::result(json!({
        "account": account,
        "requiresOpenaiAuth": auth.requires_openai_auth,
    })))
}

/// `getAuthStatus`: the login method, and the API key itself when asked for.
pub(crate) fn auth_status(
    server: &mut Processor,
    params: GetAuthStatusParams,
) -> Result<Reply, RpcError> {
    let auth = &server.context.auth;
    let key = auth
        .api_key
        .as_deref()
        .filter(|key| !key.is_empty() && auth.requires_openai_auth);
    let method = match (key, auth.chatgpt && auth.requires_openai_auth) {
        (Some(_), _) => json!("apikey"),
        (None, true) => json!("chatgpt"),
        (None, false) => Value::Null,
    };
    let token = key
        .filter(|_| params.include_token == Some(true))
        .map_or(Value::Null, |key| json!(key));
    Ok(Reply::result(json!({
        "authMethod": method,
        "authToken": token,
        "requiresOpenaiAuth": auth.requires_openai_auth,
    })))
}
