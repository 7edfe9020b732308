//! What a session records about the machine it runs on: the operating system, architecture
//! and terminal of the `user-agent`, and the local time zone.

use recodex_client::{EnvMap, Product, UserAgentInfo};

/// The `user-agent` facts for `originator`, read from `/etc/os-release` and `env`'s `TERM`.
pub fn user_agent_info(originator: &str, product: Product, env: &EnvMap) -> UserAgentInfo {
    let os_release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let field = |key: &str| {
        os_release
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .map(|v| v.trim_matches('"').to_owned())
    };
    let mut name = field("ID").unwrap_or_else(|| "linux".to_owned());
    if let Some(first) = name.get(..1) {
        name = format!("{}{}", first.to_uppercase(), &name[1..]);
    }
    UserAgentInfo {
        originator: originator.to_owned(),
        os_name: name,
        os_version: semantic_version(&field("VERSION_ID").unwrap_or_default()),
        arch: std::env::consts::ARCH.to_owned(),
        terminal: env
            .get("TERM")
            .cloned()
            .unwrap_or_else(|| "unknown".to_owned()),
        product,
    }
}

/// An os-release version as the reference's user agent shows it: numeric versions
/// as three parts (`12` is `12.0.0`, `22.04` is `22.4.0`); anything else unchanged.
fn semantic_version(raw: &str) -> String {
    let parts: Option<Vec<u64>> = raw.split('.').map(|p| p.parse().ok()).collect();
    match parts {
        Some(mut parts) if !raw.is_empty() && parts.len() <= 3 => {
            parts.resize(3, 0);
            format!("{}.{}.{}", parts[0], parts[1], parts[2])
        }
        _ => raw.to_owned(),
    }
}

/// IANA name of the local time zone: `TZ`, else `/etc/timezone`, else the target of
/// `/etc/localtime`; plain `UTC` is reported as `Etc/UTC`, as the reference does.
pub fn timezone(tz: Option<&str>) -> String {
    let name = tz
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .or_else(|| {
            std::fs::read_to_string("/etc/timezone")
                .ok()
                .map(|s| s.trim().to_owned())
        })
        .or_else(|| {
            std::fs::read_link("/etc/localtime").ok().and_then(|p| {
                let text = p.to_string_lossy().into_owned();
                text.split_once("zoneinfo/")
                    .map(|(_, name)| name.to_owned())
            })
        })
        .unwrap_or_else(|| "Etc/UTC".to_owned());
    match name.trim_start_matches(':') {
        "UTC" | "" => "Etc/UTC".to_owned(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_versions_read_as_three_numbers_when_numeric() {
        assert_eq!(semantic_version("12"), "12.0.0");
        assert_eq!(semantic_version("22.04"), "22.4.0");
        assert_eq!(semantic_version("1.2.3"), "1.2.3");
        assert_eq!(semantic_version("rolling"), "rolling");
        assert_eq!(semantic_version(""), "");
    }

    #[test]
    fn utc_is_named_as_the_reference_names_it() {
        assert_eq!(timezone(Some("UTC")), "Etc/UTC");
        assert_eq!(timezone(Some(":UTC")), "Etc/UTC");
        assert_eq!(timezone(Some("Europe/Paris")), "Europe/Paris");
    }
}
