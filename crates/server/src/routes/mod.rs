//! Routes of the native API, by resource.

mod collections;
mod connections;
mod datasets;
mod jobs;
mod meta;
mod projects;

use axum::Router;
use axum::routing::{delete, get, post};

use crate::AppState;

pub(crate) use collections::*;
pub(crate) use connections::*;
pub(crate) use datasets::*;
pub(crate) use jobs::*;
pub(crate) use meta::*;
pub(crate) use projects::*;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi_document))
        .route("/v1/datasets", post(create_dataset).get(list_datasets))
        .route(
            "/v1/datasets/{dataset}",
            get(get_dataset)
                .patch(update_dataset)
                .delete(delete_dataset),
        )
        .route("/v1/datasets/{dataset}/versions", get(list_versions))
        .route(
            "/v1/datasets/{dataset}/versions/{version}",
            get(get_version).patch(update_version),
        )
        .route("/v1/datasets/{dataset}/samples", get(list_samples))
        .route("/v1/datasets/{dataset}/samples/{*sample}", get(get_sample))
        .route("/v1/datasets/{dataset}/labels", get(list_labels))
        .route("/v1/projects", post(create_project).get(list_projects))
        .route("/v1/imports", post(create_import))
        .route("/v1/validate", post(validate_source))
        .route("/v1/jobs", get(list_jobs))
        .route("/v1/jobs/{job}", get(get_job))
        .route("/v1/jobs/{job}/cancel", post(cancel_job))
        .route("/v1/jobs/{job}/errors", get(list_job_errors))
        .route(
            "/v1/connections",
            post(create_connection).get(list_connections),
        )
        .route(
            "/v1/connections/{connection}",
            get(get_connection).delete(delete_connection),
        )
        .route(
            "/v1/collections",
            post(create_collection).get(list_collections),
        )
        .route(
            "/v1/collections/{collection}",
            get(get_collection).delete(drop_collection),
        )
        .route(
            "/v1/collections/{collection}/partitions",
            post(create_partition),
        )
        .route(
            "/v1/collections/{collection}/partitions/{partition}",
            delete(drop_partition),
        )
        .fallback(not_found)
}
