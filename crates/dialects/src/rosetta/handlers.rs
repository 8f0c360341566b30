//! Rosetta's endpoints, each a translation into Wharf's own service and back.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use sha2::{Digest, Sha256};
use wharf_catalog::{JobFilter, NewDataset, SampleQuery, validate_dataset_name};
use wharf_engine::{ImportRequest, ValidateRequest, submit_import, validate_request};
use wharf_formats::rosetta;
use wharf_model::{
    Dialect, ErrorCode, ImportOptions, Job, JobState, ProblemCode, Severity, Workspace,
};
use wharf_storage::Credentials;

use super::VALIDATE_WITHIN;
use super::auth::Caller;
use super::envelope::{DATASET_NOT_EXISTS, Diagnosis, PROJECT_NOT_EXISTS, RosettaError, Success};
use super::wire::{
    BUILDING, ERROR, ImportBody, ImportData, Mapping, READY, StatusData, StatusQuery, TaskRef,
};
use crate::DialectState;

/// The longest dataset name, in bytes.
const MAX_NAME_BYTES: usize = 60;
/// The format Wharf reads a `fileTreeType` 0 tree as.
/// Data items listed per catalog page while building a mapping list.
const PAGE: i64 = 1000;

pub(crate) async fn import(
    State(state): State<DialectState>,
    Caller(workspace): Caller,
    body: Result<Json<ImportBody>, JsonRejection>,
) -> Result<Success<ImportData>, RosettaError> {
    let Json(body) = body.map_err(|e| RosettaError::illegal(e.body_text()))?;
    let dataset_id = start(&state, &workspace.id, body, false).await?;
    Ok(Success(ImportData {
        dataset_id,
        status: BUILDING,
        success_task_list: None,
        error_data_id_list: None,
    }))
}

pub(crate) async fn annotation_import(
    State(state): State<DialectState>,
    Caller(workspace): Caller,
    body: Result<Json<ImportBody>, JsonRejection>,
) -> Result<Success<ImportData>, RosettaError> {
    let Json(body) = body.map_err(|e| RosettaError::illegal(e.body_text()))?;
    let dataset_id = start(&state, &workspace.id, body, true).await?;
    // The platform's answer lists the tasks made (the seed's example fills both lists), so a
    // script may read them at once: the answer waits a while for the import, whose end makes
    // the tasks. An import still running then answers BUILDING with empty lists, and the
    // status lists the tasks once it is done.
    let deadline = tokio::time::Instant::now() + ANSWER_TASKS_WITHIN;
    loop {
        let now = status_of(&state, &workspace, &dataset_id).await?;
        if now.status != BUILDING || tokio::time::Instant::now() >= deadline {
            return Ok(Success(ImportData {
                dataset_id,
                status: now.status,
                success_task_list: Some(now.success_task_list.unwrap_or_default()),
                error_data_id_list: Some(now.error_data_id_list.unwrap_or_default()),
            }));
        }
        tokio::time::sleep(TASKS_POLL).await;
    }
}

/// How long an annotation request waits for its import to end, to answer with its tasks.
const ANSWER_TASKS_WITHIN: std::time::Duration = std::time::Duration::from_secs(20);
/// How often it looks.
const TASKS_POLL: std::time::Duration = std::time::Duration::from_millis(100);

/// Checks a request, its tree, and queues the import. Returns the dataset's id.
async fn start(
    state: &DialectState,
    workspace_id: &str,
    body: ImportBody,
    annotation_request: bool,
) -> Result<String, RosettaError> {
    let name = body.name.trim();
    if name.is_empty() || name.len() > MAX_NAME_BYTES {
        return Err(RosettaError::illegal(format!(
            "name is {} bytes; expected 1 to {MAX_NAME_BYTES} bytes",
            name.len()
        )));
    }
    if body.file_tree_type.trim() != "0" {
        return Err(RosettaError::illegal(format!(
            "fileTreeType is \"{}\"; expected \"0\" (sensor oriented)",
            body.file_tree_type
        )));
    }
    let data_type = match body.data_type {
        2 => "image",
        3 => "point_cloud",
        other => {
            return Err(RosettaError::illegal(format!(
                "dataType is {other}; expected 2 (2D) or 3 (3D)"
            )));
        }
    };
    let project = match (annotation_request, body.project_id) {
        (false, _) => None,
        (true, None) => return Err(RosettaError::illegal("projectId is required")),
        (true, Some(id)) => {
            state
                .catalog
                .get_project(workspace_id, id)
                .await
                .map_err(|_| {
                    RosettaError::new(
                        PROJECT_NOT_EXISTS,
                        format!("Project not exists: no project {id} in this workspace"),
                    )
                })?;
            Some(id)
        }
    };
    let credentials = body.external_storage.map(|s| Credentials {
        access_key_id: s.access_key,
        secret_access_key: s.secrete_key,
        protocol: s
            .endpoint
            .as_ref()
            .map(|_| protocol_of_vendor(s.vendor_type.as_deref()).to_owned()),
        endpoint: s.endpoint,
        ..Credentials::default()
    });
    check_tree(
        state,
        workspace_id,
        &body.resource_url,
        data_type,
        credentials.clone(),
    )
    .await?;
    let dataset = match native_name(name) {
        None => name.to_owned(),
        Some(native) => {
            make_named(state, workspace_id, &native, name, data_type).await?;
            native
        }
    };
    let job = submit_import(
        &state.catalog,
        state.engine.policy(),
        workspace_id,
        ImportRequest {
            source: body.resource_url,
            dataset,
            create_dataset: true,
            data_type: Some(data_type.to_owned()),
            credentials,
            connection: None,
            dialect: Some(Dialect::Rosetta),
            job_id: None,
            options: ImportOptions {
                format: Some(rosetta::FORMAT.to_owned()),
                annotation_project: project,
                ..ImportOptions::default()
            },
        },
    )
    .await?;
    state.engine.wake();
    Ok(job.dataset_id)
}

/// Wharf's name for a dataset the platform names `name`, when Wharf's own rule (letters,
/// digits, `_`, `-`, `.`) refuses it: the platform takes any 1 to 60 bytes. The other
/// characters become `_`, and a short hash of the whole name follows, so that two platform
/// names never meet in one dataset. `None` when the name is Wharf's as it is.
fn native_name(name: &str) -> Option<String> {
    if validate_dataset_name(name).is_ok() {
        return None;
    }
    let readable: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let hash = &hex::encode(Sha256::digest(name.as_bytes()))[..8];
    Some(format!("r{readable}-{hash}"))
}

/// The store protocol an `externalStorage` endpoint speaks, from its `vendorType`. The
/// platform reads "your own storage which follow the S3 protocol" there, whatever the scheme of
/// `resourceUrl` (`gs://` in its examples): S3 unless the vendor names another store's own
/// protocol.
fn protocol_of_vendor(vendor: Option<&str>) -> &'static str {
    let vendor = vendor.unwrap_or_default().trim().to_ascii_lowercase();
    match vendor.as_str() {
        "gcs" | "gs" | "google" => "gcs",
        "azure" | "azblob" => "azblob",
        "oss" | "aliyun" | "alibaba" => "oss",
        "obs" | "huawei" => "obs",
        _ => "s3",
    }
}

/// Makes the dataset Wharf calls `native` unless it is there, with the platform's `name` as
/// its description, for the import to find.
async fn make_named(
    state: &DialectState,
    workspace_id: &str,
    native: &str,
    name: &str,
    data_type: &str,
) -> Result<(), RosettaError> {
    if state
        .catalog
        .find_dataset(workspace_id, native)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let made = state
        .catalog
        .create_dataset(
            workspace_id,
            NewDataset {
                name: native.to_owned(),
                description: name.to_owned(),
                data_type: Some(data_type.to_owned()),
                labels: Default::default(),
                origin: Some(Dialect::Rosetta),
                id: None,
            },
        )
        .await;
    match made {
        Ok(_) => Ok(()),
        // A request at the same moment made it: the import finds it all the same.
        Err(e) if e.code == ErrorCode::AlreadyExists => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Lists the tree and refuses it with 5710 when a folder or file is out of place for a tree of
/// `data_type` (2D: cameras only; 3D: lidars, and cameras if any), naming each.
/// A tree that takes longer than [`VALIDATE_WITHIN`] to list is left to the job.
async fn check_tree(
    state: &DialectState,
    workspace_id: &str,
    resource_url: &str,
    data_type: &str,
    credentials: Option<Credentials>,
) -> Result<(), RosettaError> {
    let request = ValidateRequest {
        source: resource_url.to_owned(),
        format: Some(rosetta::FORMAT.to_owned()),
        credentials,
        connection: None,
        data_type: Some(data_type.to_owned()),
    };
    let validation = validate_request(&state.catalog, state.engine.policy(), workspace_id, request);
    let report = match tokio::time::timeout(VALIDATE_WITHIN, validation).await {
        Ok(report) => report?,
        Err(_) => {
            tracing::info!(
                "the tree at {resource_url} took longer than {VALIDATE_WITHIN:?} to check; the import job checks it"
            );
            return Ok(());
        }
    };
    let misplaced: Vec<Diagnosis> = report
        .problems
        .iter()
        .filter(|p| p.code == ProblemCode::LayoutMismatch && p.severity == Severity::Error)
        // The reader heads the list with a summary; the answer's own message is the platform's.
        .filter(|p| !p.message.starts_with(rosetta::TREE_MISFIT))
        .map(Diagnosis::from)
        .collect();
    if misplaced.is_empty() {
        Ok(())
    } else {
        Err(RosettaError::misaligned(misplaced))
    }
}

pub(crate) async fn status(
    State(state): State<DialectState>,
    Caller(workspace): Caller,
    query: Result<Query<StatusQuery>, QueryRejection>,
) -> Result<Success<StatusData>, RosettaError> {
    let Query(query) = query.map_err(|e| RosettaError::illegal(e.body_text()))?;
    let Some(dataset_id) = query.dataset_id.filter(|id| !id.trim().is_empty()) else {
        return Err(RosettaError::illegal("datasetId is required"));
    };
    Ok(Success(status_of(&state, &workspace, &dataset_id).await?))
}

/// A dataset's status as `GET /dataset/status` answers it.
async fn status_of(
    state: &DialectState,
    workspace: &Workspace,
    dataset_id: &str,
) -> Result<StatusData, RosettaError> {
    let not_exists = || {
        RosettaError::new(
            DATASET_NOT_EXISTS,
            format!("Dataset not exists: no dataset {dataset_id} in this workspace"),
        )
    };
    let dataset = state
        .catalog
        .find_dataset(&workspace.id, dataset_id)
        .await?
        .filter(|d| d.id == dataset_id)
        .ok_or_else(not_exists)?;
    let latest = state
        .catalog
        .list_jobs(
            &workspace.id,
            &JobFilter {
                dataset: Some(dataset.id.clone()),
                limit: 1,
                ..JobFilter::default()
            },
        )
        .await?
        .items
        .into_iter()
        .next();
    let status = match latest.as_ref().map(|j| j.state) {
        Some(JobState::Queued | JobState::Running) => BUILDING,
        Some(JobState::Failed | JobState::Cancelled) => ERROR,
        Some(JobState::Succeeded | JobState::Partial) | None => READY,
    };
    let mut mapping_list = Vec::new();
    if status == READY {
        let mut cursor = None;
        loop {
            let page = state
                .catalog
                .list_samples(
                    &workspace.id,
                    &dataset.id,
                    &SampleQuery {
                        cursor,
                        limit: PAGE,
                        ..SampleQuery::default()
                    },
                )
                .await?;
            mapping_list.extend(page.items.into_iter().map(|s| Mapping {
                data_id: s.id,
                scene_id: s.scene,
            }));
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
    }
    let (mut success_task_list, mut error_data_id_list) = (None, None);
    if let Some(job) = &latest
        && let Some(project) = job.options.annotation_project
    {
        let done = status == READY;
        let tasks = if done {
            state.catalog.tasks_of_job(&job.id).await?
        } else {
            Vec::new()
        };
        success_task_list = Some(
            tasks
                .into_iter()
                .map(|t| TaskRef {
                    task_id: t.id.to_string(),
                    data_id: t.sample_id,
                })
                .collect(),
        );
        error_data_id_list = Some(if done {
            state
                .catalog
                .untasked_samples_of_job(&job.id, project)
                .await?
        } else {
            Vec::new()
        });
    }
    // Failed items are named the platform's way whether some failed (a partial import) or
    // every one did (the job failed for it); any other failure keeps its own message.
    let error_message = match latest {
        Some(job)
            if job.state == JobState::Partial
                || job.error_code == Some(ErrorCode::ItemReadFailed) =>
        {
            Some(failed_items(state, &workspace.id, &job).await?)
        }
        Some(job) if status == ERROR => job.error_message,
        _ => None,
    };
    Ok(StatusData {
        status,
        dataset_id: dataset.id,
        mapping_list,
        success_task_list,
        error_data_id_list,
        error_message,
    })
}

/// Failed items named in a status' `errorMessage`; the rest are counted.
const NAMED_FAILURES: usize = 10;
/// Pages of item errors looked through for them: warnings come between errors, and a status
/// answer must stay cheap however many the job has.
const FAILURE_PAGES: usize = 5;

/// `errorMessage` of a dataset whose import ended with failed items (Wharf's `partial`).
///
/// The platform's status has no state for "ready, but some data items are missing": its
/// statuses are 1 BUILDING, 2 READY and -1 ERROR, and its `status` data documents no error
/// field. Xtreme1, whose sensor trees are the platform's nearest kin, ends such an upload
/// `PARSE_COMPLETED` with an `errorMessage` listing what was left out, and shows it as "Success
/// with error"; Wharf's status already carries `errorMessage` for ERROR. So a partial import
/// is READY, since its `mappingList` holds every item that was imported and a script can use
/// them, with this `errorMessage`, which a script that only reads `status` ignores and one
/// that checks it finds: how many items failed and, for the first ones, the file and what was
/// wrong with it. An import in which every item failed imported nothing, and the job failed:
/// that is ERROR, with the same message. Failed items have no data id, so `errorDataIdList` (items of an
/// annotation request that got no task) cannot hold them.
async fn failed_items(
    state: &DialectState,
    workspace_id: &str,
    job: &Job,
) -> Result<String, RosettaError> {
    let mut named = Vec::new();
    let mut after = None;
    for _ in 0..FAILURE_PAGES {
        let page = state
            .catalog
            .list_job_errors(workspace_id, &job.id, after, 1000)
            .await?;
        let room = NAMED_FAILURES - named.len();
        named.extend(
            page.items
                .iter()
                .filter(|e| e.severity == Severity::Error)
                .take(room)
                // The messages of files' faults name the file; a reader's may not.
                .map(|e| {
                    if e.message.contains(e.path.as_str()) {
                        e.message.clone()
                    } else {
                        format!("{}: {}", e.path, e.message)
                    }
                }),
        );
        after = page.next.and_then(|next| next.parse().ok());
        if named.len() >= NAMED_FAILURES || after.is_none() {
            break;
        }
    }
    let failed = job.counters.failed;
    let mut message = format!(
        "{failed} data item{} could not be imported and {} not in the dataset",
        if failed == 1 { "" } else { "s" },
        if failed == 1 { "is" } else { "are" },
    );
    let unnamed = failed - named.len() as i64;
    let listed = format!("listed by GET /v1/jobs/{}/errors", job.id);
    match (named.is_empty(), unnamed > 0) {
        (true, _) => message.push_str(&format!("; they are {listed}")),
        (false, false) => message.push_str(&format!(": {}", named.join("; "))),
        (false, true) => message.push_str(&format!(
            ": {}; and {unnamed} more, {listed}",
            named.join("; ")
        )),
    }
    Ok(message)
}
