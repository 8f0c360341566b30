//! `result/<frame>.json`: the objects of one frame.

// A `Problem` is the error of the look-ups below, met once per bad object: returned as it is.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use wharf_model::{Annotation, Problem, ProblemCode, Shape};

use super::FORMAT;
use super::json::{
    Report, admit, index_path, key_path, missing, number, object, present, shown, wrong_type,
};

/// The object types Xtreme1 knows (`ObjectTypeEnum`).
const TYPES: [&str; 7] = [
    "3D_BOX",
    "2D_BOX",
    "2D_RECT",
    "BOUNDING_BOX",
    "POLYGON",
    "POLYLINE",
    "3D_SEGMENT_POINTS",
];

/// Reads a result file: `{"objects": [...]}`, or an array of such objects (an Xtreme1 export,
/// one per result source) whose objects are concatenated. BasicAI's exports call the list
/// `instances`; it is read the same way. Each object becomes one [`Annotation`] with
/// `source_format` `"xtreme1"`, or is left out with a problem; the others are read on.
pub fn parse_result(bytes: &[u8], file: &str) -> (Vec<Annotation>, Vec<Problem>) {
    let value = match admit(bytes, file, "an Xtreme1 result") {
        Ok(value) => value,
        Err(problem) => return (Vec::new(), vec![problem]),
    };
    let mut report = Report::new(file);
    let mut annotations = Vec::new();
    match &value {
        Value::Object(map) => read_container(&mut report, map, "$", &mut annotations),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let path = index_path("$", i);
                match item {
                    Value::Object(map) => read_container(&mut report, map, &path, &mut annotations),
                    other => {
                        let problem = wrong_type(
                            &report,
                            &path,
                            "objects",
                            other,
                            "an object {\"objects\": [...]}",
                        );
                        report.push(problem);
                    }
                }
            }
        }
        other => {
            let problem = wrong_type(
                &report,
                "$",
                "objects",
                other,
                "an object {\"objects\": [...]} or an array of them",
            );
            report.push(problem);
        }
    }
    (annotations, report.finish())
}

/// One `{"objects": [...]}` (or `{"instances": [...]}`) at `path`.
fn read_container(
    report: &mut Report,
    map: &Map<String, Value>,
    path: &str,
    out: &mut Vec<Annotation>,
) {
    let (key, list) = match (present(map, "objects"), present(map, "instances")) {
        (Some(objects), instances) => {
            if instances.is_some() {
                let at = key_path(path, "instances");
                let message = format!(
                    "{path} has both objects and instances: objects are read, instances are ignored."
                );
                let problem = report
                    .warning(ProblemCode::InvalidValue, &at, message)
                    .field("instances")
                    .expected("one of objects or instances");
                report.push(problem);
            }
            ("objects", objects)
        }
        (None, Some(instances)) => ("instances", instances),
        (None, None) => {
            let at = key_path(path, "objects");
            let problem = if let Some(Value::Object(old)) = present(map, "result")
                && old.contains_key("objects")
            {
                let message = format!(
                    "{path} wraps its objects in \"result\", the format of old Xtreme1 samples that Xtreme1 no longer reads: move \"objects\" to the top level."
                );
                report
                    .error(ProblemCode::MissingField, &at, message)
                    .field("objects")
                    .found("result.objects")
                    .expected("{\"objects\": [...]}")
            } else {
                missing(report, &at, "objects", "the frame's objects as an array")
            };
            report.push(problem);
            return;
        }
    };
    let list_path = key_path(path, key);
    let Value::Array(objects) = list else {
        let problem = wrong_type(report, &list_path, key, list, "an array of objects");
        report.push(problem);
        return;
    };
    for (i, value) in objects.iter().enumerate() {
        let object_path = index_path(&list_path, i);
        match read_object(report, value, &object_path) {
            Ok(Some(annotation)) => out.push(annotation),
            Ok(None) => {}
            Err(problem) => report.push(problem),
        }
    }
}

/// One object: an annotation, `None` for a type not imported (with a warning pushed), or the
/// error that leaves it out.
fn read_object(
    report: &mut Report,
    value: &Value,
    path: &str,
) -> Result<Option<Annotation>, Problem> {
    let Value::Object(map) = value else {
        return Err(wrong_type(
            report,
            path,
            "object",
            value,
            "an object with type and contour",
        ));
    };
    let type_path = key_path(path, "type");
    let kind = match present(map, "type") {
        Some(Value::String(kind)) => kind.as_str(),
        Some(other) => {
            return Err(wrong_type(report, &type_path, "type", other, "a string"));
        }
        None => {
            return Err(missing(
                report,
                &type_path,
                "type",
                "the object type, e.g. 3D_BOX or BOUNDING_BOX",
            ));
        }
    };
    if kind == "3D_SEGMENT_POINTS" {
        let message = format!(
            "{path} is a 3D_SEGMENT_POINTS object, which is not imported yet: point segmentation labels points of the cloud by index, and Wharf's annotation model has no per-point shape; it is left out."
        );
        let problem = report
            .warning(ProblemCode::InvalidValue, &type_path, message)
            .field("type")
            .found(kind)
            .expected("a shape type");
        report.push(problem);
        return Ok(None);
    }
    if !TYPES.contains(&kind) {
        let upper = kind.to_ascii_uppercase();
        let hint = if TYPES.contains(&upper.as_str()) {
            format!(" (Xtreme1 matches types exactly: write {upper})")
        } else {
            String::new()
        };
        let message = format!(
            "{path} has type {kind}, which Xtreme1 does not know{hint}; the object is left out."
        );
        let problem = report
            .warning(ProblemCode::InvalidValue, &type_path, message)
            .field("type")
            .found(kind)
            .expected(TYPES.join(", "));
        report.push(problem);
        return Ok(None);
    }
    let contour = object(
        report,
        map,
        "contour",
        path,
        "the object's contour (points, or center3D, size3D and rotation3D)",
    )?;
    let contour_path = key_path(path, "contour");
    let label = label(report, map, path)?;
    let mut attributes = BTreeMap::new();
    let shape = match kind {
        "3D_BOX" => box3d(report, contour, &contour_path)?,
        "2D_RECT" | "BOUNDING_BOX" => {
            let points = points(report, contour, &contour_path, 2)?;
            let (x_min, y_min, x_max, y_max) = points.iter().fold(
                (
                    f64::INFINITY,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                    f64::NEG_INFINITY,
                ),
                |(x0, y0, x1, y1), [x, y]| (x0.min(*x), y0.min(*y), x1.max(*x), y1.max(*y)),
            );
            Shape::Box {
                x_min,
                y_min,
                x_max,
                y_max,
            }
        }
        "2D_BOX" => {
            let points = points(report, contour, &contour_path, 0)?;
            if points.len() != 8 {
                let at = key_path(&contour_path, "points");
                let message = format!(
                    "{at} has {} points; a 2D_BOX is a cuboid projected on a camera image, its 8 corners.",
                    points.len()
                );
                return Err(report
                    .error(ProblemCode::InvalidValue, &at, message)
                    .field("points")
                    .found(format!("{} points", points.len()))
                    .expected("8 points"));
            }
            attributes.insert("projected_cuboid".to_owned(), Value::Bool(true));
            Shape::Polygon {
                rings: vec![points],
            }
        }
        "POLYGON" => Shape::Polygon {
            rings: vec![points(report, contour, &contour_path, 3)?],
        },
        _ => Shape::Polyline {
            points: points(report, contour, &contour_path, 2)?,
            dashed: false,
        },
    };
    for key in ["trackId", "trackName", "classId", "classValues"] {
        if let Some(value) = present(map, key) {
            attributes.insert(key.to_owned(), value.clone());
        }
    }
    if let Some(view) = present(contour, "viewIndex").or_else(|| present(map, "viewIndex")) {
        attributes.insert("viewIndex".to_owned(), view.clone());
    }
    Ok(Some(Annotation {
        label,
        shape,
        attributes,
        confidence: confidence(report, map, path),
        annotated_by: None,
        difficult: false,
        hard: false,
        bounds: None,
        source_format: FORMAT.to_owned(),
        parts: Vec::new(),
    }))
}

/// `className`, else `modelClass`, else `class_<classId>`.
fn label(report: &mut Report, map: &Map<String, Value>, path: &str) -> Result<String, Problem> {
    for key in ["className", "modelClass"] {
        match present(map, key) {
            Some(Value::String(name)) if !name.trim().is_empty() => return Ok(name.clone()),
            None | Some(Value::String(_)) => {}
            Some(other) => {
                let problem = wrong_type(report, &key_path(path, key), key, other, "a class name");
                report.push(problem.severity_warning());
            }
        }
    }
    match present(map, "classId") {
        Some(Value::Number(id)) => return Ok(format!("class_{id}")),
        Some(Value::String(id)) if !id.trim().is_empty() => return Ok(format!("class_{id}")),
        None | Some(Value::String(_)) => {}
        Some(other) => {
            let problem = wrong_type(
                report,
                &key_path(path, "classId"),
                "classId",
                other,
                "a class id",
            );
            report.push(problem.severity_warning());
        }
    }
    let at = key_path(path, "className");
    let message = format!(
        "{path} has no className, modelClass or classId, so it has no label: add className."
    );
    Err(report
        .error(ProblemCode::MissingField, &at, message)
        .field("className")
        .expected("className, modelClass or classId"))
}

/// `modelConfidence`, when it is a number in [0, 1].
fn confidence(report: &mut Report, map: &Map<String, Value>, path: &str) -> Option<f64> {
    let value = present(map, "modelConfidence")?;
    let at = key_path(path, "modelConfidence");
    match value.as_f64() {
        Some(c) if (0.0..=1.0).contains(&c) => Some(c),
        Some(_) => {
            let message =
                format!("{at} is {value}, outside 0..1; the object is kept without a confidence.");
            let problem = report
                .warning(ProblemCode::InvalidValue, &at, message)
                .field("modelConfidence")
                .found(shown(value))
                .expected("a number from 0 to 1");
            report.push(problem);
            None
        }
        None => {
            let problem = wrong_type(
                report,
                &at,
                "modelConfidence",
                value,
                "a number from 0 to 1",
            );
            report.push(problem.severity_warning());
            None
        }
    }
}

/// `center3D`, `size3D` and `rotation3D`, each `{x, y, z}`.
fn box3d(report: &mut Report, contour: &Map<String, Value>, path: &str) -> Result<Shape, Problem> {
    let center = vector(report, contour, "center3D", path)?;
    let size = vector(report, contour, "size3D", path)?;
    if let Some((axis, value)) = ["x", "y", "z"].iter().zip(size).find(|(_, v)| *v < 0.0) {
        let at = key_path(&key_path(path, "size3D"), axis);
        let message =
            format!("{at} is {value}: a box's length, width and height are not negative.");
        return Err(report
            .error(ProblemCode::InvalidValue, &at, message)
            .field("size3D")
            .found(value.to_string())
            .expected("a size of 0 or more"));
    }
    let rotation = if present(contour, "rotation3D").is_some() {
        vector(report, contour, "rotation3D", path)?
    } else {
        let at = key_path(path, "rotation3D");
        let message = format!("{at} is missing; the box is read as not rotated.");
        let problem = report
            .warning(ProblemCode::MissingField, &at, message)
            .field("rotation3D")
            .expected("{x, y, z} in radians");
        report.push(problem);
        [0.0; 3]
    };
    Ok(Shape::Box3d {
        center,
        size,
        rotation,
    })
}

/// `{x, y, z}` under `key`.
fn vector(
    report: &Report,
    contour: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<[f64; 3], Problem> {
    let inner = object(report, contour, key, path, "an object {x, y, z}")?;
    let at = key_path(path, key);
    Ok([
        number(report, inner, "x", &at)?,
        number(report, inner, "y", &at)?,
        number(report, inner, "z", &at)?,
    ])
}

/// `points`: `{x, y}` objects, at least `least` of them.
fn points(
    report: &Report,
    contour: &Map<String, Value>,
    path: &str,
    least: usize,
) -> Result<Vec<[f64; 2]>, Problem> {
    let at = key_path(path, "points");
    let items = match present(contour, "points") {
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(wrong_type(
                report,
                &at,
                "points",
                other,
                "an array of {x, y}",
            ));
        }
        None => return Err(missing(report, &at, "points", "an array of {x, y}")),
    };
    if items.len() < least {
        let message = format!(
            "{at} has {} points; this shape needs at least {least}.",
            items.len()
        );
        return Err(report
            .error(ProblemCode::InvalidValue, &at, message)
            .field("points")
            .found(format!("{} points", items.len()))
            .expected(format!("at least {least} points")));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let point_path = index_path(&at, i);
            match item {
                Value::Object(point) => Ok([
                    number(report, point, "x", &point_path)?,
                    number(report, point, "y", &point_path)?,
                ]),
                other => Err(wrong_type(
                    report,
                    &point_path,
                    "points",
                    other,
                    "an object {x, y}",
                )),
            }
        })
        .collect()
}

/// Turning an error into a warning, for values whose object is kept without them.
trait Soften {
    fn severity_warning(self) -> Self;
}

impl Soften for Problem {
    fn severity_warning(mut self) -> Self {
        self.severity = wharf_model::Severity::Warning;
        self
    }
}
