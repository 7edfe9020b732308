//! `[otel]`, `[analytics]` and `[feedback]`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::Serialize;

use super::ConfigPath;

/// Default of `otel.environment`.
pub const DEFAULT_OTEL_ENVIRONMENT: &str = "dev";

/// `[otel]`: OpenTelemetry export.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtelConfigToml {
    /// Include user prompts in traces.
    pub log_user_prompt: Option<bool>,
    /// Environment tag (default `dev`).
    pub environment: Option<String>,
    /// Log exporter (default `none`).
    pub exporter: Option<OtelExporterKind>,
    /// Trace exporter (default `none`).
    pub trace_exporter: Option<OtelExporterKind>,
    /// Metrics exporter (default `statsig`).
    pub metrics_exporter: Option<OtelExporterKind>,
    /// Attributes added to every span.
    pub span_attributes: Option<BTreeMap<String, String>>,
    /// W3C tracestate members: vendor key to `key:value` fields.
    pub tracestate: Option<BTreeMap<String, BTreeMap<String, String>>>,
}

/// An OpenTelemetry exporter: a bare name or a one-key table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OtelExporterKind {
    /// Export nothing.
    None,
    /// Built-in Statsig metrics.
    Statsig,
    /// OTLP over HTTP.
    OtlpHttp {
        /// Collector URL.
        endpoint: String,
        /// Extra request headers.
        #[serde(default)]
        headers: BTreeMap<String, String>,
        /// Payload encoding.
        protocol: OtelHttpProtocol,
        /// TLS material.
        #[serde(default)]
        tls: Option<OtelTlsConfig>,
    },
    /// OTLP over gRPC.
    OtlpGrpc {
        /// Collector URL.
        endpoint: String,
        /// Extra request headers.
        #[serde(default)]
        headers: BTreeMap<String, String>,
        /// TLS material.
        #[serde(default)]
        tls: Option<OtelTlsConfig>,
    },
}

/// OTLP/HTTP payload encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OtelHttpProtocol {
    /// Protobuf.
    Binary,
    /// JSON.
    Json,
}

/// TLS files for an OTLP exporter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct OtelTlsConfig {
    /// CA bundle.
    pub ca_certificate: Option<ConfigPath>,
    /// Client certificate.
    pub client_certificate: Option<ConfigPath>,
    /// Client private key.
    pub client_private_key: Option<ConfigPath>,
}

/// `[analytics]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyticsConfigToml {
    /// `false` turns analytics off (default on).
    pub enabled: Option<bool>,
}

/// `[feedback]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackConfigToml {
    /// `false` turns the feedback flow off (default on).
    pub enabled: Option<bool>,
}
