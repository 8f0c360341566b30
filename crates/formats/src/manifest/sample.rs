//! One line of a manifest: its JSON, its sample-level keys, then its annotations.

use std::collections::HashSet;

use serde_json::error::Category;
use serde_json::{Map, Value};
use wharf_model::{Annotation, Problem, ProblemCode};

use super::annotation::{self, Kind, Read};
use super::values::{at, describe, flag, take, unit};
use super::{ManifestSample, Source};

/// What the reader remembers from line to line: only what its once-a-manifest warnings need.
#[derive(Default)]
pub(super) struct Manifest {
    /// The first label type met, as written, with its line.
    first_kind: Option<(Kind, String, u64)>,
    warned_mixed: bool,
    warned_property: bool,
}

impl Manifest {
    /// Notes an annotation's type; warns, once a manifest, at the first type that differs.
    pub fn note_kind(&mut self, kind: Kind, written: &str, path: &str, out: &mut LineProblems) {
        let Some((first, first_written, first_line)) = &self.first_kind else {
            self.first_kind = Some((kind, written.to_owned(), out.line));
            return;
        };
        if self.warned_mixed || first.family() == kind.family() {
            return;
        }
        self.warned_mixed = true;
        let message = format!(
            "The manifest mixes label types: line {first_line} has {first_written}, line {} has {written}; ModelArts allows one type a manifest. Both are read; this is reported once.",
            out.line
        );
        let expected = format!("{first_written}, as on line {first_line}");
        out.push(
            out.warning(ProblemCode::InvalidValue, path, message)
                .field("type")
                .found(written)
                .expected(expected),
        );
    }

    /// Whether the warning about a `property` that is not an object is still to be given.
    pub fn first_odd_property(&mut self) -> bool {
        !std::mem::replace(&mut self.warned_property, true)
    }
}

/// The problems of one line, each made with the file and the line.
pub(super) struct LineProblems<'f> {
    file: &'f str,
    pub line: u64,
    pub list: Vec<Problem>,
}

impl<'f> LineProblems<'f> {
    pub fn new(file: &'f str, line: u64) -> Self {
        Self {
            file,
            line,
            list: Vec::new(),
        }
    }

    /// An error: what it is about (the sample, an annotation) is left out.
    pub fn error(
        &self,
        code: ProblemCode,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Problem {
        Problem::error(code, self.file, message)
            .at_line(self.line)
            .at_path(path)
    }

    /// A warning: reported, and what it is about is kept.
    pub fn warning(
        &self,
        code: ProblemCode,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Problem {
        Problem::warning(code, self.file, message)
            .at_line(self.line)
            .at_path(path)
    }

    pub fn push(&mut self, problem: Problem) {
        self.list.push(problem);
    }
}

/// Accepted `sample-type` values.
const SAMPLE_TYPES: [u64; 6] = [0, 1, 2, 4, 6, 9];

/// Reads one non-blank line; `None` when it gives no sample.
pub(super) fn read_line(
    bytes: &[u8],
    manifest: &mut Manifest,
    out: &mut LineProblems,
) -> Option<ManifestSample> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.valid_up_to();
            let bad = &bytes[at..bytes.len().min(at + 4)];
            let hex: Vec<String> = bad.iter().map(|b| format!("0x{b:02X}")).collect();
            let message = format!(
                "Line {} is not UTF-8 text (GBK?) from byte {}; save the manifest as UTF-8. The line is skipped.",
                out.line,
                at + 1
            );
            out.push(
                out.error(ProblemCode::NotUtf8, "$", message)
                    .found(format!("bytes {}", hex.join(" ")))
                    .expected("UTF-8"),
            );
            return None;
        }
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            out.push(not_json(&e, text, out));
            return None;
        }
    };
    let Value::Object(map) = value else {
        let message = format!(
            "Line {} is {}, not a JSON object; each line of a manifest is one sample object. The line is skipped.",
            out.line,
            describe(&value)
        );
        out.push(
            out.error(ProblemCode::WrongType, "$", message)
                .found(describe(&value))
                .expected("a JSON object with a \"source\""),
        );
        return None;
    };
    read_sample(map, manifest, out)
}

fn not_json(e: &serde_json::Error, text: &str, out: &LineProblems) -> Problem {
    let full = e.to_string();
    let what = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(what, _)| what);
    if what.starts_with("recursion limit exceeded") {
        let message = format!(
            "Line {} nests JSON deeper than the 128 levels Wharf reads; no sample is that deep. The line is skipped.",
            out.line
        );
        return out
            .error(ProblemCode::TooDeep, "$", message)
            .found(format!("nesting past 128 levels at column {}", e.column()))
            .expected("at most 128 levels of nesting");
    }
    let hint = if e.classify() == Category::Eof {
        " A manifest holds one whole JSON object a line: is it pretty-printed over several lines?"
    } else {
        ""
    };
    let message = format!(
        "Line {} is not valid JSON: {what} at column {}.{hint} The line is skipped.",
        out.line,
        e.column()
    );
    out.error(ProblemCode::Syntax, "$", message)
        .found(excerpt(text, e.column()))
        .expected("one JSON object on the line")
}

/// The text around a 1-based byte column, on char boundaries.
fn excerpt(text: &str, column: usize) -> String {
    let at = column.saturating_sub(1).min(text.len());
    let mut start = at.saturating_sub(30);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + 30).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    text[start..end].to_owned()
}

fn read_sample(
    mut map: Map<String, Value>,
    manifest: &mut Manifest,
    out: &mut LineProblems,
) -> Option<ManifestSample> {
    let source = source(&mut map, out)?;
    let content_chars = match &source {
        Source::Content(text) => Some(text.chars().count() as u64),
        Source::Object(_) => None,
    };
    let mut sample = ManifestSample {
        line: out.line,
        source,
        usage: usage(&mut map, out),
        hard: false,
        hard_coefficient: None,
        id: None,
        sample_type: sample_type(&mut map, out),
        property: Map::new(),
        inference_loc: None,
        annotations: Vec::new(),
        annotation_files: Vec::new(),
    };
    if let Some((key, value)) = take(&mut map, &["hard"]) {
        sample.hard = hard(&value, &at("$", key), out);
    }
    if let Some((key, value)) = take(&mut map, &["hard-coefficient", "hard_coefficient"]) {
        sample.hard_coefficient = coefficient(&value, &at("$", key), out);
    }
    if let Some((key, value)) = take(&mut map, &["id"]) {
        sample.id = id(value, &at("$", key), out);
    }
    if let Some((key, value)) = take(&mut map, &["inference-loc", "inference_loc"]) {
        sample.inference_loc = text(value, key, &at("$", key), out);
    }
    if let Some((key, value)) = take(&mut map, &["property"]) {
        let path = at("$", key);
        match annotation::decode_property(value) {
            Ok(property) => sample.property = property,
            Err(odd) => {
                let message = "The sample's \"property\" is not an object (nor a JSON string of one); it is ignored.";
                out.push(
                    out.warning(ProblemCode::WrongType, path, message)
                        .field(key)
                        .found(describe(&odd))
                        .expected("an object of properties"),
                );
            }
        }
    }
    match take(&mut map, &["annotation"]) {
        None | Some((_, Value::Null)) => {
            if map.contains_key("annotations") {
                let message = "The sample has \"annotations\", which ModelArts does not read: labels go in \"annotation\" (singular). They are ignored.";
                out.push(
                    out.warning(ProblemCode::InvalidValue, "$.annotations", message)
                        .field("annotations")
                        .expected("\"annotation\""),
                );
            }
        }
        Some((_, Value::Array(items))) => {
            annotations(items, content_chars, &mut sample, manifest, out);
        }
        Some((key, other)) => {
            let message = format!(
                "\"annotation\" is {}, not an array of labels; the sample is read without labels.",
                describe(&other)
            );
            out.push(
                out.error(ProblemCode::WrongType, at("$", key), message)
                    .field(key)
                    .found(describe(&other))
                    .expected("an array of annotation objects"),
            );
        }
    }
    Some(sample)
}

fn source(map: &mut Map<String, Value>, out: &mut LineProblems) -> Option<Source> {
    let value = match map.remove("source") {
        Some(Value::String(value)) => value,
        None | Some(Value::Null) => {
            let message = "The sample has no \"source\"; every line needs the URI of its object or content://text. The line is skipped.";
            out.push(
                out.error(ProblemCode::MissingField, "$.source", message)
                    .field("source")
                    .expected("\"s3://bucket/path\" or \"content://text\""),
            );
            return None;
        }
        Some(other) => {
            let message = format!(
                "\"source\" is {}, not a string; the line is skipped.",
                describe(&other)
            );
            out.push(
                out.error(ProblemCode::WrongType, "$.source", message)
                    .field("source")
                    .found(describe(&other))
                    .expected("a URI string"),
            );
            return None;
        }
    };
    let scheme = "content://";
    let content = value
        .get(..scheme.len())
        .filter(|prefix| prefix.eq_ignore_ascii_case(scheme))
        .map(|_| &value[scheme.len()..]);
    let empty = match content {
        Some(text) => text.is_empty(),
        None => value.trim().is_empty(),
    };
    if empty {
        let what = if content.is_some() {
            "content:// with no text"
        } else {
            "empty"
        };
        let message =
            format!("\"source\" is {what}; the sample has nothing to import. The line is skipped.");
        out.push(
            out.error(ProblemCode::InvalidValue, "$.source", message)
                .field("source")
                .found(format!("{value:?}"))
                .expected("\"s3://bucket/path\" or \"content://text\""),
        );
        return None;
    }
    Some(match content {
        Some(text) => Source::Content(text.to_owned()),
        None => Source::Object(value),
    })
}

fn usage(map: &mut Map<String, Value>, out: &mut LineProblems) -> Option<String> {
    let value = map.remove("usage")?;
    let expected = "TRAIN, EVAL, TEST or INFERENCE (any case)";
    match &value {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => {
            let lower = s.trim().to_ascii_lowercase();
            if wharf_model::usage::ALL.contains(&lower.as_str()) {
                return Some(lower);
            }
            let message = format!(
                "\"usage\" is {value}, not one of {expected}; the sample is kept without a usage."
            );
            out.push(
                out.warning(ProblemCode::InvalidValue, "$.usage", message)
                    .field("usage")
                    .found(describe(&value))
                    .expected(expected),
            );
            None
        }
        other => {
            let message = format!(
                "\"usage\" is {}, not a string; the sample is kept without a usage.",
                describe(other)
            );
            out.push(
                out.warning(ProblemCode::WrongType, "$.usage", message)
                    .field("usage")
                    .found(describe(other))
                    .expected(expected),
            );
            None
        }
    }
}

fn sample_type(map: &mut Map<String, Value>, out: &mut LineProblems) -> Option<u8> {
    let (key, value) = take(map, &["sample-type", "sample_type"])?;
    if value.is_null() {
        return None;
    }
    let expected = "0 (image), 1 (text), 2 (audio), 4 (table), 6 (video) or 9 (free format)";
    let number = value.as_u64();
    if let Some(n) = number.filter(|n| SAMPLE_TYPES.contains(n)) {
        return u8::try_from(n).ok();
    }
    let (code, what) = if number.is_some() || value.is_i64() {
        (ProblemCode::InvalidValue, "not a known sample type")
    } else {
        (ProblemCode::WrongType, "not a whole number")
    };
    let message = format!(
        "\"{key}\" is {}, {what}; the sample is kept without it.",
        describe(&value)
    );
    out.push(
        out.warning(code, at("$", key), message)
            .field(key)
            .found(describe(&value))
            .expected(expected),
    );
    None
}

/// A `hard` flag, false with a warning when unreadable.
pub(super) fn hard(value: &Value, path: &str, out: &mut LineProblems) -> bool {
    if value.is_null() {
        return false;
    }
    flag(value).unwrap_or_else(|code| {
        let message = format!(
            "\"hard\" is {}, not true or false; it is taken as false.",
            describe(value)
        );
        out.push(
            out.warning(code, path, message)
                .field("hard")
                .found(describe(value))
                .expected("true or false, as a boolean or a string"),
        );
        false
    })
}

/// A `hard-coefficient`, dropped with a warning unless in [0, 1].
pub(super) fn coefficient(value: &Value, path: &str, out: &mut LineProblems) -> Option<f64> {
    if value.is_null() {
        return None;
    }
    unit(value)
        .map_err(|code| {
            let message = format!(
                "\"hard-coefficient\" is {}, not a number from 0 to 1; it is dropped.",
                describe(value)
            );
            out.push(
                out.warning(code, path, message)
                    .field("hard-coefficient")
                    .found(describe(value))
                    .expected("a number from 0 to 1"),
            );
        })
        .ok()
}

/// An `id`: a string, or a number taken as its text.
pub(super) fn id(value: Value, path: &str, out: &mut LineProblems) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        other => {
            let message = format!(
                "\"id\" is {}, not a string; it is dropped.",
                describe(&other)
            );
            out.push(
                out.warning(ProblemCode::WrongType, path, message)
                    .field("id")
                    .found(describe(&other))
                    .expected("a string"),
            );
            None
        }
    }
}

/// A free text field, dropped with a warning unless a string.
pub(super) fn text(value: Value, key: &str, path: &str, out: &mut LineProblems) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => {
            let message = format!(
                "\"{key}\" is {}, not a string; it is dropped.",
                describe(&other)
            );
            out.push(
                out.warning(ProblemCode::WrongType, path, message)
                    .field(key)
                    .found(describe(&other))
                    .expected("a string"),
            );
            None
        }
    }
}

/// Where a read relation waits for its entities to be known.
enum Slot {
    Done(Annotation),
    Relation(annotation::Relation),
}

/// Reads the annotations, then checks relations against the sample's entities.
fn annotations(
    items: Vec<Value>,
    content_chars: Option<u64>,
    sample: &mut ManifestSample,
    manifest: &mut Manifest,
    out: &mut LineProblems,
) {
    let mut slots = Vec::with_capacity(items.len());
    let mut entities: HashSet<String> = HashSet::new();
    for (index, item) in items.into_iter().enumerate() {
        match annotation::read(item, index, content_chars, manifest, out) {
            None => {}
            Some(Read::File(file)) => sample.annotation_files.push(file),
            Some(Read::Label(annotation)) => slots.push(Slot::Done(annotation)),
            Some(Read::Entity { id, annotation }) => {
                if let Some((id, path)) = id
                    && !entities.insert(id.clone())
                {
                    let message = format!(
                        "Entity id {id:?} is used twice in the sample; relations to it are ambiguous. Both entities are kept."
                    );
                    out.push(
                        out.warning(ProblemCode::DuplicateId, path, message)
                            .field("id")
                            .found(id)
                            .expected("ids unique within the sample"),
                    );
                }
                slots.push(Slot::Done(annotation));
            }
            Some(Read::Relation(relation)) => slots.push(Slot::Relation(relation)),
        }
    }
    for slot in slots {
        match slot {
            Slot::Done(annotation) => sample.annotations.push(annotation),
            Slot::Relation(relation) => {
                let mut known = true;
                for end in [&relation.from, &relation.to] {
                    if entities.contains(&end.id) {
                        continue;
                    }
                    known = false;
                    let message = format!(
                        "The relation names entity {:?}, which is not an entity of this sample; the relation is left out.",
                        end.id
                    );
                    let mut entity_ids: Vec<&str> = entities.iter().map(String::as_str).collect();
                    entity_ids.sort_unstable();
                    let expected = if entity_ids.is_empty() {
                        "the id of a text_entity annotation of the sample (it has none)".to_owned()
                    } else {
                        format!("one of {}", entity_ids.join(", "))
                    };
                    out.push(
                        out.error(ProblemCode::UnknownReference, end.path.as_str(), message)
                            .field(end.key)
                            .found(&end.id)
                            .expected(expected),
                    );
                }
                if known {
                    sample.annotations.push(relation.annotation);
                }
            }
        }
    }
}
