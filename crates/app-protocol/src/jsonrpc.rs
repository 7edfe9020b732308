//! JSON-RPC framing as the app-server speaks it: JSON-RPC 2.0 messages without the
//! `"jsonrpc"` member, one compact object per line.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A request id: the client's number or string, echoed back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RequestId {
    /// A numeric id.
    Integer(i64),
    /// A string id.
    String(String),
}

/// A message from the client, as read from one line.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientMessage {
    /// A method call expecting a response.
    Request(Request),
    /// A notification (no id, no response).
    Notification(Notification),
    /// A response to a request the server sent (approvals, user input).
    Response(Response),
    /// An error answering a request the server sent.
    Error(ErrorResponse),
}

/// A method call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Echoed in the response.
    pub id: RequestId,
    /// `resource/method`.
    pub method: String,
    /// The method's parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Value>,
}

/// A message without an id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// `resource/event`.
    pub method: String,
    /// The notification's payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Value>,
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The request's id.
    pub id: RequestId,
    /// The method's result.
    pub result: Value,
}

/// A failed answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// The request's id.
    pub id: RequestId,
    /// What went wrong.
    pub error: ErrorObject,
}

/// The `error` member of a failed answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorObject {
    /// A JSON-RPC error code ([`INVALID_REQUEST`], [`INTERNAL_ERROR`], ...).
    pub code: i64,
    /// A human-readable explanation.
    pub message: String,
    /// Structured details, when there are any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

/// JSON-RPC 2.0: the line is not JSON.
pub const PARSE_ERROR: i64 = -32700;
/// JSON-RPC 2.0: the message is not a valid request (also: unknown method, bad params,
/// as the app-server reports them).
pub const INVALID_REQUEST: i64 = -32600;
/// JSON-RPC 2.0: no such method.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// JSON-RPC 2.0: the params do not fit the method.
pub const INVALID_PARAMS: i64 = -32602;
/// JSON-RPC 2.0: the server failed while handling a valid request.
pub const INTERNAL_ERROR: i64 = -32603;

/// Why a line is not a client message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// Not JSON at all.
    NotJson(String),
    /// JSON, but not an object shaped like any JSON-RPC message.
    NotAMessage(String),
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotJson(e) => write!(f, "not JSON: {e}"),
            Self::NotAMessage(e) => write!(f, "not a JSON-RPC message: {e}"),
        }
    }
}

impl ClientMessage {
    /// Reads one line. A `"jsonrpc"` member, when a client sends one, is ignored.
    pub fn parse(line: &str) -> Result<Self, FrameError> {
        let value: Value =
            serde_json::from_str(line).map_err(|e| FrameError::NotJson(e.to_string()))?;
        let Value::Object(object) = &value else {
            return Err(FrameError::NotAMessage("expected an object".to_owned()));
        };
        let has = |key: &str| object.contains_key(key);
        let shape = |e: serde_json::Error| FrameError::NotAMessage(e.to_string());
        if has("method") {
            if has("id") {
                serde_json::from_value(value)
                    .map(Self::Request)
                    .map_err(shape)
            } else {
                serde_json::from_value(value)
                    .map(Self::Notification)
                    .map_err(shape)
            }
        } else if has("result") {
            serde_json::from_value(value)
                .map(Self::Response)
                .map_err(shape)
        } else if has("error") {
            serde_json::from_value(value)
                .map(Self::Error)
                .map_err(shape)
        } else {
            Err(FrameError::NotAMessage(
                "no method, result or error member".to_owned(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;
    use serde_json::json;

    #[test]
    fn requests_notifications_and_answers_are_told_apart() {
        let request = ClientMessage::parse(r#"{"id":0,"method":"initialize","params":{}}"#);
        assert_eq!(
            request,
            Ok(ClientMessage::Request(Request {
                id: RequestId::Integer(0),
                method: "initialize".to_owned(),
                params: Some(json!({})),
            }))
        );
        let note = ClientMessage::parse(r#"{"method":"initialized"}"#);
        assert_eq!(
            note,
            Ok(ClientMessage::Notification(Notification {
                method: "initialized".to_owned(),
                params: None,
            }))
        );
        let answer = ClientMessage::parse(r#"{"id":"a","result":{"decision":"accept"}}"#);
        assert!(
            matches!(answer, Ok(ClientMessage::Response(r)) if r.id == RequestId::String("a".into()))
        );
        let error = ClientMessage::parse(r#"{"id":3,"error":{"code":-1,"message":"no"}}"#);
        assert!(matches!(error, Ok(ClientMessage::Error(e)) if e.error.code == -1));
    }

    #[test]
    fn bad_lines_name_their_problem() {
        assert!(matches!(
            ClientMessage::parse("{oops"),
            Err(FrameError::NotJson(_))
        ));
        assert!(matches!(
            ClientMessage::parse("[1]"),
            Err(FrameError::NotAMessage(_))
        ));
        assert!(matches!(
            ClientMessage::parse(r#"{"id":1}"#),
            Err(FrameError::NotAMessage(_))
        ));
        assert!(matches!(
            ClientMessage::parse(r#"{"id":{"x":1},"method":"m"}"#),
            Err(FrameError::NotAMessage(_))
        ));
    }

    #[test]
    fn answers_serialize_compactly_without_a_jsonrpc_member() {
        let ok = Response {
            id: RequestId::Integer(7),
            result: json!({}),
        };
        assert_eq!(
            serde_json::to_string(&ok).unwrap(),
            r#"{"id":7,"result":{}}"#
        );
        let err = ErrorResponse {
            id: RequestId::Integer(7),
            error: ErrorObject {
                code: INVALID_REQUEST,
                message: "bad".into(),
                data: None,
            },
        };
        assert_eq!(
            serde_json::to_string(&err).unwrap(),
            r#"{"id":7,"error":{"code":-32600,"message":"bad"}}"#
        );
    }
}
