//! Locating a chunk's lines in a file.
//!
//! A sequence is searched four times, each pass more forgiving than the last: byte-exact,
//! then ignoring trailing whitespace, then ignoring surrounding whitespace, then also
//! folding typographic punctuation and odd spaces to ASCII. The first pass that finds the
//! sequence anywhere wins, so an exact match later in the file beats a fuzzy one earlier.
//! An end-of-file chunk is only tried at the one position where it would end the file.

/// Finds `pattern` in `lines` at or after `start`; returns the index of its first line.
/// An empty pattern matches at `start`.
pub(crate) fn seek_sequence(
    lines: &[String],
    pattern: &[String],
    start: usize,
    end_of_file: bool,
) -> Option<usize> {
    if pattern.is_empty() {
        return Some(start);
    }
    if pattern.len() > lines.len() {
        return None;
    }
    let last_start = lines.len() - pattern.len();
    let first_start = if end_of_file { last_start } else { start };
    let passes: [fn(&str, &str) -> bool; 4] = [
        |a, b| a == b,
        |a, b| a.trim_end() == b.trim_end(),
        |a, b| a.trim() == b.trim(),
        |a, b| folded(a).eq(folded(b)),
    ];
    passes.into_iter().find_map(|same| {
        (first_start..=last_start).find(|&at| {
            lines[at..at + pattern.len()]
                .iter()
                .zip(pattern)
                .all(|(line, wanted)| same(line, wanted))
        })
    })
}

/// The trimmed characters of `text`, with dashes, quotes and spaces folded to ASCII.
fn folded(text: &str) -> impl Iterator<Item = char> + '_ {
    text.trim().chars().map(fold_char)
}

fn fold_char(c: char) -> char {
    match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\u{2018}'..='\u{201B}' => '\'',
        '\u{201C}'..='\u{201F}' => '"',
        '\u{00A0}' | '\u{2002}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => ' ',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn passes_in_order() {
        let lines = strings(&["foo   ", "  bar\t", "baz"]);
        assert_eq!(seek_sequence(&lines, &strings(&["foo"]), 0, false), Some(0));
        assert_eq!(seek_sequence(&lines, &strings(&["bar"]), 0, false), Some(1));
        assert_eq!(seek_sequence(&lines, &strings(&["baz"]), 0, true), Some(2));
        assert_eq!(seek_sequence(&lines, &strings(&["foo"]), 0, true), None);
        assert_eq!(
            seek_sequence(&lines, &strings(&["a", "b", "c", "d"]), 0, false),
            None
        );
        assert_eq!(seek_sequence(&lines, &[], 7, false), Some(7));
        assert_eq!(seek_sequence(&lines, &strings(&["foo"]), 9, false), None);
    }

    #[test]
    fn exact_match_later_beats_fuzzy_match_earlier() {
        let lines = strings(&["x ", "x"]);
        assert_eq!(seek_sequence(&lines, &strings(&["x"]), 0, false), Some(1));
    }

    #[test]
    fn punctuation_is_folded() {
        let lines = strings(&["let s = \u{201C}hi\u{201D} \u{2014} ok\u{00A0}"]);
        assert_eq!(
            seek_sequence(&lines, &strings(&["let s = \"hi\" - ok"]), 0, false),
            Some(0)
        );
    }
}
