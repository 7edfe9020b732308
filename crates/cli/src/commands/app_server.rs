//! `codex app-server`: the JSON-RPC server over stdin/stdout. Other listeners (unix
//! socket, websocket) and the app-server's tooling subcommands are not built yet.

use recodex_config::Config;
use recodex_protocol::permissions::SandboxPolicy;
use recodex_protocol::{AskForApproval, SandboxMode};
use recodex_server::{ServerContext, ThreadSettings};
use serde_json::{Value, json};

use super::Context;
use super::policy::{Selected, configured_selection, profile_policy, sandbox_policy};
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
    let env = ctx.env.utf8_vars();
    let sqlite_dir =
        recodex_state::sqlite_home(&config.codex_home, ctx.env.get("CODEX_SQLITE_HOME"));
    // The index lists sessions written before it existed, as in `exec`.
    if let Err(err) = recodex_state::backfill_threads(&config.codex_home, &sqlite_dir) {
        eprintln!("warning: {err}");
    }
    let installation_id =
        recodex_state::installation_id(&config.codex_home).map_err(|e| Failure::Other(e.into()))?;
    let agent = super::exec::user_agent_info("codex_app_server", &env);
    let context = ServerContext {
        codex_home: config.codex_home.clone(),
        sqlite_dir,
        model_provider: config.model_provider_id.clone(),
        host_name: host_name(),
        installation_id,
        os: format!("{} {}", agent.os_name, agent.os_version),
        arch: agent.arch,
        terminal: agent.terminal,
        settings: thread_settings(config, ctx),
    };
    let stdin = std::io::stdin().lock();
    let stdout = std::io::stdout().lock();
    let stderr = std::io::stderr();
    recodex_server::serve(context, stdin, stdout, stderr).map_err(|e| Failure::Other(e.into()))
}

/// What threads this server opens run with: the configured model, approval policy
/// (`on-request` unless configured) and sandbox (`workspace-write` unless configured).
fn thread_settings(config: &Config, ctx: &Context) -> ThreadSettings {
    let toml = &config.toml;
    let model = toml
        .model
        .clone()
        .unwrap_or_else(|| super::exec::DEFAULT_MODEL.to_owned());
    let info = recodex_client::models::resolve_model_info(
        &model,
        recodex_client::models::bundled_catalog(),
    );
    let home = ctx.env.get("HOME").map(std::path::PathBuf::from);
    let (policy, profile) = match configured_selection(config) {
        Some(Selected::Profile(name)) => {
            match profile_policy(&name, config, &ctx.cwd, home.as_deref()) {
                Ok(resolved) => (resolved.policy, name),
                Err(_) => (workspace_default(config, ctx), ":workspace".to_owned()),
            }
        }
        Some(Selected::Mode(mode)) => {
            let id = match mode {
                SandboxMode::ReadOnly => ":read-only",
                SandboxMode::WorkspaceWrite => ":workspace",
                SandboxMode::DangerFullAccess => ":danger-full-access",
            };
            (sandbox_policy(mode, config, &[], &ctx.cwd), id.to_owned())
        }
        None => (workspace_default(config, ctx), ":workspace".to_owned()),
    };
    ThreadSettings {
        model,
        base_instructions: info.base_instructions,
        service_tier: toml.service_tier.clone(),
        approval_policy: toml
            .approval_policy
            .as_ref()
            .and_then(|p| serde_json::to_value(p).ok())
            .unwrap_or_else(|| serde_json::to_value(AskForApproval::OnRequest).unwrap_or_default()),
        approvals_reviewer: "user".to_owned(),
        sandbox: sandbox_v2(&policy),
        active_permission_profile: json!({"id": profile, "extends": null}),
        reasoning_effort: toml.model_reasoning_effort.map(|e| e.as_str().to_owned()),
    }
}

fn workspace_default(config: &Config, ctx: &Context) -> SandboxPolicy {
    sandbox_policy(SandboxMode::WorkspaceWrite, config, &[], &ctx.cwd)
}

/// A sandbox policy as the app-server's v2 protocol spells it.
fn sandbox_v2(policy: &SandboxPolicy) -> Value {
    match policy {
        SandboxPolicy::DangerFullAccess => json!({"type": "dangerFullAccess"}),
        SandboxPolicy::ReadOnly { network_access } => {
            json!({"type": "readOnly", "networkAccess": network_access})
        }
        SandboxPolicy::ExternalSandbox { network_access } => {
            json!({"type": "externalSandbox", "networkAccess": network_access})
        }
        SandboxPolicy::WorkspaceWrite {
            writable_roots,
            network_access,
            exclude_tmpdir_env_var,
            exclude_slash_tmp,
        } => json!({
            "type": "workspaceWrite",
            "writableRoots": writable_roots,
            "networkAccess": network_access,
            "excludeTmpdirEnvVar": exclude_tmpdir_env_var,
            "excludeSlashTmp": exclude_slash_tmp,
        }),
    }
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|name| name.trim().to_owned())
        .unwrap_or_default()
}
