//! Rosetta's request and response bodies, field for field (Stardust `docs-api`,
//! `src/en/datasets/async-import.md`, `async-import-annotation.md`, `common-response.md`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// `POST /dataset/import/async` and `/dataset/annotation/import/async`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ImportBody {
    /// `gs://bucket/prefix`, `s3://...`, or any other source Wharf reads.
    pub resource_url: String,
    /// "0": sensor oriented. The docs type it as a string; a number is taken too.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub file_tree_type: String,
    /// 2: 2D, 3: 3D.
    pub data_type: i64,
    /// At most 60 bytes.
    pub name: String,
    /// The annotation request's project. A long; a numeric string is taken too.
    #[serde(default, deserialize_with = "crate::lenient::optional_integer")]
    pub project_id: Option<i64>,
    #[serde(default)]
    pub external_storage: Option<ExternalStorage>,
}

/// The caller's own storage credentials. Its `Debug` leaves the secret out.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExternalStorage {
    #[serde(default)]
    pub access_key: Option<String>,
    /// Spelled as the platform spells it; `secretKey` is taken too.
    #[serde(default, alias = "secretKey")]
    pub secrete_key: Option<String>,
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub vendor_type: Option<String>,
}

impl fmt::Debug for ExternalStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExternalStorage")
            .field("access_key", &self.access_key)
            .field(
                "secrete_key",
                &self.secrete_key.as_ref().map(|_| "<redacted>"),
            )
            .field("endpoint", &self.endpoint)
            .field("vendor_type", &self.vendor_type)
            .finish()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StatusQuery {
    pub dataset_id: Option<String>,
}

/// The data of an import's answer.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ImportData {
    pub dataset_id: String,
    pub status: i32,
    /// Annotation requests only: filled in once the import is done (see the status).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_task_list: Option<Vec<TaskRef>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_data_id_list: Option<Vec<String>>,
}

/// The data of `GET /dataset/status`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StatusData {
    pub status: i32,
    pub dataset_id: String,
    pub mapping_list: Vec<Mapping>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_task_list: Option<Vec<TaskRef>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_data_id_list: Option<Vec<String>>,
    /// Why the import failed, when it did; when some data items failed, how many and which
    /// (the status is then READY, or ERROR if every item failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Mapping {
    pub data_id: String,
    pub scene_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TaskRef {
    pub task_id: String,
    pub data_id: String,
}

pub(crate) const BUILDING: i32 = 1;
pub(crate) const READY: i32 = 2;
pub(crate) const ERROR: i32 = -1;
