use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use utoipa::OpenApi;
use wharf_catalog::Backend;
use wharf_model::WharfError;

use crate::{ApiError, AppState};

/// Liveness and the catalog backend in use. Needs no key.
#[utoipa::path(get, path = "/health", tag = "meta", responses((status = 200, description = "the server is up")))]
pub(crate) async fn health(State(state): State<AppState>) -> Json<Value> {
    let database = match state.catalog.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    Json(json!({ "status": "ok", "database": database, "version": env!("CARGO_PKG_VERSION") }))
}

/// This API's OpenAPI 3.1 document. Needs no key.
#[utoipa::path(get, path = "/openapi.json", tag = "meta", responses((status = 200, description = "the OpenAPI document")))]
pub(crate) async fn openapi_document() -> Json<utoipa::openapi::OpenApi> {
    Json(crate::openapi::ApiDoc::openapi())
}

pub(crate) async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError(WharfError::new(
        wharf_model::ErrorCode::NotFound,
        format!("no route {}; see /openapi.json for the API", uri.path()),
    ))
}
