//! The seam between the JSON-RPC servers and session building: a server asks for sessions
//! with an [`OpenRequest`] (what its client can choose), and the [`Engine`] answers as the
//! reference's app-server does. Tests give servers their own factory.

use std::path::PathBuf;

use recodex_client::Product;
use recodex_core::{Approvals, ModelTools, Session};
use recodex_protocol::{AskForApproval, SandboxMode};

use crate::engine::{Engine, SessionRequest};
use crate::error::SessionError;
use crate::sandbox::SandboxRequest;

/// Where a server gets its sessions.
pub trait SessionFactory {
    /// A new thread, or the thread recorded in `request.resume`.
    fn open(&self, request: &OpenRequest) -> Result<Session, SessionError>;

    /// Model `slug`'s facts and the tools `session` would offer it (for a client that
    /// switches models between turns).
    fn model_tools(&self, session: &Session, slug: &str) -> ModelTools;
}

/// What a server's client chose for a session.
#[derive(Debug, Clone)]
pub struct OpenRequest {
    /// Session directory.
    pub cwd: PathBuf,
    /// Model slug chosen by the client, if any.
    pub model: Option<String>,
    /// The client's name (`originator`).
    pub originator: String,
    /// The client's name and version for the `user-agent` (the app-server's
    /// `clientInfo`); `None`: recodex's own identity.
    pub client: Option<(String, String)>,
    /// Keep nothing on disk.
    pub ephemeral: bool,
    /// The rollout to continue.
    pub resume: Option<PathBuf>,
    /// `session_meta.source`: `vscode` for the app-server, `mcp` for the MCP server.
    pub source: &'static str,
    /// The `threadSource` the client named, if any.
    pub thread_source: Option<recodex_protocol::ThreadSource>,
    /// A sandbox mode chosen by the client instead of the configured one.
    pub sandbox: Option<SandboxMode>,
    /// Where the session asks the client for approvals (none: it never asks).
    pub approvals: Option<Approvals>,
    /// The approval policy the client chose.
    pub approval_policy: Option<AskForApproval>,
    /// The service tier the client chose.
    pub service_tier: crate::ServiceTierRequest,
}

impl SessionFactory for Engine {
    /// The reference's app-server choices: the client's sandbox mode, else the configured
    /// one, else by project trust; the client's approval policy, else `on-request`
    /// (`untrusted` in a project the user marked so) when the client can be asked, and
    /// `never` when it cannot.
    fn open(&self, request: &OpenRequest) -> Result<Session, SessionError> {
        let sandbox = match request.sandbox {
            Some(mode) => SandboxRequest::Mode {
                mode,
                add_dirs: Vec::new(),
            },
            None => SandboxRequest::ByProjectTrust,
        };
        let approval_policy = match (request.approval_policy, &request.approvals) {
            (Some(policy), Some(_)) => Some(policy),
            (_, Some(_)) => None,
            (_, None) => Some(AskForApproval::Never),
        };
        self.open(&SessionRequest {
            cwd: request.cwd.clone(),
            model: request.model.clone(),
            provider_id: None,
            originator: request.originator.clone(),
            product: request
                .client
                .clone()
                .map(|(name, version)| Product::Client { name, version }),
            source: request.source,
            thread_source: request.thread_source,
            sandbox,
            approval_policy,
            approvals: request.approvals.clone(),
            ephemeral: request.ephemeral,
            output_schema: None,
            resume: request.resume.clone(),
            service_tier: request.service_tier.clone(),
        })
    }

    fn model_tools(&self, session: &Session, slug: &str) -> ModelTools {
        Engine::model_tools(self, session, slug)
    }
}
