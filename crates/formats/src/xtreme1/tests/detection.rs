use crate::xtreme1::detect;
use crate::{ListingSummary, Verdict};

const FUSION_TREE: &str = include_str!("../../../tests/fixtures/xtreme1/fusion_tree.txt");
const IMAGE_TREE: &str = include_str!("../../../tests/fixtures/xtreme1/image_tree.txt");

fn summary<'a>(paths: impl IntoIterator<Item = &'a str>) -> ListingSummary {
    let mut summary = ListingSummary::default();
    for path in paths {
        summary.add(path);
    }
    summary
}

/// Every file's head is an Xtreme1 result.
fn results(_: &str) -> Option<Vec<u8>> {
    Some(br#"{"objects": [{"type": "BOUNDING_BOX""#.to_vec())
}

fn matched(verdict: &Verdict) -> (f32, String) {
    match verdict {
        Verdict::Match {
            confidence,
            reasons,
        } => (*confidence, reasons.join("; ")),
        Verdict::Reject { reason } => panic!("rejected: {reason}"),
    }
}

fn rejected(verdict: &Verdict) -> &str {
    match verdict {
        Verdict::Reject { reason } => reason,
        Verdict::Match { reasons, .. } => panic!("matched: {reasons:?}"),
    }
}

#[test]
fn a_fusion_tree_with_scenes_matches() {
    let verdict = detect(&summary(FUSION_TREE.lines()), &results);
    let (confidence, reasons) = matched(&verdict);
    assert_eq!(confidence, 0.9);
    assert!(
        reasons.contains("LiDAR folders lidar_point_cloud_0/, lidar_point_cloud_1/ at the top and in 2 scene_* folders"),
        "{reasons}"
    );
    assert!(reasons.contains("5 .pcd point clouds"), "{reasons}");
    assert!(
        reasons.contains("camera_image_0/, camera_image_1/"),
        "{reasons}"
    );
    assert!(reasons.contains("camera_config/"), "{reasons}");
}

#[test]
fn an_image_tree_with_results_matches() {
    let verdict = detect(&summary(IMAGE_TREE.lines()), &results);
    let (confidence, reasons) = matched(&verdict);
    assert_eq!(confidence, 0.9);
    assert!(reasons.contains("holds an objects list"), "{reasons}");

    // A result that is not an Xtreme1 one lowers the confidence.
    let verdict = detect(&summary(IMAGE_TREE.lines()), &|_| {
        Some(b"{\"images\": []}".to_vec())
    });
    assert_eq!(matched(&verdict).0, 0.7);
}

#[test]
fn partial_trees_match_lower() {
    let images_only = summary(["image_0/a.jpg", "image_1/a.jpg"]);
    assert_eq!(matched(&detect(&images_only, &results)).0, 0.5);

    let cameras_only = summary(["camera_image_0/a.jpg", "camera_config/a.json"]);
    assert_eq!(matched(&detect(&cameras_only, &results)).0, 0.4);

    let no_pcd = summary(["lidar_point_cloud_0/a.bin"]);
    assert_eq!(matched(&detect(&no_pcd, &results)).0, 0.6);

    let wrapped = summary(["export/lidar_point_cloud_0/a.pcd"]);
    let (confidence, reasons) = matched(&detect(&wrapped, &results));
    assert_eq!(confidence, 0.8);
    assert!(reasons.contains("under export/"), "{reasons}");

    let misnamed = summary(["lidar_point_cloud_0/a.pcd", "image0/a.jpg"]);
    let (confidence, reasons) = matched(&detect(&misnamed, &results));
    assert!((confidence - 0.7).abs() < 1e-6, "{confidence}");
    assert!(reasons.contains("camera_image_0"), "{reasons}");
}

#[test]
fn an_old_tree_is_rejected_with_the_current_names() {
    let old = summary(["point_cloud/a.pcd", "image0/a.jpg", "result/a.json"]);
    let reason = rejected(&detect(&old, &results)).to_owned();
    assert!(
        reason.contains("rename it `lidar_point_cloud_0`"),
        "{reason}"
    );
    assert!(reason.contains("rename it `camera_image_0`"), "{reason}");
}

#[test]
fn other_sources_are_rejected() {
    let coco = summary(["annotations/instances_val.json", "images/a.jpg"]);
    let reason = rejected(&detect(&coco, &results)).to_owned();
    assert!(
        reason.contains("no lidar_point_cloud_<N>/ or image_<N>/ folder"),
        "{reason}"
    );
    let results_only = summary(["result/a.json"]);
    rejected(&detect(&results_only, &results));
    rejected(&detect(&ListingSummary::default(), &|_| None));
}
