//! ModelArts manifests as they are found in the wild: several labelling jobs' lines
//! concatenated (one source named by several lines), one VOC file named by several lines,
//! and speech transcripts, which carry no label.

mod common;

use common::{Db, Wharf, jpeg, s3_bucket, s3_credentials};
use serde_json::{Value, json};

on_both_catalogs!(manifest_lines_of_one_source_are_one_sample_and_shared_voc_files_serve_each,);

const SHARED_VOC: &str = "<annotation><filename>a.jpg</filename>\
    <size><width>64</width><height>48</height><depth>3</depth></size>\
    <object><name>car</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>30</xmax><ymax>20</ymax></bndbox></object>\
    <object><name>bus</name><bndbox><xmin>31</xmin><ymin>2</ymin><xmax>60</xmax><ymax>40</ymax></bndbox></object>\
    </annotation>";

fn manifest(bucket: &str) -> String {
    let at = |key: &str| format!("s3://{bucket}/set/{key}");
    [
        json!({"source": at("images/a.jpg"), "usage": "TRAIN", "annotation": [
            {"type": "modelarts/image_classification", "name": "street"}]}),
        json!({"source": at("images/b.jpg"), "annotation": [
            {"type": "modelarts/object_detection", "annotation-loc": at("labels/shared.xml"),
             "annotation-format": "PASCAL VOC"}]}),
        json!({"source": at("audio/c.wav"), "annotation": [
            {"type": "modelarts/audio_content", "property": {"@modelarts:content": "Today is a good day."}}]}),
        json!({"source": at("images/a.jpg"), "annotation": [
            {"type": "modelarts/object_detection", "annotation-loc": at("labels/shared.xml"),
             "annotation-format": "PASCAL VOC"},
            {"type": "modelarts/image_classification", "name": "day"}]}),
    ]
    .iter()
    .map(|line| format!("{line}\n"))
    .collect()
}

async fn manifest_lines_of_one_source_are_one_sample_and_shared_voc_files_serve_each(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let bucket = s3_bucket(&[
        ("set/images/a.jpg".to_owned(), jpeg(64, 48)),
        ("set/images/b.jpg".to_owned(), jpeg(64, 48)),
        ("set/audio/c.wav".to_owned(), b"RIFF\0\0\0\0WAVE".to_vec()),
        (
            "set/labels/shared.xml".to_owned(),
            SHARED_VOC.as_bytes().to_vec(),
        ),
    ])
    .await;
    // The manifest names the bucket, which is only known now.
    let operator = common::s3_operator(&bucket);
    operator
        .write("set/manifests/all.manifest", manifest(&bucket))
        .await
        .unwrap();
    let source = format!("s3://{bucket}/set/");
    let job = server
        .import(
            &key,
            json!({ "source": source, "dataset": "street", "credentials": s3_credentials() }),
        )
        .await;
    let id = job["id"].as_str().unwrap().to_owned();
    let job = server.wait_job(&key, &id).await;
    assert_eq!(job["result"]["format"], "modelarts_manifest", "{job}");
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["counters"]["imported"], 3, "{job}");
    let errors = server.get(&format!("/v1/jobs/{id}/errors"), &key).await;
    let merged: Vec<(&str, i64, &str)> = errors["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap(),
                e["line"].as_i64().unwrap_or(0),
                e["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        merged,
        [("invalid_value", 2, "warning"), ("merged", 4, "warning")],
        "the mix of label types is the platform's rule, said once; the merge is said: {errors}"
    );

    let labels_of = |sample: &Value| -> Vec<String> {
        let mut labels: Vec<String> = sample["annotations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["label"].as_str().unwrap().to_owned())
            .collect();
        labels.sort();
        labels
    };
    let a = server
        .get("/v1/datasets/street/samples/images/a.jpg", &key)
        .await;
    assert_eq!(
        labels_of(&a),
        ["bus", "car", "day", "street"],
        "both lines' labels, the shared VOC file's included: {a}"
    );
    assert_eq!(a["usage"], "train", "{a}");
    let b = server
        .get("/v1/datasets/street/samples/images/b.jpg", &key)
        .await;
    assert_eq!(
        labels_of(&b),
        ["bus", "car"],
        "the VOC file serves every line naming it: {b}"
    );
    let c = server
        .get("/v1/datasets/street/samples/audio/c.wav", &key)
        .await;
    assert_eq!(c["annotations"][0]["shape"]["type"], "text", "{c}");

    // The transcript has no label, and the label set holds no empty one.
    let labels = server.get("/v1/datasets/street/labels", &key).await;
    let names: Vec<&str> = labels
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bus", "car", "day", "street"], "{labels}");

    // `validate` says what the import stored, label by label.
    let report = server
        .validate_matches_import(
            &key,
            json!({ "source": source, "credentials": s3_credentials() }),
            "street",
        )
        .await;
    assert_eq!(
        (report["annotations"].as_u64(), report["warnings"].as_u64()),
        (Some(7), Some(2)),
        "{report}"
    );
}
