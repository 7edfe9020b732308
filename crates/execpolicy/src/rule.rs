//! The rule types a policy holds and the matches it reports.
//!
//! Field names and `Debug` output follow the reference: example-validation errors embed
//! `{:?}` of a rule or a match, so the derived `Debug` shapes here are part of the
//! user-visible contract. `Serialize` gives the `execpolicy check` JSON.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;

/// What a matching rule says about a command. Ordered by severity: the strictest decision
/// among all matches wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Decision {
    /// The command may run without asking.
    Allow,
    /// The user must approve the command first.
    Prompt,
    /// The command is refused.
    Forbidden,
}

impl Decision {
    /// Parses `allow`, `prompt` or `forbidden`.
    pub fn parse(raw: &str) -> Result<Self, Error> {
        match raw {
            "allow" => Ok(Self::Allow),
            "prompt" => Ok(Self::Prompt),
            "forbidden" => Ok(Self::Forbidden),
            other => Err(Error::InvalidDecision(other.to_string())),
        }
    }
}

/// One position of a pattern: a fixed token or a set of alternatives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatternToken {
    /// Exactly this token.
    Single(String),
    /// Any one of these tokens (two or more).
    Alts(Vec<String>),
}

impl PatternToken {
    /// Whether `token` is accepted at this position.
    pub fn matches(&self, token: &str) -> bool {
        match self {
            Self::Single(expected) => expected == token,
            Self::Alts(alternatives) => alternatives.iter().any(|alt| alt == token),
        }
    }

    /// The accepted tokens, in the order they were written.
    pub fn alternatives(&self) -> &[String] {
        match self {
            Self::Single(expected) => std::slice::from_ref(expected),
            Self::Alts(alternatives) => alternatives,
        }
    }
}

/// A pattern whose first token is fixed (rules are indexed by program name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrefixPattern {
    /// The program token.
    pub first: String,
    /// The tokens after the program.
    pub rest: Vec<PatternToken>,
}

impl PrefixPattern {
    /// The matched prefix of `cmd`, when `cmd` starts with this pattern.
    pub fn matches_prefix(&self, cmd: &[String]) -> Option<Vec<String>> {
        let len = self.rest.len() + 1;
        if cmd.len() < len || cmd[0] != self.first {
            return None;
        }
        let rest_ok = self
            .rest
            .iter()
            .zip(&cmd[1..len])
            .all(|(token, arg)| token.matches(arg));
        rest_ok.then(|| cmd[..len].to_vec())
    }
}

/// A `prefix_rule(...)` with one program (a rule whose first pattern position lists
/// alternatives becomes one `PrefixRule` per alternative).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrefixRule {
    /// The tokens the command must start with.
    pub pattern: PrefixPattern,
    /// The decision when it matches.
    pub decision: Decision,
    /// Why the rule exists, shown to the user.
    pub justification: Option<String>,
}

impl PrefixRule {
    /// The program this rule is indexed under.
    pub fn program(&self) -> &str {
        &self.pattern.first
    }

    /// The match this rule reports for `cmd`, if any.
    pub fn matches(&self, cmd: &[String]) -> Option<RuleMatch> {
        self.pattern
            .matches_prefix(cmd)
            .map(|matched_prefix| RuleMatch::PrefixRuleMatch {
                matched_prefix,
                decision: self.decision,
                resolved_program: None,
                justification: self.justification.clone(),
            })
    }
}

/// An absolute, lexically normalized program path that a basename rule matched through.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct AbsolutePathBuf(PathBuf);

impl AbsolutePathBuf {
    pub(crate) fn new(path: PathBuf) -> Self {
        Self(path)
    }

    /// The path.
    pub fn as_path(&self) -> &Path {
        &self.0
    }
}

impl fmt::Debug for AbsolutePathBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AbsolutePathBuf").field(&self.0).finish()
    }
}

/// One rule that matched a command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RuleMatch {
    /// A `prefix_rule` matched.
    #[serde(rename_all = "camelCase")]
    PrefixRuleMatch {
        /// The leading tokens of the command the pattern covered (with the basename in
        /// place of an absolute program path when matched through host resolution).
        matched_prefix: Vec<String>,
        /// The rule's decision.
        decision: Decision,
        /// The absolute program path, when the match went through basename resolution.
        #[serde(skip_serializing_if = "Option::is_none")]
        resolved_program: Option<AbsolutePathBuf>,
        /// The rule's justification.
        #[serde(skip_serializing_if = "Option::is_none")]
        justification: Option<String>,
    },
    /// No rule matched and a caller-supplied heuristic decided.
    #[serde(rename_all = "camelCase")]
    HeuristicsRuleMatch {
        /// The whole command.
        command: Vec<String>,
        /// The heuristic's decision.
        decision: Decision,
    },
}

impl RuleMatch {
    /// The decision this match carries.
    pub fn decision(&self) -> Decision {
        match self {
            Self::PrefixRuleMatch { decision, .. } | Self::HeuristicsRuleMatch { decision, .. } => {
                *decision
            }
        }
    }

    pub(crate) fn with_resolved_program(self, program: &AbsolutePathBuf) -> Self {
        match self {
            Self::PrefixRuleMatch {
                matched_prefix,
                decision,
                justification,
                ..
            } => Self::PrefixRuleMatch {
                matched_prefix,
                decision,
                resolved_program: Some(program.clone()),
                justification,
            },
            other => other,
        }
    }
}

/// The protocol a `network_rule` applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkRuleProtocol {
    /// Plain HTTP.
    Http,
    /// HTTPS (`https`, `https_connect` and `http-connect` are accepted spellings).
    Https,
    /// SOCKS5 TCP.
    Socks5Tcp,
    /// SOCKS5 UDP.
    Socks5Udp,
}

impl NetworkRuleProtocol {
    /// Parses a protocol name as written in a rules file.
    pub fn parse(raw: &str) -> Result<Self, Error> {
        match raw {
            "http" => Ok(Self::Http),
            "https" | "https_connect" | "http-connect" => Ok(Self::Https),
            "socks5_tcp" => Ok(Self::Socks5Tcp),
            "socks5_udp" => Ok(Self::Socks5Udp),
            other => Err(Error::InvalidRule(format!(
                "network_rule protocol must be one of http, https, socks5_tcp, socks5_udp (got {other})"
            ))),
        }
    }
}

/// A `network_rule(...)`: a decision for connections to one host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkRule {
    /// Lower-cased host name or IP literal, without port or trailing dot.
    pub host: String,
    /// The protocol.
    pub protocol: NetworkRuleProtocol,
    /// The decision (`deny` is read as forbidden).
    pub decision: Decision,
    /// Why the rule exists.
    pub justification: Option<String>,
}

/// Checks and normalizes the `host` of a `network_rule`.
pub(crate) fn normalize_network_host(raw: &str) -> Result<String, Error> {
    let invalid = |msg: &str| Err(Error::InvalidRule(msg.to_string()));
    let mut host = raw.trim();
    if host.is_empty() {
        return invalid("network_rule host cannot be empty");
    }
    if host.contains("://") || host.contains(['/', '?', '#']) {
        return invalid(
            "network_rule host must be a hostname or IP literal (without scheme or path)",
        );
    }
    if let Some(bracketed) = host.strip_prefix('[') {
        let Some((inside, suffix)) = bracketed.split_once(']') else {
            return invalid("network_rule host has an invalid bracketed IPv6 literal");
        };
        let port_ok = suffix
            .strip_prefix(':')
            .is_some_and(|port| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()));
        if !suffix.is_empty() && !port_ok {
            return Err(Error::InvalidRule(format!(
                "network_rule host contains an unsupported suffix: {raw}"
            )));
        }
        host = inside;
    } else if host.matches(':').count() == 1
        && let Some((name, port)) = host.rsplit_once(':')
        && !name.is_empty()
        && !port.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
    {
        host = name;
    }
    let normalized = host.trim_end_matches('.').trim().to_ascii_lowercase();
    if normalized.is_empty() {
        return invalid("network_rule host cannot be empty");
    }
    if normalized.contains('*') {
        return invalid("network_rule host must be a specific host; wildcards are not allowed");
    }
    if normalized.chars().any(char::is_whitespace) {
        return invalid("network_rule host cannot contain whitespace");
    }
    Ok(normalized)
}
