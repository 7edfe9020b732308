//! The human transcript's text and ANSI styles (`--color`), as the reference prints them:
//! section headers in colour, the command line in bold, secondary text dimmed. Without
//! colour every style is empty.

use recodex_core::{PlanStep, StepStatus};

/// SGR codes, applied outermost first with one reset each, as the reference nests them.
const BOLD: &[u8] = &[1];
const DIM: &[u8] = &[2];
const RED: &[u8] = &[31];
const GREEN: &[u8] = &[32];
const CYAN: &[u8] = &[36];
const SECTION: &[u8] = &[35, 3];
const WARNING: &[u8] = &[1, 33];

/// Whether to colour the transcript.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Styles {
    pub(crate) color: bool,
}

impl Styles {
    fn paint(self, codes: &[u8], text: &str) -> String {
        if !self.color {
            return text.to_owned();
        }
        let mut out = String::new();
        for code in codes {
            out.push_str(&format!("\x1b[{code}m"));
        }
        out.push_str(text);
        for _ in codes {
            out.push_str("\x1b[0m");
        }
        out
    }

    /// A banner line: `key: value` with the key in bold; rules and the title as they are.
    pub(crate) fn banner_line(self, line: &str) -> String {
        match line.split_once(": ") {
            Some((key, value)) if !line.starts_with("OpenAI Codex") => {
                format!("{} {value}", self.paint(BOLD, &format!("{key}:")))
            }
            _ => line.to_owned(),
        }
    }

    /// A section header (`exec`, `codex`).
    pub(crate) fn section(self, name: &str) -> String {
        self.paint(SECTION, name)
    }

    /// The `user` header.
    pub(crate) fn user(self) -> String {
        self.paint(CYAN, "user")
    }

    /// Reasoning summary text.
    pub(crate) fn reasoning(self, text: &str) -> String {
        self.paint(DIM, text)
    }

    /// `<command> in <cwd>` with the command in bold.
    pub(crate) fn command(self, command: &str, cwd: &str) -> String {
        format!("{} in {cwd}", self.paint(BOLD, command))
    }

    /// ` succeeded in Nms:` (green) or ` exited N in Nms:` / ` failed ...` (red).
    pub(crate) fn outcome(self, exit_code: Option<i32>, duration_ms: u64) -> String {
        match exit_code {
            Some(0) => self.paint(GREEN, &format!(" succeeded in {duration_ms}ms:")),
            Some(code) => self.paint(RED, &format!(" exited {code} in {duration_ms}ms:")),
            None => self.paint(RED, &format!(" failed in {duration_ms}ms:")),
        }
    }

    /// One plan step: `✓` done (green), `→` in progress (cyan), `•` pending (dimmed).
    pub(crate) fn plan_step(self, step: &PlanStep) -> String {
        match step.status {
            StepStatus::Completed => format!("  {} {}", self.paint(GREEN, "✓"), step.step),
            StepStatus::InProgress => format!("  {} {}", self.paint(CYAN, "→"), step.step),
            StepStatus::Pending => {
                format!("  {} {}", self.paint(DIM, "•"), self.paint(DIM, &step.step))
            }
        }
    }

    /// Bold text (`apply patch`, `patch:`).
    pub(crate) fn bold(self, text: &str) -> String {
        self.paint(BOLD, text)
    }

    /// Dimmed text (patched paths, `tokens used`).
    pub(crate) fn dim(self, text: &str) -> String {
        self.paint(DIM, text)
    }

    /// The `ERROR:` prefix.
    pub(crate) fn error(self) -> String {
        self.paint(RED, "ERROR:")
    }

    /// The `warning:` prefix.
    pub(crate) fn warning(self) -> String {
        self.paint(WARNING, "warning:")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_are_the_references_escape_sequences() {
        let on = Styles { color: true };
        assert_eq!(on.section("exec"), "\x1b[35m\x1b[3mexec\x1b[0m\x1b[0m");
        assert_eq!(
            on.banner_line("model: gpt-5.2-codex"),
            "\x1b[1mmodel:\x1b[0m gpt-5.2-codex"
        );
        assert_eq!(
            on.banner_line("OpenAI Codex v0.136.0"),
            "OpenAI Codex v0.136.0"
        );
        assert_eq!(on.outcome(Some(3), 5), "\x1b[31m exited 3 in 5ms:\x1b[0m");
        let pending = PlanStep {
            step: "c".to_owned(),
            status: StepStatus::Pending,
        };
        assert_eq!(on.plan_step(&pending), "  \x1b[2m•\x1b[0m \x1b[2mc\x1b[0m");
        let off = Styles::default();
        assert_eq!(off.section("exec"), "exec");
        assert_eq!(off.plan_step(&pending), "  • c");
    }
}
