//! Rosetta's import API against a real server, a real S3 server and both catalogs: the
//! requests of the platform's pages, signed as its clients sign them.

mod common;

use std::time::{Duration, Instant};

use md5::{Digest, Md5};
use serde_json::{Value, json};

use common::{Db, KeyPair, Server, Wharf, env, png, s3_bucket};

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Sends a request signed as Rosetta's docs say: X-SIGN = md5("{ts}&{sk}&{ak}").
async fn rosetta(
    server: &Server,
    keys: &KeyPair,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    rosetta_signed(server, keys, now_ms(), None, method, path, body).await
}

async fn rosetta_signed(
    server: &Server,
    keys: &KeyPair,
    ts: i64,
    sign: Option<&str>,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let good = hex(&Md5::digest(format!(
        "{ts}&{}&{}",
        keys.secret, keys.access
    )));
    let client = reqwest::Client::new();
    let mut request = client
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{}{path}", server.url),
        )
        .header("X-STARDUST-KEY", &keys.access)
        .header("X-TS", ts.to_string())
        .header("X-SIGN", sign.unwrap_or(&good));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body = response.json().await.unwrap();
    (status, body)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The envelope every answer has: code, message, data, date, requestId, success.
fn assert_envelope(body: &Value, code: i64, success: bool) {
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["success"], success, "{body}");
    assert!(body["message"].is_string(), "{body}");
    assert!(body.get("data").is_some(), "{body}");
    let date = body["date"].as_str().unwrap();
    assert!(
        chrono_like(date),
        "date should read YYYY-MM-DD HH:mm:ss: {date}"
    );
    let request_id = body["requestId"].as_str().unwrap();
    assert_eq!(request_id.len(), 32, "{body}");
    assert!(request_id.bytes().all(|b| b.is_ascii_hexdigit()), "{body}");
}

fn chrono_like(date: &str) -> bool {
    let b = date.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

/// A real point cloud: four points, an ASCII PCD 0.7 header.
const PCD: &[u8] = include_bytes!("../../formats/tests/fixtures/pointcloud/ascii_xyzi.pcd");

/// Two scenes of two frames each: a point cloud and a camera image per frame.
fn sensor_tree() -> Vec<(String, Vec<u8>)> {
    let mut files = vec![(
        "drive/metadata.json".to_owned(),
        br#"{"version": "1.0", "fileTreeType": 0, "dataType": 3, "lidarSequence": ["top"], "cameraSequence": ["front"]}"#.to_vec(),
    )];
    for scene in ["s1", "s2"] {
        for ts in ["1000", "1100"] {
            files.push((format!("drive/lidar-top/{scene}/{ts}.pcd"), PCD.to_vec()));
            files.push((format!("drive/camera-front/{scene}/{ts}.jpg"), png(4, 4)));
        }
    }
    files
}

fn import_body(bucket: &str, name: &str) -> Value {
    let env = env();
    json!({
        "resourceUrl": format!("s3://{bucket}/drive"),
        "fileTreeType": "0",
        "dataType": 3,
        "name": name,
        "externalStorage": {
            "accessKey": env.s3_key,
            "secreteKey": env.s3_secret,
            "endpoint": env.s3_endpoint,
            "vendorType": "MINIO"
        }
    })
}

/// Polls the status until the dataset is no longer BUILDING.
async fn wait_ready(server: &Server, keys: &KeyPair, dataset_id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, body) = rosetta(
            server,
            keys,
            "GET",
            &format!("/rosetta-open/dataset/status?datasetId={dataset_id}"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_envelope(&body, 200, true);
        if body["data"]["status"] != 1 {
            return body;
        }
        assert!(Instant::now() < deadline, "still building: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn import_reports_every_frame_with_its_scene(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "rosetta");
    let api_key = wharf.create_key("team");
    let server = wharf.serve(&[]);
    let bucket = s3_bucket(&sensor_tree()).await;

    let (status, body) = rosetta(
        &server,
        &keys,
        "POST",
        "/rosetta-open/dataset/import/async",
        Some(import_body(&bucket, "drive-0516")),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_envelope(&body, 200, true);
    assert_eq!(body["message"], "Success");
    assert_eq!(body["data"]["status"], 1, "BUILDING at first: {body}");
    let dataset_id = body["data"]["datasetId"].as_str().unwrap().to_owned();

    let ready = wait_ready(&server, &keys, &dataset_id).await;
    assert_eq!(ready["data"]["status"], 2, "READY: {ready}");
    assert_eq!(ready["data"]["datasetId"], dataset_id.as_str());
    let mapping = ready["data"]["mappingList"].as_array().unwrap();
    let mut scenes: Vec<&str> = mapping
        .iter()
        .map(|m| m["sceneId"].as_str().unwrap())
        .collect();
    scenes.sort();
    assert_eq!(scenes, ["s1", "s1", "s2", "s2"], "{ready}");
    // The data ids are the samples of the native API.
    let mut native: Vec<String> = server
        .all_samples(&api_key, &dataset_id, "")
        .await
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    let mut data_ids: Vec<String> = mapping
        .iter()
        .map(|m| m["dataId"].as_str().unwrap().to_owned())
        .collect();
    native.sort();
    data_ids.sort();
    assert_eq!(data_ids, native);

    // The bare paths answer too.
    let (status, again) = rosetta(
        &server,
        &keys,
        "GET",
        &format!("/dataset/status?datasetId={dataset_id}"),
        None,
    )
    .await;
    assert_eq!((status, &again["data"]["status"]), (200, &json!(2)));

    // The storage secret is nowhere: not in an answer, not in the log.
    let job_list = server.get("/v1/jobs", &api_key).await;
    let secret = env().s3_secret;
    for text in [
        body.to_string(),
        ready.to_string(),
        job_list.to_string(),
        server.log(),
    ] {
        assert!(!text.contains(&secret), "the storage secret leaked: {text}");
    }
}

async fn a_misaligned_tree_is_5710_naming_each_path(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "rosetta");
    let api_key = wharf.create_key("team");
    let server = wharf.serve(&[]);
    let mut tree = sensor_tree();
    tree.push(("drive/camera-front/1200.jpg".to_owned(), png(4, 4)));
    tree.push(("drive/Camera_back/s1/1000.jpg".to_owned(), png(4, 4)));
    let bucket = s3_bucket(&tree).await;

    let (status, body) = rosetta(
        &server,
        &keys,
        "POST",
        "/dataset/import/async",
        Some(import_body(&bucket, "broken")),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_envelope(&body, 5710, false);
    assert_eq!(
        body["message"],
        "File tree misalignment, refer to API doc for correction"
    );
    assert_eq!(body["data"], Value::Null);
    let paths: Vec<&str> = body["diagnosis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    // Relative to resourceUrl, as the user wrote the tree.
    assert_eq!(paths, ["Camera_back", "camera-front/1200.jpg"], "{body}");
    for d in body["diagnosis"].as_array().unwrap() {
        assert!(!d["message"].as_str().unwrap().is_empty(), "{body}");
    }
    // Nothing was queued or made.
    let datasets = server.get("/v1/datasets", &api_key).await;
    assert_eq!(datasets["items"], json!([]), "{datasets}");
}

async fn the_tree_is_checked_for_the_requested_data_type(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "rosetta");
    let server = wharf.serve(&[]);
    let bucket = s3_bucket(&sensor_tree()).await;
    let diagnosis = |body: &Value| -> Vec<(String, String)> {
        body["diagnosis"]
            .as_array()
            .unwrap_or_else(|| panic!("no diagnosis: {body}"))
            .iter()
            .map(|d| {
                (
                    d["path"].as_str().unwrap().to_owned(),
                    d["message"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };

    // A 3D tree (lidar folders, metadata.json saying 3) asked for as 2D.
    let mut body = import_body(&bucket, "flat");
    body["dataType"] = json!(2);
    let (status, answer) =
        rosetta(&server, &keys, "POST", "/dataset/import/async", Some(body)).await;
    assert_eq!(status, 200, "{answer}");
    assert_envelope(&answer, 5710, false);
    let found = diagnosis(&answer);
    assert!(
        found.iter().any(|(path, _)| path == "lidar-top"),
        "the lidar folder is out of place in a 2D tree: {found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(path, message)| path == "metadata.json" && message.contains("dataType 3")),
        "metadata.json contradicts the request: {found:?}"
    );

    // A camera-only tree asked for as 3D.
    let mut cameras: Vec<(String, Vec<u8>)> = sensor_tree()
        .into_iter()
        .filter(|(path, _)| path.contains("camera-"))
        .map(|(path, bytes)| (path.replacen("drive/", "flat/", 1), bytes))
        .collect();
    cameras.push((
        "flat/metadata.json".to_owned(),
        br#"{"version": "1.0", "fileTreeType": 0, "dataType": 2, "cameraSequence": ["front"]}"#
            .to_vec(),
    ));
    let flat = s3_bucket(&cameras).await;
    let mut body = import_body(&flat, "deep");
    body["resourceUrl"] = json!(format!("s3://{flat}/flat"));
    let (status, answer) =
        rosetta(&server, &keys, "POST", "/dataset/import/async", Some(body)).await;
    assert_eq!(status, 200, "{answer}");
    assert_envelope(&answer, 5710, false);
    assert!(
        diagnosis(&answer)
            .iter()
            .any(|(_, message)| message.contains("lidar")),
        "a 3D tree needs lidar folders: {answer}"
    );

    // The same camera-only tree as 2D imports.
    let mut body = import_body(&flat, "deep");
    body["resourceUrl"] = json!(format!("s3://{flat}/flat"));
    body["dataType"] = json!(2);
    let (status, answer) =
        rosetta(&server, &keys, "POST", "/dataset/import/async", Some(body)).await;
    assert_eq!(status, 200, "{answer}");
    assert_envelope(&answer, 200, true);
}

async fn requests_are_refused_as_the_platform_refuses_them(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "rosetta");
    let other = wharf.create_key_pair("other", "rosetta");
    let modelarts = wharf.create_key_pair("team", "modelarts");
    let server = wharf.serve(&[]);
    let bucket = s3_bucket(&sensor_tree()).await;
    let path = "/rosetta-open/dataset/import/async";
    let body = || Some(import_body(&bucket, "d"));

    let unknown = KeyPair {
        access: "NOSUCHKEY".to_owned(),
        secret: keys.secret.clone(),
    };
    let (status, answer) = rosetta(&server, &unknown, "POST", path, body()).await;
    assert_eq!(status, 402, "{answer}");
    assert_envelope(&answer, 402, false);
    // A key of another dialect does not open Rosetta.
    let (status, _) = rosetta(&server, &modelarts, "POST", path, body()).await;
    assert_eq!(status, 402);
    let (status, answer) = rosetta_signed(
        &server,
        &keys,
        now_ms(),
        Some(&"0".repeat(32)),
        "POST",
        path,
        body(),
    )
    .await;
    assert_eq!(status, 401, "{answer}");
    assert_envelope(&answer, 401, false);
    let ten_minutes_ago = now_ms() - 10 * 60 * 1000;
    let (status, answer) =
        rosetta_signed(&server, &keys, ten_minutes_ago, None, "POST", path, body()).await;
    assert_eq!(status, 403, "{answer}");
    assert_envelope(&answer, 403, false);

    // Field rules: name at most 60 bytes (21 CJK characters are 63), fileTreeType 0, dataType 2 or 3.
    for (field, value) in [
        ("name", json!("数".repeat(21))),
        ("fileTreeType", json!("1")),
        ("dataType", json!(4)),
    ] {
        let mut request = import_body(&bucket, "d");
        request[field] = value;
        let (status, answer) = rosetta(&server, &keys, "POST", path, Some(request)).await;
        assert_eq!(status, 400, "{answer}");
        assert_envelope(&answer, 400, false);
        assert!(
            answer["message"].as_str().unwrap().contains(field),
            "{answer}"
        );
    }

    // Another workspace's dataset does not exist for this key.
    let (_, made) = rosetta(&server, &keys, "POST", path, body()).await;
    let dataset_id = made["data"]["datasetId"].as_str().unwrap();
    let (status, answer) = rosetta(
        &server,
        &other,
        "GET",
        &format!("/dataset/status?datasetId={dataset_id}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_envelope(&answer, 5308, false);
}

async fn an_annotation_request_makes_one_task_per_data_item(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "rosetta");
    let api_key = wharf.create_key("team");
    let server = wharf.serve(&[]);
    let bucket = s3_bucket(&sensor_tree()).await;
    let (status, project) = server
        .send(
            "POST",
            "/v1/projects",
            Some(&api_key),
            Some(json!({"name": "lidar boxes"})),
        )
        .await;
    assert_eq!(status, 201, "{project}");
    let project_id = project["id"].as_i64().unwrap();
    let path = "/rosetta-open/dataset/annotation/import/async";
    // The native API refuses a project the workspace does not have before queueing anything.
    let (status, refused) = server
        .send(
            "POST",
            "/v1/imports",
            Some(&api_key),
            Some(
                json!({"source": format!("s3://{bucket}/drive"), "dataset": "d",
                        "credentials": common::s3_credentials(),
                        "options": {"annotation_project": project_id + 1000}}),
            ),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("annotation_project"),
        "{refused}"
    );

    let mut request = import_body(&bucket, "drive");
    request["projectId"] = json!(project_id + 1000);
    let (_, refused) = rosetta(&server, &keys, "POST", path, Some(request.clone())).await;
    assert_envelope(&refused, 5802, false);

    request["projectId"] = json!(project_id);
    let (status, body) = rosetta(&server, &keys, "POST", path, Some(request.clone())).await;
    assert_eq!(status, 200, "{body}");
    assert_envelope(&body, 200, true);
    let dataset_id = body["data"]["datasetId"].as_str().unwrap().to_owned();
    let ready = wait_ready(&server, &keys, &dataset_id).await;
    // The answer itself lists the tasks, as the seed's does: a small import ends within the
    // time the answer waits for it, and its answer is the status it ended in.
    assert_eq!(body["data"]["status"], 2, "READY: {body}");
    assert_eq!(
        body["data"]["successTaskList"], ready["data"]["successTaskList"],
        "{body}"
    );
    assert_eq!(body["data"]["errorDataIdList"], json!([]), "{body}");
    let tasks = ready["data"]["successTaskList"].as_array().unwrap();
    assert_eq!(tasks.len(), 4, "one task per frame: {ready}");
    let mut tasked: Vec<&str> = tasks
        .iter()
        .map(|t| {
            assert!(t["taskId"].as_str().unwrap().parse::<i64>().is_ok(), "{t}");
            t["dataId"].as_str().unwrap()
        })
        .collect();
    let mut data: Vec<&str> = ready["data"]["mappingList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["dataId"].as_str().unwrap())
        .collect();
    tasked.sort();
    data.sort();
    assert_eq!(tasked, data);
    assert_eq!(ready["data"]["errorDataIdList"], json!([]));

    // The same request again: every item already has its task in the project.
    let (_, body) = rosetta(&server, &keys, "POST", path, Some(request)).await;
    assert_eq!(body["data"]["datasetId"], dataset_id.as_str());
    let again = wait_ready(&server, &keys, &dataset_id).await;
    assert_eq!(again["data"]["successTaskList"], json!([]), "{again}");
    assert_eq!(
        body["data"]["errorDataIdList"], again["data"]["errorDataIdList"],
        "the answer lists them too: {body}"
    );
    let mut untasked: Vec<&str> = again["data"]["errorDataIdList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    untasked.sort();
    assert_eq!(untasked, data);

    let projects = server.get("/v1/projects", &api_key).await;
    assert_eq!(projects[0]["name"], "lidar boxes", "{projects}");
}

/// The native view of a dataset's latest job: the job, and its item errors.
async fn latest_job(server: &Server, api_key: &str, dataset_id: &str) -> (Value, Vec<Value>) {
    let jobs = server.get("/v1/jobs", api_key).await;
    let job = jobs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["dataset_id"] == dataset_id)
        .unwrap_or_else(|| panic!("no job of {dataset_id}: {jobs}"))
        .clone();
    let errors = server
        .get(
            &format!("/v1/jobs/{}/errors", job["id"].as_str().unwrap()),
            api_key,
        )
        .await;
    (job, errors["items"].as_array().unwrap().clone())
}

async fn corrupt_files_are_item_errors_the_status_names(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "rosetta");
    let api_key = wharf.create_key("team");
    let server = wharf.serve(&[]);
    // One frame's point cloud and another frame's camera image are not what they say.
    let bad_pcd = "lidar-top/s1/1000.pcd";
    let bad_jpg = "camera-front/s2/1100.jpg";
    let tree: Vec<(String, Vec<u8>)> = sensor_tree()
        .into_iter()
        .map(|(path, bytes)| {
            if path == format!("drive/{bad_pcd}") {
                (path, b"garbage, not a point cloud\n".to_vec())
            } else if path == format!("drive/{bad_jpg}") {
                (path, b"<html>not an image</html>".to_vec())
            } else {
                (path, bytes)
            }
        })
        .collect();
    let bucket = s3_bucket(&tree).await;

    let (status, body) = rosetta(
        &server,
        &keys,
        "POST",
        "/dataset/import/async",
        Some(import_body(&bucket, "damaged")),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_envelope(&body, 200, true);
    let dataset_id = body["data"]["datasetId"].as_str().unwrap().to_owned();

    // READY: the other frames are there to use, and errorMessage says which failed and why.
    let ready = wait_ready(&server, &keys, &dataset_id).await;
    assert_eq!(ready["data"]["status"], 2, "READY: {ready}");
    let mapping = ready["data"]["mappingList"].as_array().unwrap();
    assert_eq!(mapping.len(), 2, "the two sound frames: {ready}");
    let message = ready["data"]["errorMessage"]
        .as_str()
        .unwrap_or_else(|| panic!("no errorMessage: {ready}"));
    assert!(
        message.starts_with("2 data items could not be imported"),
        "{message}"
    );
    for file in [bad_pcd, bad_jpg] {
        assert!(message.contains(file), "{file} is named: {message}");
    }
    assert!(message.contains("PCD header"), "{message}");
    assert!(
        message.contains("not a JPEG header") && message.contains("FF D8 FF"),
        "{message}"
    );

    // The native job: partial, the counts add up, one item error per damaged frame.
    let (job, errors) = latest_job(&server, &api_key, &dataset_id).await;
    assert_eq!(job["state"], "partial", "{job}");
    let counters = &job["counters"];
    assert_eq!(
        (counters["imported"].as_i64(), counters["failed"].as_i64()),
        (Some(2), Some(2)),
        "{job}"
    );
    let failed: Vec<&Value> = errors.iter().filter(|e| e["severity"] == "error").collect();
    assert_eq!(failed.len(), 2, "{errors:?}");
    for file in [bad_pcd, bad_jpg] {
        let error = failed
            .iter()
            .find(|e| e["message"].as_str().unwrap().contains(file))
            .unwrap_or_else(|| panic!("no item error names {file}: {errors:?}"));
        assert_eq!(error["code"], "invalid_header", "{error}");
    }
    let jpg = failed
        .iter()
        .find(|e| e["message"].as_str().unwrap().contains(bad_jpg))
        .unwrap();
    assert!(
        jpg["message"]
            .as_str()
            .unwrap()
            .contains("3C 68 74 6D 6C 3E 6E 6F (\"<html>no\")"),
        "what was found: {jpg}"
    );

    // A 2D tree whose every image is damaged leaves nothing to use: ERROR, saying why.
    let cameras: Vec<(String, Vec<u8>)> =
        vec![
        (
            "flat/metadata.json".to_owned(),
            br#"{"version": "1.0", "fileTreeType": 0, "dataType": 2, "cameraSequence": ["front"]}"#
                .to_vec(),
        ),
        ("flat/camera-front/s1/1000.jpg".to_owned(), Vec::new()),
        ("flat/camera-front/s1/1100.jpg".to_owned(), b"JFIF?".to_vec()),
    ];
    let flat = s3_bucket(&cameras).await;
    let mut request = import_body(&flat, "all-damaged");
    request["resourceUrl"] = json!(format!("s3://{flat}/flat"));
    request["dataType"] = json!(2);
    let (_, body) = rosetta(
        &server,
        &keys,
        "POST",
        "/dataset/import/async",
        Some(request),
    )
    .await;
    assert_envelope(&body, 200, true);
    let dataset_id = body["data"]["datasetId"].as_str().unwrap().to_owned();
    let done = wait_ready(&server, &keys, &dataset_id).await;
    assert_eq!(done["data"]["status"], -1, "ERROR: {done}");
    assert_eq!(done["data"]["mappingList"], json!([]), "{done}");
    let message = done["data"]["errorMessage"].as_str().unwrap();
    assert!(
        message.starts_with("2 data items could not be imported"),
        "{message}"
    );
    assert!(
        message.contains("camera-front/s1/1000.jpg is empty"),
        "{message}"
    );
    assert!(message.contains("camera-front/s1/1100.jpg"), "{message}");
}

on_both_catalogs!(
    corrupt_files_are_item_errors_the_status_names,
    import_reports_every_frame_with_its_scene,
    a_misaligned_tree_is_5710_naming_each_path,
    the_tree_is_checked_for_the_requested_data_type,
    any_name_the_platform_takes_finds_its_dataset_again,
    requests_are_refused_as_the_platform_refuses_them,
    an_annotation_request_makes_one_task_per_data_item,
    a_gs_url_is_read_at_the_s3_endpoint_its_vendor_names,
    a_dataset_made_through_another_api_is_never_imported_into,
    an_import_still_running_is_answered_building_with_empty_lists,
);

async fn any_name_the_platform_takes_finds_its_dataset_again(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "rosetta");
    let api_key = wharf.create_key("team");
    let server = wharf.serve(&[]);
    let bucket = s3_bucket(&sensor_tree()).await;
    let mut ids = Vec::new();
    for name in [
        "Drive 2024 / München",
        "Drive 2024 / München",
        "Drive_2024___München",
    ] {
        let (status, body) = rosetta(
            &server,
            &keys,
            "POST",
            "/dataset/import/async",
            Some(import_body(&bucket, name)),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_envelope(&body, 200, true);
        let id = body["data"]["datasetId"].as_str().unwrap().to_owned();
        wait_ready(&server, &keys, &id).await;
        ids.push(id);
    }
    assert_eq!(ids[0], ids[1], "the same name finds the same dataset");
    assert_ne!(
        ids[0], ids[2],
        "a name Wharf takes as it is is another dataset"
    );
    let dataset = server
        .get(&format!("/v1/datasets/{}", ids[0]), &api_key)
        .await;
    assert_eq!(dataset["description"], "Drive 2024 / München", "{dataset}");
    assert_eq!(dataset["data_type"], "point_cloud", "{dataset}");
    assert_eq!(
        dataset["latest_version"], 1,
        "unchanged files make no new version: {dataset}"
    );
}

/// The platform's own examples name `gs://` URLs, and its external storage "follows the S3
/// protocol": with `vendorType` S3 and an endpoint, the bucket is read there with S3's
/// protocol. An endpoint that refuses the keys or cannot be reached is a client error.
async fn a_gs_url_is_read_at_the_s3_endpoint_its_vendor_names(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "rosetta");
    let server = wharf.serve(&[]);
    let bucket = s3_bucket(&sensor_tree()).await;
    let mut body = import_body(&bucket, "from-gs");
    body["resourceUrl"] = json!(format!("gs://{bucket}/drive/"));
    body["externalStorage"]["vendorType"] = json!("S3");
    let (status, started) = rosetta(
        &server,
        &keys,
        "POST",
        "/rosetta-open/dataset/import/async",
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 200, "{started}");
    assert_envelope(&started, 200, true);
    let dataset_id = started["data"]["datasetId"].as_str().unwrap().to_owned();
    let ready = wait_ready(&server, &keys, &dataset_id).await;
    assert_eq!(ready["data"]["status"], 2, "READY: {ready}");
    assert_eq!(
        ready["data"]["mappingList"].as_array().map(Vec::len),
        Some(4),
        "{ready}"
    );

    let mut refused_keys = body.clone();
    refused_keys["name"] = json!("wrong-keys");
    refused_keys["externalStorage"]["secreteKey"] = json!("not-the-secret");
    let mut unreachable = body.clone();
    unreachable["name"] = json!("nowhere");
    unreachable["externalStorage"]["endpoint"] = json!("http://127.0.0.1:9");
    for (what, request) in [("refused keys", refused_keys), ("unreachable", unreachable)] {
        let (status, answer) = rosetta(
            &server,
            &keys,
            "POST",
            "/rosetta-open/dataset/import/async",
            Some(request),
        )
        .await;
        assert_eq!(status, 400, "{what}: a client error: {answer}");
        assert_envelope(&answer, 400, false);
        assert!(
            answer["message"]
                .as_str()
                .is_some_and(|m| m.contains(&bucket) || m.contains("127.0.0.1")),
            "{what}: the message names the storage: {answer}"
        );
        assert!(!answer.to_string().contains("not-the-secret"), "{answer}");
    }
}

/// A Rosetta import named like a dataset made through the native API refuses rather than
/// import into it: the platform's "no authority", naming who made it.
async fn a_dataset_made_through_another_api_is_never_imported_into(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "rosetta");
    let api_key = wharf.create_key("team");
    let server = wharf.serve(&[]);
    let bucket = s3_bucket(&sensor_tree()).await;
    let (status, native) = server
        .send(
            "POST",
            "/v1/datasets",
            Some(&api_key),
            Some(json!({"name": "shared", "data_type": "point_cloud"})),
        )
        .await;
    assert_eq!(status, 201, "{native}");
    let (status, refused) = rosetta(
        &server,
        &keys,
        "POST",
        "/rosetta-open/dataset/import/async",
        Some(import_body(&bucket, "shared")),
    )
    .await;
    assert_eq!(status, 200, "business codes come with 200: {refused}");
    assert_envelope(&refused, 5837, false);
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("'shared'") && m.contains("Wharf's own API")),
        "{refused}"
    );
    let after = server.get("/v1/datasets/shared", &api_key).await;
    assert_eq!(
        (
            after["latest_version"].as_i64(),
            after["source_uri"].clone()
        ),
        (Some(0), Value::Null),
        "untouched: {after}"
    );
}

/// With no worker to run it, the import is still queued when the answer stops waiting: the
/// answer is BUILDING with both lists empty, and the status lists the tasks later.
async fn an_import_still_running_is_answered_building_with_empty_lists(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "rosetta");
    let api_key = wharf.create_key("team");
    let server = wharf.serve(&["--workers", "0"]);
    let bucket = s3_bucket(&sensor_tree()).await;
    let (_, project) = server
        .send(
            "POST",
            "/v1/projects",
            Some(&api_key),
            Some(json!({"name": "later"})),
        )
        .await;
    let mut request = import_body(&bucket, "queued");
    request["projectId"] = project["id"].clone();
    let (status, body) = rosetta(
        &server,
        &keys,
        "POST",
        "/rosetta-open/dataset/annotation/import/async",
        Some(request),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_envelope(&body, 200, true);
    assert_eq!(body["data"]["status"], 1, "BUILDING: {body}");
    assert_eq!(body["data"]["successTaskList"], json!([]), "{body}");
    assert_eq!(body["data"]["errorDataIdList"], json!([]), "{body}");
}
