//! ModelArts manifests: one JSON object a line, a sample with its labels.
//!
//! A manifest (ModelArts "Specifications for Importing a Manifest File") is a JSON Lines file,
//! usually named `*.manifest`. Each line is one sample: its `source` (an object URI such as
//! `s3://bucket/a.jpg`, or inline text as `content://I love machine learning`), an optional
//! `usage` (train, eval, test, inference), hard-example marks, `property` (video frames say
//! which video and when), and an `annotation` array. Classification, named entities, triplets,
//! speech content and speech segments are written inline; object detection and segmentation
//! labels live in a Pascal VOC file the annotation names with `annotation-loc`, which this
//! reader hands back as an [`AnnotationFile`] for the VOC reader.
//!
//! # Lenient spellings
//!
//! ModelArts' own documents, SDK and exports disagree with one another, and real manifests
//! follow each of them, so every one of these is read without a word:
//!
//! - `type` with or without the `modelarts/` prefix (the docs' table has bare names, every
//!   example and export the prefixed ones), in any case; `sound_classification` is
//!   `audio_classification`, as the SDK maps it.
//! - `hard` as a boolean or as the string `"true"`/`"false"` (the docs write strings, the SDK
//!   types it boolean).
//! - `usage` in any case (`TRAIN` in the docs, `train` in exports); it is given lower case.
//! - Hyphenated or underscored keys: `annotation-loc`, `annotated-by`, `creation-time`,
//!   `inference-loc`, `annotation-format`, `hard-coefficient`, `sample-type` (the SDK parser
//!   reads both). When both spellings are present the hyphenated one wins.
//! - `property` as an object or as a JSON-encoded string (an SDK sample export writes
//!   `"property":"[{\"type\":0,\"property\":{}}]"`).
//!
//! # Decisions
//!
//! - **One line, one sample; streamed.** Lines are read one at a time through the reader's own
//!   buffer; a line over [`MAX_LINE_BYTES`] is skipped as `TooLarge` without ever being held
//!   whole. Blank lines are skipped. A broken line costs that sample only.
//! - **Errors leave things out, warnings keep them.** A sample without a usable `source` is
//!   rejected. An annotation that cannot be mapped (unknown `type`, classification without a
//!   `name`, a span outside its text, a relation to a missing entity) is left out with an error
//!   and the sample is kept with the rest. Doubtful but usable values (`usage`, `hard`,
//!   `confidence`, `sample-type`, names with surrounding whitespace) are kept or dropped with a
//!   warning. A file in UTF-16 is one problem, not one a line.
//! - **The name is the label** for classification, entities and relations, and is required
//!   for all three (the docs make it optional outside classification, but an entity without a
//!   type or a relation without a name has nothing to import). Names are trimmed, with a
//!   warning: the docs' own text classification example has `" positive"`.
//! - **Spans count characters** (Unicode scalar values), end exclusive, as ModelArts indexes its
//!   example; a span is checked against inline (`content://`) text only, as the reader never
//!   sees the text of an object.
//! - **`content://` text is taken as written** after the prefix: it is not percent-decoded,
//!   since ModelArts writes it raw ("content://I love machine learning") and a literal `%` is
//!   common in text.
//! - **Attributes keep their keys.** The `property` entries an annotation's shape does not use
//!   become its attributes under the keys as given, `@modelarts:` ones included; the reader
//!   adds `id`, `hard-coefficient` and `creation-time` (hyphenated whatever the input), and
//!   `from`/`to` for relations. A `property` that is not an object once decoded is kept whole
//!   as the attribute `property`, with one warning a manifest.
//! - **One label type a manifest**, as ModelArts requires; a second type is read all the same,
//!   with one warning. Entities and relations go together (a triplet dataset has both).
//! - `annotated-by` is left empty when absent rather than guessed as ModelArts' default `human`.

mod annotation;
mod detection;
mod lines;
mod reader;
mod sample;
mod values;

#[cfg(test)]
mod tests;

use std::io::BufRead;

use serde_json::{Map, Value};
use wharf_model::{Annotation, Problem, ProblemCode};

pub use detection::{ManifestLayout, detect};

use lines::{Lines, Next};

pub const FORMAT: &str = "modelarts_manifest";

/// Longest line read, in bytes; longer ones are skipped with a `TooLarge` problem.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// One line of a manifest: a sample and its labels.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestSample {
    /// 1-based line of the manifest.
    pub line: u64,
    pub source: Source,
    /// `train`, `eval`, `test` or `inference`, lower case; `None` when absent or not one of them.
    pub usage: Option<String>,
    pub hard: bool,
    /// In [0, 1].
    pub hard_coefficient: Option<f64>,
    pub id: Option<String>,
    /// `0` image, `1` text, `2` audio, `4` table, `6` video, `9` free format.
    pub sample_type: Option<u8>,
    /// Sample-level properties (video frames: `@modelarts:parent_source`, ...).
    pub property: Map<String, Value>,
    /// `inference-loc`: where an inference result for the sample lies.
    pub inference_loc: Option<String>,
    /// Labels written in the manifest; `source_format` is [`FORMAT`].
    pub annotations: Vec<Annotation>,
    /// Label files named by `annotation-loc` (object detection, segmentation).
    pub annotation_files: Vec<AnnotationFile>,
}

/// What a sample is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A stored object, by URI as written (`s3://`, `obs://`, `https://`, ...).
    Object(String),
    /// Inline text: what follows `content://`.
    Content(String),
}

/// A label file an annotation points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotationFile {
    /// `annotation-loc`, as written.
    pub location: String,
    /// Always `PASCAL VOC`, the one format ModelArts supports.
    pub format: String,
    /// `object_detection` or `image_segmentation`.
    pub kind: String,
}

/// Receives a manifest's samples and problems, in line order.
pub trait ManifestSink {
    fn sample(&mut self, sample: ManifestSample);
    fn problem(&mut self, problem: Problem);
}

/// What a read found, for the caller's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ManifestStats {
    /// Lines read, blank ones included.
    pub lines: u64,
    /// Samples passed to the sink.
    pub samples: u64,
    /// Non-blank lines that gave no sample.
    pub rejected: u64,
}

/// Reads the manifest `file` line by line, passing each sample and each problem to `sink`.
/// Never panics and never holds more than one line; a line's problems come before its sample.
pub fn read(reader: impl BufRead, file: &str, sink: &mut impl ManifestSink) -> ManifestStats {
    let mut lines = Lines::new(reader, MAX_LINE_BYTES);
    let mut manifest = sample::Manifest::default();
    let mut stats = ManifestStats::default();
    loop {
        match lines.next_line() {
            Next::End => break,
            Next::Failed { line, error } => {
                let message = format!("Reading stopped at line {line}: {error}.");
                sink.problem(
                    Problem::error(ProblemCode::Unreadable, file, message)
                        .at_line(line)
                        .at_path("$"),
                );
                break;
            }
            Next::TooLong { line, bytes } => {
                stats.lines += 1;
                stats.rejected += 1;
                let message = format!(
                    "Line {line} is {bytes} bytes, over the {MAX_LINE_BYTES}-byte limit for one sample; it is skipped."
                );
                sink.problem(
                    Problem::error(ProblemCode::TooLarge, file, message)
                        .at_line(line)
                        .at_path("$")
                        .found(format!("{bytes} bytes"))
                        .expected(format!("at most {MAX_LINE_BYTES} bytes a line")),
                );
            }
            Next::Line { line, bytes } => {
                stats.lines += 1;
                if line == 1 && is_utf16(bytes) {
                    stats.rejected += 1;
                    let message =
                        "The manifest is UTF-16 text; save it as UTF-8 (nothing was read).";
                    sink.problem(
                        Problem::error(ProblemCode::NotUtf8, file, message)
                            .at_line(1)
                            .at_path("$")
                            .found("a UTF-16 byte order mark")
                            .expected("UTF-8"),
                    );
                    break;
                }
                let bytes = if line == 1 {
                    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
                } else {
                    bytes
                };
                if bytes.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
                    continue;
                }
                let mut out = sample::LineProblems::new(file, line);
                let read = sample::read_line(bytes, &mut manifest, &mut out);
                for problem in out.list {
                    sink.problem(problem);
                }
                match read {
                    Some(sample) => {
                        stats.samples += 1;
                        sink.sample(sample);
                    }
                    None => stats.rejected += 1,
                }
            }
        }
    }
    stats
}

fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}
