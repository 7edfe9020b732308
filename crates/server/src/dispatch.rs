//! One client connection: the handshake state, request routing, and the reference's
//! error texts for requests that cannot be served.

use std::collections::BTreeSet;
use std::io::Write;

use recodex_app_protocol::generated::root::{
    InitializeParams, InitializeResponse, ServerNotification,
};
use recodex_app_protocol::generated::v2::{
    ConfigRequirementsReadResponse, McpServerRefreshResponse, RemoteControlConnectionStatus,
    RemoteControlDisableResponse, RemoteControlStatusChangedNotification,
    RemoteControlStatusReadResponse, ThreadStatus, ThreadStatusChangedNotification,
    WindowsSandboxReadiness, WindowsSandboxReadinessResponse,
};
use recodex_app_protocol::jsonrpc::{
    ClientMessage, INVALID_REQUEST, METHOD_NOT_FOUND, Request, RequestId,
};
use recodex_app_protocol::methods::{is_client_request, unknown_method_message};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::ServerContext;
use crate::wire::{error_line, notification_line, response_line};

/// A failed request: a JSON-RPC error code, message and optional data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RpcError {
    pub(crate) code: i64,
    pub(crate) message: String,
    pub(crate) data: Option<Value>,
}

impl RpcError {
    /// A `-32600` error, the code the reference answers nearly every failure with.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self {
            code: INVALID_REQUEST,
            message: message.into(),
            data: None,
        }
    }
}

/// What a handled request sends: notifications before the answer, the answer's result,
/// notifications after it.
#[derive(Debug, Default)]
pub(crate) struct Reply {
    pub(crate) before: Vec<ServerNotification>,
    pub(crate) result: Value,
    pub(crate) after: Vec<ServerNotification>,
}

impl Reply {
    /// A result (one of the generated `*Response` types) with no notifications.
    pub(crate) fn result(value: impl Serialize) -> Self {
        Self {
            result: serde_json::to_value(value).unwrap_or(Value::Null),
            ..Self::default()
        }
    }

    /// Adds a notification sent after the answer.
    pub(crate) fn then(mut self, notification: ServerNotification) -> Self {
        self.after.push(notification);
        self
    }
}

/// Parses a method's params as the reference does: a missing or null `params` member is
/// an error even when every field is optional, and serde's own words explain the rest.
pub(crate) fn params<T: DeserializeOwned>(params: Option<Value>) -> Result<T, RpcError> {
    match params {
        None | Some(Value::Null) => {
            Err(RpcError::invalid("Invalid request: missing field `params`"))
        }
        Some(value) => serde_json::from_value(value)
            .map_err(|e| RpcError::invalid(format!("Invalid request: {e}"))),
    }
}

/// The state of one connection.
pub struct Processor {
    pub(crate) context: ServerContext,
    initialized: bool,
    /// The client's name (`originator` of the threads it creates).
    pub(crate) client_name: String,
    /// `clientInfo.version` of the initialize request.
    pub(crate) client_version: String,
    /// The client opted into experimental methods (`capabilities.experimentalApi`).
    pub(crate) experimental_api: bool,
    /// Threads loaded in this server (started, resumed or forked here).
    pub(crate) loaded: BTreeSet<String>,
    /// Sessions of loaded threads, shared with their running turns.
    pub(crate) live: crate::live::LiveThreads,
    /// Opens engine sessions (absent: the methods that run turns are not served).
    pub(crate) factory: Option<std::rc::Rc<dyn recodex_session::SessionFactory>>,
    /// Where running turns send their messages.
    pub(crate) outbox: Option<crate::outbox::Outbox>,
    /// Approval requests waiting for the client's answer.
    pub(crate) approvals: crate::approvals::SharedApprovals,
}

impl std::fmt::Debug for Processor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Processor")
            .field("initialized", &self.initialized)
            .field("client_name", &self.client_name)
            .field("loaded", &self.loaded)
            .field("runs_turns", &self.factory.is_some())
            .finish_non_exhaustive()
    }
}

impl Processor {
    /// A connection that has not been initialized yet.
    pub fn new(context: ServerContext) -> Self {
        Self {
            context,
            initialized: false,
            client_name: String::new(),
            client_version: String::new(),
            experimental_api: false,
            loaded: BTreeSet::new(),
            live: crate::live::LiveThreads::default(),
            factory: None,
            outbox: None,
            approvals: crate::approvals::SharedApprovals::default(),
        }
    }

    /// A connection that also runs turns: sessions come from `factory`, and turns report
    /// through `outbox`. Must be driven inside a `tokio::task::LocalSet`.
    pub fn with_engine(
        context: ServerContext,
        factory: std::rc::Rc<dyn recodex_session::SessionFactory>,
        outbox: crate::outbox::Outbox,
    ) -> Self {
        Self {
            factory: Some(factory),
            outbox: Some(outbox),
            ..Self::new(context)
        }
    }

    /// Handles one input line and returns the lines to send, in order.
    pub fn handle_line(&mut self, line: &str, log: &mut dyn Write) -> Vec<String> {
        match ClientMessage::parse(line) {
            Ok(ClientMessage::Request(request)) => self.request(request),
            // `initialized` needs no answer; other notifications are ignored.
            Ok(ClientMessage::Notification(_)) => Vec::new(),
            // An answer to an approval request resolves it; answers to requests this
            // server never sent are ignored, as in the reference.
            Ok(ClientMessage::Response(response)) => {
                self.resolved(&response.id, Some(&response.result))
            }
            Ok(ClientMessage::Error(error)) => {
                let _ = writeln!(
                    log,
                    "ERROR recodex_server: <- error: code {} message {:?} id {:?}",
                    error.error.code, error.error.message, error.id
                );
                self.resolved(&error.id, None)
            }
            Err(problem) => {
                let _ = writeln!(
                    log,
                    "ERROR recodex_server: Failed to deserialize JSONRPCMessage: {problem}"
                );
                Vec::new()
            }
        }
    }

    /// The lines announcing that server request `id` was answered, if it was waiting.
    fn resolved(&mut self, id: &RequestId, result: Option<&Value>) -> Vec<String> {
        let RequestId::Integer(id) = id else {
            return Vec::new();
        };
        let Some(resolved) =
            crate::approvals::resolve(&self.approvals, &self.context.codex_home, *id, result)
        else {
            return Vec::new();
        };
        let waiting_no_more = ThreadStatusChangedNotification {
            thread_id: resolved.thread_id.clone(),
            status: ThreadStatus::Active {
                active_flags: Vec::new(),
            },
        };
        vec![
            notification_line(&ServerNotification::ServerRequestResolved(resolved)),
            notification_line(&ServerNotification::ThreadStatusChanged(waiting_no_more)),
        ]
    }

    fn request(&mut self, request: Request) -> Vec<String> {
        let Request { id, method, params } = request;
        if !is_client_request(&method) {
            return vec![error_line(
                id,
                RpcError::invalid(unknown_method_message(&method)),
            )];
        }
        if method == "initialize" {
            return self.initialize(id, params);
        }
        // Methods without params take them absent, null or `{}` alike.
        let params = match params {
            None | Some(Value::Null) if NO_PARAMS_METHODS.contains(&method.as_str()) => {
                Some(Value::Object(serde_json::Map::new()))
            }
            other => other,
        };
        let outcome = match params {
            None | Some(Value::Null) => {
                Err(RpcError::invalid("Invalid request: missing field `params`"))
            }
            Some(_) if !self.initialized => Err(RpcError::invalid("Not initialized")),
            Some(_) if method == "turn/start" && self.factory.is_some() => {
                // Answered by the turn itself once it has an id.
                match crate::dispatch::params(params.clone())
                    .and_then(|p| crate::live::turn_start(self, id.clone(), p))
                {
                    Ok(()) => return Vec::new(),
                    Err(error) => Err(error),
                }
            }
            Some(_) => self.route(&method, params),
        };
        match outcome {
            Ok(reply) => {
                let mut lines: Vec<String> = reply.before.iter().map(notification_line).collect();
                lines.push(response_line(&id, &reply.result));
                lines.extend(reply.after.iter().map(notification_line));
                lines
            }
            Err(error) => vec![error_line(id, error)],
        }
    }

    fn route(&mut self, method: &str, raw: Option<Value>) -> Result<Reply, RpcError> {
        if EXPERIMENTAL_METHODS.contains(&method) && !self.experimental_api {
            return Err(RpcError::invalid(format!(
                "{method} requires experimentalApi capability"
            )));
        }
        match method {
            // Nothing here is configured from outside: no requirements, no Windows sandbox,
            // no MCP servers to reload (their issue builds them).
            "configRequirements/read" => Ok(Reply::result(ConfigRequirementsReadResponse {
                requirements: None,
            })),
            "windowsSandbox/readiness" => Ok(Reply::result(WindowsSandboxReadinessResponse {
                status: WindowsSandboxReadiness::NotConfigured,
            })),
            "config/mcpServer/reload" => Ok(Reply::result(McpServerRefreshResponse {})),
            "remoteControl/status/read" => {
                let status = self.remote_control_status();
                Ok(Reply::result(RemoteControlStatusReadResponse {
                    status: status.status,
                    server_name: status.server_name,
                    installation_id: status.installation_id,
                    environment_id: status.environment_id,
                }))
            }
            "remoteControl/disable" => {
                let status = self.remote_control_status();
                Ok(Reply::result(RemoteControlDisableResponse {
                    status: status.status,
                    server_name: status.server_name,
                    installation_id: status.installation_id,
                    environment_id: status.environment_id,
                }))
            }
            "account/rateLimits/read" if !self.context.auth.chatgpt => Err(RpcError::invalid(
                "codex account authentication required to read rate limits",
            )),
            "thread/list" => crate::listing::list(self, params(raw)?),
            "thread/read" => crate::threads::read(self, params(raw)?),
            "thread/archive" => crate::threads::archive(self, params(raw)?),
            "thread/unarchive" => crate::threads::unarchive(self, params(raw)?),
            "thread/name/set" => crate::threads::set_name(self, params(raw)?),
            "thread/loaded/list" => crate::threads::loaded_list(self, params(raw)?),
            "thread/resume" => crate::fork::resume(self, params(raw)?),
            "model/list" => crate::models::list(self, params(raw)?),
            "account/read" => crate::account::read(self, params(raw)?),
            "getAuthStatus" => crate::account::auth_status(self, params(raw)?),
            "thread/fork" => crate::fork::fork(self, params(raw)?),
            "thread/start" if self.factory.is_some() => crate::live::start(self, params(raw)?),
            "turn/interrupt" if self.factory.is_some() => {
                crate::live::turn_interrupt(self, params(raw)?)
            }
            "turn/steer" if self.factory.is_some() => crate::live::turn_steer(self, params(raw)?),
            other => Err(RpcError {
                code: METHOD_NOT_FOUND,
                message: format!("`{other}` is not supported yet by recodex"),
                data: None,
            }),
        }
    }

    /// Remote control is never on in recodex: `disabled`, with this host and installation.
    fn remote_control_status(&self) -> RemoteControlStatusChangedNotification {
        RemoteControlStatusChangedNotification {
            status: RemoteControlConnectionStatus::Disabled,
            server_name: self.context.host_name.clone(),
            installation_id: self.context.installation_id.clone(),
            environment_id: None,
        }
    }

    fn initialize(&mut self, id: RequestId, raw: Option<Value>) -> Vec<String> {
        let parsed: InitializeParams = match params(raw) {
            Ok(parsed) => parsed,
            Err(error) => return vec![error_line(id, error)],
        };
        if self.initialized {
            return vec![error_line(id, RpcError::invalid("Already initialized"))];
        }
        self.initialized = true;
        self.client_name.clone_from(&parsed.client_info.name);
        self.client_version.clone_from(&parsed.client_info.version);
        self.experimental_api = parsed
            .capabilities
            .as_ref()
            .is_some_and(|c| c.experimental_api);
        let client = &parsed.client_info;
        let context = &self.context;
        let response = InitializeResponse {
            user_agent: format!(
                "{}/{} ({}; {}) {} ({}; {})",
                client.name,
                recodex_state::CLI_VERSION,
                context.os,
                context.arch,
                context.terminal,
                client.name,
                client.version
            ),
            codex_home: context.codex_home.display().to_string(),
            platform_family: "unix".to_owned(),
            platform_os: std::env::consts::OS.to_owned(),
        };
        vec![
            response_line(&id, &response),
            notification_line(&ServerNotification::RemoteControlStatusChanged(
                self.remote_control_status(),
            )),
        ]
    }
}

/// Client methods whose params are nothing: absent, null and `{}` are all accepted (the
/// reference schema's "none: null/omitted").
const NO_PARAMS_METHODS: &[&str] = &[
    "account/logout",
    "account/rateLimits/read",
    "configRequirements/read",
    "memory/reset",
    "remoteControl/status/read",
    "remoteControl/enable",
    "remoteControl/disable",
    "config/mcpServer/reload",
    "windowsSandbox/readiness",
];

/// Client methods that need the experimentalApi capability (the reference schema's
/// experimental-only methods; checked once params are there).
const EXPERIMENTAL_METHODS: &[&str] = &[
    "thread/increment_elicitation",
    "thread/decrement_elicitation",
    "thread/settings/update",
    "thread/memoryMode/set",
    "memory/reset",
    "thread/backgroundTerminals/clean",
    "thread/search",
    "thread/turns/list",
    "thread/turns/items/list",
    "thread/realtime/start",
    "thread/realtime/appendAudio",
    "thread/realtime/appendText",
    "thread/realtime/stop",
    "thread/realtime/listVoices",
    "remoteControl/enable",
    "remoteControl/disable",
    "remoteControl/status/read",
    "collaborationMode/list",
    "mock/experimentalMethod",
    "environment/add",
    "process/spawn",
    "process/writeStdin",
    "process/kill",
    "process/resizePty",
    "fuzzyFileSearch/sessionStart",
    "fuzzyFileSearch/sessionUpdate",
    "fuzzyFileSearch/sessionStop",
];

/// The answer to a request that arrives while the incoming queue is full:
/// `-32001 Server overloaded; retry later.`, as the reference's transport answers it.
/// `None` for a line that is not a request (notifications and responses wait for room).
pub(crate) fn overloaded_reply(line: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Probe {
        id: Option<RequestId>,
        method: Option<String>,
    }
    let probe: Probe = serde_json::from_str(line).ok()?;
    let id = probe.id.filter(|_| probe.method.is_some())?;
    Some(error_line(
        id,
        RpcError {
            code: SERVER_OVERLOADED,
            message: "Server overloaded; retry later.".to_owned(),
            data: None,
        },
    ))
}

/// The JSON-RPC code of [`overloaded_reply`].
const SERVER_OVERLOADED: i64 = -32001;

#[cfg(test)]
mod overload_tests {
    use super::overloaded_reply;

    #[test]
    fn requests_are_answered_overloaded_and_other_lines_wait() {
        assert_eq!(
            overloaded_reply(r#"{"id":7,"method":"thread/list","params":{}}"#).as_deref(),
            Some(r#"{"error":{"code":-32001,"message":"Server overloaded; retry later."},"id":7}"#)
        );
        assert_eq!(
            overloaded_reply(r#"{"id":"a","method":"x"}"#).as_deref(),
            Some(
                r#"{"error":{"code":-32001,"message":"Server overloaded; retry later."},"id":"a"}"#
            )
        );
        // A notification, a response to a server request, garbage: not refused.
        assert_eq!(overloaded_reply(r#"{"method":"initialized"}"#), None);
        assert_eq!(overloaded_reply(r#"{"id":3,"result":{}}"#), None);
        assert_eq!(overloaded_reply("not json"), None);
    }
}
