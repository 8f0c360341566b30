//! API keys: `Authorization: Bearer <key>` names the workspace a request acts in.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use wharf_model::{ErrorCode, WharfError, Workspace};

use crate::{ApiError, AppState};

/// The workspace of the request's API key.
pub(crate) struct Authed(pub Workspace);

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).ok_or_else(|| {
            WharfError::new(
                ErrorCode::Unauthorized,
                "missing API key: send the header Authorization: Bearer <key> (create a key with `wharf keys create`)",
            )
        })?;
        let key = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                WharfError::new(
                    ErrorCode::Unauthorized,
                    "the Authorization header must be 'Bearer <key>'",
                )
            })?;
        Ok(Authed(state.catalog.authenticate(key).await?))
    }
}
