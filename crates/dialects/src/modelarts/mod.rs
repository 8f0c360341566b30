//! ModelArts (Huawei Cloud's AI platform): its dataset and import-task APIs, signed with the
//! account's AK/SK as Huawei Cloud's SDKs sign them.
//!
//! # Endpoints
//!
//! At the platform's paths; `{project_id}` is any project id the client sends, the workspace is
//! the signing key's:
//!
//! | platform | Wharf |
//! | --- | --- |
//! | `POST /v2/{project_id}/datasets` | make a dataset; when it has a data source, queue its import too (`201 {dataset_id, import_task_id}`) |
//! | `GET /v2/{project_id}/datasets` | the workspace's datasets: `{total_number, datasets}` |
//! | `GET /v2/{project_id}/datasets/{dataset_id}` | one dataset, `status` 8 while an import runs |
//! | `POST /v2/{project_id}/datasets/{dataset_id}/import-tasks` | check, then queue an import (`200 {task_id}`) |
//! | `GET .../import-tasks` | the dataset's imports: `{total_count, import_tasks}` |
//! | `GET .../import-tasks/{task_id}` | one import: status, counters, times, error |
//!
//! A dataset's fields are Wharf's (`dataset_id`, `dataset_name`, `description`, create and
//! update times, sample counts, versions as `V001`...); what ModelArts alone has
//! (`dataset_type`, `work_path`, `data_sources`, `label_format`, `labels`, `schema`,
//! `import_data`, `managed`, `workspace_id`) is kept as the dataset's ModelArts attributes and
//! shown back. A task is an import job: `task_id` is the job's id.
//!
//! # Decisions, and why
//!
//! - **Types.** `dataset_type` codes map to Wharf's data types: 0, 1, 3 image; 100, 101, 102
//!   text; 200, 201, 202 audio; 400 table; 600 video; 900 common. Another code is 4396 listing
//!   the allowed ones. A create request without one makes a free-format dataset (900), as no
//!   page gives a default. A dataset made through another API shows the code of its data type
//!   (an image dataset shows 0).
//! - **Layouts.** A manifest import reads `modelarts_manifest`, that one manifest only. A
//!   directory import reads the layout of the dataset's type: image classification, text
//!   classification, sound classification and tables the ModelArts directory layouts; object
//!   detection Pascal VOC or YOLO (`annotation_format` VOC or COCO narrows it, and is 4396 for
//!   another type); segmentation VOC; the other types every file as a sample. Before queueing,
//!   the source is detected (for at most [`VALIDATE_WITHIN`]): a source laid out for another
//!   type, say VOC files imported into an image classification dataset, is refused at once
//!   with 4340 naming what was found and what the type expects. A source nothing recognises,
//!   or too large to detect in time, is read in the type's layout, and the task's errors say
//!   what does not fit.
//! - **Paths.** `/bucket/path/`, the platform's own form (in `data_sources` and `work_path`),
//!   is read as `s3://bucket/path/`: the platform's examples name OBS objects with `s3://`,
//!   and every S3-compatible store (OBS included) answers it. `obs://`, `s3://` and every other
//!   scheme Wharf reads are taken as they are. A manifest import lists the manifest's folder;
//!   a `source` or `annotation-loc` outside it (the platform keeps manifests under
//!   `annotation/V00x/` and images elsewhere) is looked up by its URI in the same store, in
//!   any bucket, with the job's credentials. An object found nowhere is an item error naming
//!   it.
//! - **Sample keys** are object URIs (`s3://bucket/path/x.jpg`, in the scheme of the import's
//!   path), as the platform knows a sample by its OBS object: a folder import and a manifest
//!   elsewhere that names the same images annotate the same samples.
//! - **Outcome.** A task whose every item failed imported nothing: the job fails, so the task
//!   is `FAILED` with 4921 and the job's message (how many items failed, and the first one),
//!   never `COMPLETED`.
//! - **Credentials.** A ModelArts request carries no storage keys: on the platform, the
//!   account's agency grants OBS access. The job uses the workspace's stored connection named
//!   after the path's bucket, else the one named `default`, else none: the worker's own
//!   environment (`POST /v1/connections` stores one).
//! - **Only object storage.** `import_origin` dws, dli, rds, mrs and inference, and
//!   `data_source.data_type` 1 to 6, are refused with 4396 saying Wharf serves only object
//!   storage imports; `source_info` (which holds database passwords) is never kept or shown.
//! - **Imports add.** A task adds to the dataset, as on the platform: samples of earlier
//!   imports that its path does not hold stay (a native import mirrors its source instead).
//!   Samples are keyed by their path under the import path, so importing the same path again
//!   adds nothing and re-reads only what changed.
//! - **One import at a time.** A dataset with a queued or running import refuses another with
//!   4356, as the platform does. The check and the queueing are two steps; two requests at
//!   the same instant may both be queued, and then run one after the other.
//! - **Not found is 400.** An unknown dataset, or another workspace's, is 4352 with HTTP 400,
//!   as the platform answers; an unknown task is 4612.
//! - **Task fields.** `status` is QUEUING (queued), STARTING (running, nothing listed yet),
//!   RUNNING, COMPLETED (succeeded, also with item errors: the native job lists them) or
//!   FAILED (failed or cancelled). Sample counts are the job's: total = items found, imported
//!   = written or already there unchanged, annotated = those with labels; file counts and
//!   sizes are the items handled and the bytes read. Wharf has no sub-samples, no "to be
//!   confirmed" state and no preprocessing task: those counts are 0, and
//!   `processor_task_id` is absent. `error_code` is 4340 (nothing to import), 4311 (no such
//!   bucket), 4314 (storage refused the credentials), 4393 (cancelled) or 4921, and
//!   `error_msg` is Wharf's message.
//! - **Labels.** `label_format` becomes the import's text label options; without one, a
//!   text import takes the dataset's, and without that the labels are found where they are
//!   (`X_result.txt` files when there are any, else on the lines, tab then commas). A
//!   separator is one character: a letter, a digit, a tab (also `\t`) or one of
//!   `!@#$%^&*_=|?/':.;,`; anything else is 4396 naming the field. `included_labels` takes
//!   names or `Label` objects, and the older `included_tags`.
//! - **Tables.** A table dataset's `schema` (column names and types) is checked when the
//!   dataset is made (4396 naming the field) and every import checks each CSV against it:
//!   the header's names, each row's column count, and each value's type. `schema_maps`
//!   (`src_name` in the files, `dest_name` in the schema), which the platform documents for
//!   DLI, is honoured for object storage too, from the import's `data_source` or else the
//!   dataset's.
//! - **Accepted, not acted on.** `final_annotation` (Wharf has no unconfirmed labels),
//!   `import_folder` (an import never duplicates a sample: identity is path and fingerprint),
//!   `workforce_information` and the other labelling fields.
//! - **Paging.** `limit` is 1 to 100 (default 10) and `offset` is the page, from 0, as the
//!   pages define it ("start page of the paging list"). The dataset list is newest first
//!   (`order=asc` for oldest first) and filters by `dataset_type` and `search_content` (a part
//!   of the name).
//! - **Errors.** `{"error_code": "ModelArts.xxxx", "error_msg": "..."}`: 4105 for a body that
//!   is not JSON, 4202 for no body, 4396 naming the field and what was expected, 4205 for a
//!   bare bucket as a path, 4351 for a taken name. Signature refusals are the gateway's
//!   APIGW.0301 with 401 (see `auth`).

mod auth;
mod envelope;
mod handlers;
mod wire;

use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};

use crate::DialectState;

/// How long an import call may spend detecting the source's layout before it queues the
/// import in the dataset type's layout.
pub(crate) const VALIDATE_WITHIN: Duration = Duration::from_secs(20);

pub(crate) fn router() -> Router<DialectState> {
    Router::new()
        .route(
            "/v2/{project_id}/datasets",
            post(handlers::create_dataset).get(handlers::list_datasets),
        )
        .route(
            "/v2/{project_id}/datasets/{dataset_id}",
            get(handlers::get_dataset),
        )
        .route(
            "/v2/{project_id}/datasets/{dataset_id}/import-tasks",
            post(handlers::create_task).get(handlers::list_tasks),
        )
        .route(
            "/v2/{project_id}/datasets/{dataset_id}/import-tasks/{task_id}",
            get(handlers::get_task),
        )
        .layer(axum::middleware::from_fn(envelope::with_request_id))
}
