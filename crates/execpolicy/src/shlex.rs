//! POSIX-shell word splitting and quoting, as the reference's `shlex` dependency does it.
//!
//! `split` turns a string example (`match = ["git push origin"]`) into tokens; `join`
//! renders tokens back into one line for error messages. Both follow the quoting rules of
//! the `shlex` crate the reference uses, so messages quote the same way.

/// Splits `input` into words the way a POSIX shell would (quotes, backslashes, `#`
/// comments). Returns `None` on an unterminated quote or a trailing backslash.
pub(crate) fn split(input: &str) -> Option<Vec<String>> {
    let bytes = input.as_bytes();
    let mut words = Vec::new();
    let mut i = 0;
    loop {
        // Skip separators and comments before the next word.
        loop {
            match bytes.get(i) {
                None => return Some(words.into_iter().map(lossy).collect()),
                Some(b' ' | b'\t' | b'\n') => i += 1,
                Some(b'#') => {
                    while let Some(&c) = bytes.get(i) {
                        i += 1;
                        if c == b'\n' {
                            break;
                        }
                    }
                }
                Some(_) => break,
            }
        }
        let mut word = Vec::new();
        while let Some(&c) = bytes.get(i) {
            i += 1;
            match c {
                b'"' => loop {
                    let c2 = *bytes.get(i)?;
                    i += 1;
                    match c2 {
                        b'"' => break,
                        b'\\' => {
                            let c3 = *bytes.get(i)?;
                            i += 1;
                            match c3 {
                                b'$' | b'`' | b'"' | b'\\' => word.push(c3),
                                b'\n' => {}
                                _ => word.extend_from_slice(&[b'\\', c3]),
                            }
                        }
                        _ => word.push(c2),
                    }
                },
                b'\'' => loop {
                    let c2 = *bytes.get(i)?;
                    i += 1;
                    if c2 == b'\'' {
                        break;
                    }
                    word.push(c2);
                },
                b'\\' => {
                    let c2 = *bytes.get(i)?;
                    i += 1;
                    if c2 != b'\n' {
                        word.push(c2);
                    }
                }
                b' ' | b'\t' | b'\n' => break,
                _ => word.push(c),
            }
        }
        words.push(word);
    }
}

fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Joins words into one shell line, quoting where needed. `None` when a word holds a NUL
/// byte (which no shell word can carry).
pub(crate) fn join<'a>(words: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let quoted: Option<Vec<String>> = words.into_iter().map(quote).collect();
    quoted.map(|q| q.join(" "))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Strategy {
    Unquoted,
    Single,
    Double,
}

const UNQUOTED: u8 = 1;
const SINGLE: u8 = 2;
const DOUBLE: u8 = 4;

fn quote(word: &str) -> Option<String> {
    let mut rest = word.as_bytes();
    if rest.is_empty() {
        return Some("''".to_string());
    }
    if rest.contains(&0) {
        return None;
    }
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (len, strategy) = chunk_strategy(rest);
        let (chunk, tail) = rest.split_at(len);
        rest = tail;
        match strategy {
            Strategy::Unquoted => out.extend_from_slice(chunk),
            Strategy::Single => {
                out.push(b'\'');
                out.extend_from_slice(chunk);
                out.push(b'\'');
            }
            Strategy::Double => {
                out.push(b'"');
                for &c in chunk {
                    if matches!(c, b'$' | b'`' | b'"' | b'\\') {
                        out.push(b'\\');
                    }
                    out.push(c);
                }
                out.push(b'"');
            }
        }
    }
    Some(lossy(out))
}

/// The longest prefix of `bytes` that one quoting style can carry, and that style
/// (unquoted preferred, then single, then double quotes).
fn chunk_strategy(bytes: &[u8]) -> (usize, Strategy) {
    let mut allowed = UNQUOTED | SINGLE | DOUBLE;
    let mut i = 0;
    if bytes[0] == b'^' {
        // A leading caret is only safe right after an opening single quote.
        allowed = SINGLE;
        i = 1;
    }
    while i < bytes.len() {
        let c = bytes[i];
        let mut now = allowed;
        if c >= 0x80 {
            now &= !UNQUOTED;
        } else {
            if !unquoted_ok(c) {
                now &= !UNQUOTED;
            }
            if matches!(c, b'\'' | b'^' | b'\\') {
                now &= !SINGLE;
            }
            if matches!(c, b'`' | b'$' | b'!' | b'^') {
                now &= !DOUBLE;
            }
        }
        if now == 0 {
            break;
        }
        allowed = now;
        i += 1;
    }
    let strategy = if allowed & UNQUOTED != 0 {
        Strategy::Unquoted
    } else if allowed & SINGLE != 0 {
        Strategy::Single
    } else {
        Strategy::Double
    };
    (i, strategy)
}

fn unquoted_ok(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.' | b'/' | b':' | b'@' | b']' | b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quotes_and_comments() {
        assert_eq!(
            split(r#"git commit -m "a b" 'c d' e\ f # tail"#).unwrap(),
            ["git", "commit", "-m", "a b", "c d", "e f"]
        );
        assert_eq!(split("''").unwrap(), [""]);
        assert!(split("git \"oops").is_none());
        assert!(split("   ").unwrap().is_empty());
    }

    #[test]
    fn quotes_like_shlex() {
        assert_eq!(
            join(["git", "a b", "", "it's", "$x", "ä"]).unwrap(),
            r#"git 'a b' '' "it's" '$x' 'ä'"#
        );
        assert_eq!(join(["^a"]).unwrap(), "'^a'");
        assert!(join(["a\0"]).is_none());
    }
}
