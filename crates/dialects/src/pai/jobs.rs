//! PAI's dataset jobs: FileMetaBuild as a native import of the version's data source, whose
//! files become the version's file metadata.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use sha2::{Digest, Sha256};
use wharf_catalog::NewFileRecord;
use wharf_engine::{ImportRequest, submit_import};
use wharf_formats::PLAIN;
use wharf_model::{
    Dataset, Dialect, ErrorCode, ImportOptions, Job, JobState, WharfError, Workspace,
};
use wharf_storage::SourceUri;

use super::checks::one_of;
use super::envelope::{CONFLICT, DATASET_ERROR, Nothing, PaiError, answer};
use super::handlers::{
    Answered, dataset_of, dataset_to_change, descending, one_param, paging, parse_body, two_params,
    update_profile, version_mut,
};
use super::wire::{
    CreateJobBody, DatasetProfile, JobCreated, JobList, JobRecord, JobView, ListJobsQuery,
    VersionRecord,
};
use crate::{DialectState, LOWER_ALPHANUMERIC, random_id};

/// The platform's job actions; Wharf serves the first.
const JOB_ACTIONS: &[&str] = &[
    "FileMetaBuild",
    "SemanticIndex",
    "IntelligentTag",
    "FileMetaExport",
    "IntelligentTagRevert",
    "FileMetaImport",
];
const FILE_META_BUILD: &str = "FileMetaBuild";
const JOB_MODES: &[&str] = &["Full", "Increment"];
const JOB_STATUSES: &[&str] = &[
    "Pending",
    "Starting",
    "Running",
    "Succeeded",
    "Failed",
    "PartialFailed",
    "ManuallyStop",
    "Deleting",
    "Deleted",
];
const JOB_SORTS: &[&str] = &["CreateTime", "FinishTime", "Status", "JobAction"];
/// Item errors a job's `Logs` show at most.
const LOGGED_ERRORS: i64 = 20;

/// Files a version of each edition may manage: the ADVANCED figure is the platform's
/// multimodal data management guide's ("a single dataset version can hold at most 1,000,000
/// files"), the LOGICAL one the CreateDataset page's ("up to 3 million files").
pub(crate) fn file_limit(edition: &str) -> Option<i64> {
    match edition {
        "ADVANCED" => Some(1_000_000),
        "LOGICAL" => Some(3_000_000),
        _ => None,
    }
}

/// Refuses file metadata for a BASIC dataset, as the platform's editions have it.
pub(crate) fn check_edition(dataset_id: &str, profile: &DatasetProfile) -> Result<(), PaiError> {
    if file_limit(&profile.edition).is_none() {
        return Err(PaiError::unsupported(format!(
            "dataset {dataset_id} is of the {} edition, which has no file metadata; \
                 make it ADVANCED or LOGICAL with UpdateDataset (Edition) first",
            profile.edition
        )));
    }
    Ok(())
}

pub(crate) async fn create_job(
    State(state): State<DialectState>,
    path: Result<Path<String>, PathRejection>,
    signed: super::auth::Signed,
) -> Answered<JobCreated> {
    let dataset_id = one_param(path)?;
    let workspace = &signed.workspace;
    let body: CreateJobBody = parse_body(&signed.body)?;
    let action = one_of(
        "JobAction",
        &body
            .job_action
            .ok_or_else(|| PaiError::missing("JobAction", "FileMetaBuild"))?,
        JOB_ACTIONS,
    )?;
    if action != FILE_META_BUILD {
        return Err(PaiError::unsupported(format!(
            "JobAction {action} is not served: it runs the platform's own models or exports; \
                 Wharf builds file metadata from a version's data source (JobAction FileMetaBuild)"
        )));
    }
    let mode = match body.job_mode {
        Some(m) => one_of("JobMode", &m, JOB_MODES)?,
        None => "Full".to_owned(),
    };
    if mode != "Full" {
        return Err(PaiError::invalid(
            "JobMode is Increment, which only SemanticIndex and IntelligentTag have; FileMetaBuild is Full \
             (a build reads again only what changed anyway)",
        ));
    }
    let job_spec = body.job_spec.filter(|s| !s.trim().is_empty());
    if let Some(spec) = &job_spec
        && serde_json::from_str::<serde_json::Value>(spec).is_err()
    {
        return Err(PaiError::invalid(format!(
            "JobSpec is not JSON: '{spec}'; expected a JSON string such as {{}}"
        )));
    }
    let (dataset, profile) = dataset_to_change(&state, workspace, &dataset_id).await?;
    check_edition(&dataset.id, &profile)?;
    let version = match body.dataset_version.filter(|v| !v.trim().is_empty()) {
        Some(name) => profile
            .versions
            .iter()
            .find(|v| v.version_name == name)
            .ok_or_else(|| PaiError::no_version(&dataset.id, &name))?,
        None => profile
            .versions
            .last()
            .ok_or_else(|| PaiError::missing("DatasetVersion", "a version of the dataset"))?,
    }
    .clone();
    if version.property != "DIRECTORY" {
        return Err(PaiError::invalid(format!(
            "version {} is a FILE; FileMetaBuild reads the files of a DIRECTORY version",
            version.version_name
        )));
    }
    let settled = settle(&state, workspace, &dataset).await?;
    if let Some(busy) = settled.jobs.iter().find(|j| !j.settled) {
        return Err(PaiError::new(
            StatusCode::CONFLICT,
            CONFLICT,
            format!(
                "dataset {} already has a FileMetaBuild running (DatasetJobId {}); wait until it ends, or stop it",
                dataset.id, busy.dataset_job_id
            ),
        ));
    }
    let uri = source_uri(&version.uri)?;
    let connection = connection_for(&state, &workspace.id, &uri).await?;
    let request = ImportRequest {
        source: uri.as_str().to_owned(),
        dataset: dataset.id.clone(),
        create_dataset: false,
        data_type: None,
        credentials: None,
        connection,
        dialect: Some(Dialect::Pai),
        // PAI's dataset job ids read `dsjob-` and lowercase letters and digits.
        job_id: Some(format!("dsjob-{}", random_id(18, LOWER_ALPHANUMERIC))),
        options: ImportOptions {
            format: Some(PLAIN.to_owned()),
            import_annotations: false,
            ..ImportOptions::default()
        },
    };
    let job = submit_import(
        &state.catalog,
        state.engine.policy(),
        &workspace.id,
        request,
    )
    .await
    .map_err(|e| {
        let mut refused = PaiError::from(e);
        refused.message = format!(
            "version {} Uri {}: {}",
            version.version_name, version.uri, refused.message
        );
        refused
    })?;
    state.engine.wake();
    let record = JobRecord {
        dataset_job_id: job.id.clone(),
        job_action: action,
        job_mode: mode,
        job_spec,
        dataset_version: version.version_name.clone(),
        description: body.description.unwrap_or_default(),
        workspace_id: body
            .workspace_id
            .filter(|w| !w.trim().is_empty())
            .unwrap_or_else(|| profile.workspace_id.clone()),
        settled: false,
        refusal: None,
        records: None,
    };
    if let Err(e) = update_profile(&state, workspace, &dataset, |p| {
        p.jobs.push(record.clone());
        Ok(())
    })
    .await
    {
        if let Err(undo) = state.catalog.cancel_job(&workspace.id, &job.id).await {
            tracing::warn!(job = %job.id, error = %undo, "cannot cancel an import whose dataset job was not recorded");
        }
        return Err(e);
    }
    Ok(answer(JobCreated {
        dataset_job_id: job.id,
    }))
}

pub(crate) async fn get_job(
    State(state): State<DialectState>,
    path: Result<Path<(String, String)>, PathRejection>,
    signed: super::auth::Signed,
) -> Answered<JobView> {
    let (dataset_id, job_id) = two_params(path)?;
    let workspace = &signed.workspace;
    let (dataset, _) = dataset_of(&state, workspace, &dataset_id).await?;
    let profile = settle(&state, workspace, &dataset).await?;
    let record = profile
        .jobs
        .iter()
        .find(|j| j.dataset_job_id == job_id)
        .ok_or_else(|| no_job(&dataset.id, &job_id))?;
    let job = state.catalog.get_job(&workspace.id, &job_id).await?;
    Ok(answer(
        job_view(&state, workspace, record, &job, true).await?,
    ))
}

pub(crate) async fn list_jobs(
    State(state): State<DialectState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<ListJobsQuery>, QueryRejection>,
    signed: super::auth::Signed,
) -> Answered<JobList> {
    let dataset_id = one_param(path)?;
    let Query(query) = query.map_err(|e| PaiError::invalid(e.body_text()))?;
    let workspace = &signed.workspace;
    let (page_number, page_size) =
        paging(query.page_number.as_deref(), query.page_size.as_deref())?;
    let action = query
        .job_action
        .filter(|a| !a.trim().is_empty())
        .map(|a| one_of("JobAction", &a, JOB_ACTIONS))
        .transpose()?;
    let status = query
        .status
        .filter(|s| !s.trim().is_empty())
        .map(|s| one_of("Status", &s, JOB_STATUSES))
        .transpose()?;
    let sort_by = match query.sort_by.filter(|s| !s.trim().is_empty()) {
        Some(s) => one_of("SortBy", &s, JOB_SORTS)?,
        None => "CreateTime".to_owned(),
    };
    // Newest first unless asked otherwise, as the platform lists jobs.
    let descending = query.order.is_none() || descending(query.order.as_deref())?;
    let with_logs = query
        .with_logs
        .is_some_and(|w| w.trim().eq_ignore_ascii_case("true"));
    let (dataset, _) = dataset_of(&state, workspace, &dataset_id).await?;
    let profile = settle(&state, workspace, &dataset).await?;
    let mut views = Vec::new();
    for record in profile.jobs.iter().filter(|j| {
        action.as_ref().is_none_or(|a| *a == j.job_action)
            && query
                .dataset_version
                .as_ref()
                .is_none_or(|v| v.trim().is_empty() || *v == j.dataset_version)
    }) {
        let job = state
            .catalog
            .get_job(&workspace.id, &record.dataset_job_id)
            .await?;
        let view = job_view(&state, workspace, record, &job, with_logs).await?;
        if status.as_ref().is_none_or(|s| s == view.status) {
            views.push(view);
        }
    }
    views.sort_by(|a, b| {
        let key = match sort_by.as_str() {
            "FinishTime" => a.finish_time.cmp(&b.finish_time),
            "Status" => a.status.cmp(b.status),
            "JobAction" => a.job_action.cmp(&b.job_action),
            _ => a.create_time.cmp(&b.create_time),
        };
        key.then_with(|| a.dataset_job_id.cmp(&b.dataset_job_id))
    });
    if descending {
        views.reverse();
    }
    let total_count = views.len() as i64;
    let dataset_jobs = views
        .into_iter()
        .skip(((page_number - 1) * page_size) as usize)
        .take(page_size as usize)
        .collect();
    Ok(answer(JobList {
        dataset_jobs,
        total_count,
    }))
}

pub(crate) async fn stop_job(
    State(state): State<DialectState>,
    path: Result<Path<(String, String)>, PathRejection>,
    signed: super::auth::Signed,
) -> Answered<Nothing> {
    let (dataset_id, job_id) = two_params(path)?;
    let workspace = &signed.workspace;
    let (dataset, profile) = dataset_to_change(&state, workspace, &dataset_id).await?;
    if !profile.jobs.iter().any(|j| j.dataset_job_id == job_id) {
        return Err(no_job(&dataset.id, &job_id));
    }
    state.catalog.cancel_job(&workspace.id, &job_id).await?;
    Ok(answer(Nothing {}))
}

fn no_job(dataset_id: &str, job_id: &str) -> PaiError {
    PaiError::new(
        StatusCode::BAD_REQUEST,
        DATASET_ERROR,
        format!("Dataset job not found: dataset {dataset_id} has no job {job_id}"),
    )
    .recommend("List the dataset's jobs with ListDatasetJobs for their DatasetJobId.")
}

/// Takes the end of every finished, not yet settled build of a dataset into account: a
/// succeeded import's files become its version's file metadata (unless there are more than the
/// edition allows). Returns the dataset's PAI record as it then is.
///
/// A version of a million files takes a while to sync, longer than a client may wait: the
/// work runs on a task of its own, which goes on to the end when the client gives up, so
/// that a later call finds it done rather than starting over.
pub(crate) async fn settle(
    state: &DialectState,
    workspace: &Workspace,
    dataset: &Dataset,
) -> Result<DatasetProfile, PaiError> {
    let (state, workspace, dataset) = (state.clone(), workspace.clone(), dataset.clone());
    tokio::spawn(async move { settle_builds(&state, &workspace, &dataset).await })
        .await
        .map_err(|e| {
            PaiError::from(WharfError::internal(format!(
                "taking a finished build into account stopped: {e}"
            )))
        })?
}

async fn settle_builds(
    state: &DialectState,
    workspace: &Workspace,
    dataset: &Dataset,
) -> Result<DatasetProfile, PaiError> {
    let (_, profile) = dataset_of(state, workspace, &dataset.id).await?;
    let mut outcomes = Vec::new();
    for record in profile.jobs.iter().filter(|j| !j.settled) {
        let job = state
            .catalog
            .get_job(&workspace.id, &record.dataset_job_id)
            .await?;
        if !job.state.is_finished() {
            continue;
        }
        let built = match (job.state, job.result.as_ref().and_then(|r| r.version)) {
            (JobState::Succeeded | JobState::Partial, Some(native)) => {
                Some(build(state, workspace, dataset, &profile, record, native).await?)
            }
            _ => None,
        };
        outcomes.push((record.dataset_job_id.clone(), built));
    }
    if outcomes.is_empty() {
        return Ok(profile);
    }
    update_profile(state, workspace, dataset, |p| {
        for (job_id, built) in &outcomes {
            let Some(record) = p.jobs.iter_mut().find(|j| j.dataset_job_id == *job_id) else {
                continue;
            };
            record.settled = true;
            let version_name = record.dataset_version.clone();
            match built {
                Some(Build::Made { native, records }) => {
                    record.records = Some(*records);
                    if let Ok(version) = version_mut(p, &dataset.id, &version_name) {
                        version.native_version = Some(*native);
                    }
                }
                Some(Build::Refused(why)) => record.refusal = Some(why.clone()),
                None => {}
            }
        }
        Ok(p.clone())
    })
    .await
}

enum Build {
    Made { native: i64, records: i64 },
    Refused(String),
}

/// Makes the files of native version `native` the file metadata of the job's PAI version.
async fn build(
    state: &DialectState,
    workspace: &Workspace,
    dataset: &Dataset,
    profile: &DatasetProfile,
    record: &JobRecord,
    native: i64,
) -> Result<Build, PaiError> {
    let files = state
        .catalog
        .get_version(&workspace.id, &dataset.id, native)
        .await?
        .file_count;
    if let Some(limit) = file_limit(&profile.edition)
        && files > limit
    {
        return Ok(Build::Refused(format!(
            "version {} holds {files} files; a version of the {} edition manages at most {limit}, so no file metadata was made",
            record.dataset_version, profile.edition
        )));
    }
    let Some(version) = profile
        .versions
        .iter()
        .find(|v| v.version_name == record.dataset_version)
    else {
        // The version was deleted while its build ran: nothing to keep.
        return Ok(Build::Made { native, records: 0 });
    };
    let base = file_uri_base(version);
    let records = state
        .catalog
        .sync_file_records(
            &workspace.id,
            &dataset.id,
            &version.version_name,
            native,
            |file| {
                let uri = format!("{base}{}", file.path);
                let (dir, name) = split_uri(&uri);
                NewFileRecord {
                    id: file_meta_id(&dataset.id, &version.version_name, &uri),
                    dir,
                    name,
                    fingerprint: file.fingerprint.clone(),
                    size: Some(file.size),
                    media_type: file.media_type.clone(),
                    file_created_ms: None,
                    file_updated_ms: file.modified_at.as_deref().and_then(epoch_ms),
                    attributes: match (file.width, file.height) {
                        (Some(w), Some(h)) => Some(
                            serde_json::json!({"Image": {"Width": w, "Height": h}}).to_string(),
                        ),
                        _ => None,
                    },
                    comment: None,
                    uri,
                }
            },
        )
        .await?;
    Ok(Build::Made { native, records })
}

/// A file's metadata id: the hex SHA-256 of the dataset, the version and the file's URI, so
/// the same file of the same version always has the same id.
pub(crate) fn file_meta_id(dataset_id: &str, version: &str, uri: &str) -> String {
    hex::encode(Sha256::digest(
        format!("{dataset_id}\n{version}\n{uri}").as_bytes(),
    ))
}

/// The URI the files of a version are under, in the file metadata form (no endpoint):
/// `oss://bucket.endpoint/path/` is `oss://bucket/path/`.
fn file_uri_base(version: &VersionRecord) -> String {
    let (scheme, rest) = version
        .uri
        .split_once("://")
        .unwrap_or(("oss", &version.uri));
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let bucket = match scheme {
        "oss" => host.split_once('.').map_or(host, |(b, _)| b),
        _ => host,
    };
    let path = path.trim_matches('/');
    if path.is_empty() {
        format!("{scheme}://{bucket}/")
    } else {
        format!("{scheme}://{bucket}/{path}/")
    }
}

/// The folder (the object key's, without the bucket) and name of a file's URI.
pub(crate) fn split_uri(uri: &str) -> (String, String) {
    let key = uri.split_once("://").map_or(uri, |(_, rest)| {
        rest.split_once('/').map_or("", |(_, key)| key)
    });
    match key.rsplit_once('/') {
        Some((dir, name)) => (dir.to_owned(), name.to_owned()),
        None => (String::new(), key.to_owned()),
    }
}

/// A version's `Uri` as a source Wharf reads: `oss://bucket.endpoint/path` with OSS's own
/// protocol, `s3://bucket/path` with S3's.
fn source_uri(uri: &str) -> Result<SourceUri, PaiError> {
    SourceUri::parse(uri).map_err(|e| {
        let mut refused = PaiError::from(e);
        refused.message = format!("the version's Uri {uri}: {}", refused.message);
        refused
    })
}

/// The stored connection a build reads `uri` with: the one named after its bucket, else the one
/// named `default`, else none (the worker's environment).
async fn connection_for(
    state: &DialectState,
    workspace_id: &str,
    uri: &SourceUri,
) -> Result<Option<String>, PaiError> {
    for name in [uri.bucket.as_str(), "default"] {
        if name.is_empty() {
            continue;
        }
        match state.catalog.get_connection(workspace_id, name).await {
            Ok(connection) => return Ok(Some(connection.name)),
            Err(e) if e.code == ErrorCode::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(None)
}

/// A native import as the platform's dataset job.
async fn job_view(
    state: &DialectState,
    workspace: &Workspace,
    record: &JobRecord,
    job: &Job,
    with_logs: bool,
) -> Result<JobView, PaiError> {
    let status = match (job.state, record.settled, &record.refusal) {
        (JobState::Queued, _, _) => "Pending",
        (JobState::Running, _, _) => "Running",
        (_, false, _) => "Running",
        (_, true, Some(_)) => "Failed",
        (JobState::Succeeded, _, _) => "Succeeded",
        (JobState::Partial, _, _) => "PartialFailed",
        (JobState::Failed, _, _) => "Failed",
        (JobState::Cancelled, _, _) => "ManuallyStop",
    };
    let c = &job.counters;
    let logs = if with_logs {
        Some(logs_of(state, workspace, record, job, status).await?)
    } else {
        None
    };
    Ok(JobView {
        dataset_job_id: record.dataset_job_id.clone(),
        job_action: record.job_action.clone(),
        job_mode: record.job_mode.clone(),
        job_spec: record.job_spec.clone(),
        dataset_version: record.dataset_version.clone(),
        description: record.description.clone(),
        workspace_id: record.workspace_id.clone(),
        status,
        total_file_count: c.discovered,
        completed_file_count: c.imported + c.unchanged + c.skipped,
        failed_file_count: c.failed,
        create_time: job.created_at.clone(),
        finish_time: job.finished_at.clone(),
        logs,
    })
}

/// The job's log lines, as the platform writes them (`2025-02-17 09:58:10.143 INFO: ...`).
async fn logs_of(
    state: &DialectState,
    workspace: &Workspace,
    record: &JobRecord,
    job: &Job,
    status: &str,
) -> Result<Vec<String>, PaiError> {
    let line = |at: &str, level: &str, text: String| format!("{} {level}: {text}", log_time(at));
    let mut logs = vec![line(
        &job.created_at,
        "INFO",
        format!(
            "{} of version {} queued: reading {}",
            record.job_action, record.dataset_version, job.source_uri
        ),
    )];
    if let Some(started) = &job.started_at {
        logs.push(line(started, "INFO", "Job started.".to_owned()));
    }
    let errors = state
        .catalog
        .list_job_errors(&workspace.id, &job.id, None, LOGGED_ERRORS)
        .await?;
    for error in &errors.items {
        logs.push(line(
            &error.created_at,
            "ERROR",
            format!("{}: {} ({})", error.path, error.message, error.code),
        ));
    }
    if errors.next.is_some() {
        logs.push(line(
            &job.updated_at,
            "ERROR",
            format!(
                "more errors than these {LOGGED_ERRORS}: Wharf's API lists them all (GET /v1/jobs/{}/errors)",
                job.id
            ),
        ));
    }
    if let Some(finished) = &job.finished_at {
        let text = match (status, &record.refusal) {
            (_, Some(refusal)) => ("ERROR", refusal.clone()),
            ("Succeeded" | "PartialFailed", _) => (
                "INFO",
                format!(
                    "Job completed: {} files read, {} failed, {} file metadata records made.",
                    job.counters.processed,
                    job.counters.failed,
                    record.records.unwrap_or_default()
                ),
            ),
            ("ManuallyStop", _) => ("WARN", "Job stopped manually.".to_owned()),
            _ => (
                "ERROR",
                format!(
                    "Job failed: {}",
                    job.error_message.clone().unwrap_or_default()
                ),
            ),
        };
        logs.push(line(finished, text.0, text.1));
    }
    Ok(logs)
}

/// `2025-02-17 09:58:10.143` of an RFC 3339 time.
fn log_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
        .unwrap_or_else(|_| at.to_owned())
}

pub(crate) fn epoch_ms(time: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(time)
        .ok()
        .map(|t| t.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(uri: &str) -> VersionRecord {
        VersionRecord {
            version_name: "v1".into(),
            gmt_create_time: String::new(),
            gmt_modified_time: String::new(),
            property: "DIRECTORY".into(),
            data_source_type: "OSS".into(),
            uri: uri.into(),
            labels: Vec::new(),
            options: None,
            source_type: "USER".into(),
            source_id: None,
            description: String::new(),
            data_count: 0,
            data_size: 0,
            import_info: None,
            native_version: None,
        }
    }

    #[test]
    fn file_uris_drop_the_endpoint() {
        assert_eq!(
            file_uri_base(&version("oss://bkt.oss-cn-beijing.aliyuncs.com/a/b/")),
            "oss://bkt/a/b/"
        );
        assert_eq!(
            file_uri_base(&version("oss://bkt.oss-cn-beijing.aliyuncs.com/")),
            "oss://bkt/"
        );
        assert_eq!(file_uri_base(&version("s3://bkt/x")), "s3://bkt/x/");
        assert_eq!(
            split_uri("oss://bkt/a/b/c.png"),
            ("a/b".to_owned(), "c.png".to_owned())
        );
        assert_eq!(
            split_uri("oss://bkt/c.png"),
            (String::new(), "c.png".to_owned())
        );
        let id = file_meta_id("d", "v1", "oss://bkt/c.png");
        assert_eq!(id.len(), 64);
        assert_ne!(id, file_meta_id("d", "v2", "oss://bkt/c.png"));
        assert_eq!(
            log_time("2025-02-17T09:58:10.143Z"),
            "2025-02-17 09:58:10.143"
        );
        assert_eq!(file_limit("LOGICAL"), Some(3_000_000));
        assert_eq!(file_limit("BASIC"), None);
    }
}
