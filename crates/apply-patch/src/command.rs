//! The `apply_patch` command: what it prints and how it reads its patch.
//!
//! Invoked as `apply_patch` (argv[0]), the binary takes the patch as its only argument or,
//! without one, from stdin; applies it in the current directory; prints the success
//! summary on stdout or one error line on stderr; and exits 0 (applied), 1 (rejected or
//! failed) or 2 (usage).

use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::ApplyPatchError;
use crate::plan::{PatchPlan, plan_patch_text};

const USAGE: &str = "Usage: apply_patch 'PATCH'\n       echo 'PATCH' | apply_patch";

/// Parses, verifies and applies `patch` in `cwd`, then writes what the reference prints:
/// the summary on `stdout` on success, the error line on `stderr` otherwise. Returns the
/// applied plan (for events) or the error. Nothing is written to disk on failure.
pub fn apply_patch(
    patch: &str,
    cwd: &Path,
    stdout: &mut impl Write,
    stderr: &mut impl Write,
) -> Result<PatchPlan, ApplyPatchError> {
    let result = plan_patch_text(patch, cwd).and_then(|plan| plan.apply().map(|()| plan));
    // Output is best effort: a closed pipe must not turn an applied patch into a failure.
    match &result {
        Ok(plan) => {
            let _ = write!(stdout, "{}", plan.summary());
        }
        Err(err) => {
            let _ = writeln!(stderr, "{}", err.stderr_text());
        }
    }
    result
}

/// The `apply_patch` personality. `args` is the whole argv (`argv[0]` included); `cwd` is
/// the current directory, or why it could not be determined. Returns the exit status.
pub fn run_personality(
    args: &[OsString],
    mut stdin: impl Read,
    stdout: &mut impl Write,
    stderr: &mut impl Write,
    cwd: io::Result<PathBuf>,
) -> i32 {
    let mut rest = args.iter().skip(1);
    let patch = match rest.next() {
        Some(arg) => match arg.to_str() {
            Some(text) => text.to_owned(),
            None => {
                let _ = writeln!(
                    stderr,
                    "Error: apply_patch requires a UTF-8 PATCH argument."
                );
                return 1;
            }
        },
        None => {
            let mut buf = String::new();
            match stdin.read_to_string(&mut buf) {
                Ok(_) if buf.is_empty() => {
                    let _ = writeln!(stderr, "{USAGE}");
                    return 2;
                }
                Ok(_) => buf,
                Err(err) => {
                    let _ = writeln!(stderr, "Error: Failed to read PATCH from stdin.\n{err}");
                    return 1;
                }
            }
        }
    };
    if rest.next().is_some() {
        let _ = writeln!(stderr, "Error: apply_patch accepts exactly one argument.");
        return 2;
    }
    let cwd = match cwd {
        Ok(cwd) => cwd,
        Err(err) => {
            let _ = writeln!(
                stderr,
                "Error: Failed to determine current directory.\n{err}"
            );
            return 1;
        }
    };
    match apply_patch(&patch, &cwd, stdout, stderr) {
        Ok(_) => {
            let _ = stdout.flush();
            0
        }
        Err(_) => 1,
    }
}
