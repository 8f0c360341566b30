//! YOLO as users have it: an Ultralytics tree with its splits, an `Images/` + `Annotations/`
//! export, an oriented-box (OBB) dataset and a DOTA tree, imported from S3 and checked through
//! the API: every annotation on its image in pixels, splits as usage, structure files neither
//! samples nor problems, a README reported as not used, auto-detection and `"format": "yolo"`
//! giving the same samples, and `validate` saying exactly what `import` stores.

mod common;

use common::{Db, Server, Wharf, png, s3_bucket, s3_credentials};
use serde_json::{Value, json};

on_both_catalogs!(
    an_ultralytics_tree_imports_its_splits_as_usage_and_leaves_structure_out,
    an_images_and_annotations_export_pairs_in_any_case,
    a_darknet_tree_takes_its_splits_from_obj_data,
    oriented_boxes_import_as_rotated_boxes_in_pixels,
);

fn file(path: &str, bytes: impl Into<Vec<u8>>) -> (String, Vec<u8>) {
    (path.to_owned(), bytes.into())
}

/// What a user sees of an import: the job, its errors and every sample with its annotations.
struct Imported {
    job: Value,
    errors: Vec<Value>,
    samples: Vec<Value>,
}

/// A sample's key, usage, and its annotations' labels and shape types.
type SampleUsage<'a> = (&'a str, Option<&'a str>, Vec<(&'a str, &'a str)>);

impl Imported {
    fn sample(&self, key: &str) -> &Value {
        self.samples
            .iter()
            .find(|s| s["key"] == key)
            .unwrap_or_else(|| panic!("no sample {key} in {:?}", self.keys()))
    }

    fn keys(&self) -> Vec<&str> {
        self.samples
            .iter()
            .map(|s| s["key"].as_str().unwrap_or_default())
            .collect()
    }

    /// Every sample as (key, usage, annotation labels and shape types).
    fn usages(&self) -> Vec<SampleUsage<'_>> {
        self.samples
            .iter()
            .map(|s| {
                (
                    s["key"].as_str().unwrap_or_default(),
                    s["usage"].as_str(),
                    shapes(s),
                )
            })
            .collect()
    }

    /// What a user compares between two imports of one source: keys, usage, format and
    /// annotations, not ids or versions.
    fn comparable(&self) -> Vec<Value> {
        self.samples
            .iter()
            .map(|s| {
                json!([
                    s["key"],
                    s["usage"],
                    s["source_format"],
                    s["annotation_count"],
                    s["annotations"]
                ])
            })
            .collect()
    }

    fn annotation_count(&self) -> i64 {
        self.samples
            .iter()
            .map(|s| s["annotation_count"].as_i64().unwrap_or_default())
            .sum()
    }
}

fn shapes(sample: &Value) -> Vec<(&str, &str)> {
    sample["annotations"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|a| {
                    (
                        a["label"].as_str().unwrap_or_default(),
                        a["shape"]["type"].as_str().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn import(
    server: &Server,
    key: &str,
    source: &str,
    dataset: &str,
    format: Option<&str>,
) -> Imported {
    let mut request =
        json!({ "source": source, "dataset": dataset, "credentials": s3_credentials() });
    if let Some(format) = format {
        request["options"] = json!({ "format": format });
    }
    let job = server.import(key, request).await;
    let id = job["id"].as_str().expect("job id").to_owned();
    let job = server.wait_job(key, &id).await;
    let errors = server.get(&format!("/v1/jobs/{id}/errors"), key).await["items"]
        .as_array()
        .expect("items")
        .clone();
    let mut samples = Vec::new();
    for listed in server.all_samples(key, dataset, "").await {
        let path = listed["key"].as_str().expect("key");
        samples.push(
            server
                .get(&format!("/v1/datasets/{dataset}/samples/{path}"), key)
                .await,
        );
    }
    Imported {
        job,
        errors,
        samples,
    }
}

/// An item error as (code, severity, path, line).
fn reported(errors: &[Value]) -> Vec<(&str, &str, &str, Option<i64>)> {
    errors
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap_or_default(),
                e["severity"].as_str().unwrap_or_default(),
                e["path"].as_str().unwrap_or_default(),
                e["line"].as_i64(),
            )
        })
        .collect()
}

/// Imports `source` into `{dataset}-detected` and, with `"format": "YOLO"`, into
/// `{dataset}-named`; checks both give the same samples and that `POST /v1/validate` reports
/// what they stored. Returns the detected import.
async fn import_both_ways_and_validate(
    server: &Server,
    key: &str,
    source: &str,
    dataset: &str,
) -> Imported {
    let detected = import(server, key, source, &format!("{dataset}-detected"), None).await;
    assert_eq!(detected.job["result"]["format"], "yolo", "{}", detected.job);
    let named = import(
        server,
        key,
        source,
        &format!("{dataset}-named"),
        Some("YOLO"),
    )
    .await;
    assert_eq!(
        detected.comparable(),
        named.comparable(),
        "auto-detection and --format yolo give the same samples"
    );
    assert_eq!(reported(&detected.errors), reported(&named.errors));
    assert_eq!(detected.job["counters"], named.job["counters"]);

    let report = server
        .validate_matches_import(
            key,
            json!({ "source": source, "credentials": s3_credentials() }),
            &format!("{dataset}-detected"),
        )
        .await;
    assert_eq!(report["format"], "yolo", "{report}");
    assert_eq!(
        (report["samples"].as_i64(), report["annotations"].as_i64()),
        (
            Some(detected.samples.len() as i64),
            Some(detected.annotation_count())
        ),
        "validate reports what import stored: {report}"
    );
    assert_eq!(
        detected.job["counters"]["annotations"].as_i64(),
        Some(detected.annotation_count()),
        "{}",
        detected.job
    );
    assert_eq!(
        report["errors"]
            .as_u64()
            .zip(report["warnings"].as_u64())
            .map(|(e, w)| e + w),
        Some(detected.errors.len() as u64),
        "validate and import report the same problems: {report}"
    );
    detected
}

/// `[x_min, y_min, x_max, y_max]` of a box annotation, rounded to 1/1000 pixel.
fn pixel_box(annotation: &Value) -> [f64; 4] {
    let shape = &annotation["shape"];
    assert_eq!(shape["type"], "box", "{annotation}");
    ["x_min", "y_min", "x_max", "y_max"].map(|k| rounded(&shape[k]))
}

/// `[cx, cy, width, height, angle in degrees]` of a rotated box annotation, rounded.
fn rotated_box(annotation: &Value) -> [f64; 5] {
    let shape = &annotation["shape"];
    assert_eq!(shape["type"], "rotated_box", "{annotation}");
    let angle = shape["angle"].as_f64().unwrap_or(f64::NAN).to_degrees();
    [
        rounded(&shape["cx"]),
        rounded(&shape["cy"]),
        rounded(&shape["width"]),
        rounded(&shape["height"]),
        (angle * 1e3).round() / 1e3,
    ]
}

fn rounded(value: &Value) -> f64 {
    (value.as_f64().unwrap_or(f64::NAN) * 1e3).round() / 1e3
}

/// An Ultralytics tree as `yolo export` and Roboflow leave it: `data.yaml` with a dataset root
/// from another machine, folder splits and a `.txt` list, the labels cache, an image without a
/// label file, a root split list beside an image of its stem, and a README.
fn ultralytics_tree() -> Vec<(String, Vec<u8>)> {
    vec![
        file(
            "coco/data.yaml",
            "# Ultralytics YOLO, AGPL-3.0 license\npath: ../datasets/coco # dataset root dir\ntrain: images/train\nval: images/val\ntest: [images/test, extra.txt]\n\nnames:\n  0: cat\n  1: dog\n",
        ),
        file("coco/images/train/a.png", png(100, 50)),
        file(
            "coco/labels/train/a.txt",
            "0 0.5 0.5 0.2 0.4\n1 0.25 0.25 0.1 0.1\n",
        ),
        file("coco/images/train/b.png", png(200, 100)),
        file("coco/labels/train/b.txt", "1 0.1 0.1 0.4 0.1 0.3 0.5\n"),
        file(
            "coco/labels/train.cache",
            b"\x80\x04\x95cache\x00\xff".to_vec(),
        ),
        file("coco/images/val/c.png", png(64, 64)),
        file("coco/labels/val/c.txt", "0 0.5 0.5 1 1\n"),
        file("coco/images/test/d.png", png(32, 32)),
        file("coco/images/misc/e.png", png(16, 16)),
        file(
            "coco/extra.txt",
            "./images/misc/e.png\n./images/misc/gone.png\n",
        ),
        file("coco/train.png", png(8, 8)),
        file(
            "coco/train.txt",
            "./images/train/a.png\n./images/train/b.png\n",
        ),
        file(
            "coco/README.txt",
            "COCO subset, see https://cocodataset.org\n",
        ),
    ]
}

async fn an_ultralytics_tree_imports_its_splits_as_usage_and_leaves_structure_out(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let bucket = s3_bucket(&ultralytics_tree()).await;
    let source = format!("s3://{bucket}/coco/");
    let imported = import_both_ways_and_validate(&server, &key, &source, "coco").await;

    let job = &imported.job;
    assert_eq!(job["state"], "succeeded", "warnings only: {job}");
    let counters = &job["counters"];
    assert_eq!(
        (
            counters["imported"].as_i64(),
            counters["failed"].as_i64(),
            counters["skipped"].as_i64(),
            counters["annotations"].as_i64()
        ),
        (Some(6), Some(0), Some(1), Some(4)),
        "six images; the README skipped: {job}"
    );
    assert_eq!(
        imported.usages(),
        [
            ("images/misc/e.png", Some("test"), vec![]),
            ("images/test/d.png", Some("test"), vec![]),
            (
                "images/train/a.png",
                Some("train"),
                vec![("cat", "box"), ("dog", "box")]
            ),
            (
                "images/train/b.png",
                Some("train"),
                vec![("dog", "polygon")]
            ),
            ("images/val/c.png", Some("eval"), vec![("cat", "box")]),
            ("train.png", None, vec![]),
        ],
        "the cache, data.yaml, the split lists and the README are not samples; train.txt is not train.png's labels"
    );
    let a = imported.sample("images/train/a.png");
    assert_eq!(a["source_format"], "yolo");
    let boxes: Vec<[f64; 4]> = a["annotations"]
        .as_array()
        .expect("annotations")
        .iter()
        .map(pixel_box)
        .collect();
    assert_eq!(boxes, [[40.0, 15.0, 60.0, 35.0], [20.0, 10.0, 30.0, 15.0]]);
    assert_eq!(a["annotations"][1]["attributes"]["class_index"], 1);
    let b = imported.sample("images/train/b.png");
    assert_eq!(
        b["annotations"][0]["shape"]["rings"],
        json!([[[20.0, 10.0], [80.0, 10.0], [60.0, 50.0]]])
    );
    assert_eq!(
        reported(&imported.errors),
        [
            ("missing_file", "warning", "extra.txt", Some(2)),
            ("not_used", "warning", "README.txt", None),
        ],
        "{:#?}",
        imported.errors
    );
    assert!(
        imported.errors[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("./images/misc/gone.png")),
        "{:#?}",
        imported.errors
    );

    let labels = server.get("/v1/datasets/coco-detected/labels", &key).await;
    let names: Vec<(&str, i64)> = labels
        .as_array()
        .expect("labels")
        .iter()
        .map(|l| {
            (
                l["name"].as_str().unwrap_or_default(),
                l["annotations"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(names, [("cat", 2), ("dog", 2)]);
}

async fn an_images_and_annotations_export_pairs_in_any_case(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let bucket = s3_bucket(&[
        file("export/classes.txt", "person\ncar\n"),
        file("export/train/Images/p.png", png(80, 40)),
        file("export/train/Annotations/p.txt", "1 0.5 0.5 0.5 0.5\n"),
        file("export/train/Images/unlabelled.png", png(10, 10)),
        file("export/valid/IMAGES/q.png", png(40, 40)),
        file("export/valid/annotations/q.txt", "0 0.25 0.25 0.5 0.5\n"),
        file("export/valid/annotations/orphan.txt", "0 0.5 0.5 0.1 0.1\n"),
        file("export/README.txt", "exported by a labelling tool\n"),
    ])
    .await;
    let source = format!("s3://{bucket}/export/");
    let imported = import_both_ways_and_validate(&server, &key, &source, "export").await;

    assert_eq!(imported.job["state"], "succeeded", "{}", imported.job);
    assert_eq!(
        imported.usages(),
        [
            ("train/Images/p.png", Some("train"), vec![("car", "box")]),
            ("train/Images/unlabelled.png", Some("train"), vec![]),
            ("valid/IMAGES/q.png", Some("eval"), vec![("person", "box")]),
        ]
    );
    assert_eq!(
        pixel_box(&imported.sample("train/Images/p.png")["annotations"][0]),
        [20.0, 10.0, 60.0, 30.0]
    );
    assert_eq!(
        pixel_box(&imported.sample("valid/IMAGES/q.png")["annotations"][0]),
        [0.0, 0.0, 20.0, 20.0]
    );
    assert_eq!(
        reported(&imported.errors),
        [
            ("not_used", "warning", "README.txt", None),
            ("not_used", "warning", "valid/annotations/orphan.txt", None),
        ],
        "a label file without its image is reported, never read as a sample"
    );
}

/// Darknet as ModelArts exports it: `obj.data` names the lists, whose paths start from
/// Darknet's own folder (`data/…`).
async fn a_darknet_tree_takes_its_splits_from_obj_data(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let bucket = s3_bucket(&[
        file(
            "darknet/obj.data",
            "classes = 2\nnames = data/obj.names\ntrain = data/train.txt\nvalid = data/valid.txt\nbackup = backup/\n",
        ),
        file("darknet/obj.names", "cat\ndog\n"),
        file("darknet/train.txt", "data/obj_train_data/a.png\n"),
        file("darknet/valid.txt", "data/obj_train_data/b.png\n"),
        file("darknet/obj_train_data/a.png", png(10, 10)),
        file("darknet/obj_train_data/a.txt", "1 0.5 0.5 0.2 0.2\n"),
        file("darknet/obj_train_data/b.png", png(10, 10)),
        file("darknet/obj_train_data/b.txt", "0 0.5 0.5 0.2 0.2\n"),
    ])
    .await;
    let source = format!("s3://{bucket}/darknet/");
    let imported = import_both_ways_and_validate(&server, &key, &source, "darknet").await;
    assert_eq!(imported.job["state"], "succeeded", "{}", imported.job);
    assert!(imported.errors.is_empty(), "{:#?}", imported.errors);
    assert_eq!(
        imported.usages(),
        [
            ("obj_train_data/a.png", Some("train"), vec![("dog", "box")]),
            ("obj_train_data/b.png", Some("eval"), vec![("cat", "box")]),
        ]
    );
}

/// A label line of four normalised corners, clockwise from the top-left one, of a box of
/// `width` × `height` pixels turned by `degrees` about (`cx`, `cy`), in an image of `size`.
fn corners(class: u32, [cx, cy, width, height, degrees]: [f64; 5], size: (f64, f64)) -> String {
    let (sin, cos) = degrees.to_radians().sin_cos();
    let points: Vec<String> = [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)]
        .iter()
        .map(|(u, v)| {
            let x = cx + u * width * cos - v * height * sin;
            let y = cy + u * width * sin + v * height * cos;
            format!("{:.6} {:.6}", x / size.0, y / size.1)
        })
        .collect();
    format!("{class} {}\n", points.join(" "))
}

async fn oriented_boxes_import_as_rotated_boxes_in_pixels(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let size = (200.0, 100.0);
    let turned = corners(0, [100.0, 50.0, 40.0, 20.0, 30.0], size);
    let trapezoid = "1 0.6 0.1 0.8 0.1 0.75 0.3 0.65 0.3\n";
    let rectangle = corners(1, [40.0, 30.0, 20.0, 10.0, 0.0], size);
    let bucket = s3_bucket(&[
        // An Ultralytics OBB dataset that says so.
        file(
            "obb/data.yaml",
            "path: ../datasets/dota8\ntrain: images/train\nval: images/val\ntask: obb\nnames:\n  0: plane\n  1: ship\n",
        ),
        file("obb/images/train/o.png", png(200, 100)),
        file("obb/labels/train/o.txt", format!("{turned}{trapezoid}")),
        file("obb/images/val/s.png", png(200, 100)),
        file("obb/labels/val/s.txt", rectangle.clone()),
        // The same lines where no data.yaml says the task: the points decide.
        file("plain/classes.txt", "plane\nship\n"),
        file("plain/images/o.png", png(200, 100)),
        file("plain/labels/o.txt", format!("{turned}{trapezoid}")),
        file(
            "plain/images/segments.png",
            png(200, 100),
        ),
        file(
            "plain/labels/segments.txt",
            format!("{rectangle}0 0.1 0.1 0.2 0.1 0.15 0.2\n"),
        ),
        // DOTA's own form, in pixels, with its header lines.
        file("dota/train/images/P0001.png", png(1024, 1024)),
        file(
            "dota/train/labelTxt/P0001.txt",
            "imagesource:GoogleEarth\ngsd:0.146343590398\n100 100 220 100 220 140 100 140 plane 0\n300 300 360 300 350 330 310 330 small-vehicle 1\n",
        ),
    ])
    .await;

    let obb =
        import_both_ways_and_validate(&server, &key, &format!("s3://{bucket}/obb/"), "obb").await;
    assert_eq!(obb.job["state"], "succeeded", "{}", obb.job);
    assert!(obb.errors.is_empty(), "{:#?}", obb.errors);
    assert_eq!(
        obb.usages(),
        [
            (
                "images/train/o.png",
                Some("train"),
                vec![("plane", "rotated_box"), ("ship", "rotated_box")]
            ),
            (
                "images/val/s.png",
                Some("eval"),
                vec![("ship", "rotated_box")]
            ),
        ]
    );
    let o = &obb.sample("images/train/o.png")["annotations"];
    assert_eq!(rotated_box(&o[0]), [100.0, 50.0, 40.0, 20.0, 30.0]);
    assert_eq!(
        rotated_box(&o[1]),
        [140.0, 20.0, 40.0, 20.0, 0.0],
        "task: obb fits the smallest rectangle around a quadrilateral"
    );
    assert_eq!(
        o[1]["attributes"]["quadrilateral"],
        json!([[120.0, 10.0], [160.0, 10.0], [150.0, 30.0], [130.0, 30.0]]),
        "and keeps its points"
    );
    assert_eq!(
        rotated_box(&obb.sample("images/val/s.png")["annotations"][0]),
        [40.0, 30.0, 20.0, 10.0, 0.0]
    );

    let plain =
        import_both_ways_and_validate(&server, &key, &format!("s3://{bucket}/plain/"), "plain")
            .await;
    assert_eq!(
        plain.usages(),
        [
            (
                "images/o.png",
                None,
                vec![("plane", "rotated_box"), ("ship", "polygon")]
            ),
            (
                "images/segments.png",
                None,
                vec![("ship", "polygon"), ("plane", "polygon")]
            ),
        ],
        "without task: obb, a quadrilateral that is not a rectangle stays a polygon, and so does \
         a rectangle among segments"
    );

    let dota =
        import_both_ways_and_validate(&server, &key, &format!("s3://{bucket}/dota/"), "dota").await;
    assert_eq!(dota.job["state"], "succeeded", "{}", dota.job);
    let p = dota.sample("train/images/P0001.png");
    assert_eq!(p["usage"], "train");
    let annotations = p["annotations"].as_array().expect("annotations");
    assert_eq!(annotations.len(), 2, "the header lines are no objects");
    assert_eq!(
        (
            annotations[0]["label"].as_str(),
            annotations[0]["source_format"].as_str(),
            annotations[0].get("difficult").and_then(Value::as_bool)
        ),
        (Some("plane"), Some("dota"), None)
    );
    assert_eq!(
        rotated_box(&annotations[0]),
        [160.0, 120.0, 120.0, 40.0, 0.0]
    );
    assert_eq!(
        (
            annotations[1]["label"].as_str(),
            annotations[1]["difficult"].as_bool()
        ),
        (Some("small-vehicle"), Some(true))
    );
    assert_eq!(
        rotated_box(&annotations[1]),
        [330.0, 315.0, 60.0, 30.0, 0.0]
    );
    let labels = server.get("/v1/datasets/dota-detected/labels", &key).await;
    let names: Vec<&str> = labels
        .as_array()
        .expect("labels")
        .iter()
        .map(|l| l["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        ["plane", "small-vehicle"],
        "DOTA's classes are its lines'"
    );
}
