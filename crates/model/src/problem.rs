//! Problems readers find in a dataset.
//!
//! A problem says where (file, line or JSON path, field), what was found and what was
//! expected, so that a user can fix a broken dataset from the report alone. Its code is stable:
//! scripts and tests match on it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What kind of problem; stable on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// Malformed JSON, XML, YAML, CSV or text.
    Syntax,
    /// The file ends in the middle of a value.
    Truncated,
    /// Bytes that are not valid UTF-8 where text was expected.
    NotUtf8,
    /// A value of the wrong type (a string where a number was expected, ...).
    WrongType,
    /// A required field is absent.
    MissingField,
    /// Two records share an id that must be unique.
    DuplicateId,
    /// A record names another that does not exist (an annotation's image or category).
    UnknownReference,
    /// A label index or name outside the label set.
    UnknownLabel,
    /// A shape reaching outside its image.
    OutOfBounds,
    /// A value of the right type but not allowed (negative size, NaN, absurdly large).
    InvalidValue,
    /// A file, a record or a count beyond Wharf's limits.
    TooLarge,
    /// Nesting deeper than Wharf's limit.
    TooDeep,
    /// A construct refused for safety (XML DOCTYPE and entity declarations).
    Forbidden,
    /// A file the layout needs, or a file a record names, is not in the source.
    MissingFile,
    /// A folder or file out of place for the layout.
    LayoutMismatch,
    /// A file that could not be read.
    Unreadable,
    /// A file whose extension names a format Wharf reads the header of (a raster image, a
    /// point cloud) but whose first bytes are not that format's header: the item is left out,
    /// since neither its size nor its points can be known.
    InvalidHeader,
    /// A listed file that fits no part of the layout (neither data, annotations nor the
    /// layout's own structure): left out, and counted as skipped.
    NotUsed,
    /// Records of one sample found in several places and merged into one (several lines of a
    /// manifest, several COCO image records with one file name).
    Merged,
}

impl ProblemCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Syntax => "syntax",
            Self::Truncated => "truncated",
            Self::NotUtf8 => "not_utf8",
            Self::WrongType => "wrong_type",
            Self::MissingField => "missing_field",
            Self::DuplicateId => "duplicate_id",
            Self::UnknownReference => "unknown_reference",
            Self::UnknownLabel => "unknown_label",
            Self::OutOfBounds => "out_of_bounds",
            Self::InvalidValue => "invalid_value",
            Self::TooLarge => "too_large",
            Self::TooDeep => "too_deep",
            Self::Forbidden => "forbidden",
            Self::MissingFile => "missing_file",
            Self::LayoutMismatch => "layout_mismatch",
            Self::Unreadable => "unreadable",
            Self::InvalidHeader => "invalid_header",
            Self::NotUsed => "not_used",
            Self::Merged => "merged",
        }
    }
}

/// Whether the problem stops an item from being imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The item (or the whole file, for a file-level problem) is left out.
    Error,
    /// The item is imported; the problem is reported.
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    pub code: ProblemCode,
    pub severity: Severity,
    /// The file, relative to the source.
    pub file: String,
    /// 1-based line, where the format has lines and the reader knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Where in a JSON document, e.g. `$.annotations[41].bbox`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_path: Option<String>,
    /// The field or element at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What was there, shortened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// What was expected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// One sentence that says all of the above.
    pub message: String,
}

/// Longest `found` text kept in a problem.
const FOUND_LIMIT: usize = 120;

impl Problem {
    pub fn error(code: ProblemCode, file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: Severity::Error,
            file: file.into(),
            line: None,
            json_path: None,
            field: None,
            found: None,
            expected: None,
            message: message.into(),
        }
    }

    pub fn warning(code: ProblemCode, file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, file, message)
        }
    }

    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    pub fn at_path(mut self, json_path: impl Into<String>) -> Self {
        self.json_path = Some(json_path.into());
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Records what was found, cut to a readable length.
    pub fn found(mut self, found: impl AsRef<str>) -> Self {
        let found = found.as_ref();
        let mut shown: String = found.chars().take(FOUND_LIMIT).collect();
        if shown.len() < found.len() {
            shown.push('…');
        }
        self.found = Some(shown);
        self
    }

    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_carry_location_and_cut_long_findings() {
        let p = Problem::error(
            ProblemCode::WrongType,
            "ann/instances.json",
            "bbox must be numbers",
        )
        .at_path("$.annotations[3].bbox")
        .field("bbox")
        .found("x".repeat(500))
        .expected("[x, y, width, height] as numbers");
        assert_eq!(p.found.as_ref().unwrap().chars().count(), FOUND_LIMIT + 1);
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["code"], "wrong_type");
        assert_eq!(json["severity"], "error");
        assert_eq!(json["json_path"], "$.annotations[3].bbox");
        assert!(json.get("line").is_none());
        assert_eq!(
            serde_json::to_value(ProblemCode::OutOfBounds).unwrap(),
            ProblemCode::OutOfBounds.as_str()
        );
    }
}
