//! Turns rebuilt from a rollout for `thread/read` with `includeTurns`: one turn per
//! `task_started`, holding the user messages, reasoning and agent messages recorded in it,
//! numbered `item-1`, `item-2`, ... across the thread. Consecutive `agent_reasoning` events
//! (one per summary part) make one reasoning item, as the reference rebuilds it.

use recodex_app_protocol::generated::root::MessagePhase;
use recodex_app_protocol::generated::v2::{
    ByteRange, MemoryCitation, TextElement, ThreadItem, Turn, TurnError, TurnItemsView, TurnStatus,
    UserInput,
};
use recodex_state::{RolloutContents, RolloutItem};
use serde::Deserialize;
use serde_json::Value;

/// The turns a rollout records. A turn with no recorded end is reported interrupted.
pub(crate) fn turns_from_rollout(contents: &RolloutContents) -> Vec<Turn> {
    let mut turns: Vec<Turn> = Vec::new();
    let mut items = 0usize;
    let mut open = false;
    // Whether the last event was reasoning, so that the next part joins its item.
    let mut in_reasoning = false;
    for line in &contents.lines {
        let RolloutItem::EventMsg(event) = &line.item else {
            continue;
        };
        let kind = event["type"].as_str().unwrap_or_default();
        let reasoning_part = matches!(kind, "agent_reasoning" | "agent_reasoning_raw_content");
        if reasoning_part {
            let text = event["text"].as_str().unwrap_or_default().to_owned();
            let current = turns
                .last_mut()
                .and_then(|turn| turn.items.last_mut())
                .filter(|_| in_reasoning);
            if let Some(ThreadItem::Reasoning {
                summary, content, ..
            }) = current
            {
                if kind == "agent_reasoning" {
                    summary.push(text);
                } else {
                    content.push(text);
                }
            } else {
                items += 1;
                let (summary, content) = if kind == "agent_reasoning" {
                    (vec![text], Vec::new())
                } else {
                    (Vec::new(), vec![text])
                };
                push(
                    &mut turns,
                    ThreadItem::Reasoning {
                        id: format!("item-{items}"),
                        summary,
                        content,
                    },
                );
            }
        }
        in_reasoning = reasoning_part;
        match kind {
            "task_started" | "turn_started" => {
                close_unfinished(&mut turns, open);
                turns.push(new_turn(
                    event["turn_id"].as_str().unwrap_or_default(),
                    event["started_at"].as_i64(),
                ));
                open = true;
            }
            "user_message" => {
                if !open {
                    close_unfinished(&mut turns, open);
                    turns.push(new_turn("", None));
                    open = true;
                }
                items += 1;
                push(&mut turns, user_message(items, event));
            }
            "agent_message" => {
                items += 1;
                push(
                    &mut turns,
                    ThreadItem::AgentMessage {
                        id: format!("item-{items}"),
                        text: event["message"].as_str().unwrap_or_default().to_owned(),
                        phase: MessagePhase::deserialize(&event["phase"]).ok(),
                        memory_citation: MemoryCitation::deserialize(&event["memory_citation"])
                            .ok(),
                    },
                );
            }
            "task_complete" | "turn_complete" => {
                if let Some(turn) = turns.last_mut().filter(|_| open) {
                    turn.status = TurnStatus::Completed;
                    turn.completed_at = event["completed_at"].as_i64();
                    turn.duration_ms = event["duration_ms"].as_i64();
                }
                open = false;
            }
            "turn_aborted" => {
                if let Some(turn) = turns.last_mut().filter(|_| open) {
                    turn.status = TurnStatus::Interrupted;
                    turn.completed_at = event["completed_at"].as_i64();
                    turn.duration_ms = event["duration_ms"].as_i64();
                }
                open = false;
            }
            "error" => {
                if let Some(turn) = turns.last_mut().filter(|_| open) {
                    turn.status = TurnStatus::Failed;
                    turn.error = Some(TurnError {
                        message: event["message"].as_str().unwrap_or_default().to_owned(),
                        codex_error_info: None,
                        additional_details: None,
                    });
                }
            }
            _ => {}
        }
    }
    close_unfinished(&mut turns, open);
    turns
}

fn new_turn(id: &str, started_at: Option<i64>) -> Turn {
    Turn {
        id: id.to_owned(),
        items: Vec::new(),
        items_view: TurnItemsView::Full,
        status: TurnStatus::InProgress,
        error: None,
        started_at,
        completed_at: None,
        duration_ms: None,
    }
}

fn close_unfinished(turns: &mut [Turn], open: bool) {
    if let Some(turn) = turns
        .last_mut()
        .filter(|t| open && t.status == TurnStatus::InProgress)
    {
        turn.status = TurnStatus::Interrupted;
    }
}

fn push(turns: &mut Vec<Turn>, item: ThreadItem) {
    if turns.is_empty() {
        turns.push(new_turn("", None));
    }
    if let Some(turn) = turns.last_mut() {
        turn.items.push(item);
    }
}

/// A `user_message` event as a `userMessage` item: its text, then its images.
fn user_message(n: usize, event: &Value) -> ThreadItem {
    let text_elements = event["text_elements"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|element| RolloutTextElement::deserialize(element).ok())
        .map(|element| TextElement {
            byte_range: element.byte_range,
            placeholder: element.placeholder,
        })
        .collect();
    let mut content = vec![UserInput::Text {
        text: event["message"].as_str().unwrap_or_default().to_owned(),
        text_elements,
    }];
    let strings = |key: &str| -> Vec<String> {
        event[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    for url in strings("images") {
        content.push(UserInput::Image { detail: None, url });
    }
    for path in strings("local_images") {
        content.push(UserInput::LocalImage { detail: None, path });
    }
    ThreadItem::UserMessage {
        id: format!("item-{n}"),
        client_id: None,
        content,
    }
}

/// A text element as a rollout records it (`byte_range`, the engine's spelling).
#[derive(Deserialize)]
struct RolloutTextElement {
    #[serde(alias = "byteRange")]
    byte_range: ByteRange,
    #[serde(default)]
    placeholder: Option<String>,
}
