use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use wharf_engine::CreateCollection;
use wharf_model::{Collection, Page};

use crate::auth::Authed;
use crate::extract::{ApiJson, ApiPath};
use crate::{ApiError, AppState};

/// Makes a collection: its name and schema are checked as Milvus checks them.
#[utoipa::path(post, path = "/v1/collections", tag = "collections", request_body = CreateCollection,
    responses((status = 201, body = Collection), (status = 400, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn create_collection(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiJson(body): ApiJson<CreateCollection>,
) -> Result<(StatusCode, Json<Collection>), ApiError> {
    let made = wharf_engine::create_collection(&state.catalog, &ws.id, body).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[utoipa::path(get, path = "/v1/collections", tag = "collections", responses((status = 200, body = Page<Collection>)))]
pub(crate) async fn list_collections(
    State(state): State<AppState>,
    Authed(ws): Authed,
) -> Result<Json<Page<Collection>>, ApiError> {
    Ok(Json(Page {
        items: state.catalog.list_collections(&ws.id).await?,
        next: None,
    }))
}

#[utoipa::path(get, path = "/v1/collections/{collection}", tag = "collections",
    params(("collection" = String, Path, description = "name or id")),
    responses((status = 200, body = Collection)))]
pub(crate) async fn get_collection(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath(name): ApiPath<String>,
) -> Result<Json<Collection>, ApiError> {
    Ok(Json(state.catalog.get_collection(&ws.id, &name).await?))
}

#[utoipa::path(delete, path = "/v1/collections/{collection}", tag = "collections",
    params(("collection" = String, Path, description = "name or id")),
    responses((status = 204)))]
pub(crate) async fn drop_collection(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath(name): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    state.catalog.drop_collection(&ws.id, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreatePartitionBody {
    /// Letters, digits and `_`, starting with a letter or `_`.
    name: String,
}

/// Adds a partition to a collection; every collection has `_default`.
#[utoipa::path(post, path = "/v1/collections/{collection}/partitions", tag = "collections",
    params(("collection" = String, Path, description = "name or id")),
    request_body = CreatePartitionBody,
    responses((status = 201, body = Collection), (status = 400, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn create_partition(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath(collection): ApiPath<String>,
    ApiJson(body): ApiJson<CreatePartitionBody>,
) -> Result<(StatusCode, Json<Collection>), ApiError> {
    let changed =
        wharf_engine::create_partition(&state.catalog, &ws.id, &collection, &body.name).await?;
    Ok((StatusCode::CREATED, Json(changed)))
}

/// Drops a partition other than `_default`.
#[utoipa::path(delete, path = "/v1/collections/{collection}/partitions/{partition}", tag = "collections",
    params(("collection" = String, Path, description = "name or id"), ("partition" = String, Path)),
    responses((status = 204), (status = 400, body = crate::error::ErrorBody)))]
pub(crate) async fn drop_partition(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath((collection, partition)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state
        .catalog
        .drop_partition(&ws.id, &collection, &partition)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
