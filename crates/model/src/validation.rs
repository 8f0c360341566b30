//! What a validate-only run reports.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Problem;

/// One reader's judgement of the source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FormatVerdict {
    pub format: String,
    pub matched: bool,
    /// In [0, 1]; 0 when rejected.
    pub confidence: f32,
    /// Why it matched, or the one reason it was rejected.
    pub reasons: Vec<String>,
}

/// Everything an import would read, and every problem met, with nothing written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ValidationReport {
    pub source: String,
    /// The format read: the one asked for, or the best detected match.
    pub format: Option<String>,
    /// Every reader's verdict, best first.
    pub detection: Vec<FormatVerdict>,
    /// Files listed under the source.
    pub files: u64,
    /// Annotation files read.
    pub annotation_files: u64,
    /// Samples the import would make.
    pub samples: u64,
    /// Files the import would leave out because they fit no part of the layout (each also a
    /// `not_used` warning).
    #[serde(default)]
    pub skipped: u64,
    /// Normalised annotations the import would write.
    pub annotations: u64,
    /// Labels of the label set.
    pub labels: u64,
    /// Annotations per label that the import would write.
    #[serde(default)]
    pub label_annotations: std::collections::BTreeMap<String, u64>,
    pub errors: u64,
    pub warnings: u64,
    /// The problems, in the order met, up to a limit; `problems_omitted` counts the rest.
    pub problems: Vec<Problem>,
    pub problems_omitted: u64,
}

impl ValidationReport {
    /// True when nothing would be left out.
    pub fn is_clean(&self) -> bool {
        self.errors == 0
    }
}
