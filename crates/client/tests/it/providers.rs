//! Provider resolution, bearer-token precedence and provider headers on
//! the wire, as observed from the reference.

use std::collections::BTreeMap;

use pretty_assertions::assert_eq;
use recodex_client::{
    AuthDotJson, ClientError, EnvMap, LoginAuth, ModelClient, Provider, bearer_token,
    resolve_provider,
};
use recodex_config::schema::ModelProviderInfo;
use recodex_testkit::{MockReply, sse};

use crate::support::{request, server, turn};

fn env(pairs: &[(&str, &str)]) -> EnvMap {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn builtin(id: &str, openai_base_url: Option<&str>, env: &EnvMap) -> Provider {
    match resolve_provider(
        id,
        &BTreeMap::new(),
        openai_base_url.map(str::to_owned),
        env,
    ) {
        Some(provider) => provider,
        None => panic!("no provider {id}"),
    }
}

#[test]
fn built_in_providers() {
    let e = env(&[("OPENAI_ORGANIZATION", "org-1"), ("OPENAI_PROJECT", "")]);
    let openai = builtin("openai", None, &e);
    assert_eq!(
        openai.url_for_path("responses"),
        "https://api.openai.com/v1/responses"
    );
    assert_eq!(
        openai.headers,
        vec![
            ("version".to_owned(), "0.136.0".to_owned()),
            ("OpenAI-Organization".to_owned(), "org-1".to_owned()),
        ]
    );
    assert!(openai.requires_openai_auth && openai.supports_websockets);
    assert_eq!(
        (openai.request_max_retries, openai.stream_max_retries),
        (4, 5)
    );
    assert_eq!(openai.stream_idle_timeout.as_millis(), 300_000);
    let custom_base = builtin("openai", Some("http://127.0.0.1:1/v1/"), &e);
    assert_eq!(custom_base.base_url, "http://127.0.0.1:1/v1");

    assert_eq!(
        builtin("ollama", None, &EnvMap::new()).base_url,
        "http://localhost:11434/v1"
    );
    assert_eq!(
        builtin("lmstudio", None, &env(&[("CODEX_OSS_PORT", "9999")])).base_url,
        "http://localhost:9999/v1"
    );
    assert_eq!(
        builtin(
            "ollama",
            None,
            &env(&[
                ("CODEX_OSS_BASE_URL", "http://box:1/v1"),
                ("CODEX_OSS_PORT", "2")
            ])
        )
        .base_url,
        "http://box:1/v1"
    );
    assert!(resolve_provider("nope", &BTreeMap::new(), None, &EnvMap::new()).is_none());
}

#[test]
fn retry_settings_are_capped() {
    let info = ModelProviderInfo {
        name: "x".into(),
        request_max_retries: Some(1000),
        stream_max_retries: Some(0),
        stream_idle_timeout_ms: Some(50),
        ..ModelProviderInfo::default()
    };
    let provider = Provider::from_info("x", &info, &EnvMap::new());
    assert_eq!(
        (provider.request_max_retries, provider.stream_max_retries),
        (100, 0)
    );
    assert_eq!(provider.stream_idle_timeout.as_millis(), 50);
}

#[test]
fn bearer_token_precedence() {
    let auth_json = AuthDotJson {
        auth_mode: Some(recodex_client::AuthMode::ApiKey),
        openai_api_key: Some("sk-from-auth".into()),
    };
    let e = env(&[("MOCK_KEY", "sk-test"), ("CODEX_API_KEY", "sk-codex")]);
    let login_exec = LoginAuth::from_sources(&e, Some(&auth_json), true);
    let login_other = LoginAuth::from_sources(&e, Some(&auth_json), false);
    let token = |info: ModelProviderInfo, login: &LoginAuth| {
        let provider = Provider::from_info("p", &info, &e);
        bearer_token(&provider, login, &e).map_err(|err| err.to_string())
    };
    let base = ModelProviderInfo {
        name: "p".into(),
        ..ModelProviderInfo::default()
    };
    let with_env_key = ModelProviderInfo {
        env_key: Some("MOCK_KEY".into()),
        experimental_bearer_token: Some("tok".into()),
        ..base.clone()
    };
    let with_bearer = ModelProviderInfo {
        experimental_bearer_token: Some("tok".into()),
        ..base.clone()
    };
    assert_eq!(token(with_env_key, &login_exec), Ok(Some("sk-test".into())));
    assert_eq!(token(with_bearer, &login_exec), Ok(Some("tok".into())));
    assert_eq!(
        token(base.clone(), &login_exec),
        Ok(Some("sk-codex".into()))
    );
    assert_eq!(
        token(base.clone(), &login_other),
        Ok(Some("sk-from-auth".into()))
    );
    assert_eq!(token(base, &LoginAuth::default()), Ok(None));
}

#[test]
fn auth_json_is_read_from_codex_home() {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(err) => panic!("tempdir: {err}"),
    };
    assert!(matches!(AuthDotJson::load(dir.path()), Ok(None)));
    let text = "{\n  \"auth_mode\": \"apikey\",\n  \"OPENAI_API_KEY\": \"sk-x\"\n}";
    if let Err(err) = std::fs::write(dir.path().join("auth.json"), text) {
        panic!("write: {err}");
    }
    let loaded = AuthDotJson::load(dir.path()).ok().flatten();
    assert_eq!(
        loaded.and_then(|a| a.openai_api_key),
        Some("sk-x".to_owned())
    );
    if let Err(err) = std::fs::write(dir.path().join("auth.json"), "{") {
        panic!("write: {err}");
    }
    assert!(AuthDotJson::load(dir.path()).is_err());
}

#[tokio::test]
async fn custom_headers_and_query_params_on_the_wire() {
    let server = server(vec![MockReply::sse(vec![sse::completed(
        "r",
        sse::default_usage(),
    )])])
    .await;
    let info = ModelProviderInfo {
        name: "mock".into(),
        base_url: Some(server.base_url()),
        http_headers: Some(BTreeMap::from([
            ("X-Static".into(), "s1".into()),
            ("x-other".into(), "o".into()),
        ])),
        env_http_headers: Some(BTreeMap::from([
            ("X-From-Env".into(), "HDR_VAL".into()),
            ("X-Empty".into(), "EMPTY_VAL".into()),
            ("X-Unset".into(), "UNSET_VAL".into()),
        ])),
        query_params: Some(BTreeMap::from([
            ("api-version".into(), "2025-01-01".into()),
            ("b".into(), "x y".into()),
        ])),
        ..ModelProviderInfo::default()
    };
    let e = env(&[("HDR_VAL", "hv"), ("EMPTY_VAL", "")]);
    let provider = Provider::from_info("mock", &info, &e);
    let client = match ModelClient::new(provider, &LoginAuth::default(), &e) {
        Ok(client) => client,
        Err(err) => panic!("{err}"),
    };
    let stream = client.stream(&request(), &turn()).await;
    assert!(stream.is_ok());
    let recorded = server.requests();
    assert_eq!(
        recorded[0].path,
        "/v1/responses?api-version=2025-01-01&b=x%20y"
    );
    let names: Vec<&str> = recorded[0]
        .headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(names[..3], ["x-static", "x-other", "x-from-env"]);
    assert_eq!(recorded[0].header("authorization"), None);
}

#[tokio::test]
async fn an_unreachable_error_mentions_the_unencoded_url() {
    let server = server(vec![MockReply::http(
        404,
        r#"{"error":{"message":"nope"}}"#,
    )])
    .await;
    let info = ModelProviderInfo {
        name: "mock".into(),
        base_url: Some(server.base_url()),
        query_params: Some(BTreeMap::from([("b".into(), "x y".into())])),
        ..ModelProviderInfo::default()
    };
    let provider = Provider::from_info("mock", &info, &EnvMap::new());
    let client = match ModelClient::new(provider, &LoginAuth::default(), &EnvMap::new()) {
        Ok(client) => client,
        Err(err) => panic!("{err}"),
    };
    let error = client.stream(&request(), &turn()).await.err();
    assert!(matches!(error, Some(ClientError::UnexpectedStatus(_))));
    assert_eq!(
        error.map(|e| e.to_string()).unwrap_or_default(),
        format!(
            "unexpected status 404 Not Found: nope, url: {}/responses?b=x y",
            server.base_url()
        )
    );
}

/// An `https` provider is spoken to in TLS (with the roots read once per process and HTTP/2
/// offered): what reaches a listener is a TLS ClientHello naming `h2`, never plain HTTP.
#[tokio::test]
async fn an_https_provider_is_spoken_to_in_tls() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accept = tokio::spawn(async move {
        use tokio::io::AsyncReadExt;
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut hello = vec![0u8; 4096];
        let n = socket.read(&mut hello).await.unwrap();
        hello.truncate(n);
        hello
    });
    let info = ModelProviderInfo {
        name: "tls".into(),
        base_url: Some(format!("https://localhost:{port}/v1")),
        request_max_retries: Some(0),
        ..ModelProviderInfo::default()
    };
    let provider = Provider::from_info("tls", &info, &EnvMap::new());
    for _ in 0..2 {
        // A second client reuses the process's TLS configuration.
        assert!(ModelClient::new(provider.clone(), &LoginAuth::default(), &EnvMap::new()).is_ok());
    }
    let client = ModelClient::new(provider, &LoginAuth::default(), &EnvMap::new()).unwrap();
    let attempt = tokio::spawn(async move { client.stream(&request(), &turn()).await.is_ok() });
    let hello = accept.await.unwrap();
    // A TLS handshake record (0x16), protocol 3.x, carrying the ALPN name h2.
    assert_eq!(hello[0], 0x16, "{hello:?}");
    assert_eq!(hello[1], 0x03);
    assert!(hello.windows(3).any(|w| w == [2, b'h', b'2']), "{hello:?}");
    assert!(
        !attempt.await.unwrap(),
        "the handshake cannot succeed against this listener"
    );
}
