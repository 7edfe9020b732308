//! Asking the user from the tool runtime: whether a command may run (an escalation, a
//! command a `prompt` rule holds back, an `untrusted` command), whether a command the
//! sandbox stopped may run again outside it, and whether a patch may be applied.

use tokio::sync::mpsc;

use super::{Event, ToolRuntime, prepare_exec_command, rejected_text};

impl ToolRuntime {
    /// Asks the user about applying a patch; `None` when no front end can ask. A
    /// cancelled answer also stops the turn.
    pub(crate) async fn ask_patch(
        &self,
        call_id: &str,
        changes: Vec<crate::PatchChange>,
    ) -> Option<crate::approval::ReviewDecision> {
        let approvals = self.approvals.as_ref()?;
        let turn = self.turn_id.lock().map(|t| t.clone()).unwrap_or_default();
        let subject = crate::approval::ApprovalSubject::Patch {
            call_id: call_id.to_owned(),
            changes,
            reason: None,
        };
        let decision = crate::approval::ask(approvals, (&self.thread_id, &turn), subject)
            .await
            .unwrap_or(crate::approval::ReviewDecision::Abort);
        if decision == crate::approval::ReviewDecision::Abort
            && let Ok(handle) = self.interrupt.lock()
            && let Some(handle) = handle.as_ref()
        {
            handle.interrupt();
        }
        Some(decision)
    }

    /// Whether every patch is asked about (`untrusted`).
    pub(crate) fn asks_every_patch(&self) -> bool {
        self.ask_unless_safe && self.approvals.is_some()
    }

    /// Asks the user about running `prepared` (an escalation outside the sandbox, or a
    /// command a `prompt` rule holds back); `Ok` when it may run (then outside the sandbox
    /// if it was an escalation), else the text for the model. Without a front end that can
    /// ask, nothing runs that needs approval.
    pub(super) async fn approve(
        &self,
        call_id: &str,
        prepared: &mut recodex_tools::unified_exec::PreparedExec,
        rule_reason: Option<String>,
        events: &mpsc::Sender<Event>,
    ) -> Result<Approval, String> {
        let escalation = prepared
            .escalation()
            .filter(|_| self.sandboxed)
            .map(|why| why.map(str::to_owned));
        let unsafe_untrusted = self.ask_unless_safe
            && !recodex_command_safety::runs_without_approval_when_untrusted(prepared.argv());
        let quiet = Approval {
            announced: false,
            retry_outside: false,
        };
        if escalation.is_none() && rule_reason.is_none() && !unsafe_untrusted {
            return Ok(quiet);
        }
        let Some(approvals) = &self.approvals else {
            return match rule_reason {
                Some(_) => Err(crate::exec_policy::NEVER_TEXT.to_owned()),
                // Asked for, but nobody can approve: it runs inside the sandbox.
                None => Ok(quiet),
            };
        };
        let command = prepared.command().to_owned();
        let cwd = prepared.cwd().to_path_buf();
        let remembered = self
            .approved_for_session
            .lock()
            .is_ok_and(|approved| approved.contains(&command));
        let answer = (!remembered).then(|| {
            let turn = self.turn_id.lock().map(|t| t.clone()).unwrap_or_default();
            let subject = crate::approval::ApprovalSubject::Exec {
                call_id: call_id.to_owned(),
                command: command.clone(),
                argv: prepared.argv().to_vec(),
                cwd: cwd.clone(),
                // A rule's reason wins over the model's justification, as in the reference.
                reason: rule_reason.clone().or_else(|| escalation.clone().flatten()),
                // An escalation and an untrusted command offer the rule amendment; a
                // command a rule holds back does not.
                escalated: rule_reason.is_none(),
            };
            crate::approval::ask(approvals, (&self.thread_id, &turn), subject)
        });
        // The command shows as started while the user decides, as in the reference (the
        // question was sent first, so a front end can tell the two apart).
        let _ = events
            .send(Event::CommandBegin {
                call_id: call_id.to_owned(),
                command: command.clone(),
                cwd: cwd.clone(),
                process_id: None,
                source: crate::event::CommandSource::Agent,
            })
            .await;
        let decision = match answer {
            None => crate::approval::ReviewDecision::Approved,
            Some(answer) => answer
                .await
                .unwrap_or(crate::approval::ReviewDecision::Abort),
        };
        use crate::approval::ReviewDecision::{Abort, Approved, ApprovedForSession, Denied};
        match decision {
            Approved | ApprovedForSession => {
                if decision == ApprovedForSession
                    && let Ok(mut approved) = self.approved_for_session.lock()
                {
                    approved.insert(command);
                }
                if escalation.is_some() {
                    prepared.approve_outside_sandbox();
                }
                Ok(Approval {
                    announced: true,
                    // An untrusted command the user let run goes outside the sandbox if
                    // the sandbox stops it, as in the reference.
                    retry_outside: unsafe_untrusted && rule_reason.is_none(),
                })
            }
            Denied | Abort => {
                if decision == Abort
                    && let Ok(handle) = self.interrupt.lock()
                    && let Some(handle) = handle.as_ref()
                {
                    handle.interrupt();
                }
                let _ = events
                    .send(Event::CommandEnd {
                        call_id: call_id.to_owned(),
                        command,
                        output: String::new(),
                        exit_code: None,
                        cwd,
                        duration_ms: 0,
                        declined: true,
                        process_id: None,
                        source: crate::event::CommandSource::Agent,
                    })
                    .await;
                Err(rejected_text(prepared.command(), "rejected by user"))
            }
        }
    }

    /// After the sandbox stopped a command: the same command prepared to run outside it,
    /// when the user already let it run (`untrusted`), or says so now (`on-failure`).
    pub(super) async fn retry_outside(
        &self,
        call_id: &str,
        arguments: &str,
        approved: bool,
    ) -> Option<recodex_tools::unified_exec::PreparedExec> {
        let mut again = prepare_exec_command(&self.ctx, arguments).ok()?;
        if !approved {
            let approvals = self.approvals.as_ref().filter(|_| self.retry_on_failure)?;
            let turn = self.turn_id.lock().map(|t| t.clone()).unwrap_or_default();
            let subject = crate::approval::ApprovalSubject::Exec {
                call_id: call_id.to_owned(),
                command: again.command().to_owned(),
                argv: again.argv().to_vec(),
                cwd: again.cwd().to_path_buf(),
                reason: Some("command failed; retry without sandbox?".to_owned()),
                escalated: true,
            };
            let decision = crate::approval::ask(approvals, (&self.thread_id, &turn), subject)
                .await
                .unwrap_or(crate::approval::ReviewDecision::Abort);
            use crate::approval::ReviewDecision::{Approved, ApprovedForSession};
            if !matches!(decision, Approved | ApprovedForSession) {
                // The first run's outcome stands.
                return None;
            }
        }
        again.approve_outside_sandbox();
        Some(again)
    }
}

/// Whether a finished run looks stopped by the sandbox.
pub(super) fn denied_by_sandbox(out: &recodex_tools::unified_exec::ExecToolOutput) -> bool {
    out.exec.as_ref().is_some_and(|exec| {
        exec.exit_code
            .is_some_and(|code| recodex_process::likely_sandbox_denial(code, &exec.text()))
    })
}

/// How an approval went: whether the command was shown started while the user decided,
/// and whether a sandbox denial may be retried outside without asking again.
pub(super) struct Approval {
    pub(super) announced: bool,
    pub(super) retry_outside: bool,
}
