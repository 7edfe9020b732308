use std::fs;

use super::*;
use crate::overrides::CliOverrides;

fn home(text: &str) -> (tempfile::TempDir, LoadOptions) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("config.toml"), text).unwrap();
    let opts = LoadOptions {
        codex_home: dir.path().to_path_buf(),
        system_dir: Some(dir.path().join("no-etc")),
        ..Default::default()
    };
    (dir, opts)
}

#[test]
fn wrong_variant_reports_serde_message_and_location() {
    let (_dir, opts) = home("model_reasoning_effort = \"extreme\"\n");
    let err = Config::load(&opts, false).unwrap_err();
    let ConfigError::Invalid { message, located } = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        message,
        "unknown variant `extreme`, expected one of `none`, `minimal`, `low`, `medium`, `high`, `xhigh`\nin `model_reasoning_effort`\n"
    );
    let diag = located.unwrap();
    assert_eq!((diag.line, diag.column), (1, 26));
    assert!(diag.message.starts_with("unknown variant `extreme`"));
}

#[test]
fn wrong_variant_from_a_flag_has_no_location() {
    let (_dir, mut opts) = home("");
    opts.overrides =
        CliOverrides::parse(&["model_reasoning_effort=\"x\"".into()], &[], &[]).unwrap();
    let err = Config::load(&opts, false).unwrap_err();
    assert!(
        matches!(err, ConfigError::Invalid { located: None, .. }),
        "{err:?}"
    );
}

#[test]
fn unknown_provider_is_rejected() {
    let (_dir, opts) = home("model_provider = \"nope\"\n");
    let err = Config::load(&opts, false).unwrap_err();
    assert_eq!(err.to_string(), "Model provider `nope` not found");
    let (_dir, opts) = home(
        "model_provider = \"mock\"\n[model_providers.mock]\nname = \"m\"\nbase_url = \"http://x\"\n",
    );
    let config = Config::load(&opts, false).unwrap();
    assert_eq!(config.model_provider_id, "mock");
    assert!(config.model_provider.is_some());
}

#[test]
fn legacy_profile_selector_is_refused() {
    let (_dir, opts) = home("profile = \"zz\"\n[profiles.zz]\nmodel = \"o3\"\n");
    let err = Config::load(&opts, false).unwrap_err();
    assert_eq!(
        err.to_string(),
        "legacy `profile = \"zz\"` config is no longer supported; use `--profile zz` with `zz.config.toml` instead"
    );
}

#[test]
fn unknown_keys_are_collected_and_strict_mode_points_at_them() {
    let (_dir, opts) = home("model = \"x\"\nbogus_key = 1\n[features]\nzz = true\n");
    let config = Config::load(&opts, false).unwrap();
    assert_eq!(config.unknown_keys, vec!["bogus_key".to_owned()]);
    let err = Config::load(&opts, true).unwrap_err();
    let ConfigError::Strict(diag) = err else {
        panic!("{err:?}")
    };
    assert_eq!(diag.message, "unknown configuration field `bogus_key`");
    assert_eq!((diag.line, diag.column, diag.width), (2, 1, 9));
}

#[test]
fn strict_mode_rejects_unknown_features_and_flag_keys() {
    let (_dir, opts) = home("[features]\nzz = true\n");
    let err = Config::load(&opts, true).unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown configuration field `features.zz`"),
        "{err}"
    );
    let (_dir, mut opts) = home("");
    opts.overrides = CliOverrides::parse(&["nope=1".into()], &[], &[]).unwrap();
    let err = Config::load(&opts, true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown configuration field `nope` in -c/--config override"
    );
}

#[test]
fn features_follow_defaults_table_and_flags() {
    let (_dir, mut opts) = home(
        "experimental_use_unified_exec_tool = false\n[features]\nmemories = true\njs_repl = true\n",
    );
    opts.overrides = CliOverrides::parse(&[], &[], &["goals".into()]).unwrap();
    let f = Config::load(&opts, false).unwrap().features;
    assert!(!f.enabled("unified_exec"));
    assert!(f.enabled("memories"));
    assert!(!f.enabled("js_repl"));
    assert!(!f.enabled("goals"));
    assert!(f.enabled("shell_tool"));
}
