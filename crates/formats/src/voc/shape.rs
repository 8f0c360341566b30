//! The one shape element of an `<object>`, as a [`Shape`], and its check against the image.

use std::collections::BTreeMap;

use wharf_model::{ProblemCode, Shape};

use super::object::{ReadObject, ShapePlace};
use super::xml::Element;
use super::{MAX_ABS_VALUE, Problems};

/// The shape elements ModelArts writes; an object holds exactly one.
const SHAPE_ELEMENTS: [&str; 7] = [
    "bndbox", "polygon", "point", "line", "circle", "polyline", "dashed",
];

/// The shape of an `<object>` or a `<part>` (`owner` names which) and the element it came
/// from, or `None` with errors. A `<point>` beside a `<bndbox>` is not a second shape but the
/// VOC2012 action task's reference point, which the object reads as an attribute.
pub(super) fn read<'a>(owner: &'a Element, out: &mut Problems) -> Option<(Shape, &'a Element)> {
    let beside_box = owner.child("bndbox").is_some();
    let mut shapes = owner.children.iter().filter(|c| {
        SHAPE_ELEMENTS.contains(&c.name.as_str()) && !(beside_box && c.name == "point")
    });
    let kind = owner.name.as_str();
    let Some(element) = shapes.next() else {
        let message = format!(
            "This <{kind}> has no shape and is left out; add a <bndbox> (or another shape element)."
        );
        out.push(
            out.error(ProblemCode::MissingField, owner.line, message)
                .field("bndbox")
                .expected(
                    "one of <bndbox>, <polygon>, <point>, <line>, <circle>, <polyline>, <dashed>",
                ),
        );
        return None;
    };
    if let Some(second) = shapes.next() {
        let message = format!(
            "This <{kind}> has both <{}> and <{}> and is left out; keep one shape per {kind}.",
            element.name, second.name
        );
        out.push(
            out.error(ProblemCode::InvalidValue, second.line, message)
                .field(second.name.as_str())
                .found(format!("<{}> and <{}>", element.name, second.name))
                .expected("exactly one shape element"),
        );
        return None;
    }
    let shape = match element.name.as_str() {
        "bndbox" => bndbox(element, out),
        "polygon" => points(element, 3, out).map(|ring| Shape::Polygon { rings: vec![ring] }),
        "polyline" => points(element, 2, out).map(|points| Shape::Polyline {
            points,
            dashed: false,
        }),
        "dashed" => points(element, 2, out).map(|points| Shape::Polyline {
            points,
            dashed: true,
        }),
        "line" => line(element, out),
        "point" => point(element, out),
        "circle" => circle(element, out),
        _ => None,
    }?;
    Some((shape, element))
}

fn bndbox(element: &Element, out: &mut Problems) -> Option<Shape> {
    let [x_min, y_min, x_max, y_max] =
        ["xmin", "ymin", "xmax", "ymax"].map(|name| coordinate(element, name, out));
    let (x_min, y_min, x_max, y_max) = (x_min?, y_min?, x_max?, y_max?);
    let x_ordered = ordered(element, ("xmin", x_min), ("xmax", x_max), out);
    let y_ordered = ordered(element, ("ymin", y_min), ("ymax", y_max), out);
    (x_ordered && y_ordered).then_some(Shape::Box {
        x_min,
        y_min,
        x_max,
        y_max,
    })
}

/// Whether `low` ≤ `high`, reporting when not. Equal is allowed: a one-pixel box is odd, not wrong.
fn ordered(
    element: &Element,
    (low_name, low): (&str, f64),
    (high_name, high): (&str, f64),
    out: &mut Problems,
) -> bool {
    if high >= low {
        return true;
    }
    let line = element.child(high_name).map_or(element.line, |e| e.line);
    let message = format!(
        "<{high_name}> is smaller than <{low_name}> and the object is left out; swap or fix them."
    );
    out.push(
        out.error(ProblemCode::InvalidValue, line, message)
            .field(format!("{}.{high_name}", element.name))
            .found(format!("{low_name} {low}, {high_name} {high}"))
            .expected(format!("{high_name} ≥ {low_name}")),
    );
    false
}

/// A `<line>`: exactly the points `x1,y1,x2,y2`.
fn line(element: &Element, out: &mut Problems) -> Option<Shape> {
    let points = points(element, 2, out)?;
    if points.len() != 2 {
        let message =
            "A <line> has exactly two points and this object is left out; use <polyline> for more.";
        out.push(
            out.error(ProblemCode::InvalidValue, element.line, message)
                .field("line")
                .found(format!("{} points", points.len()))
                .expected("x1, y1, x2, y2"),
        );
        return None;
    }
    Some(Shape::Polyline {
        points,
        dashed: false,
    })
}

/// A `<point>`, spelt `x`,`y` (ModelArts' table) or `x1`,`y1` (ModelArts' own example).
fn point(element: &Element, out: &mut Problems) -> Option<Shape> {
    let has = |name| element.child(name).is_some();
    let (x, y) = if has("x") || has("y") {
        ("x", "y")
    } else if has("x1") || has("y1") {
        ("x1", "y1")
    } else {
        let message =
            "This <point> has no coordinates and the object is left out; add <x> and <y>.";
        out.push(
            out.error(ProblemCode::MissingField, element.line, message)
                .field("point.x")
                .expected("<x> and <y>, or <x1> and <y1>"),
        );
        return None;
    };
    let (x, y) = (coordinate(element, x, out), coordinate(element, y, out));
    Some(Shape::Point { x: x?, y: y? })
}

fn circle(element: &Element, out: &mut Problems) -> Option<Shape> {
    let [cx, cy, r] = ["cx", "cy", "r"].map(|name| coordinate(element, name, out));
    let (cx, cy, r) = (cx?, cy?, r?);
    if r < 0.0 {
        let line = element.child("r").map_or(element.line, |e| e.line);
        let message = "The circle's radius <r> is negative and the object is left out; fix it.";
        out.push(
            out.error(ProblemCode::InvalidValue, line, message)
                .field("circle.r")
                .found(r.to_string())
                .expected("a radius ≥ 0"),
        );
        return None;
    }
    Some(Shape::Circle { cx, cy, r })
}

/// The points `x1,y1,x2,y2,…` of a polygon, polyline or line: numbered from 1 without gaps,
/// every `xN` with its `yN`, at least `min` of them. Other children are ignored.
fn points(element: &Element, min: usize, out: &mut Problems) -> Option<Vec<[f64; 2]>> {
    let shape = element.name.as_str();
    let pairs = numbered_pairs(element, out)?;
    let mut points = Vec::with_capacity(pairs.len());
    let mut ok = true;
    for (expected, (&index, pair)) in (1..).zip(&pairs) {
        if index != expected {
            let message = format!(
                "<{shape}> has no x{expected}/y{expected} and the object is left out; number the points 1, 2, 3, … without gaps."
            );
            out.push(
                out.error(ProblemCode::InvalidValue, element.line, message)
                    .field(format!("{shape}.x{expected}"))
                    .found(format!("x{index} where x{expected} should be"))
                    .expected(format!("x{expected} and y{expected}")),
            );
            return None;
        }
        match pair {
            [Some(x), Some(y)] => match (
                number(x, &format!("{shape}.{}", x.name), out),
                number(y, &format!("{shape}.{}", y.name), out),
            ) {
                (Some(x), Some(y)) => points.push([x, y]),
                _ => ok = false,
            },
            [Some(half), None] | [None, Some(half)] => {
                let missing = if half.name.starts_with('x') {
                    format!("y{index}")
                } else {
                    format!("x{index}")
                };
                let message = format!(
                    "<{shape}> has <{}> without <{missing}> and the object is left out; coordinates come in x/y pairs.",
                    half.name
                );
                out.push(
                    out.error(ProblemCode::InvalidValue, half.line, message)
                        .field(format!("{shape}.{missing}"))
                        .found(format!("<{}> alone", half.name))
                        .expected(format!("<x{index}> and <y{index}>")),
                );
                ok = false;
            }
            [None, None] => {}
        }
    }
    if !ok {
        return None;
    }
    if points.len() < min {
        let message = format!(
            "<{shape}> has {} points and the object is left out; it needs at least {min}.",
            points.len()
        );
        out.push(
            out.error(ProblemCode::InvalidValue, element.line, message)
                .field(shape)
                .found(format!("{} points", points.len()))
                .expected(format!("at least {min} points")),
        );
        return None;
    }
    Some(points)
}

/// `xN` and `yN` children by N; `None` with an error when one is given twice.
fn numbered_pairs<'a>(
    element: &'a Element,
    out: &mut Problems,
) -> Option<BTreeMap<usize, [Option<&'a Element>; 2]>> {
    let mut pairs: BTreeMap<usize, [Option<&Element>; 2]> = BTreeMap::new();
    for child in &element.children {
        let Some((axis, index)) = point_key(&child.name) else {
            continue;
        };
        let slot = &mut pairs.entry(index).or_default()[axis];
        if slot.is_some() {
            let message = format!(
                "<{}> appears twice in <{}> and the object is left out; keep one.",
                child.name, element.name
            );
            out.push(
                out.error(ProblemCode::InvalidValue, child.line, message)
                    .field(format!("{}.{}", element.name, child.name))
                    .found(child.value()),
            );
            return None;
        }
        *slot = Some(child);
    }
    Some(pairs)
}

/// `x12` → (0, 12), `y3` → (1, 3); anything else is not a point coordinate.
fn point_key(name: &str) -> Option<(usize, usize)> {
    let axis = match name.as_bytes().first()? {
        b'x' => 0,
        b'y' => 1,
        _ => return None,
    };
    let digits = &name[1..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((axis, digits.parse().ok()?))
}

/// A required numeric child of a shape element, such as `<xmin>` of `<bndbox>`.
fn coordinate(element: &Element, name: &str, out: &mut Problems) -> Option<f64> {
    let Some(child) = element.child(name) else {
        let message = format!(
            "<{}> has no <{name}> and the object is left out; add it.",
            element.name
        );
        out.push(
            out.error(ProblemCode::MissingField, element.line, message)
                .field(format!("{}.{name}", element.name))
                .expected(format!("<{name}> with a number")),
        );
        return None;
    };
    number(child, &format!("{}.{name}", element.name), out)
}

/// A coordinate: a finite number no larger than [`MAX_ABS_VALUE`] either way. `field` names it
/// with its shape, as in `bndbox.xmin`.
fn number(element: &Element, field: &str, out: &mut Problems) -> Option<f64> {
    let text = element.value();
    let name = element.name.as_str();
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value.abs() <= MAX_ABS_VALUE => Some(value),
        Ok(_) => {
            let message = format!(
                "<{name}> is not a usable coordinate and the object is left out; write a pixel position."
            );
            out.push(
                out.error(ProblemCode::InvalidValue, element.line, message)
                    .field(field)
                    .found(text)
                    .expected(format!("a finite number within ±{MAX_ABS_VALUE}")),
            );
            None
        }
        Err(_) if text.is_empty() => {
            let message = format!("<{name}> is empty and the object is left out; write a number.");
            out.push(
                out.error(ProblemCode::MissingField, element.line, message)
                    .field(field)
                    .found("(empty)")
                    .expected("a number"),
            );
            None
        }
        Err(_) => {
            let message =
                format!("<{name}> is not a number and the object is left out; write a number.");
            out.push(
                out.error(ProblemCode::WrongType, element.line, message)
                    .field(field)
                    .found(text)
                    .expected("a number"),
            );
            None
        }
    }
}

/// Warns when the object's shape, or one of its parts, reaches outside the image. Kept:
/// ModelArts only says such an import "may fail", and a box a pixel over the edge is usually
/// still a good label.
pub(super) fn check_bounds(read: &ReadObject, width: u32, height: u32, out: &mut Problems) {
    let annotation = &read.annotation;
    check_shape(
        &annotation.label,
        &annotation.shape,
        &read.place,
        (width, height),
        out,
    );
    for (part, place) in annotation.parts.iter().zip(&read.parts) {
        let label = format!("{}'s {}", annotation.label, part.label);
        check_shape(&label, &part.shape, place, (width, height), out);
    }
}

fn check_shape(
    label: &str,
    shape: &Shape,
    place: &ShapePlace,
    (width, height): (u32, u32),
    out: &mut Problems,
) {
    let Some((field, found)) = first_outside(shape, f64::from(width), f64::from(height)) else {
        return;
    };
    let message = format!(
        "The <{}> of '{label}' reaches outside the {width}×{height} image; it is kept, but fix the coordinates or <size>.",
        place.element
    );
    out.push(
        out.warning(ProblemCode::OutOfBounds, place.line, message)
            .field(field.unwrap_or_else(|| place.element.clone()))
            .found(found)
            .expected(format!("0 ≤ x ≤ {width} and 0 ≤ y ≤ {height}")),
    );
}

/// The first coordinate outside `0..=width` × `0..=height`: the field when it has a name of its
/// own (a box's `xmax`), and what was found. A circle counts by its centre: one crossing the
/// edge is common and harmless.
fn first_outside(shape: &Shape, width: f64, height: f64) -> Option<(Option<String>, String)> {
    let inside_x = |x: f64| (0.0..=width).contains(&x);
    let inside_y = |y: f64| (0.0..=height).contains(&y);
    let vertices: Vec<[f64; 2]> = match shape {
        Shape::Box {
            x_min,
            y_min,
            x_max,
            y_max,
        } => {
            let named = [
                ("xmin", *x_min, inside_x(*x_min)),
                ("ymin", *y_min, inside_y(*y_min)),
                ("xmax", *x_max, inside_x(*x_max)),
                ("ymax", *y_max, inside_y(*y_max)),
            ];
            return named
                .iter()
                .find(|(_, _, inside)| !inside)
                .map(|(name, value, _)| {
                    (Some(format!("bndbox.{name}")), format!("{name} {value}"))
                });
        }
        Shape::Polygon { rings } => rings.iter().flatten().copied().collect(),
        Shape::Polyline { points, .. } => points.clone(),
        Shape::Point { x, y } => vec![[*x, *y]],
        Shape::Circle { cx, cy, .. } => vec![[*cx, *cy]],
        _ => Vec::new(),
    };
    vertices
        .into_iter()
        .find(|[x, y]| !inside_x(*x) || !inside_y(*y))
        .map(|[x, y]| (None, format!("point ({x}, {y})")))
}
