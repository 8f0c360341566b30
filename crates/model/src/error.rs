//! Stable error codes.
//!
//! Every refusal and every failed item carries one of these codes. They are part of the public
//! contract: scripts match on them, so a code is never renamed or reused for another meaning.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A stable, machine-readable error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request body or a query parameter is malformed.
    InvalidRequest,
    /// A source URI could not be parsed.
    InvalidUri,
    /// A source URI names a scheme Wharf does not read.
    UnknownScheme,
    /// A source URI names no bucket or container.
    MissingBucket,
    /// A local path lies outside the roots the operator allowed.
    PathNotAllowed,
    /// An endpoint resolves to a loopback, link-local or private address the operator did not allow.
    AddressNotAllowed,
    /// No API key, or an API key that is unknown or revoked.
    Unauthorized,
    /// The named resource does not exist in this workspace.
    NotFound,
    /// A resource with this name already exists.
    AlreadyExists,
    /// The request conflicts with the resource's current state.
    Conflict,
    /// The request body is larger than the server accepts.
    PayloadTooLarge,
    /// The storage service refused the credentials.
    StorageCredentialsRejected,
    /// The bucket or container does not exist.
    StorageBucketNotFound,
    /// The storage service could not be reached or kept failing after retries.
    StorageUnavailable,
    /// The storage service answered with an error Wharf has no better code for.
    StorageError,
    /// The source prefix holds no objects.
    SourceEmpty,
    /// The source does not look like the format it was asked to be read as.
    LayoutMismatch,
    /// One object could not be read; the rest of the job goes on.
    ItemReadFailed,
    /// The job was tried too many times and each attempt died.
    AttemptsExhausted,
    /// A stored secret could not be decrypted with the server's key.
    SecretUnreadable,
    /// Something went wrong inside Wharf. The message says what.
    Internal,
}

impl ErrorCode {
    /// Whether the code is the store's answer (or silence), as opposed to the request's.
    pub fn is_storage(self) -> bool {
        matches!(
            self,
            Self::StorageCredentialsRejected
                | Self::StorageBucketNotFound
                | Self::StorageUnavailable
                | Self::StorageError
        )
    }

    /// The HTTP status a response with this code carries.
    pub fn http_status(self) -> u16 {
        match self {
            Self::InvalidRequest | Self::InvalidUri | Self::UnknownScheme | Self::MissingBucket => {
                400
            }
            Self::Unauthorized => 401,
            Self::PathNotAllowed | Self::AddressNotAllowed => 403,
            Self::NotFound => 404,
            Self::AlreadyExists | Self::Conflict => 409,
            Self::PayloadTooLarge => 413,
            Self::StorageCredentialsRejected
            | Self::StorageBucketNotFound
            | Self::SourceEmpty
            | Self::LayoutMismatch
            | Self::ItemReadFailed => 422,
            Self::StorageUnavailable => 503,
            Self::StorageError
            | Self::AttemptsExhausted
            | Self::SecretUnreadable
            | Self::Internal => 500,
        }
    }

    /// The code as it appears on the wire and in the catalog.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidUri => "invalid_uri",
            Self::UnknownScheme => "unknown_scheme",
            Self::MissingBucket => "missing_bucket",
            Self::PathNotAllowed => "path_not_allowed",
            Self::AddressNotAllowed => "address_not_allowed",
            Self::Unauthorized => "unauthorized",
            Self::NotFound => "not_found",
            Self::AlreadyExists => "already_exists",
            Self::Conflict => "conflict",
            Self::PayloadTooLarge => "payload_too_large",
            Self::StorageCredentialsRejected => "storage_credentials_rejected",
            Self::StorageBucketNotFound => "storage_bucket_not_found",
            Self::StorageUnavailable => "storage_unavailable",
            Self::StorageError => "storage_error",
            Self::SourceEmpty => "source_empty",
            Self::LayoutMismatch => "layout_mismatch",
            Self::ItemReadFailed => "item_read_failed",
            Self::AttemptsExhausted => "attempts_exhausted",
            Self::SecretUnreadable => "secret_unreadable",
            Self::Internal => "internal",
        }
    }

    /// Reads a code back from its wire form; unknown codes become [`ErrorCode::Internal`].
    pub fn parse(code: &str) -> Self {
        serde_json::from_value(serde_json::Value::String(code.to_owned())).unwrap_or(Self::Internal)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error a user can act on: a stable code and a message that says what was wrong and what
/// was expected. Messages never contain secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, thiserror::Error)]
#[error("{code}: {message}")]
pub struct WharfError {
    pub code: ErrorCode,
    pub message: String,
}

impl WharfError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, message)
    }

    pub fn not_found(what: &str, name: &str) -> Self {
        Self::new(
            ErrorCode::NotFound,
            format!("no {what} named '{name}' in this workspace"),
        )
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }
}

pub type WharfResult<T> = Result<T, WharfError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_their_wire_form() {
        for code in [
            ErrorCode::InvalidUri,
            ErrorCode::StorageCredentialsRejected,
            ErrorCode::SourceEmpty,
        ] {
            assert_eq!(ErrorCode::parse(code.as_str()), code);
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
        assert_eq!(ErrorCode::parse("no_such_code"), ErrorCode::Internal);
    }
}
