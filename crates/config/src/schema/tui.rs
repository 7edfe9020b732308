//! `[tui]`: terminal UI settings.
//!
//! [`Tui`] flattens the notification settings into itself, so serde buffers
//! the whole table: unknown keys under `[tui]` are dropped silently, exactly
//! as in the reference (strict mode does not see them either).

use std::collections::BTreeMap;

use recodex_protocol::AltScreenMode;
use serde::Deserialize;
use serde::Serialize;

use super::TuiKeymap;

/// `[tui]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tui {
    /// Desktop notification settings (keys live directly under `[tui]`).
    #[serde(default, flatten)]
    pub notification_settings: TuiNotificationSettings,
    /// Animations such as shimmer and spinners (default `true`).
    #[serde(default = "default_true")]
    pub animations: bool,
    /// Startup tooltips (default `true`).
    #[serde(default = "default_true")]
    pub show_tooltips: bool,
    /// Start the composer in Vim normal mode.
    #[serde(default)]
    pub vim_mode_default: bool,
    /// Start in copy-friendly raw scrollback mode.
    #[serde(default)]
    pub raw_output_mode: bool,
    /// Alternate screen usage.
    #[serde(default)]
    pub alternate_screen: AltScreenMode,
    /// Status line item ids, in order.
    #[serde(default)]
    pub status_line: Option<Vec<String>>,
    /// Color status line items from the syntax theme (default `true`).
    #[serde(default = "default_true")]
    pub status_line_use_colors: bool,
    /// Terminal title item ids, in order.
    #[serde(default)]
    pub terminal_title: Option<Vec<String>>,
    /// Syntax highlighting theme name.
    #[serde(default)]
    pub theme: Option<String>,
    /// Pet id preselected in the pet picker.
    #[serde(default)]
    pub pet: Option<String>,
    /// Where the pet is anchored.
    #[serde(default)]
    pub pet_anchor: TuiPetAnchor,
    /// Layout of the resume/fork session picker.
    #[serde(default)]
    pub session_picker_view: Option<SessionPickerViewMode>,
    /// Keybinding overrides.
    #[serde(default)]
    pub keymap: TuiKeymap,
    /// How often each model's availability notice was shown.
    #[serde(default)]
    pub model_availability_nux: ModelAvailabilityNuxConfig,
    /// Cap on rows replayed when the terminal is resized; `0` keeps all.
    #[serde(default)]
    pub terminal_resize_reflow_max_rows: Option<usize>,
}

impl Default for Tui {
    fn default() -> Self {
        Self {
            notification_settings: TuiNotificationSettings::default(),
            animations: true,
            show_tooltips: true,
            vim_mode_default: false,
            raw_output_mode: false,
            alternate_screen: AltScreenMode::default(),
            status_line: None,
            status_line_use_colors: true,
            terminal_title: None,
            theme: None,
            pet: None,
            pet_anchor: TuiPetAnchor::default(),
            session_picker_view: None,
            keymap: TuiKeymap::default(),
            model_availability_nux: ModelAvailabilityNuxConfig::default(),
            terminal_resize_reflow_max_rows: None,
        }
    }
}

fn default_true() -> bool {
    true
}

/// Notification keys of `[tui]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TuiNotificationSettings {
    /// On/off, or the list of event kinds to notify about (default on).
    #[serde(default)]
    pub notifications: Notifications,
    /// How to notify (default `auto`).
    #[serde(default, rename = "notification_method")]
    pub method: NotificationMethod,
    /// When to notify (default `unfocused`).
    #[serde(default, rename = "notification_condition")]
    pub condition: NotificationCondition,
}

/// `tui.notifications`: a switch or a list of event kinds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Notifications {
    /// All or nothing.
    Enabled(bool),
    /// Only these event kinds.
    Custom(Vec<String>),
}

impl Default for Notifications {
    fn default() -> Self {
        Self::Enabled(true)
    }
}

/// Terminal notification mechanism.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NotificationMethod {
    /// Pick per terminal.
    #[default]
    Auto,
    /// OSC 9 escape sequence.
    Osc9,
    /// Terminal bell.
    Bel,
}

/// When notifications are delivered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NotificationCondition {
    /// Only while the terminal is not focused.
    #[default]
    Unfocused,
    /// Regardless of focus.
    Always,
}

/// Vertical anchor of the terminal pet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TuiPetAnchor {
    /// Bottom of the composer viewport.
    #[default]
    Composer,
    /// Bottom of the terminal screen.
    ScreenBottom,
}

/// Layout of the resume/fork session picker.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SessionPickerViewMode {
    /// Roomy rows.
    Comfortable,
    /// Compact rows.
    #[default]
    Dense,
}

/// `tui.model_availability_nux`: model slug to times shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelAvailabilityNuxConfig {
    /// Counts by model slug.
    #[serde(default, flatten)]
    pub shown_count: BTreeMap<String, u32>,
}
