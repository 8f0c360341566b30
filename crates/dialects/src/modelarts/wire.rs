//! ModelArts' request and response bodies, field for field (ModelArts API reference,
//! "Data Management (Old Version)": `CreateDataset.html`, `ListDatasets.html`,
//! `DescDataset.html`, `ImportTask.html`, `ListImportTasks.html`, `DescImportTask.html` under
//! `https://support.huaweicloud.com/intl/en-us/api-modelarts/`).
//!
//! Requests take what the platform's pages and SDKs send, including the spellings the pages
//! disagree on: `import_type` as `"dir"`/`"manifest"`, `"0"`/`"1"` or a number; labels as
//! names or `Label` objects; `included_tags` for `included_labels`; `label_type` as a string or
//! a number. Fields Wharf has no use for are read and ignored, never refused.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `POST /v2/{project_id}/datasets`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CreateDatasetBody {
    pub dataset_name: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::optional_integer")]
    pub dataset_type: Option<i64>,
    pub data_sources: Option<Vec<DataSource>>,
    pub work_path: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::optional_integer")]
    pub work_path_type: Option<i64>,
    pub data_format: Option<String>,
    pub description: Option<String>,
    pub import_annotations: Option<bool>,
    pub import_data: Option<bool>,
    pub label_format: Option<LabelFormat>,
    pub labels: Option<Vec<LabelRef>>,
    pub managed: Option<bool>,
    pub schema: Option<Vec<Value>>,
    pub workspace_id: Option<String>,
}

/// Where a dataset's data comes from. `source_info`, which only the database sources use (it
/// holds their passwords), is not even read.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct DataSource {
    pub data_path: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::optional_integer")]
    pub data_type: Option<i64>,
    pub with_column_header: Option<bool>,
    pub schema_maps: Option<Vec<SchemaMap>>,
}

/// A table column's name in the source (`src_name`) and in the dataset's schema (`dest_name`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SchemaMap {
    pub src_name: String,
    pub dest_name: String,
}

/// A data source as Wharf keeps and shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DataSourceView {
    pub data_type: i64,
    pub data_path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_column_header: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schema_maps: Vec<SchemaMap>,
}

/// `POST /v2/{project_id}/datasets/{dataset_id}/import-tasks`. `import_folder` and
/// `final_annotation` are taken and have no effect (see the module's decisions).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ImportTaskBody {
    pub import_path: Option<String>,
    #[serde(default, deserialize_with = "crate::lenient::optional_text")]
    pub import_type: Option<String>,
    pub import_origin: Option<String>,
    pub data_source: Option<DataSource>,
    #[serde(alias = "included_tags")]
    pub included_labels: Option<Vec<LabelRef>>,
    pub excluded_labels: Option<Vec<LabelRef>>,
    pub label_format: Option<LabelFormat>,
    pub with_column_header: Option<bool>,
    pub difficult_only: Option<bool>,
    pub import_annotations: Option<bool>,
    pub import_samples: Option<bool>,
    pub annotation_format: Option<String>,
}

/// A label: its name, or the platform's `Label` object.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum LabelRef {
    Name(String),
    Label(Label),
}

/// The platform's `Label`; only the name matters to an import, the rest is kept as sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Label {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::optional_integer"
    )]
    pub label_type: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Value>,
}

/// `label_format`: how text classification files hold their labels.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct LabelFormat {
    #[serde(default, deserialize_with = "crate::lenient::optional_text")]
    pub label_type: Option<String>,
    pub text_sample_separator: Option<String>,
    pub text_label_separator: Option<String>,
}

/// A checked `label_format`, as Wharf keeps and shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct LabelFormatView {
    pub label_type: String,
    pub text_sample_separator: String,
    pub text_label_separator: String,
}

/// What Wharf keeps of a ModelArts dataset beyond its own fields (see the catalog's dataset
/// attributes).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DatasetProfile {
    pub dataset_type: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_path: Option<String>,
    #[serde(default)]
    pub work_path_type: i64,
    #[serde(default = "default_data_format")]
    pub data_format: String,
    #[serde(default)]
    pub data_sources: Vec<DataSourceView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_format: Option<LabelFormatView>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schema: Vec<Value>,
    #[serde(default = "yes")]
    pub import_annotations: bool,
    #[serde(default)]
    pub import_data: bool,
    #[serde(default)]
    pub managed: bool,
    #[serde(default = "default_workspace_id")]
    pub workspace_id: String,
}

pub(crate) fn default_data_format() -> String {
    "Default".to_owned()
}

pub(crate) fn default_workspace_id() -> String {
    "0".to_owned()
}

fn yes() -> bool {
    true
}

/// `201` of `POST /v2/{project_id}/datasets`.
#[derive(Debug, Serialize)]
pub(crate) struct DatasetCreated {
    pub dataset_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import_task_id: Option<String>,
}

/// A dataset, as the list and the details show it.
#[derive(Debug, Serialize)]
pub(crate) struct DatasetView {
    pub dataset_id: String,
    pub dataset_name: String,
    pub dataset_type: i64,
    pub data_format: String,
    /// `0` file, `1` table.
    pub dataset_format: i64,
    /// `1` normal, `8` importing.
    pub status: i64,
    pub description: String,
    pub create_time: i64,
    pub update_time: i64,
    pub data_sources: Vec<DataSourceView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_path: Option<String>,
    pub work_path_type: i64,
    pub workspace_id: String,
    pub total_sample_count: i64,
    pub annotated_sample_count: i64,
    pub next_version_num: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version_name: Option<String>,
    pub exist_running_task: bool,
    pub running_tasks_id: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import_task_id: Option<String>,
    pub import_data: bool,
    pub managed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_format: Option<LabelFormatView>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub schema: Vec<Value>,
}

/// `GET /v2/{project_id}/datasets`.
#[derive(Debug, Serialize)]
pub(crate) struct DatasetList {
    pub total_number: i64,
    pub datasets: Vec<DatasetView>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DatasetListQuery {
    pub limit: Option<String>,
    pub offset: Option<String>,
    pub dataset_type: Option<String>,
    pub search_content: Option<String>,
    pub order: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct PageQuery {
    pub limit: Option<String>,
    pub offset: Option<String>,
}

/// `200` of `POST .../import-tasks`.
#[derive(Debug, Serialize)]
pub(crate) struct TaskCreated {
    pub task_id: String,
}

/// An import task, as its details and the list show it.
#[derive(Debug, Serialize)]
pub(crate) struct ImportTaskView {
    /// `QUEUING`, `STARTING`, `RUNNING`, `COMPLETED` or `FAILED`.
    pub status: &'static str,
    pub task_id: String,
    pub dataset_id: String,
    pub import_path: String,
    /// `0` directory, `1` manifest.
    pub import_type: i64,
    pub data_source: DataSourceView,
    pub total_sample_count: i64,
    pub imported_sample_count: i64,
    pub annotated_sample_count: i64,
    pub total_sub_sample_count: i64,
    pub imported_sub_sample_count: i64,
    pub unconfirmed_sample_count: i64,
    pub total_file_count: i64,
    pub finished_file_count: i64,
    pub total_file_size: i64,
    pub finished_file_size: i64,
    pub file_statistics: FileStatistics,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
    /// Epoch milliseconds.
    pub create_time: i64,
    /// Epoch milliseconds.
    pub update_ms: i64,
    /// Seconds.
    pub elapsed_time: i64,
}

/// `FileCopyProgress`.
#[derive(Debug, Serialize)]
pub(crate) struct FileStatistics {
    pub file_num_finished: i64,
    pub file_num_total: i64,
    pub file_size_finished: i64,
    pub file_size_total: i64,
}

/// `GET .../import-tasks`.
#[derive(Debug, Serialize)]
pub(crate) struct ImportTaskList {
    pub total_count: i64,
    pub import_tasks: Vec<ImportTaskView>,
}
