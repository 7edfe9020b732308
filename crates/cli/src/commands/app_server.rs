//! `codex app-server` and `codex mcp-server`: the JSON-RPC servers over stdin/stdout,
//! with sessions built from the configuration. The app-server's other listeners (unix
//! socket, websocket) and its tooling subcommands are not built yet.

use std::rc::Rc;

use recodex_client::models::{bundled_catalog, resolve_model_info};
use recodex_config::Config;
use recodex_protocol::AskForApproval;
use recodex_server::{ServerContext, ThreadSettings};
use recodex_session::{Engine, SandboxRequest};
use serde_json::json;

use super::Context;
use crate::args::{AppServerArgs, ListenAddress};
use crate::exit::Failure;

/// Serves one client on stdin/stdout until stdin closes.
pub(super) fn run(args: &AppServerArgs, config: &Config, ctx: &Context) -> Result<(), Failure> {
    use crate::args::AppServerCommand;
    match &args.command {
        None => {}
        Some(AppServerCommand::GenerateJsonSchema(generate)) => {
            let out = ctx.cwd.join(&generate.out_dir);
            return recodex_app_protocol::schema_gen::write_json_schema(
                &out,
                generate.experimental,
            )
            .map_err(|e| Failure::Other(e.into()));
        }
        Some(AppServerCommand::GenerateTs(generate)) => {
            let out = ctx.cwd.join(&generate.out_dir);
            recodex_app_protocol::schema_gen::write_typescript(&out, generate.experimental)
                .map_err(|e| Failure::Other(e.into()))?;
            return match &generate.prettier {
                Some(prettier) => run_prettier(prettier, &out),
                None => Ok(()),
            };
        }
        Some(AppServerCommand::GenerateInternalJsonSchema(generate)) => {
            let out = ctx.cwd.join(&generate.out_dir);
            return recodex_app_protocol::schema_gen::write_internal_json_schema(&out)
                .map_err(|e| Failure::Other(e.into()));
        }
        Some(_) => {
            return Err(Failure::NotBuilt(
                "codex app-server (daemon, proxy)".to_owned(),
            ));
        }
    }
    if !args.stdio && args.listen != ListenAddress::Stdio {
        return Err(Failure::NotBuilt(
            "codex app-server --listen (listeners other than stdio://)".to_owned(),
        ));
    }
    let (context, engine) = server_parts(config, ctx)?;
    let stdin = std::io::BufReader::new(std::io::stdin());
    recodex_server::serve(
        context,
        Some(Rc::new(engine)),
        stdin,
        std::io::stdout(),
        std::io::stderr(),
    )
    .map_err(|e| Failure::Other(e.into()))
}

/// `generate-ts --prettier BIN`: formats the written files in place.
fn run_prettier(prettier: &std::path::Path, out: &std::path::Path) -> Result<(), Failure> {
    let status = std::process::Command::new(prettier)
        .arg("--write")
        .arg(out)
        .status()
        .map_err(|e| {
            Failure::Other(anyhow::anyhow!("failed to run {}: {e}", prettier.display()))
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure::Other(anyhow::anyhow!(
            "{} exited with {status}",
            prettier.display()
        )))
    }
}

/// `codex mcp-server`: the MCP server on stdin/stdout until stdin closes.
pub(super) fn run_mcp(config: &Config, ctx: &Context) -> Result<(), Failure> {
    let (context, engine) = server_parts(config, ctx)?;
    let stdin = std::io::BufReader::new(std::io::stdin());
    recodex_server::serve_mcp(
        context,
        Rc::new(engine),
        stdin,
        std::io::stdout(),
        std::io::stderr(),
    )
    .map_err(|e| Failure::Other(e.into()))
}

/// What both JSON-RPC servers need: the host and configuration facts, and the session
/// engine (the state opened once here; every session the server opens records into it).
fn server_parts(config: &Config, ctx: &Context) -> Result<(ServerContext, Engine), Failure> {
    let rules = super::exec::load_rules(config, false)?;
    let engine = super::engine(config.clone(), ctx, rules)?;
    // Threads are listed here: sessions killed before they were indexed come back.
    engine.reconcile_index();
    super::print_warnings(&engine);
    let env = engine.env();
    let installation_id = engine
        .installation_id()
        .map_err(|e| Failure::Other(e.into()))?;
    let agent = recodex_session::host::user_agent_info(
        "codex_app_server",
        recodex_client::Product::Recodex,
        env,
    );
    let context = ServerContext {
        codex_home: config.codex_home.clone(),
        cwd: ctx.cwd.clone(),
        sqlite_dir: engine.sqlite_dir().to_path_buf(),
        model_provider: config.model_provider_id.clone(),
        host_name: host_name(),
        installation_id,
        os: format!("{} {}", agent.os_name, agent.os_version),
        arch: agent.arch,
        terminal: agent.terminal,
        settings: thread_settings(&engine, ctx)?,
        auth: auth_facts(config, env),
    };
    Ok((context, engine))
}

/// What threads this server opens in its own directory run with, as resume and fork report
/// it (a new thread reports what its session actually got).
fn thread_settings(engine: &Engine, ctx: &Context) -> Result<ThreadSettings, Failure> {
    let toml = &engine.config().toml;
    let model = engine.model_slug(None);
    let info = resolve_model_info(&model, bundled_catalog());
    let sandbox = engine
        .sandbox(&SandboxRequest::ByProjectTrust, &ctx.cwd)
        .map_err(|e| Failure::Other(e.into()))?;
    Ok(ThreadSettings {
        model,
        base_instructions: info.base_instructions,
        service_tier: toml.service_tier.clone(),
        approval_policy: json!(sandbox.approval.unwrap_or(AskForApproval::OnRequest)),
        approvals_reviewer: "user".to_owned(),
        sandbox: recodex_server::sandbox_v2(&sandbox.profile.policy),
        active_permission_profile: sandbox.active_profile.map_or(
            serde_json::Value::Null,
            |id| json!({"id": id, "extends": null}),
        ),
        reasoning_effort: toml.model_reasoning_effort.map(|e| e.as_str().to_owned()),
    })
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
