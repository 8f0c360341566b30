//! `wharf validate`: the whole read of a real bucket, nothing written, every problem placed.

mod common;

use common::{Db, Wharf, png, s3_bucket, s3_credentials};
use serde_json::{Value, json};

const BROKEN_COCO: &str = r#"{"images": [
  {"id": 1, "file_name": "a.png", "width": 8, "height": 6},
  {"id": 2, "file_name": "b.png", "width": 8, "height": 6},
  {"id": 3, "file_name": "gone.png", "width": 8, "height": 6}
 ],
 "annotations": [
  {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]},
  {"id": 2, "image_id": 2, "category_id": 9, "bbox": [1, 1, 2, 2]},
  {"id": 3, "image_id": 2, "category_id": 1, "bbox": [4, 4, 10, 10]}
 ],
 "categories": [{"id": 1, "name": "cat"}]}"#;

/// A bucket with two images and [`BROKEN_COCO`] under `set/`.
async fn broken_coco_bucket() -> String {
    s3_bucket(&[
        ("set/images/a.png".to_owned(), png(8, 6)),
        ("set/images/b.png".to_owned(), png(8, 6)),
        (
            "set/annotations/instances_val.json".to_owned(),
            BROKEN_COCO.as_bytes().to_vec(),
        ),
    ])
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_reports_every_problem_of_a_coco_bucket_and_writes_nothing() {
    let env = common::env();
    let bucket = broken_coco_bucket().await;
    let data_dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(["--data-dir"])
        .arg(data_dir.path())
        .args([
            "validate",
            &format!("s3://{bucket}/set/"),
            "--json",
            "--endpoint",
            &env.s3_endpoint,
            "--access-key-id",
            &env.s3_key,
        ])
        .env("WHARF_SOURCE_SECRET_ACCESS_KEY", &env.s3_secret)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "errors found exit 2: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["format"], "coco");
    assert_eq!(report["detection"][0]["format"], "coco");
    assert!(
        report["detection"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["format"] == "voc" && d["matched"] == false)
    );
    assert_eq!(
        (
            report["files"].as_u64(),
            report["samples"].as_u64(),
            report["annotations"].as_u64()
        ),
        (Some(3), Some(2), Some(2)),
        "gone.png makes no sample"
    );
    let problems: Vec<(&str, &str, Option<u64>, Option<&str>)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap(),
                p["severity"].as_str().unwrap(),
                p["line"].as_u64(),
                p["json_path"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        vec![
            (
                "unknown_reference",
                "error",
                Some(8),
                Some("$.annotations[1].category_id")
            ),
            (
                "out_of_bounds",
                "warning",
                Some(9),
                Some("$.annotations[2].bbox")
            ),
            ("missing_file", "error", None, None),
        ]
    );
    assert!(
        report["problems"][2]["message"]
            .as_str()
            .unwrap()
            .contains("gone.png")
    );
    assert_eq!(
        (report["errors"].as_u64(), report["warnings"].as_u64()),
        (Some(2), Some(1))
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&env.s3_secret));
    assert!(
        !data_dir.path().join("catalog.db").exists(),
        "validate writes nothing"
    );

    let unknown = std::process::Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args([
            "validate",
            &format!("s3://{bucket}/set/"),
            "--format",
            "parquet-ish",
            "--endpoint",
            &env.s3_endpoint,
            "--access-key-id",
            &env.s3_key,
        ])
        .env("WHARF_SOURCE_SECRET_ACCESS_KEY", &env.s3_secret)
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("expected one of"));
}

/// `POST /v1/validate` and `wharf --server ... validate`: the server reads the source with a
/// stored connection or inline credentials, and says the same as a local run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_validates_with_a_connection_or_credentials_and_leaks_no_secret() {
    let env = common::env();
    let bucket = broken_coco_bucket().await;
    let source = format!("s3://{bucket}/set/");
    let wharf = Wharf::new(Db::Sqlite).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let (status, _) = server
        .send(
            "POST",
            "/v1/connections",
            Some(&key),
            Some(json!({ "name": "lake", "endpoint": env.s3_endpoint, "access_key_id": env.s3_key, "secret_access_key": env.s3_secret })),
        )
        .await;
    assert_eq!(status, 201);

    let (status, by_connection) = server
        .send(
            "POST",
            "/v1/validate",
            Some(&key),
            Some(json!({ "source": source, "connection": "lake" })),
        )
        .await;
    assert_eq!(status, 200, "{by_connection}");
    assert_eq!(by_connection["format"], "coco");
    assert_eq!(
        (
            by_connection["samples"].as_u64(),
            by_connection["errors"].as_u64(),
            by_connection["warnings"].as_u64()
        ),
        (Some(2), Some(2), Some(1)),
        "{by_connection}"
    );
    assert_eq!(
        by_connection["problems"][0]["json_path"],
        "$.annotations[1].category_id"
    );
    let (status, inline) = server
        .send(
            "POST",
            "/v1/validate",
            Some(&key),
            Some(json!({ "source": source, "credentials": s3_credentials(), "format": "coco" })),
        )
        .await;
    assert_eq!(status, 200, "{inline}");
    assert_eq!(inline["problems"], by_connection["problems"]);

    // Refusals: both kinds of credentials, an unknown format, a wrong secret.
    let (status, both) = server
        .send(
            "POST",
            "/v1/validate",
            Some(&key),
            Some(
                json!({ "source": source, "credentials": s3_credentials(), "connection": "lake" }),
            ),
        )
        .await;
    assert_eq!(
        (status, &both["error"]["code"]),
        (400, &json!("invalid_request"))
    );
    let (status, unknown) = server
        .send(
            "POST",
            "/v1/validate",
            Some(&key),
            Some(json!({ "source": source, "connection": "lake", "format": "parquet-ish" })),
        )
        .await;
    assert_eq!(status, 400, "{unknown}");
    assert!(
        unknown["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expected one of")
    );
    let wrong_secret = "not-the-secret-9876543210";
    let (status, wrong) = server
        .send(
            "POST",
            "/v1/validate",
            Some(&key),
            Some(json!({ "source": source, "credentials": {
                "access_key_id": env.s3_key, "secret_access_key": wrong_secret, "endpoint": env.s3_endpoint } })),
        )
        .await;
    assert!(status >= 400, "{wrong}");
    assert!(!wrong.to_string().contains(wrong_secret), "{wrong}");
    assert!(!by_connection.to_string().contains(&env.s3_secret));
    assert!(!server.log().contains(&env.s3_secret));
    assert!(!server.log().contains(wrong_secret));

    // The CLI against the server, with the stored connection.
    let out = wharf.run(&[
        "--server",
        &server.url,
        "--api-key",
        &key,
        "validate",
        &source,
        "--connection",
        "lake",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["problems"], by_connection["problems"]);
}

fn validate_dir(dir: &std::path::Path) -> (Option<i32>, Value) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wharf"))
        .arg("validate")
        .arg(dir)
        .arg("--json")
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), report)
}

fn codes(report: &Value) -> Vec<(String, String, Option<u64>)> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap().to_owned(),
                p["file"].as_str().unwrap().to_owned(),
                p["line"].as_u64(),
            )
        })
        .collect()
}

#[test]
fn validate_reads_pascal_voc_beside_its_images_and_refuses_entity_declarations() {
    let dir = tempfile::tempdir().unwrap();
    let tree = [
        ("train/a.png".to_owned(), png(64, 48)),
        ("train/a.xml".to_owned(), b"<annotation><size><width>64</width><height>48</height><depth>3</depth></size>\n<object><name>cat</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>30</xmax><ymax>40</ymax></bndbox></object>\n<object><name>cat</name><bndbox><xmin>x</xmin><ymin>2</ymin><xmax>30</xmax><ymax>40</ymax></bndbox></object></annotation>".to_vec()),
        ("train/b.png".to_owned(), png(8, 8)),
        ("train/b.xml".to_owned(), b"<?xml version=\"1.0\"?>\n<!DOCTYPE b [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>\n<annotation/>".to_vec()),
        ("train/orphan.xml".to_owned(), b"<annotation><size><width>4</width><height>4</height><depth>3</depth></size></annotation>".to_vec()),
    ];
    common::write_local_tree(dir.path(), &tree);
    let (code, report) = validate_dir(dir.path());
    assert_eq!(code, Some(2));
    assert_eq!(
        (
            report["format"].as_str(),
            report["samples"].as_u64(),
            report["annotations"].as_u64()
        ),
        (Some("voc"), Some(2), Some(1))
    );
    assert_eq!(
        codes(&report),
        vec![
            (
                "missing_file".to_owned(),
                "train/orphan.xml".to_owned(),
                None
            ),
            ("wrong_type".to_owned(), "train/a.xml".to_owned(), Some(3)),
            ("forbidden".to_owned(), "train/b.xml".to_owned(), Some(2)),
        ]
    );
}

#[test]
fn validate_reads_yolo_labels_with_their_class_names() {
    let dir = tempfile::tempdir().unwrap();
    let tree = [
        (
            "data.yaml".to_owned(),
            b"path: .\ntrain: images/train\nval: images/train\nnames:\n  0: cat\n  1: dog\n"
                .to_vec(),
        ),
        ("images/train/x.png".to_owned(), png(10, 10)),
        ("images/train/y.png".to_owned(), png(10, 10)),
        (
            "labels/train/x.txt".to_owned(),
            b"1 0.5 0.5 0.2 0.2\n0 0.1 0.1 0.2 0.2\n".to_vec(),
        ),
        (
            "labels/train/y.txt".to_owned(),
            b"0 0.5 0.5 0.2 0.2\n5 0.5 0.5 0.2 0.2\n0 0.5 0.5 0.2\n".to_vec(),
        ),
    ];
    common::write_local_tree(dir.path(), &tree);
    let (code, report) = validate_dir(dir.path());
    assert_eq!(code, Some(2));
    assert_eq!(
        (
            report["format"].as_str(),
            report["labels"].as_u64(),
            report["annotations"].as_u64()
        ),
        (Some("yolo"), Some(2), Some(3))
    );
    assert_eq!(
        codes(&report),
        vec![
            (
                "unknown_label".to_owned(),
                "labels/train/y.txt".to_owned(),
                Some(2)
            ),
            (
                "syntax".to_owned(),
                "labels/train/y.txt".to_owned(),
                Some(3)
            ),
        ]
    );
    // A clean tree exits 0.
    std::fs::write(
        dir.path().join("labels/train/y.txt"),
        b"0 0.5 0.5 0.2 0.2\n",
    )
    .unwrap();
    let (code, report) = validate_dir(dir.path());
    assert_eq!(
        (code, report["errors"].as_u64()),
        (Some(0), Some(0)),
        "{report}"
    );
}

#[test]
fn validate_names_every_misplaced_path_of_a_rosetta_sensor_tree() {
    let dir = tempfile::tempdir().unwrap();
    let tree = [
        ("drive/lidar-top/s1/1000.pcd".to_owned(), b"x".to_vec()),
        ("drive/lidar-top/s1/1100.pcd".to_owned(), b"x".to_vec()),
        ("drive/camera-front/s1/1000.jpg".to_owned(), png(4, 4)),
        ("drive/camera-front/1100.jpg".to_owned(), png(4, 4)),
        ("drive/Camera_back/s1/1000.jpg".to_owned(), png(4, 4)),
        (
            "drive/metadata.json".to_owned(),
            br#"{"version": "1.0", "fileTreeType": 0, "dataType": 3, "lidarSequence": ["top"], "cameraSequence": ["front"]}"#.to_vec(),
        ),
    ];
    common::write_local_tree(dir.path(), &tree);
    let (code, report) = validate_dir(dir.path());
    assert_eq!(code, Some(2));
    assert_eq!(report["format"], "rosetta", "{report}");
    let problems = codes(&report);
    assert_eq!(problems[0].0, "layout_mismatch");
    assert!(
        report["problems"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("The sensor tree does not fit"),
        "{report}"
    );
    let files: Vec<&str> = problems
        .iter()
        .skip(1)
        .filter(|p| p.0 == "layout_mismatch")
        .map(|p| p.1.as_str())
        .collect();
    assert_eq!(
        files,
        [
            "drive/Camera_back",
            "drive/camera-front/1100.jpg",
            "drive/lidar-top/s1/1100.pcd"
        ],
        "{report}"
    );
    let camera_back = &report["problems"][1]["message"];
    assert!(
        camera_back.as_str().unwrap().contains("camera-<name>"),
        "{camera_back}"
    );
}

#[test]
fn validate_streams_a_modelarts_manifest_and_places_each_problem_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = concat!(
        r#"{"source":"s3://b/a.jpg","usage":"TRAIN","annotation":[{"type":"modelarts/image_classification","name":"cat"}]}"#,
        "\n",
        r#"{"source":"s3://b/b.jpg","annotation":[{"type":"image_classification"}]}"#,
        "\n",
        r#"{"usage":"train"}"#,
        "\n",
        "not json\n",
        r#"{"source":"s3://b/c.jpg","hard":"true","annotation":[{"type":"modelarts/image_classification","name":"dog","annotated_by":"human"}]}"#,
        "\n",
    );
    common::write_local_tree(
        dir.path(),
        &[
            ("set/v1.manifest".to_owned(), manifest.as_bytes().to_vec()),
            ("a.jpg".to_owned(), png(4, 4)),
            ("b.jpg".to_owned(), png(4, 4)),
            ("c.jpg".to_owned(), png(4, 4)),
        ],
    );
    let (code, report) = validate_dir(dir.path());
    assert_eq!(code, Some(2));
    assert_eq!(report["format"], "modelarts_manifest", "{report}");
    assert_eq!(
        (
            report["samples"].as_u64(),
            report["annotations"].as_u64(),
            report["labels"].as_u64()
        ),
        (Some(3), Some(2), Some(2))
    );
    let problems = codes(&report);
    let places: Vec<(&str, Option<u64>)> = problems.iter().map(|p| (p.0.as_str(), p.2)).collect();
    assert_eq!(
        places,
        [
            ("missing_field", Some(2)),
            ("missing_field", Some(3)),
            ("syntax", Some(4))
        ],
        "{report}"
    );
    assert!(problems.iter().all(|p| p.1 == "set/v1.manifest"));
}

#[test]
fn validate_reads_modelarts_image_classification_folders() {
    let dir = tempfile::tempdir().unwrap();
    let tree = [
        ("Cat/1.png".to_owned(), png(4, 4)),
        ("Cat/2.png".to_owned(), png(4, 4)),
        ("Dog/3.png".to_owned(), png(4, 4)),
        ("Dog/3.txt".to_owned(), b"Dog\nPuppy\n".to_vec()),
    ];
    common::write_local_tree(dir.path(), &tree);
    let (code, report) = validate_dir(dir.path());
    assert_eq!(
        (code, report["format"].as_str()),
        (Some(0), Some("modelarts_dir")),
        "{report}"
    );
    assert_eq!(
        (
            report["samples"].as_u64(),
            report["annotations"].as_u64(),
            report["labels"].as_u64()
        ),
        (Some(3), Some(4), Some(3))
    );
    assert_eq!(
        report["label_annotations"],
        serde_json::json!({"Cat": 2, "Dog": 1, "Puppy": 1})
    );
    // A person reading the report sees the same counts, the largest label first.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wharf"))
        .arg("validate")
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("3 samples, 4 annotations, 3 labels, 0 files left out")
            && text.contains("labels       Cat 2, Dog 1, Puppy 1"),
        "{text}"
    );
}
