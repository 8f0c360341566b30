use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use wharf_catalog::{DatasetFilter, MetadataUpdate, NewDataset, SampleQuery};
use wharf_model::{Dataset, Label, Page, Sample, Version, WharfError};

use crate::auth::Authed;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::{ApiError, AppState};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateDatasetBody {
    name: String,
    #[serde(default)]
    description: String,
    /// image, point_cloud, text, audio, video, table or common (the default).
    data_type: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MetadataBody {
    description: Option<String>,
    labels: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize, IntoParams)]
pub(crate) struct DatasetListParams {
    /// Names containing this text.
    name: Option<String>,
    data_type: Option<String>,
    /// `key` or `key=value`: datasets carrying that label.
    label: Option<String>,
    /// The `next` value of the previous page.
    next: Option<i64>,
    #[param(default = 100, maximum = 1000)]
    limit: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
pub(crate) struct SampleListParams {
    /// A committed version number (`3` or `v3`); the latest by default.
    version: Option<String>,
    /// Sample keys starting with this text.
    prefix: Option<String>,
    /// An exact media type such as `image/png`, or `image/*`.
    media_type: Option<String>,
    /// The `next` value of the previous page.
    next: Option<String>,
    #[param(default = 100, maximum = 1000)]
    limit: Option<i64>,
}

#[utoipa::path(post, path = "/v1/datasets", tag = "datasets", request_body = CreateDatasetBody,
    responses((status = 201, body = Dataset), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn create_dataset(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiJson(body): ApiJson<CreateDatasetBody>,
) -> Result<(StatusCode, Json<Dataset>), ApiError> {
    let new = NewDataset {
        name: body.name,
        description: body.description,
        data_type: body.data_type,
        labels: body.labels,
        origin: None,
        id: None,
    };
    Ok((
        StatusCode::CREATED,
        Json(state.catalog.create_dataset(&ws.id, new).await?),
    ))
}

#[utoipa::path(get, path = "/v1/datasets", tag = "datasets", params(DatasetListParams),
    responses((status = 200, body = Page<Dataset>)))]
pub(crate) async fn list_datasets(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiQuery(params): ApiQuery<DatasetListParams>,
) -> Result<Json<Page<Dataset>>, ApiError> {
    let filter = DatasetFilter {
        name_contains: params.name,
        data_type: params.data_type,
        label: params.label.map(|l| match l.split_once('=') {
            Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
            None => (l, None),
        }),
        offset: params.next.unwrap_or(0),
        limit: params.limit.unwrap_or(100),
    };
    Ok(Json(state.catalog.list_datasets(&ws.id, &filter).await?))
}

#[utoipa::path(get, path = "/v1/datasets/{dataset}", tag = "datasets",
    params(("dataset" = String, Path, description = "name or id")),
    responses((status = 200, body = Dataset), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn get_dataset(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath(dataset): ApiPath<String>,
) -> Result<Json<Dataset>, ApiError> {
    Ok(Json(state.catalog.get_dataset(&ws.id, &dataset).await?))
}

#[utoipa::path(patch, path = "/v1/datasets/{dataset}", tag = "datasets", request_body = MetadataBody,
    params(("dataset" = String, Path, description = "name or id")),
    responses((status = 200, body = Dataset)))]
pub(crate) async fn update_dataset(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath(dataset): ApiPath<String>,
    ApiJson(body): ApiJson<MetadataBody>,
) -> Result<Json<Dataset>, ApiError> {
    let update = MetadataUpdate {
        description: body.description,
        labels: body.labels,
    };
    Ok(Json(
        state
            .catalog
            .update_dataset(&ws.id, &dataset, update)
            .await?,
    ))
}

#[utoipa::path(delete, path = "/v1/datasets/{dataset}", tag = "datasets",
    params(("dataset" = String, Path, description = "name or id")),
    responses((status = 204), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn delete_dataset(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath(dataset): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    state.catalog.delete_dataset(&ws.id, &dataset).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/v1/datasets/{dataset}/versions", tag = "datasets",
    params(("dataset" = String, Path, description = "name or id")),
    responses((status = 200, body = Page<Version>)))]
pub(crate) async fn list_versions(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath(dataset): ApiPath<String>,
) -> Result<Json<Page<Version>>, ApiError> {
    Ok(Json(Page {
        items: state.catalog.list_versions(&ws.id, &dataset).await?,
        next: None,
    }))
}

#[utoipa::path(get, path = "/v1/datasets/{dataset}/versions/{version}", tag = "datasets",
    params(("dataset" = String, Path, description = "name or id"), ("version" = String, Path, description = "`3` or `v3`")),
    responses((status = 200, body = Version)))]
pub(crate) async fn get_version(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath((dataset, version)): ApiPath<(String, String)>,
) -> Result<Json<Version>, ApiError> {
    Ok(Json(
        state
            .catalog
            .get_version(&ws.id, &dataset, parse_version(&version)?)
            .await?,
    ))
}

#[utoipa::path(patch, path = "/v1/datasets/{dataset}/versions/{version}", tag = "datasets", request_body = MetadataBody,
    params(("dataset" = String, Path, description = "name or id"), ("version" = String, Path, description = "`3` or `v3`")),
    responses((status = 200, body = Version)))]
pub(crate) async fn update_version(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath((dataset, version)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<MetadataBody>,
) -> Result<Json<Version>, ApiError> {
    let update = MetadataUpdate {
        description: body.description,
        labels: body.labels,
    };
    Ok(Json(
        state
            .catalog
            .update_version(&ws.id, &dataset, parse_version(&version)?, update)
            .await?,
    ))
}

#[utoipa::path(get, path = "/v1/datasets/{dataset}/samples", tag = "datasets",
    params(("dataset" = String, Path, description = "name or id"), SampleListParams),
    responses((status = 200, body = Page<Sample>)))]
pub(crate) async fn list_samples(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath(dataset): ApiPath<String>,
    ApiQuery(params): ApiQuery<SampleListParams>,
) -> Result<Json<Page<Sample>>, ApiError> {
    let query = SampleQuery {
        version: params.version.as_deref().map(parse_version).transpose()?,
        prefix: params.prefix,
        media_type: params.media_type,
        cursor: params.next,
        limit: params.limit.unwrap_or(100),
    };
    Ok(Json(
        state.catalog.list_samples(&ws.id, &dataset, &query).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub(crate) struct VersionParam {
    /// A committed version number (`3` or `v3`); the latest by default.
    version: Option<String>,
}

/// One sample with its files and annotations.
#[utoipa::path(get, path = "/v1/datasets/{dataset}/samples/{sample}", tag = "datasets",
    params(("dataset" = String, Path, description = "name or id"),
           ("sample" = String, Path, description = "the sample's key (its main file's path) or id"),
           VersionParam),
    responses((status = 200, body = Sample)))]
pub(crate) async fn get_sample(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath((dataset, sample)): ApiPath<(String, String)>,
    ApiQuery(params): ApiQuery<VersionParam>,
) -> Result<Json<Sample>, ApiError> {
    let version = params.version.as_deref().map(parse_version).transpose()?;
    Ok(Json(
        state
            .catalog
            .get_sample(&ws.id, &dataset, &sample, version)
            .await?,
    ))
}

/// The label set of a version, with how many annotations and samples carry each label.
#[utoipa::path(get, path = "/v1/datasets/{dataset}/labels", tag = "datasets",
    params(("dataset" = String, Path, description = "name or id"), VersionParam),
    responses((status = 200, body = Vec<Label>)))]
pub(crate) async fn list_labels(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath(dataset): ApiPath<String>,
    ApiQuery(params): ApiQuery<VersionParam>,
) -> Result<Json<Vec<Label>>, ApiError> {
    let version = params.version.as_deref().map(parse_version).transpose()?;
    Ok(Json(
        state.catalog.list_labels(&ws.id, &dataset, version).await?,
    ))
}

fn parse_version(text: &str) -> Result<i64, ApiError> {
    text.trim_start_matches('v')
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            ApiError(WharfError::invalid(format!(
                "version '{text}' is not valid; expected a number such as 3 or v3"
            )))
        })
}
