//! The script parser behind `bash -lc "<script>"` classification.
//!
//! The reference parses the script with tree-sitter-bash and accepts it only
//! when the tree holds nothing but plain commands: words, numbers, single- and
//! double-quoted strings (and concatenations of those), joined by `&&`, `||`,
//! `;`, `|` or newlines. Anything else (redirections, substitutions, variable
//! expansions, subshells, groups, control flow, comments, assignments,
//! background `&`, numeric brace ranges, a parse error) rejects the whole
//! script. This module reproduces those decisions with a small hand-written
//! lexer instead of a grammar; its quirks follow the reference's, which were
//! checked against the 0.136.0 binary (see `tests/corpus.tsv`):
//!
//! - words keep their raw text: `a\ b` stays `a\ b` and a double-quoted string
//!   keeps its escapes (`"a\"b"` gives `a\"b`), so `\ls` is not `ls`;
//! - a command name must be one bare word (no quotes, no concatenation);
//! - `{a,b}` and `{a..c}` are ordinary words, `{1..3}` is a brace expression;
//! - `\` + newline between words is a line continuation, inside a word it is
//!   part of the word, and at the end of the script it is an error.
//!
//! It is not a shell: it never expands, unescapes or runs anything.

use std::path::Path;

/// Returns the commands of a plain script, or `None` when the script holds
/// anything besides plain commands joined by `&&`, `||`, `;`, `|` and
/// newlines.
///
/// Each command is its words as written (quotes removed, escapes kept). An
/// empty or blank script gives `Some` of an empty list.
pub fn parse_plain_shell_script(script: &str) -> Option<Vec<Vec<String>>> {
    let tokens = Lexer::new(script).tokens()?;
    assemble(tokens)
}

/// Returns the script of a `bash -lc "<script>"`-shaped argv: exactly three
/// words, a flag of `-lc` or `-c`, and a shell recognised as bash, zsh or sh.
pub fn extract_shell_script(argv: &[String]) -> Option<&str> {
    let [shell, flag, script] = argv else {
        return None;
    };
    if !matches!(flag.as_str(), "-lc" | "-c") || !is_posix_shell(shell) {
        return None;
    }
    Some(script)
}

/// Returns the plain commands of a `bash -lc "<script>"` (or `zsh`/`sh`,
/// `-c` or `-lc`) argv, when its script passes [`parse_plain_shell_script`].
pub fn parse_shell_lc_plain_commands(argv: &[String]) -> Option<Vec<Vec<String>>> {
    parse_plain_shell_script(extract_shell_script(argv)?)
}

/// Whether `shell` names bash, zsh or sh. Like the reference, a name that is
/// not one of the known shells is retried with its file stem, so
/// `/usr/local/bin/bash`, `./zsh` and `bash.exe` all count.
fn is_posix_shell(shell: &str) -> bool {
    match shell {
        "bash" | "zsh" | "sh" => true,
        "pwsh" | "powershell" | "cmd" => false,
        _ => match Path::new(shell).file_stem().and_then(|stem| stem.to_str()) {
            Some(stem) if stem != shell => is_posix_shell(stem),
            _ => false,
        },
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(Word),
    AndIf,
    OrIf,
    Pipe,
    Semi,
    Newline,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Word {
    text: String,
    /// One unquoted part only: the shape a command name must have.
    bare: bool,
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
}

impl Lexer {
    fn new(src: &str) -> Self {
        Self {
            chars: src.chars().collect(),
            pos: 0,
        }
    }

    fn peek(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    /// Whether only whitespace follows `from` (a dangling line continuation).
    fn only_blank_from(&self, from: usize) -> bool {
        self.chars[from.min(self.chars.len())..]
            .iter()
            .all(|c| c.is_ascii_whitespace())
    }

    fn tokens(mut self) -> Option<Vec<Token>> {
        let mut tokens = Vec::new();
        while let Some(c) = self.peek(0) {
            match c {
                ' ' | '\t' | '\r' => self.pos += 1,
                '\n' => {
                    tokens.push(Token::Newline);
                    self.pos += 1;
                }
                '\\' if self.peek(1) == Some('\n') => {
                    if self.only_blank_from(self.pos + 2) {
                        return None;
                    }
                    self.pos += 2;
                }
                ';' => {
                    // `;;`, `;&` and `;;&` only belong in `case`.
                    if matches!(self.peek(1), Some(';' | '&')) {
                        return None;
                    }
                    tokens.push(Token::Semi);
                    self.pos += 1;
                }
                '&' => {
                    // A lone `&` sends a command to the background.
                    if self.peek(1) != Some('&') {
                        return None;
                    }
                    tokens.push(Token::AndIf);
                    self.pos += 2;
                }
                '|' => match self.peek(1) {
                    Some('|') => {
                        tokens.push(Token::OrIf);
                        self.pos += 2;
                    }
                    Some('&') => return None,
                    _ => {
                        tokens.push(Token::Pipe);
                        self.pos += 1;
                    }
                },
                // Redirections, subshells, substitutions, expansions, comments.
                '<' | '>' | '(' | ')' | '`' | '$' | '#' => return None,
                _ => tokens.push(Token::Word(self.word()?)),
            }
        }
        Some(tokens)
    }

    /// Reads one word: bare segments and quoted strings with nothing between them.
    fn word(&mut self) -> Option<Word> {
        let mut text = String::new();
        let mut parts = 0usize;
        let mut quoted = false;
        while let Some(c) = self.peek(0) {
            match c {
                ' ' | '\t' | '\r' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')' => break,
                '`' | '$' => return None,
                '\'' => {
                    text.push_str(&self.single_quoted()?);
                    quoted = true;
                }
                '"' => {
                    text.push_str(&self.double_quoted()?);
                    quoted = true;
                }
                _ => self.bare_segment(&mut text)?,
            }
            parts += 1;
        }
        // A concatenation of empty strings (`''""`) is not a word to the reference.
        if parts > 1 && text.is_empty() {
            return None;
        }
        Some(Word {
            text,
            bare: parts == 1 && !quoted,
        })
    }

    fn single_quoted(&mut self) -> Option<String> {
        let start = self.pos + 1;
        let len = self.chars[start..].iter().position(|&c| c == '\'')?;
        self.pos = start + len + 1;
        Some(self.chars[start..start + len].iter().collect())
    }

    /// A double-quoted string without expansions; escapes are kept verbatim.
    fn double_quoted(&mut self) -> Option<String> {
        let start = self.pos + 1;
        let mut end = start;
        loop {
            match self.chars.get(end)? {
                '\\' => {
                    self.chars.get(end + 1)?;
                    end += 2;
                }
                '"' => break,
                '$' | '`' => return None,
                _ => end += 1,
            }
        }
        self.pos = end + 1;
        Some(self.chars[start..end].iter().collect())
    }

    /// Unquoted characters up to the next delimiter or quote.
    fn bare_segment(&mut self, text: &mut String) -> Option<()> {
        while let Some(c) = self.peek(0) {
            match c {
                ' ' | '\t' | '\r' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')' | '\'' | '"'
                | '`' | '$' => break,
                '\\' => {
                    let next = self.peek(1)?;
                    if next == '\n' && self.only_blank_from(self.pos + 2) {
                        return None;
                    }
                    text.push(c);
                    text.push(next);
                    self.pos += 2;
                }
                '{' if self.numeric_brace_range() => return None,
                _ => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
        Some(())
    }

    /// Whether a `{` at the cursor starts what the reference's grammar reads
    /// as a numeric brace expression: `{1..3}`, or the unfinished `{1..}`.
    fn numeric_brace_range(&self) -> bool {
        let rest = &self.chars[self.pos + 1..];
        let digits = |s: &[char]| s.iter().take_while(|c| c.is_ascii_digit()).count();
        let first = digits(rest);
        if first == 0 || rest.get(first) != Some(&'.') || rest.get(first + 1) != Some(&'.') {
            return false;
        }
        let after = &rest[first + 2..];
        let second = digits(after);
        after.get(second) == Some(&'}')
    }
}

/// Words that make the reference's grammar build something other than a plain
/// command when they open one.
const RESERVED_COMMAND_WORDS: &[&str] = &[
    "!", "{", "}", "[", "[[", "case", "coproc", "declare", "do", "done", "elif", "else", "esac",
    "export", "fi", "for", "function", "if", "local", "readonly", "select", "then", "time",
    "typeset", "unset", "unsetenv", "until", "while",
];

fn is_valid_command_name(word: &Word) -> bool {
    word.bare && !RESERVED_COMMAND_WORDS.contains(&word.text.as_str()) && !is_assignment(&word.text)
}

/// `NAME=value`, `NAME+=value` or `NAME[index]=value` in command position.
fn is_assignment(word: &str) -> bool {
    let name_len = word
        .char_indices()
        .take_while(|&(i, c)| c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()))
        .count();
    if name_len == 0 {
        return false;
    }
    let rest = &word[name_len..];
    rest.starts_with('=')
        || rest.starts_with("+=")
        || (rest.starts_with('[') && rest.contains("]="))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    /// Start of the script, or after `;` or a newline: a command may follow.
    Free,
    /// After `&&`, `||` or `|`: a command must follow.
    Chained,
    /// Inside a command.
    Command,
}

fn assemble(tokens: Vec<Token>) -> Option<Vec<Vec<String>>> {
    let mut commands = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut position = Position::Free;
    for token in tokens {
        match token {
            Token::Word(word) => {
                if current.is_empty() && !is_valid_command_name(&word) {
                    return None;
                }
                current.push(word.text);
                position = Position::Command;
            }
            Token::Newline => {
                if !current.is_empty() {
                    commands.push(std::mem::take(&mut current));
                    position = Position::Free;
                }
            }
            Token::Semi => {
                if current.is_empty() {
                    return None;
                }
                commands.push(std::mem::take(&mut current));
                position = Position::Free;
            }
            Token::AndIf | Token::OrIf | Token::Pipe => {
                if current.is_empty() {
                    return None;
                }
                commands.push(std::mem::take(&mut current));
                position = Position::Chained;
            }
        }
    }
    if !current.is_empty() {
        commands.push(current);
    } else if position == Position::Chained {
        return None;
    }
    Some(commands)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn check(script: &str, expected: Option<&[&[&str]]>) {
        let expected = expected.map(|cmds| {
            cmds.iter()
                .map(|words| words.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        });
        assert_eq!(parse_plain_shell_script(script), expected, "{script:?}");
    }

    #[test]
    fn splits_on_the_allowed_operators() {
        check(
            "ls && pwd; echo 'hi there' | wc -l",
            Some(&[&["ls"], &["pwd"], &["echo", "hi there"], &["wc", "-l"]]),
        );
        check("ls||true\npwd;", Some(&[&["ls"], &["true"], &["pwd"]]));
        check("ls &&\n\n pwd", Some(&[&["ls"], &["pwd"]]));
        check("", Some(&[]));
        check(" \n ", Some(&[]));
    }

    #[test]
    fn keeps_raw_text_of_words_and_strings() {
        check(
            r#"echo "a\"b" a\ b"#,
            Some(&[&["echo", r#"a\"b"#, r"a\ b"]]),
        );
        check(
            r#"echo "/usr"'/'"local"/bin"#,
            Some(&[&["echo", "/usr/local/bin"]]),
        );
        check(r#"rg -g"*.py" x"#, Some(&[&["rg", "-g*.py", "x"]]));
        check("echo '' \"\"", Some(&[&["echo", "", ""]]));
        check("ls \\\n -la", Some(&[&["ls", "-la"]]));
    }

    #[test]
    fn rejects_anything_beyond_plain_commands() {
        for script in [
            "ls > out",
            "ls 2>&1",
            "cat < f",
            "echo $HOME",
            "echo \"$HOME\"",
            "echo $(pwd)",
            "echo `pwd`",
            "(ls)",
            "{ ls; }",
            "ls &",
            "ls |& wc",
            "ls ;; pwd",
            ";ls",
            "ls &&",
            "| ls",
            "ls | | wc",
            "FOO=bar ls",
            "ls # c",
            "echo {1..3}",
            "echo ''\"\"",
            "\"ls\"",
            "l's'",
            "echo 'open",
            "echo a\\",
            "ls \\\n",
            "if ls; then pwd; fi",
            "! ls",
            "echo $'x'",
            "[[ -f x ]]",
        ] {
            check(script, None);
        }
    }

    #[test]
    fn recognises_shells_by_name_or_stem() {
        let argv =
            |shell: &str, flag: &str| vec![shell.to_owned(), flag.to_owned(), "ls".to_owned()];
        for shell in ["bash", "/bin/bash", "zsh", "sh", "./zsh", "/tmp/bash.exe"] {
            assert_eq!(
                extract_shell_script(&argv(shell, "-lc")),
                Some("ls"),
                "{shell}"
            );
        }
        for shell in ["dash", "fish", "pwsh", "/bin/ksh"] {
            assert_eq!(extract_shell_script(&argv(shell, "-c")), None, "{shell}");
        }
        assert_eq!(extract_shell_script(&argv("bash", "-x")), None);
    }
}
