use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use wharf_model::Project;

use crate::auth::Authed;
use crate::extract::ApiJson;
use crate::{ApiError, AppState};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewProjectBody {
    /// Unique in the workspace.
    name: String,
}

/// Makes an annotation project. An import with `options.annotation_project` (or Rosetta's
/// annotation request) makes one task in it per data item.
#[utoipa::path(post, path = "/v1/projects", tag = "projects", request_body = NewProjectBody,
    responses((status = 201, body = Project), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn create_project(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiJson(body): ApiJson<NewProjectBody>,
) -> Result<(StatusCode, Json<Project>), ApiError> {
    let project = state.catalog.create_project(&ws.id, &body.name).await?;
    Ok((StatusCode::CREATED, Json(project)))
}

#[utoipa::path(get, path = "/v1/projects", tag = "projects", responses((status = 200, body = Vec<Project>)))]
pub(crate) async fn list_projects(
    State(state): State<AppState>,
    Authed(ws): Authed,
) -> Result<Json<Vec<Project>>, ApiError> {
    Ok(Json(state.catalog.list_projects(&ws.id).await?))
}
