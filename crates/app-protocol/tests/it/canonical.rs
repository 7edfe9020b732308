//! The prose-free canonical forms the schema digests are taken of (the same as
//! `scripts/vendor-app-protocol-digest.py` computes), and the digest fixtures.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

const DATA_KEYWORDS: &[&str] = &["default", "enum", "const", "examples", "required"];

/// Drops every `description` keyword (property and definition names stay), replaces a lone
/// single-entry `allOf` by its entry, and a description-only schema by `true`.
pub(crate) fn strip_descriptions(v: &Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.iter().map(strip_descriptions).collect()),
        Value::Object(m) => {
            let mut r = serde_json::Map::new();
            for (k, x) in m {
                if k == "description" {
                    continue;
                }
                let new = match (k.as_str(), x) {
                    ("properties" | "definitions", Value::Object(named)) => Value::Object(
                        named
                            .iter()
                            .map(|(n, s)| (n.clone(), strip_descriptions(s)))
                            .collect(),
                    ),
                    (key, _) if DATA_KEYWORDS.contains(&key) => x.clone(),
                    _ => strip_descriptions(x),
                };
                r.insert(k.clone(), new);
            }
            if r.len() == 1
                && let Some(Value::Array(all)) = r.get("allOf")
                && all.len() == 1
            {
                return all[0].clone();
            }
            if m.contains_key("description") && r.is_empty() {
                return Value::Bool(true);
            }
            Value::Object(r)
        }
        other => other.clone(),
    }
}

/// Compact JSON with sorted keys.
pub(crate) fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let sorted: BTreeMap<&String, &Value> = m.iter().collect();
            out.push('{');
            for (i, (k, x)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(x, out);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// TypeScript with comments and whitespace removed (string literals kept), `,}` as `}`.
pub(crate) fn ts_canonical(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(chars.len());
            out.extend(&chars[i..end]);
            i = j + 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            let mut j = i + 2;
            while j + 1 < chars.len() && !(chars[j] == '*' && chars[j + 1] == '/') {
                j += 1;
            }
            i = j + 2;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c.is_whitespace() {
            i += 1;
        } else {
            if c == '}' && out.last() == Some(&',') {
                out.pop();
            }
            out.push(c);
            i += 1;
        }
    }
    out.into_iter().collect()
}

pub(crate) fn sha256(text: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// One file's digests: of the whole canonical text, and (JSON) of the root alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileDigest {
    pub(crate) file: String,
    pub(crate) root: Option<String>,
}

/// A digest fixture: per file, and (JSON) per definition name.
#[derive(Debug, Default)]
pub(crate) struct Digest {
    pub(crate) files: BTreeMap<String, FileDigest>,
    pub(crate) defs: BTreeMap<String, String>,
}

pub(crate) fn read_fixture(path: &Path) -> Digest {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut d = Digest::default();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let cells: Vec<&str> = line.split('\t').collect();
        match cells.as_slice() {
            ["file", path, file] => {
                d.files.insert(
                    (*path).to_owned(),
                    FileDigest {
                        file: (*file).to_owned(),
                        root: None,
                    },
                );
            }
            ["file", path, file, root] => {
                let digest = FileDigest {
                    file: (*file).to_owned(),
                    root: Some((*root).to_owned()),
                };
                d.files.insert((*path).to_owned(), digest);
            }
            ["def", name, hash] => {
                d.defs.insert((*name).to_owned(), (*hash).to_owned());
            }
            _ => panic!("{}: bad line {line:?}", path.display()),
        }
    }
    d
}

/// The digest of a JSON file's text: whole, root, and each definition.
pub(crate) fn json_file_digest(text: &str) -> (FileDigest, BTreeMap<String, String>) {
    let doc: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON: {e}"));
    let doc = strip_descriptions(&doc);
    let mut head = doc.clone();
    let mut defs = BTreeMap::new();
    if let Value::Object(m) = &mut head
        && let Some(Value::Object(all)) = m.remove("definitions")
    {
        for (name, schema) in all {
            defs.insert(name, sha256(&canonical_json(&schema)));
        }
    }
    let digest = FileDigest {
        file: sha256(&canonical_json(&doc)),
        root: Some(sha256(&canonical_json(&head))),
    };
    (digest, defs)
}

#[test]
fn canonical_forms_drop_prose_only() {
    let schema = serde_json::json!({
        "description": "prose",
        "properties": {"description": {"description": "more", "allOf": [{"$ref": "#/definitions/X"}]}},
        "required": ["description"],
        "definitions": {"Y": {"description": "only prose"}}
    });
    assert_eq!(
        canonical_json(&strip_descriptions(&schema)),
        r##"{"definitions":{"Y":true},"properties":{"description":{"$ref":"#/definitions/X"}},"required":["description"]}"##
    );
    let ts = "// header\n/** doc */\nexport type A = { \"b c\": string, d?: E, };\n";
    assert_eq!(ts_canonical(ts), "exporttypeA={\"b c\":string,d?:E};");
}
