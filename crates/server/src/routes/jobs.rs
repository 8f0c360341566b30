use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use wharf_catalog::JobFilter;
use wharf_engine::{ImportRequest, ValidateRequest, submit_import, validate_request};
use wharf_model::{Job, JobError, JobState, Page, ValidationReport, WharfError};

use crate::auth::Authed;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::{ApiError, AppState};

#[derive(Deserialize, IntoParams)]
pub(crate) struct JobListParams {
    /// queued, running, succeeded, partial, failed or cancelled.
    state: Option<String>,
    /// Dataset name or id.
    dataset: Option<String>,
    next: Option<i64>,
    #[param(default = 100, maximum = 1000)]
    limit: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
pub(crate) struct ErrorListParams {
    next: Option<i64>,
    #[param(default = 100, maximum = 1000)]
    limit: Option<i64>,
}

/// Queues an import. Answers at once; the job's progress is read with `GET /v1/jobs/{job}`.
#[utoipa::path(post, path = "/v1/imports", tag = "jobs", request_body = ImportRequest,
    responses((status = 202, body = Job), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn create_import(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiJson(request): ApiJson<ImportRequest>,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    let job = submit_import(&state.catalog, state.engine.policy(), &ws.id, request).await?;
    state.engine.wake();
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// Reads a source as an import would, from the server's side, and writes nothing: the
/// detected format with the reasons for each candidate, the counts, and every problem with its
/// file, line or JSON path, what was found and what was expected. Answers when the read is
/// done, which for a large source takes as long as reading it.
#[utoipa::path(post, path = "/v1/validate", tag = "jobs", request_body = ValidateRequest,
    responses((status = 200, body = ValidationReport), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn validate_source(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiJson(request): ApiJson<ValidateRequest>,
) -> Result<Json<ValidationReport>, ApiError> {
    let report = validate_request(&state.catalog, state.engine.policy(), &ws.id, request).await?;
    Ok(Json(report))
}

#[utoipa::path(get, path = "/v1/jobs", tag = "jobs", params(JobListParams), responses((status = 200, body = Page<Job>)))]
pub(crate) async fn list_jobs(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiQuery(params): ApiQuery<JobListParams>,
) -> Result<Json<Page<Job>>, ApiError> {
    let state_filter = match params.state.as_deref() {
        Some(s) => Some(JobState::parse(s).ok_or_else(|| {
            WharfError::invalid(format!("state '{s}' is not known; expected queued, running, succeeded, partial, failed or cancelled"))
        })?),
        None => None,
    };
    let filter = JobFilter {
        state: state_filter,
        dataset: params.dataset,
        offset: params.next.unwrap_or(0),
        limit: params.limit.unwrap_or(100),
    };
    Ok(Json(state.catalog.list_jobs(&ws.id, &filter).await?))
}

#[utoipa::path(get, path = "/v1/jobs/{job}", tag = "jobs", params(("job" = String, Path)),
    responses((status = 200, body = Job), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn get_job(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath(job): ApiPath<String>,
) -> Result<Json<Job>, ApiError> {
    Ok(Json(state.catalog.get_job(&ws.id, &job).await?))
}

/// Cancels a queued job at once; a running job stops at its next batch and undoes its writes.
#[utoipa::path(post, path = "/v1/jobs/{job}/cancel", tag = "jobs", params(("job" = String, Path)),
    responses((status = 200, body = Job), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn cancel_job(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath(job): ApiPath<String>,
) -> Result<Json<Job>, ApiError> {
    Ok(Json(state.catalog.cancel_job(&ws.id, &job).await?))
}

#[utoipa::path(get, path = "/v1/jobs/{job}/errors", tag = "jobs", params(("job" = String, Path), ErrorListParams),
    responses((status = 200, body = Page<JobError>)))]
pub(crate) async fn list_job_errors(
    State(state): State<AppState>,
    Authed(ws): Authed,
    ApiPath(job): ApiPath<String>,
    ApiQuery(params): ApiQuery<ErrorListParams>,
) -> Result<Json<Page<JobError>>, ApiError> {
    Ok(Json(
        state
            .catalog
            .list_job_errors(&ws.id, &job, params.next, params.limit.unwrap_or(100))
            .await?,
    ))
}
