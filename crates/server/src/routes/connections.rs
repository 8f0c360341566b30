use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use wharf_catalog::NewConnection;
use wharf_model::{Connection, Page, WharfError};
use wharf_storage::Scheme;

use crate::auth::Authed;
use crate::extract::{ApiJson, ApiPath};
use crate::{ApiError, AppState};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateConnectionBody {
    name: String,
    endpoint: Option<String>,
    /// The store protocol the endpoint speaks when it is not the one its sources' scheme names:
    /// `s3` for an S3-compatible endpoint serving `obs://` or `oss://` buckets (also `gcs`,
    /// `azblob`, `oss`, `obs`).
    protocol: Option<String>,
    region: Option<String>,
    access_key_id: Option<String>,
    /// Write-only: stored encrypted, never returned.
    secret_access_key: Option<String>,
}

#[utoipa::path(post, path = "/v1/connections", tag = "connections", request_body = CreateConnectionBody,
    responses((status = 201, body = Connection), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn create_connection(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiJson(body): ApiJson<CreateConnectionBody>,
) -> Result<(StatusCode, Json<Connection>), ApiError> {
    if let Some(endpoint) = &body.endpoint {
        state.engine.policy().check_endpoint(endpoint).await?;
    }
    let protocol = match body.protocol.as_deref() {
        None => None,
        Some(name) => Some(
            Scheme::of_protocol(name)
                .ok_or_else(|| {
                    WharfError::invalid(format!(
                        "protocol '{name}' is not a store protocol Wharf speaks; expected {}",
                        Scheme::PROTOCOLS
                    ))
                })?
                .name()
                .to_owned(),
        ),
    };
    let new = NewConnection {
        name: body.name,
        endpoint: body.endpoint,
        protocol,
        region: body.region,
        access_key_id: body.access_key_id,
        secret_access_key: body.secret_access_key,
    };
    Ok((
        StatusCode::CREATED,
        Json(state.catalog.create_connection(&ws.id, new).await?),
    ))
}

#[utoipa::path(get, path = "/v1/connections", tag = "connections", responses((status = 200, body = Page<Connection>)))]
pub(crate) async fn list_connections(
    State(state): State<AppState>,
    Authed(ws): Authed,
) -> Result<Json<Page<Connection>>, ApiError> {
    Ok(Json(Page {
        items: state.catalog.list_connections(&ws.id).await?,
        next: None,
    }))
}

#[utoipa::path(get, path = "/v1/connections/{connection}", tag = "connections", params(("connection" = String, Path)),
    responses((status = 200, body = Connection)))]
pub(crate) async fn get_connection(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath(name): ApiPath<String>,
) -> Result<Json<Connection>, ApiError> {
    Ok(Json(state.catalog.get_connection(&ws.id, &name).await?))
}

#[utoipa::path(delete, path = "/v1/connections/{connection}", tag = "connections", params(("connection" = String, Path)),
    responses((status = 204)))]
pub(crate) async fn delete_connection(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath(name): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    state.catalog.delete_connection(&ws.id, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
