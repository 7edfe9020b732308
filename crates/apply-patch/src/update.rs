//! Applying an Update hunk's chunks to a file's text, in memory.
//!
//! The file is split on `\n` (a `\r` stays part of its line, so CRLF files match through
//! the whitespace-tolerant passes); each chunk's `@@` context and old lines are located in
//! order; then every located region is replaced by the chunk's new lines as written in the
//! patch (context lines included, so a fuzzily matched line takes the patch's spelling).
//! The result always ends with a newline.

use std::path::Path;

use crate::error::ApplyPatchError;
use crate::parser::UpdateChunk;
use crate::seek::seek_sequence;

/// Where one chunk lands: replace `old_len` lines at `start` with `new_lines`.
struct Replacement<'c> {
    start: usize,
    old_len: usize,
    new_lines: &'c [String],
}

/// Returns the new text of the file at `path` (used only in error messages).
pub(crate) fn apply_chunks(
    original: &str,
    path: &Path,
    chunks: &[UpdateChunk],
) -> Result<String, ApplyPatchError> {
    let mut lines: Vec<String> = original.split('\n').map(str::to_owned).collect();
    // The empty piece after a final newline is not a line.
    if lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    let mut replacements = locate(&lines, path, chunks)?;
    replacements.sort_by_key(|r| r.start);
    // Back to front, so that earlier starts stay valid.
    for r in replacements.iter().rev() {
        let start = r.start.min(lines.len());
        let end = (start + r.old_len).min(lines.len());
        lines.splice(start..end, r.new_lines.iter().cloned());
    }
    if !lines.last().is_some_and(String::is_empty) {
        lines.push(String::new());
    }
    Ok(lines.join("\n"))
}

fn locate<'c>(
    lines: &[String],
    path: &Path,
    chunks: &'c [UpdateChunk],
) -> Result<Vec<Replacement<'c>>, ApplyPatchError> {
    let mut replacements = Vec::with_capacity(chunks.len());
    let mut cursor = 0;
    for chunk in chunks {
        if let Some(context) = &chunk.change_context {
            let found = seek_sequence(lines, std::slice::from_ref(context), cursor, false);
            let Some(at) = found else {
                return Err(ApplyPatchError::ContextNotFound {
                    path: path.to_path_buf(),
                    context: context.clone(),
                });
            };
            cursor = at + 1;
        }
        if chunk.old_lines.is_empty() {
            // A pure addition goes at the end of the file (before a final empty line),
            // wherever its context was found.
            let start = if lines.last().is_some_and(String::is_empty) {
                lines.len() - 1
            } else {
                lines.len()
            };
            replacements.push(Replacement {
                start,
                old_len: 0,
                new_lines: &chunk.new_lines,
            });
            continue;
        }
        let mut old: &[String] = &chunk.old_lines;
        let mut new: &'c [String] = &chunk.new_lines;
        let mut found = seek_sequence(lines, old, cursor, chunk.is_end_of_file);
        // A trailing empty old line usually stands for the file's final newline, which
        // is not a line here: retry without it (and without its twin in the new lines).
        if found.is_none() && old.last().is_some_and(String::is_empty) {
            old = &old[..old.len() - 1];
            if new.last().is_some_and(String::is_empty) {
                new = &new[..new.len() - 1];
            }
            found = seek_sequence(lines, old, cursor, chunk.is_end_of_file);
        }
        let Some(start) = found else {
            return Err(ApplyPatchError::LinesNotFound {
                path: path.to_path_buf(),
                lines: chunk.old_lines.join("\n"),
            });
        };
        replacements.push(Replacement {
            start,
            old_len: old.len(),
            new_lines: new,
        });
        cursor = start + old.len();
    }
    Ok(replacements)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(context: Option<&str>, old: &[&str], new: &[&str], eof: bool) -> UpdateChunk {
        UpdateChunk {
            change_context: context.map(str::to_owned),
            old_lines: old.iter().map(|s| (*s).to_owned()).collect(),
            new_lines: new.iter().map(|s| (*s).to_owned()).collect(),
            is_end_of_file: eof,
        }
    }

    fn apply(original: &str, chunks: &[UpdateChunk]) -> String {
        apply_chunks(original, Path::new("/f"), chunks).unwrap()
    }

    #[test]
    fn replaces_and_appends_final_newline() {
        let c = chunk(None, &["b"], &["B"], false);
        assert_eq!(apply("a\nb", std::slice::from_ref(&c)), "a\nB\n");
        assert_eq!(apply("a\nb\n", &[c]), "a\nB\n");
    }

    #[test]
    fn pure_addition_goes_to_the_end() {
        let c = chunk(Some("a"), &[], &["x"], false);
        assert_eq!(apply("a\nb\n", &[c]), "a\nb\nx\n");
    }

    #[test]
    fn crlf_lines_match_and_take_the_patch_spelling() {
        let c = chunk(None, &["l1", "l2"], &["l1", "L2"], false);
        assert_eq!(apply("l1\r\nl2\r\nl3\r\n", &[c]), "l1\nL2\nl3\r\n");
    }

    #[test]
    fn missing_lines_are_reported_with_the_path() {
        let c = chunk(None, &["nope", "x"], &[], false);
        let err = apply_chunks("a\n", Path::new("/d/f"), &[c]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Failed to find expected lines in /d/f:\nnope\nx"
        );
        let c = chunk(Some("ctx"), &["a"], &[], false);
        let err = apply_chunks("a\n", Path::new("/d/f"), &[c]).unwrap_err();
        assert_eq!(err.to_string(), "Failed to find context 'ctx' in /d/f");
    }
}
