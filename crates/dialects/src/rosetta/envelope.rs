//! Rosetta's response envelope and codes.
//!
//! Every answer is `{code, message, data, date, requestId, success}`, `date` as
//! `YYYY-MM-DD HH:mm:ss` (UTC here). Codes from Stardust's `docs-api`
//! (`src/en/overview/response-codes.md`, `common-response.md`).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use wharf_model::{ErrorCode, Problem, WharfError};

pub(crate) const ILLEGAL_PARAMETER: u32 = 400;
pub(crate) const WRONG_SIGNATURE: u32 = 401;
pub(crate) const AUTHENTICATION_FAILED: u32 = 402;
pub(crate) const SIGNATURE_EXPIRED: u32 = 403;
pub(crate) const NOT_FOUND: u32 = 404;
pub(crate) const SERVER_ERROR: u32 = 500;
pub(crate) const DATASET_NOT_EXISTS: u32 = 5308;
pub(crate) const PROJECT_NOT_EXISTS: u32 = 5802;
/// "No authority": the platform's refusal of what the caller may not change. The platform has
/// no code for a dataset name taken by another's dataset (its 5801 and 5836 are a project's and
/// a folder's); a dataset made through another API is not the caller's to change.
pub(crate) const NO_AUTHORITY: u32 = 5837;
/// The platform's business code for a file tree it cannot read.
pub(crate) const TREE_MISALIGNED: u32 = 5710;

/// The platform's message for [`TREE_MISALIGNED`], as the current import pages give it: the
/// 5710 example of `POST /dataset/import/async` and `/dataset/annotation/import/async`
/// (Stardust `docs-api`, `src/en/datasets/async-import.md` and `async-import-annotation.md`).
/// The response-code table and an early draft word it slightly otherwise ("API docs", "Refer
/// to API doc."); clients match on the code.
pub(crate) const TREE_MISALIGNED_MESSAGE: &str =
    "File tree misalignment, refer to API doc for correction";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<T: Serialize> {
    code: u32,
    message: String,
    data: Option<T>,
    date: String,
    request_id: String,
    success: bool,
    /// Wharf's addition to a 5710: what is out of place and what was expected.
    #[serde(skip_serializing_if = "Option::is_none")]
    diagnosis: Option<Vec<Diagnosis>>,
}

/// One folder or file out of place.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Diagnosis {
    /// The path at fault, or where something missing was expected, relative to `resourceUrl`.
    pub path: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
}

impl From<&Problem> for Diagnosis {
    fn from(problem: &Problem) -> Self {
        Self {
            path: problem.file.clone(),
            message: problem.message.clone(),
            expected: problem.expected.clone(),
        }
    }
}

fn date() -> String {
    chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

/// A successful answer.
pub(crate) struct Success<T>(pub T);

impl<T: Serialize> IntoResponse for Success<T> {
    fn into_response(self) -> Response {
        Json(Envelope {
            code: 200,
            message: "Success".to_owned(),
            data: Some(self.0),
            date: date(),
            request_id: crate::request_id(),
            success: true,
            diagnosis: None,
        })
        .into_response()
    }
}

/// A refusal, with the platform's code and a message that says what to change.
#[derive(Debug)]
pub(crate) struct RosettaError {
    pub code: u32,
    pub message: String,
    pub diagnosis: Option<Vec<Diagnosis>>,
}

impl RosettaError {
    pub fn new(code: u32, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            diagnosis: None,
        }
    }

    /// 400, with the platform's words first and then what is wrong.
    pub fn illegal(detail: impl std::fmt::Display) -> Self {
        Self::new(ILLEGAL_PARAMETER, format!("Illegal Parameter: {detail}"))
    }

    /// Error 5710, with the platform's wording and the diagnosis.
    pub fn misaligned(diagnosis: Vec<Diagnosis>) -> Self {
        Self {
            code: TREE_MISALIGNED,
            message: TREE_MISALIGNED_MESSAGE.to_owned(),
            diagnosis: Some(diagnosis),
        }
    }
}

impl From<WharfError> for RosettaError {
    fn from(e: WharfError) -> Self {
        match e.code {
            ErrorCode::InvalidRequest
            | ErrorCode::InvalidUri
            | ErrorCode::UnknownScheme
            | ErrorCode::MissingBucket
            | ErrorCode::PathNotAllowed
            | ErrorCode::AddressNotAllowed
            | ErrorCode::PayloadTooLarge
            | ErrorCode::StorageCredentialsRejected
            | ErrorCode::StorageBucketNotFound
            // An endpoint that cannot be reached or answers with an error is the request's:
            // its `externalStorage` names it.
            | ErrorCode::StorageUnavailable
            | ErrorCode::StorageError
            | ErrorCode::SourceEmpty => Self::illegal(e.message),
            ErrorCode::NotFound => Self::new(NOT_FOUND, e.message),
            ErrorCode::AlreadyExists => Self::new(NO_AUTHORITY, e.message),
            _ => {
                tracing::error!(code = %e.code, message = %e.message, "a Rosetta request failed");
                Self::new(SERVER_ERROR, e.message)
            }
        }
    }
}

impl IntoResponse for RosettaError {
    fn into_response(self) -> Response {
        let status = match self.code {
            code @ 400..=599 => StatusCode::from_u16(code as u16).unwrap_or(StatusCode::OK),
            _ => StatusCode::OK,
        };
        let body = Envelope::<()> {
            code: self.code,
            message: self.message,
            data: None,
            date: date(),
            request_id: crate::request_id(),
            success: false,
            diagnosis: self.diagnosis,
        };
        (status, Json(body)).into_response()
    }
}
