//! What every front end that runs turns needs from the configuration: the model client,
//! the state databases (opened, and the index backfilled), the tools offered to the model,
//! and the session settings. The front end decides the rest (model, provider, sandbox,
//! approval policy, source) and passes it in.

use std::path::PathBuf;
use std::sync::Arc;

use recodex_client::models::ModelInfo;
use recodex_client::{AuthDotJson, EnvMap, LoginAuth, ModelClient, Provider, user_agent};
use recodex_config::{Config, ResolvedProfile};
use recodex_core::SessionSettings;
use recodex_protocol::permissions::SandboxPolicy;

use super::Context;
use crate::exit::Failure;

/// The front end's choices for one session.
pub(super) struct SessionChoice {
    /// Session directory.
    pub(super) cwd: PathBuf,
    /// The model's facts.
    pub(super) model: ModelInfo,
    /// Provider id and its resolved settings.
    pub(super) provider_id: String,
    pub(super) provider: Provider,
    /// `originator` header and `session_meta.originator`.
    pub(super) originator: String,
    /// `session_meta.source` (`exec`, `vscode`, ...).
    pub(super) source: &'static str,
    /// When the user is asked before a command runs.
    pub(super) approval_policy: recodex_protocol::AskForApproval,
    /// The sandbox, as resolved from flags or configuration.
    pub(super) profile: ResolvedProfile,
    /// The active permission profile's name, when the sandbox came from one.
    pub(super) active_profile: Option<String>,
    /// `.rules` in force.
    pub(super) exec_policy: Option<Arc<recodex_execpolicy::Policy>>,
    /// Keep nothing on disk.
    pub(super) ephemeral: bool,
    /// `--output-schema`.
    pub(super) output_schema: Option<serde_json::Value>,
}

/// A session ready to start or resume.
pub(super) struct Prepared {
    pub(super) settings: SessionSettings,
    pub(super) client: ModelClient,
    pub(super) installation_id: String,
}

/// Where sessions are indexed, ready once per process (by [`prepare_state`]).
pub(super) struct StateHome {
    /// The databases' directory.
    pub(super) sqlite_dir: PathBuf,
    /// `~/.codex/installation_id`.
    pub(super) installation_id: String,
}

/// Builds the client and settings of a session recorded into `state`; a client that
/// cannot be built is an error.
pub(super) fn prepare(
    config: &Config,
    ctx: &Context,
    state: &StateHome,
    choice: SessionChoice,
) -> Result<Prepared, Failure> {
    let env: EnvMap = ctx.env.utf8_vars();
    let auth = AuthDotJson::load(&config.codex_home).ok().flatten();
    let login = LoginAuth::from_sources(&env, auth.as_ref(), true);
    let client = ModelClient::new(choice.provider.clone(), &login, &env)
        .map_err(|e| Failure::Other(e.into()))?;
    let ResolvedProfile {
        policy: sandbox_policy,
        denied: denied_paths,
        glob_scan_max_depth,
        recorded,
        workspace_roots,
        ..
    } = choice.profile;
    let PlannedTools {
        tools,
        parallel_tool_calls,
        deferred,
        multi_agent,
    } = tool_plan(&choice.model, config, &sandbox_policy, choice.ephemeral);
    let settings = SessionSettings {
        exec_policy: choice.exec_policy,
        codex_home: config.codex_home.clone(),
        cwd: choice.cwd,
        provider_id: choice.provider_id,
        provider: choice.provider,
        approval_policy: choice.approval_policy,
        sandbox_policy,
        denied_paths,
        glob_scan_max_depth,
        recorded_profile: recorded.map(|profile| (profile, workspace_roots)),
        active_profile: choice.active_profile,
        user_agent: user_agent(&super::exec::user_agent_info(&choice.originator, &env)),
        originator: choice.originator,
        source: choice.source.to_owned(),
        env,
        ephemeral: choice.ephemeral,
        timezone: super::exec::timezone(ctx.env.get("TZ")),
        model: choice.model,
        tools,
        parallel_tool_calls,
        reasoning_effort: config.toml.model_reasoning_effort,
        output_schema: choice.output_schema,
        state_dir: (!choice.ephemeral).then(|| state.sqlite_dir.clone()),
        sandbox_exe: std::env::current_exe().ok(),
        env_policy: recodex_process::EnvPolicy::from_toml(&config.toml.shell_environment_policy),
        allow_login_shell: config.toml.allow_login_shell.unwrap_or(true),
        shell_snapshot: config.features.enabled("shell_snapshot"),
        deferred_tools: deferred,
        multi_agent,
        subagent: None,
        approvals: None,
    };
    Ok(Prepared {
        settings,
        client,
        installation_id: state.installation_id.clone(),
    })
}

/// How many days of session directories are checked for unindexed rollouts at start-up.
const RECONCILE_DAYS: u32 = 7;

/// Opens (creating) the four databases and indexes sessions the index lacks, as the
/// reference does at start-up, and reads (creating) the installation id. Database
/// failures are printed as warnings: they only lose indexing.
pub(super) fn prepare_state(config: &Config, ctx: &Context) -> Result<StateHome, Failure> {
    let sqlite_dir = open_databases(config, ctx);
    with_installation_id(config, sqlite_dir)
}

/// The databases half of [`prepare_state`]: where they live, opened and backfilled.
pub(super) fn open_databases(config: &Config, ctx: &Context) -> PathBuf {
    let sqlite_dir =
        recodex_state::sqlite_home(&config.codex_home, ctx.env.get("CODEX_SQLITE_HOME"));
    for kind in recodex_state::DbKind::ALL {
        // The reference keeps these databases beside the sessions; a failure here only
        // loses indexing, never the turn.
        if let Err(err) = recodex_state::open_db(&sqlite_dir, kind) {
            eprintln!("warning: {err}");
        }
    }
    // Sessions on disk that the index lacks are indexed once, as the reference does.
    if let Err(err) = recodex_state::backfill_threads(&config.codex_home, &sqlite_dir) {
        eprintln!("warning: {err}");
    }
    // Recent sessions whose process died before indexing them (not the reference's
    // behaviour: it leaves them out of listings; see DEVIATIONS.md).
    if let Err(err) =
        recodex_state::reconcile_recent(&config.codex_home, &sqlite_dir, RECONCILE_DAYS)
    {
        eprintln!("warning: {err}");
    }
    sqlite_dir
}

/// The installation id half of [`prepare_state`] (read, or created).
pub(super) fn with_installation_id(
    config: &Config,
    sqlite_dir: PathBuf,
) -> Result<StateHome, Failure> {
    let installation_id =
        recodex_state::installation_id(&config.codex_home).map_err(|e| Failure::Other(e.into()))?;
    Ok(StateHome {
        sqlite_dir,
        installation_id,
    })
}

/// The tools offered to the model and whether it may call several at once.
pub(super) fn tool_plan(
    model: &ModelInfo,
    config: &Config,
    policy: &SandboxPolicy,
    ephemeral: bool,
) -> PlannedTools {
    let facts = recodex_tools::ModelToolFacts {
        shell_type: model.shell_type,
        apply_patch_tool_type: model.apply_patch_tool_type,
        web_search_tool_type: model.web_search_tool_type,
        supports_parallel_tool_calls: model.supports_parallel_tool_calls,
        supports_search_tool: model.supports_search_tool,
        supports_image_detail_original: model.supports_image_detail_original,
    };
    let toml = &config.toml;
    let settings = recodex_tools::ToolSettings {
        web_search_mode: toml.web_search,
        web_search_config: toml.tools.as_ref().and_then(|t| t.web_search.clone()),
        danger_full_access: matches!(policy, SandboxPolicy::DangerFullAccess),
        allow_login_shell: toml.allow_login_shell.unwrap_or(true),
        request_user_input: toml
            .tools
            .as_ref()
            .and_then(|t| t.experimental_request_user_input.as_ref())
            .and_then(|r| r.enabled)
            .unwrap_or(true),
    };
    // Goals live in the state database, which an ephemeral session does not use.
    let mut features = config.features.clone();
    if ephemeral {
        features.apply("goals", false);
    }
    let tools_config = recodex_tools::ToolsConfig::new(&facts, &features, &settings);
    let plan = recodex_tools::build_tool_plan(&tools_config);
    let tools = plan.to_json().as_array().cloned().unwrap_or_default();
    // Sub-agents at the deepest level get the same tools without the multi-agent ones.
    let multi_agent = tools_config.multi_agent_v1.then(|| {
        let mut leaf = features.clone();
        leaf.apply("multi_agent", false);
        leaf.apply("enable_fanout", false);
        let leaf_plan = recodex_tools::build_tool_plan(&recodex_tools::ToolsConfig::new(
            &facts, &leaf, &settings,
        ));
        let agents = toml.agents.as_ref();
        recodex_core::MultiAgentSettings {
            leaf_tools: leaf_plan.to_json().as_array().cloned().unwrap_or_default(),
            max_depth: agents
                .and_then(|a| a.max_depth)
                .and_then(|d| u32::try_from(d).ok())
                .unwrap_or(DEFAULT_AGENT_MAX_DEPTH),
            max_threads: agents
                .and_then(|a| a.max_threads)
                .unwrap_or(DEFAULT_AGENT_MAX_THREADS),
        }
    });
    PlannedTools {
        tools,
        parallel_tool_calls: plan.parallel_tool_calls,
        deferred: plan.deferred_json(),
        multi_agent,
    }
}

/// The tools of a session, as [`tool_plan`] resolves them.
pub(super) struct PlannedTools {
    pub(super) tools: Vec<serde_json::Value>,
    pub(super) parallel_tool_calls: bool,
    pub(super) deferred: Vec<serde_json::Value>,
    pub(super) multi_agent: Option<recodex_core::MultiAgentSettings>,
}

/// `agents.max_depth` and `agents.max_threads` when not configured.
const DEFAULT_AGENT_MAX_DEPTH: u32 = 1;
const DEFAULT_AGENT_MAX_THREADS: usize = 6;
