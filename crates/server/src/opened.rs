//! What `thread/start`, `thread/resume` and `thread/fork` answer: the thread and the settings
//! it runs with (`ThreadStartResponse`, `ThreadResumeResponse`, `ThreadForkResponse`, one
//! shape), and the engine's policies in their v2 spelling.

use recodex_app_protocol::generated::root::ReasoningEffort;
use recodex_app_protocol::generated::v2::{
    ActivePermissionProfile, ApprovalsReviewer, AskForApproval, NetworkAccess, SandboxPolicy,
    Thread, ThreadForkResponse, ThreadResumeResponse, ThreadStartResponse,
};
use recodex_app_protocol::jsonrpc::INTERNAL_ERROR;
use recodex_protocol::permissions::NetworkSandboxPolicy;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::dispatch::{Processor, RpcError};

/// The fields the three answers share, in their wire order.
pub(crate) struct Opened {
    pub(crate) thread: Thread,
    pub(crate) model: String,
    pub(crate) model_provider: String,
    pub(crate) service_tier: Option<String>,
    pub(crate) cwd: String,
    pub(crate) approval_policy: AskForApproval,
    pub(crate) approvals_reviewer: ApprovalsReviewer,
    pub(crate) sandbox: SandboxPolicy,
    pub(crate) active_permission_profile: Option<ActivePermissionProfile>,
    pub(crate) reasoning_effort: Option<ReasoningEffort>,
}

impl Opened {
    /// The thread with the settings this server's threads run with (`ServerContext::settings`)
    /// and the given model, provider and working directory.
    pub(crate) fn new(
        server: &Processor,
        model: &str,
        provider: &str,
        cwd: String,
        thread: Thread,
    ) -> Result<Self, RpcError> {
        let settings = &server.context.settings;
        Ok(Self {
            thread,
            model: model.to_owned(),
            model_provider: provider.to_owned(),
            service_tier: settings.service_tier.clone(),
            cwd,
            approval_policy: setting("approvalPolicy", &settings.approval_policy)?,
            approvals_reviewer: setting(
                "approvalsReviewer",
                &Value::String(settings.approvals_reviewer.clone()),
            )?,
            sandbox: setting("sandbox", &settings.sandbox)?,
            active_permission_profile: setting(
                "activePermissionProfile",
                &settings.active_permission_profile,
            )?,
            reasoning_effort: settings
                .reasoning_effort
                .as_ref()
                .map(|effort| setting("reasoningEffort", &Value::String(effort.clone())))
                .transpose()?,
        })
    }

    /// `thread/start`'s answer.
    pub(crate) fn start(self) -> ThreadStartResponse {
        let instruction_sources = instruction_sources(&self.cwd);
        ThreadStartResponse {
            thread: self.thread,
            model: self.model,
            model_provider: self.model_provider,
            service_tier: self.service_tier,
            runtime_workspace_roots: vec![self.cwd.clone()],
            instruction_sources,
            cwd: self.cwd,
            approval_policy: self.approval_policy,
            approvals_reviewer: self.approvals_reviewer,
            sandbox: self.sandbox,
            active_permission_profile: self.active_permission_profile,
            reasoning_effort: self.reasoning_effort,
        }
    }

    /// `thread/resume`'s answer (no first page of turns: they are in the thread).
    pub(crate) fn resume(self) -> ThreadResumeResponse {
        let start = self.start();
        ThreadResumeResponse {
            thread: start.thread,
            model: start.model,
            model_provider: start.model_provider,
            service_tier: start.service_tier,
            cwd: start.cwd,
            runtime_workspace_roots: start.runtime_workspace_roots,
            instruction_sources: start.instruction_sources,
            approval_policy: start.approval_policy,
            approvals_reviewer: start.approvals_reviewer,
            sandbox: start.sandbox,
            active_permission_profile: start.active_permission_profile,
            reasoning_effort: start.reasoning_effort,
            initial_turns_page: None,
        }
    }

    /// `thread/fork`'s answer.
    pub(crate) fn fork(self) -> ThreadForkResponse {
        let start = self.start();
        ThreadForkResponse {
            thread: start.thread,
            model: start.model,
            model_provider: start.model_provider,
            service_tier: start.service_tier,
            cwd: start.cwd,
            runtime_workspace_roots: start.runtime_workspace_roots,
            instruction_sources: start.instruction_sources,
            approval_policy: start.approval_policy,
            approvals_reviewer: start.approvals_reviewer,
            sandbox: start.sandbox,
            active_permission_profile: start.active_permission_profile,
            reasoning_effort: start.reasoning_effort,
        }
    }
}

/// One of the server's thread settings (kept in wire form in `ServerContext`) as its v2 type.
fn setting<T: DeserializeOwned>(name: &str, value: &Value) -> Result<T, RpcError> {
    T::deserialize(value).map_err(|e| RpcError {
        code: INTERNAL_ERROR,
        message: format!("invalid thread setting `{name}`: {e}"),
        data: None,
    })
}

/// The `AGENTS.md` files a session in `cwd` reads: from the git root (or `cwd`) down to
/// `cwd`.
fn instruction_sources(cwd: &str) -> Vec<String> {
    let cwd = std::path::Path::new(cwd);
    let root = cwd
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .unwrap_or(cwd);
    let mut dirs: Vec<&std::path::Path> = cwd
        .ancestors()
        .take_while(|dir| dir.starts_with(root))
        .collect();
    dirs.reverse();
    dirs.iter()
        .map(|dir| dir.join("AGENTS.md"))
        .filter(|file| file.is_file())
        .map(|file| file.display().to_string())
        .collect()
}

/// An approval policy as the v2 protocol spells it.
pub(crate) fn approval_policy_v2(policy: recodex_protocol::AskForApproval) -> AskForApproval {
    use recodex_protocol::AskForApproval as Engine;
    match policy {
        Engine::UnlessTrusted => AskForApproval::Untrusted,
        Engine::OnFailure => AskForApproval::OnFailure,
        Engine::OnRequest => AskForApproval::OnRequest,
        Engine::Granular(granular) => AskForApproval::Granular {
            sandbox_approval: granular.sandbox_approval,
            rules: granular.rules,
            skill_approval: granular.skill_approval,
            request_permissions: granular.request_permissions,
            mcp_elicitations: granular.mcp_elicitations,
        },
        Engine::Never => AskForApproval::Never,
    }
}

/// A sandbox policy as the v2 protocol spells it.
pub(crate) fn sandbox_policy_v2(
    policy: &recodex_protocol::permissions::SandboxPolicy,
) -> SandboxPolicy {
    use recodex_protocol::permissions::SandboxPolicy as Engine;
    match policy {
        Engine::DangerFullAccess => SandboxPolicy::DangerFullAccess,
        Engine::ReadOnly { network_access } => SandboxPolicy::ReadOnly {
            network_access: *network_access,
        },
        Engine::ExternalSandbox { network_access } => SandboxPolicy::ExternalSandbox {
            network_access: match network_access {
                NetworkSandboxPolicy::Restricted => NetworkAccess::Restricted,
                NetworkSandboxPolicy::Enabled => NetworkAccess::Enabled,
            },
        },
        Engine::WorkspaceWrite {
            writable_roots,
            network_access,
            exclude_tmpdir_env_var,
            exclude_slash_tmp,
        } => SandboxPolicy::WorkspaceWrite {
            writable_roots: writable_roots
                .iter()
                .map(|root| root.display().to_string())
                .collect(),
            network_access: *network_access,
            exclude_tmpdir_env_var: *exclude_tmpdir_env_var,
            exclude_slash_tmp: *exclude_slash_tmp,
        },
    }
}

/// A sandbox policy as the app-server's v2 protocol spells it, as JSON (the form
/// `ThreadSettings::sandbox` takes).
pub fn sandbox_v2(policy: &recodex_protocol::permissions::SandboxPolicy) -> Value {
    serde_json::to_value(sandbox_policy_v2(policy)).unwrap_or(Value::Null)
}

/// The reviewer a thread reports: the reference reports `auto_review` by its legacy name.
pub(crate) fn reported_reviewer(reviewer: ApprovalsReviewer) -> ApprovalsReviewer {
    match reviewer {
        ApprovalsReviewer::AutoReview => ApprovalsReviewer::GuardianSubagent,
        other => other,
    }
}
