//! The `apply_patch` command: what it prints and how it reads its patch.
//!
//! Invoked as `apply_patch` (argv[0]), the binary takes the patch as its only argument or,
//! without one, from stdin; applies it in the current directory; prints the success
//! summary on stdout or one error line on stderr; and exits 0 (applied), 1 (rejected or
//! failed) or 2 (usage).

use std::ffi::{OsStr, OsString};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::ApplyPatchError;
use crate::plan::{PatchPlan, plan_patch_text};

/// The `argv[1]` with which the main binary runs a patch itself (`argv[2]`), as the reference's
/// engine does to apply a patch inside the sandbox.
pub const CODEX_RUN_AS_APPLY_PATCH_ARG1: &str = "--codex-run-as-apply-patch";

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

/// `codex --codex-run-as-apply-patch [PATCH]`: `patch` is `argv[2]` (further arguments are
/// ignored). Without it the patch is read from `stdin`, which is how recodex passes patches
/// larger than one argument may be; an empty stdin is the reference's missing-argument
/// error. Returns the exit status.
pub fn run_self_invocation(
    patch: Option<&OsStr>,
    mut stdin: impl Read,
    stdout: &mut impl Write,
    stderr: &mut impl Write,
    cwd: io::Result<PathBuf>,
) -> i32 {
    let from_stdin;
    let patch = match patch {
        Some(arg) => arg.to_str(),
        None => {
            let mut buf = String::new();
            from_stdin = stdin.read_to_string(&mut buf).ok().map(|_| buf);
            from_stdin.as_deref().filter(|text| !text.is_empty())
        }
    };
    let Some(patch) = patch else {
        let _ = writeln!(
            stderr,
            "Error: {CODEX_RUN_AS_APPLY_PATCH_ARG1} requires a UTF-8 PATCH argument."
        );
        return 1;
    };
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
    match apply_patch(patch, &cwd, stdout, stderr) {
        Ok(_) => {
            let _ = stdout.flush();
            0
        }
        Err(_) => 1,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let cwd = Err(io::Error::other("no cwd in this test"));
        let status = run_personality(&args, stdin.as_bytes(), &mut out, &mut err, cwd);
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        (status, text(out), text(err))
    }

    #[test]
    fn usage_and_argument_errors() {
        assert_eq!(
            run(&["apply_patch"], ""),
            (2, String::new(), format!("{USAGE}\n"))
        );
        assert_eq!(
            run(&["apply_patch", "a", "b"], ""),
            (
                2,
                String::new(),
                "Error: apply_patch accepts exactly one argument.\n".into()
            )
        );
        // The patch is read before the working directory is needed.
        let (status, _, err) = run(&["apply_patch"], "x");
        assert_eq!(status, 1);
        assert!(err.starts_with("Error: Failed to determine current directory.\n"));
    }

    #[test]
    fn self_invocation_needs_its_argument() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status =
            run_self_invocation(None, &b""[..], &mut out, &mut err, Ok(PathBuf::from("/")));
        assert_eq!(status, 1);
        assert_eq!(
            String::from_utf8(err).unwrap(),
            "Error: --codex-run-as-apply-patch requires a UTF-8 PATCH argument.\n"
        );
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run_self_invocation(
            Some(OsStr::new("a")),
            &b""[..],
            &mut out,
            &mut err,
            Ok(PathBuf::from("/")),
        );
        assert_eq!(status, 1);
        assert_eq!(
            String::from_utf8(err).unwrap(),
            "Invalid patch: The first line of the patch must be '*** Begin Patch'\n"
        );
    }

    #[test]
    fn self_invocation_reads_a_patch_too_large_for_an_argument_from_stdin() {
        // Issue 22.7: one argument may not exceed 128 KiB; the patch comes on stdin.
        let dir = tempfile::tempdir().unwrap();
        let body: String = (0..20_000).map(|i| format!("+line {i}\n")).collect();
        let patch = format!("*** Begin Patch\n*** Add File: big.txt\n{body}*** End Patch\n");
        assert!(patch.len() > 128 * 1024);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run_self_invocation(
            None,
            patch.as_bytes(),
            &mut out,
            &mut err,
            Ok(dir.path().to_path_buf()),
        );
        assert_eq!(status, 0, "{}", String::from_utf8_lossy(&err));
        let written = std::fs::read_to_string(dir.path().join("big.txt")).unwrap();
        assert_eq!(written.lines().count(), 20_000);
    }
}
