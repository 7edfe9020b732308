//! Serde spellings of the shared settings types.

use super::*;
use pretty_assertions::assert_eq;

fn parse<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
    serde_json::from_str(json).map_err(|err| err.to_string())
}

#[test]
fn spellings_and_aliases() {
    assert_eq!(parse(r#""xhigh""#), Ok(ReasoningEffort::XHigh));
    assert_eq!(
        parse(r#""guardian_subagent""#),
        Ok(ApprovalsReviewer::AutoReview)
    );
    assert_eq!(parse(r#""untrusted""#), Ok(AskForApproval::UnlessTrusted));
    assert_eq!(
        SandboxMode::DangerFullAccess.to_string(),
        "danger-full-access"
    );
    assert_eq!(
        parse::<ApprovalsReviewer>(r#""x""#),
        Err("unknown variant `x`, expected one of `user`, `auto_review`, `guardian_subagent` at line 1 column 3".to_string())
    );
}

#[test]
fn granular_approval_is_a_table() {
    let parsed = parse::<AskForApproval>(
        r#"{"granular":{"sandbox_approval":true,"rules":false,"mcp_elicitations":true}}"#,
    );
    assert_eq!(
        parsed,
        Ok(AskForApproval::Granular(GranularApprovalConfig {
            sandbox_approval: true,
            rules: false,
            skill_approval: false,
            request_permissions: false,
            mcp_elicitations: true,
        }))
    );
}

#[test]
fn chat_wire_api_is_rejected_with_a_fix() {
    let err = parse::<WireApi>(r#""chat""#).err().unwrap_or_default();
    assert!(err.starts_with(CHAT_WIRE_API_REMOVED_ERROR), "{err}");
    assert_eq!(parse(r#""responses""#), Ok(WireApi::Responses));
}

#[test]
fn provider_auth_defaults() {
    let auth: Result<ModelProviderAuthInfo, _> = parse(r#"{"command":"tok"}"#);
    let auth = auth.unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(auth.timeout_ms.get(), DEFAULT_PROVIDER_AUTH_TIMEOUT_MS);
    assert_eq!(
        auth.refresh_interval_ms,
        DEFAULT_PROVIDER_AUTH_REFRESH_INTERVAL_MS
    );
    assert_eq!(auth.cwd, None);
}
