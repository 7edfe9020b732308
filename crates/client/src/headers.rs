//! Request headers of a sampling request, in the order the reference sends
//! them: provider headers, the `x-codex-*` and id headers, then `accept`,
//! `authorization`, `content-type`, `originator` and `user-agent`.
//!
//! Values are computed by the caller (ids, turn metadata JSON, originator);
//! this module only orders and checks them.

use crate::provider::Provider;

/// Beta features the reference announces on every request.
pub const DEFAULT_BETA_FEATURES: &str = "terminal_resize_reflow";

/// Per-turn header values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TurnContextHeaders {
    /// `originator`: `codex_exec`, `codex-tui`, `codex_cli_rs`, or an
    /// app-server client's name (`CODEX_INTERNAL_ORIGINATOR_OVERRIDE` wins).
    pub originator: String,
    /// `user-agent`.
    pub user_agent: String,
    /// `session-id`.
    pub session_id: String,
    /// `thread-id`.
    pub thread_id: String,
    /// `x-client-request-id` (the reference sends the thread id).
    pub client_request_id: String,
    /// `x-codex-window-id` (`<thread id>:<window>`).
    pub window_id: String,
    /// `x-codex-turn-metadata`: compact JSON built by the turn loop.
    pub turn_metadata: Option<String>,
    /// `x-codex-beta-features`, comma-separated.
    pub beta_features: Option<String>,
    /// For a spawned thread: `x-openai-subagent` (`collab_spawn`) and
    /// `x-codex-parent-thread-id`.
    pub subagent: Option<(String, String)>,
}

impl TurnContextHeaders {
    /// Headers for a thread's first window, as `exec` sends them.
    pub fn for_thread(
        originator: impl Into<String>,
        user_agent: impl Into<String>,
        thread_id: &str,
    ) -> Self {
        Self {
            originator: originator.into(),
            user_agent: user_agent.into(),
            session_id: thread_id.to_owned(),
            thread_id: thread_id.to_owned(),
            client_request_id: thread_id.to_owned(),
            window_id: format!("{thread_id}:0"),
            turn_metadata: None,
            beta_features: Some(DEFAULT_BETA_FEATURES.to_owned()),
            subagent: None,
        }
    }
}

/// What goes into our `user-agent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAgentInfo {
    /// The originator (also the UA's product suffix).
    pub originator: String,
    /// Operating system name (`Debian`, `Ubuntu`, `Linux`).
    pub os_name: String,
    /// Operating system version.
    pub os_version: String,
    /// CPU architecture (`x86_64`).
    pub arch: String,
    /// Terminal token (`TERM` program and version, or `unknown`).
    pub terminal: String,
    /// The last parenthesis: the product and its version.
    pub product: Product,
}

/// Who the last parenthesis of the `user-agent` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Product {
    /// The reference's own words, `(<originator>; 0.136.0)`: recodex invoked as `codex`
    /// presents itself exactly as 0.136.0 does (servers gate on it).
    Reference,
    /// `(recodex; <our version>)`: invoked as `recodex`, it says which program sent it.
    Recodex,
    /// An app-server client's `clientInfo` name and version, as the reference reports them.
    Client {
        /// `clientInfo.name`.
        name: String,
        /// `clientInfo.version`.
        version: String,
    },
}

/// The `user-agent`: `<originator>/<compatible CLI version> (<os> <os version>; <arch>)
/// <terminal> (<product>; <version>)`. The first token is the reference's, because servers
/// and the parity harness key on it; the last parenthesis is [`UserAgentInfo::product`].
pub fn user_agent(info: &UserAgentInfo) -> String {
    let (product, version) = match &info.product {
        Product::Reference => (
            info.originator.as_str(),
            crate::provider::COMPATIBLE_CLI_VERSION,
        ),
        Product::Recodex => ("recodex", env!("CARGO_PKG_VERSION")),
        Product::Client { name, version } => (name.as_str(), version.as_str()),
    };
    format!(
        "{}/{} ({} {}; {}) {} ({product}; {version})",
        info.originator,
        crate::provider::COMPATIBLE_CLI_VERSION,
        info.os_name,
        info.os_version,
        info.arch,
        info.terminal,
    )
}

/// Every header of a `POST /responses`, in sending order.
pub fn request_headers(
    provider: &Provider,
    bearer: Option<&str>,
    turn: &TurnContextHeaders,
) -> Vec<(String, String)> {
    let mut headers = provider.headers.clone();
    let mut push = |name: &str, value: &str| headers.push((name.to_owned(), value.to_owned()));
    if let Some(beta) = turn.beta_features.as_deref().filter(|v| !v.is_empty()) {
        push("x-codex-beta-features", beta);
    }
    if let Some(metadata) = &turn.turn_metadata {
        push("x-codex-turn-metadata", metadata);
    }
    if let Some((kind, parent)) = &turn.subagent {
        push("x-openai-subagent", kind);
        push("x-codex-parent-thread-id", parent);
    }
    push("x-codex-window-id", &turn.window_id);
    push("x-client-request-id", &turn.client_request_id);
    push("session-id", &turn.session_id);
    push("thread-id", &turn.thread_id);
    push("accept", "text/event-stream");
    if let Some(token) = bearer {
        push("authorization", &format!("Bearer {token}"));
    }
    push("content-type", "application/json");
    push("originator", &turn.originator);
    push("user-agent", &turn.user_agent);
    headers
}
