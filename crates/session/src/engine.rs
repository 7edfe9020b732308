//! [`Engine`]: the configuration made into sessions. Every front end (exec, the
//! app-server, the MCP server, the TUI) asks it for a session with a [`SessionRequest`]; it
//! resolves the model and its facts, the provider and its login, the sandbox and approval
//! policy (recording project trust as the reference does), the tools, and starts or resumes
//! the engine's [`Session`].

use std::cell::{OnceCell, RefCell};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use recodex_client::models::{bundled_catalog, resolve_model_info};
use recodex_client::{AuthDotJson, EnvMap, LoginAuth, ModelClient, Product, user_agent};
use recodex_config::{Config, ResolvedProfile};
use recodex_core::{Approvals, ModelTools, Session, SessionSettings};
use recodex_protocol::AskForApproval;

use crate::error::SessionError;
use crate::sandbox::{ResolvedSandbox, SandboxRequest, resolve_sandbox, trust_if_writable};
use crate::tools::{PlannedTools, tool_plan};

/// The model a session uses when neither the request nor the configuration names one.
pub const DEFAULT_MODEL: &str = "gpt-5.5";

/// How many days of session directories are checked for unindexed rollouts at start-up.
const RECONCILE_DAYS: u32 = 7;

/// Who recodex says it is on the wire (the last parenthesis of the `user-agent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// Invoked as `codex`: exactly the reference's words.
    Codex,
    /// Invoked as `recodex`: our own name and version.
    Recodex,
}

/// What the process hands the engine (it reads neither argv nor the environment itself).
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// The process environment (UTF-8 variables).
    pub env: EnvMap,
    /// This executable, re-run as the sandbox helper and the apply_patch step.
    pub sandbox_exe: Option<PathBuf>,
    /// The `.rules` policy in force ([`crate::load_rules`]; loaded by the caller, which
    /// reports a file that does not load in its own words).
    pub rules: Option<Arc<recodex_execpolicy::Policy>>,
    /// Who recodex says it is.
    pub identity: Identity,
}

/// One session a front end asks for.
#[derive(Debug, Clone)]
pub struct SessionRequest {
    /// The session directory.
    pub cwd: PathBuf,
    /// A model named by the user or client (else the configuration's, else the default).
    pub model: Option<String>,
    /// A provider named by the user (`--oss`), else the configured one.
    pub provider_id: Option<String>,
    /// `originator` header and `session_meta.originator`.
    pub originator: String,
    /// The user-agent's product; `None`: the engine's [`Identity`].
    pub product: Option<Product>,
    /// `session_meta.source` (`exec`, `vscode`, `mcp`, ...).
    pub source: &'static str,
    /// Who started the thread (`user` for exec and the TUI; a server's client may name one).
    pub thread_source: Option<recodex_protocol::ThreadSource>,
    /// How the sandbox is chosen.
    pub sandbox: SandboxRequest,
    /// The approval policy, or `None` for `on-request` unless the project's trust implies
    /// `untrusted`.
    pub approval_policy: Option<AskForApproval>,
    /// Where the session asks its front end for approvals (none: it never asks).
    pub approvals: Option<Approvals>,
    /// Keep nothing on disk.
    pub ephemeral: bool,
    /// `--output-schema`: the final answer's JSON schema.
    pub output_schema: Option<serde_json::Value>,
    /// The rollout to continue, for a resumed thread.
    pub resume: Option<PathBuf>,
    /// The service tier asked for.
    pub service_tier: ServiceTierRequest,
}

/// Which service tier a session asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ServiceTierRequest {
    /// The configured `service_tier`, if any.
    #[default]
    Configured,
    /// The default tier, whatever is configured (a client's explicit `null`).
    Default,
    /// This tier (`fast`, `priority`, `flex`, ...), when the model offers it.
    Named(String),
}

/// The configuration, the rules and the state, ready to make sessions.
#[derive(Debug)]
pub struct Engine {
    config: Config,
    options: EngineOptions,
    exec_policy: Option<Arc<recodex_execpolicy::Policy>>,
    sqlite_dir: PathBuf,
    installation_id: OnceCell<String>,
    /// Project roots this engine trusted (the configuration it loaded predates them).
    trusted_now: RefCell<Vec<PathBuf>>,
    warnings: RefCell<Vec<String>>,
}

impl Engine {
    /// Opens (creating) the four state databases, indexing sessions the index lacks, as the
    /// reference does at start-up. Database problems are warnings
    /// ([`Engine::take_warnings`]): they only lose indexing.
    pub fn new(config: Config, options: EngineOptions) -> Result<Self, SessionError> {
        let exec_policy = options.rules.clone();
        let sqlite_dir = recodex_state::sqlite_home(
            &config.codex_home,
            options.env.get("CODEX_SQLITE_HOME").map(String::as_str),
        );
        let engine = Self {
            config,
            options,
            exec_policy,
            sqlite_dir,
            installation_id: OnceCell::new(),
            trusted_now: RefCell::default(),
            warnings: RefCell::default(),
        };
        engine.open_databases();
        Ok(engine)
    }

    fn open_databases(&self) {
        let warn = |message: String| self.warnings.borrow_mut().push(message);
        for kind in recodex_state::DbKind::ALL {
            if let Err(err) = recodex_state::open_db(&self.sqlite_dir, kind) {
                warn(err.to_string());
            }
        }
        // Sessions on disk that the index lacks are indexed once, as the reference does.
        if let Err(err) = recodex_state::backfill_threads(&self.config.codex_home, &self.sqlite_dir)
        {
            warn(err.to_string());
        }
    }

    /// Indexes the recent sessions whose process died before indexing them, for a front
    /// end that lists threads (the servers, the TUI's picker); the reference leaves them
    /// out of listings (DEVIATIONS.md). `exec` does not list, so it skips this.
    pub fn reconcile_index(&self) {
        if let Err(err) = recodex_state::reconcile_recent(
            &self.config.codex_home,
            &self.sqlite_dir,
            RECONCILE_DAYS,
        ) {
            self.warnings.borrow_mut().push(err.to_string());
        }
    }

    /// The configuration the engine was made with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Where the state databases are.
    pub fn sqlite_dir(&self) -> &Path {
        &self.sqlite_dir
    }

    /// The process environment the engine was given.
    pub fn env(&self) -> &EnvMap {
        &self.options.env
    }

    /// Who recodex says it is.
    pub fn identity(&self) -> Identity {
        self.options.identity
    }

    /// The `.rules` policy in force.
    pub fn exec_policy(&self) -> Option<Arc<recodex_execpolicy::Policy>> {
        self.exec_policy.clone()
    }

    /// Warnings gathered since the last call (for the front end to show).
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *self.warnings.borrow_mut())
    }

    /// `$CODEX_HOME/installation_id`, read or created on first use.
    pub fn installation_id(&self) -> Result<String, SessionError> {
        if let Some(id) = self.installation_id.get() {
            return Ok(id.clone());
        }
        let id = recodex_state::installation_id(&self.config.codex_home)
            .map_err(SessionError::InstallationId)?;
        Ok(self.installation_id.get_or_init(|| id).clone())
    }

    /// The model slug: the one named, else the configuration's, else [`DEFAULT_MODEL`].
    pub fn model_slug(&self, named: Option<&str>) -> String {
        named
            .map(str::to_owned)
            .or_else(|| self.config.toml.model.clone())
            .unwrap_or_else(|| DEFAULT_MODEL.to_owned())
    }

    /// The sandbox `request` gets in `cwd` (nothing recorded).
    pub fn sandbox(
        &self,
        request: &SandboxRequest,
        cwd: &Path,
    ) -> Result<ResolvedSandbox, SessionError> {
        let home = self.options.env.get("HOME").map(PathBuf::from);
        // A project this engine trusted a moment ago is trusted, whatever the
        // configuration it loaded says.
        let trusted_now = self
            .trusted_now
            .borrow()
            .contains(&self.config.project_root(cwd));
        let resolved = resolve_sandbox(request, &self.config, cwd, home.as_deref(), trusted_now)?;
        self.warnings
            .borrow_mut()
            .extend(resolved.profile.warnings.iter().cloned());
        Ok(resolved)
    }

    /// The settings and model client of `request`, without starting anything or recording
    /// trust (`debug prompt-input` shows what a session would send).
    pub fn settings(
        &self,
        request: &SessionRequest,
    ) -> Result<(SessionSettings, ModelClient), SessionError> {
        let sandbox = self.sandbox(&request.sandbox, &request.cwd)?;
        self.settings_with(request, sandbox)
    }

    fn settings_with(
        &self,
        request: &SessionRequest,
        sandbox: ResolvedSandbox,
    ) -> Result<(SessionSettings, ModelClient), SessionError> {
        let env = &self.options.env;
        let config = &self.config;
        let toml = &config.toml;
        let provider_id = request
            .provider_id
            .clone()
            .unwrap_or_else(|| config.model_provider_id.clone());
        let provider = recodex_client::resolve_provider(
            &provider_id,
            &toml.model_providers,
            toml.openai_base_url.clone(),
            env,
        )
        .ok_or_else(|| SessionError::UnknownProvider(provider_id.clone()))?;
        let auth = AuthDotJson::load(&config.codex_home).ok().flatten();
        let login = LoginAuth::from_sources(env, auth.as_ref(), true);
        let client = ModelClient::new(provider.clone(), &login, env)?;
        let model = resolve_model_info(
            &self.model_slug(request.model.as_deref()),
            bundled_catalog(),
        );
        let ResolvedProfile {
            policy: sandbox_policy,
            denied: denied_paths,
            glob_scan_max_depth,
            recorded,
            workspace_roots,
            ..
        } = sandbox.profile;
        let PlannedTools {
            tools,
            parallel_tool_calls,
            deferred,
            multi_agent,
        } = tool_plan(&model, config, &sandbox_policy, request.ephemeral);
        let approval_policy = request
            .approval_policy
            .or(sandbox.approval)
            .unwrap_or(AskForApproval::OnRequest);
        let product = request
            .product
            .clone()
            .unwrap_or(match self.options.identity {
                Identity::Codex => Product::Reference,
                Identity::Recodex => Product::Recodex,
            });
        let service_tier = match &request.service_tier {
            ServiceTierRequest::Configured => toml.service_tier.clone(),
            ServiceTierRequest::Default => {
                Some(recodex_protocol::ServiceTier::DEFAULT_REQUEST_VALUE.to_owned())
            }
            ServiceTierRequest::Named(tier) => Some(tier.clone()),
        }
        .and_then(|tier| model.resolve_service_tier(&tier));
        let settings = SessionSettings {
            exec_policy: self.exec_policy.clone(),
            codex_home: config.codex_home.clone(),
            cwd: request.cwd.clone(),
            provider_id,
            provider,
            approval_policy,
            sandbox_policy,
            denied_paths,
            glob_scan_max_depth,
            recorded_profile: recorded.map(|profile| (profile, workspace_roots)),
            active_profile: sandbox.active_profile,
            user_agent: user_agent(&crate::host::user_agent_info(
                &request.originator,
                product,
                env,
            )),
            originator: request.originator.clone(),
            thread_source: request.thread_source,
            source: request.source.to_owned(),
            env: env.clone(),
            ephemeral: request.ephemeral,
            timezone: crate::host::timezone(env.get("TZ").map(String::as_str)),
            model,
            tools,
            parallel_tool_calls,
            reasoning_effort: toml.model_reasoning_effort,
            reasoning_summary: toml.model_reasoning_summary,
            service_tier,
            output_schema: request.output_schema.clone(),
            state_dir: (!request.ephemeral).then(|| self.sqlite_dir.clone()),
            sandbox_exe: self.options.sandbox_exe.clone(),
            env_policy: recodex_process::EnvPolicy::from_toml(&toml.shell_environment_policy),
            allow_login_shell: toml.allow_login_shell.unwrap_or(true),
            shell_snapshot: config.features.enabled("shell_snapshot"),
            deferred_tools: deferred,
            multi_agent,
            subagent: None,
            approvals: request.approvals.clone(),
        };
        Ok((settings, client))
    }

    /// Starts (or, with `request.resume`, resumes) the session of `request`. A writable
    /// sandbox in a project without a trust entry records the project as trusted first, as
    /// the reference does.
    pub fn open(&self, request: &SessionRequest) -> Result<Session, SessionError> {
        let sandbox = self.sandbox(&request.sandbox, &request.cwd)?;
        match trust_if_writable(&self.config, &sandbox.profile.policy, &request.cwd) {
            Ok(Some(root)) => self.trusted_now.borrow_mut().push(root),
            Ok(None) => {}
            Err(err) => self
                .warnings
                .borrow_mut()
                .push(format!("could not record project trust: {err}")),
        }
        let (settings, client) = self.settings_with(request, sandbox)?;
        let installation_id = self.installation_id()?;
        let session = match &request.resume {
            None => Session::start(settings, client, installation_id)?,
            Some(rollout) => Session::resume(settings, client, installation_id, rollout)?,
        };
        Ok(session)
    }

    /// Model `slug`'s facts and the tools `session` would offer it (for a client that
    /// switches models between turns).
    pub fn model_tools(&self, session: &Session, slug: &str) -> ModelTools {
        let settings = session.settings();
        let model = resolve_model_info(slug, bundled_catalog());
        let plan = tool_plan(
            &model,
            &self.config,
            &settings.sandbox_policy,
            settings.ephemeral,
        );
        ModelTools {
            model,
            tools: plan.tools,
            parallel_tool_calls: plan.parallel_tool_calls,
            deferred_tools: plan.deferred,
        }
    }
}
