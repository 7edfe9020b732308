//! The user's exec policy (`$CODEX_HOME/rules/*.rules`) applied to the commands the model
//! asks to run: a plain shell script is judged command by command (an unparseable one as a
//! whole), the strictest decision wins, and a refusal carries the reference's words.

use recodex_execpolicy::{Decision, Policy, RuleMatch};

/// What the policy says about a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Run it (still inside the sandbox).
    Run,
    /// Do not run it; the reason.
    Refuse(String),
    /// Run it only if the user approves; the reason to show.
    Ask(String),
}

/// A `prompt` rule's refusal when nobody can approve.
pub(crate) const NEVER_TEXT: &str =
    "approval required by policy, but AskForApproval is set to Never";

/// Judges `argv` (shown to the model as `display`) under `policy`. A `prompt` decision
/// refuses when the approval policy is `never`, as nobody can approve.
pub(crate) fn judge(
    policy: &Policy,
    argv: &[String],
    display: &str,
    approval_never: bool,
) -> Verdict {
    let mut matches: Vec<RuleMatch> = Vec::new();
    for command in recodex_command_safety::commands_for_exec_policy(argv) {
        matches.extend(policy.check(&command).matched_rules);
    }
    match matches.iter().map(RuleMatch::decision).max() {
        Some(Decision::Forbidden) => {
            let reason = matches
                .iter()
                .find_map(|m| match m {
                    RuleMatch::PrefixRuleMatch {
                        decision: Decision::Forbidden,
                        justification,
                        matched_prefix,
                        ..
                    } => Some(justification.clone().unwrap_or_else(|| {
                        format!(
                            "policy forbids commands starting with `{}`",
                            matched_prefix.join(" ")
                        )
                    })),
                    _ => None,
                })
                .unwrap_or_else(|| "forbidden by policy".to_owned());
            Verdict::Refuse(format!("`{display}` rejected: {reason}"))
        }
        Some(Decision::Prompt) if approval_never => Verdict::Refuse(NEVER_TEXT.to_owned()),
        // The user is asked with the reference's words, whatever the rule's justification.
        Some(Decision::Prompt) => Verdict::Ask(format!("`{display}` requires approval by policy")),
        _ => Verdict::Run,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str) -> Policy {
        Policy::parse("test.rules", text).unwrap()
    }

    fn bash(script: &str) -> Vec<String> {
        vec!["/bin/bash".into(), "-lc".into(), script.into()]
    }

    #[test]
    fn decisions_and_texts_are_the_references() {
        let p = policy(
            "prefix_rule(pattern=[\"rm\"], decision=\"forbidden\")\n\
             prefix_rule(pattern=[\"git\", \"push\"], decision=\"prompt\")\n\
             prefix_rule(pattern=[\"curl\"], decision=\"forbidden\", justification=\"no network\")\n",
        );
        let display = "/bin/bash -lc 'ls && rm x'";
        assert_eq!(
            judge(&p, &bash("ls && rm x"), display, true),
            Verdict::Refuse(format!(
                "`{display}` rejected: policy forbids commands starting with `rm`"
            ))
        );
        assert_eq!(
            judge(&p, &bash("curl x"), "c", true),
            Verdict::Refuse("`c` rejected: no network".to_owned())
        );
        assert_eq!(
            judge(&p, &bash("git push"), "g", true),
            Verdict::Refuse(
                "approval required by policy, but AskForApproval is set to Never".to_owned()
            )
        );
        // When the user can be asked, a prompt rule asks.
        assert_eq!(
            judge(&p, &bash("git push"), "g", false),
            Verdict::Ask("`g` requires approval by policy".to_owned())
        );
        assert_eq!(judge(&p, &bash("echo hi"), "e", true), Verdict::Run);
        // A script that is not plain words is judged as a whole, as the reference does.
        assert_eq!(judge(&p, &bash("echo $(rm x)"), "e", true), Verdict::Run);
    }
}
