//! Storage errors, told in terms a user can act on.

use opendal::ErrorKind;
use wharf_model::{ErrorCode, WharfError};

use crate::SourceUri;

/// Longest piece of a store's own error text carried into a message.
const DETAIL_LIMIT: usize = 300;

/// Maps an OpenDAL error met while reading `what` (the source or one object of it) to a code
/// and a message saying what to check.
pub(crate) fn storage_error(uri: &SourceUri, what: &str, err: &opendal::Error) -> WharfError {
    let detail: String = err.message().chars().take(DETAIL_LIMIT).collect();
    // S3 services report a missing bucket as a configuration error.
    let missing_bucket = ["NoSuchBucket", "ContainerNotFound"]
        .iter()
        .any(|c| detail.contains(c));
    let (code, advice) = match err.kind() {
        _ if missing_bucket => (
            ErrorCode::StorageBucketNotFound,
            "the bucket or container does not exist; check its name and the endpoint",
        ),
        ErrorKind::PermissionDenied => (
            ErrorCode::StorageCredentialsRejected,
            "the store refused the credentials; check the access key, the secret and the endpoint",
        ),
        ErrorKind::NotFound => (
            ErrorCode::StorageBucketNotFound,
            "the bucket, container or path does not exist; check the bucket name and the endpoint",
        ),
        ErrorKind::ConfigInvalid => (
            ErrorCode::InvalidRequest,
            "the storage settings are incomplete or invalid",
        ),
        ErrorKind::RateLimited => (
            ErrorCode::StorageUnavailable,
            "the store kept throttling requests after retries; try again later or lower the concurrency",
        ),
        _ if err.is_temporary() => (
            ErrorCode::StorageUnavailable,
            "the store could not be reached or kept failing after retries; check the endpoint and the network",
        ),
        _ => (ErrorCode::StorageError, "the store answered with an error"),
    };
    WharfError::new(code, format!("{what} in '{uri}': {advice} ({detail})"))
}
