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
    // A target that is not a thread id is a thread name, looked up among the threads of
    // the interactive front ends that are active (archive) or archived (unarchive).
    let (id, mut name) = if super::is_thread_id(target) {
        (target.to_owned(), None)
    } else {
        let found = recodex_state::find_thread_by_name(&config.codex_home, target, !archive)
            .map_err(|err| {
                Failure::Other(
                    anyhow::Error::new(err)
                        .context("failed to list sessions while resolving session name"),
                )
            })?;
        let which = if archive { "active" } else { "archived" };
        let id = found.ok_or_else(|| {
            Failure::Other(anyhow::anyhow!(
                "No {which} session found matching '{target}'."
            ))
        })?;
        (id, Some(target.to_owned()))
    };
    let sqlite_dir =
        recodex_state::sqlite_home(&config.codex_home, ctx.env.get("CODEX_SQLITE_HOME"));
    let result = if archive {
        archive_thread(&config.codex_home, &sqlite_dir, &id)
    } else {
        unarchive_thread(&config.codex_home, &sqlite_dir, &id)
    };
    match result {
        Ok(_) => {
            if !archive {
                // The reference reports an unarchived thread under its current name.
                let current = recodex_state::thread_names(&config.codex_home)
                    .ok()
                    .and_then(|mut names| names.remove(&id));
                name = current.or(name);
            }
            let done = if archive { "Archived" } else { "Unarchived" };
            match name {
                Some(name) => println!("{done} session {name} ({id})."),
                None => println!("{done} session {id}."),
            }
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
