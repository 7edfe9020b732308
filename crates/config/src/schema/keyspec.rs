//! Key spec normalization for `[tui.keymap]` bindings.
//!
//! Accepts a small alias set (`escape` → `esc`, `pgdn` → `page-down`,
//! `control`/`option` modifiers) and rejects specs that are ambiguous, with
//! the reference's messages.

/// Highest function key accepted (`f1` … `f12`).
pub const MAX_FUNCTION_KEY: u8 = 12;

const KEYMAP_DOCS_HINT: &str =
    "See the Codex keymap documentation for supported actions and examples.";

/// Normalizes one user-written key spec, or explains why it is invalid.
pub fn normalize_keybinding_spec(raw: &str) -> Result<String, crate::InvalidValue> {
    normalize_spec(raw).map_err(crate::InvalidValue::Keybinding)
}

fn normalize_spec(raw: &str) -> Result<String, String> {
    let lower = raw.trim().to_ascii_lowercase();
    if lower.is_empty() {
        return Err(format!(
            "keybinding cannot be empty. Use values like `ctrl-a` or `shift-enter`.\n{KEYMAP_DOCS_HINT}"
        ));
    }
    let segments: Vec<&str> = lower.split('-').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() {
        return Err(format!(
            "invalid keybinding `{raw}`. Use values like `ctrl-a`, `shift-enter`, or `page-down`."
        ));
    }
    let (mut ctrl, mut alt, mut shift) = (false, false, false);
    let mut key_segments = Vec::new();
    for segment in segments {
        let modifier = match segment {
            "ctrl" | "control" => Some(&mut ctrl),
            "alt" | "option" => Some(&mut alt),
            "shift" => Some(&mut shift),
            _ => None,
        };
        match modifier {
            Some(flag) if key_segments.is_empty() => {
                if *flag {
                    return Err(format!(
                        "duplicate modifier in keybinding `{raw}`. Use each modifier at most once."
                    ));
                }
                *flag = true;
            }
            _ => key_segments.push(segment),
        }
    }
    if key_segments.is_empty() {
        return Err(format!(
            "missing key in keybinding `{raw}`. Add a key name like `a`, `enter`, or `page-down`."
        ));
    }
    if key_segments
        .iter()
        .any(|s| matches!(*s, "ctrl" | "control" | "alt" | "option" | "shift"))
    {
        return Err(format!(
            "invalid keybinding `{raw}`: modifiers must come before the key (for example `ctrl-a`)."
        ));
    }
    let key = normalize_key_name(&key_segments.join("-"), raw)?;
    let mut parts: Vec<&str> = Vec::new();
    for (on, name) in [(ctrl, "ctrl"), (alt, "alt"), (shift, "shift")] {
        if on {
            parts.push(name);
        }
    }
    parts.push(&key);
    Ok(parts.join("-"))
}

fn normalize_key_name(key: &str, original: &str) -> Result<String, String> {
    let alias = match key {
        "escape" => "esc",
        "return" => "enter",
        "spacebar" => "space",
        "pgup" | "pageup" => "page-up",
        "pgdn" | "pagedown" => "page-down",
        "del" => "delete",
        other => other,
    };
    let mut chars = alias.chars();
    if let (Some(ch), None) = (chars.next(), chars.next())
        && ch.is_ascii()
        && !ch.is_ascii_control()
        && ch != '-'
    {
        return Ok(alias.to_string());
    }
    const NAMED: [&str; 15] = [
        "enter",
        "tab",
        "backspace",
        "esc",
        "delete",
        "up",
        "down",
        "left",
        "right",
        "home",
        "end",
        "page-up",
        "page-down",
        "space",
        "minus",
    ];
    if NAMED.contains(&alias) {
        return Ok(alias.to_string());
    }
    if let Some(number) = alias.strip_prefix('f')
        && let Ok(number) = number.parse::<u8>()
        && (1..=MAX_FUNCTION_KEY).contains(&number)
    {
        return Ok(alias.to_string());
    }
    Err(format!(
        "unknown key `{key}` in keybinding `{original}`. Use a printable character (for example `a`), \
function keys (`f1`-`f{MAX_FUNCTION_KEY}`), or one of: enter, tab, backspace, esc, delete, arrows, \
home/end, page-up/page-down, space, minus.\n{KEYMAP_DOCS_HINT}"
    ))
}
