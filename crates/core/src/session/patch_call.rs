//! Patches from the model, in all three forms (the `apply_patch` tool, as a freeform or a
//! JSON function tool, and `apply_patch` run through `exec_command`/`shell_command`),
//! going through one path: verify in this process, check the policy, report the begin
//! event, apply in the sandbox, report the end event and the turn's diff.

use std::path::{Path, PathBuf};
use std::time::Duration;

use recodex_apply_patch::{IMPLICIT_INVOCATION_MESSAGE, Invocation, Patch};

use crate::registry::ShellTool;
use tokio::sync::mpsc;

use super::Session;
use super::items::FunctionOutput;
use crate::event::Event;
use crate::patch;
use crate::record;

/// What a patch call gives back.
#[derive(Debug)]
pub(super) struct PatchCallOutput {
    /// The text for the model.
    pub(super) text: String,
    /// How long the apply step ran, when the patch got that far.
    pub(super) ran_for: Option<Duration>,
}

impl PatchCallOutput {
    fn refused(text: String) -> Self {
        Self {
            text,
            ran_for: None,
        }
    }
}

/// What the model reads for a patch the user declined.
const PATCH_DECLINED: &str = "patch rejected by user";

impl Session {
    /// Verifies, checks and applies `patch` in `cwd` for the call `call_id`.
    pub(super) async fn run_patch(
        &mut self,
        call_id: &str,
        patch: &Patch,
        cwd: &Path,
        events: &mpsc::Sender<Event>,
    ) -> std::io::Result<PatchCallOutput> {
        let plan = match patch::verify(patch, cwd) {
            Ok(plan) => plan,
            Err(text) => return Ok(PatchCallOutput::refused(text)),
        };
        let tmpdir = self.settings.env.get("TMPDIR").map(String::as_str);
        let assessed = patch::assess(&plan, &self.settings.sandbox_policy, cwd, tmpdir);
        let changes = patch::summarize(&plan);
        // A patch outside the writable roots, or any patch under `untrusted`, is asked
        // about when a front end can ask; otherwise one outside the roots is refused.
        let must_ask = assessed.is_err() || self.tools.asks_every_patch();
        if let (Err(text), false) = (&assessed, self.settings.approvals.is_some()) {
            return Ok(PatchCallOutput::refused(text.clone()));
        }
        let _ = events
            .send(Event::PatchApplyBegin {
                call_id: call_id.to_owned(),
                changes: changes.clone(),
            })
            .await;
        if must_ask {
            use crate::approval::ReviewDecision::{Approved, ApprovedForSession};
            let decision = self.tools.ask_patch(call_id, changes.clone()).await;
            if !matches!(decision, Some(Approved | ApprovedForSession)) {
                return self.declined_patch(call_id, changes, events).await;
            }
        }
        // Approved outside the writable roots, it is applied outside the sandbox.
        let outside = must_ask && assessed.is_err();
        let run = self
            .tools
            .apply_patch(cwd, plan.patch_text(), outside)
            .await;
        let success = run.exit_code == 0;
        let (stdout, stderr) = if success {
            (run.output.clone(), String::new())
        } else {
            (String::new(), run.output.clone())
        };
        self.recorder.event(record::patch_apply_end(
            call_id,
            &self.turn_id,
            &stdout,
            &stderr,
            success,
            plan.changes(),
        ))?;
        let _ = events
            .send(Event::PatchApplyEnd {
                call_id: call_id.to_owned(),
                changes,
                stdout,
                stderr,
                success,
                declined: false,
            })
            .await;
        if success {
            self.turn_diff.record(plan.changes());
        }
        self.send_turn_diff(events).await;
        Ok(PatchCallOutput {
            text: self.tools.format_patch_run(&run),
            ran_for: Some(run.wall_time),
        })
    }

    /// Reports a patch the user declined: nothing is written, and the model reads the
    /// reference's text.
    async fn declined_patch(
        &mut self,
        call_id: &str,
        changes: Vec<crate::PatchChange>,
        events: &mpsc::Sender<Event>,
    ) -> std::io::Result<PatchCallOutput> {
        let _ = events
            .send(Event::PatchApplyEnd {
                call_id: call_id.to_owned(),
                changes,
                stdout: String::new(),
                stderr: PATCH_DECLINED.to_owned(),
                success: false,
                declined: true,
            })
            .await;
        Ok(PatchCallOutput::refused(PATCH_DECLINED.to_owned()))
    }

    /// Parses the text of an `apply_patch` tool call and runs it in the session's cwd.
    pub(super) async fn run_patch_text(
        &mut self,
        call_id: &str,
        text: &str,
        events: &mpsc::Sender<Event>,
    ) -> std::io::Result<FunctionOutput> {
        match recodex_apply_patch::parse_patch(text) {
            Ok(parsed) => {
                let cwd = self.settings.cwd.clone();
                let out = self.run_patch(call_id, &parsed, &cwd, events).await?;
                Ok(match out.ran_for {
                    Some(_) => FunctionOutput::Output(out.text),
                    None => FunctionOutput::Refused(out.text),
                })
            }
            Err(err) => Ok(FunctionOutput::Refused(format!(
                "apply_patch verification failed: {err}"
            ))),
        }
    }

    /// Runs a shell tool call that is really an apply_patch invocation (a heredoc, or
    /// `apply_patch PATCH`) as a patch. `None`: not a patch, run it as a command.
    pub(super) async fn intercept_patch(
        &mut self,
        shell: ShellTool,
        arguments: &str,
        call_id: &str,
        events: &mpsc::Sender<Event>,
    ) -> std::io::Result<Option<FunctionOutput>> {
        let Some((argv, workdir)) = shell_call_argv(shell, arguments) else {
            return Ok(None);
        };
        let base = match workdir {
            Some(dir) => self.settings.cwd.join(dir),
            None => self.settings.cwd.clone(),
        };
        match recodex_apply_patch::classify_command(&argv) {
            Invocation::NotApplyPatch => Ok(None),
            Invocation::ImplicitInvocation => Ok(Some(FunctionOutput::Refused(format!(
                "apply_patch verification failed: {IMPLICIT_INVOCATION_MESSAGE}"
            )))),
            Invocation::InvalidPatch(err) => Ok(Some(FunctionOutput::Refused(format!(
                "apply_patch verification failed: {err}"
            )))),
            Invocation::ApplyPatch { patch, workdir } => {
                let cwd = match workdir {
                    Some(dir) => base.join(dir),
                    None => base,
                };
                let out = self.run_patch(call_id, &patch, &cwd, events).await?;
                // exec_command wraps what ran in its own response layout.
                Ok(Some(match out.ran_for {
                    Some(wall) if shell == ShellTool::ExecCommand => {
                        FunctionOutput::Output(format!(
                            "Wall time: {:.4} seconds\nOutput:\n{}",
                            wall.as_secs_f64(),
                            out.text
                        ))
                    }
                    Some(_) => FunctionOutput::Output(out.text),
                    None => FunctionOutput::Refused(out.text),
                }))
            }
        }
    }

    /// Tells the front end the turn's diff so far, if the turn changed anything.
    pub(super) async fn send_turn_diff(&self, events: &mpsc::Sender<Event>) {
        if let Some(unified_diff) = self.turn_diff.unified_diff() {
            let _ = events.send(Event::TurnDiff { unified_diff }).await;
        }
    }
}

/// Whether a shell tool call is an apply_patch invocation (or a malformed one) that the
/// patch path answers instead of the shell.
pub(super) fn looks_like_patch(shell: ShellTool, arguments: &str) -> bool {
    shell_call_argv(shell, arguments).is_some_and(|(argv, _)| {
        !matches!(
            recodex_apply_patch::classify_command(&argv),
            Invocation::NotApplyPatch
        )
    })
}

/// The argv a shell tool call would run (`bash -lc CMD`) and its `workdir`, for the
/// apply_patch check; `None` for other tools or arguments that do not parse.
fn shell_call_argv(shell: ShellTool, arguments: &str) -> Option<(Vec<String>, Option<PathBuf>)> {
    let key = match shell {
        ShellTool::ExecCommand => "cmd",
        ShellTool::ShellCommand => "command",
        ShellTool::WriteStdin => return None,
    };
    let args: serde_json::Value = serde_json::from_str(arguments).ok()?;
    let script = args.get(key)?.as_str()?;
    let workdir = args
        .get("workdir")
        .and_then(serde_json::Value::as_str)
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from);
    Some((
        vec!["bash".to_owned(), "-lc".to_owned(), script.to_owned()],
        workdir,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_calls_become_login_shell_argv() {
        let (argv, workdir) =
            shell_call_argv(ShellTool::ExecCommand, r#"{"cmd":"ls","workdir":"sub"}"#).unwrap();
        assert_eq!(argv, ["bash", "-lc", "ls"]);
        assert_eq!(workdir, Some(PathBuf::from("sub")));
        let (argv, workdir) =
            shell_call_argv(ShellTool::ShellCommand, r#"{"command":"pwd"}"#).unwrap();
        assert_eq!(argv, ["bash", "-lc", "pwd"]);
        assert_eq!(workdir, None);
        assert!(shell_call_argv(ShellTool::WriteStdin, r#"{"chars":"x"}"#).is_none());
        assert!(shell_call_argv(ShellTool::ExecCommand, "not json").is_none());
        assert!(shell_call_argv(ShellTool::ExecCommand, r#"{"cmd":7}"#).is_none());
    }
}
