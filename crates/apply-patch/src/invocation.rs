//! Recognising `apply_patch` in a command the model asked to run.
//!
//! Models call apply_patch as a program: `["apply_patch", PATCH]`, or through a shell as
//! a heredoc, `bash -lc "apply_patch <<'EOF'\n...\nEOF"`, optionally after `cd DIR &&`.
//! The engine intercepts those, so that the patch goes through the same verified path
//! (and approvals) as the apply_patch tool. A bare patch given as the command is refused
//! with [`IMPLICIT_INVOCATION_MESSAGE`].
//!
//! The reference recognises the shell form with a tree-sitter bash query; this module
//! accepts the same shapes with a small hand-written scanner: the heredoc statement must
//! be the script's only statement, `apply_patch`/`applypatch` takes no argument, and `cd`
//! takes exactly one word or quoted string and is joined by `&&`.

use std::path::Path;

use crate::error::ParseError;
use crate::parser::{Patch, parse_patch};

/// What the engine tells the model when it ran a patch as if it were a command.
pub const IMPLICIT_INVOCATION_MESSAGE: &str =
    "patch detected without explicit call to apply_patch. Rerun as [\"apply_patch\", \"<patch>\"]";

const COMMAND_NAMES: [&str; 2] = ["apply_patch", "applypatch"];

/// How a command relates to apply_patch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    /// An apply_patch call with a well-formed patch.
    ApplyPatch {
        /// The parsed patch.
        patch: Patch,
        /// The directory of a leading `cd DIR &&`, as written (relative to the command's
        /// working directory unless absolute).
        workdir: Option<String>,
    },
    /// An apply_patch call whose patch does not parse.
    InvalidPatch(ParseError),
    /// A bare patch (or a shell script that is only a patch) run as a command.
    ImplicitInvocation,
    /// Not apply_patch.
    NotApplyPatch,
}

/// Classifies an argv the model asked to run.
pub fn classify_command(argv: &[String]) -> Invocation {
    if let [body] = argv
        && parse_patch(body).is_ok()
    {
        return Invocation::ImplicitInvocation;
    }
    let script = shell_script(argv);
    if let Some(script) = script
        && parse_patch(script).is_ok()
    {
        return Invocation::ImplicitInvocation;
    }
    let (body, workdir) = match argv {
        [command, body] if COMMAND_NAMES.contains(&command.as_str()) => (body.clone(), None),
        _ => match script.and_then(extract_heredoc) {
            Some(found) => found,
            None => return Invocation::NotApplyPatch,
        },
    };
    match parse_patch(&body) {
        Ok(patch) => Invocation::ApplyPatch { patch, workdir },
        Err(err) => Invocation::InvalidPatch(err),
    }
}

/// The script of `bash|zsh|sh -c|-lc SCRIPT`, `pwsh|powershell [-NoProfile] -Command
/// SCRIPT` or `cmd /c SCRIPT`.
fn shell_script(argv: &[String]) -> Option<&str> {
    let (shell, flag, script) = match argv {
        [shell, flag, script] => (shell, flag, script),
        [shell, skip, flag, script]
            if is_powershell(shell) && skip.eq_ignore_ascii_case("-noprofile") =>
        {
            (shell, flag, script)
        }
        _ => return None,
    };
    let name = shell_name(shell)?;
    let accepted = match name.as_str() {
        "bash" | "zsh" | "sh" => flag == "-c" || flag == "-lc",
        "pwsh" | "powershell" => flag.eq_ignore_ascii_case("-command"),
        "cmd" => flag.eq_ignore_ascii_case("/c"),
        _ => false,
    };
    accepted.then_some(script.as_str())
}

fn shell_name(shell: &str) -> Option<String> {
    Path::new(shell)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .map(str::to_ascii_lowercase)
}

fn is_powershell(shell: &str) -> bool {
    matches!(shell_name(shell).as_deref(), Some("pwsh" | "powershell"))
}

/// Extracts the patch and the optional `cd` directory from a script of the form
/// `[cd DIR &&] apply_patch <<DELIM` newline, body, `DELIM` line. The body loses its
/// trailing newlines.
pub fn extract_heredoc(script: &str) -> Option<(String, Option<String>)> {
    let script = script.trim_start();
    let (first_line, rest) = script.split_once('\n')?;
    let mut words = Scanner { text: first_line };
    let mut workdir = None;
    let mut word = words.word()?;
    if word == "cd" {
        workdir = Some(words.word()?);
        if words.word()? != "&&" {
            return None;
        }
        word = words.word()?;
    }
    if !COMMAND_NAMES.contains(&word.as_str()) {
        return None;
    }
    let redirect = words.text.trim();
    let delimiter = redirect.strip_prefix("<<")?;
    let (strip_tabs, delimiter) = match delimiter.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, delimiter),
    };
    let delimiter = unquote(delimiter.trim_start())?;
    if delimiter.is_empty() || delimiter.contains(char::is_whitespace) {
        return None;
    }
    let mut body = String::new();
    let mut lines = rest.split('\n');
    for line in lines.by_ref() {
        let candidate = if strip_tabs {
            line.trim_start_matches('\t')
        } else {
            line
        };
        if candidate == delimiter {
            // Nothing but blank space may follow the heredoc.
            let trailing: Vec<&str> = lines.collect();
            if trailing.iter().any(|l| !l.trim().is_empty()) {
                return None;
            }
            return Some((body.trim_end_matches('\n').to_owned(), workdir));
        }
        body.push_str(candidate);
        body.push('\n');
    }
    None
}

/// `'x'` and `"x"` lose their quotes; a bare word stays.
fn unquote(text: &str) -> Option<&str> {
    for quote in ['\'', '"'] {
        if let Some(inner) = text.strip_prefix(quote) {
            return inner.strip_suffix(quote).filter(|i| !i.contains(quote));
        }
    }
    Some(text)
}

/// Splits the heredoc's first line into shell words: bare words, `'raw'` and plain
/// `"double"` strings (no expansions), and `&&`. Stops before `<<`.
struct Scanner<'t> {
    text: &'t str,
}

impl Scanner<'_> {
    fn word(&mut self) -> Option<String> {
        self.text = self.text.trim_start_matches([' ', '\t']);
        if self.text.is_empty() || self.text.starts_with("<<") {
            return None;
        }
        if let Some(rest) = self.text.strip_prefix("&&") {
            self.text = rest;
            return Some("&&".to_owned());
        }
        for quote in ['\'', '"'] {
            if let Some(rest) = self.text.strip_prefix(quote) {
                let end = rest.find(quote)?;
                let inner = &rest[..end];
                if quote == '"' && inner.contains(['$', '`', '\\']) {
                    return None;
                }
                self.text = &rest[end + 1..];
                return Some(inner.to_owned());
            }
        }
        let end = self
            .text
            .find(|c: char| c.is_whitespace() || "<>&|;()'\"$`\\".contains(c))
            .unwrap_or(self.text.len());
        if end == 0 {
            return None;
        }
        let word = &self.text[..end];
        self.text = &self.text[end..];
        Some(word.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATCH: &str = "*** Begin Patch\n*** Add File: foo\n+hi\n*** End Patch";

    fn argv(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    fn heredoc(prefix: &str, suffix: &str) -> String {
        format!("{prefix}apply_patch <<'PATCH'\n{PATCH}\nPATCH{suffix}")
    }

    fn workdir_of(args: Vec<String>) -> Option<Option<String>> {
        match classify_command(&args) {
            Invocation::ApplyPatch { patch, workdir } => {
                assert_eq!(patch.hunks.len(), 1);
                Some(workdir)
            }
            _ => None,
        }
    }

    #[test]
    fn direct_and_heredoc_forms() {
        assert_eq!(workdir_of(argv(&["apply_patch", PATCH])), Some(None));
        assert_eq!(workdir_of(argv(&["applypatch", PATCH])), Some(None));
        let script = heredoc("", "\n");
        assert_eq!(workdir_of(argv(&["bash", "-lc", &script])), Some(None));
        assert_eq!(workdir_of(argv(&["/bin/zsh", "-c", &script])), Some(None));
        assert_eq!(
            workdir_of(argv(&["pwsh", "-NoProfile", "-Command", &script])),
            Some(None)
        );
        let cd = heredoc("cd 'foo bar' && ", "");
        assert_eq!(
            workdir_of(argv(&["bash", "-lc", &cd])),
            Some(Some("foo bar".into()))
        );
        let cd = heredoc("cd sub && ", "");
        assert_eq!(
            workdir_of(argv(&["cmd", "/c", &cd])),
            Some(Some("sub".into()))
        );
    }

    #[test]
    fn other_shapes_are_not_apply_patch() {
        for prefix in [
            "cd foo; ",
            "cd a || ",
            "cd a | ",
            "echo x && ",
            "cd a b && ",
            "cd a && cd b && ",
        ] {
            let script = heredoc(prefix, "");
            assert_eq!(
                classify_command(&argv(&["bash", "-lc", &script])),
                Invocation::NotApplyPatch,
                "{prefix}"
            );
        }
        let script = heredoc("", " && echo done");
        assert_eq!(
            classify_command(&argv(&["bash", "-lc", &script])),
            Invocation::NotApplyPatch
        );
        let script = format!("apply_patch foo <<'PATCH'\n{PATCH}\nPATCH");
        assert_eq!(
            classify_command(&argv(&["bash", "-lc", &script])),
            Invocation::NotApplyPatch
        );
        assert_eq!(
            classify_command(&argv(&["ls", "-l"])),
            Invocation::NotApplyPatch
        );
    }

    #[test]
    fn bare_patches_are_refused() {
        assert_eq!(
            classify_command(&argv(&[PATCH])),
            Invocation::ImplicitInvocation
        );
        assert_eq!(
            classify_command(&argv(&["bash", "-lc", PATCH])),
            Invocation::ImplicitInvocation
        );
    }

    #[test]
    fn malformed_patches_are_reported() {
        assert!(matches!(
            classify_command(&argv(&["apply_patch", "nope"])),
            Invocation::InvalidPatch(ParseError::InvalidPatch(_))
        ));
    }
}
