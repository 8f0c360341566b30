//! COCO records as they appear in the file, and their checks.
//!
//! Each record is first parsed into a typed struct (fast). Only a record that fails that is
//! parsed again as a generic JSON value, to say which field is wrong and how.

use std::fmt::Write as _;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use wharf_model::{Problem, ProblemCode, RleCounts};

/// Coordinates beyond this many pixels are taken for corruption, not data.
pub(crate) const ABSURD: f64 = 1e7;

#[derive(Deserialize)]
pub(crate) struct RawImage {
    pub id: i64,
    pub file_name: String,
    #[serde(default)]
    pub width: Option<f64>,
    #[serde(default)]
    pub height: Option<f64>,
}

#[derive(Deserialize)]
pub(crate) struct RawCategory {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub supercategory: Option<String>,
    #[serde(default)]
    pub keypoints: Option<Vec<String>>,
}

#[derive(Deserialize)]
pub(crate) struct RawAnnotation {
    #[serde(default)]
    pub id: Option<i64>,
    pub image_id: i64,
    #[serde(default)]
    pub category_id: Option<i64>,
    #[serde(default)]
    pub bbox: Option<[f64; 4]>,
    #[serde(default)]
    pub segmentation: Option<Segmentation>,
    #[serde(default)]
    pub area: Option<f64>,
    #[serde(default)]
    pub iscrowd: Option<i64>,
    #[serde(default)]
    pub keypoints: Option<Vec<f64>>,
    #[serde(default)]
    pub num_keypoints: Option<i64>,
    #[serde(default)]
    pub caption: Option<String>,
    /// Detection results carry a score.
    #[serde(default)]
    pub score: Option<f64>,
    #[serde(default)]
    pub attributes: Option<serde_json::Map<String, Value>>,
    /// Panoptic records: the segments of the record's PNG, which `file_name` names.
    #[serde(default)]
    pub segments_info: Option<Vec<RawSegment>>,
    #[serde(default)]
    pub file_name: Option<String>,
}

/// A segment of a panoptic record: the pixels of the PNG whose colour encodes `id`.
#[derive(Deserialize)]
pub(crate) struct RawSegment {
    pub id: u32,
    pub category_id: i64,
    #[serde(default)]
    pub bbox: Option<[f64; 4]>,
    #[serde(default)]
    pub area: Option<f64>,
    #[serde(default)]
    pub iscrowd: Option<i64>,
}

/// `segmentation` is a list of polygons, or an RLE object.
pub(crate) enum Segmentation {
    Polygons(Vec<RawPolygon>),
    Rle { size: [u32; 2], counts: RleCounts },
}

/// A polygon's flat `[x1, y1, x2, y2, ...]`, read straight into points: millions of polygons
/// are not each read into one list and copied into another.
pub(crate) struct RawPolygon {
    pub points: Vec<[f64; 2]>,
    /// How many numbers the list held; odd leaves the last one out of `points`.
    pub values: usize,
    /// A value is not finite or beyond [`ABSURD`].
    pub absurd: bool,
}

impl<'de> Deserialize<'de> for RawPolygon {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PolygonVisitor;

        impl<'de> Visitor<'de> for PolygonVisitor {
            type Value = RawPolygon;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a polygon as a list of numbers x1, y1, x2, y2, ...")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawPolygon, A::Error> {
                let mut polygon = RawPolygon {
                    points: Vec::with_capacity(seq.size_hint().unwrap_or(16) / 2),
                    values: 0,
                    absurd: false,
                };
                let mut x = None;
                while let Some(v) = seq.next_element::<f64>()? {
                    polygon.values += 1;
                    polygon.absurd |= !v.is_finite() || v.abs() > ABSURD;
                    match x.take() {
                        None => x = Some(v),
                        Some(x) => polygon.points.push([x, v]),
                    }
                }
                Ok(polygon)
            }
        }

        deserializer.deserialize_seq(PolygonVisitor)
    }
}

impl<'de> Deserialize<'de> for Segmentation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SegmentationVisitor;

        impl<'de> Visitor<'de> for SegmentationVisitor {
            type Value = Segmentation;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of polygons or an RLE object {size, counts}")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Segmentation, A::Error> {
                let mut polygons = Vec::new();
                while let Some(polygon) = seq.next_element::<RawPolygon>()? {
                    polygons.push(polygon);
                }
                Ok(Segmentation::Polygons(polygons))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Segmentation, A::Error> {
                #[derive(Deserialize)]
                struct Rle {
                    size: [u32; 2],
                    counts: RleCountsWire,
                }
                #[derive(Deserialize)]
                #[serde(untagged)]
                enum RleCountsWire {
                    Runs(Vec<u32>),
                    Compressed(String),
                }
                let rle = Rle::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let counts = match rle.counts {
                    RleCountsWire::Runs(runs) => RleCounts::Runs(runs),
                    RleCountsWire::Compressed(text) => RleCounts::Compressed(text),
                };
                Ok(Segmentation::Rle {
                    size: rle.size,
                    counts,
                })
            }
        }

        deserializer.deserialize_any(SegmentationVisitor)
    }
}

/// Says what is wrong with a record the typed parse refused: the first field that does not
/// have the expected type, or the syntax error with its line.
pub(crate) fn diagnose(
    bytes: &[u8],
    file: &str,
    line: u64,
    path: &str,
    expected: &[(&str, Expect)],
) -> Problem {
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            let at = line + e.line().saturating_sub(1) as u64;
            let code = if e.is_eof() {
                ProblemCode::Truncated
            } else {
                ProblemCode::Syntax
            };
            return Problem::error(code, file, format!("{path} is not valid JSON: {e}"))
                .at_line(at)
                .at_path(path);
        }
    };
    let Some(object) = value.as_object() else {
        return Problem::error(
            ProblemCode::WrongType,
            file,
            format!("{path} must be an object"),
        )
        .at_line(line)
        .at_path(path)
        .found(shorten(&value))
        .expected("a JSON object");
    };
    for (field, expect) in expected {
        let field_path = format!("{path}.{field}");
        match object.get(*field) {
            None | Some(Value::Null) if expect.required => {
                return Problem::error(
                    ProblemCode::MissingField,
                    file,
                    format!("{field_path} is missing"),
                )
                .at_line(line)
                .at_path(field_path)
                .field(*field)
                .expected(expect.description);
            }
            None | Some(Value::Null) => {}
            Some(v) if !(expect.accepts)(v) => {
                return Problem::error(
                    ProblemCode::WrongType,
                    file,
                    format!(
                        "{field_path} has the wrong type: expected {}",
                        expect.description
                    ),
                )
                .at_line(line)
                .at_path(field_path)
                .field(*field)
                .found(shorten(v))
                .expected(expect.description);
            }
            Some(_) => {}
        }
    }
    Problem::error(
        ProblemCode::WrongType,
        file,
        format!("{path} does not have the expected shape"),
    )
    .at_line(line)
    .at_path(path)
    .found(shorten(&value))
}

/// What a field must hold, for [`diagnose`].
pub(crate) struct Expect {
    pub required: bool,
    pub description: &'static str,
    pub accepts: fn(&Value) -> bool,
}

pub(crate) fn integer(v: &Value) -> bool {
    v.is_i64()
}

pub(crate) fn number(v: &Value) -> bool {
    v.is_number()
}

pub(crate) fn string(v: &Value) -> bool {
    v.is_string()
}

pub(crate) fn numbers(v: &Value) -> bool {
    v.as_array().is_some_and(|a| a.iter().all(Value::is_number))
}

pub(crate) fn strings(v: &Value) -> bool {
    v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
}

pub(crate) fn four_numbers(v: &Value) -> bool {
    v.as_array()
        .is_some_and(|a| a.len() == 4 && a.iter().all(Value::is_number))
}

pub(crate) fn segmentation(v: &Value) -> bool {
    match v {
        Value::Array(polygons) => polygons.iter().all(numbers),
        Value::Object(rle) => {
            let size_ok = rle
                .get("size")
                .and_then(Value::as_array)
                .is_some_and(|s| s.len() == 2 && s.iter().all(Value::is_u64));
            let counts_ok = rle.get("counts").is_some_and(|c| {
                c.is_string() || c.as_array().is_some_and(|a| a.iter().all(Value::is_u64))
            });
            size_ok && counts_ok
        }
        _ => false,
    }
}

pub(crate) fn object(v: &Value) -> bool {
    v.is_object()
}

fn shorten(v: &Value) -> String {
    let mut text = String::new();
    let _ = write!(text, "{v}");
    text
}
