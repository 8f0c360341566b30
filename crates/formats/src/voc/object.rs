//! One `<object>`: its label, flags, ModelArts extensions and shape, as an [`Annotation`].

use std::collections::BTreeMap;

use serde_json::Value;
use wharf_model::{Annotation, AnnotationPart, ProblemCode};

use super::xml::Element;
use super::{Problems, shape};

/// An object read, with where its shapes are, for the bounds check that runs once the image
/// size is known.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ReadObject {
    pub annotation: Annotation,
    pub place: ShapePlace,
    /// Where each of `annotation.parts` is, in the same order.
    pub parts: Vec<ShapePlace>,
}

/// The element a shape was read from (`bndbox`, `polygon`, ...) and its line.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ShapePlace {
    pub element: String,
    pub line: u64,
}

impl ShapePlace {
    fn of(element: &Element) -> Self {
        Self {
            element: element.name.clone(),
            line: element.line,
        }
    }
}

/// Reads an object, or leaves it out with errors. Warnings are reported either way, so a user
/// fixing a broken object sees everything wrong with it at once.
pub(super) fn read(object: &Element, out: &mut Problems) -> Option<ReadObject> {
    let label = label(object, out);
    let shape = shape::read(object, out);

    let mut attributes = BTreeMap::new();
    if let Some(pose) = field(object, "pose", out)
        .map(Element::value)
        .filter(|v| !v.is_empty())
    {
        attributes.insert("pose".to_owned(), Value::String(pose.to_owned()));
    }
    for name in ["truncated", "occluded"] {
        if let Some(element) = field(object, name, out).filter(|e| !e.value().is_empty()) {
            flag(element, name, out);
            attributes.insert(name.to_owned(), json_value(element.value()));
        }
    }
    if let Some(color) = field(object, "mask_color", out).filter(|e| !e.value().is_empty()) {
        check_mask_color(color, out);
        attributes.insert(
            "mask_color".to_owned(),
            Value::String(color.value().to_owned()),
        );
    }
    if let Some(coefficient) =
        field(object, "hard-coefficient", out).and_then(|e| unit_interval(e, out))
    {
        attributes.insert("hard_coefficient".to_owned(), Value::from(coefficient));
    }
    for properties in object.children_named("properties") {
        read_properties(properties, &mut attributes, out);
    }
    if let Some(actions) = field(object, "actions", out) {
        attributes.insert("actions".to_owned(), done_actions(actions, out));
    }
    if object.child("bndbox").is_some()
        && let Some(point) = field(object, "point", out).and_then(|p| reference_point(p, out))
    {
        attributes.insert("point".to_owned(), point);
    }
    let difficult = field(object, "difficult", out).is_some_and(|e| flag(e, "difficult", out));
    let confidence = field(object, "confidence", out).and_then(|e| unit_interval(e, out));
    let (parts, part_places): (Vec<AnnotationPart>, Vec<ShapePlace>) = object
        .children_named("part")
        .filter_map(|element| part(element, out))
        .unzip();

    let (label, (shape, shape_element)) = (label?, shape?);
    Some(ReadObject {
        annotation: Annotation {
            label,
            shape,
            attributes,
            confidence,
            annotated_by: None,
            difficult,
            hard: false,
            bounds: None,
            source_format: super::FORMAT.to_owned(),
            parts,
        },
        place: ShapePlace::of(shape_element),
        parts: part_places,
    })
}

/// A `<part>` of an object (the person layout's head, hands and feet): its `<name>` and its
/// shape. A broken part is left out with an error; its object is kept.
fn part(element: &Element, out: &mut Problems) -> Option<(AnnotationPart, ShapePlace)> {
    let label = element
        .child("name")
        .map(Element::value)
        .filter(|name| !name.is_empty());
    if label.is_none() {
        let message =
            "This <part> has no <name> and is left out; write the part's label, such as head.";
        out.push(
            out.error(ProblemCode::MissingField, element.line, message)
                .field("part.name")
                .expected("<name> with the part's label"),
        );
    }
    let shape = shape::read(element, out);
    let (label, (shape, shape_element)) = (label?, shape?);
    let part = AnnotationPart {
        label: label.to_owned(),
        shape,
    };
    Some((part, ShapePlace::of(shape_element)))
}

/// `<actions>` (VOC2012's action task): one 0/1 flag per action; the attribute lists the
/// actions flagged 1, in file order.
fn done_actions(actions: &Element, out: &mut Problems) -> Value {
    let done = actions
        .children
        .iter()
        .filter(|action| flag(action, &action.name, out))
        .map(|action| Value::String(action.name.clone()))
        .collect();
    Value::Array(done)
}

/// The `<point>` beside a `<bndbox>` in VOC2012's action task: a point on the person, kept as
/// `[x, y]`. One that does not read is dropped with a warning; the object is still good.
fn reference_point(point: &Element, out: &mut Problems) -> Option<Value> {
    let mut coordinates = Vec::with_capacity(2);
    for name in ["x", "y"] {
        let text = point.child(name).map(Element::value).unwrap_or("");
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => coordinates.push(Value::from(value)),
            _ => {
                let message = format!(
                    "The action reference <point> has no usable <{name}>; the point is ignored, the object kept."
                );
                out.push(
                    out.warning(ProblemCode::InvalidValue, point.line, message)
                        .field(format!("point.{name}"))
                        .found(if text.is_empty() { "(empty)" } else { text })
                        .expected("a number of pixels"),
                );
                return None;
            }
        }
    }
    Some(Value::Array(coordinates))
}

/// `<name>`, which an object cannot go without.
fn label(object: &Element, out: &mut Problems) -> Option<String> {
    let Some(name) = field(object, "name", out) else {
        let message = "This <object> has no <name> and is left out; add its label name.";
        out.push(
            out.error(ProblemCode::MissingField, object.line, message)
                .field("name")
                .expected("<name> with the label"),
        );
        return None;
    };
    if name.value().is_empty() {
        let message =
            "This <object>'s <name> is empty and the object is left out; write its label name.";
        out.push(
            out.error(ProblemCode::MissingField, name.line, message)
                .field("name")
                .found("(empty)")
                .expected("the label name"),
        );
        return None;
    }
    Some(name.value().to_owned())
}

/// The first child of this name; a repeat is reported, as only one can be right.
fn field<'a>(object: &'a Element, name: &str, out: &mut Problems) -> Option<&'a Element> {
    let mut all = object.children.iter().filter(|c| c.name == name);
    let first = all.next()?;
    if let Some(second) = all.next() {
        let message =
            format!("<{name}> appears twice in one <object>; keep only one, the first is used.");
        out.push(
            out.warning(ProblemCode::InvalidValue, second.line, message)
                .field(name)
                .found(second.value()),
        );
    }
    Some(first)
}

/// A 0/1 flag (`difficult`, `segmented`, ...). Anything else is read as 0, with a warning.
pub(super) fn flag(element: &Element, field: &str, out: &mut Problems) -> bool {
    match element.value() {
        "1" => true,
        "0" => false,
        other => {
            let message =
                format!("<{field}> must be 0 or 1; it is read as 0, fix it if that is wrong.");
            out.push(
                out.warning(ProblemCode::InvalidValue, element.line, message)
                    .field(field)
                    .found(if other.is_empty() { "(empty)" } else { other })
                    .expected("0 or 1"),
            );
            false
        }
    }
}

/// `confidence` or `hard-coefficient`: a number in [0, 1]; anything else is dropped, with a
/// warning, as the object itself is still good.
fn unit_interval(element: &Element, out: &mut Problems) -> Option<f64> {
    let text = element.value();
    let name = element.name.as_str();
    match text.parse::<f64>() {
        Ok(value) if (0.0..=1.0).contains(&value) => Some(value),
        Ok(_) => {
            let message = format!("<{name}> must be between 0 and 1; it is ignored, fix it.");
            out.push(
                out.warning(ProblemCode::InvalidValue, element.line, message)
                    .field(name)
                    .found(text)
                    .expected("a number from 0 to 1"),
            );
            None
        }
        Err(_) => {
            let message =
                format!("<{name}> is not a number; it is ignored, write a number from 0 to 1.");
            out.push(
                out.warning(ProblemCode::WrongType, element.line, message)
                    .field(name)
                    .found(if text.is_empty() { "(empty)" } else { text })
                    .expected("a number from 0 to 1"),
            );
            None
        }
    }
}

/// `mask_color` is `R,G,B` with each part 0..=255; another spelling is kept as written, with a
/// warning, since the mask cannot be matched by colour then.
fn check_mask_color(element: &Element, out: &mut Problems) {
    let text = element.value();
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    if parts.len() == 3 && parts.iter().all(|p| p.parse::<u8>().is_ok()) {
        return;
    }
    let message = "<mask_color> must be R,G,B with each part from 0 to 255; it is kept as written, fix it so the mask can be matched.";
    out.push(
        out.warning(ProblemCode::InvalidValue, element.line, message)
            .field("mask_color")
            .found(text)
            .expected("R,G,B such as 193,243,53"),
    );
}

/// ModelArts `properties`: `<key>value</key>` children, or `<property><key>k</key><value>v</value></property>`
/// pairs, in any mix.
fn read_properties(
    properties: &Element,
    attributes: &mut BTreeMap<String, Value>,
    out: &mut Problems,
) {
    for child in &properties.children {
        let is_pair = child.name == "property"
            && (child.child("key").is_some() || child.child("value").is_some());
        let entry = if is_pair {
            pair_property(child, out)
        } else {
            plain_property(child, out)
        };
        let Some((key, value)) = entry else { continue };
        if attributes.contains_key(&key) {
            let message =
                format!("The attribute '{key}' is given twice; keep only one, the first is used.");
            out.push(
                out.warning(ProblemCode::InvalidValue, child.line, message)
                    .field(format!("properties.{key}"))
                    .found(value.to_string()),
            );
            continue;
        }
        attributes.insert(key, value);
    }
}

fn pair_property(property: &Element, out: &mut Problems) -> Option<(String, Value)> {
    let key = property
        .child("key")
        .map(Element::value)
        .filter(|k| !k.is_empty());
    let Some(key) = key else {
        let message = "This <property> has no <key>; it is ignored, add the key.";
        out.push(
            out.warning(ProblemCode::MissingField, property.line, message)
                .field("properties.property.key")
                .expected("<key> with the attribute name"),
        );
        return None;
    };
    let Some(value) = property.child("value") else {
        let message = format!("<property> '{key}' has no <value>; it is ignored, add the value.");
        out.push(
            out.warning(ProblemCode::MissingField, property.line, message)
                .field(format!("properties.{key}"))
                .expected("<value>"),
        );
        return None;
    };
    Some((key.to_owned(), json_value(value.value())))
}

fn plain_property(property: &Element, out: &mut Problems) -> Option<(String, Value)> {
    let key = &property.name;
    if !property.children.is_empty() {
        let message = format!(
            "Property <{key}> holds elements, not a value; it is ignored, write its value as text."
        );
        out.push(
            out.warning(ProblemCode::WrongType, property.line, message)
                .field(format!("properties.{key}"))
                .expected("<key>value</key> or <property><key>…</key><value>…</value></property>"),
        );
        return None;
    }
    Some((key.clone(), json_value(property.value())))
}

/// A JSON number when the text is plainly one (`3`, `-0.5`, `1e3`), else the text. Text such as
/// `007` or `+1` stays a string: turning it into a number would change what was written.
pub(super) fn json_value(text: &str) -> Value {
    if looks_numeric(text) {
        if let Ok(int) = text.parse::<i64>() {
            return Value::from(int);
        }
        if let Some(number) = text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            return Value::Number(number);
        }
    }
    Value::String(text.to_owned())
}

fn looks_numeric(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let starts_with_digit = digits.starts_with(|c: char| c.is_ascii_digit());
    let leading_zero = digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.");
    starts_with_digit
        && !leading_zero
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
}
