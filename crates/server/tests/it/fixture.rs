//! A CODEX_HOME with threads written the way `exec` and the app-server write them:
//! rollout files and their rows in the state index.

use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use recodex_server::{AuthFacts, Processor, ServerContext, ThreadSettings};
use serde_json::{Value, json};

/// One stored thread.
pub(crate) struct Spec {
    pub(crate) id: &'static str,
    /// Creation, Unix milliseconds.
    pub(crate) created_ms: i64,
    pub(crate) source: &'static str,
    pub(crate) provider: &'static str,
    pub(crate) cwd: &'static str,
    pub(crate) prompt: &'static str,
    pub(crate) reply: &'static str,
    pub(crate) git: bool,
}

pub(crate) const A: &str = "01a21548-00a0-7023-880e-0b49539b2327";
pub(crate) const B: &str = "01a21548-064e-7831-ae79-e3753cec7fe9";
pub(crate) const C: &str = "01a21548-0c44-7232-b5f2-a00c051bc2bb";
pub(crate) const D: &str = "01a21548-4b88-7123-a3aa-9fdfcc3c670a";

/// Four threads: three from `exec`, one from an IDE (`vscode`), one second apart or more.
pub(crate) fn standard() -> Vec<Spec> {
    let spec = |id, created_ms, source, cwd, prompt, git| Spec {
        id,
        created_ms,
        source,
        provider: "mock",
        cwd,
        prompt,
        reply: "Hello from the mock model.",
        git,
    };
    vec![
        spec(
            A,
            1_795_653_370_023,
            "exec",
            "/w/one",
            "First exec thread: say hello",
            true,
        ),
        spec(
            B,
            1_795_653_371_475,
            "exec",
            "/w/one",
            "Second thread: run echo hi",
            true,
        ),
        spec(
            C,
            1_795_653_372_996,
            "exec",
            "/w/two",
            "Third thread in two",
            false,
        ),
        spec(
            D,
            1_795_653_389_197,
            "vscode",
            "/w/one",
            "Fourth thread from an IDE",
            true,
        ),
    ]
}

pub(crate) struct Home {
    pub(crate) dir: tempfile::TempDir,
}

impl Home {
    pub(crate) fn new(specs: &[Spec]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        for spec in specs {
            write_thread(dir.path(), spec);
        }
        Self { dir }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn rollout(&self, id: &str) -> Option<PathBuf> {
        recodex_state::find_rollout_by_id(self.path(), id)
    }

    /// A server for this home, already initialized (its handshake lines dropped).
    pub(crate) fn server(&self) -> Processor {
        let mut server = Processor::new(self.context());
        let lines = call_raw(
            &mut server,
            r#"{"id":0,"method":"initialize","params":{"clientInfo":{"name":"probe","title":null,"version":"0.0.1"},"capabilities":null}}"#,
        );
        assert_eq!(lines.len(), 2, "{lines:?}");
        server
    }

    pub(crate) fn context(&self) -> ServerContext {
        Self::context_for(self.path())
    }

    pub(crate) fn context_for(home: &Path) -> ServerContext {
        ServerContext {
            codex_home: home.to_path_buf(),
            cwd: home.to_path_buf(),
            sqlite_dir: home.to_path_buf(),
            model_provider: "mock".to_owned(),
            host_name: "vm".to_owned(),
            installation_id: "5e17de81-d5eb-4184-9f5b-6e4f2310db71".to_owned(),
            os: "Debian 12.0.0".to_owned(),
            arch: "x86_64".to_owned(),
            terminal: "xterm".to_owned(),
            settings: ThreadSettings {
                model: "gpt-5.1-codex".to_owned(),
                base_instructions: "Our own base instructions.".to_owned(),
                service_tier: None,
                approval_policy: json!("on-request"),
                approvals_reviewer: "user".to_owned(),
                sandbox: json!({"type": "workspaceWrite", "writableRoots": [], "networkAccess": false,
                    "excludeTmpdirEnvVar": false, "excludeSlashTmp": false}),
                active_permission_profile: json!({"id": ":workspace", "extends": null}),
                reasoning_effort: None,
            },
            auth: AuthFacts::default(),
        }
    }
}

fn stamp(ms: i64) -> String {
    recodex_state::format_timestamp(Utc.timestamp_millis_opt(ms).unwrap())
}

fn write_thread(home: &Path, spec: &Spec) {
    let started = Utc.timestamp_millis_opt(spec.created_ms).unwrap();
    let path = recodex_state::rollout_path(home, &started, spec.id.parse().unwrap());
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let turn = format!("{}-turn", &spec.id[..8]);
    let secs = spec.created_ms / 1000;
    let mut meta = json!({
        "id": spec.id, "timestamp": stamp(spec.created_ms), "cwd": spec.cwd,
        "originator": "codex_exec", "cli_version": "0.136.0", "source": spec.source,
        "model_provider": spec.provider,
    });
    if spec.source == "exec" {
        meta["thread_source"] = json!("user");
    }
    if spec.git {
        meta["git"] =
            json!({"commit_hash": "6b903afae4c763ca78bc6302dd967eccc32e57f7", "branch": "master"});
    }
    let lines = [
        json!({"type": "session_meta", "payload": meta}),
        json!({"type": "event_msg", "payload": {"type": "task_started", "turn_id": turn, "started_at": secs}}),
        json!({"type": "response_item", "payload": {"type": "message", "role": "user",
            "content": [{"type": "input_text", "text": spec.prompt}]}}),
        json!({"type": "event_msg", "payload": {"type": "user_message", "message": spec.prompt,
            "images": [], "local_images": [], "text_elements": []}}),
        json!({"type": "event_msg", "payload": {"type": "token_count", "info": {
            "total_token_usage": {"input_tokens": 100, "cached_input_tokens": 0, "output_tokens": 12,
                "reasoning_output_tokens": 0, "total_tokens": 112},
            "last_token_usage": {"input_tokens": 100, "cached_input_tokens": 0, "output_tokens": 12,
                "reasoning_output_tokens": 0, "total_tokens": 112},
            "model_context_window": 258_400}, "rate_limits": null}}),
        json!({"type": "event_msg", "payload": {"type": "agent_message", "message": spec.reply,
            "phase": null, "memory_citation": null}}),
        json!({"type": "event_msg", "payload": {"type": "task_complete", "turn_id": turn,
            "last_agent_message": spec.reply, "completed_at": secs, "duration_ms": 173}}),
    ];
    let text: String = lines
        .iter()
        .map(|line| {
            let mut line = line.clone();
            line.as_object_mut()
                .unwrap()
                .insert("timestamp".into(), json!(stamp(spec.created_ms)));
            serde_json::to_string(&line).unwrap() + "\n"
        })
        .collect();
    std::fs::write(&path, text).unwrap();
    // The last write, as a finished turn leaves it.
    let modified = std::time::UNIX_EPOCH
        + std::time::Duration::from_millis((spec.created_ms + 120).try_into().unwrap());
    std::fs::File::options()
        .append(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    let mut row = recodex_state::ThreadRow {
        id: spec.id.to_owned(),
        rollout_path: path.display().to_string(),
        created_at_ms: spec.created_ms,
        updated_at_ms: spec.created_ms + 120,
        source: spec.source.to_owned(),
        thread_source: Some("user".to_owned()),
        agent_nickname: None,
        agent_role: None,
        model_provider: spec.provider.to_owned(),
        cwd: spec.cwd.to_owned(),
        first_user_message: spec.prompt.to_owned(),
        sandbox_policy: String::new(),
        approval_mode: "never".to_owned(),
        tokens_used: 112,
        model: "gpt-5.1-codex".to_owned(),
        reasoning_effort: None,
        git_sha: None,
        git_branch: None,
        git_origin_url: None,
    };
    if let Some(git) = meta.get("git") {
        row.set_git(git);
    }
    recodex_state::upsert_thread(home, &row).unwrap();
}

/// Sends one raw line; returns the lines the server answers with.
pub(crate) fn call_raw(server: &mut Processor, line: &str) -> Vec<Value> {
    let mut log = Vec::new();
    server
        .handle_line(line, &mut log)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Sends a request and returns its answer (the line carrying `id`), checking that it
/// is the only line unless notifications are expected through [`call_all`].
pub(crate) fn call(server: &mut Processor, method: &str, params: Value) -> Value {
    let lines = call_all(server, method, params);
    assert_eq!(lines.len(), 1, "{lines:?}");
    lines.into_iter().next().unwrap()
}

pub(crate) fn call_all(server: &mut Processor, method: &str, params: Value) -> Vec<Value> {
    let request = json!({"id": 7, "method": method, "params": params});
    call_raw(server, &request.to_string())
}

/// The ids of a `thread/list` page, in order.
pub(crate) fn ids(answer: &Value) -> Vec<String> {
    answer["result"]["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no data in {answer}"))
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

pub(crate) fn error_message(answer: &Value) -> &str {
    assert_eq!(answer["error"]["code"], -32600, "{answer}");
    answer["error"]["message"].as_str().unwrap()
}
