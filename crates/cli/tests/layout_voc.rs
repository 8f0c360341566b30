//! Pascal VOC as users have it: the devkit tree (`Annotations/`, `JPEGImages/`, `ImageSets/`,
//! the segmentation masks) and XML files without their images, imported from S3 and checked
//! through the API: every annotation on its image, splits as usage, parts kept, masks as files
//! of their sample, and `validate` saying exactly what `import` stores.

mod common;

use common::{Db, Server, Wharf, jpeg, png, s3_bucket, s3_credentials};
use serde_json::{Value, json};

on_both_catalogs!(
    the_devkit_tree_imports_every_annotation_on_its_image_with_splits_parts_and_masks,
    xml_files_without_their_images_import_as_samples_of_their_own,
    each_xml_finds_its_image_by_filename_and_every_misfit_is_reported,
);

const ROOT: &str = "VOCdevkit/VOC2012";

/// A VOC XML file as the devkit writes it: header, then one object per `(name, difficult,
/// box, parts)`.
fn annotation(id: &str, (width, height): (u32, u32), objects: &[Object]) -> Vec<u8> {
    let mut xml = format!(
        "<annotation>\n\t<folder>VOC2012</folder>\n\t<filename>{id}.jpg</filename>\n\t<source>\n\t\t<database>The VOC2008 Database</database>\n\t\t<annotation>PASCAL VOC2008</annotation>\n\t\t<image>flickr</image>\n\t</source>\n\t<size>\n\t\t<width>{width}</width>\n\t\t<height>{height}</height>\n\t\t<depth>3</depth>\n\t</size>\n\t<segmented>0</segmented>\n"
    );
    for object in objects {
        xml.push_str(&format!(
            "\t<object>\n\t\t<name>{}</name>\n\t\t<pose>Unspecified</pose>\n\t\t<truncated>0</truncated>\n\t\t<difficult>{}</difficult>\n{}",
            object.name,
            u8::from(object.difficult),
            bndbox(object.bndbox, "\t\t")
        ));
        for (part, part_box) in object.parts {
            xml.push_str(&format!(
                "\t\t<part>\n\t\t\t<name>{part}</name>\n{}\t\t</part>\n",
                bndbox(*part_box, "\t\t\t")
            ));
        }
        xml.push_str("\t</object>\n");
    }
    xml.push_str("</annotation>\n");
    xml.into_bytes()
}

struct Object {
    name: &'static str,
    difficult: bool,
    bndbox: [u32; 4],
    parts: &'static [(&'static str, [u32; 4])],
}

const fn object(name: &'static str, bndbox: [u32; 4]) -> Object {
    Object {
        name,
        difficult: false,
        bndbox,
        parts: &[],
    }
}

fn bndbox([x_min, y_min, x_max, y_max]: [u32; 4], indent: &str) -> String {
    format!(
        "{indent}<bndbox>\n{indent}\t<xmin>{x_min}</xmin>\n{indent}\t<ymin>{y_min}</ymin>\n{indent}\t<xmax>{x_max}</xmax>\n{indent}\t<ymax>{y_max}</ymax>\n{indent}</bndbox>\n"
    )
}

fn file(path: &str, bytes: impl Into<Vec<u8>>) -> (String, Vec<u8>) {
    (format!("voc/{path}"), bytes.into())
}

fn in_root(path: &str, bytes: impl Into<Vec<u8>>) -> (String, Vec<u8>) {
    file(&format!("{ROOT}/{path}"), bytes)
}

/// The devkit tree: five labelled images (two in train, one in val, one in test, one in no
/// split), one image without a label file in val, a person with parts, a difficult dog, an
/// XML whose `<size>` is not its image's, the masks of one image, per-class and other tasks'
/// lists, and a README.
fn devkit_tree() -> Vec<(String, Vec<u8>)> {
    const PERSON: Object = Object {
        name: "person",
        difficult: false,
        bndbox: [180, 54, 357, 333],
        parts: &[
            ("head", [223, 60, 277, 127]),
            ("hand", [180, 192, 209, 222]),
            ("foot", [278, 300, 310, 330]),
        ],
    };
    const DOG: Object = Object {
        difficult: true,
        ..object("dog", [10, 200, 300, 480])
    };
    vec![
        file("VOCdevkit/README.txt", "The PASCAL VOC 2012 trainval data."),
        in_root(
            "Annotations/2008_000001.xml",
            annotation("2008_000001", (500, 333), &[PERSON]),
        ),
        // Says 500×375; the image is 375×500, and the cat is past its right edge.
        in_root(
            "Annotations/2008_000002.xml",
            annotation(
                "2008_000002",
                (500, 375),
                &[object("cat", [20, 30, 450, 370]), DOG],
            ),
        ),
        in_root(
            "Annotations/2008_000003.xml",
            annotation(
                "2008_000003",
                (500, 375),
                &[object("train", [1, 20, 499, 300])],
            ),
        ),
        in_root(
            "Annotations/2008_000004.xml",
            annotation(
                "2008_000004",
                (400, 300),
                &[object("bird", [100, 50, 220, 180])],
            ),
        ),
        in_root(
            "Annotations/2008_000005.xml",
            annotation(
                "2008_000005",
                (400, 300),
                &[object("boat", [5, 5, 395, 295])],
            ),
        ),
        in_root("ImageSets/Action/jumping_train.txt", "2008_000001  1 -1\n"),
        in_root("ImageSets/Layout/train.txt", "2008_000001 1\n"),
        in_root(
            "ImageSets/Main/cat_train.txt",
            "2008_000001 -1\n2008_000002  1\n",
        ),
        in_root(
            "ImageSets/Main/person_train.txt",
            "2008_000001  1\n2008_000002 -1\n",
        ),
        in_root("ImageSets/Main/test.txt", "2008_000004\n"),
        in_root("ImageSets/Main/train.txt", "2008_000001\n2008_000002\n"),
        in_root(
            "ImageSets/Main/trainval.txt",
            "2008_000001\n2008_000002\n2008_000003\n2008_000006\n",
        ),
        // 2008_000002 is in train.txt too: it stays train.
        in_root(
            "ImageSets/Main/val.txt",
            "2008_000003\n2008_000006\n2008_000002\n",
        ),
        in_root("ImageSets/Segmentation/val.txt", "2008_000003\n"),
        in_root("JPEGImages/2008_000001.jpg", jpeg(500, 333)),
        in_root("JPEGImages/2008_000002.jpg", jpeg(375, 500)),
        in_root("JPEGImages/2008_000003.jpg", jpeg(500, 375)),
        in_root("JPEGImages/2008_000004.jpg", jpeg(400, 300)),
        in_root("JPEGImages/2008_000005.jpg", jpeg(400, 300)),
        in_root("JPEGImages/2008_000006.jpg", jpeg(320, 240)),
        in_root("SegmentationClass/2008_000003.png", png(500, 375)),
        in_root("SegmentationObject/2008_000003.png", png(500, 375)),
    ]
}

/// What a user sees of an import: the job, its errors and every sample with its
/// annotations.
struct Imported {
    job: Value,
    errors: Vec<Value>,
    samples: Vec<Value>,
}

async fn import(server: &Server, key: &str, request: Value, dataset: &str) -> Imported {
    let job = server.import(key, request).await;
    let id = job["id"].as_str().expect("job id").to_owned();
    let job = server.wait_job(key, &id).await;
    let errors = server.get(&format!("/v1/jobs/{id}/errors"), key).await["items"]
        .as_array()
        .expect("items")
        .clone();
    let mut samples = Vec::new();
    for listed in server.all_samples(key, dataset, "").await {
        let key_path = listed["key"].as_str().expect("key");
        samples.push(
            server
                .get(&format!("/v1/datasets/{dataset}/samples/{key_path}"), key)
                .await,
        );
    }
    Imported {
        job,
        errors,
        samples,
    }
}

/// An item error as (code, severity, path, line, field).
type Reported = (String, String, String, Option<i64>, Option<String>);

fn codes(errors: &[Value]) -> Vec<Reported> {
    errors
        .iter()
        .map(|e| {
            (
                e["code"].as_str().unwrap_or_default().to_owned(),
                e["severity"].as_str().unwrap_or_default().to_owned(),
                e["path"].as_str().unwrap_or_default().to_owned(),
                e["line"].as_i64(),
                e["field"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn error(
    code: &str,
    severity: &str,
    path: &str,
    line: Option<i64>,
    field: Option<&str>,
) -> Reported {
    (
        code.to_owned(),
        severity.to_owned(),
        path.to_owned(),
        line,
        field.map(str::to_owned),
    )
}

/// A sample as (key, usage, file paths, annotation labels).
fn summary(sample: &Value) -> (String, Option<String>, Vec<String>, Vec<String>) {
    let strings = |list: &Value, field: &str| -> Vec<String> {
        list.as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|i| i[field].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    (
        sample["key"].as_str().unwrap_or_default().to_owned(),
        sample["usage"].as_str().map(str::to_owned),
        strings(&sample["files"], "path"),
        strings(&sample["annotations"], "label"),
    )
}

async fn validate(server: &Server, key: &str, body: Value) -> Value {
    let (status, report) = server
        .send("POST", "/v1/validate", Some(key), Some(body))
        .await;
    assert_eq!(status, 200, "{report}");
    report
}

async fn the_devkit_tree_imports_every_annotation_on_its_image_with_splits_parts_and_masks(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let bucket = s3_bucket(&devkit_tree()).await;
    let source = format!("s3://{bucket}/voc/");
    let request = |dataset: &str, options: Value| {
        json!({ "source": source, "dataset": dataset, "credentials": s3_credentials(),
                "options": options })
    };
    let detected = import(&server, &key, request("detected", json!({})), "detected").await;
    let named = import(
        &server,
        &key,
        request("named", json!({ "format": "voc" })),
        "named",
    )
    .await;

    let job = &detected.job;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["result"]["format"], "voc", "detected: {job}");
    let c = &job["counters"];
    assert_eq!(
        (
            c["imported"].as_i64(),
            c["skipped"].as_i64(),
            c["failed"].as_i64()
        ),
        (Some(6), Some(1), Some(0)),
        "six images; the README skipped; masks and lists are no samples: {job}"
    );
    let image = |id: &str| format!("{ROOT}/JPEGImages/{id}.jpg");
    assert_eq!(
        codes(&detected.errors),
        [
            error(
                "duplicate_id",
                "warning",
                &format!("{ROOT}/ImageSets/Main/val.txt"),
                Some(3),
                None
            ),
            error(
                "invalid_value",
                "warning",
                &format!("{ROOT}/Annotations/2008_000002.xml"),
                Some(9),
                Some("size")
            ),
            error(
                "out_of_bounds",
                "warning",
                &format!("{ROOT}/Annotations/2008_000002.xml"),
                Some(20),
                Some("bndbox.xmax")
            ),
            error("not_used", "warning", "VOCdevkit/README.txt", None, None),
        ],
        "{:#?}",
        detected.errors
    );
    let message = |i: usize| detected.errors[i]["message"].as_str().unwrap_or_default();
    assert!(
        message(0).contains("stays train"),
        "an image in two splits keeps the first: {}",
        message(0)
    );
    assert!(
        message(1).contains("500×375") && message(1).contains("375×500"),
        "both sizes are named: {}",
        message(1)
    );
    assert!(
        message(2).contains("0 ≤ x ≤ 375"),
        "boxes are checked against the real size: {}",
        message(2)
    );

    let summaries: Vec<_> = detected.samples.iter().map(summary).collect();
    let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        summaries,
        [
            (
                image("2008_000001"),
                Some("train".to_owned()),
                vec![image("2008_000001")],
                strings(&["person"])
            ),
            (
                image("2008_000002"),
                Some("train".to_owned()),
                vec![image("2008_000002")],
                strings(&["cat", "dog"])
            ),
            (
                image("2008_000003"),
                Some("eval".to_owned()),
                vec![
                    image("2008_000003"),
                    format!("{ROOT}/SegmentationClass/2008_000003.png"),
                    format!("{ROOT}/SegmentationObject/2008_000003.png"),
                ],
                strings(&["train"])
            ),
            (
                image("2008_000004"),
                Some("test".to_owned()),
                vec![image("2008_000004")],
                strings(&["bird"])
            ),
            (
                image("2008_000005"),
                None,
                vec![image("2008_000005")],
                strings(&["boat"])
            ),
            (
                image("2008_000006"),
                Some("eval".to_owned()),
                vec![image("2008_000006")],
                Vec::new()
            ),
        ]
    );

    let person = &detected.samples[0]["annotations"][0];
    assert_eq!(person["source_format"], "voc");
    assert_eq!(
        person["parts"],
        json!([
            { "label": "head", "shape": { "type": "box", "x_min": 223.0, "y_min": 60.0, "x_max": 277.0, "y_max": 127.0 } },
            { "label": "hand", "shape": { "type": "box", "x_min": 180.0, "y_min": 192.0, "x_max": 209.0, "y_max": 222.0 } },
            { "label": "foot", "shape": { "type": "box", "x_min": 278.0, "y_min": 300.0, "x_max": 310.0, "y_max": 330.0 } },
        ]),
        "{person}"
    );
    let pets = &detected.samples[1];
    assert_eq!(pets["annotations"][1]["difficult"], true, "{pets}");
    assert_eq!(pets["annotations"][0].get("difficult"), None, "{pets}");
    assert_eq!(
        (
            pets["files"][0]["width"].as_i64(),
            pets["files"][0]["height"].as_i64()
        ),
        (Some(375), Some(500)),
        "the size is the image's, not <size>'s: {pets}"
    );
    let masked = &detected.samples[2];
    assert_eq!(
        (
            masked["files"][1]["width"].as_i64(),
            masked["files"][1]["media_type"].as_str()
        ),
        (Some(500), Some("image/png")),
        "{masked}"
    );

    // `"format": "voc"` ends exactly as detection does.
    assert_eq!(
        (
            &named.job["state"],
            &named.job["counters"]["imported"],
            &named.job["counters"]["skipped"],
            &named.job["counters"]["failed"],
            codes(&named.errors),
        ),
        (
            &job["state"],
            &c["imported"],
            &c["skipped"],
            &c["failed"],
            codes(&detected.errors),
        )
    );
    let without_ids = |samples: &[Value]| -> Vec<Value> {
        samples
            .iter()
            .map(|s| {
                json!([
                    s["key"],
                    s["usage"],
                    s["annotations"],
                    s["annotation_count"],
                    s["files"]
                        .as_array()
                        .map(|f| f.iter().map(|f| f["path"].clone()).collect::<Vec<_>>())
                ])
            })
            .collect()
    };
    assert_eq!(without_ids(&named.samples), without_ids(&detected.samples));

    // validate reads what import stored, detected or named.
    let stored_annotations: i64 = detected
        .samples
        .iter()
        .map(|s| s["annotation_count"].as_i64().unwrap_or_default())
        .sum();
    assert_eq!(stored_annotations, 6);
    let labels = server.get("/v1/datasets/detected/labels", &key).await;
    let label_counts: Vec<(&str, i64)> = labels
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
    assert_eq!(
        label_counts,
        [
            ("bird", 1),
            ("boat", 1),
            ("cat", 1),
            ("dog", 1),
            ("person", 1),
            ("train", 1)
        ],
        "parts are shapes of their person, not labels of their own"
    );
    server
        .validate_matches_import(
            &key,
            json!({ "source": source, "credentials": s3_credentials() }),
            "detected",
        )
        .await;
    for format in [None, Some("voc")] {
        let mut body = json!({ "source": source, "credentials": s3_credentials() });
        if let Some(format) = format {
            body["format"] = json!(format);
        }
        let report = validate(&server, &key, body).await;
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
                Some("voc"),
                Some(6),
                Some(stored_annotations),
                Some(label_counts.len() as i64),
                c["skipped"].as_i64(),
                Some(0),
                Some(detected.errors.len() as i64),
            ),
            "{report}"
        );
        if format.is_none() {
            let voc = &report["detection"][0];
            assert_eq!(
                (
                    voc["format"].as_str(),
                    voc["confidence"].as_f64().map(|c| c > 0.9)
                ),
                (Some("voc"), Some(true)),
                "{report}"
            );
            let reasons = voc["reasons"].to_string();
            assert!(
                reasons.contains("VOCdevkit/VOC2012/")
                    && reasons.contains("Annotations/")
                    && reasons.contains("JPEGImages/")
                    && reasons.contains("ImageSets/ (Action, Layout, Main, Segmentation)"),
                "{reasons}"
            );
        }
    }
}

/// XML files whose images are not in the source: each is a sample carrying its annotations,
/// with a warning naming the image it labels.
async fn xml_files_without_their_images_import_as_samples_of_their_own(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let bucket = s3_bucket(&[
        file(
            "Annotations/2008_000001.xml",
            annotation(
                "2008_000001",
                (500, 333),
                &[
                    object("cat", [1, 1, 50, 50]),
                    object("dog", [60, 60, 90, 90]),
                ],
            ),
        ),
        file(
            "Annotations/2008_000002.xml",
            annotation("2008_000002", (500, 333), &[object("cat", [1, 1, 600, 50])]),
        ),
        file("ImageSets/Main/train.txt", "2008_000001\n"),
    ])
    .await;
    let source = format!("s3://{bucket}/voc/");
    let detected = import(
        &server,
        &key,
        json!({ "source": source, "dataset": "labels", "credentials": s3_credentials() }),
        "labels",
    )
    .await;
    let job = &detected.job;
    assert_eq!(
        (job["state"].as_str(), job["result"]["format"].as_str()),
        (Some("succeeded"), Some("voc")),
        "{job}"
    );
    assert_eq!(job["counters"]["imported"], 2, "{job}");
    assert_eq!(
        codes(&detected.errors),
        [
            error(
                "missing_file",
                "warning",
                "Annotations/2008_000001.xml",
                None,
                Some("filename")
            ),
            error(
                "out_of_bounds",
                "warning",
                "Annotations/2008_000002.xml",
                Some(20),
                Some("bndbox.xmax")
            ),
            error(
                "missing_file",
                "warning",
                "Annotations/2008_000002.xml",
                None,
                Some("filename")
            ),
        ],
        "{:#?}",
        detected.errors
    );
    assert!(
        detected.errors[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("'2008_000001.jpg', which is not in the source"),
        "{:?}",
        detected.errors[0]
    );
    let summaries: Vec<_> = detected.samples.iter().map(summary).collect();
    assert_eq!(
        summaries,
        [
            (
                "Annotations/2008_000001.xml".to_owned(),
                Some("train".to_owned()),
                vec!["Annotations/2008_000001.xml".to_owned()],
                vec!["cat".to_owned(), "dog".to_owned()]
            ),
            (
                "Annotations/2008_000002.xml".to_owned(),
                None,
                vec!["Annotations/2008_000002.xml".to_owned()],
                vec!["cat".to_owned()]
            ),
        ]
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
        (Some("voc"), Some(2), Some(3), Some(3)),
        "{report}"
    );
}

/// An XML names its image by `<filename>` (another stem, another extension); a devkit tree and
/// a side-by-side folder in one source; and everything that does not fit, each reported: a
/// missing image, a second label file for one image, a mask without an image, split ids
/// without samples.
async fn each_xml_finds_its_image_by_filename_and_every_misfit_is_reported(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let named = |filename: &str, label: &'static str| {
        String::from_utf8(annotation("x", (64, 48), &[object(label, [1, 1, 20, 20])]))
            .unwrap_or_default()
            .replace(
                "<filename>x.jpg</filename>",
                &format!("<filename>{filename}</filename>"),
            )
    };
    let bucket = s3_bucket(&[
        // Says .jpg; the image is a PNG of the same stem.
        file("VOC2007/Annotations/000001.xml", named("000001.jpg", "cat")),
        // Names an image of another stem.
        file(
            "VOC2007/Annotations/000002.xml",
            named("photo_2.jpg", "dog"),
        ),
        // Its image is not in JPEGImages/, which holds the others.
        file(
            "VOC2007/Annotations/000003.xml",
            named("000003.jpg", "bird"),
        ),
        // A second label file for 000001.
        file(
            "VOC2007/Annotations/copy_000001.xml",
            named("000001.jpg", "cow"),
        ),
        file(
            "VOC2007/ImageSets/Main/test.txt",
            "000001\n000002\n000009\n000010\n",
        ),
        file("VOC2007/JPEGImages/000001.png", png(64, 48)),
        file("VOC2007/JPEGImages/photo_2.jpg", jpeg(64, 48)),
        file("VOC2007/SegmentationClass/000042.png", png(64, 48)),
        // ModelArts' layout: the XML beside its image, whatever its <filename>.
        file("modelarts/cat.jpg", jpeg(64, 48)),
        file("modelarts/cat.xml", named("IMG_0001.jpg", "horse")),
    ])
    .await;
    let source = format!("s3://{bucket}/voc/");
    let imported = import(
        &server,
        &key,
        json!({ "source": source, "dataset": "misfits", "credentials": s3_credentials() }),
        "misfits",
    )
    .await;
    let job = &imported.job;
    assert_eq!(
        (job["state"].as_str(), job["result"]["format"].as_str()),
        (Some("partial"), Some("voc")),
        "{job}"
    );
    let c = &job["counters"];
    assert_eq!(
        (
            c["imported"].as_i64(),
            c["failed"].as_i64(),
            c["skipped"].as_i64()
        ),
        (Some(3), Some(2), Some(1)),
        "{job}"
    );
    assert_eq!(
        codes(&imported.errors),
        [
            error(
                "missing_file",
                "error",
                "VOC2007/Annotations/000003.xml",
                None,
                Some("filename")
            ),
            error(
                "duplicate_id",
                "error",
                "VOC2007/Annotations/copy_000001.xml",
                None,
                Some("filename")
            ),
            error(
                "not_used",
                "warning",
                "VOC2007/SegmentationClass/000042.png",
                None,
                None
            ),
            error(
                "missing_file",
                "warning",
                "VOC2007/ImageSets/Main/test.txt",
                Some(3),
                None
            ),
        ],
        "{:#?}",
        imported.errors
    );
    let message = |i: usize| imported.errors[i]["message"].as_str().unwrap_or_default();
    assert!(
        message(0).contains("'000003.jpg'") && message(0).contains("VOC2007/JPEGImages"),
        "{}",
        message(0)
    );
    assert!(
        message(1).contains("'VOC2007/Annotations/000001.xml' already labels"),
        "{}",
        message(1)
    );
    assert!(message(3).starts_with("2 image ids"), "{}", message(3));
    let summaries: Vec<_> = imported.samples.iter().map(summary).collect();
    let sample = |key: &str, usage: Option<&str>, label: &str| {
        (
            key.to_owned(),
            usage.map(str::to_owned),
            vec![key.to_owned()],
            vec![label.to_owned()],
        )
    };
    assert_eq!(
        summaries,
        [
            sample("VOC2007/JPEGImages/000001.png", Some("test"), "cat"),
            sample("VOC2007/JPEGImages/photo_2.jpg", Some("test"), "dog"),
            sample("modelarts/cat.jpg", None, "horse"),
        ]
    );
    let report = validate(
        &server,
        &key,
        json!({ "source": source, "credentials": s3_credentials(), "format": "VOC" }),
    )
    .await;
    assert_eq!(
        (
            report["samples"].as_i64(),
            report["annotations"].as_i64(),
            report["errors"].as_i64(),
            report["warnings"].as_i64()
        ),
        (Some(3), Some(3), Some(2), Some(2)),
        "{report}"
    );
}
