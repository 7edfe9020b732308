//! `account/read` and the legacy `getAuthStatus`: the login the server started with, as
//! the reference reports it for API-key logins and providers that need none.

use recodex_app_protocol::generated::root::{AuthMode, GetAuthStatusResponse};
use recodex_app_protocol::generated::v2::{Account, GetAccountResponse};
use serde::Deserialize;

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
        (Some(_), true) => Some(Account::ApiKey),
        _ => None,
    };
    Ok(Reply::result(GetAccountResponse {
        account,
        requires_openai_auth: auth.requires_openai_auth,
    }))
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
        (Some(_), _) => Some(AuthMode::Apikey),
        (None, true) => Some(AuthMode::Chatgpt),
        (None, false) => None,
    };
    let token = key
        .filter(|_| params.include_token == Some(true))
        .map(str::to_owned);
    Ok(Reply::result(GetAuthStatusResponse {
        auth_method: method,
        auth_token: token,
        requires_openai_auth: Some(auth.requires_openai_auth),
    }))
}
