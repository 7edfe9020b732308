use std::fs;

use super::*;

struct Env {
    _dir: tempfile::TempDir,
    home: PathBuf,
    system: PathBuf,
    project: PathBuf,
}

fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let system = dir.path().join("etc");
    let project = dir.path().join("repo");
    for d in [&home, &system, &project] {
        fs::create_dir_all(d).unwrap();
    }
    fs::create_dir_all(project.join(".git")).unwrap();
    Env {
        _dir: dir,
        home,
        system,
        project,
    }
}

fn options(env: &Env) -> LoadOptions {
    LoadOptions {
        codex_home: env.home.clone(),
        cwd: Some(env.project.clone()),
        system_dir: Some(env.system.clone()),
        ..Default::default()
    }
}

fn model(stack: &LayerStack) -> &str {
    stack
        .merged
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("")
}

#[test]
fn each_layer_overrides_the_one_below() {
    let env = env();
    fs::write(
        env.system.join("config.toml"),
        "model = \"system\"\nsandbox_mode = \"read-only\"\n",
    )
    .unwrap();
    let mut opts = options(&env);
    assert_eq!(model(&LayerStack::load(&opts).unwrap()), "system");

    let trust = format!(
        "[projects.{:?}]\ntrust_level = \"trusted\"\n",
        env.project.display().to_string()
    );
    fs::write(
        env.home.join("config.toml"),
        format!("model = \"user\"\n{trust}"),
    )
    .unwrap();
    assert_eq!(model(&LayerStack::load(&opts).unwrap()), "user");

    fs::write(env.home.join("fast.config.toml"), "model = \"profile\"\n").unwrap();
    opts.profile = Some("fast".into());
    assert_eq!(model(&LayerStack::load(&opts).unwrap()), "profile");

    fs::create_dir_all(env.project.join(".codex")).unwrap();
    fs::write(
        env.project.join(".codex/config.toml"),
        "model = \"project\"\nmodel_provider = \"evil\"\n",
    )
    .unwrap();
    let stack = LayerStack::load(&opts).unwrap();
    assert_eq!(model(&stack), "project");
    assert!(
        stack.merged.get("model_provider").is_none(),
        "deny-listed key leaked"
    );

    opts.overrides = CliOverrides::parse(&["model=\"flag\"".into()], &[], &[]).unwrap();
    assert_eq!(model(&LayerStack::load(&opts).unwrap()), "flag");

    fs::write(
        env.system.join("managed_config.toml"),
        "model = \"managed\"\n",
    )
    .unwrap();
    let stack = LayerStack::load(&opts).unwrap();
    assert_eq!(model(&stack), "managed");
    // Values set only by lower layers survive the merge.
    assert_eq!(
        stack.merged.get("sandbox_mode").and_then(Value::as_str),
        Some("read-only")
    );
}

#[test]
fn untrusted_project_config_is_ignored() {
    let env = env();
    fs::create_dir_all(env.project.join(".codex")).unwrap();
    fs::write(
        env.project.join(".codex/config.toml"),
        "model = \"project\"\n",
    )
    .unwrap();
    let stack = LayerStack::load(&options(&env)).unwrap();
    assert_eq!(model(&stack), "");
}

#[test]
fn profile_flag_conflicts_with_a_legacy_table_of_the_same_name() {
    let env = env();
    fs::write(
        env.home.join("config.toml"),
        "[profiles.foo]\nmodel = \"x\"\n",
    )
    .unwrap();
    let mut opts = options(&env);
    opts.profile = Some("foo".into());
    let err = LayerStack::load(&opts).unwrap_err().to_string();
    assert!(
        err.starts_with("--profile `foo` cannot be used while"),
        "{err}"
    );
    assert!(err.contains("foo.config.toml"), "{err}");
}

#[test]
fn syntax_errors_name_file_line_and_column() {
    let env = env();
    fs::write(env.home.join("config.toml"), "model = [\n").unwrap();
    let err = LayerStack::load(&options(&env)).unwrap_err();
    let ConfigError::Toml(diag) = err else {
        panic!("{err:?}")
    };
    assert_eq!((diag.line, diag.column), (1, 11));
    assert_eq!(diag.path, env.home.join("config.toml"));
}

#[test]
fn ignore_user_config_skips_the_user_file() {
    let env = env();
    fs::write(env.home.join("config.toml"), "model = [\n").unwrap();
    let mut opts = options(&env);
    opts.ignore_user_config = true;
    assert_eq!(model(&LayerStack::load(&opts).unwrap()), "");
}
