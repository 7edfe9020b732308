//! `-c key=value`, `--enable` and `--disable`: the session-flags layer.

use toml::Value;
use toml::value::Table;

use crate::error::ConfigError;
use crate::features::is_known_feature_key;

/// Overrides typed on the command line, in the order given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CliOverrides {
    entries: Vec<(String, Value)>,
}

impl CliOverrides {
    /// Parses `-c` arguments, then `--enable`/`--disable` features (each becoming
    /// `features.<name> = true|false`, validated against the registry).
    pub fn parse(
        raw: &[String],
        enable: &[String],
        disable: &[String],
    ) -> Result<Self, ConfigError> {
        let mut entries = Vec::with_capacity(raw.len() + enable.len() + disable.len());
        for arg in raw {
            entries.push(parse_override(arg)?);
        }
        for (names, on) in [(enable, true), (disable, false)] {
            for name in names {
                if !is_known_feature_key(name) {
                    return Err(ConfigError::UnknownFeature(name.clone()));
                }
                entries.push((format!("features.{name}"), Value::Boolean(on)));
            }
        }
        Ok(Self { entries })
    }

    /// Whether no override was given.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The `(dotted.path, value)` pairs in order.
    pub fn entries(&self) -> &[(String, Value)] {
        &self.entries
    }

    /// Builds the TOML table these overrides describe; a later entry wins.
    pub fn to_layer(&self) -> Value {
        let mut root = Value::Table(Table::new());
        for (path, value) in &self.entries {
            set_dotted(&mut root, path, value.clone());
        }
        root
    }
}

/// Splits `key=value` at the first `=`; the value is TOML when it parses as a TOML
/// value, else the literal text with surrounding quotes removed.
pub fn parse_override(arg: &str) -> Result<(String, Value), ConfigError> {
    let Some((key, value)) = arg.split_once('=') else {
        return Err(ConfigError::OverrideMissingEquals(arg.to_owned()));
    };
    let key = key.trim();
    if key.is_empty() {
        return Err(ConfigError::OverrideEmptyKey(arg.to_owned()));
    }
    let value = parse_toml_value(value).unwrap_or_else(|| {
        Value::String(
            value
                .trim()
                .trim_matches(|c| c == '"' || c == '\'')
                .to_owned(),
        )
    });
    Ok((key.to_owned(), value))
}

fn parse_toml_value(text: &str) -> Option<Value> {
    let doc = format!("_v_ = {text}");
    let mut table: Table = toml::from_str(&doc).ok()?;
    table.remove("_v_")
}

/// Sets `path` (dot-separated) in `root`, creating tables on the way and replacing any
/// non-table value that stands where a table is needed.
pub(crate) fn set_dotted(root: &mut Value, path: &str, value: Value) {
    let mut current = root;
    let mut segments = path.split('.').peekable();
    while let Some(segment) = segments.next() {
        if !current.is_table() {
            *current = Value::Table(Table::new());
        }
        let Value::Table(table) = current else { return };
        if segments.peek().is_none() {
            table.insert(segment.to_owned(), value);
            return;
        }
        current = table
            .entry(segment.to_owned())
            .or_insert_with(|| Value::Table(Table::new()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_as_toml_or_fall_back_to_strings() {
        let (k, v) = parse_override("model=\"o3\"").unwrap();
        assert_eq!((k.as_str(), v), ("model", Value::String("o3".into())));
        let (_, v) = parse_override("a.b=[1, 2]").unwrap();
        assert_eq!(v, Value::Array(vec![Value::Integer(1), Value::Integer(2)]));
        let (_, v) = parse_override("shell_environment_policy.inherit=all").unwrap();
        assert_eq!(v, Value::String("all".into()));
        let (_, v) = parse_override("x='unterminated").unwrap();
        assert_eq!(v, Value::String("unterminated".into()));
        let (_, v) = parse_override("flag = true").unwrap();
        assert_eq!(v, Value::Boolean(true));
    }

    #[test]
    fn malformed_overrides_are_rejected_with_the_argument() {
        let err = parse_override("foo").unwrap_err();
        assert_eq!(err.to_string(), "Invalid override (missing '='): foo");
        let err = parse_override(" =1").unwrap_err();
        assert_eq!(err.to_string(), "Empty key in override:  =1");
    }

    #[test]
    fn features_flags_become_feature_overrides() {
        let o = CliOverrides::parse(
            &["model=\"x\"".into()],
            &["memories".into()],
            &["goals".into()],
        )
        .unwrap();
        let layer = o.to_layer();
        assert_eq!(layer["features"]["memories"], Value::Boolean(true));
        assert_eq!(layer["features"]["goals"], Value::Boolean(false));
        let err = CliOverrides::parse(&[], &["nosuch".into()], &[]).unwrap_err();
        assert_eq!(err.to_string(), "Unknown feature flag: nosuch");
    }

    #[test]
    fn dotted_paths_replace_scalars_with_tables() {
        let mut root = Value::Table(Table::new());
        set_dotted(&mut root, "a", Value::Integer(1));
        set_dotted(&mut root, "a.b", Value::Integer(2));
        assert_eq!(root["a"]["b"], Value::Integer(2));
    }
}
