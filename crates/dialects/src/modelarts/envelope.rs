//! ModelArts' error body and codes, and its API gateway's.
//!
//! A refusal by the service is `{"error_code": "ModelArts.xxxx", "error_msg": "..."}`, most with
//! HTTP 400, even "does not exist" (ModelArts API reference, "Error Codes",
//! `https://support.huaweicloud.com/intl/en-us/api-modelarts/modelarts_03_0095.html`). A refusal
//! by the gateway in front of it, before the service sees the request, is
//! `{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: ...",
//! "request_id": "..."}` with 401 ("Common Errors Related to IAM Authentication Information",
//! `https://support.huaweicloud.com/intl/en-us/devg-apisign/api-sign-0001.html`).

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use wharf_model::{ErrorCode, WharfError};

/// Incorrect JSON format of the input data.
pub(crate) const INCORRECT_JSON: &str = "ModelArts.4105";
/// Empty request.
pub(crate) const EMPTY_REQUEST: &str = "ModelArts.4202";
/// A subdirectory must be specified as the dataset input or output path.
pub(crate) const SUBDIRECTORY_REQUIRED: &str = "ModelArts.4205";
/// OBS action is forbidden (here: the server's access policy refuses the path or endpoint).
pub(crate) const OBS_FORBIDDEN: &str = "ModelArts.4310";
/// OBS bucket does not exist.
pub(crate) const BUCKET_NOT_FOUND: &str = "ModelArts.4311";
/// Obs error (access refused).
pub(crate) const OBS_ERROR: &str = "ModelArts.4314";
/// Import path does not contain valid file.
pub(crate) const NO_VALID_FILE: &str = "ModelArts.4340";
/// Dataset already exists.
pub(crate) const DATASET_EXISTS: &str = "ModelArts.4351";
/// Dataset does not exist.
pub(crate) const DATASET_NOT_FOUND: &str = "ModelArts.4352";
/// Dataset already has running import task.
pub(crate) const IMPORT_RUNNING: &str = "ModelArts.4356";
/// Task stopped.
pub(crate) const TASK_STOPPED: &str = "ModelArts.4393";
/// Parameter is invalid.
pub(crate) const INVALID_PARAMETER: &str = "ModelArts.4396";
/// Task not found.
pub(crate) const TASK_NOT_FOUND: &str = "ModelArts.4612";
/// Failed to execute the import task.
pub(crate) const IMPORT_FAILED: &str = "ModelArts.4921";
/// DatasetService error.
pub(crate) const SERVICE_ERROR: &str = "ModelArts.2951";
/// The gateway's refusal of a request whose AK/SK signature does not hold.
pub(crate) const GATEWAY_AUTHENTICATION: &str = "APIGW.0301";

/// The header every answer of the platform carries its request id in; the SDK's exceptions
/// take their `request_id` from it.
const REQUEST_ID_HEADER: &str = "x-request-id";

#[derive(Serialize)]
struct Body {
    error_code: &'static str,
    error_msg: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
}

/// A refusal, with the platform's code and a message that names the field and what was
/// expected.
#[derive(Debug)]
pub(crate) struct ModelArtsError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// The gateway's refusals carry one, as the platform's do.
    pub request_id: Option<String>,
}

impl ModelArtsError {
    /// A refusal with HTTP 400, as most of the service's are.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
            request_id: None,
        }
    }

    /// ModelArts.4396, naming the field.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(INVALID_PARAMETER, message)
    }

    /// ModelArts.4352 for a dataset the caller's workspace does not have.
    pub fn no_dataset(dataset_id: &str) -> Self {
        Self::new(
            DATASET_NOT_FOUND,
            format!("Dataset does not exist: no dataset {dataset_id} in this project"),
        )
    }

    /// APIGW.0301 with 401, the platform's words first.
    pub fn unauthenticated(detail: impl std::fmt::Display) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code: GATEWAY_AUTHENTICATION,
            message: format!("Incorrect IAM authentication information: {detail}"),
            request_id: Some(crate::request_id()),
        }
    }
}

/// The code a native error goes by, and its status.
pub(crate) fn code_of(code: ErrorCode) -> (StatusCode, &'static str) {
    match code {
        ErrorCode::InvalidRequest
        | ErrorCode::InvalidUri
        | ErrorCode::UnknownScheme
        | ErrorCode::MissingBucket
        | ErrorCode::PayloadTooLarge => (StatusCode::BAD_REQUEST, INVALID_PARAMETER),
        ErrorCode::PathNotAllowed | ErrorCode::AddressNotAllowed => {
            (StatusCode::FORBIDDEN, OBS_FORBIDDEN)
        }
        ErrorCode::StorageBucketNotFound => (StatusCode::BAD_REQUEST, BUCKET_NOT_FOUND),
        // A store that refuses the keys, cannot be reached or answers with an error is the
        // import path's or the connection's fault, as OBS errors are on the platform.
        ErrorCode::StorageCredentialsRejected
        | ErrorCode::StorageUnavailable
        | ErrorCode::StorageError => (StatusCode::BAD_REQUEST, OBS_ERROR),
        ErrorCode::SourceEmpty => (StatusCode::BAD_REQUEST, NO_VALID_FILE),
        ErrorCode::NotFound => (StatusCode::BAD_REQUEST, DATASET_NOT_FOUND),
        ErrorCode::AlreadyExists => (StatusCode::BAD_REQUEST, DATASET_EXISTS),
        ErrorCode::Conflict => (StatusCode::BAD_REQUEST, IMPORT_RUNNING),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, SERVICE_ERROR),
    }
}

impl From<WharfError> for ModelArtsError {
    fn from(e: WharfError) -> Self {
        let (status, code) = code_of(e.code);
        if status.is_server_error() {
            tracing::error!(code = %e.code, message = %e.message, "a ModelArts request failed");
        }
        Self {
            status,
            code,
            message: e.message,
            request_id: None,
        }
    }
}

impl IntoResponse for ModelArtsError {
    fn into_response(self) -> Response {
        let header = self
            .request_id
            .as_deref()
            .and_then(|id| HeaderValue::from_str(id).ok());
        let body = Body {
            error_code: self.code,
            error_msg: self.message,
            request_id: self.request_id,
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(id) = header {
            response.headers_mut().insert(REQUEST_ID_HEADER, id);
        }
        response
    }
}

/// Gives every answer an `X-Request-Id`, as the platform does: a refusal's own id when its
/// body carries one, else a new one.
pub(crate) async fn with_request_id(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if !response.headers().contains_key(REQUEST_ID_HEADER)
        && let Ok(id) = HeaderValue::from_str(&crate::request_id())
    {
        response.headers_mut().insert(REQUEST_ID_HEADER, id);
    }
    response
}
