//! `codex exec PROMPT`: one headless turn.
//!
//! Order of checks as in the reference: configuration (already loaded by the caller),
//! then the prompt and stdin, then the git-repository check, then the session.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use recodex_client::EnvMap;
use recodex_config::Config;
use recodex_core::SessionSettings;
use recodex_exec::{ExecRequest, run_exec};
use recodex_protocol::SandboxMode as ConfigSandboxMode;
use recodex_protocol::permissions::SandboxPolicy;
use recodex_session::{SandboxRequest, SessionError, SessionRequest};

use super::Context;
use crate::args::{ExecArgs, ExecCommand, ExecResumeArgs, SandboxMode};
use crate::exit::Failure;

/// Runs `exec` with the loaded configuration; `cwd` is the session directory (`-C`).
pub(crate) fn run(
    args: &ExecArgs,
    config: Config,
    ctx: &Context,
    cwd: PathBuf,
) -> Result<(), Failure> {
    let resume = match &args.command {
        None => None,
        Some(ExecCommand::Resume(resume)) => Some(resume),
        Some(ExecCommand::Review(_)) => {
            return Err(Failure::NotBuilt("codex exec review".to_owned()));
        }
    };
    let prompt_arg = match resume {
        Some(resume) => resume.session_and_prompt().1,
        None => args.prompt.as_deref(),
    };
    let rules = load_rules(&config, args.ignore_rules)?;
    // A broken auth.json stops exec whatever the provider, as in the reference, rather than
    // being ignored (the servers ignore it, as the reference's do).
    recodex_client::AuthDotJson::load(&config.codex_home)
        .map_err(|err| Failure::Bare(err.to_string()))?;
    // The local provider is checked before anything is read, as the reference does.
    let oss = match args.session.oss {
        true => {
            let (id, model) = oss_provider(args, &config, &ctx.env.utf8_vars())?;
            Some((id.to_owned(), model))
        }
        false => None,
    };
    let prompt = read_prompt(prompt_arg)?;
    // The databases are opened (created) before the directory check, as the reference's
    // are, so a refused run leaves the same files behind.
    let engine = super::engine(config, ctx, rules)?;
    let config = engine.config();
    let trusted = config.is_project_trusted(&cwd);
    if !args.skip_git_repo_check && !trusted && !inside_git_repo(&cwd) {
        return Err(Failure::Bare(
            "Not inside a trusted directory and --skip-git-repo-check was not specified."
                .to_owned(),
        ));
    }
    let originator = engine
        .env()
        .get("CODEX_INTERNAL_ORIGINATOR_OVERRIDE")
        .cloned()
        .unwrap_or_else(|| "codex_exec".to_owned());
    let output_schema = match &args.output_schema {
        Some(path) => Some(read_output_schema(&cwd.join(path))?),
        None => None,
    };
    let rollout = match resume {
        Some(resume) => find_resume_target(resume, config, &cwd)?,
        None => None,
    };
    let request = SessionRequest {
        cwd: cwd.clone(),
        model: args
            .session
            .model
            .clone()
            .or_else(|| oss.as_ref().map(|(_, model)| (*model).to_owned())),
        provider_id: oss.map(|(id, _)| id),
        originator,
        product: None,
        source: "exec",
        thread_source: Some(recodex_protocol::ThreadSource::User),
        sandbox: sandbox_request(args),
        approval_policy: Some(recodex_protocol::AskForApproval::Never),
        approvals: None,
        ephemeral: args.ephemeral,
        output_schema,
        resume: rollout,
        service_tier: recodex_session::ServiceTierRequest::Configured,
    };
    let opened = engine.open(&request);
    super::print_warnings(&engine);
    let session = opened.map_err(|err| match err {
        // Worded as the reference's exec reports its thread store's refusal.
        SessionError::Core(err @ recodex_core::CoreError::UnreadableRollout { .. }) => {
            Failure::Other(anyhow::anyhow!(
                "thread/resume: thread/resume failed: failed to read thread: thread-store internal error: {err} (code -32603)"
            ))
        }
        err => Failure::Other(err.into()),
    })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(e.into()))?;
    let banner = banner(session.settings())
        .into_iter()
        .map(|line| line.replace("{SESSION}", session.thread_id()))
        .collect();
    let images = match resume {
        Some(resume) => [args.session.images.as_slice(), resume.images.as_slice()].concat(),
        None => args.session.images.clone(),
    };
    let request = ExecRequest {
        prompt,
        images,
        color: match args.color {
            crate::args::Color::Always => true,
            crate::args::Color::Never => false,
            crate::args::Color::Auto => std::io::stderr().is_terminal(),
        },
        json: args.json,
        output_last_message: args.output_last_message.clone(),
        banner,
    };
    let status = runtime.block_on(async {
        let mut out = std::io::stdout().lock();
        let mut err = std::io::stderr().lock();
        run_exec(session, request, &mut out, &mut err).await
    });
    if status == 0 {
        Ok(())
    } else {
        Err(Failure::Exit(status))
    }
}

/// The rollout `exec resume` continues: `--last` (newest, in this directory unless
/// `--all`), a session id, or a thread name (`session_index.jsonl`, any source). As in the
/// reference, nothing to resume (no session yet, or a name no thread has) starts a new
/// session, while a thread id without a rollout is an error.
fn find_resume_target(
    resume: &ExecResumeArgs,
    config: &Config,
    cwd: &Path,
) -> Result<Option<PathBuf>, Failure> {
    let (id, _) = resume.session_and_prompt();
    match id {
        Some(id) if super::is_thread_id(id) => {
            match recodex_state::find_rollout_by_id(&config.codex_home, id) {
                Some(found) => Ok(Some(found)),
                None => Err(Failure::Other(anyhow::anyhow!(
                    "thread/resume: thread/resume failed: no rollout found for thread id {id} (code -32600)"
                ))),
            }
        }
        Some(name) => Ok(recodex_state::find_rollout_by_name(
            &config.codex_home,
            name,
        )),
        None => {
            let filter = (!resume.all).then_some(cwd);
            let latest = recodex_state::find_latest_rollout(&config.codex_home, filter);
            // A newest session that is not UTF-8 cannot be resumed; as in the reference,
            // `--last` then starts a new session.
            Ok(latest.filter(|path| {
                std::fs::read(path).is_ok_and(|bytes| std::str::from_utf8(&bytes).is_ok())
            }))
        }
    }
}

/// `--oss`: the local provider (`--local-provider`, else `oss_provider` from the
/// configuration) and its default model, once its server answers; an unknown provider id
/// is reported before anything else, as in the reference.
fn oss_provider<'a>(
    args: &'a ExecArgs,
    config: &'a Config,
    env: &EnvMap,
) -> Result<(&'a str, &'static str), Failure> {
    let id = args
        .session
        .oss_provider
        .as_deref()
        .or(config.toml.oss_provider.as_deref())
        .ok_or_else(|| {
            Failure::Other(anyhow::anyhow!(
                "No default OSS provider configured. Use --local-provider=provider or set oss_provider to one of: lmstudio, ollama in config.toml"
            ))
        })?;
    let (port, model, down) = match id {
        "ollama" => (
            11434,
            "gpt-oss:20b",
            "OSS setup failed: No running Ollama server detected. Start it with: `ollama serve` (after installing). Install instructions: https://github.com/ollama/ollama?tab=readme-ov-file#ollama",
        ),
        "lmstudio" => (
            1234,
            "openai/gpt-oss-20b",
            "OSS setup failed: OSS setup failed: LM Studio is not responding. Install from https://lmstudio.ai/download and run 'lms server start'.",
        ),
        _ if config.toml.model_providers.contains_key(id) => return Ok((id, "gpt-oss:20b")),
        _ => {
            return Err(Failure::Other(anyhow::anyhow!(
                "Model provider `{id}` not found"
            )));
        }
    };
    let info = recodex_client::oss_provider_info(port, env);
    if !server_answers(info.base_url.as_deref().unwrap_or_default()) {
        return Err(Failure::Other(anyhow::anyhow!(down)));
    }
    Ok((id, model))
}

/// Whether something accepts TCP connections at the host and port of `base_url`.
fn server_answers(base_url: &str) -> bool {
    use std::net::ToSocketAddrs;
    let rest = base_url.split("://").nth(1).unwrap_or(base_url);
    let authority = rest.split('/').next().unwrap_or_default();
    let with_port = if authority.contains(':') {
        authority.to_owned()
    } else if base_url.starts_with("https") {
        format!("{authority}:443")
    } else {
        format!("{authority}:80")
    };
    with_port.to_socket_addrs().is_ok_and(|mut addrs| {
        addrs.any(|addr| {
            std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(2)).is_ok()
        })
    })
}

/// The exec policy ([`recodex_session::load_rules`]); a file that does not load is
/// reported as the reference reports it and stops the command.
pub(super) fn load_rules(
    config: &Config,
    ignore_rules: bool,
) -> Result<Option<std::sync::Arc<recodex_execpolicy::Policy>>, Failure> {
    match recodex_session::load_rules(config, ignore_rules) {
        Ok(policy) => Ok(policy),
        Err(err) => {
            let detail = match &err {
                recodex_execpolicy::LoadError::Read { path, source } => {
                    format!("{}: {source}", path.display())
                }
                recodex_execpolicy::LoadError::Parse {
                    path,
                    source: recodex_execpolicy::Error::Starlark(diag),
                } => format!(
                    "{}:{line}: starlark error: error: {} (problem is on or around line {line})",
                    path.display(),
                    diag.message,
                    line = diag.line
                ),
                recodex_execpolicy::LoadError::Parse { path, source } => {
                    format!("{}: {source}", path.display())
                }
            };
            eprintln!("Error loading rules:\n{detail}");
            Err(Failure::Exit(1))
        }
    }
}

/// The prompt from the argument and/or stdin. A non-terminal stdin is always read
/// (the reference says so on stderr); with a prompt, its text is appended as a
/// `<stdin>` block.
fn read_prompt(arg: Option<&str>) -> Result<String, Failure> {
    let stdin = std::io::stdin();
    let piped = !stdin.is_terminal();
    let mut input = String::new();
    if piped {
        // The reference words it by whether stdin is the prompt or an addition to it.
        if arg.is_some_and(|prompt| prompt != "-") {
            eprintln!("Reading additional input from stdin...");
        } else {
            eprintln!("Reading prompt from stdin...");
        }
        stdin
            .lock()
            .read_to_string(&mut input)
            .map_err(|e| Failure::Other(e.into()))?;
    }
    match arg {
        Some(prompt) if prompt != "-" => {
            if input.trim().is_empty() {
                Ok(prompt.to_owned())
            } else {
                let tail = if input.ends_with('\n') { "" } else { "\n" };
                Ok(format!("{prompt}\n\n<stdin>\n{input}{tail}</stdin>"))
            }
        }
        _ if !input.trim().is_empty() => Ok(input),
        _ => Err(Failure::Other(anyhow::anyhow!(
            "No prompt provided. Either specify one as an argument or pipe the prompt into stdin."
        ))),
    }
}

fn inside_git_repo(cwd: &Path) -> bool {
    git_root(cwd).is_some()
}

/// The nearest directory at or above `cwd` holding `.git` (not an empty directory: a
/// sandbox's mount placeholder is not a repository).
fn git_root(cwd: &Path) -> Option<PathBuf> {
    cwd.ancestors()
        .find(|dir| recodex_config::is_project_marker(&dir.join(".git")))
        .map(Path::to_path_buf)
}

/// The sandbox exec asks for: the flags' choice (the bypass flag, `-s`, `--full-auto`),
/// else the configuration's, else by the project's trust; `--add-dir` extends
/// workspace-write.
fn sandbox_request(args: &ExecArgs) -> SandboxRequest {
    let mode = if args.session.dangerously_bypass_approvals_and_sandbox {
        Some(ConfigSandboxMode::DangerFullAccess)
    } else if let Some(mode) = args.session.sandbox_mode {
        Some(match mode {
            SandboxMode::ReadOnly => ConfigSandboxMode::ReadOnly,
            SandboxMode::WorkspaceWrite => ConfigSandboxMode::WorkspaceWrite,
            SandboxMode::DangerFullAccess => ConfigSandboxMode::DangerFullAccess,
        })
    } else if args.full_auto {
        Some(ConfigSandboxMode::WorkspaceWrite)
    } else {
        None
    };
    let add_dirs = args.session.add_dir.clone();
    match mode {
        Some(mode) => SandboxRequest::Mode { mode, add_dirs },
        None => SandboxRequest::Configured { add_dirs },
    }
}

/// Reads `--output-schema FILE`: a JSON schema for the final answer.
fn read_output_schema(path: &Path) -> Result<serde_json::Value, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::Other(anyhow::anyhow!(
            "Failed to read output schema file {}: {e}",
            path.display()
        ))
    })?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::Other(anyhow::anyhow!(
            "Output schema file {} is not valid JSON: {e}",
            path.display()
        ))
    })
}

/// The human-mode header, as the reference prints it on stderr.
fn banner(settings: &SessionSettings) -> Vec<String> {
    // A named profile that does not write the working directory is shown as such.
    let custom = settings
        .recorded_profile
        .as_ref()
        .is_some_and(|(profile, _)| {
            use recodex_protocol::permissions::{
                FileSystemAccessMode, FileSystemPath, ManagedFileSystemPermissions,
                PermissionProfile,
            };
            match profile {
                PermissionProfile::Managed {
                    file_system: ManagedFileSystemPermissions::Restricted { entries, .. },
                    ..
                } => !entries.iter().any(|e| {
                    e.access == FileSystemAccessMode::Write
                        && matches!(&e.path, FileSystemPath::Path { path } if *path == settings.cwd)
                }),
                _ => false,
            }
        });
    let sandbox = match &settings.sandbox_policy {
        SandboxPolicy::DangerFullAccess => "danger-full-access".to_owned(),
        _ if custom => "custom permissions".to_owned(),
        SandboxPolicy::ReadOnly { .. } => "read-only".to_owned(),
        SandboxPolicy::ExternalSandbox { .. } => "external-sandbox".to_owned(),
        SandboxPolicy::WorkspaceWrite {
            writable_roots,
            network_access,
            exclude_slash_tmp,
            exclude_tmpdir_env_var,
        } => {
            let mut roots = vec!["workdir".to_owned()];
            roots.extend(writable_roots.iter().map(|r| r.display().to_string()));
            if !exclude_slash_tmp {
                roots.push("/tmp".to_owned());
            }
            if !exclude_tmpdir_env_var {
                roots.push("$TMPDIR".to_owned());
            }
            let net = if *network_access {
                " (network access enabled)"
            } else {
                ""
            };
            format!("workspace-write [{}]{net}", roots.join(", "))
        }
    };
    // Only a configured effort is shown; the model's default is not.
    let effort = settings.reasoning_effort.map_or("none", |e| e.as_str());
    vec![
        format!("OpenAI Codex v{}", recodex_client::COMPATIBLE_CLI_VERSION),
        "--------".to_owned(),
        format!("workdir: {}", settings.cwd.display()),
        format!("model: {}", settings.model.slug),
        format!("provider: {}", settings.provider_id),
        format!("approval: {}", settings.approval_policy),
        format!("sandbox: {sandbox}"),
        format!("reasoning effort: {effort}"),
        format!(
            "reasoning summaries: {}",
            settings
                .reasoning_summary
                .map_or("none", recodex_protocol::ReasoningSummary::as_str)
        ),
        "session id: {SESSION}".to_owned(),
        "--------".to_owned(),
    ]
}
