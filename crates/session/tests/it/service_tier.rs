//! The service tier a session runs on: the configured one or the client's, as the model's
//! catalog entry offers it (the reference's table in docs/research/app-server-clients.md).

use recodex_session::{
    Engine, EngineOptions, Identity, SandboxRequest, ServiceTierRequest, SessionRequest,
};

use crate::sandbox::{home, load};

const PROVIDER: &str = "model_provider = \"mock\"\n[model_providers.mock]\nname = \"mock\"\nbase_url = \"http://127.0.0.1:9\"\nenv_key = \"MOCK_KEY\"\n";

/// The tier a session on `model` gets, with `config` added to the configuration.
fn tier(config: &str, model: &str, asked: ServiceTierRequest) -> Option<String> {
    let h = home(&format!("{config}\n{PROVIDER}"));
    let engine = Engine::new(
        load(&h.home, &h.work),
        EngineOptions {
            env: [("MOCK_KEY".to_owned(), "k".to_owned())].into(),
            sandbox_exe: None,
            rules: None,
            identity: Identity::Codex,
        },
    )
    .unwrap();
    let session = engine
        .open(&SessionRequest {
            cwd: h.work.clone(),
            model: Some(model.to_owned()),
            provider_id: None,
            originator: "t".to_owned(),
            product: None,
            source: "vscode",
            thread_source: None,
            sandbox: SandboxRequest::ByProjectTrust,
            approval_policy: None,
            approvals: None,
            ephemeral: true,
            output_schema: None,
            resume: None,
            service_tier: asked,
        })
        .unwrap();
    session.settings().service_tier.clone()
}

fn named(tier: &str) -> ServiceTierRequest {
    ServiceTierRequest::Named(tier.to_owned())
}

#[test]
fn a_tier_the_model_offers_is_kept_and_others_are_dropped() {
    use ServiceTierRequest::{Configured, Default};
    let priority = Some("priority".to_owned());
    let default = Some("default".to_owned());
    assert_eq!(tier("", "gpt-5.5", Configured), None);
    assert_eq!(tier("", "gpt-5.5", Default), default);
    assert_eq!(tier("", "gpt-5.5", named("fast")), priority);
    assert_eq!(tier("", "gpt-5.5", named("priority")), priority);
    assert_eq!(tier("", "gpt-5.5", named("flex")), None);
    assert_eq!(tier("", "gpt-5.5", named("bogus")), None);
    assert_eq!(tier("", "gpt-5.4-mini", named("fast")), None);
    let fast = "service_tier = \"fast\"";
    assert_eq!(tier(fast, "gpt-5.5", Configured), priority);
    assert_eq!(tier(fast, "gpt-5.5", Default), default);
    assert_eq!(tier(fast, "gpt-5.5", named("flex")), None);
    assert_eq!(tier(fast, "gpt-5.1-codex", Configured), None);
}
