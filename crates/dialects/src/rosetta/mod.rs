//! Rosetta (Stardust's "Rosetta Open API"): importing a sensor-oriented tree from object
//! storage as a dataset, optionally with one annotation task per data item.
//!
//! # Endpoints
//!
//! Served at the platform's paths, both bare and under its base path `/rosetta-open`:
//!
//! | platform | Wharf |
//! | --- | --- |
//! | `POST /dataset/import/async` | validate the tree, then queue an import job |
//! | `POST /dataset/annotation/import/async` | the same, and at the job's end one task per data item in `projectId` |
//! | `GET /dataset/status?datasetId=` | the dataset's latest import: status, data items and scenes, tasks |
//!
//! # Decisions, and why
//!
//! - **The tree is checked before the job is queued**, as the platform does: error 5710 comes
//!   from the import call itself. The check lists the tree (it reads no data file but
//!   `metadata.json`), for at most [`VALIDATE_WITHIN`]; a tree too large to list in that time is
//!   queued unchecked, and its problems show in the job. A 5710 answer keeps the platform's
//!   code and wording, `data: null`, and adds `diagnosis`: every folder or file out of place,
//!   with what was expected there. The platform's bare "refer to API doc" is what users could
//!   not act on.
//! - **`dataType` says which tree to expect**: 2 (2D) a tree of camera folders only, 3 (3D)
//!   one with lidar folders. The tree is checked for that type, so a lidar folder in a 2D
//!   request, a 3D request without one, or a `metadata.json` whose `dataType` says otherwise,
//!   is 5710 naming the path. The dataset is made as an image or a point-cloud dataset.
//! - **The dataset is found or made by `name`**: re-running a script imports into the same
//!   dataset as a new version, and unchanged files are not read again. The platform takes any
//!   name of 1 to 60 bytes; one that Wharf's names cannot be (a space, a `/`) is Wharf's
//!   dataset `r<name with _ for those>-<8 hex of its hash>`, with the name as its
//!   description, so the same name always finds the same dataset.
//! - **Ids**: `datasetId` and `dataId` are Wharf's ids (strings, as the platform's are);
//!   `projectId` and `taskId` are integers, as the platform's are.
//! - **Status**: 1 BUILDING while the job is queued or running, 2 READY when it succeeded,
//!   -1 ERROR when it failed or was cancelled. The platform has no state for an import in which
//!   some items failed (a corrupt `.pcd` or `.jpg`): it is READY with every imported item in
//!   `mappingList`, and `errorMessage` says how many items failed and names the first ones'
//!   files and problems, as Xtreme1's "Success with error" does; when every item
//!   failed it is ERROR with that message (see `handlers::failed_items`).
//! - **`successTaskList`** lists the task made for each data item, and **`errorDataIdList`**
//!   the data items of the import that already had a task in the project from an earlier
//!   request, and so got no new one. Tasks are made when the import ends, and the seed's
//!   answer to `POST /dataset/annotation/import/async` shows both lists filled: that answer
//!   waits up to 20 s for the import and then fills them, with the status it ended in. An
//!   import still running then is answered BUILDING with both lists empty, and
//!   `GET /dataset/status` lists them once it is done.
//! - **HTTP status**: the platform's codes that are HTTP statuses (400, 401, 402, 403, 404, 500)
//!   are also sent as the status; business codes (5308, 5710, 5802, ...) come with 200, in the
//!   envelope, as the platform documents them.
//! - **`externalStorage`** (`accessKey`, `secreteKey` as spelled, `endpoint`, `vendorType`)
//!   becomes the job's own credentials: sealed while it runs, erased when it ends, never
//!   returned or logged. The platform reads such storage "which follow the S3 protocol": with
//!   an `endpoint`, the bucket of `resourceUrl` (`gs://...` in the platform's examples) is read
//!   at that endpoint with S3's protocol, unless `vendorType` names another store (GCS, OSS,
//!   OBS, Azure). An endpoint that cannot be reached or refuses the keys is 400, not 500.

mod auth;
mod envelope;
mod handlers;
mod wire;

use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};

use crate::DialectState;

/// The platform's base path.
const BASE: &str = "/rosetta-open";

/// How long an import call may spend checking the tree before it queues the job unchecked.
pub(crate) const VALIDATE_WITHIN: Duration = Duration::from_secs(20);

pub(crate) fn router() -> Router<DialectState> {
    let routes = Router::new()
        .route("/dataset/import/async", post(handlers::import))
        .route(
            "/dataset/annotation/import/async",
            post(handlers::annotation_import),
        )
        .route("/dataset/status", get(handlers::status));
    Router::new().merge(routes.clone()).nest(BASE, routes)
}
