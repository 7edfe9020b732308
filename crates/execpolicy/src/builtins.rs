//! The policy functions a rules file calls: `prefix_rule`, `network_rule` and
//! `host_executable`. Arguments are bound with Starlark's rules and messages (extra
//! positionals, missing parameters, unknown names, parameter types, in that order), then
//! checked and recorded with the reference's messages.

use std::path::{Component, Path};

use crate::error::Error;
use crate::paths::normalize_absolute;
use crate::policy::PolicyBuilder;
use crate::rule::{
    Decision, NetworkRule, NetworkRuleProtocol, PatternToken, PrefixPattern, PrefixRule,
    normalize_network_host,
};
use crate::shlex;
use crate::value::Value;

/// A policy function.
#[derive(Clone, Copy)]
pub(crate) enum Builtin {
    PrefixRule,
    NetworkRule,
    HostExecutable,
}

impl Builtin {
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        match name {
            "prefix_rule" => Some(Self::PrefixRule),
            "network_rule" => Some(Self::NetworkRule),
            "host_executable" => Some(Self::HostExecutable),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::PrefixRule => "prefix_rule",
            Self::NetworkRule => "network_rule",
            Self::HostExecutable => "host_executable",
        }
    }

    /// Parameters: name, expected type, required.
    fn params(self) -> &'static [(&'static str, ParamType, bool)] {
        use ParamType::{List, Str};
        match self {
            Self::PrefixRule => &[
                ("pattern", List, true),
                ("decision", Str, false),
                ("match", List, false),
                ("not_match", List, false),
                ("justification", Str, false),
            ],
            Self::NetworkRule => &[
                ("host", Str, true),
                ("protocol", Str, true),
                ("decision", Str, true),
                ("justification", Str, false),
            ],
            Self::HostExecutable => &[("name", Str, true), ("paths", List, true)],
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ParamType {
    List,
    Str,
}

/// Calls `builtin`; the error is the message Starlark reports for the call.
pub(crate) fn call(
    builtin: Builtin,
    positional: Vec<Value>,
    named: Vec<(String, Value)>,
    builder: &mut PolicyBuilder,
) -> Result<(), String> {
    let args = bind(builtin, positional, named)?;
    let result = match builtin {
        Builtin::PrefixRule => prefix_rule(args, builder),
        Builtin::NetworkRule => network_rule(args, builder),
        Builtin::HostExecutable => host_executable(args, builder),
    };
    result.map_err(|error| error.to_string())
}

/// Bound arguments, one slot per parameter.
struct Args(Vec<Option<Value>>);

impl Args {
    fn str(&self, index: usize) -> Option<&str> {
        match self.0.get(index) {
            Some(Some(Value::Str(s))) => Some(s),
            _ => None,
        }
    }

    fn list(&self, index: usize) -> Option<&[Value]> {
        match self.0.get(index) {
            Some(Some(Value::List(items))) => Some(items),
            _ => None,
        }
    }
}

fn bind(
    builtin: Builtin,
    positional: Vec<Value>,
    named: Vec<(String, Value)>,
) -> Result<Args, String> {
    let params = builtin.params();
    let function = builtin.name();
    if positional.len() > params.len() {
        return Err(format!(
            "Found {} extra positional argument(s) for call to {function}",
            positional.len() - params.len()
        ));
    }
    let mut slots: Vec<Option<Value>> = vec![None; params.len()];
    for (slot, value) in slots.iter_mut().zip(positional) {
        *slot = Some(value);
    }
    let mut extra = Vec::new();
    for (name, value) in named {
        match params.iter().position(|(p, _, _)| *p == name) {
            Some(index) if slots[index].is_some() => {
                return Err(format!(
                    "Multiple values for parameter `{name}` for call to {function}"
                ));
            }
            Some(index) => slots[index] = Some(value),
            None => extra.push(name),
        }
    }
    for ((name, _, required), slot) in params.iter().zip(&slots) {
        if *required && slot.is_none() {
            return Err(format!(
                "Missing parameter `{name}` for call to `{function}`"
            ));
        }
    }
    if !extra.is_empty() {
        let names: Vec<String> = extra.iter().map(|n| format!("`{n}`")).collect();
        return Err(format!(
            "Found {} extra named parameter(s) for call to {function}",
            names.join(" ")
        ));
    }
    for ((name, ty, _), slot) in params.iter().zip(&slots) {
        let Some(value) = slot else { continue };
        let ok = match ty {
            ParamType::List => matches!(value, Value::List(_)),
            ParamType::Str => matches!(value, Value::Str(_)),
        };
        if !ok {
            let expected = match ty {
                ParamType::List => "list",
                ParamType::Str => "str",
            };
            return Err(format!(
                "Type of parameter `{name}` doesn't match, expected `{expected}`, actual `{} (repr: {})`",
                value.type_name(),
                value.repr()
            ));
        }
    }
    Ok(Args(slots))
}

fn justification(raw: Option<&str>) -> Result<Option<String>, Error> {
    match raw {
        Some(raw) if raw.trim().is_empty() => Err(Error::InvalidRule(
            "justification cannot be empty".to_string(),
        )),
        other => Ok(other.map(str::to_string)),
    }
}

fn prefix_rule(args: Args, builder: &mut PolicyBuilder) -> Result<(), Error> {
    let decision = match args.str(1) {
        Some(raw) => Decision::parse(raw)?,
        None => Decision::Allow,
    };
    let justification = justification(args.str(4))?;
    let pattern = args
        .list(0)
        .unwrap_or_default()
        .iter()
        .map(pattern_token)
        .collect::<Result<Vec<_>, _>>()?;
    let Some((first, rest)) = pattern.split_first() else {
        return Err(Error::InvalidPattern("pattern cannot be empty".to_string()));
    };
    let matches = examples(args.list(2))?;
    let not_matches = examples(args.list(3))?;
    let rules: Vec<PrefixRule> = first
        .alternatives()
        .iter()
        .map(|head| PrefixRule {
            pattern: PrefixPattern {
                first: head.clone(),
                rest: rest.to_vec(),
            },
            decision,
            justification: justification.clone(),
        })
        .collect();
    builder.add_prefix_rules(rules, matches, not_matches);
    Ok(())
}

fn pattern_token(value: &Value) -> Result<PatternToken, Error> {
    match value {
        Value::Str(s) => Ok(PatternToken::Single(s.clone())),
        Value::List(items) => {
            let mut alternatives = Vec::with_capacity(items.len());
            for item in items {
                let Value::Str(s) = item else {
                    return Err(Error::InvalidPattern(format!(
                        "pattern alternative must be a string (got {})",
                        item.type_name()
                    )));
                };
                alternatives.push(s.clone());
            }
            match alternatives.len() {
                0 => Err(Error::InvalidPattern(
                    "pattern alternatives cannot be empty".to_string(),
                )),
                1 => Ok(PatternToken::Single(alternatives.remove(0))),
                _ => Ok(PatternToken::Alts(alternatives)),
            }
        }
        other => Err(Error::InvalidPattern(format!(
            "pattern element must be a string or list of strings (got {})",
            other.type_name()
        ))),
    }
}

fn examples(list: Option<&[Value]>) -> Result<Vec<Vec<String>>, Error> {
    list.unwrap_or_default().iter().map(example).collect()
}

fn example(value: &Value) -> Result<Vec<String>, Error> {
    let invalid = |msg: String| Err(Error::InvalidExample(msg));
    match value {
        Value::Str(raw) => match shlex::split(raw) {
            None => invalid("example string has invalid shell syntax".to_string()),
            Some(tokens) if tokens.is_empty() => {
                invalid("example cannot be an empty string".to_string())
            }
            Some(tokens) => Ok(tokens),
        },
        Value::List(items) => {
            let mut tokens = Vec::with_capacity(items.len());
            for item in items {
                let Value::Str(s) = item else {
                    return invalid(format!(
                        "example tokens must be strings (got {})",
                        item.type_name()
                    ));
                };
                tokens.push(s.clone());
            }
            if tokens.is_empty() {
                return invalid("example cannot be an empty list".to_string());
            }
            Ok(tokens)
        }
        other => invalid(format!(
            "example must be a string or list of strings (got {})",
            other.type_name()
        )),
    }
}

fn network_rule(args: Args, builder: &mut PolicyBuilder) -> Result<(), Error> {
    let protocol = NetworkRuleProtocol::parse(args.str(1).unwrap_or_default())?;
    let decision = match args.str(2).unwrap_or_default() {
        "deny" => Decision::Forbidden,
        other => Decision::parse(other)?,
    };
    let justification = justification(args.str(3))?;
    let host = normalize_network_host(args.str(0).unwrap_or_default())?;
    builder.add_network_rule(NetworkRule {
        host,
        protocol,
        decision,
        justification,
    });
    Ok(())
}

fn host_executable(args: Args, builder: &mut PolicyBuilder) -> Result<(), Error> {
    let name = args.str(0).unwrap_or_default();
    if name.is_empty() {
        return Err(Error::InvalidRule(
            "host_executable name cannot be empty".to_string(),
        ));
    }
    let as_path = Path::new(name);
    let bare = as_path.components().count() == 1
        && matches!(as_path.components().next(), Some(Component::Normal(_)))
        && as_path.file_name().and_then(|n| n.to_str()) == Some(name);
    if !bare {
        return Err(Error::InvalidRule(format!(
            "host_executable name must be a bare executable name (got {name})"
        )));
    }
    let mut paths = Vec::new();
    for value in args.list(1).unwrap_or_default() {
        let Value::Str(raw) = value else {
            return Err(Error::InvalidRule(format!(
                "host_executable paths must be strings (got {})",
                value.type_name()
            )));
        };
        let Some(path) = normalize_absolute(Path::new(raw)) else {
            return Err(Error::InvalidRule(format!(
                "host_executable paths must be absolute (got {raw})"
            )));
        };
        if path.file_name().and_then(|n| n.to_str()) != Some(name) {
            return Err(Error::InvalidRule(format!(
                "host_executable path `{raw}` must have basename `{name}`"
            )));
        }
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    builder.add_host_executable(name.to_string(), paths);
    Ok(())
}
