//! ModelArts directory layouts: datasets whose labels are the shape of the directory, as
//! ModelArts imports them from an OBS folder (`import_type` `dir`).
//!
//! # Layouts
//!
//! ```text
//! Cat/10.jpg Cat/11.jpg Dog/1.jpg        image classification by folder ("imageNet 1.0"): the
//! train/Bird/3.jpg                       folder an image is in is its label; nested: the last
//! import-dir-1/10.jpg import-dir-1/10.txt  by sidecar ("image classification 1.0"): the .txt
//!                                        beside an image lists its labels, one a line
//! Bird/a.wav Dog/b.wav                   sound classification: folder = label, .wav files only
//! comments.txt                           text classification, label_type 1: `text<TAB>a,b`
//! X.txt X_result.txt                     text classification, label_type 0: line n of
//!                                        X_result.txt is the label of line n of X.txt
//! table_import_1.csv …                   a table: CSV files with the dataset's columns
//! ```
//!
//! [`image_classification`] and [`sound_classification`] read a listing; [`text_lines`],
//! [`text_with_results`] (with [`text_result_pairs`] to find the pairs) and [`check_table`]
//! read bytes; [`detect`] judges a listing and says which layout in its first reason. No
//! function does I/O: the caller lists the files and reads the ones asked for.
//!
//! # Decisions, and why
//!
//! - **A sidecar wins over the folder**, as ModelArts' older spec says: an image with
//!   `<stem>.txt` beside it takes that file's labels, even when the file is empty (then the
//!   image is unlabelled, with a warning) or unreadable (an error). An image without one takes
//!   its folder's name; when other images of its folder have sidecars, that is likely a miss,
//!   and a `MissingFile` warning says so. An image at the top level, with neither, is kept
//!   unlabelled with a `MissingField` warning.
//! - **GBK is reported, not decoded.** ModelArts reads text as UTF-8 or GBK. Wharf reads
//!   UTF-8 only: text that is not is a `NotUtf8` problem whose message names GBK when the bytes
//!   read as GBK (high bytes in lead/trail pairs), with the command that converts it.
//! - **Rows are reported and skipped, never fatal.** A line without a separator, a row of the
//!   wrong column count, a value of the wrong type: each is a problem with its file and line,
//!   and reading goes on with the next. ModelArts ignores a table row of the wrong column count
//!   and imports a value of the wrong type as null; Wharf reports both as warnings.
//! - **ModelArts' naming rules warn, never refuse**: label names of more than 32 characters or
//!   other than letters, digits, `-` and `_` (ExeML's rule), file names with `+`, spaces or
//!   tabs, text lines over 100 KB, more than 10 000 labels. Each is a warning, once per label;
//!   Wharf imports the data, and the warning matters only if the dataset goes back to ModelArts.
//! - **label_type 1 splits at the last separator**: labels cannot hold the separator, texts may.
//!   **label_type 0 reads a result line as one label**: ModelArts documents no way to write
//!   several. Line counts that differ are a warning; labels still pair by line, as in ModelArts.
//! - **Tables stream.** [`check_table`] (and [`TableChecker`], fed in chunks) keeps the field
//!   being read, the header and the problems, never a row, so a table of any size is checked in
//!   constant memory. A quote never closed swallows the rest of the file into one field, as in
//!   any CSV reader; the error names the line where it opened.
//! - **Bounded work.** Sidecars and text files over [`MAX_TEXT_BYTES`] are refused (`TooLarge`);
//!   table fields over [`MAX_FIELD_BYTES`] are not checked; past 1 000 problems a call, only
//!   their count is reported.

mod classification;
mod detection;
mod reader;
mod table;
mod text;
mod text_classification;

#[cfg(test)]
mod tests;

use wharf_model::Annotation;

pub use classification::{image_classification, sound_classification};
pub use detection::{ModelartsDirLayout, detect};
pub use table::{
    ColumnKind, ColumnSchema, MAX_FIELD_BYTES, TableChecker, TableReport, check_table,
};
pub use text::MAX_TEXT_BYTES;
pub use text_classification::{
    TextLabelFormat, TextSample, text_lines, text_result_pairs, text_with_results,
};

/// The `source_format` of every annotation this module reads.
pub const FORMAT: &str = "modelarts_dir";

/// A sample file with its labels: [`Shape::Class`](wharf_model::Shape::Class) annotations,
/// none when it is unlabelled.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    /// The file, relative to the source.
    pub path: String,
    pub annotations: Vec<Annotation>,
}
