//! The loaded policy and the evaluation of a command against it.
//!
//! Rules are indexed by program (the first pattern token) and kept in definition order,
//! across files. A command is matched first by its literal first token; only when nothing
//! matches and host resolution is enabled, an absolute (or cwd-relative) program path is
//! normalized and its basename is tried, provided no `host_executable()` for that basename
//! excludes the path.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostic::SourceMap;
use crate::error::{Error, LoadError};
use crate::paths::absolutize;
use crate::rule::{AbsolutePathBuf, Decision, NetworkRule, PrefixRule, RuleMatch};
use crate::{eval, lexer, parser, shlex};

/// How a command is matched.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatchOptions {
    /// Fall back from a program path to rules for its basename (gated by
    /// `host_executable()` definitions) when no rule matches the literal program.
    pub resolve_host_executables: bool,
    /// The directory relative program paths are resolved against; without it, only
    /// absolute program paths take part in host resolution.
    pub cwd: Option<PathBuf>,
}

/// The result of checking a command: every matching rule and the strictest decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// The matches, in rule definition order.
    #[serde(rename = "matchedRules")]
    pub matched_rules: Vec<RuleMatch>,
    /// The strictest decision among the matches; `None` when nothing matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
}

impl Evaluation {
    fn from_matches(matched_rules: Vec<RuleMatch>) -> Self {
        let decision = matched_rules.iter().map(RuleMatch::decision).max();
        Self {
            matched_rules,
            decision,
        }
    }

    /// Whether a rule (not a heuristic) matched.
    pub fn is_match(&self) -> bool {
        self.matched_rules
            .iter()
            .any(|m| matches!(m, RuleMatch::PrefixRuleMatch { .. }))
    }
}

/// A set of rules loaded from one or more rules files.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    rules_by_program: HashMap<String, Vec<PrefixRule>>,
    network_rules: Vec<NetworkRule>,
    host_executables: HashMap<String, Vec<PathBuf>>,
}

impl Policy {
    /// A policy without rules.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Parses one rules file's text; `identifier` names it in error messages.
    pub fn parse(identifier: &str, text: &str) -> Result<Self, Error> {
        let mut parser = PolicyParser::new();
        parser.parse(identifier, text)?;
        Ok(parser.build())
    }

    /// Reads and parses rules files in order, merging their rules. `cwd` is used only to
    /// resolve relative program paths in `match`/`not_match` examples.
    pub fn load(paths: &[PathBuf], cwd: Option<&Path>) -> Result<Self, LoadError> {
        let mut parser = PolicyParser::new();
        parser.cwd = cwd.map(Path::to_path_buf);
        for path in paths {
            let text = fs::read_to_string(path).map_err(|source| LoadError::Read {
                path: path.clone(),
                source,
            })?;
            let identifier = path.to_string_lossy();
            parser
                .parse(&identifier, &text)
                .map_err(|source| LoadError::Parse {
                    path: path.clone(),
                    source,
                })?;
        }
        Ok(parser.build())
    }

    /// The prefix rules indexed under `program`, in definition order.
    pub fn rules_for(&self, program: &str) -> &[PrefixRule] {
        self.rules_by_program
            .get(program)
            .map_or(&[], Vec::as_slice)
    }

    /// The `network_rule()` definitions, in order.
    pub fn network_rules(&self) -> &[NetworkRule] {
        &self.network_rules
    }

    /// The allowed absolute paths declared by `host_executable(name = ...)`, if any.
    pub fn host_executable_paths(&self, name: &str) -> Option<&[PathBuf]> {
        self.host_executables.get(name).map(Vec::as_slice)
    }

    /// Checks `argv` with default options (no host resolution).
    pub fn check(&self, argv: &[String]) -> Evaluation {
        self.check_with_options(argv, &MatchOptions::default())
    }

    /// Checks `argv`.
    pub fn check_with_options(&self, argv: &[String], options: &MatchOptions) -> Evaluation {
        Evaluation::from_matches(self.matches_for_command(argv, options))
    }

    /// Every rule matching `argv`, in definition order.
    pub fn matches_for_command(&self, argv: &[String], options: &MatchOptions) -> Vec<RuleMatch> {
        let Some(program) = argv.first() else {
            return Vec::new();
        };
        let exact = self.matches_with_program(program, argv);
        if !exact.is_empty() || !options.resolve_host_executables {
            return exact;
        }
        self.host_executable_matches(program, argv, options.cwd.as_deref())
    }

    fn matches_with_program(&self, program: &str, argv: &[String]) -> Vec<RuleMatch> {
        self.rules_for(program)
            .iter()
            .filter_map(|rule| rule.matches(argv))
            .collect()
    }

    fn host_executable_matches(
        &self,
        program: &str,
        argv: &[String],
        cwd: Option<&Path>,
    ) -> Vec<RuleMatch> {
        let Some(resolved) = absolutize(Path::new(program), cwd) else {
            return Vec::new();
        };
        let Some(basename) = resolved.file_name().and_then(|n| n.to_str()) else {
            return Vec::new();
        };
        if let Some(allowed) = self.host_executables.get(basename)
            && !allowed.contains(&resolved)
        {
            return Vec::new();
        }
        let mut renamed = argv.to_vec();
        renamed[0] = basename.to_string();
        let resolved = AbsolutePathBuf::new(resolved.clone());
        self.matches_with_program(&renamed[0], &renamed)
            .into_iter()
            .map(|m| m.with_resolved_program(&resolved))
            .collect()
    }
}

/// Accumulates rules while files are evaluated; `match`/`not_match` examples are checked
/// after each file, against the rules of their own `prefix_rule` call and the host
/// executables known at that point.
#[derive(Debug, Default)]
pub struct PolicyParser {
    builder: PolicyBuilder,
    cwd: Option<PathBuf>,
}

impl PolicyParser {
    /// An empty parser.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the directory relative example programs are resolved against.
    pub fn with_cwd(mut self, cwd: Option<PathBuf>) -> Self {
        self.cwd = cwd;
        self
    }

    /// Evaluates one file's text; `identifier` names it in error messages.
    pub fn parse(&mut self, identifier: &str, text: &str) -> Result<(), Error> {
        let first_pending = self.builder.pending.len();
        let map = SourceMap::new(identifier, text);
        let tokens = lexer::tokenize(text)
            .map_err(|(message, span)| Error::Starlark(map.diagnostic(span, message, false)))?;
        let stmts = parser::parse(&tokens, text)
            .map_err(|(message, span)| Error::Starlark(map.diagnostic(span, message, false)))?;
        eval::run(&stmts, &mut self.builder)
            .map_err(|e| Error::Starlark(map.diagnostic(e.span, e.message, e.traceback)))?;
        self.builder
            .validate_from(first_pending, self.cwd.as_deref())
    }

    /// The policy built from everything parsed so far.
    pub fn build(self) -> Policy {
        self.builder.policy
    }
}

#[derive(Debug)]
struct PendingExamples {
    rules: Vec<PrefixRule>,
    matches: Vec<Vec<String>>,
    not_matches: Vec<Vec<String>>,
}

/// The policy under construction, plus the examples still to check.
#[derive(Debug, Default)]
pub(crate) struct PolicyBuilder {
    policy: Policy,
    pending: Vec<PendingExamples>,
}

impl PolicyBuilder {
    pub(crate) fn add_prefix_rules(
        &mut self,
        rules: Vec<PrefixRule>,
        matches: Vec<Vec<String>>,
        not_matches: Vec<Vec<String>>,
    ) {
        for rule in &rules {
            self.policy
                .rules_by_program
                .entry(rule.program().to_string())
                .or_default()
                .push(rule.clone());
        }
        self.pending.push(PendingExamples {
            rules,
            matches,
            not_matches,
        });
    }

    pub(crate) fn add_network_rule(&mut self, rule: NetworkRule) {
        self.policy.network_rules.push(rule);
    }

    pub(crate) fn add_host_executable(&mut self, name: String, paths: Vec<PathBuf>) {
        self.policy.host_executables.insert(name, paths);
    }

    fn validate_from(&self, first: usize, cwd: Option<&Path>) -> Result<(), Error> {
        let options = MatchOptions {
            resolve_host_executables: true,
            cwd: cwd.map(Path::to_path_buf),
        };
        for pending in &self.pending[first..] {
            let mut own = Policy {
                host_executables: self.policy.host_executables.clone(),
                ..Policy::default()
            };
            for rule in &pending.rules {
                own.rules_by_program
                    .entry(rule.program().to_string())
                    .or_default()
                    .push(rule.clone());
            }
            for example in &pending.not_matches {
                if let Some(first_match) = own.matches_for_command(example, &options).first() {
                    return Err(Error::ExampleDidMatch {
                        rule: format!("{first_match:?}"),
                        example: render_example(example),
                    });
                }
            }
            let unmatched: Vec<String> = pending
                .matches
                .iter()
                .filter(|example| own.matches_for_command(example, &options).is_empty())
                .map(|example| render_example(example))
                .collect();
            if !unmatched.is_empty() {
                return Err(Error::ExampleDidNotMatch {
                    rules: pending.rules.iter().map(|r| format!("{r:?}")).collect(),
                    examples: unmatched,
                });
            }
        }
        Ok(())
    }
}

fn render_example(example: &[String]) -> String {
    shlex::join(example.iter().map(String::as_str))
        .unwrap_or_else(|| "unable to render example".to_string())
}
