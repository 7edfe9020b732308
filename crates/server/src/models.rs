//! `model/list`: the bundled catalog as the app-server's model picker reads it — sorted by
//! priority, models API keys cannot use left out, hidden ones on request, the first listed
//! model marked default, paged by offset.

use recodex_app_protocol::generated::root::{InputModality, ReasoningEffort};
use recodex_app_protocol::generated::v2::{
    Model, ModelAvailabilityNux, ModelListResponse, ModelServiceTier, ModelUpgradeInfo,
    ReasoningEffortOption,
};
use recodex_client::models::{ModelInfo, ModelVisibility};
use serde::Deserialize;
use serde_json::Value;

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

/// The page `params` ask for, as its `ModelListResponse` JSON.
fn page(catalog: &[ModelInfo], params: &ModelListParams) -> Result<Value, RpcError> {
    let answer = |page: ModelListResponse| serde_json::to_value(page).unwrap_or(Value::Null);
    // Without a ChatGPT login (not built), models API keys cannot use are left out.
    let mut models: Vec<&ModelInfo> = catalog.iter().filter(|m| m.supported_in_api).collect();
    models.sort_by_key(|model| model.priority);
    let listed = |model: &&ModelInfo| model.visibility == ModelVisibility::List;
    let default = models.iter().position(listed).unwrap_or(0);
    let mut entries: Vec<Model> = models
        .iter()
        .enumerate()
        .filter(|(_, model)| params.include_hidden == Some(true) || listed(model))
        .map(|(i, model)| entry(model, i == default))
        .collect();
    let total = entries.len();
    if total == 0 {
        return Ok(answer(ModelListResponse::default()));
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
    let next_cursor = (end < total).then(|| end.to_string());
    entries.truncate(end);
    Ok(answer(ModelListResponse {
        data: entries.split_off(start),
        next_cursor,
    }))
}

/// One catalog model as a picker entry.
fn entry(model: &ModelInfo, is_default: bool) -> Model {
    Model {
        id: model.slug.clone(),
        model: model.slug.clone(),
        upgrade: model.upgrade.as_ref().map(|u| u.model.clone()),
        upgrade_info: model.upgrade.as_ref().map(|u| ModelUpgradeInfo {
            model: u.model.clone(),
            upgrade_copy: None,
            model_link: None,
            migration_markdown: Some(u.migration_markdown.clone()),
        }),
        availability_nux: model
            .availability_nux
            .as_ref()
            .map(|nux| ModelAvailabilityNux {
                message: nux.message.clone(),
            }),
        display_name: model.display_name.clone(),
        description: model.description.clone().unwrap_or_default(),
        hidden: model.visibility != ModelVisibility::List,
        supported_reasoning_efforts: model
            .supported_reasoning_levels
            .iter()
            .map(|level| ReasoningEffortOption {
                reasoning_effort: effort_v2(level.effort),
                description: level.description.clone(),
            })
            .collect(),
        default_reasoning_effort: model
            .default_reasoning_level
            .map_or(ReasoningEffort::None, effort_v2),
        input_modalities: model
            .input_modalities
            .iter()
            .map(|modality| match modality {
                recodex_client::models::InputModality::Text => InputModality::Text,
                recodex_client::models::InputModality::Image => InputModality::Image,
            })
            .collect(),
        supports_personality: model.model_messages.is_some(),
        additional_speed_tiers: model.additional_speed_tiers.clone(),
        service_tiers: model
            .service_tiers
            .iter()
            .map(|tier| ModelServiceTier {
                id: tier.id.clone(),
                name: tier.name.clone(),
                description: tier.description.clone(),
            })
            .collect(),
        default_service_tier: None,
        is_default,
    }
}

/// A reasoning effort as the protocol spells it.
fn effort_v2(effort: recodex_protocol::ReasoningEffort) -> ReasoningEffort {
    use recodex_protocol::ReasoningEffort as Engine;
    match effort {
        Engine::None => ReasoningEffort::None,
        Engine::Minimal => ReasoningEffort::Minimal,
        Engine::Low => ReasoningEffort::Low,
        Engine::Medium => ReasoningEffort::Medium,
        Engine::High => ReasoningEffort::High,
        Engine::XHigh => ReasoningEffort::Xhigh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
