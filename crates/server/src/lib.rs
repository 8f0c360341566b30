//! Wharf's native REST API, and the platform dialects beside it (see `wharf_dialects`).
//!
//! JSON in and out, snake_case fields, API keys as Bearer tokens scoped to one workspace.
//! Every error has the same shape, `{"error": {"code": ..., "message": ...}}`, with a stable
//! code (see [`wharf_model::ErrorCode`]) and the HTTP status that goes with it. Handlers only
//! translate between HTTP and the catalog and engine; no query lives here.

mod auth;
mod error;
mod extract;
mod openapi;
mod routes;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use tower_http::trace::TraceLayer;
use wharf_catalog::Catalog;
use wharf_engine::Engine;

pub use error::ApiError;

/// Largest request body accepted.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What every handler needs.
#[derive(Clone)]
pub struct AppState {
    pub catalog: Catalog,
    /// Checks requests against the access policy and wakes local workers when a job is queued.
    pub engine: Engine,
}

/// The whole API: the native routes and every dialect's.
pub fn router(state: AppState) -> Router {
    let dialects = wharf_dialects::router(wharf_dialects::DialectState {
        catalog: state.catalog.clone(),
        engine: state.engine.clone(),
    });
    routes::router()
        .with_state(state)
        .merge(dialects)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
}
