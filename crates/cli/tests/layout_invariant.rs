//! What `validate` reports is what `import` stores, and a layout named (in any case) reads as
//! the detected one does, for the layouts the other `layout_*` tests do not cover: the
//! Rosetta and Xtreme1 sensor trees, ModelArts folders, and plain folders.

mod common;

use common::{Db, Server, Wharf, jpeg, png, s3_bucket, s3_credentials};
use serde_json::{Value, json};

on_both_catalogs!(every_layout_validates_as_it_imports,);

const PCD: &[u8] = include_bytes!("../../formats/tests/fixtures/pointcloud/ascii_xyzi.pcd");
const XTREME1_RESULT: &[u8] =
    include_bytes!("../../formats/tests/fixtures/xtreme1/fusion_result.json");
const XTREME1_CAMERA: &[u8] =
    include_bytes!("../../formats/tests/fixtures/xtreme1/camera_config.json");

/// Rosetta's sensor tree: two scenes of two frames, a lidar and a camera each.
fn rosetta() -> Vec<(String, Vec<u8>)> {
    let mut files = vec![(
        "metadata.json".to_owned(),
        br#"{"version": "1.0", "fileTreeType": 0, "dataType": 3, "lidarSequence": ["top"], "cameraSequence": ["front"]}"#.to_vec(),
    )];
    for scene in ["s1", "s2"] {
        for ts in ["1000", "1100"] {
            files.push((format!("lidar-top/{scene}/{ts}.pcd"), PCD.to_vec()));
            files.push((format!("camera-front/{scene}/{ts}.jpg"), jpeg(64, 48)));
        }
    }
    files
}

/// An Xtreme1 fusion scene of two frames, the first with its result.
fn xtreme1() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for frame in ["000001", "000002"] {
        files.push((
            format!("scene_1/lidar_point_cloud_0/{frame}.pcd"),
            PCD.to_vec(),
        ));
        files.push((
            format!("scene_1/camera_image_0/{frame}.jpg"),
            jpeg(1920, 1080),
        ));
        files.push((
            format!("scene_1/camera_config/{frame}.json"),
            XTREME1_CAMERA.to_vec(),
        ));
    }
    files.push((
        "scene_1/result/000001.json".to_owned(),
        XTREME1_RESULT.to_vec(),
    ));
    files
}

/// ModelArts image classification: a folder per label, and a notes file that fits nothing.
fn modelarts_folders() -> Vec<(String, Vec<u8>)> {
    vec![
        ("Cat/1.jpg".to_owned(), jpeg(32, 32)),
        ("Cat/2.jpg".to_owned(), jpeg(32, 32)),
        ("Dog/3.png".to_owned(), png(16, 16)),
        ("Dog/4.jpg".to_owned(), jpeg(32, 32)),
        ("Bird/5.jpg".to_owned(), jpeg(32, 32)),
        ("notes.md".to_owned(), b"taken in 2024".to_vec()),
    ]
}

/// A plain folder: images and other files, no layout.
fn plain() -> Vec<(String, Vec<u8>)> {
    vec![
        ("a.png".to_owned(), png(8, 8)),
        ("docs/readme.txt".to_owned(), b"hello".to_vec()),
        ("blobs/x.bin".to_owned(), b"\x00\x01".to_vec()),
    ]
}

/// Imports the tree detected and named, and validates it: returns the detected job.
async fn check(
    server: &Server,
    key: &str,
    name: &str,
    layout: &str,
    files: Vec<(String, Vec<u8>)>,
) -> Value {
    let prefixed: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|(path, body)| (format!("{name}/{path}"), body))
        .collect();
    let bucket = s3_bucket(&prefixed).await;
    let source = format!("s3://{bucket}/{name}/");
    let mut jobs = Vec::new();
    for (dataset, options) in [
        (format!("{name}-detected"), json!({})),
        (
            format!("{name}-named"),
            json!({ "format": layout.to_ascii_uppercase() }),
        ),
    ] {
        let job = server
            .import(
                key,
                json!({ "source": source, "dataset": dataset, "credentials": s3_credentials(),
                        "options": options }),
            )
            .await;
        let job = server.wait_job(key, job["id"].as_str().unwrap()).await;
        assert_eq!(job["result"]["format"], layout, "{name}: {job}");
        assert_ne!(job["state"], "failed", "{name}: {job}");
        jobs.push(job);
    }
    assert_eq!(
        jobs[0]["counters"], jobs[1]["counters"],
        "{name}: detected and named imports count alike"
    );
    let report = server
        .validate_matches_import(
            key,
            json!({ "source": source, "credentials": s3_credentials() }),
            &format!("{name}-detected"),
        )
        .await;
    assert_eq!(report["format"], layout, "{name}: {report}");
    assert_eq!(
        report["skipped"], jobs[0]["counters"]["skipped"],
        "{name}: validate and import leave out the same files: {report}"
    );
    jobs.swap_remove(0)
}

async fn every_layout_validates_as_it_imports(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");

    let job = check(&server, &key, "rosetta", "rosetta", rosetta()).await;
    assert_eq!(job["counters"]["imported"], 4, "four frames: {job}");

    let job = check(&server, &key, "xtreme1", "xtreme1", xtreme1()).await;
    assert_eq!(job["counters"]["imported"], 2, "two frames: {job}");
    assert!(job["counters"]["annotations"].as_i64() > Some(0), "{job}");

    let job = check(
        &server,
        &key,
        "folders",
        "modelarts_dir",
        modelarts_folders(),
    )
    .await;
    assert_eq!(
        (
            job["counters"]["imported"].as_i64(),
            job["counters"]["annotations"].as_i64(),
            job["counters"]["skipped"].as_i64()
        ),
        (Some(5), Some(5), Some(1)),
        "five labelled images; the notes left out: {job}"
    );

    let job = check(&server, &key, "plain", "plain", plain()).await;
    assert_eq!(job["counters"]["imported"], 3, "every file: {job}");
}
