//! PAI's response envelope and error codes, and those of the API gateway in front of it.
//!
//! Every answer carries `RequestId` (also in the `x-acs-request-id` header). A refusal is
//! `{"RequestId", "HostId", "Code", "Message", "Recommend"}`, the body the gateway and the
//! services behind it send (e.g. `{"Recommend": "...", "Message": "Specified signature nonce was
//! used already.", "RequestId": "...", "HostId": "rds.ap-southeast-3.aliyuncs.com", "Code":
//! "SignatureNonceUsed"}`, as users of the platform's SDKs report it); the official SDKs raise it
//! as an exception with that `Code` and `Message`. `HostId` is the host the request was sent to;
//! `Recommend`, a link to the platform's troubleshooting page there, is here what to do.
//!
//! The gateway's codes and statuses are those of its common error table ("the common client
//! error codes of the control OpenAPI", `https://developer.aliyun.com/ask/278265`;
//! `https://help.aliyun.com/document_detail/51132.html`): `InvalidAccessKeyId.NotFound` 404,
//! `IncompleteSignature`, `SignatureDoesNotMatch`, `InvalidTimeStamp.Format`,
//! `InvalidTimeStamp.Expired`, `SignatureNonceUsed`, `InvalidSignatureMethod`,
//! `MissingParameter` and `InvalidParameter` 400, `InvalidApi.NotFound` 404. The dataset
//! service's own code is `201300003`, which the platform's Terraform provider reads as "dataset
//! (or version) not found" (`alicloud/service_alicloud_pai_workspace_v2.go`) and which the
//! service also sends, with HTTP 400, for a name already taken ("Dataset name already
//! existed").

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use wharf_model::{ErrorCode, WharfError};

/// The dataset service's code for a dataset or version that is not there, and for a name
/// already taken.
pub(crate) const DATASET_ERROR: &str = "201300003";
pub(crate) const MISSING_PARAMETER: &str = "MissingParameter";
pub(crate) const INVALID_PARAMETER: &str = "InvalidParameter";
/// A feature of the platform that Wharf does not serve.
pub(crate) const UNSUPPORTED: &str = "UnsupportedOperation";
/// The request conflicts with what is going on (an import running, a change at the same time).
pub(crate) const CONFLICT: &str = "OperationConflict";
pub(crate) const FORBIDDEN: &str = "Forbidden";
pub(crate) const INTERNAL: &str = "InternalError";
pub(crate) const API_NOT_FOUND: &str = "InvalidApi.NotFound";
pub(crate) const INCOMPLETE_SIGNATURE: &str = "IncompleteSignature";
pub(crate) const SIGNATURE_MISMATCH: &str = "SignatureDoesNotMatch";
pub(crate) const SIGNATURE_METHOD: &str = "InvalidSignatureMethod";
pub(crate) const KEY_NOT_FOUND: &str = "InvalidAccessKeyId.NotFound";
pub(crate) const TIMESTAMP_FORMAT: &str = "InvalidTimeStamp.Format";
pub(crate) const TIMESTAMP_EXPIRED: &str = "InvalidTimeStamp.Expired";
pub(crate) const NONCE_USED: &str = "SignatureNonceUsed";

tokio::task_local! {
    /// The request being answered: its id and the host it was sent to.
    static CONTEXT: RequestContext;
}

#[derive(Clone)]
struct RequestContext {
    request_id: String,
    host: String,
}

/// The id of the request being answered, as the platform writes them
/// (`B2C51F93-1C07-5477-9705-5FDB3A9EF19F`).
pub(crate) fn request_id() -> String {
    CONTEXT
        .try_with(|c| c.request_id.clone())
        .unwrap_or_else(|_| new_request_id())
}

fn new_request_id() -> String {
    let hex = crate::request_id().to_ascii_uppercase();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Gives the request an id for its answer, its refusals and its log lines, and puts it in the
/// `x-acs-request-id` header as the platform does.
pub(crate) async fn with_context(request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get("host")
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()))
        .unwrap_or_default()
        .to_owned();
    let context = RequestContext {
        request_id: new_request_id(),
        host,
    };
    let id = context.request_id.clone();
    let mut response = CONTEXT.scope(context, next.run(request)).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-acs-request-id", value);
    }
    response
}

/// A success answer: the request id, then the operation's fields.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Answer<T: Serialize> {
    pub request_id: String,
    #[serde(flatten)]
    pub body: T,
}

/// Wraps an operation's fields with the request id.
pub(crate) fn answer<T: Serialize>(body: T) -> Json<Answer<T>> {
    Json(Answer {
        request_id: request_id(),
        body,
    })
}

/// An answer with nothing but the request id.
#[derive(Serialize)]
pub(crate) struct Nothing {}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Body {
    request_id: String,
    host_id: String,
    code: String,
    message: String,
    recommend: String,
}

/// A refusal: the status, the platform's code, a message that names the field and what was
/// expected, and what to do.
#[derive(Debug)]
pub(crate) struct PaiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub recommend: String,
}

impl PaiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_owned(),
            message: message.into(),
            recommend: "Check the request against the API reference of PAI (AIWorkSpace 2021-02-04); the message says what was expected.".to_owned(),
        }
    }

    pub fn recommend(mut self, recommend: impl Into<String>) -> Self {
        self.recommend = recommend.into();
        self
    }

    /// `InvalidParameter`, naming the field.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, INVALID_PARAMETER, message)
    }

    /// `MissingParameter` for a required field the request lacks.
    pub fn missing(field: &str, expected: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            MISSING_PARAMETER,
            format!("{field} is mandatory for this action; expected {expected}"),
        )
    }

    /// `UnsupportedOperation`: the platform has it, Wharf does not serve it.
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, UNSUPPORTED, message)
    }

    /// 201300003 for a dataset the caller's workspace does not have.
    pub fn no_dataset(dataset_id: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            DATASET_ERROR,
            format!("Dataset not found: no dataset {dataset_id} in this workspace"),
        )
        .recommend("List the workspace's datasets with ListDatasets for their DatasetId.")
    }

    /// 201300003 for a version the dataset does not have.
    pub fn no_version(dataset_id: &str, version: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            DATASET_ERROR,
            format!("Dataset version not found: dataset {dataset_id} has no version {version}"),
        )
        .recommend("List the dataset's versions with ListDatasetVersions for their VersionName.")
    }

    /// A refusal of the gateway, before the service sees the request.
    pub fn gateway(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self::new(status, code, message).recommend(
            "Sign the request with ACS3-HMAC-SHA256 and a key pair made with \
             `wharf keys create --dialect pai`, as Alibaba Cloud's SDKs do.",
        )
    }
}

/// The code a native error goes by, and its status.
fn code_of(code: ErrorCode) -> (StatusCode, &'static str) {
    match code {
        ErrorCode::InvalidRequest
        | ErrorCode::InvalidUri
        | ErrorCode::UnknownScheme
        | ErrorCode::MissingBucket
        | ErrorCode::PayloadTooLarge => (StatusCode::BAD_REQUEST, INVALID_PARAMETER),
        ErrorCode::PathNotAllowed | ErrorCode::AddressNotAllowed => {
            (StatusCode::FORBIDDEN, FORBIDDEN)
        }
        ErrorCode::NotFound | ErrorCode::AlreadyExists => (StatusCode::BAD_REQUEST, DATASET_ERROR),
        // A store that refuses the keys, has no such bucket or cannot be reached is the
        // request's `Uri` or the connection's, not the service's.
        ErrorCode::StorageCredentialsRejected
        | ErrorCode::StorageBucketNotFound
        | ErrorCode::StorageUnavailable
        | ErrorCode::StorageError
        | ErrorCode::SourceEmpty => (StatusCode::BAD_REQUEST, INVALID_PARAMETER),
        ErrorCode::Conflict => (StatusCode::CONFLICT, CONFLICT),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, INTERNAL),
    }
}

impl From<WharfError> for PaiError {
    fn from(e: WharfError) -> Self {
        let (status, code) = code_of(e.code);
        if status.is_server_error() {
            tracing::error!(code = %e.code, message = %e.message, "a PAI request failed");
        }
        Self::new(status, code, e.message)
    }
}

impl IntoResponse for PaiError {
    fn into_response(self) -> Response {
        let host_id = CONTEXT.try_with(|c| c.host.clone()).unwrap_or_default();
        let body = Body {
            request_id: request_id(),
            host_id,
            code: self.code,
            message: self.message,
            recommend: self.recommend,
        };
        (self.status, Json(body)).into_response()
    }
}

/// `InvalidApi.NotFound` for a path or method under `/api/v1` that no operation has.
pub(crate) async fn no_such_api() -> PaiError {
    PaiError::new(
        StatusCode::NOT_FOUND,
        API_NOT_FOUND,
        "Specified api is not found, please check your url and method.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_written_as_the_platform_writes_them() {
        let id = request_id();
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(
            id.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase())
        );
    }

    #[test]
    fn native_errors_take_the_platform_codes() {
        let e = PaiError::from(WharfError::not_found("dataset", "x"));
        assert_eq!((e.status.as_u16(), e.code.as_str()), (400, DATASET_ERROR));
        let e = PaiError::from(WharfError::invalid("bad"));
        assert_eq!(e.code, INVALID_PARAMETER);
        let e = PaiError::from(WharfError::new(ErrorCode::Conflict, "busy"));
        assert_eq!((e.status.as_u16(), e.code.as_str()), (409, CONFLICT));
    }
}
