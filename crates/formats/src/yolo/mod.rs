//! YOLO: label files of one object a line, with the class names beside them.
//!
//! # Layouts
//!
//! - Ultralytics: `data.yaml` (class names, split folders or lists, `task`) with
//!   `images/<split>/x.jpg` and `labels/<split>/x.txt`, or Roboflow's `<split>/images/x.jpg`
//!   and `<split>/labels/x.txt`; `labels/<split>.cache` is Ultralytics' own cache.
//! - `Images/` and `Annotations/` folders (any case, under split folders or not), as several
//!   labelling tools export YOLO.
//! - Darknet, as ModelArts imports it: `obj.names`, `obj.data` (names file, `train.txt`,
//!   `valid.txt`), and `obj_train_data/` with `x.txt` beside `x.jpg`.
//! - Plain: `classes.txt` with `x.txt` beside each `x.jpg`.
//! - DOTA: `images/P0001.png` with `labelTxt/P0001.txt`, one oriented object a line in pixels.
//!
//! How a label file finds its image is in `pairing.rs`; which split an image is in, in
//! `splits.rs`.
//!
//! # Lines
//!
//! - `class x_center y_center width height`, normalised to 0..1, with an optional sixth value,
//!   a prediction's confidence: a box.
//! - `class x1 y1 x2 y2 x3 y3 …`, three points or more: an Ultralytics segment, a polygon.
//! - `class x1 y1 x2 y2 x3 y3 x4 y4`: an Ultralytics oriented box, or a segment of four points.
//!   They look the same, so `data.yaml`'s `task` decides: `obb` makes every such line an
//!   oriented box (`Shape::RotatedBox`; a quadrilateral that is not a rectangle becomes the
//!   smallest rectangle around it, as Ultralytics trains on it, and keeps its points in the
//!   attribute `quadrilateral`), `segment` a polygon. With no task, the file and the points
//!   decide: in a file whose every object has four points (an OBB file; Ultralytics' segments
//!   have as many points as their outline needs), a rectangle (corners within a pixel, or 1% of
//!   its diagonal, of one) is an oriented box; anything else is a polygon, so no shape is ever
//!   bent. Oriented boxes need the image size, since their angle changes with the image's
//!   aspect: without it the line stays a normalised polygon.
//! - DOTA's `x1 y1 x2 y2 x3 y3 x4 y4 class difficult`, in pixels, after optional
//!   `imagesource:` and `gsd:` lines (about the image, skipped): an oriented box fitted as above,
//!   the class named in the line, `difficult` kept. Told from a YOLO line by its ninth value, a
//!   name: DOTA's classes are words (`plane`, `small-vehicle`).
//!
//! An oriented box's `width` runs along the edge from the first point to the second, its
//! `angle` is that edge's direction in radians, clockwise from the x axis (y points down), in
//! (-π/2, π/2]; see `oriented.rs`.
//!
//! # Structure, not samples
//!
//! `data.yaml` (and `dataset.yaml`), `*.names`, `obj.data`, `classes.txt`, `*.cache`, and split
//! lists (`train.txt`, `val.txt`, `valid.txt`, `test.txt` at the root, or any list `data.yaml`
//! or `obj.data` names) are the layout's own files: never samples, never label files, even
//! beside an image of the same stem. Other text files that pair with no image (a `README.txt`)
//! are reported as not used.
//!
//! # Decisions
//!
//! - Coordinates become pixels when the caller knows the image size. When it does not, they
//!   stay normalised and the annotation carries `"normalized": true`, so that the stage that
//!   learns the size scales them: a guessed size would be silently wrong.
//! - A shape reaching outside 0..1 by more than 1e-3 is clipped to the image and kept with an
//!   `OutOfBounds` warning: training tools clip the same way, and the object is real. Smaller
//!   overshoots are rounding and clipped silently; a shape of which nothing is left is an error.
//!   Oriented boxes are not clipped (they would stop being rectangles), only warned about.
//! - Without a names file the label is the class index as text.
//! - Splits become the samples' usage: `train`, `eval` (for `val`/`valid`) and `test`, as
//!   ModelArts manifests store them.
//! - `data.yaml` is read by a strict parser of the YAML subset these files use (see `yaml.rs`),
//!   to need no YAML dependency: what it cannot read is a `Syntax` problem, never a guess.
//! - Limits, each a `TooLarge` problem: 16 MiB a file, 1 MiB a line, 100 000 objects a label
//!   file, 100 000 classes; past 1 000 problems a file, only their count is reported.

/// The layout's name, and the `source_format` of the annotations read here.
pub const FORMAT: &str = "yolo";

mod darknet;
mod data_yaml;
mod detection;
mod labels;
mod names;
mod oriented;
pub mod pairing;
mod reader;
pub mod splits;
mod text;
mod yaml;

pub use darknet::{DarknetData, parse_darknet_data};
pub use data_yaml::{DataYaml, parse_data_yaml};
pub use detection::{YoloLayout, detect};
pub use labels::{FourPoints, LabelContext, parse_label_file, parse_labels};
pub use names::parse_class_names;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ListingSummary;

    #[test]
    fn names_from_data_yaml_name_the_labels() {
        let (data, _) =
            parse_data_yaml(b"train: images\nnames:\n  0: cat\n  3: dog\n", "data.yaml");
        let (annotations, problems) = parse_labels(
            b"3 0.5 0.5 0.2 0.2\n",
            "labels/a.txt",
            &data.names,
            Some((10, 10)),
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(annotations[0].label, "dog");
    }

    /// Bytes from an alphabet rich in the characters these formats give meaning to.
    fn garbage(seed: &mut u64, length: usize) -> Vec<u8> {
        const ALPHABET: &[u8] = b"0123456789.-+eE :\n\r\t#'\"[]{},-|&*!ab\\xu\xC3\xA9\xFF";
        (0..length)
            .map(|_| {
                // A linear congruential generator: repeatable without a dependency.
                *seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ALPHABET[(*seed >> 33) as usize % ALPHABET.len()]
            })
            .collect()
    }

    #[test]
    fn no_input_panics_a_parser_or_the_detector() {
        let mut seed = 7;
        for round in 0..3000 {
            let bytes = garbage(&mut seed, round % 200);
            let _ = parse_class_names(&bytes, "classes.txt");
            let _ = parse_data_yaml(&bytes, "data.yaml");
            let _ = parse_darknet_data(&bytes, "obj.data");
            let (annotations, _) = parse_labels(&bytes, "a.txt", &[], Some((640, 480)));
            let context = LabelContext {
                classes: &[],
                image_size: Some((640, 480)),
                four_points: FourPoints::OrientedBoxes,
            };
            let (oriented, _) = parse_label_file(&bytes, "a.txt", &context);
            let list = splits::SplitList {
                path: "train.txt".into(),
                usage: splits::TRAIN,
            };
            let _ = splits::Splits::default().add_list(&list, &bytes, &|_| true);
            for annotation in annotations.into_iter().chain(oriented) {
                let json = serde_json::to_string(&annotation.shape).unwrap();
                assert!(
                    !json.contains("null"),
                    "a non-finite coordinate got through: {json}"
                );
            }
            let mut summary = ListingSummary::default();
            for path in ["classes.txt", "a.jpg", "a.txt"] {
                summary.add(path);
            }
            let _ = detect(&summary, &|_| Some(bytes.clone()));
        }
    }
}
