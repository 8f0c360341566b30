//! Tests of the Rosetta tree: good 3D and 2D trees, then one test per way a tree goes wrong,
//! each asserting the code, the severity, the exact path and that the message says what was
//! expected; then `metadata.json` and detection.

use std::collections::HashMap;

use wharf_model::{Problem, ProblemCode, Severity};

use super::tree::compare_ids;
use super::*;
use crate::{ListingSummary, Verdict};

const TREE_3D: &str = include_str!("../../tests/fixtures/rosetta/tree_3d.txt");
const METADATA_3D: &str = include_str!("../../tests/fixtures/rosetta/metadata_3d.json");
const METADATA_2D: &str = include_str!("../../tests/fixtures/rosetta/metadata_2d.json");
const METADATA_BAD: &str = include_str!("../../tests/fixtures/rosetta/metadata_bad.json");

/// A small good 3D tree: one lidar, one camera, scene `s1` with timestamps 1 and 2.
const GOOD_3D: &[&str] = &[
    "metadata.json",
    "lidar-top/s1/1.pcd",
    "lidar-top/s1/2.pcd",
    "camera-front/s1/1.jpg",
    "camera-front/s1/2.jpg",
];

fn tree_of(paths: &[&str], data_type: u8) -> SensorTree {
    check_tree(paths.iter().copied(), data_type)
}

/// The good 3D tree with `extra` paths added.
fn with(extra: &[&str]) -> SensorTree {
    let paths: Vec<&str> = GOOD_3D.iter().chain(extra).copied().collect();
    tree_of(&paths, 3)
}

/// The single problem of a tree, failing with all of them otherwise.
fn only_problem(tree: &SensorTree) -> &Problem {
    assert_eq!(
        tree.problems.len(),
        1,
        "expected one problem, got {:#?}",
        tree.problems
    );
    &tree.problems[0]
}

/// Asserts a tree problem: code, severity, exact path, and a one-sentence message that says
/// what was expected and contains every one of `says`.
fn assert_problem(
    problem: &Problem,
    code: ProblemCode,
    severity: Severity,
    file: &str,
    says: &[&str],
) {
    assert_eq!(
        (problem.code, problem.severity, problem.file.as_str()),
        (code, severity, file),
        "{problem:#?}"
    );
    assert!(
        problem.message.contains("expected"),
        "the message must say what was expected: {}",
        problem.message
    );
    assert!(
        problem.message.ends_with('.'),
        "a message is a sentence: {}",
        problem.message
    );
    for text in says {
        assert!(
            problem.message.contains(text),
            "message lacks {text:?}: {}",
            problem.message
        );
    }
}

fn layout_error(tree: &SensorTree, file: &str, says: &[&str]) {
    assert_problem(
        only_problem(tree),
        ProblemCode::LayoutMismatch,
        Severity::Error,
        file,
        says,
    );
}

fn timestamps(scene: &Scene) -> Vec<&str> {
    scene.frames.iter().map(|f| f.timestamp.as_str()).collect()
}

// ---------------------------------------------------------------------------------------------
// Good trees

#[test]
fn a_3d_tree_of_two_lidars_and_two_cameras_matches_frames_across_sensors() {
    let tree = check_tree(TREE_3D.lines(), 3);
    assert_eq!(tree.problems, []);
    assert_eq!(tree.root, "");
    assert_eq!(tree.data_type, 3);
    assert_eq!(tree.lidars, ["front", "top"]);
    assert_eq!(tree.cameras, ["left", "right"]);
    // Numerically: scene 2 before 10, timestamp 900 before 1000.
    let ids: Vec<&str> = tree.scenes.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["2", "10"]);
    for scene in &tree.scenes {
        assert_eq!(timestamps(scene), ["900", "1000"]);
    }
    let frame = &tree.scenes[1].frames[0];
    assert_eq!(
        frame,
        &Frame {
            timestamp: "900".into(),
            lidar: vec![
                ("front".into(), "lidar-front/10/900.pcd".into()),
                ("top".into(), "lidar-top/10/900.pcd".into()),
            ],
            cameras: vec![
                ("left".into(), "camera-left/10/900.jpg".into()),
                ("right".into(), "camera-right/10/900.png".into()),
            ],
        }
    );
}

#[test]
fn the_order_of_the_listing_does_not_matter() {
    let forward = check_tree(TREE_3D.lines(), 3);
    let mut lines: Vec<&str> = TREE_3D.lines().collect();
    lines.reverse();
    assert_eq!(check_tree(lines, 3), forward);
}

#[test]
fn a_2d_tree_has_camera_folders_only() {
    let tree = tree_of(
        &[
            "camera-front/a/1700000000100.jpg",
            "camera-back/a/1700000000100.JPEG",
            "camera-front/a/1700000000200.jpg",
            "camera-back/a/1700000000200.png",
            "metadata.json",
        ],
        2,
    );
    assert_eq!(tree.problems, []);
    assert_eq!(
        (tree.lidars.len(), tree.cameras.as_slice()),
        (0, &["back".to_owned(), "front".to_owned()][..])
    );
    assert_eq!(
        timestamps(&tree.scenes[0]),
        ["1700000000100", "1700000000200"]
    );
    assert_eq!(tree.scenes[0].frames[0].cameras.len(), 2);
}

#[test]
fn a_single_top_folder_named_like_the_zip_is_the_root() {
    let paths: Vec<String> = GOOD_3D.iter().map(|p| format!("drive_0412/{p}")).collect();
    let tree = check_tree(paths.iter().map(String::as_str), 3);
    assert_eq!(tree.problems, []);
    assert_eq!(tree.root, "drive_0412");
    assert_eq!(tree.path_of("metadata.json"), "drive_0412/metadata.json");
    assert_eq!(
        tree.scenes[0].frames[0].lidar,
        [("top".to_owned(), "drive_0412/lidar-top/s1/1.pcd".to_owned())]
    );
}

#[test]
fn folder_markers_and_repeated_paths_are_ignored() {
    let tree = with(&["lidar-top/", "lidar-top/s1/", "lidar-top/s1/1.pcd", ""]);
    assert_eq!(tree.problems, []);
    assert_eq!(tree.scenes[0].frames.len(), 2);
}

#[test]
fn ids_sort_numerically_when_all_digits() {
    let mut ids = vec!["b", "10", "9", "a", "0010", "1"];
    ids.sort_by(|a, b| compare_ids(a, b));
    assert_eq!(ids, ["1", "9", "0010", "10", "a", "b"]);
}

// ---------------------------------------------------------------------------------------------
// One test per way the tree goes wrong

#[test]
fn a_top_folder_that_is_not_a_sensor_folder_is_named_with_a_fix() {
    let tree = with(&["Lidar_top/s1/1.pcd", "Lidar_top/s1/2.pcd"]);
    layout_error(
        &tree,
        "Lidar_top",
        &[
            "Folder 'Lidar_top' is not a sensor folder",
            "expected 'lidar-<name>' or 'camera-<name>' (lowercase prefix and a dash)",
            "rename it to 'lidar-top'",
        ],
    );
    assert_eq!(tree.problems[0].found.as_deref(), Some("Lidar_top"));
}

#[test]
fn a_plural_folder_and_a_nameless_prefix_are_not_sensor_folders() {
    let tree = with(&["cameras/s1/1.jpg"]);
    layout_error(
        &tree,
        "cameras",
        &["Folder 'cameras' is not a sensor folder"],
    );
    assert!(!tree.problems[0].message.contains("rename"));

    let tree = with(&["lidar-/s1/1.pcd"]);
    layout_error(
        &tree,
        "lidar-",
        &[
            "expected 'lidar-<name>'",
            "the sensor's name after 'lidar-' is missing",
        ],
    );
}

#[test]
fn a_folder_holding_the_sensor_folders_beside_other_files_says_to_move_them_up() {
    let paths: Vec<String> = GOOD_3D.iter().map(|p| format!("export/{p}")).collect();
    let mut paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    paths.push("metadata.json");
    let tree = tree_of(&paths, 3);
    assert_eq!(tree.root, "");
    // The metadata.json inside is a second one; the folder is the real fault.
    let folder = tree.problems.iter().find(|p| p.file == "export").unwrap();
    assert_problem(
        folder,
        ProblemCode::LayoutMismatch,
        Severity::Error,
        "export",
        &[
            "it holds sensor folders",
            "move them and metadata.json up to the root",
        ],
    );
}

#[test]
fn a_file_directly_in_a_sensor_folder_lacks_the_scene_level() {
    let tree = with(&["camera-front/0001.jpg"]);
    layout_error(
        &tree,
        "camera-front/0001.jpg",
        &[
            "'camera-front/0001.jpg' lies directly in the sensor folder",
            "expected camera-front/<scene_id>/0001.jpg",
        ],
    );
}

#[test]
fn a_file_nested_deeper_than_sensor_scene_file_is_named() {
    let tree = with(&["lidar-top/s1/sweeps/3.pcd"]);
    layout_error(
        &tree,
        "lidar-top/s1/sweeps/3.pcd",
        &["is nested too deep", "expected lidar-top/s1/3.pcd"],
    );
}

#[test]
fn a_lidar_folder_takes_only_pcd() {
    for (extension, hint) in [("bin", "Convert the point cloud to PCD"), ("ply", "PCD")] {
        let path = format!("lidar-top/s1/2.{extension}");
        // 2.pcd is there too: only the stray .bin or .ply is wrong.
        let tree = with(&[path.as_str()]);
        layout_error(
            &tree,
            &path,
            &[
                &format!("has '.{extension}'"),
                "lidar-<name> folder holds only .pcd point clouds",
                "expected lidar-top/s1/2.pcd",
                hint,
            ],
        );
    }
}

#[test]
fn a_camera_folder_takes_only_jpeg_and_png() {
    let tree = with(&["camera-front/s1/2.bmp"]);
    layout_error(
        &tree,
        "camera-front/s1/2.bmp",
        &[
            "has '.bmp'",
            "expected camera-front/s1/2.jpg",
            "Convert the image to JPEG or PNG",
        ],
    );
    let tree = with(&["camera-front/s1/2.pcd"]);
    layout_error(
        &tree,
        "camera-front/s1/2.pcd",
        &[
            "expected camera-front/s1/2.jpg",
            "Point clouds belong in a lidar-<name> folder",
        ],
    );
    let tree = with(&["camera-front/s1/notes"]);
    layout_error(
        &tree,
        "camera-front/s1/notes",
        &["has no extension", "expected camera-front/s1/notes.jpg"],
    );
}

#[test]
fn two_files_of_one_timestamp_in_one_sensor_are_one_too_many() {
    let tree = with(&["camera-front/s1/1.png"]);
    layout_error(
        &tree,
        "camera-front/s1/1.png",
        &[
            "same timestamp '1' as 'camera-front/s1/1.jpg'",
            "expected one file per timestamp",
        ],
    );
}

#[test]
fn a_lidar_folder_in_2d_data_is_refused() {
    let tree = tree_of(
        &[
            "metadata.json",
            "camera-front/s1/1.jpg",
            "lidar-top/s1/1.pcd",
            "lidar-top/s1/2.pcd",
        ],
        2,
    );
    layout_error(
        &tree,
        "lidar-top",
        &[
            "dataType 2 (2D) takes camera folders only",
            "expected only camera-<name> folders",
        ],
    );
    assert!(tree.lidars.is_empty());
    assert!(tree.scenes[0].frames[0].lidar.is_empty());
}

#[test]
fn a_missing_metadata_json_is_named_where_it_belongs() {
    let tree = tree_of(&GOOD_3D[1..], 3);
    layout_error(
        &tree,
        "metadata.json",
        &["metadata.json is missing", "expected it at the root"],
    );

    let paths: Vec<String> = GOOD_3D[1..].iter().map(|p| format!("z/{p}")).collect();
    let tree = check_tree(paths.iter().map(String::as_str), 3);
    assert_eq!(tree.root, "z");
    layout_error(&tree, "z/metadata.json", &["z/metadata.json is missing"]);
}

#[test]
fn a_metadata_json_away_from_the_root_is_named_where_it_was_found() {
    let tree = tree_of(
        &[
            "docs/metadata.json",
            "lidar-top/s1/1.pcd",
            "camera-front/s1/1.jpg",
        ],
        3,
    );
    layout_error(
        &tree,
        "docs/metadata.json",
        &[
            "is not at the root",
            "expected metadata.json, next to the sensor folders",
        ],
    );

    let tree = with(&["camera-front/s1/metadata.json"]);
    layout_error(
        &tree,
        "camera-front/s1/metadata.json",
        &["second metadata.json", "expected only metadata.json"],
    );

    let tree = tree_of(&["Metadata.JSON", "lidar-top/s1/1.pcd"], 3);
    layout_error(
        &tree,
        "Metadata.JSON",
        &["must be named exactly 'metadata.json'"],
    );
}

#[test]
fn a_stray_file_at_the_root_is_a_warning() {
    let tree = with(&["README.md"]);
    assert_problem(
        only_problem(&tree),
        ProblemCode::LayoutMismatch,
        Severity::Warning,
        "README.md",
        &[
            "stray file at the root",
            "expected only lidar-<name>/ and camera-<name>/ folders",
        ],
    );
}

#[test]
fn a_scene_missing_from_one_sensor_names_sensor_and_scene() {
    let tree = with(&["lidar-top/s2/1.pcd"]);
    layout_error(
        &tree,
        "camera-front/s2",
        &[
            "Scene 's2' is in lidar-top but missing from camera-front",
            "expected folder camera-front/s2",
        ],
    );
    // The scene and its one-sided frame are still there.
    assert_eq!(tree.scenes[1].id, "s2");
    assert_eq!(tree.scenes[1].frames[0].cameras, []);
}

#[test]
fn a_frame_missing_from_one_sensor_names_scene_timestamp_and_sensor() {
    let tree = with(&["lidar-top/s1/3.pcd", "lidar-rear/s1/3.pcd"]);
    let problems: Vec<&Problem> = tree
        .problems
        .iter()
        .filter(|p| p.message.contains("Frame"))
        .collect();
    // lidar-rear lacks frames 1 and 2; frame 3 lacks camera-front.
    assert_eq!(problems.len(), 3, "{:#?}", tree.problems);
    let third = problems
        .iter()
        .find(|p| p.message.contains("Frame '3'"))
        .unwrap();
    assert_problem(
        third,
        ProblemCode::LayoutMismatch,
        Severity::Error,
        "lidar-rear/s1/3.pcd",
        &[
            "Frame '3' of scene 's1' is in lidar-rear and lidar-top but missing from camera-front",
            "expected camera-front/s1/3.jpg",
        ],
    );
    let first = problems
        .iter()
        .find(|p| p.message.contains("Frame '1'"))
        .unwrap();
    assert_problem(
        first,
        ProblemCode::LayoutMismatch,
        Severity::Error,
        "lidar-top/s1/1.pcd",
        &["missing from lidar-rear", "expected lidar-rear/s1/1.pcd"],
    );
}

#[test]
fn many_incomplete_frames_are_one_problem_per_scene() {
    let lidar: Vec<String> = (1..=25).map(|t| format!("lidar-top/s1/{t}.pcd")).collect();
    let mut paths: Vec<&str> = lidar.iter().map(String::as_str).collect();
    paths.extend(["metadata.json", "camera-front/s1/1.jpg"]);
    let tree = tree_of(&paths, 3);
    layout_error(
        &tree,
        "camera-front/s1",
        &[
            "Scene 's1' has 24 frames missing from some sensor folders",
            "2 (not in camera-front), 3 (not in camera-front)",
            "11 (not in camera-front) and 14 more",
            "expected every sensor folder of the scene to hold the same timestamps",
        ],
    );
    assert!(!tree.problems[0].message.contains("12 (not"));
}

#[test]
fn a_source_without_sensor_folders_says_what_the_root_must_hold() {
    let tree = tree_of(&["metadata.json"], 3);
    layout_error(
        &tree,
        "",
        &[
            "The source holds no sensor folders",
            "expected lidar-<name>/<scene_id>/<timestamp>.pcd and camera-<name>/<scene_id>/<timestamp>.jpg folders",
        ],
    );
    let tree = tree_of(&["metadata.json"], 2);
    layout_error(
        &tree,
        "",
        &["expected camera-<name>/<scene_id>/<timestamp>.jpg folders"],
    );
}

#[test]
fn each_data_type_needs_its_own_sensor() {
    let tree = tree_of(&["metadata.json", "camera-front/s1/1.jpg"], 3);
    layout_error(&tree, "", &["no lidar folder, which dataType 3 (3D) needs"]);
    let tree = tree_of(&["metadata.json", "lidar-top/s1/1.pcd"], 2);
    let needs = tree.problems.iter().find(|p| p.file.is_empty()).unwrap();
    assert_problem(
        needs,
        ProblemCode::LayoutMismatch,
        Severity::Error,
        "",
        &["no camera folder, which dataType 2 (2D) needs"],
    );
}

#[test]
fn non_numeric_timestamps_are_one_warning_per_scene() {
    let tree = tree_of(
        &[
            "metadata.json",
            "lidar-top/s1/frame_b.pcd",
            "lidar-top/s1/frame_a.pcd",
            "lidar-top/s1/7.pcd",
        ],
        3,
    );
    assert_problem(
        only_problem(&tree),
        ProblemCode::LayoutMismatch,
        Severity::Warning,
        "lidar-top/s1/frame_a.pcd",
        &[
            "Timestamp 'frame_a' of scene 's1' (and 1 more in the scene) is not all digits",
            "expected integer milliseconds",
        ],
    );
    assert_eq!(timestamps(&tree.scenes[0]), ["7", "frame_a", "frame_b"]);
}

#[test]
fn a_data_type_other_than_2_or_3_is_an_invalid_value() {
    let tree = tree_of(GOOD_3D, 7);
    assert_problem(
        only_problem(&tree),
        ProblemCode::InvalidValue,
        Severity::Error,
        "",
        &["dataType 7", "expected 2"],
    );
}

#[test]
fn problems_are_sorted_by_path_and_bounded() {
    let tree = with(&["zz.txt", "camera-front/0001.jpg", "Lidar_top/a/1.pcd"]);
    let files: Vec<&str> = tree.problems.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(files, ["Lidar_top", "camera-front/0001.jpg", "zz.txt"]);

    let loose: Vec<String> = (0..MAX_TREE_PROBLEMS + 5)
        .map(|i| format!("camera-front/{i}.jpg"))
        .collect();
    let paths: Vec<&str> = GOOD_3D
        .iter()
        .copied()
        .chain(loose.iter().map(String::as_str))
        .collect();
    let tree = tree_of(&paths, 3);
    assert_eq!(tree.problems.len(), MAX_TREE_PROBLEMS + 1);
    let last = tree.problems.last().unwrap();
    assert!(
        last.message.starts_with("5 more problems"),
        "{}",
        last.message
    );
}

// ---------------------------------------------------------------------------------------------
// metadata.json

fn metadata_problem<'p>(problems: &'p [Problem], json_path: &str) -> &'p Problem {
    problems
        .iter()
        .find(|p| p.json_path.as_deref() == Some(json_path))
        .unwrap_or_else(|| panic!("no problem at {json_path}: {problems:#?}"))
}

fn assert_at(problems: &[Problem], json_path: &str, code: ProblemCode, severity: Severity) {
    let problem = metadata_problem(problems, json_path);
    assert_eq!(
        (problem.code, problem.severity),
        (code, severity),
        "{problem:#?}"
    );
    assert_eq!(problem.file, "metadata.json");
    assert!(problem.message.contains("expected"), "{}", problem.message);
}

#[test]
fn good_3d_metadata_reads_every_key() {
    let (metadata, problems) = parse_metadata(METADATA_3D.as_bytes(), "metadata.json");
    assert_eq!(problems, []);
    assert_eq!(metadata.version.as_deref(), Some("1.0"));
    assert_eq!(
        (metadata.file_tree_type, metadata.data_type),
        (Some(0), Some(3))
    );
    assert_eq!(
        metadata.lidar_sequence.as_deref(),
        Some(&["top".to_owned(), "front".to_owned()][..])
    );
    let right = metadata.coefficients_of("right").unwrap();
    assert_eq!((right.width, right.height), (Some(1280), Some(960)));
    let camera = right.camera.as_ref().unwrap();
    assert_eq!(camera.kind, Some(CameraType::Fisheye));
    assert_eq!(
        camera.intrinsic,
        Some(Intrinsic {
            fx: 420.0,
            fy: 420.0,
            cx: 640.0,
            cy: 480.0
        })
    );
    assert_eq!(camera.radial.map(|r| r.k4), Some(-0.0003));
    assert_eq!(camera.tangential, Some(Tangential { p1: 0.0, p2: 0.0 }));
    assert_eq!(camera.skew, Some(0.5));
    let left = metadata
        .coefficients_of("left")
        .unwrap()
        .camera
        .as_ref()
        .unwrap();
    assert_eq!(left.kind, Some(CameraType::PinHole));
    assert_eq!(
        left.heading,
        Some(Quaternion {
            w: 0.5,
            x: -0.5,
            y: 0.5,
            z: -0.5
        })
    );
    assert_eq!(
        left.position,
        Some(Position {
            x: 1.2,
            y: 0.3,
            z: 1.6
        })
    );

    let tree = check_tree(TREE_3D.lines(), 3);
    assert_eq!(check_metadata(&metadata, &tree, "metadata.json"), []);
}

#[test]
fn good_2d_metadata_needs_no_calibration() {
    let (metadata, problems) = parse_metadata(METADATA_2D.as_bytes(), "metadata.json");
    assert_eq!(problems, []);
    assert_eq!(metadata.camera_coefficients, None);
    let tree = tree_of(
        &[
            "metadata.json",
            "camera-front/a/1.jpg",
            "camera-back/a/1.jpg",
        ],
        2,
    );
    assert_eq!(check_metadata(&metadata, &tree, "metadata.json"), []);
}

#[test]
fn bad_metadata_reports_each_value_at_its_json_path() {
    use ProblemCode::*;
    use Severity::*;
    let (metadata, problems) = parse_metadata(METADATA_BAD.as_bytes(), "metadata.json");
    let expected = [
        ("$.version", WrongType, Warning),
        ("$.fileTreeType", LayoutMismatch, Error),
        ("$.dataType", WrongType, Warning),
        ("$.lidarSequence[1]", WrongType, Error),
        ("$.lidarSequence[2]", DuplicateId, Error),
        ("$.cameraSequence", WrongType, Error),
        ("$.cameraCoefficients[0].width", InvalidValue, Error),
        ("$.cameraCoefficients[0].height", WrongType, Error),
        ("$.cameraCoefficients[0].camera.type", InvalidValue, Error),
        (
            "$.cameraCoefficients[0].camera.heading",
            InvalidValue,
            Warning,
        ),
        (
            "$.cameraCoefficients[0].camera.position.z",
            MissingField,
            Warning,
        ),
        (
            "$.cameraCoefficients[1].camera.intrinsic.fx",
            WrongType,
            Error,
        ),
        ("$.cameraCoefficients[1].name", DuplicateId, Error),
        ("$.cameraCoefficients[2]", WrongType, Error),
    ];
    for (path, code, severity) in expected {
        assert_at(&problems, path, code, severity);
    }
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    let fx = metadata_problem(&problems, "$.cameraCoefficients[1].camera.intrinsic.fx");
    assert_eq!(
        (fx.field.as_deref(), fx.found.as_deref()),
        (Some("fx"), Some("\"420\""))
    );
    let kind = metadata_problem(&problems, "$.cameraCoefficients[0].camera.type");
    assert!(
        kind.message.contains("write it 'PinHole'"),
        "{}",
        kind.message
    );
    // What could be read is kept.
    assert_eq!(metadata.version.as_deref(), Some("1.0"));
    assert_eq!(
        (metadata.file_tree_type, metadata.data_type),
        (Some(1), Some(3))
    );
    assert_eq!(metadata.lidar_sequence, Some(vec!["top".to_owned()]));
    assert_eq!(metadata.camera_sequence, None);
    let coefficients = metadata.camera_coefficients.as_deref().unwrap();
    assert_eq!(coefficients.len(), 2);
    let first = coefficients[0].camera.as_ref().unwrap();
    assert_eq!((first.kind, first.position), (None, None));
    assert!(first.intrinsic.is_some());
}

#[test]
fn metadata_values_out_of_range_are_invalid() {
    let (metadata, problems) = parse_metadata(
        br#"{"version":"1.0","fileTreeType":0,"dataType":4}"#,
        "metadata.json",
    );
    assert_at(
        &problems,
        "$.dataType",
        ProblemCode::InvalidValue,
        Severity::Error,
    );
    assert_eq!(metadata.data_type, Some(4));
    let (_, problems) = parse_metadata(br#"{"fileTreeType":-1}"#, "metadata.json");
    assert_at(
        &problems,
        "$.fileTreeType",
        ProblemCode::InvalidValue,
        Severity::Error,
    );
    assert_at(
        &problems,
        "$.version",
        ProblemCode::MissingField,
        Severity::Warning,
    );
    assert_at(
        &problems,
        "$.dataType",
        ProblemCode::MissingField,
        Severity::Warning,
    );
}

#[test]
fn a_camera_of_the_sequence_without_coefficients_is_a_warning() {
    let json =
        br#"{"version":"1.0","fileTreeType":0,"dataType":3,"cameraSequence":["left","right"],
        "cameraCoefficients":[{"name":"left","width":10,"height":10,"camera":{"type":"PinHole",
        "heading":{"w":1,"x":0,"y":0,"z":0},"position":{"x":0,"y":0,"z":0},
        "intrinsic":{"fx":1,"fy":1,"cx":5,"cy":5},"skew":0,"radial":{"k1":0,"k2":0,"k3":0,"k4":0},
        "tangential":{"p1":0,"p2":0}}},{"name":"spare"}]}"#;
    let (_, problems) = parse_metadata(json, "metadata.json");
    let missing = problems
        .iter()
        .find(|p| {
            p.code == ProblemCode::MissingField && p.field.as_deref() == Some("cameraCoefficients")
        })
        .unwrap();
    assert_eq!(missing.severity, Severity::Warning);
    assert!(
        missing.message.contains("camera 'right'"),
        "{}",
        missing.message
    );
    assert_at(
        &problems,
        "$.cameraCoefficients[1].name",
        ProblemCode::UnknownReference,
        Severity::Warning,
    );
    // The spare entry has no width, height or camera.
    assert_at(
        &problems,
        "$.cameraCoefficients[1].camera",
        ProblemCode::MissingField,
        Severity::Warning,
    );
    assert_eq!(problems.len(), 5, "{problems:#?}");
}

#[test]
fn metadata_that_is_not_json_is_one_problem_with_its_line() {
    let (_, problems) = parse_metadata(b"{\n  \"version\": \"1.0\",\n  oops\n}", "m.json");
    assert_eq!(problems.len(), 1);
    assert_eq!(
        (problems[0].code, problems[0].line),
        (ProblemCode::Syntax, Some(3))
    );
    let (_, problems) = parse_metadata(b"{\"version\": \"1.0\",", "m.json");
    assert_eq!(problems[0].code, ProblemCode::Truncated);
    let (_, problems) = parse_metadata(b"[1]", "m.json");
    assert_eq!(
        (problems[0].code, problems[0].json_path.as_deref()),
        (ProblemCode::WrongType, Some("$"))
    );
    let (_, problems) = parse_metadata(b"{\"version\": \"\xff\"}", "m.json");
    assert_eq!(problems[0].code, ProblemCode::NotUtf8);
    let (metadata, problems) = parse_metadata(
        b"\xef\xbb\xbf{\"version\":\"1.0\",\"fileTreeType\":0,\"dataType\":2}",
        "m.json",
    );
    assert_eq!((problems.len(), metadata.data_type), (0, Some(2)));
}

#[test]
fn a_sequence_naming_a_sensor_without_a_folder_is_a_layout_mismatch() {
    let (metadata, _) = parse_metadata(METADATA_3D.as_bytes(), "metadata.json");
    // The tree lacks lidar-front and camera-right, and has an unlisted lidar-rear.
    let tree = tree_of(
        &[
            "metadata.json",
            "lidar-top/s1/1.pcd",
            "lidar-rear/s1/1.pcd",
            "camera-left/s1/1.jpg",
        ],
        3,
    );
    let problems = check_metadata(&metadata, &tree, "metadata.json");
    let front = problems
        .iter()
        .find(|p| p.found.as_deref() == Some("front"))
        .unwrap();
    assert_problem(
        front,
        ProblemCode::LayoutMismatch,
        Severity::Error,
        "metadata.json",
        &["$.lidarSequence names 'front' but there is no folder 'lidar-front'"],
    );
    assert_eq!(front.json_path.as_deref(), Some("$.lidarSequence"));
    let right = problems
        .iter()
        .find(|p| p.found.as_deref() == Some("right"))
        .unwrap();
    assert_eq!(right.json_path.as_deref(), Some("$.cameraSequence"));
    let rear = problems.iter().find(|p| p.file == "lidar-rear").unwrap();
    assert_problem(
        rear,
        ProblemCode::LayoutMismatch,
        Severity::Error,
        "lidar-rear",
        &[
            "Folder 'lidar-rear' is not in lidarSequence",
            "expected 'rear' in lidarSequence",
        ],
    );
    assert_eq!(problems.len(), 3, "{problems:#?}");
}

#[test]
fn metadata_disagreeing_with_the_import_is_reported() {
    let (metadata, _) = parse_metadata(METADATA_3D.as_bytes(), "data/metadata.json");
    let tree = tree_of(
        &[
            "metadata.json",
            "camera-left/s/1.jpg",
            "camera-right/s/1.jpg",
        ],
        2,
    );
    let problems = check_metadata(&metadata, &tree, "metadata.json");
    let data_type = metadata_problem(&problems, "$.dataType");
    assert_eq!(
        (data_type.code, data_type.severity),
        (ProblemCode::InvalidValue, Severity::Error)
    );
    assert!(data_type.message.contains("the import asks for dataType 2"));
    let lidars = metadata_problem(&problems, "$.lidarSequence");
    assert_eq!(lidars.code, ProblemCode::LayoutMismatch);
    assert!(lidars.message.contains("dataType 2 (2D) has none"));
    assert_eq!(problems.len(), 2, "{problems:#?}");
}

#[test]
fn a_sequence_with_folder_prefixes_is_told_the_bare_names() {
    let (metadata, _) = parse_metadata(
        br#"{"version":"1.0","fileTreeType":0,"dataType":2,"cameraSequence":["camera-front"]}"#,
        "metadata.json",
    );
    let tree = tree_of(&["metadata.json", "camera-front/s/1.jpg"], 2);
    let problems = check_metadata(&metadata, &tree, "metadata.json");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0]
            .message
            .contains("expected the bare name 'front'")
    );

    let (metadata, _) = parse_metadata(
        br#"{"version":"1.0","fileTreeType":0,"dataType":2}"#,
        "m.json",
    );
    let problems = check_metadata(&metadata, &tree, "m.json");
    assert_eq!(
        (
            problems[0].code,
            problems[0].severity,
            problems[0].field.as_deref()
        ),
        (
            ProblemCode::MissingField,
            Severity::Warning,
            Some("cameraSequence")
        )
    );
    assert!(problems[0].message.contains("expected [\"front\"]"));
}

// ---------------------------------------------------------------------------------------------
// Detection

fn judge(files: &[(&str, Option<&str>)]) -> Verdict {
    let mut summary = ListingSummary::default();
    let mut contents = HashMap::new();
    for (path, content) in files {
        summary.add(path);
        if let Some(content) = content {
            contents.insert((*path).to_owned(), content.as_bytes().to_vec());
        }
    }
    detect(&summary, &|path| contents.get(path).cloned())
}

fn matched(verdict: Verdict) -> (f32, Vec<String>) {
    match verdict {
        Verdict::Match {
            confidence,
            reasons,
        } => (confidence, reasons),
        Verdict::Reject { reason } => panic!("rejected: {reason}"),
    }
}

fn rejected(verdict: Verdict) -> String {
    match verdict {
        Verdict::Reject { reason } => reason,
        other => panic!("matched: {other:?}"),
    }
}

#[test]
fn sensor_folders_and_metadata_json_match() {
    let (confidence, reasons) = matched(judge(&[
        ("lidar-top/s1/1.pcd", None),
        ("camera-front/s1/1.jpg", None),
        ("metadata.json", Some(METADATA_3D)),
    ]));
    assert_eq!(confidence, 0.9);
    assert_eq!(
        reasons,
        [
            "sensor folders camera-front, lidar-top (1 lidar, 1 camera)",
            "metadata.json at the root",
            "metadata.json says fileTreeType 0, dataType 3",
        ]
    );
}

#[test]
fn a_zip_named_top_folder_matches_and_says_it_is_the_root() {
    let (confidence, reasons) = matched(judge(&[
        ("trip/lidar-top/s1/1.pcd", None),
        ("trip/camera-front/s1/1.jpg", None),
        ("trip/metadata.json", None),
    ]));
    assert_eq!(confidence, 0.9);
    assert!(reasons[0].contains("'trip/' is the root"), "{reasons:?}");
    assert!(
        reasons.contains(&"metadata.json at the root".to_owned()),
        "{reasons:?}"
    );
}

#[test]
fn sensor_folders_without_metadata_json_are_a_weak_match() {
    let (confidence, reasons) = matched(judge(&[
        ("camera-front/s1/1.jpg", None),
        ("results/s1.json", None),
    ]));
    assert_eq!(confidence, 0.6);
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("(results) are not sensor folders")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("metadata.json is missing")),
        "{reasons:?}"
    );
}

#[test]
fn sources_without_sensor_folders_are_rejected_with_the_reason() {
    let reason = rejected(judge(&[
        ("images/train/a.jpg", None),
        ("labels/train/a.txt", None),
        ("metadata.json", None),
    ]));
    assert_eq!(
        reason,
        "no lidar-<name> or camera-<name> folders at the top of the source; its top folders are images, labels"
    );
    let reason = rejected(judge(&[("trip/Lidar_top/s1/1.pcd", None)]));
    assert!(
        reason.starts_with("no lidar-<name> or camera-<name> folders at the top of the source")
    );
    assert_eq!(rejected(judge(&[])), "the source holds no files");
}

#[test]
fn odd_paths_never_panic() {
    let odd = [
        "/",
        "//",
        "a//b",
        "/lidar-top/s1/1.pcd",
        "lidar-top//1.pcd",
        "lidar-top/s1/.pcd",
        "Lidär_x/s/1.pcd",
        "lidar-é/ß/ü.pcd",
        "ｌidar-x/s/1.pcd",
        "camera-a/s/1.",
        ".",
        "..",
        "lidar",
        "camera_",
        "metadata.json/x",
        "x/metadata.json/y",
    ];
    for data_type in [0, 2, 3, 255] {
        let tree = check_tree(odd.iter().copied(), data_type);
        assert!(!tree.problems.is_empty());
        for problem in &tree.problems {
            assert!(problem.message.ends_with('.'), "{}", problem.message);
        }
    }
    for bytes in [
        &b""[..],
        b"{",
        b"null",
        b"{\"cameraCoefficients\":[{\"camera\":[]}]}",
    ] {
        let (_, problems) = parse_metadata(bytes, "m.json");
        assert!(!problems.is_empty());
    }
}
