//! The COCO 2017 layout as it is published: several annotation files over the same images
//! (instances, keypoints, captions, panoptic with its PNG folder, stuff, image info for the
//! test split), read whole onto one sample per image, checked against pycocotools' own parse.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::{Db, Wharf, jpeg, png, s3_bucket, s3_credentials, test_python};
use serde_json::{Value, json};

on_both_catalogs!(coco_2017_files_all_land_on_one_sample_per_image,);

const INSTANCES: &str = r#"{"info": {"year": 2017}, "licenses": [],
 "images": [
  {"id": 139, "file_name": "000000000139.jpg", "width": 640, "height": 426},
  {"id": 285, "file_name": "000000000285.jpg", "width": 640, "height": 427},
  {"id": 632, "file_name": "000000000632.jpg", "width": 640, "height": 483}],
 "annotations": [
  {"id": 1, "image_id": 139, "category_id": 1, "iscrowd": 0, "area": 2913.1,
   "bbox": [412.8, 157.61, 53.05, 138.01],
   "segmentation": [[428.19, 219.47, 430.94, 209.57, 440.29, 200.22, 465.85, 294.62]]},
  {"id": 2, "image_id": 139, "category_id": 64, "iscrowd": 0, "area": 531.8,
   "bbox": [236.98, 142.51, 24.7, 69.5],
   "segmentation": [[240.86, 211.31, 240.16, 197.19, 236.98, 192.26, 261.68, 142.51]]},
  {"id": 3, "image_id": 285, "category_id": 23, "iscrowd": 0, "area": 211574.4,
   "bbox": [0.0, 50.12, 586.44, 376.88],
   "segmentation": [[0.0, 50.12, 586.44, 50.12, 586.44, 427.0, 0.0, 427.0]]},
  {"id": 4, "image_id": 632, "category_id": 1, "iscrowd": 1, "area": 1200,
   "bbox": [10, 10, 40, 30],
   "segmentation": {"size": [483, 640], "counts": [6400, 30, 302690]}}],
 "categories": [
  {"supercategory": "person", "id": 1, "name": "person"},
  {"supercategory": "animal", "id": 23, "name": "bear"},
  {"supercategory": "furniture", "id": 64, "name": "potted plant"}]}"#;

const KEYPOINTS: &str = r#"{"images": [
  {"id": 139, "file_name": "000000000139.jpg", "width": 640, "height": 426},
  {"id": 285, "file_name": "000000000285.jpg", "width": 640, "height": 427},
  {"id": 632, "file_name": "000000000632.jpg", "width": 640, "height": 483}],
 "annotations": [
  {"id": 1, "image_id": 139, "category_id": 1, "iscrowd": 0, "num_keypoints": 2,
   "bbox": [412.8, 157.61, 53.05, 138.01],
   "segmentation": [[428.19, 219.47, 430.94, 209.57, 440.29, 200.22, 465.85, 294.62]],
   "keypoints": [427, 170, 2, 429, 167, 2, 0, 0, 0]}],
 "categories": [{"supercategory": "person", "id": 1, "name": "person",
   "keypoints": ["nose", "left_eye", "right_eye"], "skeleton": [[1, 2], [1, 3]]}]}"#;

const CAPTIONS: &str = r#"{"images": [
  {"id": 139, "file_name": "000000000139.jpg", "width": 640, "height": 426},
  {"id": 285, "file_name": "000000000285.jpg", "width": 640, "height": 427},
  {"id": 632, "file_name": "000000000632.jpg", "width": 640, "height": 483}],
 "annotations": [
  {"image_id": 139, "id": 100, "caption": "A woman stands in the dining area at the table."},
  {"image_id": 139, "id": 101, "caption": "A room with chairs, a table, and a woman in it."},
  {"image_id": 285, "id": 102, "caption": "A big burly grizzly bear is show with grass in the background.", "category_id": 0},
  {"image_id": 632, "id": 103, "caption": "Bedroom scene with a bookcase, blue comforter and window."}]}"#;

const PANOPTIC: &str = r#"{"info": {}, "licenses": [],
 "images": [
  {"id": 139, "file_name": "000000000139.jpg", "width": 640, "height": 426},
  {"id": 285, "file_name": "000000000285.jpg", "width": 640, "height": 427}],
 "annotations": [
  {"image_id": 139, "file_name": "000000000139.png", "segments_info": [
    {"id": 3226956, "category_id": 1, "iscrowd": 0, "bbox": [413, 158, 53, 138], "area": 2840},
    {"id": 6979964, "category_id": 199, "iscrowd": 0, "bbox": [0, 0, 640, 100], "area": 30000}]},
  {"image_id": 285, "file_name": "000000000285.png", "segments_info": [
    {"id": 5931152, "category_id": 23, "iscrowd": 0, "bbox": [0, 50, 586, 377], "area": 200000}]}],
 "categories": [{"supercategory": "person", "isthing": 1, "id": 1, "name": "person"},
                {"supercategory": "animal", "isthing": 1, "id": 23, "name": "bear"},
                {"supercategory": "wall", "isthing": 0, "id": 199, "name": "wall-other-merged"}]}"#;

const STUFF: &str = r#"{"images": [
  {"id": 139, "file_name": "000000000139.jpg", "width": 640, "height": 426}],
 "annotations": [{"id": 20000000, "image_id": 139, "category_id": 183, "iscrowd": 0,
   "bbox": [0, 0, 640, 100], "area": 64000,
   "segmentation": {"size": [426, 640], "counts": [0, 100, 272540]}}],
 "categories": [{"supercategory": "other", "id": 183, "name": "other"}]}"#;

const IMAGE_INFO: &str = r#"{"images": [
  {"id": 1, "file_name": "000000000001.jpg", "width": 640, "height": 480}],
 "categories": [{"supercategory": "person", "id": 1, "name": "person"}]}"#;

/// The annotation files pycocotools reads (panoptic is its own API).
const COCO_FILES: [(&str, &str); 4] = [
    ("instances_val2017.json", INSTANCES),
    ("person_keypoints_val2017.json", KEYPOINTS),
    ("captions_val2017.json", CAPTIONS),
    ("stuff_val2017.json", STUFF),
];

fn tree() -> Vec<(String, Vec<u8>)> {
    let mut files = vec![
        ("val2017/000000000139.jpg".to_owned(), jpeg(640, 426)),
        // Stored portrait, as a camera wrote it; the COCO record says landscape.
        ("val2017/000000000285.jpg".to_owned(), jpeg(427, 640)),
        ("val2017/000000000632.jpg".to_owned(), jpeg(640, 483)),
        ("test2017/000000000001.jpg".to_owned(), jpeg(640, 480)),
        (
            "annotations/panoptic_val2017/000000000139.png".to_owned(),
            png(640, 426),
        ),
        (
            "annotations/panoptic_val2017/000000000285.png".to_owned(),
            png(640, 427),
        ),
        (
            "annotations/panoptic_val2017.json".to_owned(),
            PANOPTIC.as_bytes().to_vec(),
        ),
        (
            "annotations/image_info_test-dev2017.json".to_owned(),
            IMAGE_INFO.as_bytes().to_vec(),
        ),
        (
            "README.txt".to_owned(),
            b"COCO 2017, unpacked from the official zips.\n".to_vec(),
        ),
    ];
    for (name, text) in COCO_FILES {
        files.push((format!("annotations/{name}"), text.as_bytes().to_vec()));
    }
    files
}

/// (label, box as [x_min, y_min, x_max, y_max] in hundredths of a pixel) of annotations.
type LabelledBoxes = Vec<(String, Option<Vec<i64>>)>;

/// The labelled boxes of each image file name, as pycocotools reads the COCO files.
fn pycocotools_parse(dir: &std::path::Path) -> BTreeMap<String, LabelledBoxes> {
    let python = test_python("pycocotools.coco", "pycocotools");
    let script = r#"
import json, sys
from pycocotools.coco import COCO
out = {}
for path in sys.argv[1:]:
    coco = COCO(path)
    for image in coco.loadImgs(coco.getImgIds()):
        anns = coco.loadAnns(coco.getAnnIds(imgIds=[image["id"]]))
        for ann in anns:
            if "caption" in ann:
                label = "caption"
            else:
                label = coco.loadCats([ann["category_id"]])[0]["name"]
            box = None
            if "bbox" in ann:
                x, y, w, h = ann["bbox"]
                box = [round(v * 100) for v in (x, y, x + w, y + h)]
            out.setdefault(image["file_name"], []).append([label, box])
print(json.dumps(out))
"#;
    let mut command = Command::new(python);
    command.args(["-c", script]);
    for (name, _) in COCO_FILES {
        command.arg(dir.join(name));
    }
    let output = command.output().expect("run pycocotools");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let parsed: Value = serde_json::from_str(stdout.lines().last().unwrap_or("{}")).unwrap();
    parsed
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, anns)| {
            let mut list: LabelledBoxes = serde_json::from_value(anns.clone()).unwrap();
            list.sort();
            (name.clone(), list)
        })
        .collect()
}

/// (label, box) of a stored annotation, as [`pycocotools_parse`] gives them.
fn label_and_box(annotation: &Value) -> (String, Option<Vec<i64>>) {
    let shape = &annotation["shape"];
    let corners = if shape["type"] == "box" {
        Some(vec![
            &shape["x_min"],
            &shape["y_min"],
            &shape["x_max"],
            &shape["y_max"],
        ])
    } else {
        annotation["bounds"]
            .as_array()
            .map(|b| b.iter().collect::<Vec<_>>())
    };
    let rounded = corners.map(|c| {
        c.iter()
            .map(|v| (v.as_f64().unwrap() * 100.0).round() as i64)
            .collect()
    });
    (annotation["label"].as_str().unwrap().to_owned(), rounded)
}

async fn coco_2017_files_all_land_on_one_sample_per_image(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let files = tree();
    let bucket = s3_bucket(
        &files
            .iter()
            .map(|(p, b)| (format!("coco/{p}"), b.clone()))
            .collect::<Vec<_>>(),
    )
    .await;
    let source = format!("s3://{bucket}/coco/");

    let mut ends = Vec::new();
    for (dataset, options) in [
        ("detected", json!({})),
        ("named", json!({ "format": "COCO" })),
    ] {
        let job = server
            .import(
                &key,
                json!({ "source": source, "dataset": dataset, "credentials": s3_credentials(),
                        "options": options }),
            )
            .await;
        let id = job["id"].as_str().unwrap().to_owned();
        let job = server.wait_job(&key, &id).await;
        let errors = server.get(&format!("/v1/jobs/{id}/errors"), &key).await;
        let samples = server.all_samples(&key, dataset, "").await;
        if dataset == "detected" {
            // The split comes from the name of the first file naming the image.
            let usages: Vec<(&str, &str)> = samples
                .iter()
                .map(|s| {
                    (
                        s["key"].as_str().unwrap(),
                        s["usage"].as_str().unwrap_or("-"),
                    )
                })
                .collect();
            assert_eq!(
                usages,
                [
                    ("test2017/000000000001.jpg", "test"),
                    ("val2017/000000000139.jpg", "eval"),
                    ("val2017/000000000285.jpg", "eval"),
                    ("val2017/000000000632.jpg", "eval")
                ]
            );
        }
        let mut stored = BTreeMap::new();
        for sample in &samples {
            let path = sample["key"].as_str().unwrap();
            let full = server
                .get(&format!("/v1/datasets/{dataset}/samples/{path}"), &key)
                .await;
            stored.insert(path.to_owned(), full["annotations"].clone());
        }
        ends.push((job, errors["items"].clone(), stored));
    }
    let (job, errors, stored) = &ends[0];
    assert_eq!(job["result"]["format"], "coco", "{job}");
    assert_eq!(job["state"], "succeeded", "{job} {errors}");
    let c = &job["counters"];
    assert_eq!(
        (
            c["imported"].as_i64(),
            c["skipped"].as_i64(),
            c["failed"].as_i64()
        ),
        (Some(4), Some(1), Some(0)),
        "four images; the README left out; the panoptic PNGs are no samples: {job}"
    );
    assert_eq!(
        (c["annotations"].as_i64(), c["annotations_skipped"].as_i64()),
        (Some(13), Some(0)),
        "{job}"
    );
    let mut found: Vec<(&str, &str, &str)> = errors
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap(),
                e["code"].as_str().unwrap(),
                e["message"].as_str().unwrap(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found
            .iter()
            .map(|(path, code, _)| (*path, *code))
            .collect::<Vec<_>>(),
        [
            ("README.txt", "not_used"),
            ("val2017/000000000285.jpg", "invalid_value"),
            ("val2017/000000000285.jpg", "out_of_bounds"),
        ],
        "{errors}"
    );
    assert!(
        found[1].2.contains("640×427") && found[1].2.contains("427×640"),
        "the declared and the real size: {}",
        found[1].2
    );
    assert!(
        found[2].2.starts_with("2 of the sample's 3 annotations"),
        "{}",
        found[2].2
    );
    assert_eq!(
        stored.keys().collect::<Vec<_>>(),
        [
            "test2017/000000000001.jpg",
            "val2017/000000000139.jpg",
            "val2017/000000000285.jpg",
            "val2017/000000000632.jpg"
        ]
    );

    // Every file's annotations, each of its own kind, on the one sample of their image.
    let kinds = |path: &str| -> Vec<(String, String, usize)> {
        stored[path]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["label"].as_str().unwrap().to_owned(),
                    a["shape"]["type"].as_str().unwrap().to_owned(),
                    a["parts"].as_array().map_or(0, Vec::len),
                )
            })
            .collect()
    };
    let kind = |label: &str, shape: &str, parts: usize| (label.to_owned(), shape.to_owned(), parts);
    let mut first = kinds("val2017/000000000139.jpg");
    first.sort();
    let mut expected = vec![
        kind("caption", "text", 0),
        kind("caption", "text", 0),
        kind("other", "rle_mask", 0),
        kind("person", "keypoints", 1),
        kind("person", "polygon", 0),
        kind("person", "segment_mask", 0),
        kind("potted plant", "polygon", 0),
        kind("wall-other-merged", "segment_mask", 0),
    ];
    expected.sort();
    assert_eq!(first, expected, "{}", stored["val2017/000000000139.jpg"]);
    let segment = stored["val2017/000000000285.jpg"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["shape"]["type"] == "segment_mask")
        .unwrap();
    assert_eq!(
        segment["shape"],
        json!({"type": "segment_mask", "file": "annotations/panoptic_val2017/000000000285.png", "value": 5931152})
    );
    let crowd = &stored["val2017/000000000632.jpg"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["label"] == "person")
        .unwrap();
    assert_eq!(
        (&crowd["attributes"]["iscrowd"], &crowd["difficult"]),
        (&json!(true), &Value::Null)
    );
    assert!(
        stored["test2017/000000000001.jpg"].is_null()
            || stored["test2017/000000000001.jpg"] == json!([])
    );

    // The same labels and boxes as pycocotools reads, file by file, image by image.
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in COCO_FILES {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let reference = pycocotools_parse(dir.path());
    for (path, annotations) in stored {
        let name = path.rsplit('/').next().unwrap();
        let mut ours: LabelledBoxes = annotations
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| a["shape"]["type"] != "segment_mask")
            .map(label_and_box)
            .collect();
        ours.sort();
        assert_eq!(
            ours,
            reference.get(name).cloned().unwrap_or_default(),
            "{path}"
        );
    }

    // `validate` reports exactly what the import stored, label by label.
    let report = server
        .validate_matches_import(
            &key,
            json!({ "source": source, "credentials": s3_credentials() }),
            "detected",
        )
        .await;
    let stored_annotations: usize = stored
        .values()
        .map(|a| a.as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(report["skipped"], 1, "{report}");
    assert_eq!(stored_annotations, 13);

    // A filter leaves samples out with their annotations, and the job counts both.
    let bears = server
        .import(
            &key,
            json!({ "source": source, "dataset": "bears", "credentials": s3_credentials(),
                    "options": { "included_labels": ["bear"] } }),
        )
        .await;
    let bears = server.wait_job(&key, bears["id"].as_str().unwrap()).await;
    let b = &bears["counters"];
    assert_eq!(
        (
            b["imported"].as_i64(),
            b["skipped"].as_i64(),
            b["annotations"].as_i64(),
            b["annotations_skipped"].as_i64()
        ),
        (Some(1), Some(4), Some(3), Some(10)),
        "one image holds a bear (box, caption, panoptic segment); three images and the README are left out: {bears}"
    );

    // Named as another layout, the source is refused with what it looks like.
    let wrong = server
        .import(
            &key,
            json!({ "source": source, "dataset": "wrong", "credentials": s3_credentials(),
                    "options": { "format": "Pascal_VOC" } }),
        )
        .await;
    let wrong = server.wait_job(&key, wrong["id"].as_str().unwrap()).await;
    assert_eq!(
        (&wrong["state"], &wrong["error_code"]),
        (&json!("failed"), &json!("layout_mismatch")),
        "{wrong}"
    );
    let message = wrong["error_message"].as_str().unwrap();
    assert!(
        message.starts_with("the source does not look like voc:")
            && message.contains("it looks like coco"),
        "{message}"
    );

    // Named in capitals, the format reads the same.
    let (named_job, named_errors, named_stored) = &ends[1];
    assert_eq!(named_job["counters"], job["counters"]);
    let what = |errors: &Value| -> Vec<(Value, Value, Value)> {
        errors
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["path"].clone(), e["code"].clone(), e["message"].clone()))
            .collect()
    };
    assert_eq!(what(named_errors), what(errors));
    assert_eq!(named_stored, stored);
}
