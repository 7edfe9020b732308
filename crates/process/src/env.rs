//! The environment of model commands, built from the parent environment
//! (passed in as a map, never read here) and `[shell_environment_policy]`.
//!
//! Steps, in order: pick the starting set (`inherit`: all, core or none),
//! drop names matching `*KEY*`/`*SECRET*`/`*TOKEN*` unless
//! `ignore_default_excludes` (the default), drop `exclude` matches, apply
//! `set`, keep only `include_only` matches when that list is non-empty, then
//! add `CODEX_THREAD_ID`. Patterns are case-insensitive globs (`*`, `?`).

use std::collections::BTreeMap;

use recodex_config::schema::ShellEnvironmentPolicyToml;
use recodex_protocol::ShellEnvironmentPolicyInherit;

/// Variable carrying the thread id.
pub const THREAD_ID_ENV_VAR: &str = "CODEX_THREAD_ID";

/// Variable the sandbox layer sets when the command has no network.
pub const NETWORK_DISABLED_ENV_VAR: &str = "CODEX_SANDBOX_NETWORK_DISABLED";

/// Variables kept by `inherit = "core"`.
pub const CORE_ENV_VARS: [&str; 9] = [
    "HOME", "LOGNAME", "PATH", "SHELL", "USER", "USERNAME", "TMPDIR", "TEMP", "TMP",
];

/// Variables forced on every unified-exec command so output stays plain:
/// no colours, no pagers, UTF-8, a dumb terminal.
pub const UNIFIED_EXEC_ENV: [(&str, &str); 10] = [
    ("NO_COLOR", "1"),
    ("TERM", "dumb"),
    ("LANG", "C.UTF-8"),
    ("LC_CTYPE", "C.UTF-8"),
    ("LC_ALL", "C.UTF-8"),
    ("COLORTERM", ""),
    ("PAGER", "cat"),
    ("GIT_PAGER", "cat"),
    ("GH_PAGER", "cat"),
    ("CODEX_CI", "1"),
];

const DEFAULT_EXCLUDES: [&str; 3] = ["*KEY*", "*SECRET*", "*TOKEN*"];

/// A resolved `[shell_environment_policy]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvPolicy {
    /// Starting set.
    pub inherit: ShellEnvironmentPolicyInherit,
    /// Skip the `*KEY*`/`*SECRET*`/`*TOKEN*` filter.
    pub ignore_default_excludes: bool,
    /// Patterns of names to drop.
    pub exclude: Vec<String>,
    /// Variables to set.
    pub set: BTreeMap<String, String>,
    /// When non-empty, patterns of the only names to keep.
    pub include_only: Vec<String>,
}

impl Default for EnvPolicy {
    fn default() -> Self {
        Self {
            inherit: ShellEnvironmentPolicyInherit::All,
            ignore_default_excludes: true,
            exclude: Vec::new(),
            set: BTreeMap::new(),
            include_only: Vec::new(),
        }
    }
}

impl EnvPolicy {
    /// The policy described by a `[shell_environment_policy]` table.
    pub fn from_toml(toml: &ShellEnvironmentPolicyToml) -> Self {
        Self {
            inherit: toml.inherit.unwrap_or_default(),
            ignore_default_excludes: toml.ignore_default_excludes.unwrap_or(true),
            exclude: toml.exclude.clone().unwrap_or_default(),
            set: toml.set.clone().unwrap_or_default(),
            include_only: toml.include_only.clone().unwrap_or_default(),
        }
    }
}

/// The environment for a model command.
pub fn build_env(
    parent: &BTreeMap<String, String>,
    policy: &EnvPolicy,
    thread_id: Option<&str>,
) -> BTreeMap<String, String> {
    let mut env: BTreeMap<String, String> = match policy.inherit {
        ShellEnvironmentPolicyInherit::All => parent.clone(),
        ShellEnvironmentPolicyInherit::None => BTreeMap::new(),
        ShellEnvironmentPolicyInherit::Core => parent
            .iter()
            .filter(|(name, _)| CORE_ENV_VARS.contains(&name.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    };
    if !policy.ignore_default_excludes {
        env.retain(|name, _| !matches_any(name, &DEFAULT_EXCLUDES));
    }
    if !policy.exclude.is_empty() {
        env.retain(|name, _| !matches_any(name, &policy.exclude));
    }
    for (name, value) in &policy.set {
        env.insert(name.clone(), value.clone());
    }
    if !policy.include_only.is_empty() {
        env.retain(|name, _| matches_any(name, &policy.include_only));
    }
    if let Some(id) = thread_id {
        env.insert(THREAD_ID_ENV_VAR.to_owned(), id.to_owned());
    }
    env
}

/// Overlays [`UNIFIED_EXEC_ENV`].
pub fn apply_unified_exec_env(env: &mut BTreeMap<String, String>) {
    for (name, value) in UNIFIED_EXEC_ENV {
        env.insert(name.to_owned(), value.to_owned());
    }
}

fn matches_any<S: AsRef<str>>(name: &str, patterns: &[S]) -> bool {
    patterns.iter().any(|p| glob_matches(p.as_ref(), name))
}

/// Case-insensitive glob match supporting `*` and `?`.
pub fn glob_matches(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let name: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    // Iterative wildcard matching with backtracking to the last `*`.
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == name[n]) {
            p += 1;
            n += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, n));
            p += 1;
        } else if let Some((sp, sn)) = star {
            p = sp + 1;
            n = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parent() -> BTreeMap<String, String> {
        [
            ("HOME", "/h"),
            ("PATH", "/bin"),
            ("FOO_KEY", "1"),
            ("MY_SECRET", "2"),
            ("GH_TOKEN", "3"),
            ("EXTRA", "4"),
            ("EXTRA2", "5"),
            ("LC_TIME", "C"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    fn names(env: &BTreeMap<String, String>) -> Vec<&str> {
        env.keys().map(String::as_str).collect()
    }

    #[test]
    fn globs() {
        assert!(glob_matches("*KEY*", "foo_key"));
        assert!(glob_matches("ex*", "EXTRA2"));
        assert!(glob_matches("E?TRA", "EXTRA"));
        assert!(!glob_matches("EXTRA", "EXTRA2"));
        assert!(glob_matches("*", ""));
        assert!(!glob_matches("a*b", "ac"));
    }

    #[test]
    fn default_policy_inherits_everything_and_adds_thread_id() {
        let env = build_env(&parent(), &EnvPolicy::default(), Some("t-1"));
        assert_eq!(env.len(), 9);
        assert_eq!(env.get(THREAD_ID_ENV_VAR).map(String::as_str), Some("t-1"));
    }

    #[test]
    fn core_keeps_the_core_set() {
        let policy = EnvPolicy {
            inherit: ShellEnvironmentPolicyInherit::Core,
            ..EnvPolicy::default()
        };
        assert_eq!(
            names(&build_env(&parent(), &policy, None)),
            ["HOME", "PATH"]
        );
    }

    #[test]
    fn default_excludes_drop_secrets() {
        let policy = EnvPolicy {
            ignore_default_excludes: false,
            ..EnvPolicy::default()
        };
        assert_eq!(
            names(&build_env(&parent(), &policy, None)),
            ["EXTRA", "EXTRA2", "HOME", "LC_TIME", "PATH"]
        );
    }

    #[test]
    fn exclude_set_include_only_in_order() {
        let policy = EnvPolicy {
            exclude: vec!["extra2".into()],
            set: [
                ("A".to_owned(), "b".to_owned()),
                ("Z".to_owned(), "z".to_owned()),
            ]
            .into(),
            include_only: vec!["PATH".into(), "ex*".into(), "A".into()],
            ..EnvPolicy::default()
        };
        let env = build_env(&parent(), &policy, Some("t"));
        assert_eq!(names(&env), ["A", "CODEX_THREAD_ID", "EXTRA", "PATH"]);
    }

    #[test]
    fn none_starts_empty() {
        let policy = EnvPolicy {
            inherit: ShellEnvironmentPolicyInherit::None,
            ..EnvPolicy::default()
        };
        let mut env = build_env(&parent(), &policy, None);
        assert!(env.is_empty());
        apply_unified_exec_env(&mut env);
        assert_eq!(env.get("TERM").map(String::as_str), Some("dumb"));
        assert_eq!(env.len(), 10);
    }
}
