//! The JSON output folder: one file per root type plus the two bundles.
//!
//! `codex_app_server_protocol.schemas.json` gathers every file's root and definitions: what
//! the `v2/` files hold goes under `definitions.v2` (references into it become
//! `#/definitions/v2/<Name>`), the rest stays at the top, except that the other files'
//! definitions already under `v2` are not repeated (the `v1/` files' are). Roots keep
//! their `$schema` and `title`. The stable bundle keeps what experimental types reach but
//! not those types. `codex_app_server_protocol.v2.schemas.json` is the `v2` namespace plus
//! `ClientRequest`, `ServerNotification` and what they reach, with flat references.

use std::collections::{BTreeSet, HashSet};

use serde_json::{Map, Value, json};

use super::SchemaGenError;
use super::catalog::Catalog;
use super::json::{JsonWriter, SCHEMA_URL};
use super::model::{JsonDir, TypeDef};

const V2_PREFIX: &str = "#/definitions/v2/";

fn dir_rank(d: Option<JsonDir>) -> u8 {
    match d {
        Some(JsonDir::Root) => 0,
        Some(JsonDir::V1) => 1,
        Some(JsonDir::V2) => 2,
        _ => 3,
    }
}

/// Walks a schema, calling `f` on every `$ref` string (data keywords are left alone).
fn map_refs(v: &Value, f: &dyn Fn(&str) -> String) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.iter().map(|x| map_refs(x, f)).collect()),
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                let new = match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => Value::String(f(r)),
                    ("default" | "enum" | "required", _) => x.clone(),
                    _ => map_refs(x, f),
                };
                out.insert(k.clone(), new);
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn ref_name(r: &str) -> &str {
    r.rsplit('/').next().unwrap_or(r)
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Array(items) => items.iter().for_each(|x| collect_refs(x, out)),
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    ("default" | "enum" | "required", _) => {}
                    _ => collect_refs(x, out),
                }
            }
        }
        _ => {}
    }
}

/// `(relative path, schema)` for every file of one `generate-json-schema` folder.
pub(crate) fn json_tree(
    cat: &Catalog,
    experimental: bool,
) -> Result<Vec<(String, Value)>, SchemaGenError> {
    let mut writer = JsonWriter::new(cat, experimental);
    let mut roots: Vec<&TypeDef> = cat
        .types()
        .filter(|t| matches!(t.json_dir, Some(JsonDir::Root | JsonDir::V1 | JsonDir::V2)))
        .collect();
    roots.sort_by_key(|t| (dir_rank(t.json_dir), t.json_name));
    let mut files = Vec::new();
    let mut rendered = Vec::new();
    for t in &roots {
        let file = writer.file(t)?;
        if writer.keep_type(t) {
            let path = match t.json_dir {
                Some(JsonDir::V1) => format!("v1/{}.json", t.json_name),
                Some(JsonDir::V2) => format!("v2/{}.json", t.json_name),
                _ => format!("{}.json", t.json_name),
            };
            files.push((path, Value::Object(file.clone())));
        }
        rendered.push((*t, file));
    }

    let mut v2_names: HashSet<String> = HashSet::new();
    for (t, file) in &rendered {
        if t.json_dir == Some(JsonDir::V2) {
            v2_names.insert(t.json_name.to_owned());
            if let Some(Value::Object(defs)) = file.get("definitions") {
                v2_names.extend(defs.keys().cloned());
            }
        }
    }
    let into_v2 = |r: &str| {
        let name = ref_name(r);
        if v2_names.contains(name) {
            format!("{V2_PREFIX}{name}")
        } else {
            r.to_owned()
        }
    };

    let mut top = Map::new();
    let mut v2 = Map::new();
    let mut root_entries: HashSet<(bool, String)> = HashSet::new();
    for (t, file) in &rendered {
        let in_v2 = t.json_dir == Some(JsonDir::V2);
        let target = if in_v2 { &mut v2 } else { &mut top };
        if let Some(Value::Object(defs)) = file.get("definitions") {
            for (name, schema) in defs {
                if !in_v2 && v2_names.contains(name) && t.json_dir != Some(JsonDir::V1) {
                    continue;
                }
                if root_entries.contains(&(in_v2, name.clone())) {
                    continue;
                }
                target.insert(name.clone(), map_refs(schema, &into_v2));
            }
        }
        if writer.keep_type(t) {
            let mut root = file.clone();
            root.remove("definitions");
            target.insert(
                t.json_name.to_owned(),
                map_refs(&Value::Object(root), &into_v2),
            );
            root_entries.insert((in_v2, t.json_name.to_owned()));
        }
    }

    let flat_ref = |r: &str| r.replace(V2_PREFIX, "#/definitions/");
    let mut flat = Map::new();
    for (name, schema) in &v2 {
        flat.insert(name.clone(), map_refs(schema, &flat_ref));
    }
    let mut todo = vec!["ClientRequest".to_owned(), "ServerNotification".to_owned()];
    let mut done = BTreeSet::new();
    while let Some(name) = todo.pop() {
        if flat.contains_key(&name) || !done.insert(name.clone()) {
            continue;
        }
        let Some(schema) = top.get(&name) else {
            continue;
        };
        flat.insert(name.clone(), map_refs(schema, &flat_ref));
        let mut found = Vec::new();
        collect_refs(schema, &mut found);
        todo.extend(
            found
                .iter()
                .filter(|r| !r.starts_with(V2_PREFIX))
                .map(|r| ref_name(r).to_owned()),
        );
    }

    let mut defs = top;
    defs.insert("v2".to_owned(), Value::Object(v2));
    files.push((
        "codex_app_server_protocol.schemas.json".to_owned(),
        bundle("CodexAppServerProtocol", defs),
    ));
    files.push((
        "codex_app_server_protocol.v2.schemas.json".to_owned(),
        bundle("CodexAppServerProtocolV2", flat),
    ));
    Ok(files)
}

fn bundle(title: &str, definitions: Map<String, Value>) -> Value {
    let mut m = Map::new();
    m.insert("$schema".to_owned(), json!(SCHEMA_URL));
    m.insert("title".to_owned(), json!(title));
    m.insert("type".to_owned(), json!("object"));
    m.insert("definitions".to_owned(), Value::Object(definitions));
    Value::Object(m)
}

/// The internal folder: `RolloutLine.json`.
pub(crate) fn internal_tree(cat: &Catalog) -> Result<Vec<(String, Value)>, SchemaGenError> {
    let mut writer = JsonWriter::new(cat, true);
    let mut files = Vec::new();
    for t in cat
        .types()
        .filter(|t| t.json_dir == Some(JsonDir::Internal))
    {
        files.push((
            format!("{}.json", t.json_name),
            Value::Object(writer.file(t)?),
        ));
    }
    Ok(files)
}
