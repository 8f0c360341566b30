//! YOLO: label files of one object a line, with the class names beside them.
//!
//! # Layouts
//!
//! - Ultralytics: `data.yaml` (class names, split folders) with `images/<split>/x.jpg` and
//!   `labels/<split>/x.txt`. A label file belongs to the image whose path, with its last
//!   `images/` made `labels/`, has the same stem: Ultralytics' own rule.
//! - Darknet, as ModelArts imports it: `obj.names`, `obj.data` (names file, `train.txt`,
//!   `valid.txt`), and `obj_train_data/` with `x.txt` beside `x.jpg`.
//! - Plain: `classes.txt` with `x.txt` beside each `x.jpg`.
//!
//! A label line is `class x_center y_center width height`, normalised to 0..1, with an optional
//! sixth value, a prediction's confidence; or `class x1 y1 x2 y2 x3 y3 …`, a polygon of three
//! points or more (Ultralytics segments; oriented boxes read as four-point polygons).
//!
//! # Decisions
//!
//! - Coordinates become pixels when the caller knows the image size. When it does not, they
//!   stay normalised and the annotation carries `"normalized": true`, so that the stage that
//!   learns the size scales them: a guessed size would be silently wrong.
//! - A shape reaching outside 0..1 by more than 1e-3 is clipped to the image and kept with an
//!   `OutOfBounds` warning: training tools clip the same way, and the object is real. Smaller
//!   overshoots are rounding and clipped silently; a shape of which nothing is left is an error.
//! - Without a names file the label is the class index as text.
//! - `data.yaml` is read by a strict parser of the YAML subset these files use (see `yaml.rs`),
//!   to need no YAML dependency: what it cannot read is a `Syntax` problem, never a guess.
//! - Limits, each a `TooLarge` problem: 16 MiB a file, 1 MiB a line, 100 000 objects a label
//!   file, 100 000 classes; past 1 000 problems a file, only their count is reported.

mod darknet;
mod data_yaml;
mod detection;
mod labels;
mod names;
mod text;
mod yaml;

pub use darknet::{DarknetData, parse_darknet_data};
pub use data_yaml::{DataYaml, parse_data_yaml};
pub use detection::{YoloLayout, detect};
pub use labels::parse_labels;
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
            for annotation in annotations {
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
