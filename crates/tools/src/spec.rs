//! The tool declarations sent in a Responses request's `tools` array.
//!
//! Each variant serializes exactly as the wire expects: `type` first, then
//! the variant's fields in declaration order.

use serde::Serialize;

use crate::schema::ObjectSchema;

/// One entry of the request's `tools` array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type")]
pub enum ToolSpec {
    /// `{"type":"function",...}`: a tool called with JSON arguments.
    #[serde(rename = "function")]
    Function(FunctionTool),
    /// `{"type":"custom",...}`: a tool called with free text matching a grammar.
    #[serde(rename = "custom")]
    Freeform(FreeformTool),
    /// `{"type":"namespace",...}`: a named group of function tools.
    #[serde(rename = "namespace")]
    Namespace(NamespaceTool),
    /// `{"type":"tool_search",...}`: searches deferred tools on the client side.
    #[serde(rename = "tool_search")]
    ToolSearch(ToolSearchTool),
    /// `{"type":"web_search",...}`: the provider-hosted web search.
    #[serde(rename = "web_search")]
    WebSearch(WebSearchTool),
    /// `{"type":"local_shell"}`: the provider's built-in shell tool.
    #[serde(rename = "local_shell")]
    LocalShell {},
}

impl ToolSpec {
    /// The name the model calls the tool by (the wire `type` for hosted tools).
    pub fn name(&self) -> &str {
        match self {
            Self::Function(tool) => &tool.name,
            Self::Freeform(tool) => &tool.name,
            Self::Namespace(tool) => &tool.name,
            Self::ToolSearch(_) => "tool_search",
            Self::WebSearch(_) => "web_search",
            Self::LocalShell {} => "local_shell",
        }
    }
}

/// A JSON-argument tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionTool {
    /// Tool name.
    pub name: String,
    /// Text for the model.
    pub description: String,
    /// Whether the provider enforces the schema strictly (always `false` here).
    pub strict: bool,
    /// Argument schema.
    pub parameters: ObjectSchema,
}

impl FunctionTool {
    /// A non-strict function tool.
    pub fn new(name: &str, description: &str, parameters: ObjectSchema) -> Self {
        Self {
            name: name.to_owned(),
            description: description.to_owned(),
            strict: false,
            parameters,
        }
    }
}

/// A free-text tool whose input must match a grammar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FreeformTool {
    /// Tool name.
    pub name: String,
    /// Text for the model.
    pub description: String,
    /// The grammar.
    pub format: FreeformFormat,
}

/// `format` of a [`FreeformTool`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FreeformFormat {
    /// Always `grammar`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Grammar syntax (`lark`).
    pub syntax: String,
    /// Grammar text.
    pub definition: String,
}

/// A named group of tools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamespaceTool {
    /// Namespace name.
    pub name: String,
    /// Text for the model.
    pub description: String,
    /// Member tools, sorted by name.
    pub tools: Vec<ToolSpec>,
}

/// The client-executed deferred-tool search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToolSearchTool {
    /// Always `client`.
    pub execution: String,
    /// Text for the model.
    pub description: String,
    /// Argument schema.
    pub parameters: ObjectSchema,
}

/// The hosted web search declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebSearchTool {
    /// `true` for live access, `false` for cached results only.
    pub external_web_access: bool,
    /// Domain restrictions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filters: Option<WebSearchFilters>,
    /// Approximate user location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_location: Option<WebSearchUserLocation>,
    /// `low`, `medium` or `high`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_context_size: Option<String>,
    /// `["text","image"]` for models that take image results.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_content_types: Option<Vec<String>>,
}

/// `filters` of a [`WebSearchTool`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebSearchFilters {
    /// Domains results may come from.
    pub allowed_domains: Vec<String>,
}

/// `user_location` of a [`WebSearchTool`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebSearchUserLocation {
    /// Always `approximate`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Two-letter country code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Region or state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// IANA time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}
