//! `codex debug prompt-input [PROMPT] [-i IMAGE]`: the input list a new session would send
//! the model first, as pretty JSON. The sandbox follows the configuration (as for an
//! interactive session, the approval policy is `on-request` unless configured).

use std::path::PathBuf;

use recodex_client::models::{bundled_catalog, resolve_model_info};
use recodex_client::{EnvMap, Provider};
use recodex_config::Config;
use recodex_core::{SessionSettings, UserInput};

use super::Context;
use crate::args::DebugPromptInputArgs;
use crate::exit::Failure;

pub(crate) fn prompt_input(
    args: &DebugPromptInputArgs,
    config: &Config,
    ctx: &Context,
    cwd: PathBuf,
) -> Result<String, Failure> {
    let env: EnvMap = ctx.env.utf8_vars();
    let toml = &config.toml;
    let slug = toml
        .model
        .clone()
        .unwrap_or_else(|| recodex_session::DEFAULT_MODEL.to_owned());
    let home = ctx.env.get("HOME").map(PathBuf::from);
    let resolved = recodex_session::sandbox::resolve_sandbox(
        &recodex_session::SandboxRequest::Configured {
            add_dirs: Vec::new(),
        },
        config,
        &cwd,
        home.as_deref(),
        false,
    )
    .map_err(|e| Failure::Other(e.into()))?
    .profile;
    let settings = SessionSettings {
        exec_policy: None,
        codex_home: config.codex_home.clone(),
        cwd: cwd.clone(),
        provider_id: config.model_provider_id.clone(),
        provider: Provider::from_info(&config.model_provider_id, &Default::default(), &env),
        approval_policy: toml.approval_policy.unwrap_or_default(),
        sandbox_policy: resolved.policy,
        denied_paths: resolved.denied,
        glob_scan_max_depth: resolved.glob_scan_max_depth,
        recorded_profile: resolved
            .recorded
            .map(|profile| (profile, resolved.workspace_roots)),
        active_profile: None,
        user_agent: String::new(),
        originator: "codex_cli_rs".to_owned(),
        thread_source: Some(recodex_protocol::ThreadSource::User),
        source: "cli".to_owned(),
        env,
        ephemeral: true,
        timezone: recodex_session::host::timezone(ctx.env.get("TZ")),
        model: resolve_model_info(&slug, bundled_catalog()),
        tools: Vec::new(),
        parallel_tool_calls: false,
        reasoning_effort: None,
        reasoning_summary: None,
        service_tier: None,
        output_schema: None,
        state_dir: None,
        sandbox_exe: None,
        env_policy: recodex_process::EnvPolicy::from_toml(&toml.shell_environment_policy),
        allow_login_shell: toml.allow_login_shell.unwrap_or(true),
        shell_snapshot: false,
        deferred_tools: Vec::new(),
        multi_agent: None,
        subagent: None,
        approvals: None,
    };
    let input = args.prompt.as_ref().map(|text| UserInput {
        text: text.clone(),
        images: args.images.clone(),
    });
    let items = recodex_core::prompt_input(&settings, input.as_ref());
    let json = serde_json::to_string_pretty(&items).map_err(|e| Failure::Other(e.into()))?;
    Ok(format!("{json}\n"))
}
