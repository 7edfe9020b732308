//! Comparable facts of one option or positional, extracted from the fixture and from our
//! clap arguments, and the option order of a rendered help page.

use clap::{Arg, ArgAction};

use crate::fixture::{Opt, Positional};

/// The facts of one option, as comparable text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct OptionFacts {
    pub(crate) long: Option<String>,
    pub(crate) short: Option<String>,
    pub(crate) value_name: Option<String>,
    pub(crate) takes_value: bool,
    pub(crate) possible_values: Option<Vec<String>>,
    pub(crate) default: Option<String>,
    pub(crate) multiple_values: bool,
    pub(crate) repeatable: bool,
    pub(crate) required: bool,
}

impl OptionFacts {
    pub(crate) fn of_reference(opt: &Opt) -> Self {
        Self {
            long: opt.long.clone(),
            short: opt.short.clone(),
            value_name: opt.value_name.clone(),
            takes_value: opt.takes_value,
            possible_values: opt.possible_values.clone(),
            default: opt.default.clone(),
            multiple_values: opt.multiple_values,
            repeatable: opt.repeatable,
            required: opt.required,
        }
    }

    pub(crate) fn of_ours(arg: &Arg) -> Self {
        let takes_value = arg.get_action().takes_values();
        Self {
            long: arg.get_long().map(str::to_owned),
            short: arg.get_short().map(String::from),
            value_name: takes_value.then(|| value_name(arg)),
            takes_value,
            possible_values: possible_values(arg),
            // Flags carry an implicit `false` default that help does not show.
            default: if takes_value {
                default_value(arg)
            } else {
                None
            },
            multiple_values: takes_value && max_values(arg) > 1,
            repeatable: matches!(arg.get_action(), ArgAction::Append | ArgAction::Count),
            required: arg.is_required_set(),
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct PositionalFacts {
    pub(crate) name: String,
    pub(crate) required: bool,
    pub(crate) variadic: bool,
    pub(crate) default: Option<String>,
    pub(crate) possible_values: Option<Vec<String>>,
}

impl PositionalFacts {
    pub(crate) fn of_reference(arg: &Positional) -> Self {
        Self {
            name: arg.name.clone(),
            required: arg.required,
            variadic: arg.variadic,
            default: arg.default.clone(),
            possible_values: arg.possible_values.clone(),
        }
    }

    pub(crate) fn of_ours(arg: &Arg) -> Self {
        Self {
            name: value_name(arg),
            required: arg.is_required_set(),
            variadic: max_values(arg) > 1,
            default: default_value(arg),
            possible_values: possible_values(arg),
        }
    }
}

fn value_name(arg: &Arg) -> String {
    arg.get_value_names()
        .and_then(|names| names.first())
        .map(ToString::to_string)
        .unwrap_or_else(|| arg.get_id().to_string().to_uppercase())
}

fn max_values(arg: &Arg) -> usize {
    arg.get_num_args().map_or(1, |range| range.max_values())
}

fn possible_values(arg: &Arg) -> Option<Vec<String>> {
    let values: Vec<String> = arg
        .get_possible_values()
        .into_iter()
        .filter(|value| !value.is_hide_set())
        .map(|value| value.get_name().to_owned())
        .collect();
    (!values.is_empty()).then_some(values)
}

fn default_value(arg: &Arg) -> Option<String> {
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|value| value.to_string_lossy().into_owned())
        .collect();
    (!defaults.is_empty()).then(|| defaults.join(","))
}

pub(crate) fn option_key(arg: &Arg) -> String {
    match (arg.get_long(), arg.get_short()) {
        (Some(long), _) => format!("--{long}"),
        (None, Some(short)) => format!("-{short}"),
        (None, None) => arg.get_id().to_string(),
    }
}

/// Option names in the order the long help lists them.
pub(crate) fn help_order(cmd: &clap::Command) -> Vec<String> {
    let help = cmd.clone().render_long_help().to_string();
    help.lines()
        .filter_map(|line| {
            let rest = line
                .strip_prefix("  -")
                .map(|r| format!("-{r}"))
                .or_else(|| line.strip_prefix("      --").map(|r| format!("--{r}")))?;
            if line.starts_with("          ") {
                return None;
            }
            let first = rest.split([' ', ',']).next()?.to_owned();
            // `-c, --config <key=value>`: report the long name when there is one.
            let long = rest
                .split(", ")
                .nth(1)
                .and_then(|long| long.split(' ').next())
                .map(str::to_owned);
            Some(long.unwrap_or(first))
        })
        .collect()
}
