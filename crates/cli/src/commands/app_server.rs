//! `codex app-server` and `codex mcp-server`: the JSON-RPC servers over stdin/stdout,
//! with sessions built from the configuration. The app-server's other listeners (unix
//! socket, websocket) and its tooling subcommands are not built yet.

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use recodex_client::models::{bundled_catalog, resolve_model_info};
use recodex_config::{Config, ResolvedProfile};
use recodex_core::Session;
use recodex_protocol::AskForApproval;
use recodex_protocol::SandboxMode;
use recodex_protocol::permissions::SandboxPolicy;
use recodex_server::{OpenRequest, ServerContext, SessionFactory, ThreadSettings};
use serde_json::json;

use super::Context;
use super::policy::{Selected, configured_selection, profile_policy, sandbox_policy};
use super::session_setup::{SessionChoice, StateHome, prepare, prepare_state};
use crate::args::{AppServerArgs, ListenAddress};
use crate::exit::Failure;

/// Serves one client on stdin/stdout until stdin closes.
pub(super) fn run(args: &AppServerArgs, config: &Config, ctx: &Context) -> Result<(), Failure> {
    if args.command.is_some() {
        return Err(Failure::NotBuilt(
            "codex app-server (subcommands)".to_owned(),
        ));
    }
    if !args.stdio && args.listen != ListenAddress::Stdio {
        return Err(Failure::NotBuilt(
            "codex app-server --listen (listeners other than stdio://)".to_owned(),
        ));
    }
    let (context, factory) = server_parts(config, ctx)?;
    let stdin = std::io::BufReader::new(std::io::stdin());
    recodex_server::serve(
        context,
        Some(Rc::new(factory)),
        stdin,
        std::io::stdout(),
        std::io::stderr(),
    )
    .map_err(|e| Failure::Other(e.into()))
}

/// `codex mcp-server`: the MCP server on stdin/stdout until stdin closes.
pub(super) fn run_mcp(config: &Config, ctx: &Context) -> Result<(), Failure> {
    let (context, factory) = server_parts(config, ctx)?;
    let stdin = std::io::BufReader::new(std::io::stdin());
    recodex_server::serve_mcp(
        context,
        Rc::new(factory),
        stdin,
        std::io::stdout(),
        std::io::stderr(),
    )
    .map_err(|e| Failure::Other(e.into()))
}

/// What both JSON-RPC servers need: the host and configuration facts, and the factory
/// of their sessions.
fn server_parts(config: &Config, ctx: &Context) -> Result<(ServerContext, Sessions), Failure> {
    let env = ctx.env.utf8_vars();
    // Opened once here; every session the server opens records into it.
    let state = prepare_state(config, ctx)?;
    let agent = super::exec::user_agent_info("codex_app_server", &env);
    let context = ServerContext {
        codex_home: config.codex_home.clone(),
        cwd: ctx.cwd.clone(),
        sqlite_dir: state.sqlite_dir.clone(),
        model_provider: config.model_provider_id.clone(),
        host_name: host_name(),
        installation_id: state.installation_id.clone(),
        os: format!("{} {}", agent.os_name, agent.os_version),
        arch: agent.arch,
        terminal: agent.terminal,
        settings: thread_settings(config, ctx),
        auth: auth_facts(config, &env),
    };
    let factory = Sessions {
        config: config.clone(),
        ctx: Context {
            env: ctx.env.clone(),
            cwd: ctx.cwd.clone(),
            cwd_error: None,
        },
        exec_policy: super::exec::load_rules(config, false)?,
        state,
        trusted_now: std::cell::RefCell::default(),
    };
    Ok((context, factory))
}

/// Opens the app-server's sessions from the configuration, as `exec` opens its own:
/// source `vscode` (`mcp`), the client's name as originator, the configured sandbox
/// (else `workspace-write`), and approval `on-request` when the server can ask its client
/// (the app-server), else `never`.
struct Sessions {
    config: Config,
    ctx: Context,
    exec_policy: Option<Arc<recodex_execpolicy::Policy>>,
    state: StateHome,
    /// Project roots this server trusted (the configuration it loaded predates them).
    trusted_now: std::cell::RefCell<Vec<PathBuf>>,
}

impl SessionFactory for Sessions {
    fn model_tools(&self, session: &Session, slug: &str) -> recodex_core::ModelTools {
        let settings = session.settings();
        let model = resolve_model_info(slug, bundled_catalog());
        let plan = super::session_setup::tool_plan(
            &model,
            &self.config,
            &settings.sandbox_policy,
            settings.ephemeral,
        );
        recodex_core::ModelTools {
            model,
            tools: plan.tools,
            parallel_tool_calls: plan.parallel_tool_calls,
            deferred_tools: plan.deferred,
        }
    }

    fn open(&self, request: &OpenRequest) -> Result<Session, String> {
        let env = self.ctx.env.utf8_vars();
        let toml = &self.config.toml;
        let slug = request
            .model
            .clone()
            .or_else(|| toml.model.clone())
            .unwrap_or_else(|| super::exec::DEFAULT_MODEL.to_owned());
        let provider_id = self.config.model_provider_id.clone();
        let provider = recodex_client::resolve_provider(
            &provider_id,
            &toml.model_providers,
            toml.openai_base_url.clone(),
            &env,
        )
        .ok_or_else(|| format!("Model provider `{provider_id}` not found"))?;
        let home = self.ctx.env.get("HOME").map(PathBuf::from);
        let explicit = request.sandbox.as_deref().map(parse_mode).transpose()?;
        let choice = self.thread_sandbox(explicit, &request.cwd, home.as_deref());
        self.trust_if_writable(&choice.profile.policy, &request.cwd);
        let prepared = prepare(
            &self.config,
            &self.ctx,
            &self.state,
            SessionChoice {
                cwd: request.cwd.clone(),
                model: resolve_model_info(&slug, bundled_catalog()),
                provider_id,
                provider,
                originator: request.originator.clone(),
                source: request.source,
                approval_policy: match (request.approval_policy, &request.approvals) {
                    (Some(policy), Some(_)) => policy,
                    (_, Some(_)) => choice.approval,
                    (_, None) => AskForApproval::Never,
                },
                profile: choice.profile,
                active_profile: choice.active_profile,
                exec_policy: self.exec_policy.clone(),
                ephemeral: request.ephemeral,
                output_schema: None,
            },
        )
        .map_err(|failure| {
            let (text, _) = crate::exit::render(failure);
            text.unwrap_or_default().trim().to_owned()
        })?;
        let mut prepared = prepared;
        prepared.settings.approvals = request.approvals.clone();
        match &request.resume {
            None => Session::start(prepared.settings, prepared.client, prepared.installation_id),
            Some(rollout) => Session::resume(
                prepared.settings,
                prepared.client,
                prepared.installation_id,
                rollout,
            ),
        }
        .map_err(|e| e.to_string())
    }
}

/// The sandbox a thread runs with, how it was chosen, and the approval policy it implies.
struct ThreadSandbox {
    profile: ResolvedProfile,
    /// `activePermissionProfile`'s id (none when a sandbox mode was given).
    active_profile: Option<String>,
    /// The approval policy when the client names none (`on-request`, or `untrusted` in a
    /// project the user marked untrusted).
    approval: AskForApproval,
}

impl Sessions {
    /// The reference's choice for a thread in `cwd`: the client's sandbox mode, else the
    /// configured `default_permissions` profile or `sandbox_mode`, else by project trust:
    /// trusted (or explicitly untrusted, whose commands are then asked about) runs
    /// `:workspace`, a project with no trust entry runs `:read-only`.
    fn thread_sandbox(
        &self,
        explicit: Option<SandboxMode>,
        cwd: &Path,
        home: Option<&Path>,
    ) -> ThreadSandbox {
        let config = &self.config;
        let plain = |mode, active: Option<&str>, approval: AskForApproval| ThreadSandbox {
            profile: ResolvedProfile::plain(sandbox_policy(mode, config, &[], cwd)),
            active_profile: active.map(str::to_owned),
            approval,
        };
        if let Some(mode) = explicit {
            return plain(mode, None, APPROVAL);
        }
        match configured_selection(config) {
            Some(Selected::Profile(name)) => match profile_policy(&name, config, cwd, home) {
                Ok(profile) => {
                    return ThreadSandbox {
                        profile,
                        active_profile: Some(name),
                        approval: APPROVAL,
                    };
                }
                Err(_) => return plain(SandboxMode::ReadOnly, Some(":read-only"), APPROVAL),
            },
            Some(Selected::Mode(mode)) => return plain(mode, None, APPROVAL),
            None => {}
        }
        let trusted = self
            .trusted_now
            .borrow()
            .iter()
            .any(|root| *root == config.project_root(cwd));
        match config.project_trust_level(cwd) {
            Some(recodex_config::TrustLevel::Trusted) => {
                plain(SandboxMode::WorkspaceWrite, Some(":workspace"), APPROVAL)
            }
            Some(recodex_config::TrustLevel::Untrusted) => {
                plain(
                SandboxMode::WorkspaceWrite,
                Some(":workspace"),
                AskForApproval::UnlessTrusted,
            )
            }
            None if trusted => plain(SandboxMode::WorkspaceWrite, Some(":workspace"), APPROVAL),
            None => plain(SandboxMode::ReadOnly, Some(":read-only"), APPROVAL),
        }
    }

    /// A writable sandbox in a project with no trust entry trusts the project from now
    /// on, as the reference records it (`[projects."<root>"] trust_level = "trusted"`); a
    /// project the user marked untrusted keeps its entry.
    fn trust_if_writable(&self, policy: &SandboxPolicy, cwd: &Path) {
        if matches!(policy, SandboxPolicy::ReadOnly { .. })
            || self.config.project_trust_level(cwd).is_some()
        {
            return;
        }
        let root = self.config.project_root(cwd);
        if self.trusted_now.borrow().contains(&root) {
            return;
        }
        let edit = recodex_config::ConfigEdit::Set {
            path: vec![
                "projects".to_owned(),
                root.display().to_string(),
                "trust_level".to_owned(),
            ],
            value: toml_edit::Value::from("trusted"),
        };
        if recodex_config::apply_edits(&self.config.codex_home, &[edit]).is_ok() {
            self.trusted_now.borrow_mut().push(root);
        }
    }
}

/// A client's sandbox mode (`read-only`, `workspace-write`, `danger-full-access`).
fn parse_mode(mode: &str) -> Result<SandboxMode, String> {
    serde_json::from_value(json!(mode)).map_err(|_| format!("unknown sandbox mode `{mode}`"))
}

/// What the app-server's threads run with: the client is asked (`on-request`).
const APPROVAL: AskForApproval = AskForApproval::OnRequest;

/// The sandbox of the app-server's threads and its permission profile id: the
/// configured `default_permissions` or `sandbox_mode`, else `workspace-write`.
fn server_profile(config: &Config, cwd: &Path, home: Option<&Path>) -> (ResolvedProfile, String) {
    let plain = ResolvedProfile::plain;
    let workspace = || {
        plain(sandbox_policy(
            SandboxMode::WorkspaceWrite,
            config,
            &[],
            cwd,
        ))
    };
    match configured_selection(config) {
        Some(Selected::Profile(name)) => match profile_policy(&name, config, cwd, home) {
            Ok(resolved) => (resolved, name),
            Err(_) => (workspace(), ":workspace".to_owned()),
        },
        Some(Selected::Mode(mode)) => {
            let id = match mode {
                SandboxMode::ReadOnly => ":read-only",
                SandboxMode::WorkspaceWrite => ":workspace",
                SandboxMode::DangerFullAccess => ":danger-full-access",
            };
            (plain(sandbox_policy(mode, config, &[], cwd)), id.to_owned())
        }
        None => (workspace(), ":workspace".to_owned()),
    }
}

/// What threads this server opens run with, as start, resume and fork report it.
fn thread_settings(config: &Config, ctx: &Context) -> ThreadSettings {
    let toml = &config.toml;
    let model = toml
        .model
        .clone()
        .unwrap_or_else(|| super::exec::DEFAULT_MODEL.to_owned());
    let info = resolve_model_info(&model, bundled_catalog());
    let home = ctx.env.get("HOME").map(PathBuf::from);
    let (profile, id) = server_profile(config, &ctx.cwd, home.as_deref());
    ThreadSettings {
        model,
        base_instructions: info.base_instructions,
        service_tier: toml.service_tier.clone(),
        approval_policy: json!(APPROVAL),
        approvals_reviewer: "user".to_owned(),
        sandbox: recodex_server::sandbox_v2(&profile.policy),
        active_permission_profile: json!({"id": id, "extends": null}),
        reasoning_effort: toml.model_reasoning_effort.map(|e| e.as_str().to_owned()),
    }
}

/// The login as the server starts with it: whether the provider needs an OpenAI login
/// (an unknown provider id falls back to OpenAI's, which does), and what `auth.json` holds.
fn auth_facts(config: &Config, env: &recodex_client::EnvMap) -> recodex_server::AuthFacts {
    let toml = &config.toml;
    let requires_openai_auth = recodex_client::resolve_provider(
        &config.model_provider_id,
        &toml.model_providers,
        toml.openai_base_url.clone(),
        env,
    )
    .is_none_or(|provider| provider.requires_openai_auth);
    let auth = recodex_client::AuthDotJson::load(&config.codex_home)
        .ok()
        .flatten();
    recodex_server::AuthFacts {
        requires_openai_auth,
        api_key: auth.as_ref().and_then(|a| a.openai_api_key.clone()),
        chatgpt: auth.is_some_and(|a| a.auth_mode == Some(recodex_client::AuthMode::Chatgpt)),
    }
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|name| name.trim().to_owned())
        .unwrap_or_default()
}
