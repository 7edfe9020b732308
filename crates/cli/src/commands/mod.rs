//! Dispatch of a parsed command line: which configuration each command needs, then the
//! command itself. One module per implemented command; commands whose capability is
//! not built yet still load and check the configuration (so configuration errors are
//! reported exactly as the reference reports them) and then say they are not built.

mod app_server;
mod archive;
mod debug;
mod exec;
mod features;
mod sandbox;

use std::io::Write;
use std::path::PathBuf;

use recodex_config::{CliOverrides, Config, ConfigError, LoadOptions, find_codex_home};

use crate::args::{Cli, Command, DebugCommand, FeaturesCommand, ProfileName, SessionOptions};
use crate::exit::Failure;
use crate::startup::ProcessEnv;

/// What every command may need from start-up.
#[derive(Debug)]
pub(crate) struct Context {
    /// The environment snapshot.
    pub(crate) env: ProcessEnv,
    /// The process working directory (empty when it could not be determined).
    pub(crate) cwd: PathBuf,
    /// Why the working directory could not be determined (it was deleted, say).
    pub(crate) cwd_error: Option<std::io::Error>,
    /// Who recodex says it is on the wire (`codex` or `recodex`, from argv[0]).
    pub(crate) identity: recodex_session::Identity,
}

/// The session engine of a runtime command: the configuration, the rules given, the state
/// databases opened. Its warnings so far are printed.
fn engine(
    config: Config,
    ctx: &Context,
    rules: Option<std::sync::Arc<recodex_execpolicy::Policy>>,
) -> Result<recodex_session::Engine, Failure> {
    let engine = recodex_session::Engine::new(
        config,
        recodex_session::EngineOptions {
            env: ctx.env.utf8_vars(),
            sandbox_exe: std::env::current_exe().ok(),
            rules,
            identity: ctx.identity,
        },
    )
    .map_err(|e| Failure::Other(e.into()))?;
    print_warnings(&engine);
    Ok(engine)
}

/// Prints the engine's warnings on stderr, one `warning: ...` line each.
fn print_warnings(engine: &recodex_session::Engine) {
    for warning in engine.take_warnings() {
        eprintln!("warning: {warning}");
    }
}

/// Commands that accept `-p/--profile` given before the subcommand.
const PROFILE_ERROR: &str = "--profile only applies to runtime commands and `codex mcp`: `codex`, `codex exec`, `codex review`, `codex resume`, `codex archive`, `codex unarchive`, `codex fork`, `codex mcp`, `codex sandbox`, and `codex debug prompt-input`.";

/// How a command uses configuration.
struct Plan<'a> {
    /// `codex <path>` as shown in messages.
    path: &'static str,
    /// Runtime commands report configuration errors as `Error loading config.toml`.
    runtime: bool,
    /// Whether a root-level `-p` carries over to this command.
    takes_root_profile: bool,
    /// The command's own `-p`, if it has one.
    profile: Option<&'a ProfileName>,
    /// The command's own `--strict-config`, if it has one.
    strict: Option<bool>,
    /// `-C/--cd`.
    cwd: Option<&'a PathBuf>,
    /// `--ignore-user-config`.
    ignore_user_config: bool,
}

impl<'a> Plan<'a> {
    fn new(path: &'static str) -> Self {
        Self {
            path,
            runtime: false,
            takes_root_profile: false,
            profile: None,
            strict: None,
            cwd: None,
            ignore_user_config: false,
        }
    }

    fn runtime(mut self, session: &'a SessionOptions, strict: bool) -> Self {
        self.runtime = true;
        self.takes_root_profile = true;
        self.profile = session.config_profile_v2.as_ref();
        self.strict = Some(strict);
        self.cwd = session.cwd.as_ref();
        self
    }
}

/// Whether the command may run commands for the model (and so needs the helper
/// directory with `apply_patch` and friends on its PATH).
pub(crate) fn spawns_model_commands(cli: &Cli) -> bool {
    matches!(
        cli.command,
        None | Some(
            Command::Exec(_)
                | Command::Review(_)
                | Command::Resume(_)
                | Command::Fork(_)
                | Command::McpServer(_)
                | Command::AppServer(_)
                | Command::Sandbox(_)
                | Command::ExecServer(_)
                | Command::Cloud(_)
                | Command::Debug(_)
        )
    )
}

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli, ctx: &Context) -> Result<(), Failure> {
    let root_strict = cli.interactive.strict_config;
    let root_profile = cli.interactive.session.config_profile_v2.clone();
    let Some(command) = &cli.command else {
        let plan = Plan::new("codex").runtime(&cli.interactive.session, root_strict);
        load(&cli, ctx, &plan, None, false)?;
        return Err(Failure::NotBuilt("codex (interactive session)".to_owned()));
    };
    let plan = plan_for(command);
    if root_strict && plan.strict.is_none() {
        return Err(Failure::Other(anyhow::anyhow!(
            "`--strict-config` is not supported for `{}`",
            top_level_path(plan.path)
        )));
    }
    if root_profile.is_some() && !plan.takes_root_profile {
        return Err(Failure::Other(anyhow::anyhow!(PROFILE_ERROR)));
    }
    match command {
        Command::Features(args) => match &args.command {
            FeaturesCommand::List => {
                let config = load(&cli, ctx, &plan, root_profile.as_ref(), root_strict)?;
                write_stdout(&features::list(&config.features))
            }
            FeaturesCommand::Enable(name) | FeaturesCommand::Disable(name) => {
                let on = matches!(args.command, FeaturesCommand::Enable(_));
                let home = codex_home(ctx)?;
                let line = features::set(&home, &name.feature, on)?;
                write_stdout(&line)
            }
        },
        Command::Debug(args) if matches!(args.command, DebugCommand::PromptInput(_)) => {
            let config = load(&cli, ctx, &plan, root_profile.as_ref(), root_strict)?;
            let DebugCommand::PromptInput(prompt_args) = &args.command else {
                unreachable!("matched above");
            };
            let cwd = session_cwd(ctx, plan.cwd)?;
            write_stdout(&debug::prompt_input(prompt_args, &config, ctx, cwd)?)
        }
        Command::Debug(args) if matches!(args.command, DebugCommand::Models(_)) => {
            load(&cli, ctx, &plan, root_profile.as_ref(), root_strict)?;
            let catalog = recodex_client::models::bundled_catalog();
            write_stdout(&recodex_client::models::debug_models_json(catalog))
        }
        Command::Exec(args) => {
            let config = load(&cli, ctx, &plan, root_profile.as_ref(), root_strict)?;
            let cwd = session_cwd(ctx, plan.cwd)?;
            exec::run(args, config, ctx, cwd)
        }
        Command::Archive(args) | Command::Unarchive(args) => {
            let config = load(&cli, ctx, &plan, root_profile.as_ref(), root_strict)?;
            archive::run(args, &config, ctx, matches!(command, Command::Archive(_)))
        }
        Command::Sandbox(args) => {
            let config = load(&cli, ctx, &plan, root_profile.as_ref(), root_strict)?;
            let cwd = session_cwd(ctx, plan.cwd)?;
            sandbox::run(args, &config, ctx, cwd)
        }
        Command::Execpolicy(args) => {
            load(&cli, ctx, &plan, root_profile.as_ref(), root_strict)?;
            let crate::args::ExecpolicyCommand::Check(check) = &args.command;
            let outcome = recodex_execpolicy::run_check(
                &check.rules,
                check.pretty,
                check.resolve_host_executables,
                &check.command,
                Some(&ctx.cwd),
            );
            write_stdout(&outcome.stdout)?;
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(outcome.stderr.as_bytes());
            match outcome.exit_code {
                0 => Ok(()),
                code => Err(Failure::Exit(code)),
            }
        }
        Command::AppServer(args) => {
            let config = load(&cli, ctx, &plan, root_profile.as_ref(), root_strict)?;
            app_server::run(args, &config, ctx)
        }
        Command::McpServer(_) => {
            let config = load(&cli, ctx, &plan, root_profile.as_ref(), root_strict)?;
            app_server::run_mcp(&config, ctx)
        }
        Command::Completion(args) => {
            let script = crate::completion::completion_script(args.shell);
            write_stdout(&script)
        }
        _ => {
            load(&cli, ctx, &plan, root_profile.as_ref(), root_strict)?;
            Err(Failure::NotBuilt(plan.path.to_owned()))
        }
    }
}

/// The configuration needs of each subcommand.
fn plan_for(command: &Command) -> Plan<'_> {
    match command {
        Command::Exec(args) => {
            let mut plan = Plan::new("codex exec").runtime(&args.session, args.strict_config);
            plan.ignore_user_config = args.ignore_user_config;
            plan
        }
        Command::Review(args) => {
            let mut plan = Plan::new("codex review");
            plan.runtime = true;
            plan.takes_root_profile = true;
            plan.strict = Some(args.strict_config);
            plan
        }
        Command::Resume(args) => Plan::new("codex resume")
            .runtime(&args.interactive.session, args.interactive.strict_config),
        Command::Fork(args) => Plan::new("codex fork")
            .runtime(&args.interactive.session, args.interactive.strict_config),
        Command::Archive(args) => {
            Plan::new("codex archive").runtime(&args.session, args.strict_config)
        }
        Command::Unarchive(args) => {
            Plan::new("codex unarchive").runtime(&args.session, args.strict_config)
        }
        Command::Sandbox(args) => {
            let mut plan = Plan::new("codex sandbox");
            plan.takes_root_profile = true;
            plan.profile = args.config_profile.as_ref();
            plan.cwd = args.cwd.as_ref();
            plan
        }
        Command::Mcp(_) => {
            let mut plan = Plan::new("codex mcp");
            plan.takes_root_profile = true;
            plan
        }
        Command::Debug(args) => match &args.command {
            DebugCommand::PromptInput(_) => {
                let mut plan = Plan::new("codex debug prompt-input");
                plan.takes_root_profile = true;
                plan
            }
            DebugCommand::Models(_) => Plan::new("codex debug models"),
            DebugCommand::AppServer(_) => Plan::new("codex debug app-server"),
            DebugCommand::ClearMemories => Plan::new("codex debug clear-memories"),
            DebugCommand::TraceReduce(_) => Plan::new("codex debug trace-reduce"),
        },
        Command::AppServer(args) => {
            let mut plan = Plan::new("codex app-server");
            plan.strict = Some(args.strict_config);
            plan
        }
        Command::McpServer(args) => {
            let mut plan = Plan::new("codex mcp-server");
            plan.strict = Some(args.strict_config);
            plan
        }
        Command::Login(_) => Plan::new("codex login"),
        Command::Logout => Plan::new("codex logout"),
        Command::Plugin(_) => Plan::new("codex plugin"),
        Command::RemoteControl(_) => Plan::new("codex remote-control"),
        Command::Completion(_) => Plan::new("codex completion"),
        Command::Update => Plan::new("codex update"),
        Command::Doctor(_) => Plan::new("codex doctor"),
        Command::Execpolicy(_) => Plan::new("codex execpolicy"),
        Command::Apply(_) => Plan::new("codex apply"),
        Command::Cloud(_) => Plan::new("codex cloud"),
        Command::ResponsesApiProxy(_) => Plan::new("codex responses-api-proxy"),
        Command::StdioToUds(_) => Plan::new("codex stdio-to-uds"),
        Command::ExecServer(_) => Plan::new("codex exec-server"),
        Command::Features(_) => Plan::new("codex features"),
    }
}

/// Whether `text` is a UUID (`8-4-4-4-12` hex digits), the form of thread ids.
pub(crate) fn is_thread_id(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// `codex features list` → `codex features`: the reference names the top-level command.
fn top_level_path(path: &str) -> String {
    path.split(' ').take(2).collect::<Vec<_>>().join(" ")
}

fn codex_home(ctx: &Context) -> Result<PathBuf, ConfigError> {
    find_codex_home(ctx.env.get("CODEX_HOME"), ctx.env.home_dir().as_deref())
}

/// An unusable CODEX_HOME, worded as each command of the reference words it.
fn home_failure(path: &str, err: ConfigError) -> Failure {
    match path {
        "codex exec" => {
            eprintln!("Error finding codex home: {err}");
            Failure::Exit(1)
        }
        "codex archive" | "codex unarchive" => {
            Failure::Other(anyhow::anyhow!("failed to find Codex home"))
        }
        _ => Failure::Other(anyhow::Error::new(err)),
    }
}

/// Loads and checks the configuration for `plan`, reporting errors in its style.
fn load(
    cli: &Cli,
    ctx: &Context,
    plan: &Plan<'_>,
    root_profile: Option<&ProfileName>,
    root_strict: bool,
) -> Result<Config, Failure> {
    let strict = plan.strict.unwrap_or(false) || root_strict;
    let wrap = |err: ConfigError| {
        if plan.runtime {
            Failure::RuntimeConfig { err, strict }
        } else {
            Failure::Config(err)
        }
    };
    let overrides = &cli.overrides;
    let overrides = CliOverrides::parse(&overrides.config, &overrides.enable, &overrides.disable)
        .map_err(|e| Failure::Other(anyhow::Error::new(e)))?;
    let profile = plan.profile.or(if plan.takes_root_profile {
        root_profile
    } else {
        None
    });
    let cwd = session_cwd(ctx, plan.cwd)?;
    let options = LoadOptions {
        codex_home: codex_home(ctx).map_err(|e| home_failure(plan.path, e))?,
        cwd: Some(cwd),
        overrides,
        profile: profile.map(|p| p.as_str().to_owned()),
        ignore_user_config: plan.ignore_user_config,
        system_dir: None,
    };
    Config::load(&options, strict).map_err(wrap)
}

/// The session directory: `-C/--cd` against the process directory, or the latter. A
/// process directory that is gone, or a `-C` that does not exist, is the reference's
/// `Error: No such file or directory (os error 2)` (a `-C` naming a file is accepted, as
/// there).
fn session_cwd(ctx: &Context, cd: Option<&PathBuf>) -> Result<PathBuf, Failure> {
    let io_failure = |err: std::io::Error| Failure::Other(anyhow::Error::new(err));
    if let Some(err) = &ctx.cwd_error {
        let again = err.raw_os_error().map_or_else(
            || std::io::Error::new(err.kind(), err.to_string()),
            std::io::Error::from_raw_os_error,
        );
        return Err(io_failure(again));
    }
    let dir = match cd {
        Some(dir) if dir.is_absolute() => dir.clone(),
        Some(dir) => ctx.cwd.join(dir),
        None => ctx.cwd.clone(),
    };
    std::fs::metadata(&dir).map_err(io_failure)?;
    Ok(dir)
}

fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::Other(anyhow::Error::new(e)))
}
