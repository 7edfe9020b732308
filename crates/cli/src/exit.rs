//! The one place where failures become text on stderr and an exit status.
//!
//! Two styles exist because the reference has two: most commands end with anyhow's
//! `Error: <message>` followed by a `Caused by:` chain; runtime commands (`exec`, the
//! TUI, ...) report configuration problems as `Error loading config.toml: ...`.

use std::process::ExitCode;

use recodex_config::ConfigError;

/// A command's failure, classified for reporting.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Bad command-line usage (or `--help`/`--version`): clap prints it.
    Usage(clap::Error),
    /// A configuration problem met while starting a runtime command; `strict` is
    /// whether `--strict-config` was given (values are then shown in their file).
    RuntimeConfig {
        /// The problem.
        err: ConfigError,
        /// `--strict-config`.
        strict: bool,
    },
    /// A configuration problem met by any other command.
    Config(ConfigError),
    /// A command that parses but is not built yet.
    NotBuilt(String),
    /// A problem the reference reports as its bare message, with no `Error:` prefix (a
    /// broken `auth.json` in `exec`).
    Bare(String),
    /// Anything else.
    Other(anyhow::Error),
    /// The command already reported its outcome; exit with this status.
    Exit(i32),
}

impl From<anyhow::Error> for Failure {
    fn from(err: anyhow::Error) -> Self {
        Self::Other(err)
    }
}

impl From<ConfigError> for Failure {
    fn from(err: ConfigError) -> Self {
        Self::Config(err)
    }
}

/// Renders `failure` on stderr and returns the exit status.
pub(crate) fn report(failure: Failure) -> ExitCode {
    let (text, code) = render(failure);
    if let Some(text) = text {
        eprint!("{text}");
    }
    ExitCode::from(code)
}

/// The stderr text (if any; clap prints its own) and the exit status.
pub(crate) fn render(failure: Failure) -> (Option<String>, u8) {
    match failure {
        Failure::Usage(err) => {
            let code = u8::try_from(err.exit_code()).unwrap_or(2);
            let _ = err.print();
            (None, code)
        }
        Failure::RuntimeConfig { err, strict } => (Some(runtime_config_text(&err, strict)), 1),
        Failure::Config(err) => (Some(error_chain_text(&config_chain(err))), 1),
        Failure::NotBuilt(command) => (
            Some(format!(
                "error: recodex: `{command}` is not implemented yet (built: exec, app-server and mcp-server over stdio, sandbox, execpolicy, features, archive, debug models)\n"
            )),
            1,
        ),
        Failure::Bare(message) => (Some(format!("{message}\n")), 1),
        Failure::Other(err) => (Some(error_chain_text(&err)), 1),
        Failure::Exit(status) => (None, u8::try_from(status).unwrap_or(1)),
    }
}

/// anyhow's report layout, without a backtrace: `Error: <top>`, then a `Caused by:`
/// section with each cause indented (numbered when there are several).
fn error_chain_text(err: &anyhow::Error) -> String {
    let mut chain = err.chain().map(ToString::to_string);
    let mut text = format!("Error: {}\n", chain.next().unwrap_or_default());
    let causes: Vec<String> = chain.collect();
    if causes.is_empty() {
        return text;
    }
    text.push_str("\nCaused by:\n");
    for (index, cause) in causes.iter().enumerate() {
        let (first_prefix, rest_prefix) = if causes.len() == 1 {
            ("    ".to_owned(), "    ".to_owned())
        } else {
            (format!("{index:>5}: "), "       ".to_owned())
        };
        for (n, line) in cause.split('\n').enumerate() {
            text.push_str(if n == 0 { &first_prefix } else { &rest_prefix });
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

/// `exec`-style reporting of configuration errors.
fn runtime_config_text(err: &ConfigError, strict: bool) -> String {
    match err {
        ConfigError::Toml(diag) | ConfigError::Strict(diag) => {
            format!(
                "Error loading config.toml:\n{}\n",
                diag.render_with_snippet()
            )
        }
        ConfigError::Invalid {
            located: Some(diag),
            ..
        } if strict => {
            format!(
                "Error loading config.toml:\n{}\n",
                diag.render_with_snippet()
            )
        }
        ConfigError::Invalid { message, .. } => format!("Error loading config.toml: {message}\n"),
        ConfigError::StrictOverride(_) | ConfigError::LegacyProfileConflict { .. } => {
            format!("Error loading config.toml: {err}\n")
        }
        other => format!("Error: {other}\n"),
    }
}

/// Turns a configuration error into the anyhow chain the reference prints: a located
/// summary, then the TOML library's own message as the cause.
fn config_chain(err: ConfigError) -> anyhow::Error {
    match err {
        ConfigError::Toml(diag) => anyhow::Error::msg(diag.cause.clone()).context(diag.to_string()),
        ConfigError::Strict(diag) => anyhow::Error::msg(diag.to_string()),
        ConfigError::Invalid {
            message,
            located: Some(diag),
        } => anyhow::Error::msg(message).context(diag.to_string()),
        ConfigError::Invalid {
            message,
            located: None,
        } => anyhow::Error::msg(message),
        ConfigError::EditParse(message) => anyhow::Error::msg(message),
        other => anyhow::Error::new(other),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use recodex_config::TomlDiagnostic;

    fn parse_error() -> ConfigError {
        let text = "model = [\n";
        let err = toml::from_str::<toml::Table>(text).unwrap_err();
        ConfigError::Toml(Box::new(TomlDiagnostic::from_toml_error(
            Path::new("/h/config.toml"),
            text,
            &err,
        )))
    }

    #[test]
    fn parse_errors_in_both_styles_match_the_reference() {
        let (text, code) = render(Failure::RuntimeConfig {
            err: parse_error(),
            strict: false,
        });
        assert_eq!(code, 1);
        assert_eq!(
            text.unwrap(),
            "Error loading config.toml:\n/h/config.toml:1:11: unclosed array, expected `]`\n  |\n1 | model = [\n  |           ^\n"
        );
        let (text, _) = render(Failure::Config(parse_error()));
        assert_eq!(
            text.unwrap(),
            "Error: /h/config.toml:1:11: unclosed array, expected `]`\n\nCaused by:\n    TOML parse error at line 1, column 11\n      |\n    1 | model = [\n      |           ^\n    unclosed array, expected `]`\n    \n"
        );
    }

    #[test]
    fn invalid_values_in_both_styles() {
        let message = "unknown variant `extreme`, expected one of `none`, `minimal`, `low`, `medium`, `high`, `xhigh`\nin `model_reasoning_effort`\n".to_owned();
        let (text, _) = render(Failure::RuntimeConfig {
            err: ConfigError::Invalid {
                message: message.clone(),
                located: None,
            },
            strict: false,
        });
        assert_eq!(
            text.unwrap(),
            format!("Error loading config.toml: {message}\n")
        );
        let (text, _) = render(Failure::Config(ConfigError::Invalid {
            message,
            located: None,
        }));
        assert!(
            text.unwrap()
                .starts_with("Error: unknown variant `extreme`")
        );
    }

    #[test]
    fn unknown_provider_is_a_plain_error() {
        let (text, code) = render(Failure::RuntimeConfig {
            err: ConfigError::UnknownProvider("nope".into()),
            strict: false,
        });
        assert_eq!(
            (text.unwrap().as_str(), code),
            ("Error: Model provider `nope` not found\n", 1)
        );
    }
}
