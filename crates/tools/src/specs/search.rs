//! `tool_search` (client-side search over deferred tools) and the hosted `web_search`.

use recodex_protocol::WebSearchContextSize;
use recodex_protocol::WebSearchMode;
use recodex_protocol::WebSearchToolConfig;

use crate::config::WebSearchToolType;
use crate::schema::JsonSchema;
use crate::schema::ObjectSchema;
use crate::spec::ToolSearchTool;
use crate::spec::ToolSpec;
use crate::spec::WebSearchFilters;
use crate::spec::WebSearchTool;
use crate::spec::WebSearchUserLocation;

/// Results `tool_search` returns when the model gives no `limit`.
pub const TOOL_SEARCH_DEFAULT_LIMIT: usize = 8;

/// A family of deferred tools named in the `tool_search` description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeferredSource {
    /// Display name, e.g. `Multi-agent tools`.
    pub name: String,
    /// What the tools do.
    pub description: String,
}

/// `tool_search` over the given deferred sources.
pub(crate) fn tool_search(sources: &[DeferredSource]) -> ToolSpec {
    let mut description = String::from(
        "Finds tools that are available but not listed up front and makes the matches callable in the next step.\n\nDeferred tool sources:",
    );
    for source in sources {
        description.push_str(&format!("\n- {}: {}", source.name, source.description));
    }
    ToolSpec::ToolSearch(ToolSearchTool {
        execution: "client".to_owned(),
        description,
        parameters: ObjectSchema::closed(
            vec![
                (
                    "query",
                    JsonSchema::string("Words describing the tool wanted."),
                ),
                (
                    "limit",
                    JsonSchema::number(&format!(
                        "How many tools to return at most (default {TOOL_SEARCH_DEFAULT_LIMIT})."
                    )),
                ),
            ],
            &["query"],
        ),
    })
}

/// The `web_search` declaration, or `None` when web search is disabled.
pub(crate) fn web_search(
    mode: WebSearchMode,
    config: Option<&WebSearchToolConfig>,
    tool_type: WebSearchToolType,
) -> Option<ToolSpec> {
    let external_web_access = match mode {
        WebSearchMode::Disabled => return None,
        WebSearchMode::Cached => false,
        WebSearchMode::Live => true,
    };
    let filters = config
        .and_then(|c| c.allowed_domains.clone())
        .filter(|domains| !domains.is_empty())
        .map(|allowed_domains| WebSearchFilters { allowed_domains });
    let user_location = config
        .and_then(|c| c.location.as_ref())
        .map(|l| WebSearchUserLocation {
            kind: "approximate".to_owned(),
            country: l.country.clone(),
            region: l.region.clone(),
            city: l.city.clone(),
            timezone: l.timezone.clone(),
        });
    let search_context_size = config.and_then(|c| c.context_size).map(|size| {
        match size {
            WebSearchContextSize::Low => "low",
            WebSearchContextSize::Medium => "medium",
            WebSearchContextSize::High => "high",
        }
        .to_owned()
    });
    let search_content_types = match tool_type {
        WebSearchToolType::Text => None,
        WebSearchToolType::TextAndImage => Some(vec!["text".to_owned(), "image".to_owned()]),
    };
    Some(ToolSpec::WebSearch(WebSearchTool {
        external_web_access,
        filters,
        user_location,
        search_context_size,
        search_content_types,
    }))
}
