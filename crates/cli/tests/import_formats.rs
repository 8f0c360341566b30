//! Imports that understand their layout: annotations and label sets stored, read back through
//! the API and the CLI, filters applied, bad records reported without stopping the job.

mod common;

use common::{Db, Wharf, jpeg, png, s3_bucket, s3_credentials, s3_operator, write_local_tree};
use serde_json::{Value, json};

on_both_catalogs!(
    coco_from_s3_stores_annotations_labels_and_per_record_errors,
    coco_named_reads_every_coco_file_as_detection_does,
    voc_folder_imports_with_filters_and_reads_back_in_the_cli,
    text_lines_import_as_samples_with_their_text_and_labels,
    a_damaged_image_is_an_item_error_naming_its_file,
    a_failed_item_is_not_absent_and_a_job_whose_every_item_failed_changes_nothing,
);

/// Two images with labels, one record naming a missing category, one box past the image, and
/// one image whose file is not in the bucket.
const COCO: &str = r#"{"images": [
  {"id": 1, "file_name": "a.png", "width": 8, "height": 6},
  {"id": 2, "file_name": "b.png", "width": 8, "height": 6},
  {"id": 3, "file_name": "gone.png", "width": 8, "height": 6},
  {"id": 4, "file_name": "c.png", "width": 8, "height": 6}
 ],
 "annotations": [
  {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]},
  {"id": 2, "image_id": 2, "category_id": 9, "bbox": [1, 1, 2, 2]},
  {"id": 3, "image_id": 2, "category_id": 2, "bbox": [4, 4, 10, 10], "iscrowd": 1},
  {"id": 4, "image_id": 1, "category_id": 2, "bbox": [0, 0, 3, 3],
   "segmentation": [[0, 0, 3, 0, 3, 3]]}
 ],
 "categories": [{"id": 1, "name": "cat", "supercategory": "animal"},
                {"id": 2, "name": "dog", "supercategory": "animal"},
                {"id": 3, "name": "bird", "supercategory": "animal"}]}"#;

async fn coco_from_s3_stores_annotations_labels_and_per_record_errors(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let bucket = s3_bucket(&[
        ("set/images/a.png".to_owned(), png(8, 6)),
        ("set/images/b.png".to_owned(), png(8, 6)),
        ("set/images/c.png".to_owned(), png(8, 6)),
        (
            "set/annotations/instances_val.json".to_owned(),
            COCO.as_bytes().to_vec(),
        ),
    ])
    .await;
    let source = format!("s3://{bucket}/set/");
    let job = server
        .import(
            &key,
            json!({ "source": source, "dataset": "zoo", "credentials": s3_credentials() }),
        )
        .await;
    let job = server.wait_job(&key, job["id"].as_str().unwrap()).await;
    assert_eq!(job["state"], "partial", "{job}");
    assert_eq!(job["result"]["format"], "coco", "detected: {job}");
    let c = &job["counters"];
    assert_eq!(
        (
            c["imported"].as_i64(),
            c["failed"].as_i64(),
            c["processed"].as_i64()
        ),
        (Some(3), Some(2), Some(5)),
        "three samples; the unknown category and the missing image failed: {job}"
    );

    let errors = server
        .get(
            &format!("/v1/jobs/{}/errors", job["id"].as_str().unwrap()),
            &key,
        )
        .await;
    let found: Vec<(&str, &str, Option<i64>, Option<&str>)> = errors["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap(),
                e["severity"].as_str().unwrap(),
                e["line"].as_i64(),
                e["field"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "unknown_reference",
                "error",
                Some(9),
                Some("$.annotations[1].category_id")
            ),
            (
                "out_of_bounds",
                "warning",
                Some(10),
                Some("$.annotations[2].bbox")
            ),
            ("missing_file", "error", None, Some("file_name")),
        ],
        "{errors}"
    );
    assert_eq!(errors["items"][0]["path"], "annotations/instances_val.json");

    let a = server
        .get("/v1/datasets/zoo/samples/images/a.png", &key)
        .await;
    assert_eq!(a["source_format"], "coco");
    assert_eq!(
        a["annotation_count"], 2,
        "a box, and a polygon within its bbox: {a}"
    );
    let shapes: Vec<(&str, &str, &Value)> = a["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["label"].as_str().unwrap(),
                x["shape"]["type"].as_str().unwrap(),
                &x["bounds"],
            )
        })
        .collect();
    assert_eq!(
        shapes,
        vec![
            ("cat", "box", &Value::Null),
            ("dog", "polygon", &json!([0.0, 0.0, 3.0, 3.0]))
        ],
        "{a}"
    );
    assert_eq!(
        (
            a["files"][0]["width"].as_i64(),
            a["files"][0]["height"].as_i64()
        ),
        (Some(8), Some(6))
    );
    let b = server
        .get("/v1/datasets/zoo/samples/images/b.png", &key)
        .await;
    assert_eq!(b["annotations"][0]["label"], "dog");
    assert_eq!(
        (
            &b["annotations"][0]["attributes"]["iscrowd"],
            &b["annotations"][0]["difficult"]
        ),
        (&json!(true), &Value::Null),
        "iscrowd is kept as itself; a crowd is not difficult"
    );
    let c_png = server
        .get("/v1/datasets/zoo/samples/images/c.png", &key)
        .await;
    assert_eq!(
        c_png["annotation_count"], 0,
        "an image without annotations is kept"
    );

    let labels = server.get("/v1/datasets/zoo/labels", &key).await;
    let counts: Vec<(&str, i64, i64, Option<&str>)> = labels
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["name"].as_str().unwrap(),
                l["annotations"].as_i64().unwrap(),
                l["samples"].as_i64().unwrap(),
                l["parent"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        vec![
            ("bird", 0, 0, Some("animal")),
            ("cat", 1, 1, Some("animal")),
            ("dog", 2, 2, Some("animal")),
        ],
        "declared labels are listed even when unused"
    );

    // The same source again: nothing changes, no version is made.
    let again = server
        .import(
            &key,
            json!({ "source": source, "dataset": "zoo", "credentials": s3_credentials() }),
        )
        .await;
    let again = server.wait_job(&key, again["id"].as_str().unwrap()).await;
    assert_eq!(again["counters"]["unchanged"], 3, "{again}");
    assert_eq!(again["counters"]["imported"], 0, "{again}");
    assert_eq!(again["result"]["version_created"], false, "{again}");
    let labels_after = server.get("/v1/datasets/zoo/labels", &key).await;
    assert_eq!(labels_after, labels, "the label set of v1 stands");

    // Only samples carrying `cat`, without their annotations.
    let filtered = server
        .import(
            &key,
            json!({ "source": source, "dataset": "cats", "credentials": s3_credentials(),
                    "options": { "included_labels": ["cat"], "format": "coco" } }),
        )
        .await;
    let filtered = server
        .wait_job(&key, filtered["id"].as_str().unwrap())
        .await;
    assert_eq!(
        (
            filtered["counters"]["imported"].as_i64(),
            filtered["counters"]["skipped"].as_i64()
        ),
        (Some(1), Some(2)),
        "{filtered}"
    );
    let cats = server.all_samples(&key, "cats", "").await;
    assert_eq!(cats.len(), 1);
    assert_eq!(cats[0]["key"], "images/a.png");

    let (status, missing) = server
        .send(
            "GET",
            "/v1/datasets/zoo/samples/images/nope.png",
            Some(&key),
            None,
        )
        .await;
    assert_eq!(status, 404, "{missing}");
    assert_eq!(missing["error"]["code"], "not_found");
}

fn voc(objects: &[(&str, bool)]) -> Vec<u8> {
    let mut xml = String::from(
        "<annotation><filename>x.jpg</filename><size><width>8</width><height>6</height><depth>3</depth></size>",
    );
    for (name, difficult) in objects {
        xml.push_str(&format!(
            "<object><name>{name}</name><difficult>{}</difficult><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>4</xmax><ymax>4</ymax></bndbox></object>",
            u8::from(*difficult)
        ));
    }
    xml.push_str("</annotation>");
    xml.into_bytes()
}

/// With `format: coco`, the first COCO file is read while the bucket is still being listed;
/// the import must end exactly as a detected one does, every COCO file read.
async fn coco_named_reads_every_coco_file_as_detection_does(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let train = r#"{"images": [{"id": 7, "file_name": "d.png", "width": 8, "height": 6}],
        "annotations": [{"id": 1, "image_id": 7, "category_id": 1, "bbox": [1, 1, 2, 2]}],
        "categories": [{"id": 1, "name": "cat"}]}"#;
    let bucket = s3_bucket(&[
        (
            "set/annotations/a_notes.json".to_owned(),
            br#"{"note": "not COCO"}"#.to_vec(),
        ),
        (
            "set/annotations/instances_train.json".to_owned(),
            train.as_bytes().to_vec(),
        ),
        (
            "set/annotations/instances_val.json".to_owned(),
            COCO.as_bytes().to_vec(),
        ),
        ("set/images/a.png".to_owned(), png(8, 6)),
        ("set/images/b.png".to_owned(), png(8, 6)),
        ("set/images/c.png".to_owned(), png(8, 6)),
        ("set/images/d.png".to_owned(), png(8, 6)),
    ])
    .await;
    let source = format!("s3://{bucket}/set/");
    let mut ends = Vec::new();
    for (dataset, options) in [
        ("named", json!({"format": "coco"})),
        ("detected", json!({})),
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
        let samples = server
            .get(
                &format!("/v1/datasets/{dataset}/samples?prefix=images/"),
                &key,
            )
            .await;
        let keys: Vec<String> = samples["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["key"].as_str().unwrap().to_owned())
            .collect();
        ends.push((
            job["state"].clone(),
            job["counters"]["imported"].clone(),
            job["counters"]["failed"].clone(),
            errors["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| (e["path"].clone(), e["line"].clone(), e["field"].clone()))
                .collect::<Vec<_>>(),
            keys,
        ));
    }
    assert_eq!(
        ends[1].4,
        [
            "images/a.png",
            "images/b.png",
            "images/c.png",
            "images/d.png"
        ],
        "both COCO files were read: {ends:?}"
    );
    // The notes file is neither data nor COCO: left out, and said so, however the layout was
    // chosen.
    assert_eq!(
        (ends[0].1.as_i64(), ends[1].1.as_i64()),
        (Some(4), Some(4)),
        "{ends:?}"
    );
    assert_eq!(
        ends[1].3.last(),
        Some(&(json!("annotations/a_notes.json"), Value::Null, Value::Null)),
        "{ends:?}"
    );
    assert_eq!(ends[0], ends[1], "named and detected imports end alike");
}

async fn voc_folder_imports_with_filters_and_reads_back_in_the_cli(db: Db) {
    let wharf = Wharf::new(db).await;
    let dir = wharf.root().join("voc");
    write_local_tree(
        &dir,
        &[
            ("a.png".to_owned(), png(8, 6)),
            ("a.xml".to_owned(), voc(&[("cat", false), ("dog", true)])),
            ("b.png".to_owned(), png(8, 6)),
            ("b.xml".to_owned(), voc(&[("cat", false)])),
            ("c.png".to_owned(), png(8, 6)),
            (
                "c.xml".to_owned(),
                b"<annotation><object><name>cat".to_vec(),
            ),
            ("d.png".to_owned(), png(8, 6)),
        ],
    );
    let dir = dir.to_str().unwrap();
    let out = wharf.run(&[
        "import",
        dir,
        "--dataset",
        "pets",
        "--format",
        "voc",
        "--json",
    ]);
    let job: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a broken XML makes the job partial: {job}"
    );
    assert_eq!(job["counters"]["imported"], 4, "{job}");
    assert_eq!(job["errors"][0]["path"], "c.xml", "{job}");

    let shown = wharf.run(&["samples", "show", "pets", "a.png"]);
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.status.success(), "{text}");
    assert!(text.contains("format       voc"), "{text}");
    assert!(text.contains("annotations  2"), "{text}");
    assert!(text.contains("difficult"), "{text}");
    assert!(text.contains("8x6"), "{text}");

    let listed = wharf.run(&["labels", "ls", "pets", "--json"]);
    let labels: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let counts: Vec<(&str, i64, i64)> = labels
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["name"].as_str().unwrap(),
                l["annotations"].as_i64().unwrap(),
                l["samples"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counts, vec![("cat", 2, 2), ("dog", 1, 1)]);

    let out = wharf.run(&[
        "import",
        dir,
        "--dataset",
        "hard",
        "--format",
        "voc",
        "--difficult-only",
        "--json",
    ]);
    let job: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(job["counters"]["imported"], 1, "{job}");
    let out = wharf.run(&[
        "import",
        dir,
        "--dataset",
        "nodogs",
        "--format",
        "voc",
        "--exclude-label",
        "dog",
        "--no-annotations",
        "--json",
    ]);
    let job: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            job["counters"]["imported"].as_i64(),
            job["counters"]["skipped"].as_i64()
        ),
        (Some(3), Some(1)),
        "labels filter even when they are not imported: {job}"
    );
    let shown = wharf.run(&["samples", "show", "nodogs", "b.png", "--json"]);
    let b: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(b["annotation_count"], 0, "{b}");

    let bad = wharf.run(&["import", dir, "--dataset", "x", "--format", "pascal"]);
    assert_eq!(
        bad.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected one of coco, voc"));
}

/// ModelArts text classification: each line of a text file is a sample keyed `file:line`,
/// with its text and its labels; an edited line is a new revision, the others stay.
async fn text_lines_import_as_samples_with_their_text_and_labels(db: Db) {
    let wharf = Wharf::new(db).await;
    let dir = wharf.root().join("reviews");
    let write = |text: &str| {
        write_local_tree(
            &dir,
            &[("reviews.txt".to_owned(), text.as_bytes().to_vec())],
        )
    };
    write("great film\tpositive\nawful plot\tnegative,boring\n");
    let import = || {
        let out = wharf.run(&[
            "import",
            dir.to_str().unwrap(),
            "--dataset",
            "reviews",
            "--format",
            "modelarts_dir",
            "--json",
        ]);
        let job: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "{job}");
        job
    };
    assert_eq!(import()["counters"]["imported"], 2);

    let shown = wharf.run(&["samples", "show", "reviews", "reviews.txt:2", "--json"]);
    let sample: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(sample["text"], "awful plot", "{sample}");
    let labels: Vec<(&str, &str)> = sample["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["label"].as_str().unwrap(),
                a["shape"]["type"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(labels, [("negative", "class"), ("boring", "class")]);
    let human = wharf.run(&["samples", "show", "reviews", "reviews.txt:1"]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("text         great film"));
    let listed = wharf.run(&["labels", "ls", "reviews", "--json"]);
    let names: Vec<String> = serde_json::from_slice::<Value>(&listed.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        ["boring", "negative", "positive"],
        "no label without a name"
    );

    write("great film\tpositive\nawful plot, but fun\tnegative\n");
    let again = import();
    assert_eq!(
        (
            again["counters"]["imported"].as_i64(),
            again["counters"]["unchanged"].as_i64()
        ),
        (Some(1), Some(1)),
        "only the edited line is a new revision: {again}"
    );
    let shown = wharf.run(&["samples", "show", "reviews", "reviews.txt:2", "--json"]);
    let sample: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(sample["text"], "awful plot, but fun");
}

/// A `.jpg` whose bytes are no JPEG is an item error naming the file, what its first bytes are
/// and what a JPEG starts with; the job goes on and ends partial. An SVG (an image whose
/// header Wharf does not read), a sound JPEG and a PNG cut short after its signature import.
async fn a_damaged_image_is_an_item_error_naming_its_file(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>"#;
    let bucket = s3_bucket(&[
        ("shots/good.jpg".to_owned(), jpeg(12, 7)),
        ("shots/damaged.jpg".to_owned(), b"\x00\x01garbage".to_vec()),
        ("shots/logo.svg".to_owned(), svg.to_vec()),
        ("shots/cut.png".to_owned(), png(8, 6)[..12].to_vec()),
    ])
    .await;
    let job = server
        .import(
            &key,
            json!({ "source": format!("s3://{bucket}/shots/"), "dataset": "shots",
                    "credentials": s3_credentials() }),
        )
        .await;
    let job = server.wait_job(&key, job["id"].as_str().unwrap()).await;
    assert_eq!(job["state"], "partial", "{job}");
    let c = &job["counters"];
    assert_eq!(
        (
            c["processed"].as_i64(),
            c["imported"].as_i64(),
            c["failed"].as_i64()
        ),
        (Some(4), Some(3), Some(1)),
        "{job}"
    );

    let errors = server
        .get(
            &format!("/v1/jobs/{}/errors", job["id"].as_str().unwrap()),
            &key,
        )
        .await;
    let items = errors["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{errors}");
    let error = &items[0];
    assert_eq!(
        (&error["path"], &error["code"], &error["severity"]),
        (
            &json!("damaged.jpg"),
            &json!("invalid_header"),
            &json!("error")
        ),
        "{error}"
    );
    let message = error["message"].as_str().unwrap();
    for part in [
        "damaged.jpg",
        "not a JPEG header",
        "found: 00 01 67 61 72 62 61 67",
        "expected: a JPEG file, starting FF D8 FF",
    ] {
        assert!(message.contains(part), "{part:?} in {message}");
    }

    let samples = server.all_samples(&key, "shots", "").await;
    let sizes: Vec<(&str, Option<i64>, Option<i64>)> = samples
        .iter()
        .map(|s| {
            let file = &s["files"][0];
            (
                s["key"].as_str().unwrap(),
                file["width"].as_i64(),
                file["height"].as_i64(),
            )
        })
        .collect();
    assert_eq!(
        sizes,
        [
            ("cut.png", None, None),
            ("good.jpg", Some(12), Some(7)),
            ("logo.svg", None, None),
        ],
        "{samples:?}"
    );

    // Validate reads the headers too: it reports the damaged file, and counts what the
    // import stored.
    let report = server
        .validate_matches_import(
            &key,
            json!({ "source": format!("s3://{bucket}/shots/"), "credentials": s3_credentials() }),
            "shots",
        )
        .await;
    let damaged: Vec<&serde_json::Value> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["file"] == "damaged.jpg")
        .collect();
    assert_eq!(damaged.len(), 1, "{report}");
    assert_eq!(
        (&damaged[0]["code"], &damaged[0]["severity"]),
        (&json!("invalid_header"), &json!("error")),
        "{report}"
    );
    assert_eq!(report["errors"], 1, "{report}");
}

/// A file that cannot be read this time is still in the source: re-imported, its sample keeps
/// the revision it had rather than being marked removed. A job whose every item failed imports
/// nothing: it fails, says why, and the dataset is as it was.
async fn a_failed_item_is_not_absent_and_a_job_whose_every_item_failed_changes_nothing(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let bucket = s3_bucket(&[
        ("shots/a.jpg".to_owned(), jpeg(12, 7)),
        ("shots/b.jpg".to_owned(), jpeg(8, 8)),
    ])
    .await;
    let request = json!({ "source": format!("s3://{bucket}/shots/"), "dataset": "shots",
                          "credentials": s3_credentials() });
    let run = |request: Value| {
        let server = &server;
        let key = key.clone();
        async move {
            let job = server.import(&key, request).await;
            server.wait_job(&key, job["id"].as_str().unwrap()).await
        }
    };
    let first = run(request.clone()).await;
    assert_eq!(first["state"], "succeeded", "{first}");

    let op = s3_operator(&bucket);
    op.write("shots/b.jpg", b"not a jpeg any more".to_vec())
        .await
        .unwrap();
    let second = run(request.clone()).await;
    assert_eq!(second["state"], "partial", "{second}");
    assert_eq!(
        (
            second["counters"]["unchanged"].as_i64(),
            second["counters"]["failed"].as_i64(),
            second["counters"]["removed"].as_i64()
        ),
        (Some(1), Some(1), Some(0)),
        "the failed item is not removed: {second}"
    );
    let keys: Vec<String> = server
        .all_samples(&key, "shots", "")
        .await
        .iter()
        .map(|s| s["key"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(keys, ["a.jpg", "b.jpg"], "b.jpg keeps its revision");

    op.write("shots/a.jpg", Vec::<u8>::new()).await.unwrap();
    let third = run(request).await;
    assert_eq!(
        (third["state"].as_str(), third["error_code"].as_str()),
        (Some("failed"), Some("item_read_failed")),
        "{third}"
    );
    let message = third["error_message"].as_str().unwrap_or_default();
    assert!(
        message.contains("every one of the job's 2 items failed") && message.contains("a.jpg"),
        "{third}"
    );
    let dataset = server.get("/v1/datasets/shots", &key).await;
    assert_eq!(dataset["latest_version"], 1, "no new version: {dataset}");
    assert_eq!(server.all_samples(&key, "shots", "").await.len(), 2);
}
