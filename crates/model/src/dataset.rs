//! Workspaces, datasets, versions, samples and their files.
//!
//! A version is an immutable snapshot: a sample belongs to version `n` when it was added at or
//! before `n` and not removed at or before `n`. An import therefore writes only what changed,
//! and every earlier version stays readable.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The unit of isolation: API keys, datasets, jobs and connections belong to one workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Dataset {
    pub id: String,
    pub name: String,
    pub description: String,
    /// image, point_cloud, text, audio, video, table or common.
    pub data_type: String,
    /// The source of the latest import, if any.
    pub source_uri: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// The number of the latest committed version; 0 before the first import.
    pub latest_version: i64,
    /// The platform dialect the dataset was made through; none when made through the native
    /// API. A dialect changes only the datasets it made.
    #[serde(default)]
    pub origin: Option<crate::Dialect>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VersionState {
    /// Being written by an import; invisible to readers.
    Pending,
    /// Complete and immutable.
    Committed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Version {
    pub id: String,
    pub dataset_id: String,
    pub number: i64,
    /// `v1`, `v2`, ...
    pub name: String,
    pub state: VersionState,
    pub description: String,
    pub labels: BTreeMap<String, String>,
    pub sample_count: i64,
    pub file_count: i64,
    pub byte_size: i64,
    /// The import job that made this version.
    pub job_id: Option<String>,
    pub created_at: String,
}

/// One logical data item. In a plain layout that is one object; readers of richer layouts
/// group several files (a point cloud and its camera images) into one sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Sample {
    pub id: String,
    pub key: String,
    /// train, eval, test or inference, when the source says.
    pub usage: Option<String>,
    pub hard: bool,
    pub scene: Option<String>,
    pub batch: Option<String>,
    /// The version this revision of the sample first appeared in.
    pub added_in: i64,
    /// The format the sample's annotations were read from.
    pub source_format: Option<String>,
    pub annotation_count: i64,
    /// The text of a text sample (a line of a text classification file, a manifest's
    /// `content://` source); its labels are its annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub files: Vec<DatasetFile>,
    /// Filled when one sample is asked for, empty in listings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<crate::Annotation>,
}

/// A label of a version's label set, with how much of the version carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Label {
    pub name: String,
    /// The format's own id for the label (COCO category id, YOLO class index).
    pub source_id: Option<i64>,
    /// COCO's supercategory, or the group the label belongs to.
    pub parent: Option<String>,
    /// Annotations of the version with this label.
    pub annotations: i64,
    /// Samples of the version with at least one annotation with this label.
    pub samples: i64,
}

/// A file of a sample, with the facts Wharf read from the listing and, for images, the header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DatasetFile {
    /// The object's key relative to the import's source prefix.
    pub path: String,
    pub size: i64,
    /// ETag or content hash from the store, or size and modification time for local files.
    pub fingerprint: String,
    pub modified_at: Option<String>,
    pub media_type: String,
    pub width: Option<i64>,
    pub height: Option<i64>,
    /// Points of a point cloud (PCD header, KITTI `.bin` size).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<i64>,
}

/// A named set of storage credentials kept in Wharf. The secret is write-only: it is stored
/// encrypted and never returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Connection {
    pub id: String,
    pub name: String,
    pub endpoint: Option<String>,
    /// The store protocol the endpoint speaks when it is not the one the sources' scheme
    /// names (`s3` for an S3-compatible endpoint serving `obs://` or `oss://` buckets).
    pub protocol: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    /// Whether a secret is stored; the secret itself is never shown.
    pub has_secret: bool,
    pub created_at: String,
}

/// One page of a listing. `next` is the cursor or offset to pass for the following page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}
