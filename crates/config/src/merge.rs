//! Deep merge of TOML layers.

use toml::Value;

/// Merges `overlay` into `base`. When both are tables, each overlay key is merged into
/// the base: a non-empty table merges recursively, anything else (including an empty
/// table, which clears what was there) replaces the base value. A non-table overlay
/// replaces `base` entirely.
pub fn merge_toml_values(base: &mut Value, overlay: &Value) {
    let (Value::Table(base_table), Value::Table(overlay_table)) = (&mut *base, overlay) else {
        *base = overlay.clone();
        return;
    };
    for (key, value) in overlay_table {
        match (base_table.get_mut(key), value) {
            (Some(existing @ Value::Table(_)), Value::Table(child)) if !child.is_empty() => {
                merge_toml_values(existing, value);
            }
            _ => {
                base_table.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Value {
        Value::Table(toml::from_str(s).unwrap())
    }

    #[test]
    fn tables_merge_and_scalars_replace() {
        let mut base = v("a = 1\n[t]\nx = 1\ny = 2\n");
        merge_toml_values(&mut base, &v("a = 2\n[t]\ny = 3\nz = 4\n"));
        assert_eq!(base, v("a = 2\n[t]\nx = 1\ny = 3\nz = 4\n"));
    }

    #[test]
    fn an_empty_layer_changes_nothing() {
        let mut base = v("a = 1\n");
        merge_toml_values(&mut base, &v(""));
        assert_eq!(base, v("a = 1\n"));
    }

    #[test]
    fn empty_overlay_table_clears() {
        let mut base = v("[mcp_servers.docs]\ncommand = \"x\"\n");
        merge_toml_values(&mut base, &v("mcp_servers = {}\n"));
        assert_eq!(base, v("mcp_servers = {}\n"));
    }
}
