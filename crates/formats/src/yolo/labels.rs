//! YOLO label files: one object a line, normalised coordinates; and DOTA's, in pixels.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use wharf_model::{Annotation, LabelDef, Problem, ProblemCode, Shape};

use super::oriented::{self, OrientedBox};
use super::text::{self, MAX_LINE_BYTES, Problems, short};

/// Overshoot of the 0..1 range taken for rounding: clipped without a word.
const TOLERANCE: f64 = 1e-3;

/// Most objects read from one file. Dense scenes have hundreds; a file at the size limit
/// could hold over a million, which would only exhaust memory.
const MAX_OBJECTS: usize = 100_000;

/// How a line of four points (`class x1 y1 x2 y2 x3 y3 x4 y4`) is read: an Ultralytics
/// oriented box, or a segment that happens to have four points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FourPoints {
    /// What the file and the points say, when the dataset says nothing: in a file whose every
    /// object has four points (Ultralytics' segments have as many as their outline needs), an
    /// oriented box when the points make a rectangle (within a pixel, or 1% of its diagonal);
    /// anything else a polygon.
    #[default]
    RectanglesAsBoxes,
    /// Always an oriented box (`task: obb`): a quadrilateral that is not a rectangle becomes
    /// the smallest rectangle around it, as Ultralytics trains on it, and keeps its points.
    OrientedBoxes,
    /// Always a polygon (`task: segment`).
    Polygons,
}

impl FourPoints {
    /// What `data.yaml`'s `task` says of four-point lines.
    pub fn of_task(task: Option<&str>) -> Self {
        match task {
            Some("obb") => Self::OrientedBoxes,
            Some("segment") => Self::Polygons,
            _ => Self::RectanglesAsBoxes,
        }
    }
}

/// What a label file is read with, besides its bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct LabelContext<'a> {
    /// The class names (by `source_id`, else by position); empty when none are known.
    pub classes: &'a [LabelDef],
    /// `(width, height)` of the image in pixels, when its header could be read.
    pub image_size: Option<(u32, u32)>,
    pub four_points: FourPoints,
}

/// What a line holds, from its values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    /// `class x_center y_center width height`
    Box,
    /// The same with a sixth value, the confidence of a prediction.
    ScoredBox,
    /// `class x1 y1 x2 y2 x3 y3 …`: three points or more.
    Polygon,
    /// DOTA: `x1 y1 x2 y2 x3 y3 x4 y4 class difficult` in pixels, `difficult` optional.
    Dota,
}

pub(super) fn kind_of(values: &[&str]) -> Option<Kind> {
    match values.len() {
        5 => Some(Kind::Box),
        6 => Some(Kind::ScoredBox),
        9 | 10 if values[8].parse::<f64>().is_err() => Some(Kind::Dota),
        n if n >= 7 && n % 2 == 1 => Some(Kind::Polygon),
        _ => None,
    }
}

/// DOTA's header lines, `imagesource:GoogleEarth` and `gsd:0.146`: about the image, not an
/// object, and skipped.
pub(super) fn is_dota_header(line: &str) -> bool {
    let line = line.trim().to_ascii_lowercase();
    ["imagesource:", "gsd:"]
        .iter()
        .any(|key| line.starts_with(key))
}

/// A class index as YOLO tools read it: a whole number from 0. `3.0` passes, since
/// Ultralytics reads the class as a float and some exporters write it so.
pub(super) fn class_index(text: &str) -> Option<i64> {
    if let Ok(index) = text.parse::<i64>() {
        return (index >= 0).then_some(index);
    }
    let value = text.parse::<f64>().ok()?;
    let whole =
        value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= u32::MAX as f64;
    whole.then_some(value as i64)
}

/// Reads a label file into annotations, four-point lines read as their points say (see
/// [`FourPoints`]). See [`parse_label_file`].
pub fn parse_labels(
    text: &[u8],
    file: &str,
    classes: &[LabelDef],
    image_size: Option<(u32, u32)>,
) -> (Vec<Annotation>, Vec<Problem>) {
    let context = LabelContext {
        classes,
        image_size,
        four_points: FourPoints::default(),
    };
    parse_label_file(text, file, &context)
}

/// Reads a label file into annotations.
///
/// `context.classes` gives the names (by `source_id`, else by position); when it is empty no
/// names are known and the label is the class index as text. `context.image_size` is
/// `(width, height)` in pixels: coordinates are scaled to pixels with it. Without it (or with a
/// zero side) they stay normalised and every annotation carries the attribute
/// `"normalized": true`, so that the stage that learns the size can scale them; four-point lines
/// then stay polygons, since an oriented box's angle changes with the image's aspect. Every YOLO
/// annotation carries `class_index`; DOTA lines name their class.
///
/// A line with a defect is left out with an error; a shape reaching out of the image is clipped
/// to it and kept with an `OutOfBounds` warning, unless nothing is left of it. Oriented boxes are
/// kept as drawn, with the same warning: clipped, they would no longer be rectangles.
pub fn parse_label_file(
    text: &[u8],
    file: &str,
    context: &LabelContext<'_>,
) -> (Vec<Annotation>, Vec<Problem>) {
    let text = match text::decode(text, file) {
        Ok(text) => text,
        Err(problem) => return (Vec::new(), vec![*problem]),
    };
    let reader = Reader {
        names: Names::new(context.classes),
        size: context
            .image_size
            .filter(|(w, h)| *w > 0 && *h > 0)
            .map(|(w, h)| (f64::from(w), f64::from(h))),
        four_points: match context.four_points {
            FourPoints::RectanglesAsBoxes if !only_four_points(text) => FourPoints::Polygons,
            chosen => chosen,
        },
    };
    let mut problems = Problems::new(file);
    let mut annotations = Vec::new();
    for (raw, number) in text.split('\n').zip(1..) {
        let at = At { file, line: number };
        if raw.len() > MAX_LINE_BYTES {
            problems.push(at.too_long(raw.len()));
            continue;
        }
        let values: Vec<&str> = raw.split_whitespace().collect();
        if values.is_empty() || (values.len() == 1 && is_dota_header(values[0])) {
            continue;
        }
        if annotations.len() >= MAX_OBJECTS {
            problems.push(at.too_many());
            break;
        }
        match reader.object(&at, &values, &mut problems) {
            Ok(annotation) => annotations.push(annotation),
            Err(problem) => problems.push(*problem),
        }
    }
    (annotations, problems.finish())
}

/// Whether every object line of a file has four points.
fn only_four_points(text: &str) -> bool {
    text.split('\n')
        .map(str::trim)
        .filter(|line| !line.is_empty() && !is_dota_header(line))
        .all(|line| line.split_whitespace().count() == 9)
}

struct Reader<'a> {
    names: Names<'a>,
    size: Option<(f64, f64)>,
    four_points: FourPoints,
}

impl Reader<'_> {
    /// One line's object. Warnings go to `problems`; an error leaves the line out.
    fn object(
        &self,
        at: &At,
        values: &[&str],
        problems: &mut Problems,
    ) -> Result<Annotation, Box<Problem>> {
        let kind = kind_of(values).ok_or_else(|| at.wrong_count(values))?;
        if kind == Kind::Dota {
            return self.dota(at, values, problems);
        }
        let (index, label) = self.names.label(at, values[0])?;
        let numbers = numbers(at, kind, &values[1..])?;
        let mut attributes = BTreeMap::from([("class_index".to_owned(), Value::from(index))]);
        let (shape, confidence) = match kind {
            Kind::Polygon if numbers.len() == 8 => (
                self.four_points(at, &numbers, &mut attributes, problems)?,
                None,
            ),
            Kind::Polygon | Kind::Dota => (self.polygon(at, &numbers, problems)?, None),
            Kind::Box | Kind::ScoredBox => {
                let shape = self.bounding_box(at, &numbers, problems)?;
                let confidence = match (numbers.get(4), values.get(5)) {
                    (Some(value), Some(text)) => confidence(at, *value, text, problems),
                    _ => None,
                };
                (shape, confidence)
            }
        };
        if self.size.is_none() {
            attributes.insert("normalized".to_owned(), Value::Bool(true));
        }
        Ok(Annotation {
            label,
            shape,
            attributes,
            confidence,
            annotated_by: None,
            difficult: false,
            hard: false,
            bounds: None,
            source_format: super::FORMAT.to_owned(),
            parts: Vec::new(),
        })
    }

    fn bounding_box(
        &self,
        at: &At,
        n: &[f64],
        problems: &mut Problems,
    ) -> Result<Shape, Box<Problem>> {
        let (cx, cy, width, height) = (n[0], n[1], n[2], n[3]);
        for (field, value) in [("width", width), ("height", height)] {
            if value <= 0.0 {
                return Err(Box::new(at.not_positive(field, value)));
            }
        }
        let edges = [
            cx - width / 2.0,
            cy - height / 2.0,
            cx + width / 2.0,
            cy + height / 2.0,
        ];
        let [x_min, y_min, x_max, y_max] = edges.map(clip);
        let found = format!(
            "x {:.4}..{:.4}, y {:.4}..{:.4}",
            edges[0], edges[2], edges[1], edges[3]
        );
        if x_max <= x_min || y_max <= y_min {
            return Err(Box::new(at.outside("box", &found)));
        }
        if edges.iter().any(|e| beyond(*e)) {
            problems.push(at.clipped("box", &found));
        }
        let (sx, sy) = self.size.unwrap_or((1.0, 1.0));
        Ok(Shape::Box {
            x_min: x_min * sx,
            y_min: y_min * sy,
            x_max: x_max * sx,
            y_max: y_max * sy,
        })
    }

    /// A line of four points: an oriented box or a polygon, as [`FourPoints`] says. Without
    /// the image size it stays a normalised polygon.
    fn four_points(
        &self,
        at: &At,
        n: &[f64],
        attributes: &mut BTreeMap<String, Value>,
        problems: &mut Problems,
    ) -> Result<Shape, Box<Problem>> {
        let Some((sx, sy)) = self
            .size
            .filter(|_| self.four_points != FourPoints::Polygons)
        else {
            return self.polygon(at, n, problems);
        };
        let pixels = [0, 2, 4, 6].map(|i| [n[i] * sx, n[i + 1] * sy]);
        let fitted = match oriented::rectangle(&pixels) {
            Some(fitted) => fitted,
            None if self.four_points == FourPoints::OrientedBoxes => {
                fit_quadrilateral(at, &pixels, attributes)?
            }
            None => return self.polygon(at, n, problems),
        };
        check_oriented(at, &pixels, (sx, sy), problems)?;
        Ok(rotated(fitted))
    }

    /// A DOTA line: an oriented box in pixels, its class named, `difficult` kept.
    fn dota(
        &self,
        at: &At,
        values: &[&str],
        problems: &mut Problems,
    ) -> Result<Annotation, Box<Problem>> {
        let n = numbers(at, Kind::Dota, &values[..8])?;
        let label = values[8].to_owned();
        let difficult = match values.get(9).copied() {
            None | Some("0") => false,
            Some("1") => true,
            Some(other) => {
                problems.push(at.bad_difficult(other));
                false
            }
        };
        let pixels = [0, 2, 4, 6].map(|i| [n[i], n[i + 1]]);
        let mut attributes = BTreeMap::new();
        let fitted = match oriented::rectangle(&pixels) {
            Some(fitted) => fitted,
            None => fit_quadrilateral(at, &pixels, &mut attributes)?,
        };
        if let Some(size) = self.size {
            check_oriented(at, &pixels, size, problems)?;
        }
        Ok(Annotation {
            label,
            shape: rotated(fitted),
            attributes,
            confidence: None,
            annotated_by: None,
            difficult,
            hard: false,
            bounds: None,
            source_format: "dota".to_owned(),
            parts: Vec::new(),
        })
    }

    fn polygon(&self, at: &At, n: &[f64], problems: &mut Problems) -> Result<Shape, Box<Problem>> {
        let points: Vec<[f64; 2]> = n.chunks_exact(2).map(|p| [p[0], p[1]]).collect();
        let outside = points.iter().position(|p| beyond(p[0]) || beyond(p[1]));
        let clipped: Vec<[f64; 2]> = points.iter().map(|p| [clip(p[0]), clip(p[1])]).collect();
        if let Some(first) = outside {
            let found = format!(
                "point {} at ({}, {})",
                first + 1,
                points[first][0],
                points[first][1]
            );
            if no_extent(&clipped) {
                return Err(Box::new(at.outside("points", &found)));
            }
            problems.push(at.clipped("points", &found));
        }
        let (sx, sy) = self.size.unwrap_or((1.0, 1.0));
        let ring = clipped.into_iter().map(|[x, y]| [x * sx, y * sy]).collect();
        Ok(Shape::Polygon { rings: vec![ring] })
    }
}

/// The smallest rectangle around a quadrilateral that is not one, its points kept in the
/// attribute `quadrilateral` (pixels) so that nothing of the annotation is lost.
fn fit_quadrilateral(
    at: &At,
    pixels: &[[f64; 2]; 4],
    attributes: &mut BTreeMap<String, Value>,
) -> Result<OrientedBox, Box<Problem>> {
    let fitted = oriented::smallest_around(pixels).ok_or_else(|| Box::new(at.flat(pixels)))?;
    attributes.insert(
        "quadrilateral".to_owned(),
        Value::from(pixels.iter().map(|p| p.to_vec()).collect::<Vec<_>>()),
    );
    Ok(fitted)
}

/// An oriented box wholly outside its image is an error; one reaching out of it a warning.
fn check_oriented(
    at: &At,
    pixels: &[[f64; 2]; 4],
    (width, height): (f64, f64),
    problems: &mut Problems,
) -> Result<(), Box<Problem>> {
    let normalised = pixels.map(|[x, y]| [x / width, y / height]);
    let Some(first) = normalised.iter().position(|p| beyond(p[0]) || beyond(p[1])) else {
        return Ok(());
    };
    let found = format!(
        "point {} at ({}, {}) in a {width}×{height} image",
        first + 1,
        pixels[first][0],
        pixels[first][1]
    );
    if no_extent(&normalised.map(|p| [clip(p[0]), clip(p[1])])) {
        return Err(Box::new(at.outside("points", &found)));
    }
    problems.push(at.oriented_outside(&found));
    Ok(())
}

fn rotated(fitted: OrientedBox) -> Shape {
    Shape::RotatedBox {
        cx: fitted.cx,
        cy: fitted.cy,
        width: fitted.width,
        height: fitted.height,
        angle: fitted.angle,
    }
}

/// The coordinates (and confidence) of a line, checked to be finite numbers.
fn numbers(at: &At, kind: Kind, values: &[&str]) -> Result<Vec<f64>, Box<Problem>> {
    values
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let field = field_name(kind, i);
            let expected = if kind == Kind::Dota {
                "a number of pixels"
            } else {
                "a number between 0 and 1"
            };
            match text.parse::<f64>() {
                Err(_) => Err(Box::new(at.not_a_number(&field, text, expected))),
                Ok(value) if !value.is_finite() => {
                    Err(Box::new(at.not_finite(&field, text, expected)))
                }
                Ok(value) => Ok(value),
            }
        })
        .collect()
}

fn field_name(kind: Kind, i: usize) -> String {
    const BOX: [&str; 5] = ["x_center", "y_center", "width", "height", "confidence"];
    match kind {
        Kind::Box | Kind::ScoredBox => BOX.get(i).copied().unwrap_or("value").to_owned(),
        Kind::Polygon | Kind::Dota => format!(
            "{}{}",
            if i.is_multiple_of(2) { "x" } else { "y" },
            i / 2 + 1
        ),
    }
}

/// A prediction's confidence; outside 0..1 it is dropped with a warning, the box kept.
fn confidence(at: &At, value: f64, text: &str, problems: &mut Problems) -> Option<f64> {
    if beyond(value) {
        problems.push(at.bad_confidence(text));
        return None;
    }
    Some(clip(value))
}

fn beyond(value: f64) -> bool {
    !(-TOLERANCE..=1.0 + TOLERANCE).contains(&value)
}

fn clip(value: f64) -> f64 {
    value.clamp(0.0, 1.0)
}

/// True when clipped points span no width or no height: the shape lay wholly outside.
fn no_extent(points: &[[f64; 2]]) -> bool {
    let span = |axis: usize| {
        let values = points.iter().map(|p| p[axis]);
        values.clone().fold(f64::NEG_INFINITY, f64::max) - values.fold(f64::INFINITY, f64::min)
    };
    span(0) <= 0.0 || span(1) <= 0.0
}

/// Class names by index.
struct Names<'a> {
    by_index: HashMap<i64, &'a str>,
    highest: i64,
}

impl<'a> Names<'a> {
    fn new(classes: &'a [LabelDef]) -> Self {
        let mut by_index = HashMap::new();
        for (position, class) in (0..).zip(classes) {
            by_index
                .entry(class.source_id.unwrap_or(position))
                .or_insert(class.name.as_str());
        }
        let highest = by_index.keys().copied().max().unwrap_or(-1);
        Self { by_index, highest }
    }

    /// The index and label of a class field.
    fn label(&self, at: &At, text: &str) -> Result<(i64, String), Box<Problem>> {
        let index = class_index(text).ok_or_else(|| at.not_an_index(text))?;
        if self.by_index.is_empty() {
            return Ok((index, index.to_string()));
        }
        match self.by_index.get(&index) {
            Some(name) => Ok((index, (*name).to_owned())),
            None => Err(Box::new(at.unknown_class(text, self.highest))),
        }
    }
}

/// Where a problem is: the file and the 1-based line. Builds the problems of a line.
struct At<'a> {
    file: &'a str,
    line: u64,
}

impl At<'_> {
    /// A problem whose message says where, what and how to fix it.
    fn problem(
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
            format!("{} line {}: {what}", self.file, self.line),
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
            severity: wharf_model::Severity::Warning,
            ..self.problem(code, field, found, expected, what)
        }
    }

    fn wrong_count(&self, values: &[&str]) -> Problem {
        let line = values.join(" ");
        let what = format!(
            "{} values (`{}`) fit no YOLO object: write `class x_center y_center width height`, \
             `class x1 y1 x2 y2 x3 y3 …` with whole points, or DOTA's \
             `x1 y1 x2 y2 x3 y3 x4 y4 class difficult`; the line is skipped",
            values.len(),
            short(&line)
        );
        self.problem(
            ProblemCode::Syntax,
            "values",
            &line,
            "5 values (a box), 6 (a box and its confidence), a class and 3 points or more, \
             or 8 coordinates, a class name and 0 or 1 (DOTA)",
            &what,
        )
    }

    fn not_an_index(&self, text: &str) -> Problem {
        let what = format!(
            "the class `{}` is not a class index; write the class's line number in the names file, from 0; the line is skipped",
            short(text)
        );
        self.problem(
            ProblemCode::UnknownLabel,
            "class",
            text,
            "a class index: a whole number from 0",
            &what,
        )
    }

    fn unknown_class(&self, text: &str, highest: i64) -> Problem {
        let what = format!(
            "class {} is not in the class names, which go from 0 to {highest}; add it to the names or fix the index; the line is skipped",
            short(text)
        );
        self.problem(
            ProblemCode::UnknownLabel,
            "class",
            text,
            &format!("a class index from 0 to {highest}"),
            &what,
        )
    }

    fn not_a_number(&self, field: &str, text: &str, expected: &str) -> Problem {
        let what = format!(
            "{field} is `{}`, not a number; fix it, the line is skipped",
            short(text)
        );
        self.problem(ProblemCode::WrongType, field, text, expected, &what)
    }

    fn not_finite(&self, field: &str, text: &str, expected: &str) -> Problem {
        let what = format!("{field} is `{}`; fix it, the line is skipped", short(text));
        self.problem(
            ProblemCode::InvalidValue,
            field,
            text,
            &format!("a finite {}", expected.trim_start_matches("a ")),
            &what,
        )
    }

    fn flat(&self, pixels: &[[f64; 2]; 4]) -> Problem {
        let found = pixels
            .iter()
            .map(|[x, y]| format!("({x}, {y})"))
            .collect::<Vec<_>>()
            .join(" ");
        let what = format!(
            "the four points {found} lie on one line, so they make no box; fix them, the line is skipped"
        );
        self.problem(
            ProblemCode::InvalidValue,
            "points",
            &found,
            "four corners of a box with an area",
            &what,
        )
    }

    fn oriented_outside(&self, found: &str) -> Problem {
        let what = format!(
            "the oriented box reaches outside the image ({found}) and is kept as drawn; check the coordinates"
        );
        self.warning(
            ProblemCode::OutOfBounds,
            "points",
            found,
            "corners inside the image",
            &what,
        )
    }

    fn bad_difficult(&self, text: &str) -> Problem {
        let what = format!(
            "difficult is `{}`, not 0 or 1, so the object is kept and not marked difficult",
            short(text)
        );
        self.warning(
            ProblemCode::InvalidValue,
            "difficult",
            text,
            "0 or 1",
            &what,
        )
    }

    fn not_positive(&self, field: &str, value: f64) -> Problem {
        let what = format!("{field} is {value}, so the box is empty; fix it, the line is skipped");
        self.problem(
            ProblemCode::InvalidValue,
            field,
            &value.to_string(),
            "a number greater than 0",
            &what,
        )
    }

    fn outside(&self, field: &str, found: &str) -> Problem {
        let what = format!(
            "the {field} lies wholly outside the image ({found}); fix the coordinates, the line is skipped"
        );
        self.problem(
            ProblemCode::OutOfBounds,
            field,
            found,
            "coordinates between 0 and 1",
            &what,
        )
    }

    fn clipped(&self, field: &str, found: &str) -> Problem {
        let what = format!(
            "the {field} reaches outside the image ({found}) and is clipped to its edge; check the coordinates"
        );
        self.warning(
            ProblemCode::OutOfBounds,
            field,
            found,
            "coordinates between 0 and 1",
            &what,
        )
    }

    fn bad_confidence(&self, text: &str) -> Problem {
        let what = format!(
            "confidence is `{}`, outside 0..1, so it is dropped and the box kept",
            short(text)
        );
        self.warning(
            ProblemCode::InvalidValue,
            "confidence",
            text,
            "a number between 0 and 1",
            &what,
        )
    }

    fn too_long(&self, bytes: usize) -> Problem {
        let what = format!("the line has {bytes} bytes, more than 1 MiB; it is skipped");
        self.problem(
            ProblemCode::TooLarge,
            "line",
            &format!("{bytes} bytes"),
            "at most 1 MiB a line",
            &what,
        )
    }

    fn too_many(&self) -> Problem {
        let what = format!("more than {MAX_OBJECTS} objects; this line and the rest are skipped");
        let found = format!("more than {MAX_OBJECTS} objects");
        self.problem(
            ProblemCode::TooLarge,
            "line",
            &found,
            &format!("at most {MAX_OBJECTS} objects a file"),
            &what,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_model::Severity;

    const COCO: &[&str] = &["person", "traffic light", "dog"];

    fn classes() -> Vec<LabelDef> {
        COCO.iter().map(|n| LabelDef::named(*n)).collect()
    }

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/yolo/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    fn boxes(annotations: &[Annotation]) -> Vec<(&str, [f64; 4])> {
        annotations
            .iter()
            .map(|a| match a.shape {
                Shape::Box {
                    x_min,
                    y_min,
                    x_max,
                    y_max,
                } => (a.label.as_str(), [x_min, y_min, x_max, y_max]),
                ref other => panic!("{other:?}"),
            })
            .collect()
    }

    fn rounded(values: [f64; 4]) -> [f64; 4] {
        values.map(|v| (v * 1e6).round() / 1e6)
    }

    fn codes(problems: &[Problem]) -> Vec<(Option<u64>, ProblemCode, Severity, Option<&str>)> {
        problems
            .iter()
            .map(|p| (p.line, p.code, p.severity, p.field.as_deref()))
            .collect()
    }

    #[test]
    fn boxes_in_pixels_with_the_image_size() {
        let (annotations, problems) = parse_labels(
            &fixture("labels_box.txt"),
            "labels/a.txt",
            &classes(),
            Some((640, 480)),
        );
        assert!(problems.is_empty(), "{problems:?}");
        let found: Vec<_> = boxes(&annotations)
            .into_iter()
            .map(|(l, b)| (l, rounded(b)))
            .collect();
        assert_eq!(
            found,
            [
                ("person", [256.0, 144.0, 384.0, 336.0]),
                ("dog", [0.0, 240.0, 320.0, 480.0])
            ]
        );
        let first = &annotations[0];
        assert_eq!(first.source_format, "yolo");
        assert_eq!(
            first.attributes,
            BTreeMap::from([("class_index".to_owned(), Value::from(0))])
        );
        assert_eq!(first.confidence, None);
        assert_eq!(annotations[1].attributes["class_index"], 2);
    }

    #[test]
    fn boxes_stay_normalised_and_say_so_without_the_image_size() {
        for size in [None, Some((0, 480))] {
            let (annotations, problems) =
                parse_labels(&fixture("labels_box.txt"), "a.txt", &classes(), size);
            assert!(problems.is_empty(), "{problems:?}");
            assert_eq!(rounded(boxes(&annotations)[0].1), [0.4, 0.3, 0.6, 0.7]);
            assert!(
                annotations
                    .iter()
                    .all(|a| a.attributes["normalized"] == true)
            );
        }
    }

    #[test]
    fn segments_become_polygons_in_pixels_or_normalised() {
        let text = fixture("labels_segment.txt");
        let (annotations, problems) = parse_labels(&text, "a.txt", &classes(), Some((100, 200)));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(annotations[0].label, "traffic light");
        let Shape::Polygon { rings } = &annotations[0].shape else {
            panic!()
        };
        let ring: Vec<[f64; 2]> = rings[0]
            .iter()
            .map(|[x, y]| [x.round(), y.round()])
            .collect();
        assert_eq!(
            ring,
            [[10.0, 20.0], [40.0, 20.0], [40.0, 60.0], [10.0, 60.0]]
        );
        let (annotations, _) = parse_labels(&text, "a.txt", &classes(), None);
        let Shape::Polygon { rings } = &annotations[1].shape else {
            panic!()
        };
        assert_eq!(rings[0], [[0.5, 0.5], [0.6, 0.5], [0.55, 0.6]]);
        assert_eq!(annotations[1].attributes["normalized"], true);
    }

    /// `[cx, cy, width, height, angle in degrees]`, rounded, of a rotated box.
    fn rotated_box(shape: &Shape) -> [f64; 5] {
        let Shape::RotatedBox {
            cx,
            cy,
            width,
            height,
            angle,
        } = *shape
        else {
            panic!("not a rotated box: {shape:?}")
        };
        [cx, cy, width, height, angle.to_degrees()].map(|v| (v * 1e3).round() / 1e3)
    }

    fn read_obb(
        four_points: FourPoints,
        size: Option<(u32, u32)>,
    ) -> (Vec<Annotation>, Vec<Problem>) {
        let context = LabelContext {
            classes: &classes(),
            image_size: size,
            four_points,
        };
        parse_label_file(&fixture("labels_obb.txt"), "labels/a.txt", &context)
    }

    #[test]
    fn obb_files_read_rectangles_as_rotated_boxes_and_keep_other_quadrilaterals() {
        let (annotations, problems) = read_obb(FourPoints::RectanglesAsBoxes, Some((200, 100)));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            rotated_box(&annotations[0].shape),
            [100.0, 50.0, 40.0, 20.0, 30.0]
        );
        assert_eq!(annotations[0].attributes["class_index"], 0);
        assert_eq!(
            rotated_box(&annotations[1].shape),
            [40.0, 30.0, 20.0, 10.0, 0.0]
        );
        assert_eq!(annotations[1].label, "dog");
        let Shape::Polygon { rings } = &annotations[2].shape else {
            panic!("a trapezoid is no oriented box: {:?}", annotations[2].shape)
        };
        assert_eq!(rings[0].len(), 4);
    }

    #[test]
    fn task_obb_fits_quadrilaterals_and_keeps_their_points() {
        let (annotations, problems) = read_obb(FourPoints::OrientedBoxes, Some((200, 100)));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            rotated_box(&annotations[2].shape),
            [140.0, 20.0, 40.0, 20.0, 0.0]
        );
        let corners = &annotations[2].attributes["quadrilateral"];
        assert_eq!(corners[0].as_array().map(Vec::len), Some(2));
        assert!(!annotations[0].attributes.contains_key("quadrilateral"));
    }

    #[test]
    fn task_segment_or_no_image_size_keep_four_points_as_polygons() {
        let (annotations, _) = read_obb(FourPoints::Polygons, Some((200, 100)));
        assert!(
            annotations
                .iter()
                .all(|a| matches!(a.shape, Shape::Polygon { .. }))
        );
        let (annotations, _) = read_obb(FourPoints::OrientedBoxes, None);
        assert!(
            annotations
                .iter()
                .all(|a| matches!(a.shape, Shape::Polygon { .. }))
        );
        assert_eq!(annotations[0].attributes["normalized"], true);
    }

    #[test]
    fn an_oriented_box_reaching_out_is_kept_as_drawn_with_a_warning() {
        let text = b"0 0.9 0.1 1.1 0.1 1.1 0.3 0.9 0.3\n0 1.2 0.1 1.4 0.1 1.4 0.3 1.2 0.3\n";
        let context = LabelContext {
            classes: &classes(),
            image_size: Some((100, 100)),
            four_points: FourPoints::OrientedBoxes,
        };
        let (annotations, problems) = parse_label_file(text, "a.txt", &context);
        assert_eq!(
            rotated_box(&annotations[0].shape),
            [100.0, 20.0, 20.0, 20.0, 0.0]
        );
        assert_eq!(
            codes(&problems),
            [
                (
                    Some(1),
                    ProblemCode::OutOfBounds,
                    Severity::Warning,
                    Some("points")
                ),
                (
                    Some(2),
                    ProblemCode::OutOfBounds,
                    Severity::Error,
                    Some("points")
                ),
            ]
        );
    }

    #[test]
    fn dota_lines_are_oriented_boxes_in_pixels_with_difficult_kept() {
        let (annotations, problems) = parse_labels(
            &fixture("labels_dota.txt"),
            "labelTxt/P0001.txt",
            &[],
            Some((1024, 1024)),
        );
        let found: Vec<_> = annotations
            .iter()
            .map(|a| (a.label.as_str(), a.difficult, a.source_format.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("plane", false, "dota"),
                ("small-vehicle", true, "dota"),
                ("harbor", false, "dota"),
                ("ship", false, "dota"),
                ("plane", false, "dota"),
            ]
        );
        let [cx, cy, width, height, angle] = rotated_box(&annotations[0].shape);
        assert_eq!([cx, cy], [300.0, 200.0]);
        assert!((width - 120.0).abs() < 1.0 && (height - 40.0).abs() < 1.0);
        assert!((angle + 20.0).abs() < 0.5, "{angle}");
        assert!(
            annotations[0].attributes.is_empty(),
            "a rectangle once rounded"
        );
        assert_eq!(
            rotated_box(&annotations[1].shape),
            [130.0, 115.0, 60.0, 30.0, 0.0]
        );
        assert!(annotations[1].attributes.contains_key("quadrilateral"));
        assert_eq!(
            codes(&problems),
            [
                (
                    Some(5),
                    ProblemCode::InvalidValue,
                    Severity::Error,
                    Some("points")
                ),
                (
                    Some(6),
                    ProblemCode::InvalidValue,
                    Severity::Warning,
                    Some("difficult")
                ),
                (
                    Some(7),
                    ProblemCode::OutOfBounds,
                    Severity::Warning,
                    Some("points")
                ),
            ],
            "{problems:#?}"
        );
        assert!(
            problems[0]
                .message
                .starts_with("labelTxt/P0001.txt line 5: the four points"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn dota_is_told_from_yolo_by_its_class_name() {
        let text = b"0 0 10 0 10 10 0 10 ship 1\n0 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9\n0 0 10 0 10 10 0 10 7\n";
        let (annotations, problems) = parse_labels(text, "a.txt", &[], None);
        assert_eq!(annotations.len(), 2);
        assert_eq!(
            (annotations[0].label.as_str(), annotations[0].difficult),
            ("ship", true)
        );
        assert!(
            matches!(annotations[1].shape, Shape::Polygon { .. }),
            "nine numbers are a YOLO segment"
        );
        assert_eq!(
            codes(&problems),
            [
                (
                    Some(2),
                    ProblemCode::Syntax,
                    Severity::Error,
                    Some("values")
                ),
                (
                    Some(3),
                    ProblemCode::OutOfBounds,
                    Severity::Warning,
                    Some("points")
                ),
            ],
            "ten numbers are a YOLO line with a value too many; pixels read as a normalised segment reach outside"
        );
    }

    #[test]
    fn a_sixth_value_is_a_prediction_confidence() {
        let (annotations, problems) = parse_labels(
            &fixture("labels_predictions.txt"),
            "p.txt",
            &classes(),
            Some((10, 10)),
        );
        assert!(problems.is_empty(), "{problems:?}");
        let scores: Vec<_> = annotations
            .iter()
            .map(|a| (a.label.as_str(), a.confidence))
            .collect();
        assert_eq!(scores, [("person", Some(0.87)), ("dog", Some(0.42))]);
    }

    #[test]
    fn malformed_label_corpus() {
        let (annotations, problems) = parse_labels(
            &fixture("labels_malformed.txt"),
            "bad.txt",
            &classes(),
            Some((100, 100)),
        );
        use ProblemCode::*;
        use Severity::*;
        assert_eq!(
            codes(&problems),
            [
                (Some(2), Syntax, Error, Some("values")),
                (Some(3), UnknownLabel, Error, Some("class")),
                (Some(4), UnknownLabel, Error, Some("class")),
                (Some(5), UnknownLabel, Error, Some("class")),
                (Some(6), WrongType, Error, Some("y_center")),
                (Some(7), InvalidValue, Error, Some("width")),
                (Some(8), InvalidValue, Error, Some("y_center")),
                (Some(9), InvalidValue, Error, Some("width")),
                (Some(10), InvalidValue, Error, Some("height")),
                (Some(11), OutOfBounds, Warning, Some("box")),
                (Some(12), OutOfBounds, Error, Some("box")),
                (Some(13), Syntax, Error, Some("values")),
                (Some(14), OutOfBounds, Warning, Some("points")),
                (Some(15), InvalidValue, Warning, Some("confidence")),
                (Some(18), UnknownLabel, Error, Some("class")),
                (Some(20), WrongType, Error, Some("x_center")),
            ],
            "{problems:#?}"
        );
        // Lines 1, 11 (clipped), 14 (clipped), 15 (confidence dropped), 17 (`2.0`), 19 (within tolerance).
        assert_eq!(annotations.len(), 6);
        assert_eq!(
            rounded(boxes(&annotations[1..2])[0].1),
            [85.0, 40.0, 100.0, 60.0]
        );
        let Shape::Polygon { rings } = &annotations[2].shape else {
            panic!()
        };
        assert_eq!(rings[0][1], [100.0, 10.0]);
        assert_eq!(
            (annotations[3].label.as_str(), annotations[3].confidence),
            ("traffic light", None)
        );
        assert_eq!(annotations[4].label, "dog");
        assert_eq!(
            rounded(boxes(&annotations[5..])[0].1),
            [0.0, 40.0, 100.0, 60.0]
        );
        let unknown = &problems[2];
        assert_eq!(
            (unknown.found.as_deref(), unknown.expected.as_deref()),
            (Some("7"), Some("a class index from 0 to 2"))
        );
        assert!(
            unknown
                .message
                .starts_with("bad.txt line 4: class 7 is not in the class names"),
            "{}",
            unknown.message
        );
    }

    #[test]
    fn crlf_tabs_trailing_spaces_and_blank_lines_are_tolerated() {
        let text = b"\r\n0 0.5\t0.5 0.2 0.2  \r\n   \r\n1 0.5 0.5 0.2 0.2\t\r\n";
        let (annotations, problems) = parse_labels(text, "a.txt", &classes(), None);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(annotations.len(), 2);
    }

    #[test]
    fn an_empty_file_is_an_image_without_objects() {
        assert_eq!(
            parse_labels(b"", "a.txt", &classes(), None),
            (Vec::new(), Vec::new())
        );
        assert_eq!(
            parse_labels(b"\n \n", "a.txt", &classes(), None),
            (Vec::new(), Vec::new())
        );
    }

    #[test]
    fn without_names_the_label_is_the_index() {
        let (annotations, problems) = parse_labels(b"12 0.5 0.5 0.2 0.2\n", "a.txt", &[], None);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(annotations[0].label, "12");
        assert_eq!(annotations[0].attributes["class_index"], 12);
    }

    #[test]
    fn names_are_found_by_source_id_when_indexes_have_gaps() {
        let gapped = [
            LabelDef {
                source_id: Some(0),
                ..LabelDef::named("a")
            },
            LabelDef {
                source_id: Some(5),
                ..LabelDef::named("f")
            },
        ];
        let (annotations, problems) = parse_labels(
            b"5 0.5 0.5 0.2 0.2\n1 0.5 0.5 0.2 0.2\n",
            "a.txt",
            &gapped,
            None,
        );
        assert_eq!(annotations[0].label, "f");
        assert_eq!(
            codes(&problems),
            [(
                Some(2),
                ProblemCode::UnknownLabel,
                Severity::Error,
                Some("class")
            )]
        );
    }

    #[test]
    fn file_level_problems() {
        let (annotations, problems) =
            parse_labels(b"0 0.5 0.5 0.2 0.2\n0 0.\xFF\n", "a.txt", &classes(), None);
        assert!(annotations.is_empty());
        assert_eq!(
            codes(&problems),
            [(Some(2), ProblemCode::NotUtf8, Severity::Error, None)]
        );
        let huge = vec![b' '; MAX_FILE_BYTES_FOR_TEST + 1];
        let (_, problems) = parse_labels(&huge, "a.txt", &classes(), None);
        assert_eq!(
            codes(&problems),
            [(None, ProblemCode::TooLarge, Severity::Error, None)]
        );
    }

    const MAX_FILE_BYTES_FOR_TEST: usize = crate::text::MAX_TEXT_BYTES;

    #[test]
    fn a_line_over_a_mebibyte_is_skipped() {
        let mut text = b"0 0.5 0.5 0.2 0.2\n0".to_vec();
        text.extend(std::iter::repeat_n(b' ', MAX_LINE_BYTES));
        text.extend(b"0.5 0.5 0.2 0.2\n1 0.5 0.5 0.2 0.2\n");
        let (annotations, problems) = parse_labels(&text, "a.txt", &classes(), None);
        assert_eq!(annotations.len(), 2);
        assert_eq!(
            codes(&problems),
            [(
                Some(2),
                ProblemCode::TooLarge,
                Severity::Error,
                Some("line")
            )]
        );
    }

    #[test]
    fn messages_say_where_what_and_how_to_fix() {
        let (_, problems) = parse_labels(b"0 0.5 0.5 -0.2 0.2\n", "labels/x.txt", &classes(), None);
        let p = &problems[0];
        assert_eq!(
            p.message,
            "labels/x.txt line 1: width is -0.2, so the box is empty; fix it, the line is skipped"
        );
        assert_eq!(
            (p.found.as_deref(), p.expected.as_deref()),
            (Some("-0.2"), Some("a number greater than 0"))
        );
    }
}
