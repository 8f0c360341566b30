//! KITTI object label files (`label_2/<frame>.txt`): one object a line, 15 values, 16 with a
//! result's score. See the module doc for what each object becomes.

use std::collections::BTreeMap;
use std::f64::consts::PI;

use serde_json::Value;
use wharf_model::{Annotation, Problem, ProblemCode, Severity, Shape};

use crate::text::{self, ProblemList, short};

/// Longest line read. A KITTI line is some 100 bytes; a line of kilobytes is not one.
pub(super) const MAX_LINE_BYTES: usize = 4096;

/// Most object lines (good or bad) read from one file. A frame has a few dozen objects; a file
/// at the 16 MiB limit could hold 150 000 lines, which would only exhaust memory.
pub(super) const MAX_LINES: usize = 100_000;

/// Angles are written with two decimals, so `±3.14` may stand for π by a rounding.
const ANGLE_TOLERANCE: f64 = 0.01;

/// The values of a line, by position, as the KITTI devkit's readme names them.
pub(super) const FIELDS: [&str; 16] = [
    "type",
    "truncated",
    "occluded",
    "alpha",
    "left",
    "top",
    "right",
    "bottom",
    "height",
    "width",
    "length",
    "x",
    "y",
    "z",
    "rotation_y",
    "score",
];

/// The label line a problem expects.
const LINE_SHAPE: &str = "type truncated occluded alpha left top right bottom height width length x y z rotation_y [score]";

/// Reads a label file into annotations.
///
/// `image_size` is the frame's `image_2` size `(width, height)` in pixels, when known: 2D boxes
/// reaching outside it are kept with an `OutOfBounds` warning. A line with a defect is left out
/// with an error; the other lines are read.
pub fn parse_labels(
    bytes: &[u8],
    file: &str,
    image_size: Option<(u32, u32)>,
) -> (Vec<Annotation>, Vec<Problem>) {
    let text = match text::decode(bytes, file, "KITTI label file") {
        Ok(text) => text,
        Err(problem) => return (Vec::new(), vec![*problem]),
    };
    let size = image_size
        .filter(|(w, h)| *w > 0 && *h > 0)
        .map(|(w, h)| (f64::from(w), f64::from(h)));
    let mut problems = ProblemList::new(file);
    let mut annotations = Vec::new();
    let mut lines = 0;
    for (raw, number) in text.split('\n').zip(1..) {
        let at = At { file, line: number };
        if raw.len() > MAX_LINE_BYTES {
            problems.push(at.too_long(raw.len()));
            continue;
        }
        let values: Vec<&str> = raw.split_whitespace().collect();
        if values.is_empty() {
            continue;
        }
        if lines == MAX_LINES {
            problems.push(at.too_many());
            break;
        }
        lines += 1;
        match object(&at, &values, size, &mut problems) {
            Ok(annotation) => annotations.push(annotation),
            Err(problem) => problems.push(*problem),
        }
    }
    (annotations, problems.finish())
}

/// Whether a line has the shape of a KITTI object line: 15 or 16 values, all but the first
/// numbers. Detection asks it of a label file's head.
pub(super) fn is_object_line(line: &str) -> bool {
    let values: Vec<&str> = line.split_whitespace().collect();
    (15..=16).contains(&values.len())
        && values[1..]
            .iter()
            .all(|v| v.parse::<f64>().is_ok_and(f64::is_finite))
}

/// One line's object. Warnings go to `problems`; an error leaves the line out.
fn object(
    at: &At,
    values: &[&str],
    size: Option<(f64, f64)>,
    problems: &mut ProblemList,
) -> Result<Annotation, Box<Problem>> {
    if !(15..=16).contains(&values.len()) {
        return Err(Box::new(at.wrong_count(values)));
    }
    let mut n = [0.0; 16];
    for ((slot, text), field) in n.iter_mut().zip(values).zip(FIELDS).skip(1) {
        *slot = number(at, field, text)?;
    }
    let [
        _,
        truncated,
        occluded,
        alpha,
        left,
        top,
        right,
        bottom,
        height,
        width,
        length,
        x,
        y,
        z,
        rotation_y,
        score,
    ] = n;
    for (field, low, high) in [("right", left, right), ("bottom", top, bottom)] {
        if high < low {
            return Err(Box::new(at.inverted(field, low, high)));
        }
    }
    if right == left || bottom == top {
        let field = if right == left { "right" } else { "bottom" };
        problems.push(at.degenerate(field, &[left, top, right, bottom]));
    }
    if let Some((w, h)) = size {
        let edges = [("left", left < 0.0), ("top", top < 0.0)];
        let far = [("right", right > w), ("bottom", bottom > h)];
        if let Some((field, _)) = edges.iter().chain(&far).find(|(_, out)| *out) {
            problems.push(at.outside(field, &[left, top, right, bottom], (w, h)));
        }
    }
    let mut attributes = BTreeMap::new();
    if truncated != -1.0 {
        if (0.0..=1.0).contains(&truncated) {
            attributes.insert("truncated".to_owned(), Value::from(truncated));
        } else {
            problems.push(at.dropped("truncated", values[1], "a number from 0 to 1, or -1"));
        }
    }
    if occluded != -1.0 {
        if [0.0, 1.0, 2.0, 3.0].contains(&occluded) {
            attributes.insert("occluded".to_owned(), Value::from(occluded as i64));
        } else {
            problems.push(at.dropped("occluded", values[2], "0, 1, 2 or 3, or -1"));
        }
    }
    if alpha != -10.0 {
        if alpha.abs() <= PI + ANGLE_TOLERANCE {
            attributes.insert("alpha".to_owned(), Value::from(alpha));
        } else {
            problems.push(at.dropped("alpha", values[3], "an angle from -pi to pi, or -10"));
        }
    }
    let mut confidence = None;
    if let Some(text) = values.get(15) {
        if (0.0..=1.0).contains(&score) {
            confidence = Some(score);
        } else {
            attributes.insert("score".to_owned(), Value::from(score));
            problems.push(at.raw_score(text));
        }
    }
    let box_2d = [left, top, right, bottom];
    let only_2d = [height, width, length] == [-1.0; 3] && [x, y, z] == [-1000.0; 3];
    let (shape, bounds) = if only_2d {
        let shape = Shape::Box {
            x_min: left,
            y_min: top,
            x_max: right,
            y_max: bottom,
        };
        (shape, None)
    } else {
        for (field, value, text) in [("width", width, values[9]), ("length", length, values[10])] {
            if value <= 0.0 {
                return Err(Box::new(at.not_positive(field, text)));
            }
        }
        // Bird's-eye-view results may leave the height out (0 or below), as KITTI allows.
        let height = if height > 0.0 {
            height
        } else {
            problems.push(at.no_height(values[8]));
            0.0
        };
        if rotation_y.abs() > PI + ANGLE_TOLERANCE {
            problems.push(at.wide_rotation(values[14]));
        }
        attributes.insert("coordinates".to_owned(), Value::from("camera"));
        let shape = Shape::Box3d {
            // KITTI's location is the bottom face's centre, and the camera's y axis points down.
            center: [x, y - height / 2.0, z],
            size: [length, height, width],
            rotation: [0.0, rotation_y, 0.0],
        };
        (shape, Some(box_2d))
    };
    Ok(Annotation {
        label: values[0].to_owned(),
        shape,
        bounds,
        attributes,
        confidence,
        annotated_by: None,
        difficult: false,
        hard: false,
        source_format: super::FORMAT.to_owned(),
        parts: Vec::new(),
    })
}

/// A value read as a finite number.
fn number(at: &At, field: &str, text: &str) -> Result<f64, Box<Problem>> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        Ok(_) => Err(Box::new(at.error(
            ProblemCode::InvalidValue,
            field,
            text,
            "a finite number",
            &format!(
                "{field} is `{}`, not a finite number; the line is skipped",
                short(text)
            ),
        ))),
        Err(_) => Err(Box::new(at.error(
            ProblemCode::WrongType,
            field,
            text,
            "a number",
            &format!(
                "{field} is `{}`, not a number; the line is skipped",
                short(text)
            ),
        ))),
    }
}

/// Numbers as a message shows them: as written, without a trailing `.0`.
fn shown(values: &[f64]) -> String {
    values
        .iter()
        .map(f64::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where a problem is: the file and the 1-based line. Builds the problems of a line.
struct At<'a> {
    file: &'a str,
    line: u64,
}

impl At<'_> {
    /// A problem whose message says where, what and how to fix it.
    fn error(
        &self,
        code: ProblemCode,
        field: &str,
        found: &str,
        expected: &str,
        what: &str,
    ) -> Problem {
        Problem::error(
            code,
            self.file,
            format!("{} line {}: {what}.", self.file, self.line),
        )
        .at_line(self.line)
        .field(field)
        .found(found)
        .expected(expected)
    }

    fn warning(
        &self,
        code: ProblemCode,
        field: &str,
        found: &str,
        expected: &str,
        what: &str,
    ) -> Problem {
        Problem {
            severity: Severity::Warning,
            ..self.error(code, field, found, expected, what)
        }
    }

    fn wrong_count(&self, values: &[&str]) -> Problem {
        let line = values.join(" ");
        let what = format!(
            "{} values (`{}`) are not a KITTI object, which has 15 values (16 with a score): `{LINE_SHAPE}`; the line is skipped",
            values.len(),
            short(&line)
        );
        self.error(
            ProblemCode::Syntax,
            "values",
            &format!("{} values", values.len()),
            "15 values, or 16 with a score",
            &what,
        )
    }

    fn inverted(&self, field: &str, low: f64, high: f64) -> Problem {
        let other = if field == "right" { "left" } else { "top" };
        let what = format!(
            "the 2D box's {field} edge ({high}) is before its {other} edge ({low}); fix the box, the line is skipped"
        );
        self.error(
            ProblemCode::InvalidValue,
            field,
            &high.to_string(),
            &format!("at least {other} ({low})"),
            &what,
        )
    }

    fn degenerate(&self, field: &str, box_2d: &[f64; 4]) -> Problem {
        let found = shown(box_2d);
        let what =
            format!("the 2D box `{found}` has no width or no height; it is kept, check the box");
        self.warning(
            ProblemCode::InvalidValue,
            field,
            &found,
            "right greater than left and bottom greater than top",
            &what,
        )
    }

    fn outside(&self, field: &str, box_2d: &[f64; 4], (w, h): (f64, f64)) -> Problem {
        let found = shown(box_2d);
        let what = format!(
            "the 2D box `{found}` (left top right bottom) reaches outside the {w}x{h} image at its {field} edge; it is kept as written, check it"
        );
        self.warning(
            ProblemCode::OutOfBounds,
            field,
            &found,
            &format!("a box within 0..{w} and 0..{h}"),
            &what,
        )
    }

    fn dropped(&self, field: &str, text: &str, expected: &str) -> Problem {
        let what = format!(
            "{field} is `{}`, outside its range; the object is kept without it",
            short(text)
        );
        self.warning(ProblemCode::InvalidValue, field, text, expected, &what)
    }

    fn raw_score(&self, text: &str) -> Problem {
        let what = format!(
            "score is `{}`, outside 0..1, so it is not a confidence; the object is kept with it as the attribute `score`",
            short(text)
        );
        self.warning(
            ProblemCode::InvalidValue,
            "score",
            text,
            "a number from 0 to 1",
            &what,
        )
    }

    fn not_positive(&self, field: &str, text: &str) -> Problem {
        let what = format!(
            "the 3D box's {field} is `{}`, so the box is empty (a 2D-only object has -1 -1 -1 for its dimensions and -1000 -1000 -1000 for its location); the line is skipped",
            short(text)
        );
        self.error(
            ProblemCode::InvalidValue,
            field,
            text,
            "a number greater than 0 (metres)",
            &what,
        )
    }

    fn no_height(&self, text: &str) -> Problem {
        let what = format!(
            "the 3D box's height is `{}`: a bird's-eye-view result without a height; the box is kept flat, with height 0 at the location's y",
            short(text)
        );
        self.warning(
            ProblemCode::InvalidValue,
            "height",
            text,
            "a number greater than 0 (metres)",
            &what,
        )
    }

    fn wide_rotation(&self, text: &str) -> Problem {
        let what = format!(
            "rotation_y is `{}`, outside -pi..pi; the box is kept with it as written",
            short(text)
        );
        self.warning(
            ProblemCode::InvalidValue,
            "rotation_y",
            text,
            "an angle from -pi to pi",
            &what,
        )
    }

    fn too_long(&self, bytes: usize) -> Problem {
        let what = format!(
            "the line has {bytes} bytes, more than the {MAX_LINE_BYTES} a KITTI object line may have; it is skipped"
        );
        self.error(
            ProblemCode::TooLarge,
            "line",
            &format!("{bytes} bytes"),
            &format!("at most {MAX_LINE_BYTES} bytes"),
            &what,
        )
    }

    fn too_many(&self) -> Problem {
        let what = format!(
            "the file has more than {MAX_LINES} object lines; this line and those after it are not read"
        );
        self.error(
            ProblemCode::TooLarge,
            "line",
            &format!("more than {MAX_LINES} lines"),
            &format!("at most {MAX_LINES} object lines"),
            &what,
        )
    }
}
