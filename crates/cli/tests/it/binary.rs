//! The built binary, end to end: start-up, configuration errors, the implemented
//! commands and the not-built ones. Each test gets its own CODEX_HOME and a clean
//! environment.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pretty_assertions::assert_eq;

const BIN: &str = env!("CARGO_BIN_EXE_recodex");

/// A temporary CODEX_HOME and working directory.
struct Home {
    _dir: tempfile::TempDir,
    home: PathBuf,
    cwd: PathBuf,
}

impl Home {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("codex-home");
        let cwd = dir.path().join("work");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&cwd).unwrap();
        Self {
            _dir: dir,
            home,
            cwd,
        }
    }

    fn with_config(text: &str) -> Self {
        let h = Self::new();
        std::fs::write(h.home.join("config.toml"), text).unwrap();
        h
    }

    fn config(&self) -> String {
        std::fs::read_to_string(self.home.join("config.toml")).unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_as(Path::new(BIN), args)
    }

    fn run_as(&self, exe: &Path, args: &[&str]) -> Output {
        Command::new(exe)
            .args(args)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", self.home.parent().unwrap())
            .env("CODEX_HOME", &self.home)
            .env("TMPDIR", "/nonexistent-tmp")
            .current_dir(&self.cwd)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn golden(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../config/tests/golden")
        .join(rel);
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn features_list_on_an_empty_home_matches_the_reference() {
    let h = Home::new();
    let out = h.run(&["features", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), golden("features-list.txt"));
    assert_eq!(stderr(&out), "");
}

#[test]
fn features_enable_and_disable_edit_config_like_the_reference() {
    let h = Home::new();
    let out = h.run(&["features", "enable", "memories"]);
    assert_eq!(stdout(&out), "Enabled feature `memories` in config.toml.\n");
    assert_eq!(
        h.config(),
        golden("config-edits/feat-enable-empty.config.toml")
    );
    let out = h.run(&["features", "disable", "shell_snapshot"]);
    assert_eq!(
        stdout(&out),
        "Disabled feature `shell_snapshot` in config.toml.\n"
    );
    assert_eq!(
        h.config(),
        golden("config-edits/feat-enable-then-disable.config.toml")
    );
    let list = stdout(&h.run(&["features", "list"]));
    assert!(list.contains("\nmemories                                experimental       true\n"));
    assert!(list.contains("\nshell_snapshot                          stable             false\n"));
}

#[test]
fn unknown_feature_is_refused_and_nothing_is_written() {
    let h = Home::new();
    let out = h.run(&["features", "enable", "no_such_feature"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "Error: Unknown feature flag: no_such_feature\n"
    );
    assert!(!h.home.join("config.toml").exists());
    let out = h.run(&["--enable", "nosuch", "features", "list"]);
    assert_eq!(
        (out.status.code(), stderr(&out)),
        (Some(1), "Error: Unknown feature flag: nosuch\n".into())
    );
}

#[test]
fn flags_override_the_config_file() {
    let h = Home::with_config("[features]\nmemories = true\n");
    let list = stdout(&h.run(&[
        "--disable",
        "memories",
        "-c",
        "features.goals=false",
        "features",
        "list",
    ]));
    assert!(list.contains("\nmemories                                experimental       false\n"));
    assert!(list.contains("\ngoals                                   stable             false\n"));
}

#[test]
fn override_without_equals_is_an_error() {
    let h = Home::new();
    let out = h.run(&["-c", "foo", "features", "list"]);
    assert_eq!(
        (out.status.code(), stderr(&out)),
        (
            Some(1),
            "Error: Invalid override (missing '='): foo\n".into()
        )
    );
}

#[test]
fn broken_config_is_reported_with_position_and_left_untouched() {
    let h = Home::with_config("model = [\n");
    let out = h.run(&["features", "list"]);
    assert_eq!(out.status.code(), Some(1));
    let path = h.home.join("config.toml");
    let expected = format!(
        "Error: {}:1:11: unclosed array, expected `]`\n\nCaused by:\n    TOML parse error at line 1, column 11\n      |\n    1 | model = [\n      |           ^\n    unclosed array, expected `]`\n    \n",
        path.display()
    );
    assert_eq!(stderr(&out), expected);
    let out = h.run(&["exec", "--skip-git-repo-check", "hi"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "Error loading config.toml:\n{}:1:11: unclosed array, expected `]`\n  |\n1 | model = [\n  |           ^\n",
            path.display()
        )
    );
    assert_eq!(h.config(), "model = [\n");
    assert_eq!(stdout(&out), "");
}

#[test]
fn wrong_value_type_is_reported_per_command_style() {
    let h = Home::with_config("model_reasoning_effort = \"extreme\"\n");
    let out = h.run(&["exec", "hi"]);
    assert_eq!(
        stderr(&out),
        "Error loading config.toml: unknown variant `extreme`, expected one of `none`, `minimal`, `low`, `medium`, `high`, `xhigh`\nin `model_reasoning_effort`\n\n"
    );
    let out = h.run(&["features", "list"]);
    assert!(stderr(&out).starts_with(&format!(
        "Error: {}:1:26: unknown variant `extreme`",
        h.home.join("config.toml").display()
    )));
}

#[test]
fn unknown_provider_and_legacy_profile_are_errors() {
    let h = Home::with_config("model_provider = \"nope\"\n");
    let out = h.run(&["exec", "hi"]);
    assert_eq!(
        (out.status.code(), stderr(&out)),
        (Some(1), "Error: Model provider `nope` not found\n".into())
    );
    let h = Home::with_config("profile = \"zz\"\n");
    let out = h.run(&["exec", "hi"]);
    assert!(
        stderr(&out).starts_with("Error: legacy `profile = \"zz\"` config is no longer supported")
    );
}

#[test]
fn profile_flag_layers_its_file_and_is_refused_where_it_does_not_apply() {
    let h = Home::with_config("[profiles.work]\nmodel = \"x\"\n");
    let out = h.run(&["exec", "-p", "work", "hi"]);
    assert!(
        stderr(&out)
            .starts_with("Error loading config.toml: --profile `work` cannot be used while")
    );
    let out = h.run(&["-p", "work", "features", "list"]);
    assert!(stderr(&out).starts_with("Error: --profile only applies to runtime commands"));
    let h = Home::new();
    std::fs::write(
        h.home.join("fast.config.toml"),
        "model_reasoning_effort = \"bogus\"\n",
    )
    .unwrap();
    let out = h.run(&["exec", "-p", "fast", "hi"]);
    assert!(
        stderr(&out).starts_with("Error loading config.toml: unknown variant `bogus`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn strict_config_points_at_the_unknown_key() {
    let h = Home::with_config("model = \"x\"\nbogus_key = 1\n");
    let out = h.run(&["exec", "review"]);
    assert!(
        !stderr(&out).contains("bogus_key"),
        "unknown keys are silent without --strict-config"
    );
    let out = h.run(&["exec", "--strict-config", "hi"]);
    assert_eq!(
        stderr(&out),
        format!(
            "Error loading config.toml:\n{}:2:1: unknown configuration field `bogus_key`\n  |\n2 | bogus_key = 1\n  | ^^^^^^^^^\n",
            h.home.join("config.toml").display()
        )
    );
    let out = h.run(&["--strict-config", "features", "list"]);
    assert_eq!(
        stderr(&out),
        "Error: `--strict-config` is not supported for `codex features`\n"
    );
}

#[test]
fn version_depends_on_the_name_invoked() {
    let h = Home::new();
    let out = h.run(&["--version"]);
    assert_eq!(stdout(&out), format!("{}\n", recodex::RECODEX_VERSION_LINE));
    let link = h.cwd.join("codex");
    std::os::unix::fs::symlink(BIN, &link).unwrap();
    assert_eq!(
        stdout(&h.run_as(&link, &["--version"])),
        "codex-cli 0.136.0\n"
    );
    assert_eq!(
        stdout(&h.run_as(&link, &["exec", "--version"])),
        "codex-cli-exec 0.136.0\n"
    );
}

#[test]
fn helper_directory_exists_only_while_running() {
    let h = Home::new();
    let out = h.run(&["features", "list"]);
    assert_eq!(out.status.code(), Some(0));
    let arg0 = h.home.join("tmp/arg0");
    assert!(
        !arg0.exists(),
        "commands that run nothing need no helper links"
    );
    // Runtime commands get the directory; it is removed when the process ends.
    h.run(&["exec", "review"]);
    assert!(arg0.is_dir());
    assert_eq!(
        std::fs::read_dir(&arg0).unwrap().count(),
        0,
        "helper dir left behind"
    );
}

#[test]
fn temp_dir_home_and_missing_home_warn_like_the_reference() {
    let h = Home::new();
    let out = Command::new(BIN)
        .args(["features", "list"])
        .env_clear()
        .env("HOME", &h.cwd)
        .env("CODEX_HOME", &h.home)
        .env("TMPDIR", h.home.parent().unwrap())
        .output()
        .unwrap();
    assert!(stderr(&out).starts_with(
        "WARNING: proceeding, even though we could not update PATH: Refusing to create helper binaries under temporary dir"
    ));
    assert_eq!(out.status.code(), Some(0));
    let out = Command::new(BIN)
        .args(["features", "list"])
        .env_clear()
        .env("CODEX_HOME", "/nonexistent/x")
        .output()
        .unwrap();
    assert_eq!(
        stderr(&out),
        "WARNING: proceeding, even though we could not update PATH: CODEX_HOME points to \"/nonexistent/x\", but that path does not exist\nError: CODEX_HOME points to \"/nonexistent/x\", but that path does not exist\n"
    );
}

#[test]
fn debug_models_prints_the_catalog() {
    let h = Home::new();
    let out = h.run(&["debug", "models"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let slugs: Vec<&str> = json["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        [
            "gpt-5.5",
            "gpt-5.4",
            "gpt-5.4-mini",
            "gpt-5.3-codex",
            "gpt-5.2",
            "codex-auto-review"
        ]
    );
}

#[test]
fn unbuilt_commands_say_so_and_fail() {
    let h = Home::new();
    for args in [
        &["login", "status"][..],
        &["exec", "review"],
        &["mcp", "list"],
        &[],
    ] {
        let out = h.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).contains("is not implemented yet"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert_eq!(stdout(&out), "", "{args:?}");
    }
}

#[test]
fn completion_scripts_are_generated_for_codex() {
    let h = Home::new();
    let out = h.run(&["completion"]);
    assert!(stdout(&out).contains("_codex()"));
    let out = h.run(&["completion", "zsh"]);
    assert!(stdout(&out).starts_with("#compdef codex"));
}

#[test]
fn self_invocation_applies_a_patch() {
    let h = Home::new();
    let patch = "*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch\n";
    let out = h.run(&["--codex-run-as-apply-patch", patch]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Success. Updated the following files:\nA hello.txt\n"
    );
    assert_eq!(
        std::fs::read_to_string(h.cwd.join("hello.txt")).unwrap(),
        "hi\n"
    );
    let out = h.run(&["--codex-run-as-apply-patch"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "Error: --codex-run-as-apply-patch requires a UTF-8 PATCH argument.\n"
    );
}
