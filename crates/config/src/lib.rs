//! Configuration: where Codex keeps its files, `config.toml` and its layers, command-line
//! overrides, profiles, project trust, feature flags and format-preserving edits.
//!
//! The shape follows two stages: [`LayerStack`] is what was read (every layer, merged as
//! TOML), and [`Config`] is the checked, resolved value handed down to the rest of the
//! program, immutable once built. This crate never reads the process environment or
//! argv; the binary passes those in.

mod diagnostics;
mod edit;
mod error;
mod features;
mod home;
mod loader;
mod locate;
mod merge;
mod overrides;
mod permission_profiles;
mod resolved;
pub mod schema;
mod trust;

pub use diagnostics::TomlDiagnostic;
pub use edit::{ConfigEdit, apply_edits, set_feature_enabled};
pub use error::{ConfigError, InvalidValue, PermissionProfileError};
pub use features::{
    FEATURES, FeatureSpec, Features, Stage, feature_spec, is_known_feature_key, resolve_feature_key,
};
pub use home::{CONFIG_TOML_FILE, find_codex_home, profile_config_path};
pub use loader::{Layer, LayerSource, LayerStack, LoadOptions};
pub use merge::merge_toml_values;
pub use overrides::{CliOverrides, parse_override};
pub use permission_profiles::{ResolvedProfile, resolve_named_profile};
pub use resolved::{BUILT_IN_PROVIDER_IDS, Config};
pub use trust::{TrustLevel, is_marker as is_project_marker};
