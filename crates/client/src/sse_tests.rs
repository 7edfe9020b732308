use pretty_assertions::assert_eq;

use super::*;

fn frames(chunks: &[&[u8]]) -> Result<Vec<SseFrame>, SseError> {
    let mut framer = SseFramer::new();
    let mut out = Vec::new();
    for chunk in chunks {
        framer.push(chunk, &mut out)?;
    }
    Ok(out)
}

fn frame(event: Option<&str>, data: &str) -> SseFrame {
    SseFrame {
        event: event.map(str::to_owned),
        data: data.to_owned(),
        id: None,
    }
}

/// A stream using every feature of the format.
const RICH: &[u8] = b"\xef\xbb\xbf: comment\r\nevent: response.created\r\ndata: {\"a\":1}\r\n\r\n\
event:x\rdata:  two spaces\rdata\r\rdata: line1\ndata: line2\nretry: 10\nunknown: y\n\n\
event: only-event\n\ndata:\n\n";

fn rich_expected() -> Vec<SseFrame> {
    vec![
        frame(Some("response.created"), "{\"a\":1}"),
        frame(Some("x"), " two spaces\n"),
        frame(None, "line1\nline2"),
    ]
}

#[test]
fn frames_every_line_ending_and_field() {
    assert_eq!(frames(&[RICH]), Ok(rich_expected()));
}

#[test]
fn any_chunking_gives_the_same_frames() {
    for split in 0..=RICH.len() {
        let (a, b) = RICH.split_at(split);
        assert_eq!(frames(&[a, b]), Ok(rich_expected()), "split at {split}");
    }
    let bytes: Vec<&[u8]> = RICH.chunks(1).collect();
    assert_eq!(frames(&bytes), Ok(rich_expected()));
}

#[test]
fn id_is_kept_and_carried() {
    let out = frames(&[b"id: 7\ndata: a\n\ndata: b\n\n"]).unwrap_or_default();
    assert_eq!(out.len(), 2);
    assert_eq!(out[1].id.as_deref(), Some("7"));
}

#[test]
fn invalid_utf8_is_an_error_with_the_line() {
    assert_eq!(
        frames(&[b"data: ok\n\ndata: \xff\xfe\n\n"]),
        Err(SseError::InvalidUtf8 { line: 3 })
    );
}

#[test]
fn oversized_lines_and_events_are_errors() {
    let mut framer = SseFramer::with_limit(16);
    let mut out = Vec::new();
    assert_eq!(
        framer.push(&[b'a'; 17], &mut out),
        Err(SseError::TooLarge { limit: 16 })
    );
    let mut framer = SseFramer::with_limit(16);
    let result = framer.push(b"data: 01234567\ndata: 01234567\n\n", &mut out);
    assert_eq!(result, Err(SseError::TooLarge { limit: 16 }));
}

#[test]
fn truncated_stream_keeps_only_complete_events() {
    let stream = b"data: one\n\ndata: two\n";
    let mut framer = SseFramer::new();
    let mut out = Vec::new();
    assert_eq!(framer.push(stream, &mut out), Ok(()));
    assert_eq!(out, vec![frame(None, "one")]);
    assert!(framer.has_partial_event());
}

/// xorshift64*: a tiny deterministic generator for the fuzz tests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: [&[u8]; 12] = [
    b"data: ",
    b"event: ",
    b"\n",
    b"\r",
    b"\r\n",
    b":",
    b"{\"type\":\"response.created\"}",
    b"id: 1",
    b"\xff",
    b"\xe2\x82",
    b"\xef\xbb\xbf",
    b"  ",
];

#[test]
fn garbage_never_panics_and_chunking_never_matters() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for _ in 0..2000 {
        let mut input = Vec::new();
        for _ in 0..rng.below(40) {
            if rng.below(3) == 0 {
                input.push(rng.next() as u8);
            } else {
                input.extend_from_slice(PIECES[rng.below(PIECES.len())]);
            }
        }
        let whole = frames(&[&input]);
        // Random chunking must agree with one-shot parsing.
        let mut chunks = Vec::new();
        let mut rest: &[u8] = &input;
        while !rest.is_empty() {
            let (head, tail) = rest.split_at(1 + rng.below(rest.len()));
            chunks.push(head);
            rest = tail;
        }
        assert_eq!(frames(&chunks), whole, "input {input:?}");
    }
}
