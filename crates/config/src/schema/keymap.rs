//! `[tui.keymap]`: keybinding overrides by context.
//!
//! Key specs are normalized while parsing (`Escape` → `esc`, modifiers in
//! `ctrl-alt-shift` order) and malformed ones are rejected with the
//! reference's messages. Unknown actions are errors in most contexts.

use serde::Deserialize;
use serde::Deserializer;
use serde::Serialize;

use super::normalize_keybinding_spec;

/// One normalized key event, e.g. `ctrl-a` or `shift-enter`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct KeybindingSpec(pub String);

impl KeybindingSpec {
    /// The canonical spelling.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for KeybindingSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        normalize_keybinding_spec(&raw)
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

/// An action's binding: one key, or a list (an empty list unbinds it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KeybindingsSpec {
    /// A single key.
    One(KeybindingSpec),
    /// Several keys; empty means unbound.
    Many(Vec<KeybindingSpec>),
}

impl KeybindingsSpec {
    /// All keys in declaration order.
    pub fn specs(&self) -> Vec<&KeybindingSpec> {
        match self {
            Self::One(spec) => vec![spec],
            Self::Many(specs) => specs.iter().collect(),
        }
    }
}

/// Declares a keymap context struct whose fields are all optional bindings.
macro_rules! keymap_context {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident),+ $(,)? }) => {
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        $(#[$meta])*
        pub struct $name {
            $($(#[$fmeta])* pub $field: Option<KeybindingsSpec>,)+
        }
    };
}

keymap_context!(
    /// `[tui.keymap.global]`: fallbacks for every context.
    #[serde(deny_unknown_fields)]
    TuiGlobalKeymap {
        /// Open the transcript overlay.
        open_transcript,
        /// Edit the draft in an external editor.
        open_external_editor,
        /// Copy the last answer.
        copy,
        /// Clear the terminal.
        clear_terminal,
        /// Submit the draft.
        submit,
        /// Queue the draft while a turn runs.
        queue,
        /// Toggle the shortcut overlay.
        toggle_shortcuts,
        /// Toggle Vim mode.
        toggle_vim_mode,
        /// Toggle fast mode.
        toggle_fast_mode,
        /// Toggle raw scrollback output.
        toggle_raw_output,
    }
);

keymap_context!(
    /// `[tui.keymap.chat]`.
    #[serde(deny_unknown_fields)]
    TuiChatKeymap {
        /// Interrupt the running turn.
        interrupt_turn,
        /// Lower the reasoning effort.
        decrease_reasoning_effort,
        /// Raise the reasoning effort.
        increase_reasoning_effort,
        /// Edit the last queued message.
        edit_queued_message,
    }
);

keymap_context!(
    /// `[tui.keymap.composer]`.
    #[serde(deny_unknown_fields)]
    TuiComposerKeymap {
        /// Submit the draft.
        submit,
        /// Queue the draft.
        queue,
        /// Toggle the shortcut overlay.
        toggle_shortcuts,
        /// Start or step back in history search.
        history_search_previous,
        /// Step forward in history search.
        history_search_next,
    }
);

keymap_context!(
    /// `[tui.keymap.editor]`: text editing.
    #[serde(deny_unknown_fields)]
    TuiEditorKeymap {
        /// Insert a newline.
        insert_newline,
        /// Cursor left.
        move_left,
        /// Cursor right.
        move_right,
        /// Cursor up.
        move_up,
        /// Cursor down.
        move_down,
        /// Word left.
        move_word_left,
        /// Word right.
        move_word_right,
        /// Line start.
        move_line_start,
        /// Line end.
        move_line_end,
        /// Delete left.
        delete_backward,
        /// Delete right.
        delete_forward,
        /// Delete previous word.
        delete_backward_word,
        /// Delete next word.
        delete_forward_word,
        /// Kill to line start.
        kill_line_start,
        /// Kill the whole line.
        kill_whole_line,
        /// Kill to line end.
        kill_line_end,
        /// Yank the kill buffer.
        yank,
    }
);

keymap_context!(
    /// `[tui.keymap.vim_normal]`: Vim normal mode.
    TuiVimNormalKeymap {
        /// `i`
        enter_insert,
        /// `a`
        append_after_cursor,
        /// `A`
        append_line_end,
        /// `I`
        insert_line_start,
        /// `o`
        open_line_below,
        /// `O`
        open_line_above,
        /// `h`
        move_left,
        /// `l`
        move_right,
        /// `k`
        move_up,
        /// `j`
        move_down,
        /// `w`
        move_word_forward,
        /// `b`
        move_word_backward,
        /// `e`
        move_word_end,
        /// `0`
        move_line_start,
        /// `$`
        move_line_end,
        /// `x`
        delete_char,
        /// `s`
        substitute_char,
        /// `D`
        delete_to_line_end,
        /// `C`
        change_to_line_end,
        /// `Y`
        yank_line,
        /// `p`
        paste_after,
        /// `d`
        start_delete_operator,
        /// `y`
        start_yank_operator,
        /// `c`
        start_change_operator,
        /// Cancel a pending operator.
        cancel_operator,
    }
);

keymap_context!(
    /// `[tui.keymap.vim_operator]`: after `d`, `y` or `c`.
    TuiVimOperatorKeymap {
        /// `dd`
        delete_line,
        /// `yy`
        yank_line,
        /// `h`
        motion_left,
        /// `l`
        motion_right,
        /// `k`
        motion_up,
        /// `j`
        motion_down,
        /// `w`
        motion_word_forward,
        /// `b`
        motion_word_backward,
        /// `e`
        motion_word_end,
        /// `0`
        motion_line_start,
        /// `$`
        motion_line_end,
        /// `i` text object.
        select_inner_text_object,
        /// `a` text object.
        select_around_text_object,
        /// Cancel.
        cancel,
    }
);

keymap_context!(
    /// `[tui.keymap.vim_text_object]`.
    #[serde(deny_unknown_fields)]
    TuiVimTextObjectKeymap {
        /// `w`
        word,
        /// `W`
        big_word,
        /// `(`
        parentheses,
        /// `[`
        brackets,
        /// `{`
        braces,
        /// `"`
        double_quote,
        /// `'`
        single_quote,
        /// `` ` ``
        backtick,
        /// Cancel.
        cancel,
    }
);

keymap_context!(
    /// `[tui.keymap.pager]`: transcript and static overlays.
    #[serde(deny_unknown_fields)]
    TuiPagerKeymap {
        /// One row up.
        scroll_up,
        /// One row down.
        scroll_down,
        /// One page up.
        page_up,
        /// One page down.
        page_down,
        /// Half a page up.
        half_page_up,
        /// Half a page down.
        half_page_down,
        /// To the top.
        jump_top,
        /// To the bottom.
        jump_bottom,
        /// Close the overlay.
        close,
        /// Close the transcript overlay.
        close_transcript,
    }
);

keymap_context!(
    /// `[tui.keymap.list]`: selection lists.
    #[serde(deny_unknown_fields)]
    TuiListKeymap {
        /// Selection up.
        move_up,
        /// Selection down.
        move_down,
        /// Left, where supported.
        move_left,
        /// Right, where supported.
        move_right,
        /// Page up.
        page_up,
        /// Page down.
        page_down,
        /// First item.
        jump_top,
        /// Last item.
        jump_bottom,
        /// Accept.
        accept,
        /// Cancel.
        cancel,
    }
);

keymap_context!(
    /// `[tui.keymap.approval]`: approval prompts.
    #[serde(deny_unknown_fields)]
    TuiApprovalKeymap {
        /// Full-screen details.
        open_fullscreen,
        /// Jump to the requesting thread.
        open_thread,
        /// Approve.
        approve,
        /// Approve for the session.
        approve_for_session,
        /// Approve with a command-prefix rule.
        approve_for_prefix,
        /// Deny without guidance.
        deny,
        /// Decline with guidance.
        decline,
        /// Cancel an elicitation.
        cancel,
    }
);

/// `[tui.keymap]`: contexts only; an action directly under it is an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TuiKeymap {
    /// Fallbacks.
    #[serde(default)]
    pub global: TuiGlobalKeymap,
    /// Chat.
    #[serde(default)]
    pub chat: TuiChatKeymap,
    /// Composer.
    #[serde(default)]
    pub composer: TuiComposerKeymap,
    /// Text editing.
    #[serde(default)]
    pub editor: TuiEditorKeymap,
    /// Vim normal mode.
    #[serde(default)]
    pub vim_normal: TuiVimNormalKeymap,
    /// Vim operator-pending mode.
    #[serde(default)]
    pub vim_operator: TuiVimOperatorKeymap,
    /// Vim text objects.
    #[serde(default)]
    pub vim_text_object: TuiVimTextObjectKeymap,
    /// Pager overlays.
    #[serde(default)]
    pub pager: TuiPagerKeymap,
    /// Selection lists.
    #[serde(default)]
    pub list: TuiListKeymap,
    /// Approval prompts.
    #[serde(default)]
    pub approval: TuiApprovalKeymap,
}
