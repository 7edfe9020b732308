//! The lines the app-server writes, in the reference's framing: no `"jsonrpc"` member, one
//! compact object per line. Answers are `{"id","result"}`, errors `{"error","id"}` (error
//! first, as the reference writes them), notifications `{"method","params"}` and server
//! requests `{"method","id","params"}`; the last two are the generated
//! `ServerNotification` and `ServerRequest` unions, whose tags give that order.

use recodex_app_protocol::generated::root::{ServerNotification, ServerRequest};
use recodex_app_protocol::jsonrpc::{ErrorObject, RequestId};
use serde::Serialize;

use crate::dispatch::RpcError;

/// The answer to request `id`.
pub(crate) fn response_line(id: &RequestId, result: &impl Serialize) -> String {
    #[derive(Serialize)]
    struct Answer<'a, T> {
        id: &'a RequestId,
        result: &'a T,
    }
    serde_json::to_string(&Answer { id, result }).unwrap_or_default()
}

/// An error answer to request `id`, `error` before `id`.
pub(crate) fn error_line(id: RequestId, error: RpcError) -> String {
    #[derive(Serialize)]
    struct Failure {
        error: ErrorObject,
        id: RequestId,
    }
    let error = ErrorObject {
        code: error.code,
        message: error.message,
        data: error.data,
    };
    serde_json::to_string(&Failure { error, id }).unwrap_or_default()
}

/// A notification.
pub(crate) fn notification_line(notification: &ServerNotification) -> String {
    serde_json::to_string(notification).unwrap_or_default()
}

/// A request to the client.
pub(crate) fn request_line(request: &ServerRequest) -> String {
    serde_json::to_string(request).unwrap_or_default()
}
