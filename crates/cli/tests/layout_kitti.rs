//! The KITTI object detection tree as the benchmark publishes it (`training/` and `testing/`
//! with `image_2`, `image_3`, `velodyne`, `calib`, and `label_2` for training, beside the
//! devkit): one sample per frame with its files and split, the objects as 3D boxes with their
//! 2D bounds, told apart from an Xtreme1 tree, and `validate` saying what the import stores.

mod common;

use std::collections::BTreeMap;

use common::{Db, Wharf, png, s3_bucket, s3_credentials};
use serde_json::{Value, json};

on_both_catalogs!(
    kitti_frames_import_with_their_files_boxes_and_splits,
    a_velodyne_only_tree_imports_point_cloud_frames,
);

const CALIB: &str = include_str!("../../formats/tests/fixtures/kitti/calib_000000.txt");
/// KITTI's own label files of training frames 000000 and 000001.
const LABEL_000000: &str = include_str!("../../formats/tests/fixtures/kitti/000000.txt");
const LABEL_000001: &str = include_str!("../../formats/tests/fixtures/kitti/000001.txt");
/// A box past the image's right edge, then a line cut short.
const LABEL_000002: &str =
    "Car 0.00 0 1.85 387.63 181.54 423.81 203.12 1.67 1.87 3.69 -16.53 2.39 58.49 1.57
Van 0.00 1 -1.58 1150.00 150.00 1300.00 300.00 2.00 1.90 4.50 20.00 1.60 15.00 -1.50
Car 0.00 0 1.85 387.63 181.54 423.81 203.12 1.67 1.87 3.69 -16.53 2.39 58.49
";

/// A velodyne scan of `points` points: float32 x, y, z, reflectance each.
fn scan(points: usize) -> Vec<u8> {
    (0..points)
        .flat_map(|i| [i as f32, 1.5, -0.8, 0.3])
        .flat_map(f32::to_le_bytes)
        .collect()
}

fn file(path: &str, bytes: impl Into<Vec<u8>>) -> (String, Vec<u8>) {
    (format!("kitti/{path}"), bytes.into())
}

/// Three training frames (the third without its scan), a label of no frame, two testing frames,
/// the devkit, split lists, and a README.
fn tree() -> Vec<(String, Vec<u8>)> {
    let mut files = vec![
        file("devkit_object/readme.txt", "KITTI object devkit"),
        file("devkit_object/cpp/evaluate_object.cpp", "int main() {}"),
        file("ImageSets/train.txt", "000000\n000001\n"),
        file("ImageSets/val.txt", "000002\n"),
        file("README.md", "# our copy of KITTI"),
        file("training/label_2/000000.txt", LABEL_000000),
        file("training/label_2/000001.txt", LABEL_000001),
        file("training/label_2/000002.txt", LABEL_000002),
        file("training/label_2/000003.txt", LABEL_000000),
        file("training/calib/000003.txt", CALIB),
    ];
    let sizes = [(1224, 370), (1242, 375), (1242, 375)];
    for (id, (w, h)) in sizes.into_iter().enumerate() {
        let id = format!("{id:06}");
        files.push(file(&format!("training/image_2/{id}.png"), png(w, h)));
        files.push(file(&format!("training/image_3/{id}.png"), png(w, h)));
        files.push(file(&format!("training/calib/{id}.txt"), CALIB));
    }
    files.push(file("training/velodyne/000000.bin", scan(5)));
    files.push(file("training/velodyne/000001.bin", scan(3)));
    // The benchmark's preceding frames, for frame 000001 only.
    for step in ["01", "02", "03"] {
        files.push(file(
            &format!("training/prev_2/000001_{step}.png"),
            png(1242, 375),
        ));
    }
    for id in ["000000", "000001"] {
        files.push(file(&format!("testing/image_2/{id}.png"), png(1242, 375)));
        files.push(file(&format!("testing/image_3/{id}.png"), png(1242, 375)));
        files.push(file(&format!("testing/velodyne/{id}.bin"), scan(4)));
        files.push(file(&format!("testing/calib/{id}.txt"), CALIB));
    }
    files
}

/// What one import ends with: the job, its errors as (path, code, severity, message), and
/// every sample as stored.
struct Imported {
    job: Value,
    errors: Vec<(String, String, String, String)>,
    samples: BTreeMap<String, Value>,
}

async fn import(
    server: &common::Server,
    key: &str,
    source: &str,
    dataset: &str,
    options: Value,
) -> Imported {
    let job = server
        .import(
            key,
            json!({ "source": source, "dataset": dataset, "credentials": s3_credentials(),
                    "options": options }),
        )
        .await;
    let id = job["id"].as_str().unwrap().to_owned();
    let job = server.wait_job(key, &id).await;
    let errors = server.get(&format!("/v1/jobs/{id}/errors"), key).await;
    let errors = errors["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let text = |field: &str| e[field].as_str().unwrap_or_default().to_owned();
            (
                text("path"),
                text("code"),
                text("severity"),
                text("message"),
            )
        })
        .collect();
    let mut samples = BTreeMap::new();
    for sample in server.all_samples(key, dataset, "").await {
        let path = sample["key"].as_str().unwrap();
        let full = server
            .get(&format!("/v1/datasets/{dataset}/samples/{path}"), key)
            .await;
        samples.insert(path.to_owned(), full);
    }
    Imported {
        job,
        errors,
        samples,
    }
}

async fn validate(server: &common::Server, key: &str, body: Value) -> Value {
    let (status, report) = server
        .send("POST", "/v1/validate", Some(key), Some(body))
        .await;
    assert_eq!(status, 200, "{report}");
    report
}

/// A sample's files, in the catalog's order (by path).
fn paths(sample: &Value) -> Vec<&str> {
    sample["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect()
}

fn file_of<'a>(sample: &'a Value, path: &str) -> &'a Value {
    sample["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("no {path} in {sample}"))
}

fn rounded(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v.as_f64().unwrap() * 1000.0).round() / 1000.0)
        .collect()
}

async fn kitti_frames_import_with_their_files_boxes_and_splits(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let bucket = s3_bucket(&tree()).await;
    let source = format!("s3://{bucket}/kitti/");

    let detected = import(&server, &key, &source, "detected", json!({})).await;
    let job = &detected.job;
    assert_eq!(job["result"]["format"], "kitti", "{job}");
    assert_eq!(job["state"], "partial", "{job} {:#?}", detected.errors);
    let mut errors: Vec<(&str, &str, &str)> = detected
        .errors
        .iter()
        .map(|(path, code, severity, _)| (path.as_str(), code.as_str(), severity.as_str()))
        .collect();
    errors.sort();
    assert_eq!(
        errors,
        [
            ("README.md", "not_used", "warning"),
            ("training/calib/000003.txt", "not_used", "warning"),
            ("training/image_2/000002.png", "missing_file", "warning"),
            ("training/label_2/000002.txt", "out_of_bounds", "warning"),
            ("training/label_2/000002.txt", "syntax", "error"),
            ("training/label_2/000003.txt", "missing_file", "error"),
        ],
        "the devkit and split lists are structure, never samples: {:#?}",
        detected.errors
    );
    let message = |path: &str, code: &str| {
        detected
            .errors
            .iter()
            .find(|e| e.0 == path && e.1 == code)
            .map(|e| e.3.clone())
            .unwrap()
    };
    assert!(
        message("training/image_2/000002.png", "missing_file")
            .contains("lacks its point cloud (training/velodyne/000002.bin)"),
        "{}",
        message("training/image_2/000002.png", "missing_file")
    );
    assert!(
        message("training/label_2/000003.txt", "missing_file")
            .contains("add training/image_2/000003.png or training/velodyne/000003.bin"),
        "{}",
        message("training/label_2/000003.txt", "missing_file")
    );
    assert!(
        message("training/label_2/000002.txt", "syntax")
            .starts_with("training/label_2/000002.txt line 3: 14 values"),
        "{}",
        message("training/label_2/000002.txt", "syntax")
    );
    let c = &job["counters"];
    assert_eq!(
        (
            c["imported"].as_i64(),
            c["annotations"].as_i64(),
            c["skipped"].as_i64()
        ),
        (Some(5), Some(10), Some(2)),
        "five frames; 1 + 7 + 2 objects; the README and the lone calibration left out: {job}"
    );

    let samples = &detected.samples;
    assert_eq!(
        samples.keys().collect::<Vec<_>>(),
        [
            "testing/image_2/000000.png",
            "testing/image_2/000001.png",
            "training/image_2/000000.png",
            "training/image_2/000001.png",
            "training/image_2/000002.png"
        ]
    );
    let frame = &samples["training/image_2/000001.png"];
    assert_eq!(
        (
            frame["usage"].as_str(),
            frame["source_format"].as_str(),
            frame["annotation_count"].as_i64()
        ),
        (Some("train"), Some("kitti"), Some(7)),
        "{frame}"
    );
    assert_eq!(
        paths(frame),
        [
            "training/calib/000001.txt",
            "training/image_2/000001.png",
            "training/image_3/000001.png",
            "training/prev_2/000001_01.png",
            "training/prev_2/000001_02.png",
            "training/prev_2/000001_03.png",
            "training/velodyne/000001.bin"
        ],
        "the images before a frame are files of its sample, not samples of their own"
    );
    let image = file_of(frame, "training/image_2/000001.png");
    assert_eq!(
        (
            image["width"].as_i64(),
            image["height"].as_i64(),
            file_of(frame, "training/velodyne/000001.bin")["points"].as_i64()
        ),
        (Some(1242), Some(375), Some(3)),
        "{frame}"
    );
    let annotations = frame["annotations"].as_array().unwrap();
    let labels: Vec<&str> = annotations
        .iter()
        .map(|a| a["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "Truck", "Car", "Cyclist", "DontCare", "DontCare", "DontCare", "DontCare"
        ]
    );
    let car = &annotations[1];
    assert_eq!(car["shape"]["type"], "box3d", "{car}");
    assert_eq!(
        (
            rounded(&car["shape"]["center"]),
            rounded(&car["shape"]["size"]),
            rounded(&car["shape"]["rotation"])
        ),
        (
            vec![-16.53, 1.555, 58.49],
            vec![3.69, 1.67, 1.87],
            vec![0.0, 1.57, 0.0]
        ),
        "the centre, half the height above KITTI's bottom location: {car}"
    );
    assert_eq!(car["bounds"], json!([387.63, 181.54, 423.81, 203.12]));
    assert_eq!(
        car["attributes"],
        json!({"truncated": 0.0, "occluded": 0, "alpha": 1.85, "coordinates": "camera"})
    );
    assert_eq!(
        annotations[3]["shape"],
        json!({"type": "box", "x_min": 503.89, "y_min": 169.71, "x_max": 590.61, "y_max": 190.13}),
        "DontCare regions are kept as 2D boxes"
    );

    let test_frame = &samples["testing/image_2/000000.png"];
    assert_eq!(
        (
            test_frame["usage"].as_str(),
            test_frame["annotation_count"].as_i64()
        ),
        (Some("test"), Some(0))
    );
    assert_eq!(paths(test_frame).len(), 4, "{test_frame}");
    assert_eq!(
        paths(&samples["training/image_2/000002.png"]),
        [
            "training/calib/000002.txt",
            "training/image_2/000002.png",
            "training/image_3/000002.png"
        ]
    );
    let stored_annotations: i64 = samples
        .values()
        .map(|s| s["annotation_count"].as_i64().unwrap())
        .sum();
    assert_eq!(stored_annotations, 10);

    let labels = server.get("/v1/datasets/detected/labels", &key).await;
    let counts: Vec<(&str, i64)> = labels
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["name"].as_str().unwrap(),
                l["annotations"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("Car", 2),
            ("Cyclist", 1),
            ("DontCare", 4),
            ("Pedestrian", 1),
            ("Truck", 1),
            ("Van", 1)
        ]
    );

    // `validate`, detected or named, reports exactly what the import stored.
    server
        .validate_matches_import(
            &key,
            json!({ "source": source, "credentials": s3_credentials() }),
            "detected",
        )
        .await;
    for format in [None, Some("kitti")] {
        let mut body = json!({ "source": source, "credentials": s3_credentials() });
        if let Some(format) = format {
            body["format"] = json!(format);
        }
        let report = validate(&server, &key, body).await;
        let warnings = detected.errors.iter().filter(|e| e.2 == "warning").count();
        assert_eq!(
            (
                report["format"].as_str(),
                report["samples"].as_i64(),
                report["annotations"].as_i64(),
                report["labels"].as_i64(),
                report["skipped"].as_i64(),
                report["errors"].as_i64(),
                report["warnings"].as_i64(),
            ),
            (
                Some("kitti"),
                Some(5),
                Some(stored_annotations),
                Some(counts.len() as i64),
                c["skipped"].as_i64(),
                Some(2),
                Some(warnings as i64),
            ),
            "{report}"
        );
        if format.is_none() {
            let kitti = &report["detection"][0];
            assert_eq!(
                (kitti["format"].as_str(), kitti["confidence"].as_f64()),
                (Some("kitti"), Some(0.95)),
                "{report}"
            );
            let reasons = kitti["reasons"].to_string();
            for reason in [
                "KITTI folders image_2/, velodyne/, image_3/, calib/, label_2/ in testing/, training/",
                "have six-digit frame ids",
                "holds KITTI calibration",
            ] {
                assert!(reasons.contains(reason), "{reason} in {reasons}");
            }
            let xtreme1 = report["detection"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["format"] == "xtreme1")
                .unwrap();
            assert_eq!(xtreme1["matched"], false, "{xtreme1}");
            assert!(
                xtreme1["reasons"][0]
                    .as_str()
                    .unwrap()
                    .starts_with("it looks like KITTI (KITTI folders"),
                "{xtreme1}"
            );
        }
    }

    // `"format": "kitti"` ends exactly as detection does.
    let named = import(
        &server,
        &key,
        &source,
        "named",
        json!({ "format": "kitti" }),
    )
    .await;
    assert_eq!(named.job["counters"], detected.job["counters"]);
    assert_eq!(named.job["state"], detected.job["state"]);
    assert_eq!(named.errors, detected.errors);
    let content = |samples: &BTreeMap<String, Value>| -> Vec<(String, Value, Value, Value)> {
        samples
            .iter()
            .map(|(k, s)| {
                let files: Vec<Value> = s["files"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| json!([f["path"], f["width"], f["height"], f["points"]]))
                    .collect();
                (
                    k.clone(),
                    s["usage"].clone(),
                    json!(files),
                    s["annotations"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(content(&named.samples), content(&detected.samples));
}

/// LiDAR frames alone: keyed by their scans, with the labels' 3D boxes; a scan whose size is
/// not whole points is kept with a warning.
async fn a_velodyne_only_tree_imports_point_cloud_frames(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let mut cut = scan(2);
    cut.extend([0, 0, 0, 0]);
    let bucket = s3_bucket(&[
        file("training/velodyne/000000.bin", scan(4)),
        file("training/velodyne/000001.bin", cut),
        file("training/calib/000000.txt", CALIB),
        file("training/calib/000001.txt", CALIB),
        file("training/label_2/000000.txt", LABEL_000000),
        file("training/label_2/000001.txt", LABEL_000001),
    ])
    .await;
    let source = format!("s3://{bucket}/kitti/");
    let imported = import(&server, &key, &source, "lidar", json!({})).await;
    let job = &imported.job;
    assert_eq!(job["result"]["format"], "kitti", "{job}");
    assert_eq!(job["state"], "succeeded", "{job} {:#?}", imported.errors);
    assert_eq!(
        imported
            .errors
            .iter()
            .map(|e| (e.0.as_str(), e.1.as_str(), e.2.as_str()))
            .collect::<Vec<_>>(),
        [("training/velodyne/000001.bin", "invalid_value", "warning")]
    );
    let keys: Vec<&String> = imported.samples.keys().collect();
    assert_eq!(
        keys,
        [
            "training/velodyne/000000.bin",
            "training/velodyne/000001.bin"
        ]
    );
    let first = &imported.samples["training/velodyne/000000.bin"];
    assert_eq!(
        paths(first),
        ["training/calib/000000.txt", "training/velodyne/000000.bin"]
    );
    assert_eq!(
        (
            first["usage"].as_str(),
            file_of(first, "training/velodyne/000000.bin")["points"].as_i64(),
            first["annotation_count"].as_i64()
        ),
        (Some("train"), Some(4), Some(1))
    );
    assert_eq!(first["annotations"][0]["shape"]["type"], "box3d");
    assert_eq!(
        imported.samples["training/velodyne/000001.bin"]["annotation_count"],
        7
    );
    let report = validate(
        &server,
        &key,
        json!({ "source": source, "credentials": s3_credentials() }),
    )
    .await;
    assert_eq!(
        (
            report["format"].as_str(),
            report["samples"].as_i64(),
            report["annotations"].as_i64(),
            report["warnings"].as_i64()
        ),
        (Some("kitti"), Some(2), Some(8), Some(1)),
        "{report}"
    );
}
