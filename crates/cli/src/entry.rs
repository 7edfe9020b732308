//! The program: start-up, parsing, dispatch, exit status.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::ErrorKind;

use crate::commands::{self, Context};
use crate::exit::{Failure, report};
use crate::startup::{HelperDir, Personality, ProcessEnv, create_helper_dir};

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
        Personality::ApplyPatch => return report(Failure::NotBuilt("apply_patch".to_owned())),
        Personality::LinuxSandbox => {
            return report(Failure::NotBuilt("codex-linux-sandbox".to_owned()));
        }
        Personality::Codex | Personality::Recodex => {}
    }
    let mut env = ProcessEnv::capture();
    let _helper = prepare_home(&mut env);
    let cli = match crate::args::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(err)
            if err.kind() == ErrorKind::DisplayVersion && personality == Personality::Recodex =>
        {
            println!("{RECODEX_VERSION_LINE}");
            return ExitCode::SUCCESS;
        }
        Err(err) => return report(Failure::Usage(err)),
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let ctx = Context { env, cwd };
    match commands::run(cli, &ctx) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(failure),
    }
}

/// Applies `$CODEX_HOME/.env` and creates the helper directory; failures are warnings,
/// as in the reference, because most commands can go on without them.
fn prepare_home(env: &mut ProcessEnv) -> Option<HelperDir> {
    let home =
        match recodex_config::find_codex_home(env.get("CODEX_HOME"), env.home_dir().as_deref()) {
            Ok(home) => home,
            Err(err) => {
                eprintln!("WARNING: proceeding, even though we could not update PATH: {err}");
                return None;
            }
        };
    if let Ok(text) = std::fs::read_to_string(home.join(".env")) {
        env.apply_dotenv(&text);
    }
    let exe = std::env::current_exe().ok()?;
    match create_helper_dir(&home, &env.temp_dir(), &exe) {
        Ok(dir) => {
            let path = match env.get("PATH") {
                Some(existing) => format!("{}:{existing}", dir.path().display()),
                None => dir.path().display().to_string(),
            };
            env.set("PATH", path);
            Some(dir)
        }
        Err(err) => {
            eprintln!("WARNING: proceeding, even though we could not update PATH: {err}");
            None
        }
    }
}
