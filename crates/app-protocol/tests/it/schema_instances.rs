//! Every generated serde type against the JSON schema `schema_gen` writes (itself checked
//! against the reference by `schema_tree`): for each definition, an instance is built from the
//! schema (every property filled; one instance per variant of a union), read into the serde
//! type and written back, and must come back unchanged.

use std::collections::BTreeMap;

use recodex_app_protocol::schema_gen;
use serde_json::{Map, Value, json};

use crate::generated_types::round_trip;

const MAX_DEPTH: usize = 8;

struct Defs(BTreeMap<String, Value>);

impl Defs {
    fn load() -> Self {
        let mut defs = BTreeMap::new();
        for f in schema_gen::json_schema_files(true).expect("json schema") {
            if f.path.ends_with("schemas.json") {
                continue;
            }
            let mut doc: Value = serde_json::from_str(&f.contents).expect("json");
            if let Some(Value::Object(d)) =
                doc.as_object_mut().and_then(|m| m.remove("definitions"))
            {
                defs.extend(d);
            }
            let title = doc["title"].as_str().expect("title").to_owned();
            defs.insert(title, doc);
        }
        Self(defs)
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => &self.0[r.rsplit('/').next().expect("name")],
            None => schema,
        }
    }

    /// One instance per alternative of `schema` (one for a schema without alternatives).
    fn instances(&self, schema: &Value) -> Vec<Value> {
        let schema = self.resolve(schema);
        let alternatives = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))
            .and_then(Value::as_array);
        match alternatives {
            Some(alts) if schema.get("properties").is_none() => {
                let alts: Vec<&Value> = alts
                    .iter()
                    .filter(|a| a.get("type") != Some(&json!("null")))
                    .collect();
                let mut out = Vec::new();
                for alt in alts {
                    if let Some(values) = alt.get("enum").and_then(Value::as_array) {
                        out.extend(values.iter().cloned());
                    } else {
                        out.push(self.instance(alt, 1));
                    }
                }
                out
            }
            _ => vec![self.instance(schema, 0)],
        }
    }

    fn instance(&self, schema: &Value, depth: usize) -> Value {
        let schema = self.resolve(schema);
        let Value::Object(s) = schema else {
            return json!("any value");
        };
        if let Some(Value::Array(all)) = s.get("allOf") {
            return self.instance(&all[0], depth);
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(alts)) = s.get(key)
                && s.get("properties").is_none()
            {
                let first = alts
                    .iter()
                    .find(|a| a.get("type") != Some(&json!("null")))
                    .unwrap_or(&alts[0]);
                return self.instance(first, depth + 1);
            }
        }
        if let Some(Value::Array(values)) = s.get("enum") {
            return values[0].clone();
        }
        let ty = match s.get("type") {
            Some(Value::Array(types)) => types
                .iter()
                .find(|t| *t != "null")
                .cloned()
                .unwrap_or(Value::Null),
            Some(t) => t.clone(),
            None => return json!("any value"),
        };
        match ty.as_str() {
            Some("string") => json!("text"),
            Some("integer") => json!(1),
            Some("number") => json!(1.5),
            Some("boolean") => json!(true),
            Some("null") => Value::Null,
            Some("array") => match s.get("items") {
                Some(items) if depth < MAX_DEPTH => json!([self.instance(items, depth + 1)]),
                _ => json!([]),
            },
            Some("object") => self.object(s, depth),
            _ => json!("any value"),
        }
    }

    fn object(&self, s: &Map<String, Value>, depth: usize) -> Value {
        let mut out = Map::new();
        // Every property is filled (no type holds itself by value, so this ends: arrays and
        // maps deep down are left empty).
        if let Some(Value::Object(props)) = s.get("properties") {
            for (name, p) in props {
                // Write-only fields are never written back; `{"type": "null"}` ones (TypeScript
                // `undefined`) neither.
                if p.get("writeOnly") != Some(&json!(true)) && *p != json!({"type": "null"}) {
                    out.insert(name.clone(), self.instance(p, depth + 1));
                }
            }
        }
        // A flattened enum: the first variant's properties sit beside the others.
        if s.get("properties").is_some()
            && let Some(Value::Array(alts)) = s.get("oneOf")
            && let Value::Object(first) = self.object(alts[0].as_object().expect("variant"), depth)
        {
            out.extend(first);
        }
        match s.get("additionalProperties") {
            Some(Value::Bool(true)) => {
                out.insert("extraKey".to_owned(), json!("extra value"));
            }
            Some(extra @ Value::Object(_)) if depth < MAX_DEPTH => {
                out.insert("someKey".to_owned(), self.instance(extra, depth + 1));
            }
            _ => {}
        }
        Value::Object(out)
    }
}

#[test]
fn every_type_reads_and_writes_its_schema_instances() {
    let defs = Defs::load();
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut unknown = Vec::new();
    for (name, schema) in &defs.0 {
        for instance in defs.instances(schema) {
            let Some(result) = round_trip(name, &instance) else {
                unknown.push(name.clone());
                break;
            };
            checked += 1;
            match result {
                Ok(back) if back == instance => {}
                Ok(back) => {
                    failures.push(format!("{name}: {instance}\n    written back as {back}"))
                }
                Err(why) => failures.push(format!("{name}: {instance}\n    {why}")),
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "definitions without a serde type: {unknown:?}"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} instances do not round-trip:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 900, "only {checked} instances checked");
}
