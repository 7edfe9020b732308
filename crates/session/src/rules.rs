//! The exec policy of a session: the `.rules` files of the configuration layers.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use recodex_config::{Config, LayerSource};

/// The `rules/*.rules` files (in name order) of each configuration layer that has a
/// folder, lowest precedence first: the system folder (`/etc/codex`), CODEX_HOME, then each
/// trusted project's `.codex` from the project root down to the working directory.
/// `ignore_rules` (`--ignore-rules`) leaves out CODEX_HOME's and the projects'. A file that
/// does not load is an error, as in the reference.
pub fn load_rules(
    config: &Config,
    ignore_rules: bool,
) -> Result<Option<Arc<recodex_execpolicy::Policy>>, recodex_execpolicy::LoadError> {
    let mut files: Vec<PathBuf> = Vec::new();
    for layer in &config.stack.layers {
        let folder = match layer.source {
            LayerSource::System | LayerSource::Project => {
                layer.path.as_deref().and_then(Path::parent)
            }
            LayerSource::User => Some(config.codex_home.as_path()),
            _ => None,
        };
        let user_or_project = matches!(layer.source, LayerSource::User | LayerSource::Project);
        let Some(folder) = folder.filter(|_| !(ignore_rules && user_or_project)) else {
            continue;
        };
        let Ok(entries) = std::fs::read_dir(folder.join("rules")) else {
            continue;
        };
        let mut layer_files: Vec<PathBuf> = entries
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "rules") && path.is_file())
            .collect();
        layer_files.sort();
        files.extend(layer_files);
    }
    if files.is_empty() {
        return Ok(None);
    }
    recodex_execpolicy::Policy::load(&files, None).map(|policy| Some(Arc::new(policy)))
}
