//! Every message of the reference's app-server sessions
//! (`tests/fixtures/app-server-messages.jsonl`, prose masked) read into the generated types and
//! written back: the JSON must be the same (compared as values, so key order does not matter).
//!
//! Requests the reference answered with an error are skipped (they are meant to be invalid).

use std::collections::HashMap;
use std::path::Path;

use recodex_app_protocol::generated::methods::{ClientResponse, ServerResponse};
use recodex_app_protocol::generated::root::{
    ClientNotification, ClientRequest, JSONRPCError, ServerNotification, ServerRequest,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

struct Line {
    session: String,
    dir: String,
    msg: Value,
}

fn read_messages() -> Vec<Line> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/app-server-messages.jsonl");
    let text = std::fs::read_to_string(&path).expect("fixture");
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("json line");
            Line {
                session: v["session"].as_str().expect("session").to_owned(),
                dir: v["dir"].as_str().expect("dir").to_owned(),
                msg: v["msg"].clone(),
            }
        })
        .collect()
}

/// Drops object members whose value is `null`, at every depth.
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k.clone(), without_nulls(x)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// Reads `value` as a `T` and writes it back. What the server sends must come back the same;
/// what a client sends may leave out a nullable field that we write as `null`.
fn same<T: DeserializeOwned + Serialize>(value: &Value, from_client: bool) -> Result<(), String> {
    let typed: T =
        serde_json::from_value(value.clone()).map_err(|e| format!("does not parse: {e}"))?;
    let back = serde_json::to_value(&typed).map_err(|e| format!("does not serialize: {e}"))?;
    let equal = if from_client {
        without_nulls(&back) == without_nulls(value)
    } else {
        &back == value
    };
    if equal {
        Ok(())
    } else {
        Err(format!("written back as {back}"))
    }
}

fn same_response(
    parsed: Option<Result<impl Serialize, serde_json::Error>>,
    value: &Value,
) -> Result<(), String> {
    match parsed {
        None => Err("unknown method".to_owned()),
        Some(Err(e)) => Err(format!("does not parse: {e}")),
        Some(Ok(typed)) => {
            let back =
                serde_json::to_value(&typed).map_err(|e| format!("does not serialize: {e}"))?;
            if &back == value {
                Ok(())
            } else {
                Err(format!("written back as {back}"))
            }
        }
    }
}

#[test]
fn reference_messages_round_trip() {
    let lines = read_messages();
    // Which requests were answered with an error, and every request's method, per session.
    let mut answered_error: HashMap<(String, String, String), bool> = HashMap::new();
    let mut methods: HashMap<(String, String, String), String> = HashMap::new();
    for l in &lines {
        let id = l.msg.get("id").map(Value::to_string);
        match (id, l.msg.get("method").and_then(Value::as_str)) {
            (Some(id), Some(method)) => {
                methods.insert((l.session.clone(), l.dir.clone(), id), method.to_owned());
            }
            (Some(id), None) => {
                let asked = if l.dir == "s2c" { "c2s" } else { "s2c" };
                answered_error.insert(
                    (l.session.clone(), asked.to_owned(), id),
                    l.msg.get("error").is_some(),
                );
            }
            _ => {}
        }
    }
    let mut checked = 0;
    let mut failures = Vec::new();
    for l in &lines {
        let id = l.msg.get("id").map(Value::to_string);
        let method = l.msg.get("method").and_then(Value::as_str);
        let outcome = match (l.dir.as_str(), &id, method) {
            (dir, Some(id), Some(_)) => {
                if answered_error.get(&(l.session.clone(), dir.to_owned(), id.clone()))
                    != Some(&false)
                {
                    continue;
                }
                if dir == "c2s" {
                    same::<ClientRequest>(&l.msg, true)
                } else {
                    same::<ServerRequest>(&l.msg, false)
                }
            }
            ("c2s", None, Some(_)) => same::<ClientNotification>(&l.msg, true),
            ("s2c", None, Some(_)) => same::<ServerNotification>(&l.msg, false),
            (dir, Some(id), None) => {
                let asked = if dir == "s2c" { "c2s" } else { "s2c" };
                let Some(method) = methods.get(&(l.session.clone(), asked.to_owned(), id.clone()))
                else {
                    continue;
                };
                match (l.msg.get("result"), dir) {
                    (Some(result), "s2c") => {
                        same_response(ClientResponse::from_value(method, result.clone()), result)
                    }
                    (Some(result), _) => {
                        same_response(ServerResponse::from_value(method, result.clone()), result)
                    }
                    (None, _) => same::<JSONRPCError>(&l.msg, dir == "c2s"),
                }
            }
            _ => continue,
        };
        checked += 1;
        if let Err(why) = outcome {
            failures.push(format!("{} {}: {}\n    {why}", l.session, l.dir, l.msg));
        }
    }
    assert!(checked > 300, "only {checked} messages checked");
    assert_no_params_requests_read();
    assert!(
        failures.is_empty(),
        "{} of {checked} messages do not round-trip:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Requests without params (`params: undefined`) read with `params` missing or `null`.
fn assert_no_params_requests_read() {
    for text in [
        r#"{"id":7,"method":"memory/reset"}"#,
        r#"{"id":7,"method":"memory/reset","params":null}"#,
    ] {
        let value: Value = serde_json::from_str(text).expect("json");
        let request: ClientRequest = serde_json::from_value(value).expect("memory/reset reads");
        assert_eq!(request.method(), "memory/reset");
        let back = serde_json::to_value(&request).expect("serializes");
        assert_eq!(back, serde_json::json!({"method": "memory/reset", "id": 7}));
    }
}
