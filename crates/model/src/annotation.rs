//! Annotations in one normalised model, whatever format they came from.
//!
//! Every reader (COCO, Pascal VOC, YOLO, ModelArts manifests, Rosetta and Xtreme1 results)
//! turns its own records into [`Annotation`]s. Coordinates are in pixels of the sample's image
//! (or in the point cloud's frame for 3D shapes), origin top-left, never normalised: readers of
//! normalised formats such as YOLO convert with the image size.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One label on a sample: what it is, where it is, and what is known about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Annotation {
    /// The label name, as in the dataset's label set.
    pub label: String,
    pub shape: Shape,
    /// The box around the shape as the source gave it, `[x_min, y_min, x_max, y_max]`: COCO's
    /// `bbox` beside a polygon, a mask or keypoints. `None` when the shape is itself a box or
    /// the source gave none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounds: Option<[f64; 4]>,
    /// Free attributes (VOC `properties`, COCO `attributes`, ModelArts `property`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = Object)]
    pub attributes: BTreeMap<String, serde_json::Value>,
    /// Model confidence in [0, 1], for machine labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// `human`, or the model or tool that made the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotated_by: Option<String>,
    /// VOC `difficult`, COCO `iscrowd`: hard to judge, often left out of evaluation. Left
    /// out of the JSON when false, as `hard` is.
    #[serde(default, skip_serializing_if = "is_false")]
    pub difficult: bool,
    /// A hard example, as ModelArts marks them.
    #[serde(default, skip_serializing_if = "is_false")]
    pub hard: bool,
    /// The format the annotation was read from.
    pub source_format: String,
    /// Shapes that belong to this one: a VOC object's `<part>` boxes (a person's head, hands
    /// and feet), each with its own label.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<AnnotationPart>,
}

/// A labelled shape inside an annotation, such as a body part of a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AnnotationPart {
    pub label: String,
    pub shape: Shape,
}

fn is_false(value: &bool) -> bool {
    !value
}

/// Where an annotation lies. Tagged by `type` on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Shape {
    /// The whole sample has this label (classification).
    Class,
    /// An axis-aligned box.
    Box {
        x_min: f64,
        y_min: f64,
        x_max: f64,
        y_max: f64,
    },
    /// A box rotated by `angle` radians about its centre.
    RotatedBox {
        cx: f64,
        cy: f64,
        width: f64,
        height: f64,
        angle: f64,
    },
    /// One or more closed rings (COCO splits an object into several polygons).
    Polygon {
        rings: Vec<Vec<[f64; 2]>>,
    },
    /// An open line; `dashed` for VOC's `dashed` element.
    Polyline {
        points: Vec<[f64; 2]>,
        #[serde(default)]
        dashed: bool,
    },
    Point {
        x: f64,
        y: f64,
    },
    Circle {
        cx: f64,
        cy: f64,
        r: f64,
    },
    /// A run-length encoded mask of `height` × `width` pixels, column-major as COCO writes it.
    /// `counts` is either the run lengths or COCO's compressed string form.
    RleMask {
        height: u32,
        width: u32,
        counts: RleCounts,
    },
    /// Keypoints as (x, y, visibility), with the skeleton's point names when known.
    Keypoints {
        points: Vec<[f64; 3]>,
    },
    /// A 3D box: centre and size in the point cloud's frame, rotation in radians about x, y, z.
    Box3d {
        center: [f64; 3],
        size: [f64; 3],
        rotation: [f64; 3],
    },
    /// A span of a text sample, in characters, end exclusive.
    TextSpan {
        start: u64,
        end: u64,
    },
    /// A stretch of an audio sample, in seconds.
    AudioSegment {
        start: f64,
        end: f64,
    },
    /// Free text about the sample: a caption or a transcript.
    Text {
        text: String,
    },
    /// The pixels of a mask image that belong to this object: those whose value (for a colour
    /// image, `R + 256·G + 256²·B`, as COCO panoptic encodes it) equals `value`. `file` is the
    /// mask's path in the source.
    SegmentMask {
        file: String,
        value: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum RleCounts {
    Runs(Vec<u32>),
    Compressed(String),
}

/// A label of a dataset's label set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LabelDef {
    pub name: String,
    /// The format's own id or index for the label (COCO category id, YOLO class index).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<i64>,
    /// COCO's supercategory, or the group a label belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Colour, default shape, shortcut and other display properties.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = Object)]
    pub properties: BTreeMap<String, serde_json::Value>,
    /// Names of the attributes annotations with this label may carry (keypoint names too).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
}

impl LabelDef {
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            source_id: None,
            parent: None,
            properties: BTreeMap::new(),
            attributes: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_tagged_by_type_on_the_wire() {
        let a = Annotation {
            label: "car".into(),
            shape: Shape::Box {
                x_min: 1.0,
                y_min: 2.0,
                x_max: 3.0,
                y_max: 4.0,
            },
            attributes: BTreeMap::new(),
            confidence: None,
            annotated_by: None,
            difficult: false,
            hard: false,
            bounds: None,
            source_format: "coco".into(),
            parts: Vec::new(),
        };
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(
            json["shape"],
            serde_json::json!({ "type": "box", "x_min": 1.0, "y_min": 2.0, "x_max": 3.0, "y_max": 4.0 })
        );
        assert_eq!(serde_json::from_value::<Annotation>(json).unwrap(), a);
        let rle = Shape::RleMask {
            height: 2,
            width: 2,
            counts: RleCounts::Compressed("52203".into()),
        };
        let back: Shape = serde_json::from_value(serde_json::to_value(&rle).unwrap()).unwrap();
        assert_eq!(back, rle);
    }
}
