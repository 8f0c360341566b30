//! Tests of the KITTI readers: the benchmark's own label lines, a malformed corpus with each
//! problem's line and field, the tree's frames, and detection against every layout.

use serde_json::json;
use wharf_model::{Annotation, Problem, ProblemCode, Severity, Shape};

use super::*;
use crate::{Layout, ListingSummary, Verdict};

const LABEL_000000: &[u8] = include_bytes!("../../tests/fixtures/kitti/000000.txt");
const LABEL_000001: &[u8] = include_bytes!("../../tests/fixtures/kitti/000001.txt");
const RESULTS: &[u8] = include_bytes!("../../tests/fixtures/kitti/results.txt");
const MALFORMED: &[u8] = include_bytes!("../../tests/fixtures/kitti/malformed.txt");
const CALIB: &[u8] = include_bytes!("../../tests/fixtures/kitti/calib_000000.txt");
const TREE: &str = include_str!("../../tests/fixtures/kitti/object_tree.txt");

/// The size of KITTI's training image 000001.
const IMAGE: Option<(u32, u32)> = Some((1242, 375));

/// (line, code, severity, field) of every problem.
fn codes(problems: &[Problem]) -> Vec<(Option<u64>, ProblemCode, Severity, Option<&str>)> {
    problems
        .iter()
        .map(|p| (p.line, p.code, p.severity, p.field.as_deref()))
        .collect()
}

fn summary<'a>(paths: impl IntoIterator<Item = &'a str>) -> ListingSummary {
    let mut summary = ListingSummary::default();
    for path in paths {
        summary.add(path);
    }
    summary
}

/// Heads of the fixture's label and calibration files.
fn heads(path: &str) -> Option<Vec<u8>> {
    if path.contains("/label_2/") {
        Some(LABEL_000001.to_vec())
    } else if path.contains("/calib/") {
        Some(CALIB.to_vec())
    } else {
        None
    }
}

fn rounded<const N: usize>(values: [f64; N]) -> [f64; N] {
    values.map(|v| (v * 1000.0).round() / 1000.0)
}

fn box_3d(annotation: &Annotation) -> ([f64; 3], [f64; 3], [f64; 3]) {
    match annotation.shape {
        Shape::Box3d {
            center,
            size,
            rotation,
        } => (rounded(center), size, rotation),
        ref other => panic!("not a 3D box: {other:?}"),
    }
}

#[test]
fn a_benchmark_label_file_reads_whole() {
    let (annotations, problems) = parse_labels(LABEL_000001, "training/label_2/000001.txt", IMAGE);
    assert!(problems.is_empty(), "{problems:#?}");
    let labels: Vec<&str> = annotations.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Truck", "Car", "Cyclist", "DontCare", "DontCare", "DontCare", "DontCare"
        ]
    );
    let car = &annotations[1];
    // The location is the bottom face's centre; the camera's y points down.
    assert_eq!(
        box_3d(car),
        (
            [-16.53, 2.39 - 1.67 / 2.0, 58.49].map(|v| (v * 1000.0_f64).round() / 1000.0),
            [3.69, 1.67, 1.87],
            [0.0, 1.57, 0.0]
        )
    );
    assert_eq!(car.bounds, Some([387.63, 181.54, 423.81, 203.12]));
    assert_eq!(
        serde_json::to_value(&car.attributes).unwrap(),
        json!({"truncated": 0.0, "occluded": 0, "alpha": 1.85, "coordinates": "camera"})
    );
    assert_eq!(
        (car.confidence, car.source_format.as_str()),
        (None, "kitti")
    );
    assert_eq!(annotations[2].attributes["occluded"], 3);

    let dont_care = &annotations[3];
    assert_eq!(
        dont_care.shape,
        Shape::Box {
            x_min: 503.89,
            y_min: 169.71,
            x_max: 590.61,
            y_max: 190.13
        }
    );
    assert_eq!(dont_care.bounds, None);
    assert!(
        dont_care.attributes.is_empty(),
        "KITTI's -1 and -10 mean not given: {:?}",
        dont_care.attributes
    );

    let (pedestrian, problems) = parse_labels(LABEL_000000, "000000.txt", Some((1224, 370)));
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(
        box_3d(&pedestrian[0]),
        ([1.84, 0.525, 8.41], [1.2, 1.89, 0.48], [0.0, 0.01, 0.0])
    );
}

#[test]
fn results_carry_scores_2d_only_and_flat_boxes() {
    let (annotations, problems) = parse_labels(RESULTS, "results/000001.txt", IMAGE);
    assert_eq!(
        codes(&problems),
        [
            (
                Some(3),
                ProblemCode::InvalidValue,
                Severity::Warning,
                Some("score")
            ),
            (
                Some(4),
                ProblemCode::InvalidValue,
                Severity::Warning,
                Some("height")
            ),
        ],
        "{problems:#?}"
    );
    let scores: Vec<Option<f64>> = annotations.iter().map(|a| a.confidence).collect();
    assert_eq!(scores, [Some(0.93), Some(0.71), None, Some(0.42)]);
    assert!(
        !annotations[0].attributes.contains_key("truncated"),
        "results write -1"
    );
    assert!(matches!(annotations[1].shape, Shape::Box { .. }));
    assert_eq!(annotations[2].attributes["score"], 3.25);
    assert_eq!(
        box_3d(&annotations[3]),
        (
            [-16.53, -1000.0, 58.49],
            [3.69, 0.0, 1.87],
            [0.0, 1.57, 0.0]
        )
    );
}

#[test]
fn malformed_label_corpus() {
    let (annotations, problems) = parse_labels(MALFORMED, "training/label_2/000009.txt", IMAGE);
    use ProblemCode::*;
    use Severity::*;
    assert_eq!(
        codes(&problems),
        [
            (Some(2), Syntax, Error, Some("values")),
            (Some(3), Syntax, Error, Some("values")),
            (Some(4), WrongType, Error, Some("occluded")),
            (Some(5), InvalidValue, Error, Some("bottom")),
            (Some(6), InvalidValue, Error, Some("right")),
            (Some(7), InvalidValue, Error, Some("width")),
            (Some(8), InvalidValue, Warning, Some("truncated")),
            (Some(9), InvalidValue, Warning, Some("occluded")),
            (Some(10), InvalidValue, Warning, Some("alpha")),
            (Some(12), InvalidValue, Warning, Some("right")),
            (Some(13), InvalidValue, Warning, Some("rotation_y")),
            (Some(14), OutOfBounds, Warning, Some("bottom")),
            (Some(15), Syntax, Error, Some("values")),
        ],
        "{problems:#?}"
    );
    // Lines 1, 8, 9, 10 (each without the bad attribute), 12, 13 and 14: a bad line costs
    // only itself.
    let labels: Vec<&str> = annotations.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(
        labels,
        ["Car", "Car", "Car", "Car", "Van", "Car", "Pedestrian"]
    );
    assert!(!annotations[1].attributes.contains_key("truncated"));
    assert!(!annotations[2].attributes.contains_key("occluded"));
    assert!(!annotations[3].attributes.contains_key("alpha"));
    assert_eq!(
        annotations[6].bounds,
        Some([712.4, 143.0, 810.73, 1307.92]),
        "kept as written"
    );
    for problem in &problems {
        assert!(
            problem.message.starts_with(&format!(
                "training/label_2/000009.txt line {}: ",
                problem.line.unwrap()
            )),
            "{}",
            problem.message
        );
        assert!(problem.message.ends_with('.'), "{}", problem.message);
        assert!(
            problem.found.is_some() && problem.expected.is_some(),
            "{problem:?}"
        );
    }
    let short = &problems[0];
    assert_eq!(
        (short.found.as_deref(), short.expected.as_deref()),
        (Some("14 values"), Some("15 values, or 16 with a score"))
    );
    let not_a_number = &problems[2];
    assert_eq!(
        (not_a_number.found.as_deref(), not_a_number.message.as_str()),
        (
            Some("zero"),
            "training/label_2/000009.txt line 4: occluded is `zero`, not a number; the line is skipped."
        )
    );
}

#[test]
fn file_level_problems_and_limits() {
    let (annotations, problems) =
        parse_labels(b"Car 0 0 0 1 1 2 2 1 1 1 0 0 0 0\n\xFF\n", "a.txt", None);
    assert!(annotations.is_empty());
    assert_eq!(
        codes(&problems),
        [(Some(2), ProblemCode::NotUtf8, Severity::Error, None)]
    );
    let huge = vec![b'\n'; crate::text::MAX_TEXT_BYTES + 1];
    let (_, problems) = parse_labels(&huge, "a.txt", None);
    assert_eq!(
        codes(&problems),
        [(None, ProblemCode::TooLarge, Severity::Error, None)]
    );

    let line =
        "Car 0.00 0 1.85 387.63 181.54 423.81 203.12 1.67 1.87 3.69 -16.53 2.39 58.49 1.57\n";
    let mut text = line.to_owned();
    text.push_str(&format!("Car{}\n", " ".repeat(labels::MAX_LINE_BYTES)));
    text.push_str(line);
    let (annotations, problems) = parse_labels(text.as_bytes(), "a.txt", None);
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

    let many = line.repeat(labels::MAX_LINES + 2);
    let (annotations, problems) = parse_labels(many.as_bytes(), "a.txt", None);
    assert_eq!(annotations.len(), labels::MAX_LINES);
    assert_eq!(
        codes(&problems),
        [(
            Some(labels::MAX_LINES as u64 + 1),
            ProblemCode::TooLarge,
            Severity::Error,
            Some("line")
        )]
    );

    assert_eq!(
        parse_labels(b"\n \r\n", "a.txt", None),
        (Vec::new(), Vec::new())
    );
}

#[test]
fn the_tree_makes_one_frame_per_id_and_split() {
    let tree = check_tree(TREE.lines());
    type Frame<'a> = (&'a str, Option<&'a str>, Vec<&'a str>, Option<&'a str>);
    let frames: Vec<Frame> = tree
        .frames
        .iter()
        .map(|f| {
            (
                f.key(),
                f.usage,
                f.sample_files().collect(),
                f.file(KittiFolder::Label2),
            )
        })
        .collect();
    assert_eq!(
        frames,
        [
            (
                "testing/image_2/000000.png",
                Some("test"),
                vec![
                    "testing/image_2/000000.png",
                    "testing/velodyne/000000.bin",
                    "testing/image_3/000000.png",
                    "testing/calib/000000.txt"
                ],
                None
            ),
            (
                "testing/image_2/000001.png",
                Some("test"),
                vec![
                    "testing/image_2/000001.png",
                    "testing/velodyne/000001.bin",
                    "testing/image_3/000001.png",
                    "testing/calib/000001.txt"
                ],
                None
            ),
            (
                "training/image_2/000000.png",
                Some("train"),
                vec![
                    "training/image_2/000000.png",
                    "training/velodyne/000000.bin",
                    "training/image_3/000000.png",
                    "training/calib/000000.txt"
                ],
                Some("training/label_2/000000.txt")
            ),
            (
                "training/image_2/000001.png",
                Some("train"),
                vec![
                    "training/image_2/000001.png",
                    "training/velodyne/000001.bin",
                    "training/image_3/000001.png",
                    "training/calib/000001.txt"
                ],
                Some("training/label_2/000001.txt")
            ),
            (
                "training/image_2/000002.png",
                Some("train"),
                vec![
                    "training/image_2/000002.png",
                    "training/image_3/000002.png",
                    "training/calib/000002.txt"
                ],
                Some("training/label_2/000002.txt")
            ),
        ]
    );
    assert_eq!(tree.orphan_labels, ["training/label_2/000003.txt"]);
    assert_eq!(
        tree.problems
            .iter()
            .map(|p| (p.code, p.severity, p.file.as_str(), p.expected.as_deref()))
            .collect::<Vec<_>>(),
        [
            (
                ProblemCode::MissingFile,
                Severity::Warning,
                "training/image_2/000002.png",
                Some("training/velodyne/000002.bin")
            ),
            (
                ProblemCode::MissingFile,
                Severity::Error,
                "training/label_2/000003.txt",
                Some("training/image_2/000003.png or training/velodyne/000003.bin")
            ),
        ]
    );
    let missing = &tree.problems[0].message;
    assert_eq!(
        missing,
        "Frame 000002 of training/ lacks its point cloud (training/velodyne/000002.bin), which the split folder holds for other frames; it is imported with the files it has, keyed by training/image_2/000002.png."
    );
    assert!(
        tree.problems[1]
            .message
            .starts_with("'training/label_2/000003.txt' labels frame 000003, but training/ holds no image or point cloud of that frame"),
        "{}",
        tree.problems[1].message
    );
}

#[test]
fn point_cloud_frames_unzipped_archives_and_other_splits() {
    let lidar = check_tree([
        "kitti/training/velodyne/000000.bin",
        "kitti/training/label_2/000000.txt",
        "kitti/training/label_2/000001.txt",
    ]);
    assert_eq!(lidar.frames.len(), 1);
    assert_eq!(lidar.frames[0].key(), "kitti/training/velodyne/000000.bin");
    assert_eq!(lidar.frames[0].group, "kitti/training");
    assert_eq!(
        lidar.problems[0].expected.as_deref(),
        Some("kitti/training/velodyne/000001.bin"),
        "a LiDAR-only tree wants a scan for a label"
    );

    let unzipped = check_tree([
        "data_object_image_2/training/image_2/000000.png",
        "data_object_label_2/training/label_2/000000.txt",
        "data_object_velodyne/training/velodyne/000000.bin",
    ]);
    assert!(unzipped.problems.is_empty(), "{:?}", unzipped.problems);
    assert_eq!(unzipped.frames.len(), 1);
    assert_eq!(
        unzipped.frames[0].file(KittiFolder::Label2),
        Some("data_object_label_2/training/label_2/000000.txt")
    );

    assert_eq!(
        ["training", "a/Testing", "val", "train", "", "sequences"].map(usage_of),
        [
            Some("train"),
            Some("test"),
            Some("eval"),
            Some("train"),
            None,
            None
        ]
    );
    // The tools' cropped scans belong to their frame.
    let reduced = check_tree([
        "training/velodyne/000000.bin",
        "training/velodyne_reduced/000000.bin",
    ]);
    assert_eq!(
        reduced.frames[0].sample_files().collect::<Vec<_>>(),
        [
            "training/velodyne/000000.bin",
            "training/velodyne_reduced/000000.bin"
        ]
    );
    // The images before a frame are files of the frame, in order, after its own; those of no
    // frame, or not named `<id>_<step>`, are not the tree's.
    let previous = check_tree([
        "data_object_prev_2/training/prev_2/000000_03.png",
        "data_object_prev_2/training/prev_2/000000_01.png",
        "data_object_prev_3/training/prev_3/000000_01.png",
        "training/image_2/000000.png",
        "training/prev_2/000009_01.png",
        "training/prev_2/000000.png",
    ]);
    assert!(previous.problems.is_empty(), "{:?}", previous.problems);
    assert_eq!(previous.frames.len(), 1);
    assert_eq!(
        previous.frames[0].sample_files().collect::<Vec<_>>(),
        [
            "training/image_2/000000.png",
            "data_object_prev_2/training/prev_2/000000_01.png",
            "data_object_prev_2/training/prev_2/000000_03.png",
            "data_object_prev_3/training/prev_3/000000_01.png",
        ]
    );
    // Files of other extensions in KITTI folders are not the tree's.
    let stray = check_tree([
        "velodyne/000000.pcd",
        "image_2/notes.md",
        "image_2/000000.png",
    ]);
    assert_eq!(stray.frames.len(), 1);
    assert_eq!(stray.frames[0].files.len(), 1);
}

#[test]
fn detection_chooses_kitti_over_every_other_layout() {
    let all = crate::detect(&summary(TREE.lines()), &heads);
    assert_eq!(all[0].format, "kitti", "{all:#?}");
    let Verdict::Match {
        confidence,
        reasons,
    } = &all[0].verdict
    else {
        panic!()
    };
    assert_eq!(*confidence, 0.95);
    let reasons = reasons.join("; ");
    for expected in [
        "KITTI folders image_2/, velodyne/, image_3/, calib/, label_2/ in testing/, training/",
        "14 of 14 frame files looked at have six-digit frame ids",
        "starts with KITTI object lines",
        "holds KITTI calibration",
    ] {
        assert!(reasons.contains(expected), "{expected} in {reasons}");
    }
    let xtreme1 = all.iter().find(|d| d.format == "xtreme1").unwrap();
    match &xtreme1.verdict {
        Verdict::Reject { reason } => {
            assert!(
                reason.starts_with("it looks like KITTI (KITTI folders"),
                "{reason}"
            )
        }
        other => panic!("Xtreme1 took a KITTI tree: {other:?}"),
    }
    // ModelArts' classification folders take image_2/ and image_3/ for labels, lower.
    for other in all.iter().skip(1) {
        if let Verdict::Match { confidence, .. } = other.verdict {
            assert!(confidence <= 0.6, "{other:?}");
        }
    }

    // Testing alone, and a LiDAR-only tree, still match.
    let testing = summary(TREE.lines().filter(|p| p.starts_with("testing/")));
    assert!(
        matches!(detect(&testing, &heads), Verdict::Match { confidence, .. } if confidence == 0.9)
    );
    let lidar = summary([
        "training/velodyne/000000.bin",
        "training/label_2/000000.txt",
    ]);
    assert!(
        matches!(detect(&lidar, &heads), Verdict::Match { confidence, .. } if confidence == 0.95)
    );
}

#[test]
fn detection_rejects_what_only_looks_alike_and_says_why() {
    let images_only = summary(["image_2/000000.png", "image_3/000000.png"]);
    match detect(&images_only, &heads) {
        Verdict::Reject { reason } => {
            assert!(
                reason.contains("image_<N>/ folders may as well be an Xtreme1 image tree"),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
    match crate::xtreme1::detect(&images_only, &heads) {
        Verdict::Match { .. } => {}
        other => panic!("Xtreme1 must still read image_<N>/ trees: {other:?}"),
    }
    let coco = summary(["annotations/instances_val.json", "images/a.jpg"]);
    assert!(matches!(detect(&coco, &heads), Verdict::Reject { .. }));

    // A label file that is not KITTI lowers the confidence and says which line.
    let yolo_lines = |_: &str| Some(b"0 0.5 0.5 0.2 0.2\n".to_vec());
    let Verdict::Match {
        confidence,
        reasons,
    } = detect(&summary(TREE.lines()), &yolo_lines)
    else {
        panic!()
    };
    assert!(confidence < 0.5, "{confidence}");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("line 1 is `0 0.5 0.5 0.2 0.2`, not a KITTI object line")),
        "{reasons:?}"
    );
}

#[test]
fn the_devkit_and_split_lists_are_structure() {
    let layout = KittiLayout;
    for path in [
        "devkit_object/readme.txt",
        "kitti/devkit/cpp/evaluate_object.cpp",
        "ImageSets/train.txt",
        "kitti/ImageSets/trainval.txt",
        "training/val.txt",
        "devkit_object/mapping/train_mapping.txt",
        "kitti_infos_train.pkl",
        "kitti_dbinfos_train.pkl",
        "kitti_gt_database/000000_Pedestrian_0.bin",
    ] {
        assert!(layout.is_structure(path), "{path}");
    }
    for path in [
        "training/calib/000000.txt",
        "training/label_2/000000.txt",
        "training/image_2/000000.png",
        "README.txt",
    ] {
        assert!(!layout.is_structure(path), "{path}");
    }
}

/// Bytes from an alphabet rich in the characters label lines give meaning to.
fn garbage(seed: &mut u64, length: usize) -> Vec<u8> {
    const ALPHABET: &[u8] = b"0123456789.-+eE \n\r\tCarDontCae-1000nanif\xC3\xA9\xFF";
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
fn no_input_panics_the_parser_or_the_detector() {
    let mut seed = 11;
    let paths = summary(TREE.lines());
    for round in 0..3000 {
        let bytes = garbage(&mut seed, round % 300);
        let (annotations, problems) = parse_labels(&bytes, "x.txt", Some((1242, 375)));
        for annotation in annotations {
            let json = serde_json::to_string(&annotation).unwrap();
            assert!(
                !json.contains("null"),
                "a non-finite value got through: {json}"
            );
        }
        assert!(problems.iter().all(|p| p.file == "x.txt"));
        let _ = detect(&paths, &|_| Some(bytes.clone()));
    }
}
