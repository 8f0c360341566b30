//! PAI (Alibaba Cloud's Platform for AI): its dataset APIs (`AIWorkSpace`, version 2021-02-04),
//! file metadata and dataset jobs included, signed with the account's AccessKey pair as Alibaba Cloud's SDKs sign them (V3,
//! `ACS3-HMAC-SHA256`, see `auth`).
//!
//! # Endpoints
//!
//! At the platform's paths (`https://www.alibabacloud.com/help/en/pai/developer-reference/`,
//! the `api-aiworkspace-2021-02-04-*` pages); the workspace is the signing key's:
//!
//! | platform | Wharf |
//! | --- | --- |
//! | `POST /api/v1/datasets` (CreateDataset) | a dataset, and its version `v1`: `{RequestId, DatasetId}` |
//! | `GET /api/v1/datasets` (ListDatasets) | the workspace's datasets, filtered, sorted and paged: `{Datasets, TotalCount, RequestId}` |
//! | `GET/PUT/DELETE /api/v1/datasets/{DatasetId}` | GetDataset, UpdateDataset, DeleteDataset |
//! | `PUT .../{DatasetId}/publish` (PublishDataset) | `Accessibility` PRIVATE to PUBLIC |
//! | `POST .../{DatasetId}/labels`, `DELETE ...?LabelKeys=k1,k2` | add or replace, and remove, the dataset's labels |
//! | `POST/GET .../{DatasetId}/versions` | CreateDatasetVersion (`{VersionName}`: v2, v3, ...), ListDatasetVersions |
//! | `GET/PUT/DELETE .../versions/{VersionName}` | GetDatasetVersion, UpdateDatasetVersion, DeleteDatasetVersion |
//! | `PUT .../versions/{VersionName}/labels`, `DELETE ...?Keys=k1,k2` | the version's labels |
//! | `POST/GET .../{DatasetId}/datasetjobs` | CreateDatasetJob (FileMetaBuild: a native import), ListDatasetJobs |
//! | `GET .../datasetjobs/{DatasetJobId}`, `PUT .../action/stop` | GetDatasetJob, StopDatasetJob (the import cancelled) |
//! | `POST/GET/PUT/DELETE .../{DatasetId}/datasetfilemetas` | Create, List, Update (tags) and Delete (soft) file metadata |
//! | `GET .../datasetfilemetas/{DatasetFileMetaId}` | GetDatasetFileMeta |
//!
//! Any other path under `/api/v1` is `InvalidApi.NotFound` (404), as the gateway answers.
//!
//! A dataset's own fields are Wharf's: `DatasetId` (Wharf's id), `Name`, `Description`,
//! `DataType` (Wharf's data type: COMMON, PIC, TEXT, VIDEO, AUDIO are common, image, text,
//! video, audio; a point cloud or table dataset shows COMMON), `Labels` (Wharf's labels map,
//! as `[{Key, Value}]`), `GmtCreateTime`. What PAI alone has (`Property`, `DataSourceType`,
//! `Uri`, `SourceType`, `SourceId`, `Options`, `Accessibility`, `ProviderType`, `Provider`,
//! `UserId`, `WorkspaceId`, `ImportInfo`, `Edition`, the role lists, the source dataset) and its
//! versions are kept as the dataset's PAI attributes and shown back. A dataset made through
//! another API shows PAI's defaults and has no versions.
//!
//! # Decisions, and why
//!
//! - **Versions are records.** A PAI version is what its client declares: a data source
//!   (`Uri`, `Property`), labels, options and counts the client gives (`DataSize` and
//!   `DataCount` are the caller's numbers, as on the platform). Wharf's own versions are
//!   snapshots its imports make; the two are not the same thing, so PAI's are kept in the
//!   dataset's PAI record, a short list per dataset, changed by swapping the whole record (a
//!   change made at the same moment by another request is read again, never lost). Names are
//!   `v1`, `v2`, ... in order of creation; a deleted version's number is not given again.
//! - **The last version stays.** DeleteDatasetVersion of a dataset's only version is refused
//!   with `OperationConflict` (409): a dataset always has a `LatestVersion`; DeleteDataset
//!   removes both.
//! - **Workspaces.** `WorkspaceId` in a request is any id the client uses: it is kept and shown,
//!   and ListDatasets' `WorkspaceId` filters on it (Wharf's own workspace id or name matches
//!   every dataset). Without one, a dataset's `WorkspaceId` is Wharf's workspace id. Nothing
//!   crosses Wharf's workspaces: another workspace's dataset is `201300003`, as one that does
//!   not exist.
//! - **Owners.** Wharf has no accounts: `OwnerId` is the access key that made the dataset and
//!   `UserId` the one the request gave (else the same key). Every key of a workspace acts as
//!   its administrator, so every dataset is visible to it, whatever its `Accessibility`, and
//!   `MountAccess` is `RW`.
//! - **Names.** 1 to 127 characters, a letter (any script, Chinese included) or digit first,
//!   then letters, digits, `_` and `-`, unique in the workspace (a taken name is `201300003`,
//!   "Dataset name already existed", with 400, as the service answers).
//! - **Uri forms.** Each `DataSourceType` takes the platform's form: OSS
//!   `oss://<bucket>.<endpoint>/<path>`; NAS and EXTREMENAS `nas://<fsid>.<region>/<path>`;
//!   CPFS `nas://cpfs-<8 characters>.<region>/...` (1.0) or `nas://cpfs-<16>.<region>/<protocol
//!   service id>/` (2.0); BMCPFS the NAS form (or `bmcpfs://`); MAXCOMPUTE
//!   `odps://<project>/tables/<table>`; URL an `http(s)://` address. An OSS dataset may also
//!   name an S3-compatible store as `s3://<bucket>/<path>`: a self-hosted Wharf often keeps
//!   its data there rather than on OSS. `ImportInfo` must be the JSON string of its storage
//!   type's fields (`region`, `bucket`, `path` for OSS; `fileSystemId`, `mountTarget`, ... for
//!   NAS and CPFS; `isVpcMount` for BMCPFS), and `Options` a JSON object as a string.
//! - **Editions.** `Edition` is BASIC unless given; ADVANCED and LOGICAL are for OSS datasets
//!   only, as the platform's page says.
//! - **Not found is 400.** An unknown dataset or version is `201300003` with HTTP 400: the code
//!   the platform's Terraform provider reads as not found, with the status the service sends
//!   with it.
//! - **Lists.** Datasets and versions sort by `GmtCreateTime` unless `SortBy` says otherwise
//!   (datasets also by `GmtModifiedTime` or `Name`; versions by the platform's seven keys),
//!   `Order` ASC by default; `PageNumber` from 1, `PageSize` 1 to 1000 (default 10). Comma
//!   lists (`Properties`, `DataTypes`, ...) take the platform's values only; `Name` is a part
//!   of the name and `Label` a part of a label's key or value, in any case.
//! - **Accepted, not acted on.** `DatasetTaskRamRole`, `UserMetricsEndpoints`,
//!   `SharingConfig` (Wharf does not share across workspaces: `IsShared` is false),
//!   `ProviderType`, the role lists (kept and shown). `DryRun` checks everything and makes
//!   nothing: the answer has no `DatasetId` (or `VersionName`).
//! - **FileMetaBuild is an import.** It queues a native import of the version's `Uri` into the
//!   dataset (format `plain`: every file a sample, image sizes read from their headers; the
//!   import mirrors the `Uri`, so the native version it makes holds that version's files), and
//!   when the import has ended, the files of the native version it made become the PAI
//!   version's file metadata (the version records which native version that was). This
//!   happens at the first job or file metadata call after the import ends, on a task of its
//!   own that goes on if that call's client gives up waiting (a version of a million files
//!   takes a while), so a later call finds it done. The `DatasetJobId` is the native
//!   job's id, so Wharf's own API shows the import too. Only DIRECTORY versions are built; one
//!   build of a dataset runs at a time (another is `OperationConflict`); `JobMode` is Full
//!   (Increment is for the tagging and indexing actions). The other actions (SemanticIndex,
//!   IntelligentTag, FileMetaExport, FileMetaImport, IntelligentTagRevert) run the platform's
//!   models or exports and are `UnsupportedOperation`.
//! - **Paths and credentials.** `oss://<bucket>.<endpoint>/<path>` is read from OSS at
//!   `https://<endpoint>` with OSS's protocol, `s3://<bucket>/<path>` from an S3-compatible
//!   store. A PAI request carries no storage keys (on the platform, the account's role grants
//!   access): the import uses the workspace's stored connection named after the bucket, else
//!   the one named `default`, else none (the worker's environment); `POST /v1/connections`
//!   stores one.
//! - **Job fields.** `Status` is Pending (queued), Running (running, or ended and not yet
//!   taken into account), Succeeded, PartialFailed (some files could not be read), Failed or
//!   ManuallyStop (cancelled). `TotalFileCount` is the files listed, `CompletedFileCount` those
//!   read (new, unchanged or left out on purpose), `FailedFileCount` those that failed.
//!   `Logs` (with GetDatasetJob, and with ListDatasetJobs' `WithLogs=true`) are lines
//!   `2025-02-17 09:58:10.143 INFO: ...`: queued, started, the first 20 item errors, the end.
//!   ListDatasetJobs is newest first unless `Order=ASC`.
//! - **File metadata.** Kept as the catalog's file records under the version's name, with the
//!   file's URI in the platform's file form (`oss://<bucket>/<path>`, no endpoint; `s3://...`
//!   as it is), folder, name, type, size, fingerprint (ETag), update time and, for images,
//!   `MetaAttributes` `{"Image": {"Width", "Height"}}`. `DatasetFileMetaId` is the hex SHA-256
//!   of the dataset id, the version and the URI: a file keeps its id through every build. A
//!   build again updates what changed, marks DELETED the files the `Uri` no longer holds, and
//!   keeps tags and the client's deletions. CreateDatasetFileMetas declares files (idempotent
//!   on the URI; on create only `user` tags); a batch answers each item in `SucceedDetails` or
//!   `FailedDetails` (`Status` true only if all succeeded). Tags are `user`, `ai` and
//!   `user-delete-ai-tags`, changed with `{"group": {"add": [...], "remove": [...]}}`; `ai`
//!   tags come from IntelligentTag jobs, which Wharf does not run, so writing them fails the
//!   item. A tag counts in the `QueryTags...` filters in `user` or `ai`, not in
//!   `user-delete-ai-tags`. Deletion is soft (`Status` ACTIVE, DELETED or ALL when listing).
//! - **File listing.** `MaxResults` 1 to 100 (default 10; `PageSize` when it is absent) and
//!   `NextToken`; `SortBy` FileCreateTime or FileUpdateTime, newest first unless `Order=ASC`;
//!   without `SortBy`, by URI (there is no relevance to rank by). `QueryFileDir` and
//!   `QueryFileName` are parts, in any case; the type, tag, id and time filters are served.
//!   Semantic search (`QueryText`, `QueryImage`, `QueryVideo`, `QueryExpression`, `QueryType`
//!   VECTOR) needs the platform's embedding models and is `UnsupportedOperation`.
//! - **Editions.** A BASIC dataset has no file metadata: its file metadata calls and builds are
//!   `UnsupportedOperation`, saying to change `Edition` first. A version manages at most
//!   1,000,000 files in ADVANCED (the platform's multimodal data management guide) and
//!   3,000,000 in LOGICAL (the figure of the CreateDataset page, which no other public source
//!   confirms). A build whose version holds more ends Failed, its log naming the count and the
//!   limit, and makes no file metadata (the import itself has run: Wharf cannot know the count
//!   before listing); declared files past the limit fail one by one, naming it.
//! - **Errors.** `{"RequestId", "HostId", "Code", "Message", "Recommend"}`: `MissingParameter`
//!   and `InvalidParameter` (400) name the field and what was expected; `OperationConflict`
//!   (409) for a dataset whose import runs or a change that collided too often; signature
//!   refusals are the gateway's (see `auth`).

mod auth;
mod checks;
mod envelope;
mod filemetas;
mod handlers;
mod jobs;
mod wire;

use axum::Router;
use axum::routing::{get, post, put};

use crate::DialectState;

pub(crate) fn router() -> Router<DialectState> {
    let api = Router::new()
        .route(
            "/datasets",
            post(handlers::create_dataset).get(handlers::list_datasets),
        )
        .route(
            "/datasets/{dataset_id}",
            get(handlers::get_dataset)
                .put(handlers::update_dataset)
                .delete(handlers::delete_dataset),
        )
        .route(
            "/datasets/{dataset_id}/publish",
            put(handlers::publish_dataset),
        )
        .route(
            "/datasets/{dataset_id}/labels",
            post(handlers::create_dataset_labels).delete(handlers::delete_dataset_labels),
        )
        .route(
            "/datasets/{dataset_id}/versions",
            post(handlers::create_version).get(handlers::list_versions),
        )
        .route(
            "/datasets/{dataset_id}/versions/{version_name}",
            get(handlers::get_version)
                .put(handlers::update_version)
                .delete(handlers::delete_version),
        )
        .route(
            "/datasets/{dataset_id}/versions/{version_name}/labels",
            put(handlers::create_version_labels).delete(handlers::delete_version_labels),
        )
        .route(
            "/datasets/{dataset_id}/datasetjobs",
            post(jobs::create_job).get(jobs::list_jobs),
        )
        .route(
            "/datasets/{dataset_id}/datasetjobs/{job_id}",
            get(jobs::get_job),
        )
        .route(
            "/datasets/{dataset_id}/datasetjobs/{job_id}/action/stop",
            put(jobs::stop_job),
        )
        .route(
            "/datasets/{dataset_id}/datasetfilemetas",
            post(filemetas::create_file_metas)
                .get(filemetas::list_file_metas)
                .put(filemetas::update_file_metas)
                .delete(filemetas::delete_file_metas),
        )
        .route(
            "/datasets/{dataset_id}/datasetfilemetas/{meta_id}",
            get(filemetas::get_file_meta),
        )
        .fallback(envelope::no_such_api)
        .method_not_allowed_fallback(envelope::no_such_api)
        .layer(axum::middleware::from_fn(envelope::with_context));
    Router::new().nest("/api/v1", api)
}
