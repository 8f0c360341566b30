use wharf_model::{ProblemCode, Severity};

use super::{assert_sentences, summary};
use crate::xtreme1::*;

const FUSION_TREE: &str = include_str!("../../../tests/fixtures/xtreme1/fusion_tree.txt");
const IMAGE_TREE: &str = include_str!("../../../tests/fixtures/xtreme1/image_tree.txt");

fn check(paths: &[&str]) -> Xtreme1Tree {
    let tree = check_tree(paths.iter().copied());
    assert_sentences(&tree.problems);
    tree
}

fn scene<'t>(tree: &'t Xtreme1Tree, name: Option<&str>) -> &'t Xtreme1Scene {
    tree.scenes
        .iter()
        .find(|s| s.name.as_deref() == name)
        .unwrap_or_else(|| panic!("no scene {name:?} in {:#?}", tree.scenes))
}

fn frame_names(scene: &Xtreme1Scene) -> Vec<&str> {
    scene.frames.iter().map(|f| f.name.as_str()).collect()
}

// ---------------------------------------------------------------------------------------------
// Good trees

#[test]
fn a_fusion_tree_with_scenes_gathers_every_frame() {
    let tree = check_tree(FUSION_TREE.lines());
    assert_eq!(tree.problems, [], "{:#?}", tree.problems);
    assert_eq!(tree.kind, TreeKind::LidarFusion);
    let names: Vec<Option<&str>> = tree.scenes.iter().map(|s| s.name.as_deref()).collect();
    assert_eq!(names, [None, Some("Scene_2"), Some("scene_1")]);

    let root = scene(&tree, None);
    assert_eq!(
        root.frames,
        [Xtreme1Frame {
            name: "single".into(),
            point_clouds: vec![
                "lidar_point_cloud_0/single.pcd".into(),
                "lidar_point_cloud_1/single.pcd".into()
            ],
            images: vec!["camera_image_0/single.jpg".into()],
            camera_config: Some("camera_config/single.json".into()),
            result: Some("result/single.json".into()),
        }]
    );

    let scene_1 = scene(&tree, Some("scene_1"));
    assert_eq!(frame_names(scene_1), ["000001", "000002"]);
    let first = &scene_1.frames[0];
    assert_eq!(
        first.images,
        [
            "scene_1/camera_image_0/000001.jpg",
            "scene_1/camera_image_1/000001.jpg"
        ]
    );
    assert_eq!(first.result.as_deref(), Some("scene_1/result/000001.json"));
    assert_eq!(scene_1.frames[1].result, None);

    // `RESULT/` is the result folder: Xtreme1 finds it whatever its case.
    let scene_2 = scene(&tree, Some("Scene_2"));
    assert_eq!(
        scene_2.frames[0].result.as_deref(),
        Some("Scene_2/RESULT/000001.json")
    );
    assert_eq!(
        scene_2.frames[0].images,
        ["Scene_2/camera_image_0/000001.png"]
    );
}

#[test]
fn a_lidar_only_tree_is_a_fusion_tree_of_point_clouds() {
    let tree = check(&["lidar_point_cloud_0/a.pcd", "lidar_point_cloud_0/b.pcd"]);
    assert_eq!(tree.problems, []);
    assert_eq!(tree.kind, TreeKind::LidarFusion);
    assert_eq!(frame_names(&tree.scenes[0]), ["a", "b"]);
    assert!(tree.scenes[0].frames[0].images.is_empty());
}

#[test]
fn an_image_tree_makes_frames_from_images() {
    let tree = check_tree(IMAGE_TREE.lines());
    assert_eq!(tree.problems, [], "{:#?}", tree.problems);
    assert_eq!(tree.kind, TreeKind::Image);
    let root = scene(&tree, None);
    assert_eq!(frame_names(root), ["street_0001", "street_0002"]);
    assert_eq!(
        root.frames[0].images,
        ["image_0/street_0001.jpg", "image_1/street_0001.jpg"]
    );
    assert!(root.frames[0].point_clouds.is_empty());
    assert_eq!(
        root.frames[1].result.as_deref(),
        Some("result/street_0002.json")
    );
    let night = scene(&tree, Some("scene_night"));
    assert_eq!(frame_names(night), ["n_01", "n_02"]);
    assert_eq!(night.frames[0].result, None);
}

// ---------------------------------------------------------------------------------------------
// Folder names

#[test]
fn obsolete_folder_names_are_errors_that_give_the_current_name() {
    let tree = check(&[
        "lidar_point_cloud_0/a.pcd",
        "point_cloud/a.pcd",
        "image0/a.jpg",
        "image1/a.jpg",
    ]);
    assert_eq!(
        summary(&tree.problems),
        [
            (ProblemCode::LayoutMismatch, Severity::Error, "image0"),
            (ProblemCode::LayoutMismatch, Severity::Error, "image1"),
            (ProblemCode::LayoutMismatch, Severity::Error, "point_cloud"),
        ]
    );
    let expected: Vec<_> = tree
        .problems
        .iter()
        .map(|p| p.expected.as_deref().unwrap())
        .collect();
    assert_eq!(
        expected,
        ["camera_image_0", "camera_image_1", "lidar_point_cloud_0"]
    );
    assert!(tree.problems[2].message.contains("older Xtreme1 docs"));
    // The obsolete folders' files are no part of the frame.
    assert!(tree.scenes[0].frames[0].images.is_empty());

    // In an image tree, `image0/` is `image_0/`.
    let tree = check(&["image_0/a.jpg", "image0/b.jpg"]);
    assert_eq!(tree.problems[0].expected.as_deref(), Some("image_0"));
}

#[test]
fn an_old_tree_alone_has_no_frames_and_says_so() {
    let tree = check(&["point_cloud/a.pcd", "image0/a.jpg"]);
    assert_eq!(
        summary(&tree.problems),
        [
            (ProblemCode::LayoutMismatch, Severity::Error, ""),
            (ProblemCode::LayoutMismatch, Severity::Error, "image0"),
            (ProblemCode::LayoutMismatch, Severity::Error, "point_cloud"),
        ]
    );
    assert!(tree.scenes.is_empty());
}

#[test]
fn a_two_digit_index_and_other_near_misses_are_refused() {
    let tree = check(&[
        "lidar_point_cloud_0/a.pcd",
        "lidar_point_cloud_10/a.pcd",
        "camera_image/a.jpg",
        "Camera_Image_1/a.jpg",
        "results/a.json",
    ]);
    let found: Vec<_> = tree
        .problems
        .iter()
        .map(|p| (p.file.as_str(), p.expected.as_deref().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            ("Camera_Image_1", "camera_image_1"),
            ("camera_image", "camera_image_0"),
            (
                "lidar_point_cloud_10",
                "lidar_point_cloud_0 … lidar_point_cloud_9"
            ),
            ("results", "result"),
        ]
    );
    assert!(tree.problems.iter().all(|p| p.severity == Severity::Error));
    assert!(tree.problems[2].message.contains("single digit"));
}

#[test]
fn an_image_folder_in_a_lidar_tree_is_refused() {
    let tree = check(&["lidar_point_cloud_0/a.pcd", "image_0/a.jpg"]);
    assert_eq!(
        summary(&tree.problems),
        [(ProblemCode::LayoutMismatch, Severity::Error, "image_0")]
    );
    assert_eq!(tree.problems[0].expected.as_deref(), Some("camera_image_0"));
}

#[test]
fn lidar_folders_in_an_image_tree_are_ignored_with_a_warning() {
    let tree = check(&["image_0/a.jpg", "camera_config/a.json"]);
    assert_eq!(
        summary(&tree.problems),
        [(
            ProblemCode::LayoutMismatch,
            Severity::Warning,
            "camera_config"
        )]
    );
    assert_eq!(tree.scenes[0].frames[0].camera_config, None);
}

#[test]
fn camera_folders_with_a_gap_are_warned_of() {
    let tree = check(&[
        "lidar_point_cloud_0/a.pcd",
        "camera_image_0/a.jpg",
        "camera_image_2/a.jpg",
        "scene_1/lidar_point_cloud_1/b.pcd",
    ]);
    assert_eq!(
        summary(&tree.problems),
        [
            (
                ProblemCode::LayoutMismatch,
                Severity::Warning,
                "camera_image_2"
            ),
            (
                ProblemCode::LayoutMismatch,
                Severity::Warning,
                "scene_1/lidar_point_cloud_1"
            ),
        ]
    );
    assert_eq!(tree.problems[0].expected.as_deref(), Some("camera_image_1"));
    assert!(tree.problems[0].message.contains("by position"));
    assert_eq!(
        tree.problems[1].expected.as_deref(),
        Some("lidar_point_cloud_0")
    );
    // The files are still read.
    assert_eq!(tree.scenes[0].frames[0].images.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Scenes

#[test]
fn a_misspelt_scene_folder_is_read_as_single_frames_with_a_warning() {
    let tree = check(&[
        "Sence_01/lidar_point_cloud_0/a.pcd",
        "scene-0061/lidar_point_cloud_0/b.pcd",
    ]);
    assert_eq!(
        summary(&tree.problems),
        [
            (ProblemCode::LayoutMismatch, Severity::Warning, "Sence_01"),
            (ProblemCode::LayoutMismatch, Severity::Warning, "scene-0061"),
        ]
    );
    assert!(
        tree.problems[0].message.contains("misspelt scene folder"),
        "{}",
        tree.problems[0].message
    );
    assert!(tree.problems[0].message.contains("`scene_Sence_01`"));
    assert_eq!(tree.scenes.len(), 1);
    assert_eq!(tree.scenes[0].name, None);
    assert_eq!(frame_names(&tree.scenes[0]), ["a", "b"]);
}

#[test]
fn a_wrapping_folder_is_read_with_a_warning_and_its_scenes_stay_scenes() {
    let tree = check(&[
        "upload_2024/lidar_point_cloud_0/a.pcd",
        "upload_2024/scene_3/lidar_point_cloud_0/b.pcd",
    ]);
    assert_eq!(
        summary(&tree.problems),
        [(
            ProblemCode::LayoutMismatch,
            Severity::Warning,
            "upload_2024"
        )]
    );
    assert!(tree.problems[0].message.contains("If it is a sequence"));
    assert_eq!(frame_names(scene(&tree, None)), ["a"]);
    assert_eq!(frame_names(scene(&tree, Some("scene_3"))), ["b"]);
}

#[test]
fn duplicate_scene_names_keep_the_first() {
    let tree = check(&[
        "day/scene_1/lidar_point_cloud_0/a.pcd",
        "night/scene_1/lidar_point_cloud_0/b.pcd",
    ]);
    assert_eq!(
        summary(&tree.problems),
        [(
            ProblemCode::LayoutMismatch,
            Severity::Error,
            "night/scene_1"
        )]
    );
    assert_eq!(frame_names(scene(&tree, Some("scene_1"))), ["a"]);
}

#[test]
fn frames_of_one_name_outside_scenes_keep_the_first() {
    let tree = check(&[
        "lidar_point_cloud_0/a.pcd",
        "batch_2/lidar_point_cloud_0/a.pcd",
    ]);
    assert_eq!(
        summary(&tree.problems),
        [
            (ProblemCode::LayoutMismatch, Severity::Warning, "batch_2"),
            (
                ProblemCode::LayoutMismatch,
                Severity::Error,
                "batch_2/lidar_point_cloud_0/a.pcd"
            ),
        ]
    );
    assert_eq!(
        scene(&tree, None).frames[0].point_clouds,
        ["lidar_point_cloud_0/a.pcd"]
    );
}

// ---------------------------------------------------------------------------------------------
// Files

#[test]
fn files_with_no_frame_are_errors() {
    let tree = check(&[
        "scene_1/lidar_point_cloud_0/000001.pcd",
        "scene_1/camera_image_0/000001.jpg",
        "scene_1/camera_image_0/000002.jpg",
        "scene_1/camera_config/000003.json",
        "scene_1/result/000004.json",
    ]);
    assert_eq!(
        summary(&tree.problems),
        [
            (
                ProblemCode::LayoutMismatch,
                Severity::Error,
                "scene_1/camera_config/000003.json"
            ),
            (
                ProblemCode::LayoutMismatch,
                Severity::Error,
                "scene_1/camera_image_0/000002.jpg"
            ),
            (
                ProblemCode::LayoutMismatch,
                Severity::Error,
                "scene_1/result/000004.json"
            ),
        ]
    );
    assert!(
        tree.problems[1]
            .message
            .contains("camera image with no frame")
    );
    assert_eq!(
        tree.problems[1].expected.as_deref(),
        Some("a point cloud named `000002` in `lidar_point_cloud_<N>/`")
    );
    assert!(tree.problems[2].message.contains("result with no frame"));
    assert_eq!(frame_names(&tree.scenes[0]), ["000001"]);
}

#[test]
fn a_frame_with_camera_images_but_no_point_cloud_has_no_frame_at_all() {
    let tree = check(&["camera_image_0/a.jpg", "camera_config/a.json"]);
    let files: Vec<_> = summary(&tree.problems);
    assert_eq!(
        files,
        [
            (ProblemCode::LayoutMismatch, Severity::Error, ""),
            (
                ProblemCode::LayoutMismatch,
                Severity::Error,
                "camera_config/a.json"
            ),
            (
                ProblemCode::LayoutMismatch,
                Severity::Error,
                "camera_image_0/a.jpg"
            ),
        ]
    );
    assert!(tree.scenes.is_empty());
}

#[test]
fn files_at_wrong_depths_are_reported() {
    let tree = check(&[
        "scene_1/lidar_point_cloud_0/a.pcd",
        "scene_1/lidar_point_cloud_0/extra/b.pcd",
        "scene_1/c.pcd",
        "scene_1/d.pcd",
        "README.md",
    ]);
    assert_eq!(
        summary(&tree.problems),
        [
            (ProblemCode::LayoutMismatch, Severity::Warning, "README.md"),
            (
                ProblemCode::LayoutMismatch,
                Severity::Error,
                "scene_1/c.pcd"
            ),
            (
                ProblemCode::LayoutMismatch,
                Severity::Error,
                "scene_1/lidar_point_cloud_0/extra/b.pcd"
            ),
        ]
    );
    assert!(
        tree.problems[1].message.contains("one of 2 such files"),
        "{}",
        tree.problems[1].message
    );
    assert!(tree.problems[1].message.contains("lidar_point_cloud_<N>/"));
    assert!(tree.problems[2].message.contains("subfolder"));
    assert_eq!(frame_names(&tree.scenes[0]), ["a"]);
}

#[test]
fn wrong_extensions_duplicates_and_side_files_are_reported() {
    let tree = check(&[
        "lidar_point_cloud_0/a.pcd",
        "lidar_point_cloud_0/b.bin",
        "lidar_point_cloud_0/c.pcd",
        "camera_image_0/a.jpg",
        "camera_image_0/c.jpg",
        "camera_image_0/c.png",
        "result/a.json",
        "result/a_lidar_point_cloud_0_segmentation.pcd",
    ]);
    assert_eq!(
        summary(&tree.problems),
        [
            (
                ProblemCode::LayoutMismatch,
                Severity::Error,
                "camera_image_0/c.png"
            ),
            (
                ProblemCode::LayoutMismatch,
                Severity::Error,
                "lidar_point_cloud_0/b.bin"
            ),
            (
                ProblemCode::LayoutMismatch,
                Severity::Warning,
                "result/a_lidar_point_cloud_0_segmentation.pcd"
            ),
        ]
    );
    assert_eq!(tree.problems[1].found.as_deref(), Some(".bin"));
    assert!(tree.problems[0].message.contains("skips frame `c`"));
    // Frame `c` is skipped for its duplicate images, as Xtreme1 skips it.
    assert_eq!(frame_names(&tree.scenes[0]), ["a"]);
}

#[test]
fn an_export_data_folder_is_noted_and_ignored() {
    let tree = check(&[
        "image_0/a.jpg",
        "data/a.json",
        "data/b.json",
        "result/a.json",
    ]);
    assert_eq!(
        summary(&tree.problems),
        [(
            ProblemCode::LayoutMismatch,
            Severity::Warning,
            "data/a.json"
        )]
    );
    assert!(tree.problems[0].message.contains("2 files"));
}

#[test]
fn problems_of_one_kind_in_a_folder_are_listed_up_to_ten() {
    let paths: Vec<String> = std::iter::once("lidar_point_cloud_0/keep.pcd".to_owned())
        .chain((0..25).map(|i| format!("camera_image_0/lost_{i:02}.jpg")))
        .collect();
    let tree = check_tree(paths.iter().map(String::as_str));
    assert_eq!(tree.problems.len(), 11, "{:#?}", tree.problems);
    let summary = tree
        .problems
        .iter()
        .find(|p| p.file == "camera_image_0")
        .unwrap();
    assert!(
        summary.message.starts_with("15 more files"),
        "{}",
        summary.message
    );
    assert_eq!(summary.severity, Severity::Error);
}

#[test]
fn an_empty_listing_has_no_frames() {
    let tree = check(&[]);
    assert_eq!(
        summary(&tree.problems),
        [(ProblemCode::LayoutMismatch, Severity::Error, "")]
    );
    assert!(tree.problems[0].message.contains("lidar_point_cloud_<N>/"));
    assert!(tree.scenes.is_empty());
}

#[test]
fn odd_paths_do_not_panic() {
    let tree = check(&[
        "",
        "/",
        "//lidar_point_cloud_0//a.pcd",
        "./lidar_point_cloud_0/b.pcd",
        "lidar_point_cloud_0/.pcd",
        "lidar_point_cloud_0/noext",
        "a",
        "image_/x",
        "lidar_point_cloud_/x",
        "scene_/lidar_point_cloud_0/c.pcd",
        "lidar_point_cloud_0/../d.pcd",
    ]);
    assert_eq!(frame_names(scene(&tree, None)), ["a", "b"]);
    assert_eq!(frame_names(scene(&tree, Some("scene_"))), ["c"]);
}
