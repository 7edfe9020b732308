//! The patch envelope grammar.
//!
//! ```text
//! *** Begin Patch
//! *** Add File: PATH          followed by `+line` lines (the whole new file)
//! *** Delete File: PATH
//! *** Update File: PATH
//! *** Move to: PATH           optional, right after the Update line
//! @@ [context]                optional for the first chunk of an Update
//!  context / -old / +new      diff lines; an empty line counts as empty context
//! *** End of File             optional, ends a chunk that must match the file's end
//! *** End Patch
//! ```
//!
//! The parser accepts what the reference accepts and nothing more: surrounding whitespace
//! of the whole text and of the Begin/End and file-header lines, a missing final newline,
//! and a heredoc wrapper (`<<EOF`, `<<'EOF'`, `<<"EOF"` as first line, a last line ending
//! in `EOF`) left by a model that passed a shell heredoc as a literal argument. Other lines
//! are taken byte for byte. This module does not look at the file system.

use std::path::{Path, PathBuf};

use crate::error::ParseError;

const BEGIN_PATCH: &str = "*** Begin Patch";
const END_PATCH: &str = "*** End Patch";
const ADD_FILE: &str = "*** Add File: ";
const DELETE_FILE: &str = "*** Delete File: ";
const UPDATE_FILE: &str = "*** Update File: ";
const MOVE_TO: &str = "*** Move to: ";
const END_OF_FILE: &str = "*** End of File";
const CONTEXT_PREFIX: &str = "@@ ";
const BARE_CONTEXT: &str = "@@";
const HEREDOC_OPENERS: [&str; 3] = ["<<EOF", "<<'EOF'", "<<\"EOF\""];

const FIRST_LINE_MESSAGE: &str = "The first line of the patch must be '*** Begin Patch'";
const LAST_LINE_MESSAGE: &str = "The last line of the patch must be '*** End Patch'";
const NO_LINES_MESSAGE: &str = "Update hunk does not contain any lines";

/// A parsed patch: its hunks in order, and the envelope text without any heredoc wrapper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patch {
    /// The file operations, in the order they are applied.
    pub hunks: Vec<Hunk>,
    /// The patch text from `*** Begin Patch` to `*** End Patch`, lines joined with `\n`,
    /// without a final newline.
    pub text: String,
}

/// One file operation. Paths are as spelled in the patch (relative to the working
/// directory unless absolute).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hunk {
    /// Create (or overwrite) a file with `contents`.
    AddFile {
        /// The file to write.
        path: PathBuf,
        /// The new contents: every `+` line followed by `\n`.
        contents: String,
    },
    /// Remove a file.
    DeleteFile {
        /// The file to remove.
        path: PathBuf,
    },
    /// Edit a file in place, or edit it and move it to `move_path`.
    UpdateFile {
        /// The file to read.
        path: PathBuf,
        /// Where the result is written instead of `path` (which is then removed).
        move_path: Option<PathBuf>,
        /// The edits, in file order.
        chunks: Vec<UpdateChunk>,
    },
}

impl Hunk {
    /// The path the success summary names for this hunk: the move destination for a
    /// moved file, otherwise the hunk's path.
    pub fn path(&self) -> &Path {
        match self {
            Hunk::AddFile { path, .. } | Hunk::DeleteFile { path } => path,
            Hunk::UpdateFile {
                move_path: Some(dest),
                ..
            } => dest,
            Hunk::UpdateFile { path, .. } => path,
        }
    }
}

/// One `@@` section of an Update hunk.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpdateChunk {
    /// The text after `@@ `: a line to find first; the old lines are searched after it.
    pub change_context: Option<String>,
    /// Context and removed lines, in order.
    pub old_lines: Vec<String>,
    /// Context and added lines, in order.
    pub new_lines: Vec<String>,
    /// The chunk ended with `*** End of File`: the old lines are matched at the file's end.
    pub is_end_of_file: bool,
}

/// Parses a patch, accepting the lenient forms the reference accepts.
pub fn parse_patch(text: &str) -> Result<Patch, ParseError> {
    let lines: Vec<&str> = text.trim().lines().collect();
    let (envelope, body) = lenient_boundaries(&lines)?;
    let mut hunks = Vec::new();
    let mut rest = body;
    // Line 1 is `*** Begin Patch`; numbering ignores a heredoc opener.
    let mut line_number = 2;
    while !rest.is_empty() {
        let (hunk, used) = parse_hunk(rest, line_number)?;
        hunks.push(hunk);
        line_number += used;
        rest = &rest[used..];
    }
    Ok(Patch {
        hunks,
        text: envelope.join("\n"),
    })
}

type Boundaries<'l, 's> = (&'l [&'s str], &'l [&'s str]);

/// Returns (the envelope lines, the lines between the markers).
fn strict_boundaries<'l, 's>(lines: &'l [&'s str]) -> Result<Boundaries<'l, 's>, ParseError> {
    let first = lines.first().map(|line| line.trim());
    let last = lines.last().map(|line| line.trim());
    match (first, last) {
        (Some(BEGIN_PATCH), Some(END_PATCH)) if lines.len() >= 2 => {
            Ok((lines, &lines[1..lines.len() - 1]))
        }
        (Some(first), _) if first != BEGIN_PATCH => {
            Err(ParseError::InvalidPatch(FIRST_LINE_MESSAGE.to_owned()))
        }
        _ => Err(ParseError::InvalidPatch(LAST_LINE_MESSAGE.to_owned())),
    }
}

fn lenient_boundaries<'l, 's>(lines: &'l [&'s str]) -> Result<Boundaries<'l, 's>, ParseError> {
    let strict_error = match strict_boundaries(lines) {
        Ok(found) => return Ok(found),
        Err(err) => err,
    };
    match lines {
        [first, .., last]
            if lines.len() >= 4 && HEREDOC_OPENERS.contains(first) && last.ends_with("EOF") =>
        {
            strict_boundaries(&lines[1..lines.len() - 1])
        }
        _ => Err(strict_error),
    }
}

/// Parses the hunk that starts at `lines[0]` (never empty); returns it and the number of
/// lines it used.
fn parse_hunk(lines: &[&str], line_number: usize) -> Result<(Hunk, usize), ParseError> {
    let header = lines[0].trim();
    if let Some(path) = header.strip_prefix(ADD_FILE) {
        let mut contents = String::new();
        let mut used = 1;
        for line in &lines[1..] {
            let Some(text) = line.strip_prefix('+') else {
                break;
            };
            contents.push_str(text);
            contents.push('\n');
            used += 1;
        }
        let hunk = Hunk::AddFile {
            path: PathBuf::from(path),
            contents,
        };
        return Ok((hunk, used));
    }
    if let Some(path) = header.strip_prefix(DELETE_FILE) {
        let hunk = Hunk::DeleteFile {
            path: PathBuf::from(path),
        };
        return Ok((hunk, 1));
    }
    if let Some(path) = header.strip_prefix(UPDATE_FILE) {
        return parse_update(path, lines, line_number);
    }
    Err(ParseError::InvalidHunk {
        message: format!(
            "'{header}' is not a valid hunk header. Valid hunk headers: '*** Add File: {{path}}', '*** Delete File: {{path}}', '*** Update File: {{path}}'"
        ),
        line_number,
    })
}

fn parse_update(
    path: &str,
    lines: &[&str],
    line_number: usize,
) -> Result<(Hunk, usize), ParseError> {
    let mut rest = &lines[1..];
    let mut used = 1;
    let move_path = rest.first().and_then(|line| line.strip_prefix(MOVE_TO));
    if move_path.is_some() {
        rest = &rest[1..];
        used += 1;
    }
    let mut chunks = Vec::new();
    while let Some(line) = rest.first() {
        if line.trim().is_empty() {
            used += 1;
            rest = &rest[1..];
            continue;
        }
        // The next `*** ...` header (or `*** End of File` misplaced) ends this hunk.
        if line.starts_with('*') {
            break;
        }
        let (chunk, chunk_lines) = parse_chunk(rest, line_number + used, chunks.is_empty())?;
        chunks.push(chunk);
        used += chunk_lines;
        rest = &rest[chunk_lines..];
    }
    if chunks.is_empty() {
        return Err(ParseError::InvalidHunk {
            message: format!("Update file hunk for path '{path}' is empty"),
            line_number,
        });
    }
    let hunk = Hunk::UpdateFile {
        path: PathBuf::from(path),
        move_path: move_path.map(PathBuf::from),
        chunks,
    };
    Ok((hunk, used))
}

/// Parses one chunk starting at `lines[0]`; returns it and the number of lines used
/// (always at least one).
fn parse_chunk(
    lines: &[&str],
    line_number: usize,
    allow_missing_context: bool,
) -> Result<(UpdateChunk, usize), ParseError> {
    let no_lines = |line_number| ParseError::InvalidHunk {
        message: NO_LINES_MESSAGE.to_owned(),
        line_number,
    };
    let Some(first) = lines.first() else {
        return Err(no_lines(line_number));
    };
    let (change_context, start) = if *first == BARE_CONTEXT {
        (None, 1)
    } else if let Some(context) = first.strip_prefix(CONTEXT_PREFIX) {
        (Some(context.to_owned()), 1)
    } else if allow_missing_context {
        (None, 0)
    } else {
        return Err(ParseError::InvalidHunk {
            message: format!(
                "Expected update hunk to start with a @@ context marker, got: '{first}'"
            ),
            line_number,
        });
    };
    if start >= lines.len() {
        return Err(no_lines(line_number + 1));
    }
    let mut chunk = UpdateChunk {
        change_context,
        ..UpdateChunk::default()
    };
    let mut parsed = 0;
    for line in &lines[start..] {
        if *line == END_OF_FILE {
            if parsed == 0 {
                return Err(no_lines(line_number + 1));
            }
            chunk.is_end_of_file = true;
            parsed += 1;
            break;
        }
        match line.as_bytes().first() {
            None => {
                chunk.old_lines.push(String::new());
                chunk.new_lines.push(String::new());
            }
            Some(b' ') => {
                chunk.old_lines.push(line[1..].to_owned());
                chunk.new_lines.push(line[1..].to_owned());
            }
            Some(b'+') => chunk.new_lines.push(line[1..].to_owned()),
            Some(b'-') => chunk.old_lines.push(line[1..].to_owned()),
            Some(_) if parsed == 0 => {
                return Err(ParseError::InvalidHunk {
                    message: format!(
                        "Unexpected line found in update hunk: '{line}'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)"
                    ),
                    line_number: line_number + 1,
                });
            }
            // Anything else starts the next chunk (typically `@@`).
            Some(_) => break,
        }
        parsed += 1;
    }
    Ok((chunk, start + parsed))
}

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;
