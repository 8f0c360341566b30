//! One object of a sample's `annotation` array, mapped by its `type`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use wharf_model::{Annotation, ProblemCode, Shape};

use super::sample::{LineProblems, Manifest, coefficient, hard, id, text};
use super::values::{at, describe, seconds, take, unit};
use super::{AnnotationFile, FORMAT};

/// A label type, whatever its spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    ImageClassification,
    TextClassification,
    AudioClassification,
    TextEntity,
    TextTriplet,
    AudioContent,
    AudioSegmentation,
    ObjectDetection,
    ImageSegmentation,
}

/// The types accepted, as a problem lists them.
const ACCEPTED: &str = "image_classification, text_classification, audio_classification (or sound_classification), text_entity, text_triplet, audio_content, audio_segmentation, object_detection or image_segmentation, with or without the modelarts/ prefix";

/// The one label file format ModelArts supports.
const PASCAL_VOC: &str = "PASCAL VOC";

impl Kind {
    /// `modelarts/text_entity`, `TEXT_ENTITY`, `sound_classification`, ...
    fn parse(written: &str) -> Option<Self> {
        let lower = written.trim().to_ascii_lowercase();
        let name = lower.strip_prefix("modelarts/").unwrap_or(&lower);
        Some(match name {
            "image_classification" => Self::ImageClassification,
            "text_classification" => Self::TextClassification,
            "audio_classification" | "sound_classification" => Self::AudioClassification,
            "text_entity" => Self::TextEntity,
            "text_triplet" => Self::TextTriplet,
            "audio_content" => Self::AudioContent,
            "audio_segmentation" => Self::AudioSegmentation,
            "object_detection" => Self::ObjectDetection,
            "image_segmentation" => Self::ImageSegmentation,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Self::ImageClassification => "image_classification",
            Self::TextClassification => "text_classification",
            Self::AudioClassification => "audio_classification",
            Self::TextEntity => "text_entity",
            Self::TextTriplet => "text_triplet",
            Self::AudioContent => "audio_content",
            Self::AudioSegmentation => "audio_segmentation",
            Self::ObjectDetection => "object_detection",
            Self::ImageSegmentation => "image_segmentation",
        }
    }

    /// Types that may share a manifest: a triplet dataset holds entities and relations.
    pub fn family(self) -> Self {
        match self {
            Self::TextTriplet => Self::TextEntity,
            other => other,
        }
    }
}

/// What one annotation object gave.
pub(super) enum Read {
    Label(Annotation),
    /// A `text_entity`, with its `id` and that id's path when it has one.
    Entity {
        id: Option<(String, String)>,
        annotation: Annotation,
    },
    /// A `text_triplet`, to be checked against the sample's entities.
    Relation(Relation),
    File(AnnotationFile),
}

pub(super) struct Relation {
    pub annotation: Annotation,
    pub from: End,
    pub to: End,
}

/// One end of a relation: the entity id named, and where.
pub(super) struct End {
    pub id: String,
    pub key: &'static str,
    pub path: String,
}

/// Reads annotation `index` of a sample; `None` when it is left out (the problem is reported).
/// `content_chars` is the length of the sample's inline text, if it has one.
pub(super) fn read(
    value: Value,
    index: usize,
    content_chars: Option<u64>,
    manifest: &mut Manifest,
    out: &mut LineProblems,
) -> Option<Read> {
    let base = format!("$.annotation[{index}]");
    let Value::Object(mut map) = value else {
        let message = format!(
            "Annotation {index} is {}, not an object; it is left out.",
            describe(&value)
        );
        out.push(
            out.error(ProblemCode::WrongType, base, message)
                .found(describe(&value))
                .expected("an object with a \"type\""),
        );
        return None;
    };
    let kind = kind(&mut map, &base, manifest, out)?;
    if matches!(kind, Kind::ObjectDetection | Kind::ImageSegmentation) {
        return label_file(kind, &mut map, &base, out).map(Read::File);
    }
    let (mut property, whole) = property(&mut map, &base, manifest, out);
    let property_path = at(&base, "property");
    let label = name(&mut map, kind, &base, out);
    let mut extra = BTreeMap::new();
    let mut relation = None;
    let shape = match kind {
        Kind::ImageClassification | Kind::TextClassification | Kind::AudioClassification => {
            Some(Shape::Class)
        }
        Kind::TextEntity => span(&mut property, &property_path, content_chars, out),
        Kind::TextTriplet => {
            let from = end(
                &mut property,
                "@modelarts:from",
                "from",
                &property_path,
                out,
            );
            let to = end(&mut property, "@modelarts:to", "to", &property_path, out);
            from.zip(to).map(|ends| {
                relation = Some(ends);
                Shape::Class
            })
        }
        Kind::AudioContent => content(&mut property, &property_path, out),
        Kind::AudioSegmentation => segment(&mut property, &property_path, out),
        Kind::ObjectDetection | Kind::ImageSegmentation => None,
    };
    let (label, shape) = label.zip(shape)?;

    let mut annotation = Annotation {
        label,
        shape,
        attributes: property.into_iter().collect(),
        confidence: None,
        annotated_by: None,
        difficult: false,
        hard: false,
        bounds: None,
        source_format: FORMAT.to_owned(),
        parts: Vec::new(),
    };
    if let Some(whole) = whole {
        annotation.attributes.insert("property".to_owned(), whole);
    }
    let entity_id = common(&mut map, &base, &mut annotation, &mut extra, out);
    annotation.attributes.append(&mut extra);
    Some(match (kind, relation) {
        (Kind::TextEntity, _) => Read::Entity {
            id: entity_id,
            annotation,
        },
        (_, Some((from, to))) => {
            for end in [&from, &to] {
                annotation
                    .attributes
                    .insert(end.key.to_owned(), Value::String(end.id.clone()));
            }
            Read::Relation(Relation {
                annotation,
                from,
                to,
            })
        }
        _ => Read::Label(annotation),
    })
}

/// The `type`, noted for the one-type-a-manifest check.
fn kind(
    map: &mut Map<String, Value>,
    base: &str,
    manifest: &mut Manifest,
    out: &mut LineProblems,
) -> Option<Kind> {
    let path = at(base, "type");
    let written = match map.remove("type") {
        Some(Value::String(written)) => written,
        None | Some(Value::Null) => {
            let message = "The annotation has no \"type\"; it is left out.";
            out.push(
                out.error(ProblemCode::MissingField, path, message)
                    .field("type")
                    .expected(ACCEPTED),
            );
            return None;
        }
        Some(other) => {
            let message = format!(
                "The annotation's \"type\" is {}, not a string; it is left out.",
                describe(&other)
            );
            out.push(
                out.error(ProblemCode::WrongType, path, message)
                    .field("type")
                    .found(describe(&other))
                    .expected(ACCEPTED),
            );
            return None;
        }
    };
    let Some(kind) = Kind::parse(&written) else {
        let message = format!(
            "The annotation's type {written:?} is not one Wharf reads from a manifest; it is left out."
        );
        out.push(
            out.error(ProblemCode::InvalidValue, path, message)
                .field("type")
                .found(&written)
                .expected(ACCEPTED),
        );
        return None;
    };
    manifest.note_kind(kind, &written, &path, out);
    Some(kind)
}

/// Decodes a `property`: an object, or a JSON string of one; empty when absent, null or "".
/// Anything else comes back as `Err`, decoded when it was a JSON string.
pub(super) fn decode_property(value: Value) -> Result<Map<String, Value>, Value> {
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        Value::String(s) if s.trim().is_empty() => Ok(Map::new()),
        Value::String(s) => match serde_json::from_str::<Value>(&s) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(other) => Err(other),
            Err(_) => Err(Value::String(s)),
        },
        other => Err(other),
    }
}

/// The annotation's `property` as a map, and the whole value when it is not one.
fn property(
    map: &mut Map<String, Value>,
    base: &str,
    manifest: &mut Manifest,
    out: &mut LineProblems,
) -> (Map<String, Value>, Option<Value>) {
    let Some(value) = map.remove("property") else {
        return (Map::new(), None);
    };
    match decode_property(value) {
        Ok(property) => (property, None),
        Err(whole) => {
            if manifest.first_odd_property() {
                let message = format!(
                    "The annotation's \"property\" is {}, not an object (nor a JSON string of one); it is kept whole as the attribute \"property\". Reported once a manifest.",
                    describe(&whole)
                );
                out.push(
                    out.warning(ProblemCode::WrongType, at(base, "property"), message)
                        .field("property")
                        .found(describe(&whole))
                        .expected("an object of properties"),
                );
            }
            (Map::new(), Some(whole))
        }
    }
}

/// The label: the trimmed `name`, required except for speech content and segments (whose
/// label is then empty).
fn name(
    map: &mut Map<String, Value>,
    kind: Kind,
    base: &str,
    out: &mut LineProblems,
) -> Option<String> {
    let required = !matches!(kind, Kind::AudioContent | Kind::AudioSegmentation);
    let path = at(base, "name");
    let expected = "the label name, a non-empty string";
    let written = match map.remove("name") {
        Some(Value::String(written)) => written,
        None | Some(Value::Null) if !required => return Some(String::new()),
        None | Some(Value::Null) => {
            let message = format!(
                "The {} annotation has no \"name\", which is its label; it is left out.",
                kind.name()
            );
            out.push(
                out.error(ProblemCode::MissingField, path, message)
                    .field("name")
                    .expected(expected),
            );
            return None;
        }
        Some(other) => {
            let message = format!(
                "The annotation's \"name\" is {}, not a string; it is left out.",
                describe(&other)
            );
            out.push(
                out.error(ProblemCode::WrongType, path, message)
                    .field("name")
                    .found(describe(&other))
                    .expected(expected),
            );
            return None;
        }
    };
    let trimmed = written.trim();
    if trimmed.is_empty() && required {
        let message = format!(
            "The {} annotation's \"name\" is empty; it is left out.",
            kind.name()
        );
        out.push(
            out.error(ProblemCode::InvalidValue, path, message)
                .field("name")
                .found(format!("{written:?}"))
                .expected(expected),
        );
        return None;
    }
    if trimmed.len() != written.len() {
        let message = format!(
            "The label name {written:?} has whitespace around it; it is read as {trimmed:?}."
        );
        out.push(
            out.warning(ProblemCode::InvalidValue, path, message)
                .field("name")
                .found(format!("{written:?}"))
                .expected("no leading or trailing whitespace"),
        );
    }
    Some(trimmed.to_owned())
}

/// A `text_entity` span from `@modelarts:start_index` (inclusive) and `@modelarts:end_index`
/// (exclusive), checked against the sample's text when it is inline.
fn span(
    property: &mut Map<String, Value>,
    base: &str,
    content_chars: Option<u64>,
    out: &mut LineProblems,
) -> Option<Shape> {
    let start = char_index(property, "@modelarts:start_index", base, out);
    let end_path = at(base, "@modelarts:end_index");
    let end = char_index(property, "@modelarts:end_index", base, out);
    let (start, end) = start.zip(end)?;
    if start >= end {
        let message = format!(
            "The entity's span {start}..{end} is empty or reversed: @modelarts:end_index must be above @modelarts:start_index. The entity is left out."
        );
        out.push(
            out.error(ProblemCode::InvalidValue, end_path, message)
                .field("@modelarts:end_index")
                .found(format!("start {start}, end {end}"))
                .expected(format!("an end index above {start}")),
        );
        return None;
    }
    if let Some(length) = content_chars
        && end > length
    {
        let message = format!(
            "The entity's span {start}..{end} ends past the sample's text, which is {length} characters long; the entity is left out."
        );
        out.push(
            out.error(ProblemCode::OutOfBounds, end_path, message)
                .field("@modelarts:end_index")
                .found(end.to_string())
                .expected(format!("at most {length}, the text's length in characters")),
        );
        return None;
    }
    Some(Shape::TextSpan { start, end })
}

fn char_index(
    property: &mut Map<String, Value>,
    key: &'static str,
    base: &str,
    out: &mut LineProblems,
) -> Option<u64> {
    let path = at(base, key);
    let expected = "a character index, a whole number from 0";
    let Some(value) = property.remove(key) else {
        let message = format!("The entity has no \"{key}\" in its property; it is left out.");
        out.push(
            out.error(ProblemCode::MissingField, path, message)
                .field(key)
                .expected(expected),
        );
        return None;
    };
    if let Some(index) = value.as_u64() {
        return Some(index);
    }
    let code = if value.is_i64() {
        ProblemCode::InvalidValue
    } else {
        ProblemCode::WrongType
    };
    let message = format!(
        "\"{key}\" is {}, not a character index; the entity is left out.",
        describe(&value)
    );
    out.push(
        out.error(code, path, message)
            .field(key)
            .found(describe(&value))
            .expected(expected),
    );
    None
}

/// `@modelarts:from` or `@modelarts:to` of a relation: an entity id.
fn end(
    property: &mut Map<String, Value>,
    key: &'static str,
    attribute: &'static str,
    base: &str,
    out: &mut LineProblems,
) -> Option<End> {
    let path = at(base, key);
    let expected = "the id of an entity of the sample, such as \"E1\"";
    match property.remove(key) {
        Some(Value::String(id)) => Some(End {
            id,
            key: attribute,
            path,
        }),
        None | Some(Value::Null) => {
            let message = format!("The relation has no \"{key}\" in its property; it is left out.");
            out.push(
                out.error(ProblemCode::MissingField, path, message)
                    .field(key)
                    .expected(expected),
            );
            None
        }
        Some(other) => {
            let message = format!(
                "\"{key}\" is {}, not an entity id; the relation is left out.",
                describe(&other)
            );
            out.push(
                out.error(ProblemCode::WrongType, path, message)
                    .field(key)
                    .found(describe(&other))
                    .expected(expected),
            );
            None
        }
    }
}

/// A transcript from `@modelarts:content`.
fn content(property: &mut Map<String, Value>, base: &str, out: &mut LineProblems) -> Option<Shape> {
    let key = "@modelarts:content";
    let path = at(base, key);
    match property.remove(key) {
        Some(Value::String(text)) => Some(Shape::Text { text }),
        None | Some(Value::Null) => {
            let message = format!(
                "The audio_content annotation has no \"{key}\" in its property; it is left out."
            );
            out.push(
                out.error(ProblemCode::MissingField, path, message)
                    .field(key)
                    .expected("the transcript, a string"),
            );
            None
        }
        Some(other) => {
            let message = format!(
                "\"{key}\" is {}, not a transcript; the annotation is left out.",
                describe(&other)
            );
            out.push(
                out.error(ProblemCode::WrongType, path, message)
                    .field(key)
                    .found(describe(&other))
                    .expected("the transcript, a string"),
            );
            None
        }
    }
}

/// A speech segment from `@modelarts:start_time` and `@modelarts:end_time`.
fn segment(property: &mut Map<String, Value>, base: &str, out: &mut LineProblems) -> Option<Shape> {
    let start = time(property, "@modelarts:start_time", base, out);
    let end_path = at(base, "@modelarts:end_time");
    let end = time(property, "@modelarts:end_time", base, out);
    let (start, end) = start.zip(end)?;
    if start >= end {
        let message = format!(
            "The segment {start}s..{end}s is empty or reversed: @modelarts:end_time must be after @modelarts:start_time. It is left out."
        );
        out.push(
            out.error(ProblemCode::InvalidValue, end_path, message)
                .field("@modelarts:end_time")
                .found(format!("start {start}s, end {end}s"))
                .expected(format!("a time after {start}s")),
        );
        return None;
    }
    Some(Shape::AudioSegment { start, end })
}

fn time(
    property: &mut Map<String, Value>,
    key: &'static str,
    base: &str,
    out: &mut LineProblems,
) -> Option<f64> {
    let path = at(base, key);
    let expected = "a time as hh:mm:ss.SSS (e.g. 00:01:10.123), mm:ss.SSS or seconds";
    let Some(value) = property.remove(key) else {
        let message = format!("The segment has no \"{key}\" in its property; it is left out.");
        out.push(
            out.error(ProblemCode::MissingField, path, message)
                .field(key)
                .expected(expected),
        );
        return None;
    };
    let parsed = seconds(&value);
    if parsed.is_none() {
        let message = format!(
            "\"{key}\" is {}, not a time; the segment is left out.",
            describe(&value)
        );
        out.push(
            out.error(ProblemCode::InvalidValue, path, message)
                .field(key)
                .found(describe(&value))
                .expected(expected),
        );
    }
    parsed
}

/// An object detection or segmentation annotation: the VOC file it names.
fn label_file(
    kind: Kind,
    map: &mut Map<String, Value>,
    base: &str,
    out: &mut LineProblems,
) -> Option<AnnotationFile> {
    let location = match take(map, &["annotation-loc", "annotation_loc"]) {
        Some((_, Value::String(location))) if !location.trim().is_empty() => Some(location),
        None | Some((_, Value::Null)) => {
            let message = format!(
                "The {} annotation has no \"annotation-loc\", the label file it stands for; it is left out.",
                kind.name()
            );
            out.push(
                out.error(
                    ProblemCode::MissingField,
                    at(base, "annotation-loc"),
                    message,
                )
                .field("annotation-loc")
                .expected("the URI of a PASCAL VOC file"),
            );
            None
        }
        Some((key, other)) => {
            let (code, what) = if other.is_string() {
                (ProblemCode::InvalidValue, "empty")
            } else {
                (ProblemCode::WrongType, "not a string")
            };
            let message = format!("\"{key}\" is {what}; the annotation is left out.");
            out.push(
                out.error(code, at(base, key), message)
                    .field(key)
                    .found(describe(&other))
                    .expected("the URI of a PASCAL VOC file"),
            );
            None
        }
    };
    let format_ok = match take(map, &["annotation-format", "annotation_format"]) {
        None | Some((_, Value::Null)) => true,
        Some((_, Value::String(format))) if format.trim().eq_ignore_ascii_case(PASCAL_VOC) => true,
        Some((key, other)) => {
            let message = format!(
                "\"{key}\" is {}; ModelArts supports only PASCAL VOC label files. The annotation is left out.",
                describe(&other)
            );
            out.push(
                out.error(ProblemCode::InvalidValue, at(base, key), message)
                    .field(key)
                    .found(describe(&other))
                    .expected(PASCAL_VOC),
            );
            false
        }
    };
    let location = location.filter(|_| format_ok)?;
    Some(AnnotationFile {
        location,
        format: PASCAL_VOC.to_owned(),
        kind: kind.name().to_owned(),
    })
}

/// The keys every annotation may have. Fills the annotation's fields and `extra` (attributes
/// the reader adds); returns the `id` with its path.
fn common(
    map: &mut Map<String, Value>,
    base: &str,
    annotation: &mut Annotation,
    extra: &mut BTreeMap<String, Value>,
    out: &mut LineProblems,
) -> Option<(String, String)> {
    if let Some((key, value)) = take(map, &["annotated-by", "annotated_by"]) {
        annotation.annotated_by = text(value, key, &at(base, key), out);
    }
    if let Some((key, value)) = take(map, &["confidence"])
        && !value.is_null()
    {
        match unit(&value) {
            Ok(confidence) => annotation.confidence = Some(confidence),
            Err(code) => {
                let message = format!(
                    "\"confidence\" is {}, not a number from 0 to 1; it is dropped.",
                    describe(&value)
                );
                out.push(
                    out.warning(code, at(base, key), message)
                        .field(key)
                        .found(describe(&value))
                        .expected("a number from 0 to 1"),
                );
            }
        }
    }
    if let Some((key, value)) = take(map, &["hard"]) {
        annotation.hard = hard(&value, &at(base, key), out);
    }
    if let Some((key, value)) = take(map, &["hard-coefficient", "hard_coefficient"])
        && let Some(coefficient) = coefficient(&value, &at(base, key), out)
    {
        extra.insert("hard-coefficient".to_owned(), coefficient.into());
    }
    if let Some((key, value)) = take(map, &["creation-time", "creation_time"])
        && let Some(time) = text(value, key, &at(base, key), out)
    {
        extra.insert("creation-time".to_owned(), Value::String(time));
    }
    let (key, value) = take(map, &["id"])?;
    let path = at(base, key);
    let id = id(value, &path, out)?;
    extra.insert("id".to_owned(), Value::String(id.clone()));
    Some((id, path))
}
