//! PAI's request and response bodies, field for field (the `AIWorkSpace` 2021-02-04 API
//! reference: `https://www.alibabacloud.com/help/en/pai/developer-reference/api-aiworkspace-2021-02-04-createdataset`
//! and the pages beside it; the official SDK's models name the same fields).
//!
//! Fields are PascalCase. `Options`, `ImportInfo` and a file's `Tags` are JSON *strings*, as the
//! platform has them. Fields Wharf has no use for (`DatasetTaskRamRole`,
//! `UserMetricsEndpoints`, `SharingConfig`, ...) are read and ignored, never refused.

use serde::{Deserialize, Serialize};

/// A `{Key, Value}` label, of a dataset or of a version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Label {
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
}

/// `POST /api/v1/datasets`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct CreateDatasetBody {
    pub name: Option<String>,
    pub property: Option<String>,
    pub data_source_type: Option<String>,
    pub uri: Option<String>,
    pub data_type: Option<String>,
    pub labels: Option<Vec<Label>>,
    pub source_type: Option<String>,
    pub source_id: Option<String>,
    pub description: Option<String>,
    pub workspace_id: Option<String>,
    pub options: Option<String>,
    pub accessibility: Option<String>,
    pub provider_type: Option<String>,
    pub provider: Option<String>,
    pub user_id: Option<String>,
    pub source_dataset_id: Option<String>,
    pub source_dataset_version: Option<String>,
    pub version_description: Option<String>,
    pub version_labels: Option<Vec<Label>>,
    #[serde(deserialize_with = "crate::lenient::optional_integer")]
    pub data_size: Option<i64>,
    #[serde(deserialize_with = "crate::lenient::optional_integer")]
    pub data_count: Option<i64>,
    pub mount_access_read_write_role_id_list: Option<Vec<String>>,
    pub accessible_role_id_list: Option<Vec<String>>,
    pub import_info: Option<String>,
    pub edition: Option<String>,
    pub dry_run: Option<bool>,
}

/// `PUT /api/v1/datasets/{DatasetId}`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct UpdateDatasetBody {
    pub name: Option<String>,
    pub description: Option<String>,
    pub options: Option<String>,
    pub accessibility: Option<String>,
    pub edition: Option<String>,
    pub mount_access_read_write_role_id_list: Option<Vec<String>>,
    pub accessible_role_id_list: Option<Vec<String>>,
}

/// `POST .../labels`, and `PUT .../versions/{VersionName}/labels`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct LabelsBody {
    pub labels: Option<Vec<Label>>,
}

/// `POST .../versions`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct CreateVersionBody {
    pub data_source_type: Option<String>,
    pub property: Option<String>,
    pub uri: Option<String>,
    pub source_type: Option<String>,
    pub source_id: Option<String>,
    pub options: Option<String>,
    #[serde(deserialize_with = "crate::lenient::optional_integer")]
    pub data_count: Option<i64>,
    #[serde(deserialize_with = "crate::lenient::optional_integer")]
    pub data_size: Option<i64>,
    pub description: Option<String>,
    pub labels: Option<Vec<Label>>,
    pub import_info: Option<String>,
    pub dry_run: Option<bool>,
}

/// `PUT .../versions/{VersionName}`: only these change.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct UpdateVersionBody {
    pub options: Option<String>,
    #[serde(deserialize_with = "crate::lenient::optional_integer")]
    pub data_size: Option<i64>,
    #[serde(deserialize_with = "crate::lenient::optional_integer")]
    pub data_count: Option<i64>,
    pub description: Option<String>,
}

/// `GET /api/v1/datasets`. Numbers come as text, as every query value does.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ListDatasetsQuery {
    pub name: Option<String>,
    pub label: Option<String>,
    pub properties: Option<String>,
    pub data_source_types: Option<String>,
    pub data_types: Option<String>,
    pub source_types: Option<String>,
    pub source_id: Option<String>,
    pub source_dataset_id: Option<String>,
    pub provider: Option<String>,
    pub accessibility: Option<String>,
    pub edition: Option<String>,
    pub dataset_ids: Option<String>,
    pub workspace_id: Option<String>,
    pub page_number: Option<String>,
    pub page_size: Option<String>,
    pub sort_by: Option<String>,
    pub order: Option<String>,
}

/// `GET .../versions`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ListVersionsQuery {
    pub label_keys: Option<String>,
    pub label_values: Option<String>,
    pub properties: Option<String>,
    pub source_types: Option<String>,
    pub source_id: Option<String>,
    pub page_number: Option<String>,
    pub page_size: Option<String>,
    pub sort_by: Option<String>,
    pub order: Option<String>,
}

/// `DELETE .../labels?LabelKeys=k1,k2`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct LabelKeysQuery {
    pub label_keys: Option<String>,
}

/// `DELETE .../versions/{VersionName}/labels?Keys=k1,k2`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct KeysQuery {
    pub keys: Option<String>,
}

/// What Wharf keeps of a PAI dataset beyond its own fields (see the catalog's dataset
/// attributes): the dataset's PAI settings and its versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DatasetProfile {
    pub property: String,
    pub data_source_type: String,
    pub uri: String,
    pub source_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<String>,
    pub accessibility: String,
    pub provider_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    pub owner_id: String,
    pub user_id: String,
    pub workspace_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_dataset_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_dataset_version: Option<String>,
    #[serde(default)]
    pub mount_access_read_write_role_id_list: Vec<String>,
    #[serde(default)]
    pub accessible_role_id_list: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_info: Option<String>,
    pub edition: String,
    /// When a PAI-only field last changed; the dataset's own time covers the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_at: Option<String>,
    #[serde(default)]
    pub versions: Vec<VersionRecord>,
    /// The number the next version gets: numbers of deleted versions are not used again.
    pub next_version: i64,
    /// The dataset jobs, oldest first.
    #[serde(default)]
    pub jobs: Vec<JobRecord>,
}

/// A dataset job: the native import that serves it, and what PAI's client asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct JobRecord {
    /// The native import job's id.
    pub dataset_job_id: String,
    pub job_action: String,
    pub job_mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_spec: Option<String>,
    pub dataset_version: String,
    #[serde(default)]
    pub description: String,
    pub workspace_id: String,
    /// Whether the finished import's files were made the version's file metadata (or the
    /// job's end was otherwise taken into account).
    #[serde(default)]
    pub settled: bool,
    /// Why a finished import made no file metadata (too many files for the edition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
    /// File metadata records the build made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<i64>,
}

/// A PAI dataset version: a record the client declares, with its own data source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct VersionRecord {
    pub version_name: String,
    pub gmt_create_time: String,
    pub gmt_modified_time: String,
    pub property: String,
    pub data_source_type: String,
    pub uri: String,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<String>,
    pub source_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub data_count: i64,
    #[serde(default)]
    pub data_size: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_info: Option<String>,
    /// The native version whose files the last FileMetaBuild of this version read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub native_version: Option<i64>,
}

/// `{RequestId, DatasetId}` of CreateDataset (no `DatasetId` for a dry run).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DatasetCreated {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_id: Option<String>,
}

/// `{RequestId, VersionName}` of CreateDatasetVersion.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct VersionCreated {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_name: Option<String>,
}

/// A dataset, as GetDataset and ListDatasets show it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DatasetView {
    pub dataset_id: String,
    pub name: String,
    pub description: String,
    pub property: String,
    pub data_source_type: String,
    pub uri: String,
    pub data_type: String,
    pub labels: Vec<Label>,
    pub source_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<String>,
    pub accessibility: String,
    pub provider_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    pub owner_id: String,
    pub user_id: String,
    pub workspace_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_dataset_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_dataset_version: Option<String>,
    pub mount_access_read_write_role_id_list: Vec<String>,
    pub accessible_role_id_list: Vec<String>,
    pub mount_access: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import_info: Option<String>,
    pub edition: String,
    pub is_shared: bool,
    pub gmt_create_time: String,
    pub gmt_modified_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_version: Option<VersionView>,
}

/// A version, as GetDatasetVersion, ListDatasetVersions and a dataset's `LatestVersion` show
/// it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct VersionView {
    pub dataset_id: String,
    pub version_name: String,
    pub gmt_create_time: String,
    pub gmt_modified_time: String,
    pub property: String,
    pub data_source_type: String,
    pub uri: String,
    pub labels: Vec<Label>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<String>,
    pub source_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    pub description: String,
    pub data_count: i64,
    pub data_size: i64,
    pub mount_access: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import_info: Option<String>,
}

/// `{Datasets, TotalCount, RequestId}` of ListDatasets.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DatasetList {
    pub datasets: Vec<DatasetView>,
    pub total_count: i64,
}

/// `{DatasetVersions, PageNumber, PageSize, TotalCount, RequestId}` of ListDatasetVersions.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct VersionList {
    pub dataset_versions: Vec<VersionView>,
    pub page_number: i64,
    pub page_size: i64,
    pub total_count: i64,
}

/// `POST .../datasetjobs`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct CreateJobBody {
    pub workspace_id: Option<String>,
    pub job_action: Option<String>,
    pub job_mode: Option<String>,
    pub job_spec: Option<String>,
    pub dataset_version: Option<String>,
    pub description: Option<String>,
}

/// `GET .../datasetjobs`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ListJobsQuery {
    pub dataset_version: Option<String>,
    pub job_action: Option<String>,
    pub status: Option<String>,
    pub page_number: Option<String>,
    pub page_size: Option<String>,
    pub sort_by: Option<String>,
    pub order: Option<String>,
    pub with_logs: Option<String>,
}

/// `{RequestId, DatasetJobId}` of CreateDatasetJob.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct JobCreated {
    pub dataset_job_id: String,
}

/// A dataset job, as GetDatasetJob and ListDatasetJobs show it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct JobView {
    pub dataset_job_id: String,
    pub job_action: String,
    pub job_mode: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_spec: Option<String>,
    pub dataset_version: String,
    pub description: String,
    pub workspace_id: String,
    /// Pending, Running, Succeeded, PartialFailed, Failed or ManuallyStop.
    pub status: &'static str,
    pub total_file_count: i64,
    pub completed_file_count: i64,
    pub failed_file_count: i64,
    pub create_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logs: Option<Vec<String>>,
}

/// `{DatasetJobs, TotalCount, RequestId}` of ListDatasetJobs.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct JobList {
    pub dataset_jobs: Vec<JobView>,
    pub total_count: i64,
}

/// `DatasetVersion` and `WorkspaceId`, which the file metadata and job calls carry.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct VersionQuery {
    pub dataset_version: Option<String>,
    pub workspace_id: Option<String>,
    pub dataset_file_meta_ids: Option<String>,
}

/// `GET .../datasetfilemetas`. Lists come comma-separated, as the SDK sends arrays.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct ListFileMetasQuery {
    pub dataset_version: Option<String>,
    pub workspace_id: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<String>,
    pub page_size: Option<String>,
    pub status: Option<String>,
    pub sort_by: Option<String>,
    pub order: Option<String>,
    pub query_file_dir: Option<String>,
    pub query_file_name: Option<String>,
    pub query_file_type_include_any: Option<String>,
    pub query_content_type_include_any: Option<String>,
    pub query_tags_include_all: Option<String>,
    pub query_tags_include_any: Option<String>,
    pub query_tags_exclude: Option<String>,
    pub dataset_file_meta_ids: Option<String>,
    pub start_file_update_time: Option<String>,
    pub end_file_update_time: Option<String>,
    pub start_tag_update_time: Option<String>,
    pub end_tag_update_time: Option<String>,
    pub query_type: Option<String>,
    pub query_text: Option<String>,
    pub query_image: Option<String>,
    pub query_video: Option<String>,
    pub query_expression: Option<String>,
}

/// One `DatasetFileMetaContentCreate` or `DatasetFileMetaConentUpdate` (the platform's
/// spelling).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct FileMetaContent {
    pub dataset_file_meta_id: Option<String>,
    pub uri: Option<String>,
    pub file_finger_print: Option<String>,
    pub file_update_time: Option<String>,
    pub file_create_time: Option<String>,
    pub file_type: Option<String>,
    pub content_type: Option<String>,
    pub file_name: Option<String>,
    #[serde(deserialize_with = "crate::lenient::optional_integer")]
    pub data_size: Option<i64>,
    pub comment: Option<String>,
    pub meta_attributes: Option<String>,
    pub tags: Option<String>,
}

/// `POST` and `PUT .../datasetfilemetas`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub(crate) struct FileMetasBody {
    pub workspace_id: Option<String>,
    pub dataset_version: Option<String>,
    pub dataset_file_metas: Option<Vec<FileMetaContent>>,
    pub tag_job_id: Option<String>,
}

/// One item's outcome in a batch.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct FileMetaOutcome {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset_file_meta_id: Option<String>,
    pub result: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
}

/// `{Status, SucceedDetails, FailedDetails}` of a batch: `Status` is true only when every
/// item succeeded.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct BatchOutcome {
    pub status: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub succeed_details: Option<Vec<FileMetaOutcome>>,
    pub failed_details: Vec<FileMetaOutcome>,
}

/// A file's metadata, as ListDatasetFileMetas and GetDatasetFileMeta show it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct FileMetaView {
    pub dataset_file_meta_id: String,
    pub uri: String,
    pub file_name: String,
    pub file_dir: String,
    pub file_type: String,
    pub content_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_size: Option<i64>,
    pub file_finger_print: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_create_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_update_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta_attributes: Option<String>,
    /// `{"user": [...], "ai": [...], "user-delete-ai-tags": [...]}`, as a string.
    pub tags: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_update_time: Option<String>,
    /// ACTIVE or DELETED.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// ListDatasetFileMetas' answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct FileMetaList {
    pub dataset_file_metas: Vec<FileMetaView>,
    pub dataset_id: String,
    pub dataset_version: String,
    pub workspace_id: String,
    pub max_results: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    pub total_count: i64,
}

/// GetDatasetFileMeta's answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct FileMetaAnswer {
    pub dataset_file_meta: FileMetaView,
    pub dataset_id: String,
    pub dataset_version: String,
    pub workspace_id: String,
}
