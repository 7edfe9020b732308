//! `codex archive SESSION` / `codex unarchive SESSION`: move a saved session's rollout to
//! `archived_sessions/` and back, with the reference's messages.

use recodex_config::Config;
use recodex_state::{ArchiveError, archive_thread, unarchive_thread};

use super::Context;
use crate::args::ArchiveArgs;
use crate::exit::Failure;

/// Archives (`archive == true`) or unarchives the session `args.target`.
pub(crate) fn run(
    args: &ArchiveArgs,
    config: &Config,
    ctx: &Context,
    archive: bool,
) -> Result<(), Failure> {
    if args.remote.remote.is_some() {
        return Err(Failure::NotBuilt(
            "codex archive --remote (remote app servers)".to_owned(),
        ));
    }
    let target = args.target.as_str();
    let verb = if archive { "archive" } else { "unarchive" };
    if !super::is_thread_id(target) {
        // Names are looked up among named sessions; recodex cannot name sessions yet, so
        // no name matches.
        let which = if archive { "active" } else { "archived" };
        return Err(Failure::Other(anyhow::anyhow!(
            "No {which} session found matching '{target}'."
        )));
    }
    let sqlite_dir =
        recodex_state::sqlite_home(&config.codex_home, ctx.env.get("CODEX_SQLITE_HOME"));
    let result = if archive {
        archive_thread(&config.codex_home, &sqlite_dir, target)
    } else {
        unarchive_thread(&config.codex_home, &sqlite_dir, target)
    };
    match result {
        Ok(_) => {
            let done = if archive { "Archived" } else { "Unarchived" };
            println!("{done} session {target}.");
            Ok(())
        }
        Err(ArchiveError::NotFound(_)) => {
            Err(Failure::Other(anyhow::anyhow!("failed to {verb} session")))
        }
        Err(err) => Err(Failure::Other(
            anyhow::Error::new(err).context(format!("failed to {verb} session")),
        )),
    }
}
