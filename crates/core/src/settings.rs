//! Everything a session needs, resolved by the front end.

use std::path::PathBuf;

use recodex_client::models::ModelInfo;
use recodex_client::{EnvMap, Provider};
use recodex_protocol::permissions::SandboxPolicy;

/// The resolved settings of one session.
#[derive(Debug, Clone)]
pub struct SessionSettings {
    /// CODEX_HOME.
    pub codex_home: PathBuf,
    /// Working directory of the session.
    pub cwd: PathBuf,
    /// Model facts from the catalog (or the fallback for unknown slugs).
    pub model: ModelInfo,
    /// Provider id as configured (`openai`, `mock`, ...).
    pub provider_id: String,
    /// The provider to talk to.
    pub provider: Provider,
    /// When the user is asked before a command runs.
    pub approval_policy: recodex_protocol::AskForApproval,
    /// The sandbox policy of the session.
    pub sandbox_policy: SandboxPolicy,
    /// Paths nothing may read or write inside the sandbox (a permission profile's `deny`
    /// rules), on top of `sandbox_policy`.
    pub denied_paths: Vec<PathBuf>,

    /// `glob_scan_max_depth` of the permission profile.
    pub glob_scan_max_depth: Option<usize>,
    /// A named permission profile as the reference records it (its own rules), and its
    /// workspace roots; `None` for a plain sandbox mode.
    pub recorded_profile: Option<(
        recodex_protocol::permissions::PermissionProfile,
        Vec<PathBuf>,
    )>,
    /// The name of the active permission profile when the sandbox came from one (`:read-only`
    /// or `:workspace` chosen by project trust, a `[permissions]` profile); `None` when a
    /// sandbox mode was given (by the client, a flag or `sandbox_mode`). The app-server
    /// reports it as `activePermissionProfile`.
    pub active_profile: Option<String>,
    /// `originator` header and session-meta value (`codex_exec`, `codex-tui`, ...).
    pub originator: String,
    /// Who started the thread (`thread_source`); `None` leaves it out, as the reference's
    /// app-server does when its client names none. A sub-agent is always `subagent`.
    pub thread_source: Option<recodex_protocol::ThreadSource>,
    /// Session source (`exec`, `cli`, `vscode`, `mcp`).
    pub source: String,
    /// `user-agent` header value.
    pub user_agent: String,
    /// Environment handed to the client (API keys, proxies).
    pub env: EnvMap,
    /// Do not write a rollout.
    pub ephemeral: bool,
    /// IANA time zone name for the environment context.
    pub timezone: String,
    /// The request's `tools` array (built by the tools layer).
    pub tools: Vec<serde_json::Value>,
    /// Request-level `parallel_tool_calls`.
    pub parallel_tool_calls: bool,
    /// The recodex executable, used to start sandboxed commands (`None`: sandboxed
    /// commands are refused; danger-full-access runs without it).
    pub sandbox_exe: Option<PathBuf>,
    /// `[shell_environment_policy]`.
    pub env_policy: recodex_process::EnvPolicy,
    /// `allow_login_shell`.
    pub allow_login_shell: bool,
    /// Feature `shell_snapshot`: login-shell commands reuse one snapshot of the login
    /// shell's environment.
    pub shell_snapshot: bool,
    /// Where the state databases live (`CODEX_SQLITE_HOME` or CODEX_HOME); `None` keeps
    /// the thread out of the index.
    pub state_dir: Option<PathBuf>,
    /// `--output-schema`: the JSON schema the final answer must follow.
    pub output_schema: Option<serde_json::Value>,
    /// `model_reasoning_effort` when configured (else the model's default applies).
    pub reasoning_effort: Option<recodex_protocol::ReasoningEffort>,
    /// `model_reasoning_summary` (else the model's default).
    pub reasoning_summary: Option<recodex_protocol::ReasoningSummary>,
    /// The service tier the model runs on (a catalog tier id, sent as `service_tier`; or
    /// `default`, sent as nothing); `None`: none chosen.
    pub service_tier: Option<String>,
    /// The user's exec policy (`$CODEX_HOME/rules/*.rules`), when there are rules.
    pub exec_policy: Option<std::sync::Arc<recodex_execpolicy::Policy>>,
    /// The tools reachable only through `tool_search` (JSON specs).
    pub deferred_tools: Vec<serde_json::Value>,
    /// The multi-agent tools are offered (`None`: they are not).
    pub multi_agent: Option<MultiAgentSettings>,
    /// Set for a thread another thread spawned.
    pub subagent: Option<SubagentOrigin>,
    /// Where the session asks the user for approvals (none: nothing is asked, and what
    /// would need approval is refused).
    pub approvals: Option<crate::approval::Approvals>,
}

/// What the multi-agent tools need to start sub-agents.
#[derive(Debug, Clone)]
pub struct MultiAgentSettings {
    /// The `tools` array of an agent that may not spawn agents itself.
    pub leaf_tools: Vec<serde_json::Value>,
    /// Spawning depth: agents this many levels down cannot spawn (`agents.max_depth`).
    pub max_depth: u32,
    /// Most agents open at once (`agents.max_threads`).
    pub max_threads: usize,
}

/// Where a spawned thread comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubagentOrigin {
    /// The thread that spawned it.
    pub parent_thread_id: String,
    /// The thread the conversation started in (its `session-id`).
    pub session_id: String,
    /// 1 for a child of the user's thread.
    pub depth: u32,
    /// Its nickname.
    pub nickname: String,
    /// Its role (`agent_type`), when given.
    pub role: Option<String>,
}

impl SubagentOrigin {
    /// The thread's `source`, as the rollout and the index record it.
    pub fn source_json(&self) -> serde_json::Value {
        serde_json::json!({"subagent": {"thread_spawn": {
            "parent_thread_id": self.parent_thread_id,
            "depth": self.depth,
            "agent_path": null,
            "agent_nickname": self.nickname,
            "agent_role": self.role,
        }}})
    }
}

impl SessionSettings {
    /// The permission profile commands run under (as recorded): a named profile's own
    /// rules, or the sandbox policy's.
    pub fn permission_profile(&self) -> recodex_protocol::permissions::PermissionProfile {
        match &self.recorded_profile {
            Some((profile, _)) => profile.clone(),
            None => recodex_protocol::permissions::PermissionProfile::for_sandbox_policy(
                &self.sandbox_policy,
                &self.cwd,
            ),
        }
    }
}

impl SessionSettings {
    /// The workspace roots: the session directory, then a profile's extra roots or the
    /// sandbox policy's writable roots.
    pub fn workspace_roots(&self) -> Vec<PathBuf> {
        match &self.recorded_profile {
            Some((_, roots)) => roots.clone(),
            None => self.sandbox_policy.writable_roots(&self.cwd),
        }
    }
}

impl SessionSettings {
    /// Refuses settings whose recorded paths are not UTF-8: they go into the rollout, the
    /// index and every front end's JSON, none of which can hold them (the reference refuses
    /// them too, with an error rather than a crash).
    pub(crate) fn check_paths(&self) -> Result<(), crate::CoreError> {
        let roots = match &self.sandbox_policy {
            SandboxPolicy::WorkspaceWrite { writable_roots, .. } => writable_roots.as_slice(),
            _ => &[],
        };
        let profile_roots = self
            .recorded_profile
            .as_ref()
            .map_or(&[][..], |(_, roots)| roots.as_slice());
        let paths = [&self.cwd, &self.codex_home]
            .into_iter()
            .chain(roots)
            .chain(profile_roots)
            .chain(&self.denied_paths);
        for path in paths {
            if path.to_str().is_none() {
                return Err(crate::CoreError::NonUtf8Path(path.clone()));
            }
        }
        Ok(())
    }
}
