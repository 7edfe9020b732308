//! `model/list`: the bundled catalog as the app-server's model picker reads it — sorted by
//! priority, models API keys cannot use left out, hidden ones on request, the first listed
//! model marked default, paged by offset.

use recodex_client::models::ModelInfo;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::dispatch::{Processor, Reply, RpcError};

/// `model/list` params (the reference's three fields; their count shows in serde's errors).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ModelListParams {
    cursor: Option<String>,
    limit: Option<u32>,
    include_hidden: Option<bool>,
}

/// Answers `model/list`.
pub(crate) fn list(_server: &mut Processor, params: ModelListParams) -> Result<Reply, RpcError> {
    Ok(Reply::result(page(
        recodex_client::models::bundled_catalog(),
        &params,
    )?))
}

fn page(catalog: &[ModelInfo], params: &ModelListParams) -> Result<Value, RpcError> {
    let mut models: Vec<Value> = catalog
        .iter()
        .filter_map(|model| serde_json::to_value(model).ok())
        // Without a ChatGPT login (not built), models API keys cannot use are left out.
        .filter(|model| model["supported_in_api"] != json!(false))
        .collect();
    models.sort_by_key(|model| model["priority"].as_i64().unwrap_or(i64::MAX));
    let listed = |model: &Value| model["visibility"] == "list";
    let default = models.iter().position(listed).unwrap_or(0);
    let entries: Vec<Value> = models
        .iter()
        .enumerate()
        .filter(|(_, model)| params.include_hidden == Some(true) || listed(model))
        .map(|(i, model)| entry(model, i == default))
        .collect();
    let total = entries.len();
    if total == 0 {
        return Ok(json!({"data": [], "nextCursor": null}));
    }
    let start = match params.cursor.as_deref() {
        None => 0,
        Some(cursor) => {
            let start: usize = cursor
                .trim_start_matches('+')
                .parse()
                .ok()
                .filter(|_| !cursor.starts_with(' ') && !cursor.is_empty())
                .ok_or_else(|| RpcError::invalid(format!("invalid cursor: {cursor}")))?;
            if start > total {
                return Err(RpcError::invalid(format!(
                    "cursor {start} exceeds total models {total}"
                )));
            }
            start
        }
    };
    let limit = params.limit.map_or(total, |l| (l as usize).max(1));
    let end = (start + limit).min(total);
    let next = (end < total).then(|| end.to_string());
    Ok(json!({"data": entries[start..end], "nextCursor": next}))
}

/// One catalog model as a picker entry, in the reference's key order.
fn entry(model: &Value, is_default: bool) -> Value {
    let upgrade = &model["upgrade"];
    let upgrade_info = upgrade.is_object().then(|| {
        json!({"model": upgrade["model"], "upgradeCopy": null, "modelLink": null,
               "migrationMarkdown": upgrade["migration_markdown"]})
    });
    let efforts: Vec<Value> = model["supported_reasoning_levels"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|level| json!({"reasoningEffort": level["effort"], "description": level["description"]}))
        .collect();
    json!({
        "id": model["slug"],
        "model": model["slug"],
        "upgrade": upgrade.get("model").cloned().unwrap_or(Value::Null),
        "upgradeInfo": upgrade_info,
        "availabilityNux": model["availability_nux"],
        "displayName": model["display_name"],
        "description": model["description"].as_str().unwrap_or_default(),
        "hidden": model["visibility"] != "list",
        "supportedReasoningEfforts": efforts,
        "defaultReasoningEffort": model["default_reasoning_level"].as_str().unwrap_or("none"),
        "inputModalities": model.get("input_modalities").cloned().unwrap_or(json!(["text", "image"])),
        "supportsPersonality": model.get("model_messages").is_some_and(|m| !m.is_null()),
        "additionalSpeedTiers": model.get("additional_speed_tiers").cloned().unwrap_or(json!([])),
        "serviceTiers": model.get("service_tiers").cloned().unwrap_or(json!([])),
        "defaultServiceTier": model.get("default_service_tier").cloned().unwrap_or(Value::Null),
        "isDefault": is_default,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(params: serde_json::Value) -> Result<Value, RpcError> {
        let params: ModelListParams = serde_json::from_value(params).unwrap();
        page(recodex_client::models::bundled_catalog(), &params)
    }

    fn ids(page: &Value) -> Vec<&str> {
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn the_picker_lists_listed_models_by_priority_with_one_default() {
        let all = list(json!({})).unwrap();
        assert_eq!(
            ids(&all),
            [
                "gpt-5.5",
                "gpt-5.4",
                "gpt-5.4-mini",
                "gpt-5.3-codex",
                "gpt-5.2"
            ]
        );
        assert_eq!(all["nextCursor"], Value::Null);
        let defaults: Vec<bool> = all["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["isDefault"].as_bool().unwrap())
            .collect();
        assert_eq!(defaults, [true, false, false, false, false]);
        let first = all["data"][0].as_object().unwrap();
        let keys: Vec<&str> = first.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "id",
                "model",
                "upgrade",
                "upgradeInfo",
                "availabilityNux",
                "displayName",
                "description",
                "hidden",
                "supportedReasoningEfforts",
                "defaultReasoningEffort",
                "inputModalities",
                "supportsPersonality",
                "additionalSpeedTiers",
                "serviceTiers",
                "defaultServiceTier",
                "isDefault"
            ]
        );
        assert_eq!(all["data"][3]["upgrade"], "gpt-5.4");
        assert_eq!(all["data"][3]["upgradeInfo"]["model"], "gpt-5.4");
        assert_eq!(all["data"][4]["supportsPersonality"], false);
        let hidden = list(json!({"includeHidden": true})).unwrap();
        assert_eq!(ids(&hidden).last(), Some(&"codex-auto-review"));
        assert_eq!(hidden["data"][5]["hidden"], true);
    }

    #[test]
    fn pages_are_offsets() {
        let first = list(json!({"limit": 2})).unwrap();
        assert_eq!(ids(&first), ["gpt-5.5", "gpt-5.4"]);
        assert_eq!(first["nextCursor"], "2");
        let second = list(json!({"limit": 2, "cursor": "2"})).unwrap();
        assert_eq!(second["nextCursor"], "4");
        let last = list(json!({"limit": 2, "cursor": "4"})).unwrap();
        assert_eq!(ids(&last), ["gpt-5.2"]);
        assert_eq!(last["nextCursor"], Value::Null);
        assert_eq!(ids(&list(json!({"limit": 0})).unwrap()).len(), 1);
        assert_eq!(list(json!({"cursor": "5"})).unwrap()["data"], json!([]));
        assert_eq!(
            list(json!({"cursor": "bogus"})).unwrap_err().message,
            "invalid cursor: bogus"
        );
        assert_eq!(
            list(json!({"cursor": "6"})).unwrap_err().message,
            "cursor 6 exceeds total models 5"
        );
    }
}
