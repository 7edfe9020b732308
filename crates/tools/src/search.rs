//! Answering a client-run `tool_search`: the deferred tools (declared only through the
//! search) whose names or descriptions match the query, grouped by namespace, each marked
//! `defer_loading`, best matches first.

use serde_json::{Map, Value};

/// The words of a text, lower-cased (`spawn_agent` is `spawn`, `agent`).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// How well a tool matches the query words: a word in its name counts more than one in
/// its description; 0 is no match.
fn score(tool: &Value, query: &[String]) -> usize {
    let name = words(tool["name"].as_str().unwrap_or_default());
    let description = words(tool["description"].as_str().unwrap_or_default());
    query
        .iter()
        .map(|word| {
            if name.contains(word) {
                3
            } else {
                usize::from(description.contains(word))
            }
        })
        .sum()
}

/// A deferred tool as a search returns it: `defer_loading` after `strict`.
fn as_found(tool: &Value) -> Value {
    let Some(fields) = tool.as_object() else {
        return tool.clone();
    };
    let mut out = Map::new();
    for (key, value) in fields {
        if key == "parameters" {
            out.insert("defer_loading".to_owned(), Value::Bool(true));
        }
        out.insert(key.clone(), value.clone());
    }
    out.entry("defer_loading").or_insert(Value::Bool(true));
    Value::Object(out)
}

/// The deferred tools (`deferred`: the specs as JSON: namespaces or single tools) that
/// match `query`, at most `limit` of them, as `tool_search_output.tools`.
pub fn search_deferred(deferred: &[Value], query: &str, limit: usize) -> Vec<Value> {
    let query = words(query);
    // (score, namespace index, tool)
    let mut hits: Vec<(usize, Option<usize>, &Value)> = Vec::new();
    for (index, spec) in deferred.iter().enumerate() {
        match spec["tools"].as_array() {
            Some(members) => {
                for tool in members {
                    hits.push((score(tool, &query), Some(index), tool));
                }
            }
            None => hits.push((score(spec, &query), None, spec)),
        }
    }
    hits.retain(|(score, _, _)| *score > 0);
    hits.sort_by_key(|(score, _, _)| std::cmp::Reverse(*score));
    hits.truncate(limit);
    let mut out: Vec<Value> = Vec::new();
    let mut namespaces: Vec<(usize, usize)> = Vec::new(); // (namespace index, position in out)
    for (_, namespace, tool) in hits {
        match namespace {
            None => out.push(as_found(tool)),
            Some(index) => {
                let at = match namespaces.iter().find(|(n, _)| *n == index) {
                    Some((_, at)) => *at,
                    None => {
                        let spec = &deferred[index];
                        let mut entry = Map::new();
                        for key in ["type", "name", "description"] {
                            entry.insert(key.to_owned(), spec[key].clone());
                        }
                        entry.insert("tools".to_owned(), Value::Array(Vec::new()));
                        out.push(Value::Object(entry));
                        namespaces.push((index, out.len() - 1));
                        out.len() - 1
                    }
                };
                if let Some(tools) = out[at]["tools"].as_array_mut() {
                    tools.push(as_found(tool));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deferred() -> Vec<Value> {
        vec![serde_json::json!({
            "type": "namespace",
            "name": "multi_agent_v1",
            "description": "Sub-agent tools.",
            "tools": [
                {"type": "function", "name": "close_agent", "description": "Closes an agent.", "strict": false, "parameters": {"type": "object"}},
                {"type": "function", "name": "spawn_agent", "description": "Starts an agent on a task.", "strict": false, "parameters": {"type": "object"}},
            ],
        })]
    }

    #[test]
    fn matches_are_grouped_by_namespace_best_first() {
        let found = search_deferred(&deferred(), "spawn a sub agent", 8);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0]["name"], "multi_agent_v1");
        assert_eq!(found[0]["description"], "Sub-agent tools.");
        let names: Vec<&str> = found[0]["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["spawn_agent", "close_agent"]);
        let keys: Vec<&str> = found[0]["tools"][0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "type",
                "name",
                "description",
                "strict",
                "defer_loading",
                "parameters"
            ]
        );
    }

    #[test]
    fn no_match_and_limits() {
        assert!(search_deferred(&deferred(), "calendar", 8).is_empty());
        assert!(search_deferred(&[], "agent", 8).is_empty());
        let one = search_deferred(&deferred(), "agent", 1);
        assert_eq!(one[0]["tools"].as_array().unwrap().len(), 1);
    }
}
