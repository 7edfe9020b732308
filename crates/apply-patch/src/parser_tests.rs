use super::*;
use pretty_assertions::assert_eq;

fn hunks(text: &str) -> Vec<Hunk> {
    parse_patch(text).unwrap().hunks
}

fn hunk_error(text: &str) -> (String, usize) {
    match parse_patch(text) {
        Err(ParseError::InvalidHunk {
            message,
            line_number,
        }) => (message, line_number),
        other => panic!("expected a hunk error, got {other:?}"),
    }
}

#[test]
fn parses_every_hunk_kind() {
    let text = "*** Begin Patch\n*** Add File: a.txt\n+one\n+two\n*** Delete File: b.txt\n\
                *** Update File: c.txt\n*** Move to: d.txt\n@@ fn main\n ctx\n-old\n+new\n\
                *** End of File\n*** End Patch\n";
    assert_eq!(
        hunks(text),
        vec![
            Hunk::AddFile {
                path: "a.txt".into(),
                contents: "one\ntwo\n".into()
            },
            Hunk::DeleteFile {
                path: "b.txt".into()
            },
            Hunk::UpdateFile {
                path: "c.txt".into(),
                move_path: Some("d.txt".into()),
                chunks: vec![UpdateChunk {
                    change_context: Some("fn main".into()),
                    old_lines: vec!["ctx".into(), "old".into()],
                    new_lines: vec!["ctx".into(), "new".into()],
                    is_end_of_file: true,
                }],
            },
        ]
    );
}

#[test]
fn boundaries_and_heredoc() {
    assert_eq!(
        parse_patch("bad"),
        Err(ParseError::InvalidPatch(FIRST_LINE_MESSAGE.into()))
    );
    assert_eq!(
        parse_patch(""),
        Err(ParseError::InvalidPatch(LAST_LINE_MESSAGE.into()))
    );
    assert_eq!(
        parse_patch("*** Begin Patch"),
        Err(ParseError::InvalidPatch(LAST_LINE_MESSAGE.into()))
    );
    let wrapped = "<<'EOF'\n*** Begin Patch\n*** Delete File: x\n*** End Patch\nEOF\n";
    let patch = parse_patch(wrapped).unwrap();
    assert_eq!(
        patch.text,
        "*** Begin Patch\n*** Delete File: x\n*** End Patch"
    );
    // A wrapper around a bad envelope reports the inner problem.
    assert_eq!(
        parse_patch("<<EOF\n*** Begin Patch\nx\n*** End PatchX\nEOF"),
        Err(ParseError::InvalidPatch(LAST_LINE_MESSAGE.into()))
    );
    assert!(hunks(" \n *** Begin Patch \n*** End Patch\t\n").is_empty());
}

#[test]
fn hunk_errors_carry_line_numbers() {
    assert_eq!(
        hunk_error("*** Begin Patch\n*** Update File: t.py\n*** End Patch"),
        ("Update file hunk for path 't.py' is empty".into(), 2)
    );
    let (message, line) = hunk_error("*** Begin Patch\n*** Add File: a\n+x\nfoo\n*** End Patch");
    assert!(message.starts_with("'foo' is not a valid hunk header."));
    assert_eq!(line, 4);
    assert_eq!(
        hunk_error("*** Begin Patch\n*** Update File: a\n@@\n*** End Patch"),
        (NO_LINES_MESSAGE.into(), 4)
    );
    assert_eq!(
        hunk_error("*** Begin Patch\n*** Update File: a\n@@\n-x\nnope\n*** End Patch"),
        (
            "Expected update hunk to start with a @@ context marker, got: 'nope'".into(),
            5
        )
    );
    assert_eq!(
        hunk_error("*** Begin Patch\n*** Update File: a\n@@\n*** End of File\n*** End Patch").1,
        4
    );
}

#[test]
fn first_chunk_may_omit_the_marker() {
    let parsed = hunks("*** Begin Patch\n*** Update File: f\n import x\n+y\n*** End Patch");
    assert_eq!(
        parsed,
        vec![Hunk::UpdateFile {
            path: "f".into(),
            move_path: None,
            chunks: vec![UpdateChunk {
                change_context: None,
                old_lines: vec!["import x".into()],
                new_lines: vec!["import x".into(), "y".into()],
                is_end_of_file: false,
            }],
        }]
    );
}
