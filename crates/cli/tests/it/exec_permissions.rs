//! `recodex exec` and what commands may do: the user's and projects' rules, the shell
//! snapshot, and the sandbox a permission profile selects (deny rules included).

use recodex_testkit::{MockResponsesServer, sse};

use super::exec::{dirs, exec, reply, walk, write_config};

/// The user's `.rules` files apply to the model's commands: a forbidden command never runs
/// (with the reference's refusal), a `prompt` one is refused because exec cannot ask, and
/// other commands run as usual.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_files_refuse_forbidden_commands() {
    let mut events = sse::function_call(
        0,
        "call_f",
        "exec_command",
        r#"{"cmd":"ls && rm -f victim.txt"}"#,
    );
    events.extend(sse::function_call(
        1,
        "call_p",
        "exec_command",
        r#"{"cmd":"git push"}"#,
    ));
    events.extend(sse::function_call(
        2,
        "call_s",
        "shell_command",
        r#"{"command":"rm victim.txt"}"#,
    ));
    events.extend(sse::function_call(
        3,
        "call_ok",
        "exec_command",
        r#"{"cmd":"echo fine"}"#,
    ));
    let server = MockResponsesServer::start(vec![
        reply(events, "resp_1"),
        reply(sse::message(0, "msg_2", "Done."), "resp_2"),
    ])
    .await
    .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    std::fs::create_dir_all(home.join("rules")).unwrap();
    std::fs::write(
        home.join("rules/default.rules"),
        "prefix_rule(pattern=[\"rm\"], decision=\"forbidden\")\nprefix_rule(pattern=[\"git\", \"push\"], decision=\"prompt\")\n",
    )
    .unwrap();
    std::fs::write(work.join("victim.txt"), "keep me\n").unwrap();
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        let args = [
            "--json",
            "--skip-git-repo-check",
            "-s",
            "workspace-write",
            "Go.",
        ];
        exec(&h, &w, &args, "")
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(work.join("victim.txt")).unwrap(),
        "keep me\n"
    );
    let input = server.requests()[1].json()["input"].clone();
    let output = |id: &str| {
        input
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["type"] == "function_call_output" && i["call_id"] == id)
            .unwrap()["output"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        output("call_f"),
        "exec_command failed for `/bin/bash -lc 'ls && rm -f victim.txt'`: CreateProcess { message: \"Rejected(\\\"`/bin/bash -lc 'ls && rm -f victim.txt'` rejected: policy forbids commands starting with `rm`\\\")\" }"
    );
    assert!(
        output("call_p")
            .contains("approval required by policy, but AskForApproval is set to Never")
    );
    assert_eq!(
        output("call_s"),
        "`/bin/bash -lc 'rm victim.txt'` rejected: policy forbids commands starting with `rm`"
    );
    assert!(output("call_ok").ends_with("fine\n"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(r#""status":"declined""#), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            " ERROR codex_core::tools::router: error={}\n",
            output("call_f")
        )),
        "{stderr}"
    );
}

/// Rules also come from each trusted project's `.codex/rules`; `--ignore-rules` leaves out
/// the user's and the projects' rules.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn project_rules_apply_unless_rules_are_ignored() {
    let call = || {
        reply(
            sse::function_call(0, "call_e", "exec_command", r#"{"cmd":"echo hi"}"#),
            "resp",
        )
    };
    let done = || reply(sse::message(0, "m", "Done."), "resp_done");
    let server = MockResponsesServer::start(vec![call(), done(), call(), done()])
        .await
        .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let mut config = std::fs::read_to_string(home.join("config.toml")).unwrap();
    config.push_str(&format!(
        "\n[projects.{:?}]\ntrust_level = \"trusted\"\n",
        work.display().to_string()
    ));
    std::fs::write(home.join("config.toml"), config).unwrap();
    std::fs::create_dir_all(work.join(".codex/rules")).unwrap();
    std::fs::write(
        work.join(".codex/rules/project.rules"),
        "prefix_rule(pattern=[\"echo\"], decision=\"forbidden\", justification=\"not here\")\n",
    )
    .unwrap();
    let (h, w) = (home.clone(), work.clone());
    let outs = tokio::task::spawn_blocking(move || {
        let plain = exec(&h, &w, &["--json", "Go."], "");
        let ignoring = exec(&h, &w, &["--json", "--ignore-rules", "Go."], "");
        (plain, ignoring)
    })
    .await
    .unwrap();
    assert_eq!(
        outs.0.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&outs.0.stderr)
    );
    assert_eq!(outs.1.status.code(), Some(0));
    let requests = server.requests();
    let output = |n: usize| {
        let input = requests[n].json()["input"].clone();
        input
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["type"] == "function_call_output")
            .unwrap()["output"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(output(1).contains("rejected: not here"), "{}", output(1));
    assert!(output(3).ends_with("hi\n"), "{}", output(3));
}

#[test]
fn a_rules_file_that_does_not_load_stops_exec() {
    let (_dir, home, work) = dirs();
    write_config(&home, "http://127.0.0.1:9/v1");
    std::fs::create_dir_all(home.join("rules")).unwrap();
    std::fs::write(home.join("rules/default.rules"), "prefix_rule(pattern=)\n").unwrap();
    let out = exec(&home, &work, &["--skip-git-repo-check", "Go."], "");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("Error loading rules:\n"), "{stderr}");
    assert!(
        stderr.contains("default.rules:1: starlark error: error: Parse error"),
        "{stderr}"
    );
}

/// With the `shell_snapshot` feature (on by default) the login shell's startup files are
/// read once per session: a later login command runs as a plain shell that still has
/// their environment. `--disable shell_snapshot` keeps every command a login shell.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_commands_reuse_the_shell_snapshot() {
    let probe =
        r#"{"cmd":"echo profile=$FROM_PROFILE; shopt -q login_shell && echo login || echo plain"}"#;
    // The probe comes in a later response than the pause, so the snapshot has had time.
    let turn = || {
        vec![
            reply(
                sse::function_call(0, "c1", "exec_command", r#"{"cmd":"sleep 1"}"#),
                "resp_1",
            ),
            reply(sse::function_call(0, "c2", "exec_command", probe), "resp_2"),
            reply(sse::message(0, "m", "Done."), "resp_3"),
        ]
    };
    let server = MockResponsesServer::start([turn(), turn()].concat())
        .await
        .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    std::fs::write(
        home.parent().unwrap().join(".bash_profile"),
        "export FROM_PROFILE=yes\n",
    )
    .unwrap();
    let (h, w) = (home.clone(), work.clone());
    let outs = tokio::task::spawn_blocking(move || {
        let args = [
            "--json",
            "--skip-git-repo-check",
            "-s",
            "danger-full-access",
        ];
        let with = exec(&h, &w, &[&args[..], &["Go."]].concat(), "");
        let without = exec(
            &h,
            &w,
            &[&args[..], &["--disable", "shell_snapshot", "Go."]].concat(),
            "",
        );
        (with, without)
    })
    .await
    .unwrap();
    assert_eq!(outs.0.status.code(), Some(0));
    assert_eq!(outs.1.status.code(), Some(0));
    let requests = server.requests();
    let probe_output = |n: usize| {
        let input = requests[n].json()["input"].clone();
        input
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["type"] == "function_call_output" && i["call_id"] == "c2")
            .unwrap()["output"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(
        probe_output(2).ends_with("profile=yes\nplain\n"),
        "{}",
        probe_output(2)
    );
    assert!(
        probe_output(5).ends_with("profile=yes\nlogin\n"),
        "{}",
        probe_output(5)
    );
}

/// A built-in permissions profile selected by `default_permissions` sets the session's
/// sandbox (and, being writable, trusts the project as the reference does); profiles
/// defined without a selection stop exec with the reference's error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_permissions_selects_the_sandbox() {
    let server = MockResponsesServer::start(vec![reply(sse::message(0, "m", "Ok."), "r")])
        .await
        .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        let args = [
            "--json",
            "--skip-git-repo-check",
            "-c",
            "default_permissions=\":workspace\"",
            "Hi.",
        ];
        exec(&h, &w, &args, "")
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rollout = std::fs::read_to_string(&walk(&home.join("sessions"))[0]).unwrap();
    assert!(
        rollout.contains(r#""sandbox_policy":{"type":"workspace-write""#),
        "{rollout}"
    );
    let config = std::fs::read_to_string(home.join("config.toml")).unwrap();
    assert!(config.contains("trust_level = \"trusted\""), "{config}");

    let (_dir2, home2, work2) = dirs();
    write_config(&home2, "http://127.0.0.1:9/v1");
    let mut config = std::fs::read_to_string(home2.join("config.toml")).unwrap();
    config.push_str("\n[permissions.dev]\ndescription = \"mine\"\n");
    std::fs::write(home2.join("config.toml"), config).unwrap();
    let out = exec(&home2, &work2, &["--skip-git-repo-check", "Hi."], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "Error: config defines `[permissions]` profiles but does not set `default_permissions`"
        ),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A permission profile's `deny` rule holds for the model's commands too: the file reads
/// empty inside the sandbox, the turn records the rule, and the model is told about it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_path_is_hidden_from_the_models_commands() {
    let server = MockResponsesServer::start(vec![
        reply(
            sse::function_call(
                0,
                "c",
                "exec_command",
                r#"{"cmd":"cat secret.txt; echo end"}"#,
            ),
            "r1",
        ),
        reply(sse::message(0, "m", "Done."), "r2"),
    ])
    .await
    .unwrap();
    let (_dir, home, work) = dirs();
    write_config(&home, &server.base_url());
    std::fs::write(work.join("secret.txt"), "TOPSECRET\n").unwrap();
    let mut config = std::fs::read_to_string(home.join("config.toml")).unwrap();
    config = format!(
        "default_permissions = \"p\"\n{config}\n[permissions.p]\nextends = \":workspace\"\n\
         [permissions.p.filesystem.\":workspace_roots\"]\n\"secret.txt\" = \"deny\"\n"
    );
    std::fs::write(home.join("config.toml"), config).unwrap();
    let (h, w) = (home.clone(), work.clone());
    let out = tokio::task::spawn_blocking(move || {
        exec(&h, &w, &["--json", "--skip-git-repo-check", "Go."], "")
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let requests = server.requests();
    let output = requests[1].json()["input"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"] == "function_call_output")
        .unwrap()["output"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(output.ends_with("Output:\nend\n"), "{output}");
    assert!(!output.contains("TOPSECRET"));
    let developer = requests[0].json()["input"][0]["content"][0]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    let denied = work.join("secret.txt").canonicalize().unwrap();
    assert!(
        developer.contains(&denied.display().to_string()),
        "{developer}"
    );
    let rollout = std::fs::read_to_string(&walk(&home.join("sessions"))[0]).unwrap();
    assert!(
        rollout.contains(&format!(
            r#"{{"path":{{"type":"path","path":"{}"}},"access":"deny"}}"#,
            work.join("secret.txt").display()
        )),
        "{rollout}"
    );
}
