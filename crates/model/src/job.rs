//! Import jobs: what was asked, where they are, and what they did.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ErrorCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    /// Succeeded, but some items failed; they are listed in the job's errors.
    Partial,
    Failed,
    Cancelled,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Partial => "partial",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(state: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(state.to_owned())).ok()
    }

    /// A finished job never changes state again.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Partial | Self::Failed | Self::Cancelled
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    Import,
}

/// Progress counters. When a job finishes, `discovered == processed` and
/// `processed == imported + unchanged + skipped + failed`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JobCounters {
    /// Objects found by the listing so far.
    pub discovered: i64,
    /// Objects fully handled, whatever the outcome.
    pub processed: i64,
    /// Objects written as new or changed samples.
    pub imported: i64,
    /// Objects already in the dataset with the same fingerprint.
    pub unchanged: i64,
    /// Objects left out on purpose (folders, zero-byte markers).
    pub skipped: i64,
    /// Objects that could not be read; see the job's errors.
    pub failed: i64,
    /// Samples of the previous version whose object is gone from the source.
    pub removed: i64,
    /// Bytes of the objects imported.
    pub bytes: i64,
    /// Annotations written with the samples imported.
    #[serde(default)]
    pub annotations: i64,
    /// Annotations left out: those of samples the filters left out, and every annotation
    /// when the import keeps none.
    #[serde(default)]
    pub annotations_skipped: i64,
}

/// What an import may be asked to do beyond the defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ImportOptions {
    /// The source's layout (`coco`, `voc`, `yolo`, `modelarts_manifest`, ..., `plain`);
    /// detected when absent.
    pub format: Option<String>,
    /// Read image width and height from the first bytes of every image (a ranged read), and
    /// point counts from PCD headers.
    pub probe_images: bool,
    /// How many header reads run at once.
    pub probe_concurrency: usize,
    /// Add samples the dataset does not hold yet. When false, only samples already in the
    /// dataset are updated.
    pub import_samples: bool,
    /// Keep the annotations the source holds; when false, samples are imported unlabelled.
    pub import_annotations: bool,
    /// Keep only samples that carry at least one of these labels.
    pub included_labels: Vec<String>,
    /// Leave out samples that carry any of these labels.
    pub excluded_labels: Vec<String>,
    /// Keep only samples marked hard, or with an annotation marked difficult or hard.
    pub difficult_only: bool,
    /// Keep the dataset's samples that the source does not hold: the import adds to the
    /// dataset. By default the new version holds what the source holds, and the rest is
    /// counted as `removed`.
    pub keep_absent: bool,
    /// Make a task in this annotation project for every data item the import holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotation_project: Option<i64>,
    /// The one manifest to read (a path under the source) when the format is
    /// `modelarts_manifest`; every manifest the source holds when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    /// How text classification files hold their labels.
    pub text_labels: TextLabels,
    /// Whether the first row of a CSV table names its columns (then it is no data row).
    pub with_column_header: bool,
    /// The columns every CSV table must have, in order, with their types. Empty: each table's
    /// header (or first row) sets its columns, and values are not type-checked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub table_schema: Vec<TableColumn>,
    /// Key each sample by its object's URI in the store (`s3://bucket/path/x.jpg`) rather
    /// than by its path under the source, so that imports from different folders of a store
    /// (a folder, then a manifest elsewhere naming the same images) name an object alike.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub key_by_object_uri: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            format: None,
            probe_images: true,
            probe_concurrency: 32,
            import_samples: true,
            import_annotations: true,
            included_labels: Vec::new(),
            excluded_labels: Vec::new(),
            difficult_only: false,
            keep_absent: false,
            annotation_project: None,
            manifest: None,
            text_labels: TextLabels::default(),
            with_column_header: true,
            table_schema: Vec::new(),
            key_by_object_uri: false,
        }
    }
}

/// A column of a table schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TableColumn {
    pub name: String,
    /// `String`, `Short`, `Int`, `Long`, `Float`, `Double`, `Byte`, `Date` (yyyy-MM-dd),
    /// `Timestamp` (yyyy-MM-dd HH:mm:ss) or `Boolean` (TRUE or FALSE).
    #[serde(rename = "type")]
    pub kind: String,
    /// The column's name in the files' header, when it differs from `name`: a schema mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
}

/// Where the labels of a text classification file are: ModelArts' `label_format`, which every
/// import may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TextLabels {
    /// Where the labels are; when absent, `result_file` if any text has an `X_result.txt`
    /// beside it, else `same_line`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placement: Option<TextLabelPlacement>,
    /// Between a line's text and its labels (`same_line`): a tab by default.
    pub sample_separator: String,
    /// Between the labels of a line (`same_line`): `,` by default.
    pub label_separator: String,
}

impl Default for TextLabels {
    fn default() -> Self {
        Self {
            placement: None,
            sample_separator: "\t".to_owned(),
            label_separator: ",".to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TextLabelPlacement {
    /// `text<sample separator>label<label separator>label` on each line.
    SameLine,
    /// Line n of `X_result.txt` is the label of line n of `X.txt`.
    ResultFile,
}

/// What a finished import produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JobResult {
    pub dataset_id: String,
    /// The version the dataset is at after the job: new when something changed.
    pub version: Option<i64>,
    /// False when the source matched the latest version exactly.
    pub version_created: bool,
    /// The layout the source was read as, given or detected.
    #[serde(default)]
    pub format: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Job {
    pub id: String,
    pub kind: JobKind,
    pub state: JobState,
    pub dataset_id: String,
    pub dataset_name: String,
    pub source_uri: String,
    /// The stored connection whose credentials the job uses, if any.
    pub connection: Option<String>,
    pub options: ImportOptions,
    pub counters: JobCounters,
    /// Objects per second over the job's running time so far.
    pub rate: f64,
    pub attempts: i64,
    pub cancel_requested: bool,
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
    pub result: Option<JobResult>,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    /// When the job last changed: a checkpoint, a cancel request, its end.
    pub updated_at: String,
}

/// A problem with one item of a job. The job goes on without the item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JobError {
    pub id: i64,
    /// The file the problem is in, relative to the source.
    pub path: String,
    pub line: Option<i64>,
    /// The field or JSON path the problem is at, when known.
    pub field: Option<String>,
    /// A stable code: an [`ErrorCode`] for items that could not be read, a
    /// [`ProblemCode`](crate::ProblemCode) for what a reader found wrong.
    pub code: String,
    pub severity: crate::Severity,
    pub message: String,
    pub created_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_stored_before_a_field_existed_read_with_its_default() {
        let stored = r#"{"format":"voc","probe_images":false,"included_labels":["cat"]}"#;
        let options: ImportOptions = serde_json::from_str(stored).unwrap();
        assert_eq!(
            options,
            ImportOptions {
                format: Some("voc".to_owned()),
                probe_images: false,
                included_labels: vec!["cat".to_owned()],
                ..ImportOptions::default()
            }
        );
        assert!(options.with_column_header && !options.keep_absent);
        let labels: TextLabels = serde_json::from_str(r#"{"placement":"same_line"}"#).unwrap();
        assert_eq!(labels.sample_separator, "\t");
    }
}
