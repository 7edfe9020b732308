//! The program: start-up, parsing, dispatch, exit status.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::ErrorKind;

use crate::commands::{self, Context};
use crate::exit::{Failure, report};
use crate::startup::{HelperDir, Personality, ProcessEnv, create_helper_dir, helper_dir_allowed};

/// The version recodex reports for itself when invoked as `recodex`.
pub const RECODEX_VERSION_LINE: &str = concat!(
    "recodex ",
    env!("CARGO_PKG_VERSION"),
    " (compatible with codex-cli 0.136.0)"
);

/// Runs the binary with the process's argv and environment.
pub fn main_entry() -> ExitCode {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let personality =
        Personality::from_arg0(argv.first().map_or(OsString::new().as_os_str(), |a| a));
    match personality {
        Personality::ApplyPatch => return run_apply_patch(&argv),
        Personality::LinuxSandbox => {
            let code = recodex_sandbox::run_linux_sandbox_main(argv);
            return ExitCode::from(u8::try_from(code).unwrap_or(1));
        }
        Personality::Codex | Personality::Recodex => {}
    }
    if argv
        .get(1)
        .is_some_and(|a| a == recodex_apply_patch::CODEX_RUN_AS_APPLY_PATCH_ARG1)
    {
        // How the agent re-invokes this binary to apply a patch (e.g. inside the sandbox).
        let status = recodex_apply_patch::run_self_invocation(
            argv.get(2).map(OsString::as_os_str),
            std::io::stdin().lock(),
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
            std::env::current_dir(),
        );
        return ExitCode::from(u8::try_from(status).unwrap_or(1));
    }
    if argv
        .get(1)
        .is_some_and(|a| a == recodex_process::RUN_AS_LINUX_SANDBOX_FLAG)
    {
        // How sandboxed commands start: this binary acting as `codex-linux-sandbox`.
        let mut helper_argv: Vec<OsString> = vec![OsString::from("codex-linux-sandbox")];
        helper_argv.extend(argv.iter().skip(2).cloned());
        let code = recodex_sandbox::run_linux_sandbox_main(helper_argv);
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    let mut env = ProcessEnv::capture();
    let home = resolve_home(&mut env);
    if is_plain_version_request(&argv) {
        // The commonest scripted call: answer it without building the command tree or
        // touching the helper directory (the warnings still appear as in the reference).
        warn_if_helpers_refused(home.as_deref(), &env);
        match personality {
            Personality::Recodex => println!("{RECODEX_VERSION_LINE}"),
            _ => println!("codex-cli {}", crate::args::UPSTREAM_VERSION),
        }
        return ExitCode::SUCCESS;
    }
    let cli = match crate::args::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(err) => {
            warn_if_helpers_refused(home.as_deref(), &env);
            if err.kind() == ErrorKind::DisplayVersion && personality == Personality::Recodex {
                println!("{RECODEX_VERSION_LINE}");
                return ExitCode::SUCCESS;
            }
            return report(Failure::Usage(err));
        }
    };
    let _helper = if commands::spawns_model_commands(&cli) {
        home.as_deref()
            .and_then(|home| create_helpers(home, &mut env))
    } else {
        warn_if_helpers_refused(home.as_deref(), &env);
        None
    };
    // A working directory that no longer exists fails the commands that need one (as in
    // the reference), not the others.
    let (cwd, cwd_error) = match std::env::current_dir() {
        Ok(cwd) => (cwd, None),
        Err(err) => (std::path::PathBuf::new(), Some(err)),
    };
    let identity = match personality {
        Personality::Recodex => recodex_session::Identity::Recodex,
        _ => recodex_session::Identity::Codex,
    };
    let ctx = Context {
        env,
        cwd,
        cwd_error,
        identity,
    };
    match commands::run(cli, &ctx) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(failure),
    }
}

/// The `apply_patch` personality: the patch from argv[1] or stdin, applied in the current
/// directory.
fn run_apply_patch(argv: &[OsString]) -> ExitCode {
    let status = recodex_apply_patch::run_personality(
        argv,
        std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
        std::env::current_dir(),
    );
    ExitCode::from(u8::try_from(status).unwrap_or(1))
}

/// `codex --version` / `codex -V` and nothing else.
fn is_plain_version_request(argv: &[OsString]) -> bool {
    argv.len() == 2 && (argv[1] == "--version" || argv[1] == "-V")
}

const PATH_WARNING: &str = "WARNING: proceeding, even though we could not update PATH";

/// Finds CODEX_HOME and applies its `.env`. A CODEX_HOME that cannot be used is a
/// warning here (the command reports the error itself if it needs the directory).
fn resolve_home(env: &mut ProcessEnv) -> Option<std::path::PathBuf> {
    match recodex_config::find_codex_home(env.get("CODEX_HOME"), env.home_dir().as_deref()) {
        Ok(home) => {
            if let Ok(text) = std::fs::read_to_string(home.join(".env")) {
                env.apply_dotenv(&text);
            }
            Some(home)
        }
        Err(err) => {
            eprintln!("{PATH_WARNING}: {err}");
            None
        }
    }
}

/// Prints the warning the reference prints when it refuses to create the helper
/// directory (CODEX_HOME under the temp directory), for commands that do not need it.
fn warn_if_helpers_refused(home: Option<&std::path::Path>, env: &ProcessEnv) {
    if let Some(home) = home
        && let Err(err) = helper_dir_allowed(home, &env.temp_dir())
    {
        eprintln!("{PATH_WARNING}: {err}");
    }
}

/// Creates the helper directory and puts it first on the PATH handed to children.
fn create_helpers(home: &std::path::Path, env: &mut ProcessEnv) -> Option<HelperDir> {
    let exe = std::env::current_exe().ok()?;
    match create_helper_dir(home, &env.temp_dir(), &exe) {
        Ok(dir) => {
            let path = match env.get("PATH") {
                Some(existing) => format!("{}:{existing}", dir.path().display()),
                None => dir.path().display().to_string(),
            };
            env.set("PATH", path);
            Some(dir)
        }
        Err(err) => {
            eprintln!("{PATH_WARNING}: {err}");
            None
        }
    }
}
