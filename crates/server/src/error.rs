//! The one error shape of the API.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use wharf_model::{ErrorCode, WharfError};

/// Any refusal or failure, answered as `{"error": {"code", "message"}}`.
#[derive(Debug)]
pub struct ApiError(pub WharfError);

#[derive(Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    pub error: WharfError,
}

impl From<WharfError> for ApiError {
    fn from(e: WharfError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::error!(code = %self.0.code, message = %self.0.message, "request failed");
        }
        (status, Json(ErrorBody { error: self.0 })).into_response()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError(WharfError::new(
                ErrorCode::PayloadTooLarge,
                format!(
                    "the request body is larger than {} bytes",
                    crate::MAX_BODY_BYTES
                ),
            ));
        }
        let message = match rejection {
            JsonRejection::MissingJsonContentType(_) => {
                "the request body must be JSON with the header Content-Type: application/json"
                    .to_owned()
            }
            other => format!(
                "the request body is not what was expected: {}",
                other.body_text()
            ),
        };
        ApiError(WharfError::invalid(message))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError(WharfError::invalid(format!(
            "a query parameter is not valid: {}",
            rejection.body_text()
        )))
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError(WharfError::invalid(format!(
            "the path is not valid: {}",
            rejection.body_text()
        )))
    }
}
