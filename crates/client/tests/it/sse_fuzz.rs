//! Property tests for the SSE framer and decoder: truncated and corrupted
//! streams never panic, never invent events, and fail with a clear error.

use pretty_assertions::assert_eq;
use recodex_client::sse::SseFramer;
use recodex_client::{ResponseEvent, decode_event};
use recodex_testkit::sse;

/// Frames and decodes `bytes`; returns the events and the first error text.
fn decode_all(bytes: &[u8]) -> (Vec<ResponseEvent>, Option<String>) {
    let mut framer = SseFramer::new();
    let mut frames = Vec::new();
    if let Err(err) = framer.push(bytes, &mut frames) {
        return (Vec::new(), Some(err.to_string()));
    }
    let mut events = Vec::new();
    for frame in frames {
        match decode_event(&frame.data) {
            Ok(Some(event)) => events.push(event),
            Ok(None) => {}
            Err(err) => return (events, Some(err.to_string())),
        }
    }
    (events, None)
}

fn full_body() -> Vec<u8> {
    let mut events = vec![sse::created("r")];
    events.extend(sse::reasoning(0, "rs", &["a"], &["b"]));
    events.extend(sse::message(1, "m", "Hello wide world"));
    events.extend(sse::function_call(
        2,
        "c1",
        "exec_command",
        r#"{"cmd":"ls -la"}"#,
    ));
    events.push(sse::completed("r", sse::default_usage()));
    sse::body(&events)
}

#[test]
fn every_truncation_yields_a_prefix_of_the_events() {
    let body = full_body();
    let (all, error) = decode_all(&body);
    assert_eq!(error, None);
    assert!(matches!(all.last(), Some(ResponseEvent::Completed { .. })));
    for cut in 0..body.len() {
        let (events, error) = decode_all(&body[..cut]);
        assert_eq!(error, None, "cut {cut}");
        assert_eq!(events[..], all[..events.len()], "cut {cut}");
        if cut < body.len() - 1 {
            assert!(
                !matches!(events.last(), Some(ResponseEvent::Completed { .. })),
                "cut {cut}"
            );
        }
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn corrupted_bytes_never_panic() {
    let body = full_body();
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    for _ in 0..3000 {
        let mut bytes = body.clone();
        for _ in 0..(1 + rng.next() % 8) {
            let at = (rng.next() % bytes.len() as u64) as usize;
            match rng.next() % 3 {
                0 => bytes[at] = rng.next() as u8,
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, b"\n\r{}\"\xff:"[(rng.next() % 7) as usize]),
            }
        }
        let (_, error) = decode_all(&bytes);
        if let Some(error) = error {
            assert!(!error.is_empty());
        }
    }
}

#[test]
fn garbage_payloads_decode_to_nothing_or_a_clear_error() {
    let payloads = [
        "",
        "null",
        "[]",
        "{\"type\":1}",
        "{\"type\":\"response.completed\"}",
        "{\"type\":\"response.completed\",\"response\":[]}",
        "{\"type\":\"response.failed\",\"response\":{\"error\":\"x\"}}",
        "{\"type\":\"response.output_item.done\",\"item\":{\"type\":\"function_call\"}}",
        "{\"type\":\"response.output_text.delta\",\"delta\":5}",
    ];
    let results: Vec<Result<bool, String>> = payloads
        .iter()
        .map(|p| {
            decode_event(p)
                .map(|e| e.is_some())
                .map_err(|e| e.to_string())
        })
        .collect();
    assert_eq!(
        results,
        vec![
            Ok(false),
            Ok(false),
            Ok(false),
            Ok(false),
            Ok(false),
            Err("stream disconnected before completion: failed to parse ResponseCompleted: invalid length 0, expected struct ResponseCompleted with 3 elements".into()),
            Err("stream disconnected before completion: response.failed event received".into()),
            Ok(false),
            Ok(false),
        ]
    );
}
