//! `codex app-server`: the JSON-RPC server over stdin/stdout. Other listeners (unix
//! socket, websocket) and the app-server's tooling subcommands are not built yet.

use recodex_config::Config;
use recodex_server::ServerContext;

use super::Context;
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
    };
    let stdin = std::io::stdin().lock();
    let stdout = std::io::stdout().lock();
    let stderr = std::io::stderr();
    recodex_server::serve(context, stdin, stdout, stderr).map_err(|e| Failure::Other(e.into()))
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|name| name.trim().to_owned())
        .unwrap_or_default()
}
