//! ModelArts' dataset and import-task APIs against a real server, a real S3 server and both
//! catalogs: the requests of the platform's pages, signed as Huawei Cloud's SDKs sign them
//! (a signer written here, and the official Python one).

mod common;

use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use common::{
    ClientRun, Db, KeyPair, Server, Wharf, env, png, s3_bucket, s3_operator, test_python,
};

/// The project id in the paths: any id goes, the workspace is the key's.
const PROJECT: &str = "0a7f3b1c9d";

fn sdk_date(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `Authorization` header of a request, signed as the platform's signing guide says. The
/// paths and queries of these tests need no percent-encoding.
fn authorization(
    keys: &KeyPair,
    method: &str,
    host: &str,
    path_and_query: &str,
    body: &[u8],
    date: &str,
) -> String {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut pairs: Vec<(&str, &str)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    pairs.sort();
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let path = if path.ends_with('/') {
        path.to_owned()
    } else {
        format!("{path}/")
    };
    let signed = "content-type;host;x-sdk-date";
    let canonical = format!(
        "{method}\n{path}\n{}\ncontent-type:application/json\nhost:{host}\nx-sdk-date:{date}\n\n{signed}\n{}",
        query.join("&"),
        hex(&Sha256::digest(body))
    );
    let to_sign = format!(
        "SDK-HMAC-SHA256\n{date}\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(keys.secret.as_bytes()).unwrap();
    mac.update(to_sign.as_bytes());
    format!(
        "SDK-HMAC-SHA256 Access={}, SignedHeaders={signed}, Signature={}",
        keys.access,
        hex(&mac.finalize().into_bytes())
    )
}

/// How a test request departs from a correctly signed one.
#[derive(Default)]
struct Tamper {
    /// Sent as X-Sdk-Date (and signed).
    date: Option<String>,
    /// Signed for this host instead of the one the request goes to.
    host: Option<String>,
    /// Sent instead of the body that was signed.
    body: Option<Vec<u8>>,
    no_authorization: bool,
}

/// A ModelArts client of one key pair.
struct Client<'a> {
    server: &'a Server,
    keys: KeyPair,
    http: reqwest::Client,
}

impl<'a> Client<'a> {
    fn new(server: &'a Server, keys: &KeyPair) -> Self {
        Self {
            server,
            keys: keys.clone(),
            http: reqwest::Client::new(),
        }
    }

    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        self.send_raw(method, path, body, Tamper::default()).await
    }

    async fn send_raw(
        &self,
        method: &str,
        path: &str,
        body: Vec<u8>,
        tamper: Tamper,
    ) -> (u16, Value) {
        let (status, _, value) = self.exchange(method, path, body, tamper).await;
        (status, value)
    }

    /// The answer's `X-Request-Id` header with its status and body.
    async fn send_for_request_id(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Option<String>, Value) {
        let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let (status, headers, value) = self.exchange(method, path, body, Tamper::default()).await;
        let id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (status, id, value)
    }

    async fn exchange(
        &self,
        method: &str,
        path: &str,
        body: Vec<u8>,
        tamper: Tamper,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let host = self.server.url.trim_start_matches("http://").to_owned();
        let date = tamper.date.unwrap_or_else(|| sdk_date(chrono::Utc::now()));
        let signed_host = tamper.host.unwrap_or(host);
        let auth = authorization(&self.keys, method, &signed_host, path, &body, &date);
        let mut request = self
            .http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}{path}", self.server.url),
            )
            .header("Content-Type", "application/json")
            .header("X-Sdk-Date", &date)
            .body(tamper.body.unwrap_or(body));
        if !tamper.no_authorization {
            request = request.header("Authorization", auth);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, headers, value)
    }

    /// Polls an import task until it is COMPLETED or FAILED.
    async fn wait_task(&self, dataset_id: &str, task_id: &str) -> Value {
        let path = format!("/v2/{PROJECT}/datasets/{dataset_id}/import-tasks/{task_id}");
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let (status, task) = self.send("GET", &path, None).await;
            assert_eq!(status, 200, "{task}");
            if ["COMPLETED", "FAILED"].contains(&task["status"].as_str().unwrap_or_default()) {
                return task;
            }
            assert!(Instant::now() < deadline, "still importing: {task}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn dataset(&self, dataset_id: &str) -> Value {
        let (status, dataset) = self
            .send("GET", &format!("/v2/{PROJECT}/datasets/{dataset_id}"), None)
            .await;
        assert_eq!(status, 200, "{dataset}");
        dataset
    }
}

/// A refusal of the service: the status, the code, and a message naming `field`.
fn assert_refused(answer: &(u16, Value), status: u16, code: &str, field: &str) {
    let (got, body) = answer;
    assert_eq!(*got, status, "{body}");
    assert_eq!(body["error_code"], code, "{body}");
    let message = body["error_msg"].as_str().unwrap();
    assert!(message.contains(field), "'{field}' not in {body}");
}

/// A refusal of the gateway: 401, APIGW.0301, the platform's words, a request id.
fn assert_gateway_refused(answer: &(u16, Value), says: &str) {
    let (status, body) = answer;
    assert_eq!(*status, 401, "{body}");
    assert_eq!(body["error_code"], "APIGW.0301", "{body}");
    let message = body["error_msg"].as_str().unwrap();
    assert!(
        message.starts_with("Incorrect IAM authentication information: "),
        "{body}"
    );
    assert!(message.contains(says), "'{says}' not in {body}");
    let request_id = body["request_id"].as_str().unwrap();
    assert_eq!(request_id.len(), 32, "{body}");
}

/// Every field of the platform's import task details, with its type.
fn assert_task_fields(task: &Value) {
    for field in ["status", "task_id", "dataset_id", "import_path"] {
        assert!(task[field].is_string(), "{field}: {task}");
    }
    for field in [
        "import_type",
        "total_sample_count",
        "imported_sample_count",
        "annotated_sample_count",
        "total_sub_sample_count",
        "imported_sub_sample_count",
        "unconfirmed_sample_count",
        "total_file_count",
        "finished_file_count",
        "total_file_size",
        "finished_file_size",
        "create_time",
        "update_ms",
        "elapsed_time",
    ] {
        assert!(task[field].is_i64(), "{field}: {task}");
    }
    for field in [
        "file_num_finished",
        "file_num_total",
        "file_size_finished",
        "file_size_total",
    ] {
        assert!(task["file_statistics"][field].is_i64(), "{field}: {task}");
    }
    assert_eq!(task["data_source"]["data_type"], 0, "{task}");
    assert_eq!(
        task["data_source"]["data_path"], task["import_path"],
        "{task}"
    );
    let created = task["create_time"].as_i64().unwrap();
    assert!(created > 1_600_000_000_000, "epoch milliseconds: {task}");
    assert!(task["update_ms"].as_i64().unwrap() >= created, "{task}");
    assert!(
        task["elapsed_time"].as_i64().unwrap() < 600,
        "seconds: {task}"
    );
}

/// Image classification by folder: `prefix/Cat/1.png, prefix/Cat/2.png, prefix/Dog/3.png`.
fn classification_tree(prefix: &str) -> Vec<(String, Vec<u8>)> {
    [("Cat", 1), ("Cat", 2), ("Dog", 3)]
        .iter()
        .map(|(label, n)| (format!("{prefix}/{label}/{n}.png"), png(8, 6)))
        .collect()
}

fn voc_xml(names: &[&str]) -> Vec<u8> {
    let mut xml = String::from(
        "<annotation><folder>NA</folder><filename>x.png</filename><size><width>8</width><height>6</height><depth>3</depth></size><segmented>0</segmented>",
    );
    for name in names {
        xml.push_str(&format!(
            "<object><name>{name}</name><pose>Unspecified</pose><truncated>0</truncated><difficult>0</difficult><occluded>0</occluded>\
             <bndbox><xmin>1</xmin><ymin>1</ymin><xmax>4</xmax><ymax>4</ymax></bndbox></object>"
        ));
    }
    xml.push_str("</annotation>");
    xml.into_bytes()
}

/// Pascal VOC: an image and its XML of the same name, side by side.
fn voc_tree(prefix: &str) -> Vec<(String, Vec<u8>)> {
    vec![
        (format!("{prefix}/a.png"), png(8, 6)),
        (format!("{prefix}/a.xml"), voc_xml(&["cat"])),
        (format!("{prefix}/b.png"), png(8, 6)),
        (format!("{prefix}/b.xml"), voc_xml(&["dog", "dog"])),
    ]
}

/// Uploads `prefix/V001.manifest` naming `prefix/img/x.png` (Cat) and `prefix/img/y.png`
/// (Bird) by their `s3://` URIs, as the platform's manifests do, and the two images.
async fn upload_manifest_set(bucket: &str, prefix: &str) {
    let manifest = format!(
        "{}\n{}\n",
        json!({"source": format!("s3://{bucket}/{prefix}/img/x.png"), "usage": "TRAIN",
               "annotation": [{"type": "modelarts/image_classification", "name": "Cat",
                               "annotated-by": "human", "creation-time": "2019-01-23 11:30:30"}]}),
        json!({"source": format!("s3://{bucket}/{prefix}/img/y.png"),
               "annotation": [{"type": "modelarts/image_classification", "name": "Bird"}]}),
    );
    let op = s3_operator(bucket);
    for (key, body) in [
        (format!("{prefix}/img/x.png"), png(8, 6)),
        (format!("{prefix}/img/y.png"), png(8, 6)),
        (format!("{prefix}/V001.manifest"), manifest.into_bytes()),
    ] {
        op.write(&key, body).await.unwrap();
    }
}

/// Stores the test S3 server's credentials as a connection of the key's workspace.
async fn store_connection(server: &Server, api_key: &str, name: &str) {
    let env = env();
    let (status, body) = server
        .send(
            "POST",
            "/v1/connections",
            Some(api_key),
            Some(json!({"name": name, "endpoint": env.s3_endpoint,
                        "access_key_id": env.s3_key, "secret_access_key": env.s3_secret})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

/// A ModelArts sample through the native API, by the end of its key: the platform knows a
/// sample by its object, so its key is the object's URI (`s3://bucket/path/x.png`).
async fn native_sample(server: &Server, api_key: &str, dataset_id: &str, key_end: &str) -> Value {
    let samples = server.all_samples(api_key, dataset_id, "").await;
    let found = samples
        .iter()
        .find(|s| {
            s["key"]
                .as_str()
                .is_some_and(|k| k == key_end || k.ends_with(&format!("/{key_end}")))
        })
        .unwrap_or_else(|| panic!("no sample ending {key_end} in {samples:?}"));
    let key = found["key"].as_str().unwrap();
    assert!(
        key.starts_with("s3://") || key.starts_with("obs://"),
        "an object URI: {key}"
    );
    server
        .get(
            &format!(
                "/v1/datasets/{dataset_id}/samples/{}",
                found["id"].as_str().unwrap()
            ),
            api_key,
        )
        .await
}

/// The labels of a sample, through the native API, by the end of its key.
async fn native_labels(
    server: &Server,
    api_key: &str,
    dataset_id: &str,
    key_end: &str,
) -> Vec<String> {
    let sample = native_sample(server, api_key, dataset_id, key_end).await;
    sample["annotations"]
        .as_array()
        .unwrap_or_else(|| panic!("no annotations: {sample}"))
        .iter()
        .map(|a| a["label"].as_str().unwrap().to_owned())
        .collect()
}

fn create_body(name: &str, dataset_type: i64, data_path: &str, work_path: &str) -> Value {
    json!({
        "dataset_name": name,
        "dataset_type": dataset_type,
        "data_sources": [{"data_type": 0, "data_path": data_path}],
        "work_path": work_path,
        "work_path_type": 0,
        "description": "imported by a ModelArts script"
    })
}

/// Makes a dataset whose data source is imported, and waits for the import.
async fn create_and_import(client: &Client<'_>, body: Value) -> (String, Value) {
    let (status, created) = client
        .send("POST", &format!("/v2/{PROJECT}/datasets"), Some(body))
        .await;
    assert_eq!(status, 201, "{created}");
    let dataset_id = created["dataset_id"].as_str().unwrap().to_owned();
    let task_id = created["import_task_id"].as_str().unwrap();
    let task = client.wait_task(&dataset_id, task_id).await;
    assert_eq!(task["status"], "COMPLETED", "{task}");
    assert_task_fields(&task);
    (dataset_id, task)
}

async fn folders_voc_and_manifests_import_as_the_platform_documents(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "modelarts");
    let api_key = wharf.create_key("team");
    let server = wharf.serve(&[]);
    let mut tree = classification_tree("cats");
    tree.extend(voc_tree("voc"));
    let bucket = s3_bucket(&tree).await;
    upload_manifest_set(&bucket, "set").await;
    // The connection named after the bucket holds its keys.
    store_connection(&server, &api_key, &bucket).await;
    let client = Client::new(&server, &keys);

    let (pets, task) = create_and_import(
        &client,
        create_body(
            "pets",
            0,
            &format!("/{bucket}/cats/"),
            &format!("/{bucket}/output/"),
        ),
    )
    .await;
    assert_eq!(
        task["import_path"],
        format!("s3://{bucket}/cats/"),
        "{task}"
    );
    assert_eq!(task["import_type"], 0);
    assert_eq!(task["dataset_id"], pets.as_str());
    for field in [
        "total_sample_count",
        "imported_sample_count",
        "annotated_sample_count",
        "file_statistics",
    ] {
        let value = if field == "file_statistics" {
            &task[field]["file_num_total"]
        } else {
            &task[field]
        };
        assert_eq!(value, 3, "{field}: {task}");
    }
    assert!(task.get("error_code").is_none(), "{task}");
    let dataset = client.dataset(&pets).await;
    assert_eq!(dataset["dataset_name"], "pets");
    assert_eq!(dataset["dataset_type"], 0);
    assert_eq!(dataset["status"], 1, "normal: {dataset}");
    assert_eq!(dataset["total_sample_count"], 3);
    assert_eq!(dataset["annotated_sample_count"], 3);
    assert_eq!(dataset["work_path"], format!("/{bucket}/output/"));
    assert_eq!(
        dataset["data_sources"],
        json!([{"data_type": 0, "data_path": format!("/{bucket}/cats/")}])
    );
    assert_eq!(dataset["current_version_name"], "V001");
    assert_eq!(dataset["import_task_id"], task["task_id"]);
    assert_eq!(dataset["description"], "imported by a ModelArts script");
    assert!(dataset["create_time"].as_i64().unwrap() > 1_600_000_000_000);
    assert_eq!(
        native_labels(&server, &api_key, &pets, "Cat/1.png").await,
        ["Cat"]
    );
    assert_eq!(
        native_labels(&server, &api_key, &pets, "Dog/3.png").await,
        ["Dog"]
    );

    // A VOC tree is not an image classification layout: refused before anything is queued.
    let tasks_path = format!("/v2/{PROJECT}/datasets/{pets}/import-tasks");
    let refused = client
        .send(
            "POST",
            &tasks_path,
            Some(json!({"import_type": "dir", "import_path": format!("s3://{bucket}/voc/")})),
        )
        .await;
    assert_refused(&refused, 400, "ModelArts.4340", "voc");
    assert!(
        refused.1["error_msg"]
            .as_str()
            .unwrap()
            .contains("image classification"),
        "{}",
        refused.1
    );

    // The seed's manifest request, with its older `included_tags`.
    let manifest = format!("s3://{bucket}/set/V001.manifest");
    let (status, created) = client
        .send(
            "POST",
            &tasks_path,
            Some(json!({"import_type": "manifest", "import_path": manifest,
                        "included_tags": [], "import_annotations": true, "difficult_only": false})),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(
        created.as_object().unwrap().len(),
        1,
        "only task_id: {created}"
    );
    let task = client
        .wait_task(&pets, created["task_id"].as_str().unwrap())
        .await;
    assert_eq!(task["status"], "COMPLETED", "{task}");
    assert_task_fields(&task);
    assert_eq!(task["import_type"], 1);
    assert_eq!(task["import_path"], manifest.as_str());
    assert_eq!(task["total_sample_count"], 2, "{task}");
    assert_eq!(task["annotated_sample_count"], 2, "{task}");
    // Imports add to the dataset, as on the platform.
    let dataset = client.dataset(&pets).await;
    assert_eq!(dataset["total_sample_count"], 5, "{dataset}");
    assert_eq!(dataset["current_version_name"], "V002");
    assert_eq!(
        native_labels(&server, &api_key, &pets, "img/y.png").await,
        ["Bird"]
    );

    let (boxes, task) = create_and_import(
        &client,
        create_body(
            "boxes",
            1,
            &format!("/{bucket}/voc/"),
            &format!("/{bucket}/output/"),
        ),
    )
    .await;
    assert_eq!(task["annotated_sample_count"], 2, "{task}");
    assert_eq!(
        native_labels(&server, &api_key, &boxes, "b.png").await,
        ["dog", "dog"]
    );
    let sample = native_sample(&server, &api_key, &boxes, "a.png").await;
    assert_eq!(sample["annotations"][0]["shape"]["type"], "box", "{sample}");

    // Paging: `offset` is the page; newest first.
    let list = |query: &'static str| {
        let client = &client;
        async move {
            let (status, list) = client
                .send("GET", &format!("/v2/{PROJECT}/datasets{query}"), None)
                .await;
            assert_eq!(status, 200, "{list}");
            list
        }
    };
    let first = list("?limit=1&offset=0").await;
    assert_eq!(first["total_number"], 2, "{first}");
    assert_eq!(first["datasets"].as_array().unwrap().len(), 1);
    assert_eq!(first["datasets"][0]["dataset_name"], "boxes", "{first}");
    let second = list("?limit=1&offset=1").await;
    assert_eq!(second["datasets"][0]["dataset_name"], "pets", "{second}");
    assert_eq!(second["datasets"][0]["total_sample_count"], 5);
    let detection = list("?dataset_type=1").await;
    assert_eq!(detection["total_number"], 1, "{detection}");
    assert_eq!(detection["datasets"][0]["dataset_id"], boxes.as_str());
    let named = list("?search_content=pet").await;
    assert_eq!(named["datasets"][0]["dataset_id"], pets.as_str(), "{named}");
    let all = list("").await;
    assert_eq!(all["datasets"].as_array().unwrap().len(), 2);

    let (status, tasks) = client
        .send("GET", &format!("{tasks_path}?limit=1&offset=0"), None)
        .await;
    assert_eq!(status, 200, "{tasks}");
    assert_eq!(tasks["total_count"], 2, "{tasks}");
    assert_eq!(tasks["import_tasks"][0]["import_type"], 1, "newest first");
    let (_, tasks) = client
        .send("GET", &format!("{tasks_path}?limit=1&offset=1"), None)
        .await;
    assert_eq!(tasks["import_tasks"][0]["import_type"], 0, "{tasks}");
    assert_task_fields(&tasks["import_tasks"][0]);

    // The storage secret is nowhere: not in an answer, not in the log.
    let secret = env().s3_secret;
    for text in [all.to_string(), tasks.to_string(), server.log()] {
        assert!(!text.contains(&secret), "the storage secret leaked");
    }
}

async fn refusals_name_the_field_with_the_platform_codes(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "modelarts");
    let stranger = wharf.create_key_pair("other", "modelarts");
    let api_key = wharf.create_key("team");
    // No workers: an import stays queued.
    let server = wharf.serve(&["--workers", "0"]);
    let bucket = s3_bucket(&classification_tree("cats")).await;
    store_connection(&server, &api_key, "default").await;
    let client = Client::new(&server, &keys);
    let datasets = format!("/v2/{PROJECT}/datasets");
    let input = format!("/{bucket}/cats/");
    let output = format!("/{bucket}/output/");

    let (status, created) = client
        .send(
            "POST",
            &datasets,
            Some(create_body("queued", 0, &input, &output)),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let queued = created["dataset_id"].as_str().unwrap().to_owned();
    let task_id = created["import_task_id"].as_str().unwrap().to_owned();
    let dataset = client.dataset(&queued).await;
    assert_eq!(dataset["status"], 8, "importing: {dataset}");
    assert_eq!(dataset["exist_running_task"], true);
    assert_eq!(dataset["running_tasks_id"], json!([task_id]));
    let (_, task) = client
        .send(
            "GET",
            &format!("{datasets}/{queued}/import-tasks/{task_id}"),
            None,
        )
        .await;
    assert_eq!(task["status"], "QUEUING", "{task}");
    assert_task_fields(&task);

    // One import at a time.
    let second = client
        .send(
            "POST",
            &format!("{datasets}/{queued}/import-tasks"),
            Some(json!({"import_path": format!("s3:/{input}")})),
        )
        .await;
    assert_refused(&second, 400, "ModelArts.4356", &task_id);

    // Unknown datasets and tasks, and another workspace's dataset, are 400 as on the platform.
    assert_refused(
        &client.send("GET", &format!("{datasets}/nope"), None).await,
        400,
        "ModelArts.4352",
        "nope",
    );
    assert_refused(
        &client
            .send(
                "POST",
                &format!("{datasets}/nope/import-tasks"),
                Some(json!({"import_path": "s3://b/p/"})),
            )
            .await,
        400,
        "ModelArts.4352",
        "nope",
    );
    assert_refused(
        &Client::new(&server, &stranger)
            .send("GET", &format!("{datasets}/{queued}"), None)
            .await,
        400,
        "ModelArts.4352",
        &queued,
    );
    assert_refused(
        &client
            .send(
                "GET",
                &format!("{datasets}/{queued}/import-tasks/nope"),
                None,
            )
            .await,
        400,
        "ModelArts.4612",
        "nope",
    );

    // A table dataset that imports nothing at creation takes the field checks of imports.
    let mut table = create_body("table", 400, &input, &output);
    table["import_data"] = json!(false);
    let (status, created) = client.send("POST", &datasets, Some(table)).await;
    assert_eq!(status, 201, "{created}");
    assert!(created.get("import_task_id").is_none(), "{created}");
    let tasks = format!(
        "{datasets}/{}/import-tasks",
        created["dataset_id"].as_str().unwrap()
    );
    let path = format!("s3:/{input}");
    for (body, field) in [
        (
            json!({"import_path": path, "import_type": "folder"}),
            "import_type",
        ),
        (
            json!({"import_path": path, "import_origin": "dws"}),
            "object storage",
        ),
        (
            json!({"import_path": path, "data_source": {"data_type": 1}}),
            "data_source.data_type",
        ),
        (
            json!({"import_path": path, "import_type": "manifest"}),
            "manifest",
        ),
        (
            json!({"import_path": path, "annotation_format": "COCO"}),
            "annotation_format",
        ),
        (
            json!({"import_path": path, "label_format": {"text_sample_separator": "->"}}),
            "text_sample_separator",
        ),
        (
            json!({"import_path": path, "label_format": {"text_label_separator": "~"}}),
            "text_label_separator",
        ),
        (
            json!({"import_path": path, "label_format": {"label_type": 2}}),
            "label_type",
        ),
        (
            json!({"import_path": path, "included_labels": [{"type": 0}]}),
            "included_labels[0]",
        ),
        (
            json!({"import_path": path, "difficult_only": "yes"}),
            "difficult_only",
        ),
        (json!({}), "import_path"),
    ] {
        assert_refused(
            &client.send("POST", &tasks, Some(body)).await,
            400,
            "ModelArts.4396",
            field,
        );
    }
    assert_refused(
        &client
            .send_raw(
                "POST",
                &tasks,
                b"{\"import_path\": ".to_vec(),
                Tamper::default(),
            )
            .await,
        400,
        "ModelArts.4105",
        "JSON",
    );
    assert_refused(
        &client
            .send_raw("POST", &tasks, Vec::new(), Tamper::default())
            .await,
        400,
        "ModelArts.4202",
        "Empty",
    );

    // Dataset fields.
    let with = |field: &str, value: Value| {
        let mut body = create_body("fresh", 0, &input, &output);
        body[field] = value;
        body
    };
    for (body, code, says) in [
        (
            with("dataset_type", json!(7)),
            "ModelArts.4396",
            "900 (free format)",
        ),
        (
            with("dataset_name", json!("has space")),
            "ModelArts.4396",
            "dataset_name",
        ),
        (
            with("description", json!("a <b>")),
            "ModelArts.4396",
            "description",
        ),
        (
            with("work_path", json!(format!("/{bucket}/"))),
            "ModelArts.4205",
            "work_path",
        ),
        (
            with("work_path", json!(format!("{input}out/"))),
            "ModelArts.4396",
            "work_path",
        ),
        (
            with("data_sources", json!([])),
            "ModelArts.4396",
            "data_sources",
        ),
        (
            with("work_path_type", json!(1)),
            "ModelArts.4396",
            "work_path_type",
        ),
        (
            create_body("queued", 0, &input, &output),
            "ModelArts.4351",
            "queued",
        ),
    ] {
        assert_refused(
            &client.send("POST", &datasets, Some(body)).await,
            400,
            code,
            says,
        );
    }
    for query in ["?limit=0", "?limit=101", "?offset=-1", "?dataset_type=5"] {
        let field = query.trim_start_matches('?').split('=').next().unwrap();
        assert_refused(
            &client
                .send("GET", &format!("{datasets}{query}"), None)
                .await,
            400,
            "ModelArts.4396",
            field,
        );
    }
}

async fn signatures_are_checked_as_the_gateway_checks_them(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "modelarts");
    let rosetta = wharf.create_key_pair("team", "rosetta");
    let server = wharf.serve(&[]);
    let client = Client::new(&server, &keys);
    let path = format!("/v2/{PROJECT}/datasets?limit=5&offset=0");

    let (status, body) = client.send("GET", &path, None).await;
    assert_eq!((status, &body["total_number"]), (200, &json!(0)), "{body}");

    let refused = client
        .send_raw(
            "GET",
            &path,
            Vec::new(),
            Tamper {
                no_authorization: true,
                ..Tamper::default()
            },
        )
        .await;
    assert_gateway_refused(&refused, "Authorization");
    let unknown = KeyPair {
        access: "NOSUCHKEY".to_owned(),
        secret: keys.secret.clone(),
    };
    assert_gateway_refused(
        &Client::new(&server, &unknown)
            .send("GET", &path, None)
            .await,
        "Get secretKey failed,ak:NOSUCHKEY,err:ak not exist",
    );
    assert_gateway_refused(
        &Client::new(&server, &rosetta)
            .send("GET", &path, None)
            .await,
        "rosetta key",
    );
    let wrong = KeyPair {
        access: keys.access.clone(),
        secret: "not-the-secret".to_owned(),
    };
    assert_gateway_refused(
        &Client::new(&server, &wrong).send("GET", &path, None).await,
        "verify aksk signature fail, canonicalRequest:GET|",
    );
    let twenty_minutes_ago = sdk_date(chrono::Utc::now() - chrono::Duration::minutes(20));
    assert_gateway_refused(
        &client
            .send_raw(
                "GET",
                &path,
                Vec::new(),
                Tamper {
                    date: Some(twenty_minutes_ago),
                    ..Tamper::default()
                },
            )
            .await,
        "signature expired",
    );
    assert_gateway_refused(
        &client
            .send_raw(
                "GET",
                &path,
                Vec::new(),
                Tamper {
                    date: Some("2024-01-02T03:04:05Z".to_owned()),
                    ..Tamper::default()
                },
            )
            .await,
        "YYYYMMDDTHHMMSSZ",
    );
    // The Host signed must be the Host received, and the body the body signed.
    assert_gateway_refused(
        &client
            .send_raw(
                "GET",
                &path,
                Vec::new(),
                Tamper {
                    host: Some("modelarts.example.com".to_owned()),
                    ..Tamper::default()
                },
            )
            .await,
        "verify aksk signature fail",
    );
    let body = json!({"dataset_name": "d"}).to_string().into_bytes();
    assert_gateway_refused(
        &client
            .send_raw(
                "POST",
                &format!("/v2/{PROJECT}/datasets"),
                body,
                Tamper {
                    body: Some(json!({"dataset_name": "e"}).to_string().into_bytes()),
                    ..Tamper::default()
                },
            )
            .await,
        "verify aksk signature fail",
    );
}

async fn text_classification_follows_the_label_format(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "modelarts");
    let api_key = wharf.create_key("team");
    let server = wharf.serve(&[]);
    let bucket = s3_bucket(&[
        (
            "texts/reviews.txt".to_owned(),
            b"great film|positive;fun\nawful plot|negative\n".to_vec(),
        ),
        ("results/a.txt".to_owned(), b"nice\nbad\n".to_vec()),
        ("results/a_result.txt".to_owned(), b"pos\nneg\n".to_vec()),
    ])
    .await;
    // No connection is named after the bucket: the one named `default` is used.
    store_connection(&server, &api_key, "default").await;
    let client = Client::new(&server, &keys);

    let mut body = create_body(
        "reviews",
        100,
        &format!("/{bucket}/texts/"),
        &format!("/{bucket}/output/"),
    );
    body["label_format"] =
        json!({"label_type": "1", "text_sample_separator": "|", "text_label_separator": ";"});
    let (reviews, task) = create_and_import(&client, body).await;
    assert_eq!(task["total_sample_count"], 2, "{task}");
    assert_eq!(task["annotated_sample_count"], 2, "{task}");
    assert_eq!(
        native_labels(&server, &api_key, &reviews, "reviews.txt:1").await,
        ["positive", "fun"]
    );
    assert_eq!(
        native_labels(&server, &api_key, &reviews, "reviews.txt:2").await,
        ["negative"]
    );
    let sample = native_sample(&server, &api_key, &reviews, "reviews.txt:1").await;
    assert_eq!(sample["text"], "great film", "{sample}");
    let dataset = client.dataset(&reviews).await;
    assert_eq!(dataset["dataset_type"], 100);
    assert_eq!(
        dataset["label_format"],
        json!({"label_type": "1", "text_sample_separator": "|", "text_label_separator": ";"})
    );

    // label_type 0 (a number here): labels in X_result.txt, line by line.
    let (status, created) = client
        .send(
            "POST",
            &format!("/v2/{PROJECT}/datasets/{reviews}/import-tasks"),
            Some(
                json!({"import_type": 0, "import_path": format!("s3://{bucket}/results/"),
                        "label_format": {"label_type": 0}}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let task = client
        .wait_task(&reviews, created["task_id"].as_str().unwrap())
        .await;
    assert_eq!(task["status"], "COMPLETED", "{task}");
    assert_eq!(
        native_labels(&server, &api_key, &reviews, "a.txt:2").await,
        ["neg"]
    );
    assert_eq!(client.dataset(&reviews).await["total_sample_count"], 4);
}

async fn the_official_python_signer_is_accepted(db: Db) {
    let python = test_python(
        "huaweicloudsdkcore.signer.signer, requests",
        "Huawei Cloud's SDK core",
    );
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "modelarts");
    let api_key = wharf.create_key("team");
    let server = wharf.serve(&[]);
    let bucket = s3_bucket(&classification_tree("cats")).await;
    upload_manifest_set(&bucket, "set").await;
    store_connection(&server, &api_key, &bucket).await;

    let client = ClientRun::run(
        &python,
        "modelarts_client.py",
        &[
            server.url.as_str(),
            PROJECT,
            "signed-by-sdk",
            &format!("/{bucket}/cats/"),
            &format!("/{bucket}/output/"),
            &format!("s3://{bucket}/set/V001.manifest"),
            &common::unique("no-such-bucket"),
        ],
        &[
            ("HUAWEICLOUD_SDK_AK", &keys.access),
            ("HUAWEICLOUD_SDK_SK", &keys.secret),
        ],
    )
    .await;
    let stdout = &client.stdout;
    let tasks = client.all("task");
    assert_eq!(tasks.len(), 2, "{stdout}");
    for task in tasks {
        assert_eq!(task["answer"]["status"], "COMPLETED", "{task}");
    }
    assert_eq!(
        client.answer("list_import_tasks")["total_count"],
        2,
        "{stdout}"
    );
    let dataset = client.answer("dataset");
    assert_eq!(dataset["dataset_name"], "signed-by-sdk", "{dataset}");
    assert_eq!(dataset["total_sample_count"], 5, "{dataset}");
    assert_eq!(dataset["annotated_sample_count"], 5, "{dataset}");
    // The SDK's own exceptions: client errors, each with the answer's request id.
    for (step, code) in [
        ("missing_dataset", &["ModelArts.4352"][..]),
        ("missing_bucket", &["ModelArts.4311", "ModelArts.4314"][..]),
    ] {
        let raised = client.answer(step);
        assert_eq!(raised["exception"], "ClientRequestException", "{raised}");
        assert!(
            code.contains(&raised["error_code"].as_str().unwrap_or_default()),
            "{raised}"
        );
        assert!(
            raised["request_id"]
                .as_str()
                .is_some_and(|id| id.len() == 32),
            "the SDK finds the request id: {raised}"
        );
    }
}

on_both_catalogs!(
    folders_voc_and_manifests_import_as_the_platform_documents,
    refusals_name_the_field_with_the_platform_codes,
    signatures_are_checked_as_the_gateway_checks_them,
    text_classification_follows_the_label_format,
    a_table_is_checked_against_the_schema_through_its_column_mapping,
    the_official_python_signer_is_accepted,
    obs_paths_read_through_connections_and_every_answer_has_a_request_id,
    manifests_follow_their_sources_anywhere_in_the_store,
    a_dataset_made_through_another_api_is_never_changed,
);

/// The native job errors of a task, as `(line, message)`.
async fn task_errors(server: &Server, api_key: &str, task_id: &str) -> Vec<(i64, String)> {
    let errors = server
        .get(&format!("/v1/jobs/{task_id}/errors?limit=100"), api_key)
        .await;
    errors["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors page: {errors}"))
        .iter()
        .map(|e| {
            (
                e["line"].as_i64().unwrap_or(0),
                e["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn a_table_is_checked_against_the_schema_through_its_column_mapping(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "modelarts");
    let api_key = wharf.create_key("team");
    let server = wharf.serve(&[]);
    let csv = b"user_age,city\n31,Berlin\nabc,Paris\n40\n".to_vec();
    let bucket = s3_bucket(&[("tables/people.csv".to_owned(), csv)]).await;
    store_connection(&server, &api_key, "default").await;
    let client = Client::new(&server, &keys);
    let schema = json!([{"schema_id": 0, "name": "age", "type": "Int"},
                        {"schema_id": 1, "name": "city", "type": "String"}]);

    // The files call the age column user_age; schema_maps says so.
    let mut body = create_body(
        "people",
        400,
        &format!("/{bucket}/tables/"),
        &format!("/{bucket}/output/"),
    );
    body["schema"] = schema.clone();
    body["import_data"] = json!(true);
    body["data_sources"] = json!([{"data_type": 0, "data_path": format!("/{bucket}/tables/"),
        "with_column_header": true,
        "schema_maps": [{"src_name": "user_age", "dest_name": "age"}]}]);
    let (people, task) = create_and_import(&client, body).await;
    assert_eq!(task["total_sample_count"], 1, "{task}");
    let errors = task_errors(&server, &api_key, task["task_id"].as_str().unwrap()).await;
    assert!(
        errors
            .iter()
            .any(|(line, m)| *line == 3 && m.contains("abc") && m.contains("Int")),
        "line 3's age is no Int: {errors:?}"
    );
    assert!(
        errors.iter().any(|(line, _)| *line == 4),
        "line 4 has one field of two: {errors:?}"
    );
    assert!(
        !errors.iter().any(|(line, _)| *line == 1),
        "the mapped header fits the schema: {errors:?}"
    );
    let dataset = client.dataset(&people).await;
    assert_eq!(dataset["schema"], schema);
    assert_eq!(
        dataset["data_sources"][0]["schema_maps"],
        json!([{"src_name": "user_age", "dest_name": "age"}])
    );

    // Without the mapping, the header names a column the schema does not have.
    let (status, created) = client
        .send(
            "POST",
            &format!("/v2/{PROJECT}/datasets/{people}/import-tasks"),
            Some(
                json!({"import_path": format!("s3://{bucket}/tables/"), "with_column_header": true,
                        "data_source": {"schema_maps": []}}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let task_id = created["task_id"].as_str().unwrap();
    let task = client.wait_task(&people, task_id).await;
    assert_eq!(task["status"], "COMPLETED", "{task}");
    let errors = task_errors(&server, &api_key, task_id).await;
    assert!(
        errors
            .iter()
            .any(|(line, m)| *line == 1 && m.contains("user_age")),
        "the header's user_age is not the schema's age: {errors:?}"
    );

    // A schema type Wharf does not know, or a mapping to no column, is refused at creation.
    for (schema, maps, field) in [
        (
            json!([{"name": "age", "type": "Integer"}]),
            json!([]),
            "schema[0].type",
        ),
        (json!([{"type": "Int"}]), json!([]), "schema[0].name"),
        (
            json!([{"name": "age", "type": "Int"}]),
            json!([{"src_name": "a", "dest_name": "years"}]),
            "schema_maps",
        ),
    ] {
        let mut body = create_body(
            "bad_schema",
            400,
            &format!("/{bucket}/tables/"),
            &format!("/{bucket}/output2/"),
        );
        body["schema"] = schema;
        body["data_sources"][0]["schema_maps"] = maps;
        assert_refused(
            &client
                .send("POST", &format!("/v2/{PROJECT}/datasets"), Some(body))
                .await,
            400,
            "ModelArts.4396",
            field,
        );
    }
}

fn is_request_id(id: &Option<String>) -> bool {
    id.as_ref()
        .is_some_and(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `obs://` paths on an S3-compatible endpoint (with a port) are read through the connection
/// named after the bucket, which says its endpoint speaks S3; a bucket with no connection and
/// no `default` one is a client error with the platform's code and advice; every answer
/// carries an `X-Request-Id`, as the platform's do, for the SDK's exceptions.
async fn obs_paths_read_through_connections_and_every_answer_has_a_request_id(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "modelarts");
    let api_key = wharf.create_key("team");
    let server = wharf.serve(&[]);
    let client = Client::new(&server, &keys);
    let bucket = s3_bucket(&classification_tree("cats")).await;
    let env = env();
    let (status, body) = server
        .send(
            "POST",
            "/v1/connections",
            Some(&api_key),
            Some(
                json!({"name": bucket, "endpoint": env.s3_endpoint, "protocol": "s3",
                        "access_key_id": env.s3_key, "secret_access_key": env.s3_secret}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{body}");

    let datasets = format!("/v2/{PROJECT}/datasets");
    let (status, id, created) = client
        .send_for_request_id(
            "POST",
            &datasets,
            Some(create_body(
                "from-obs",
                0,
                &format!("obs://{bucket}/cats/"),
                &format!("obs://{bucket}/output/"),
            )),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert!(is_request_id(&id), "{id:?}");
    let dataset_id = created["dataset_id"].as_str().unwrap();
    // The platform's shapes: an alphanumeric dataset id, and task ids made of it, `_` and a
    // suffix (its example: `gfghHSokody6AJigS5A_m1dYqOw8vWCAznw1V28`).
    assert!(
        dataset_id.len() == 19 && dataset_id.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{dataset_id}"
    );
    let task_id = created["import_task_id"].as_str().unwrap();
    assert!(
        task_id
            .strip_prefix(&format!("{dataset_id}_"))
            .is_some_and(|suffix| suffix.len() == 19),
        "{task_id}"
    );
    let task = client
        .wait_task(dataset_id, created["import_task_id"].as_str().unwrap())
        .await;
    assert_eq!(
        (
            task["status"].as_str(),
            task["imported_sample_count"].as_i64()
        ),
        (Some("COMPLETED"), Some(3)),
        "{task}"
    );
    assert_eq!(
        native_labels(&server, &api_key, dataset_id, "Dog/3.png").await,
        ["Dog"]
    );

    // No connection is named after this bucket, and there is no `default` one.
    let missing = common::unique("no-such-bucket");
    let (status, id, refused) = client
        .send_for_request_id(
            "POST",
            &datasets,
            Some(create_body(
                "nowhere",
                0,
                &format!("/{missing}/cats/"),
                &format!("/{missing}/output/"),
            )),
        )
        .await;
    assert_eq!(status, 400, "a client error, not the service's: {refused}");
    assert!(
        ["ModelArts.4311", "ModelArts.4314"]
            .contains(&refused["error_code"].as_str().unwrap_or_default()),
        "{refused}"
    );
    let message = refused["error_msg"].as_str().unwrap_or_default();
    assert!(
        message.contains(&missing) && message.contains("connection named after it"),
        "{refused}"
    );
    assert!(is_request_id(&id), "{id:?}");

    // A refusal by the gateway keeps the id of its body in the header.
    let (status, headers, refused) = client
        .exchange(
            "GET",
            &datasets,
            Vec::new(),
            Tamper {
                no_authorization: true,
                ..Tamper::default()
            },
        )
        .await;
    assert_eq!(status, 401, "{refused}");
    assert_eq!(
        headers.get("x-request-id").and_then(|v| v.to_str().ok()),
        refused["request_id"].as_str(),
        "{refused}"
    );
}

/// The platform's usual layout (seed 002): the manifest under `annotation/V002/`, the images
/// under `input/animals/`, a VOC `annotation-loc` under `labels/`, and an image in another
/// bucket of the same store. Every one is followed; a source that is nowhere is an item error
/// naming it; a task whose every item failed is FAILED with the platform's code.
async fn manifests_follow_their_sources_anywhere_in_the_store(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "modelarts");
    let api_key = wharf.create_key("team");
    let server = wharf.serve(&[]);
    store_connection(&server, &api_key, "default").await;
    let client = Client::new(&server, &keys);
    let other = s3_bucket(&[
        ("shared/bird.png".to_owned(), png(8, 6)),
        ("shared/bird.xml".to_owned(), voc_xml(&["bird"])),
    ])
    .await;
    let bucket = s3_bucket(&[
        ("data/input/animals/cat1.png".to_owned(), png(8, 6)),
        ("data/input/animals/dog1.png".to_owned(), png(8, 6)),
        ("data/labels/cat1.xml".to_owned(), voc_xml(&["cat"])),
        ("data/labels/dog1.xml".to_owned(), voc_xml(&["dog", "dog"])),
    ])
    .await;
    let line = |source: String, labels: String| {
        json!({"source": source, "annotation": [
            {"type": "modelarts/object_detection", "annotation-loc": labels}]})
    };
    let manifest = [
        line(
            format!("s3://{bucket}/data/input/animals/cat1.png"),
            format!("s3://{bucket}/data/labels/cat1.xml"),
        ),
        line(
            format!("s3://{bucket}/data/input/animals/dog1.png"),
            format!("s3://{bucket}/data/labels/dog1.xml"),
        ),
        line(
            format!("s3://{other}/shared/bird.png"),
            format!("s3://{other}/shared/bird.xml"),
        ),
        line(
            format!("s3://{bucket}/data/input/animals/gone.png"),
            format!("s3://{bucket}/data/labels/cat1.xml"),
        ),
    ]
    .iter()
    .map(Value::to_string)
    .collect::<Vec<_>>()
    .join("\n");
    let op = s3_operator(&bucket);
    op.write("data/annotation/V002/V002.manifest", manifest)
        .await
        .unwrap();
    op.write(
        "data/annotation/V003/V003.manifest",
        json!({"source": format!("s3://{bucket}/data/input/none.png"),
               "annotation": [{"type": "modelarts/object_detection",
                               "annotation-loc": format!("s3://{bucket}/data/labels/cat1.xml")}]})
        .to_string(),
    )
    .await
    .unwrap();

    let (status, created) = client
        .send(
            "POST",
            &format!("/v2/{PROJECT}/datasets"),
            Some(create_body(
                "animals",
                1,
                &format!("/{bucket}/data/input/animals/"),
                &format!("/{bucket}/data/output/"),
            )),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let dataset = created["dataset_id"].as_str().unwrap().to_owned();
    client
        .wait_task(&dataset, created["import_task_id"].as_str().unwrap())
        .await;
    let tasks_path = format!("/v2/{PROJECT}/datasets/{dataset}/import-tasks");
    let import = |manifest: String| json!({"import_type": "manifest", "import_path": manifest, "import_annotations": true});
    let (status, started) = client
        .send(
            "POST",
            &tasks_path,
            Some(import(format!(
                "s3://{bucket}/data/annotation/V002/V002.manifest"
            ))),
        )
        .await;
    assert_eq!(status, 200, "{started}");
    let task_id = started["task_id"].as_str().unwrap();
    let task = client.wait_task(&dataset, task_id).await;
    assert_eq!(task["status"], "COMPLETED", "{task}");
    assert_eq!(task["imported_sample_count"], 3, "{task}");
    let errors = task_errors(&server, &api_key, task_id).await;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].1.contains("gone.png") && errors[0].1.contains("not an object of the store"),
        "{errors:?}"
    );
    let samples = server.all_samples(&api_key, &dataset, "").await;
    let mut labels = std::collections::BTreeMap::new();
    for sample in &samples {
        let key = sample["key"].as_str().unwrap().to_owned();
        let id = sample["id"].as_str().unwrap();
        let shown = server
            .get(&format!("/v1/datasets/{dataset}/samples/{id}"), &api_key)
            .await;
        let found: Vec<String> = shown["annotations"]
            .as_array()
            .map(|all| {
                all.iter()
                    .filter_map(|a| a["label"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        labels.insert(key, found);
    }
    let labels_of = |suffix: &str| -> Vec<String> {
        labels
            .iter()
            .find(|(key, _)| key.ends_with(suffix))
            .unwrap_or_else(|| panic!("no sample {suffix}: {labels:?}"))
            .1
            .clone()
    };
    assert_eq!(labels_of("input/animals/cat1.png"), ["cat"]);
    assert_eq!(labels_of("input/animals/dog1.png"), ["dog", "dog"]);
    assert_eq!(labels_of("shared/bird.png"), ["bird"]);
    // One sample an object: the folder import's images are the ones the manifest annotates.
    let keys: Vec<&String> = labels.keys().collect();
    let mut expected = [
        format!("s3://{bucket}/data/input/animals/cat1.png"),
        format!("s3://{bucket}/data/input/animals/dog1.png"),
        format!("s3://{other}/shared/bird.png"),
    ];
    expected.sort();
    assert_eq!(keys, expected.iter().collect::<Vec<_>>(), "{labels:?}");

    // Every item failed: the task is FAILED with the platform's code, never COMPLETED.
    let (status, started) = client
        .send(
            "POST",
            &tasks_path,
            Some(import(format!(
                "s3://{bucket}/data/annotation/V003/V003.manifest"
            ))),
        )
        .await;
    assert_eq!(status, 200, "{started}");
    let task = client
        .wait_task(&dataset, started["task_id"].as_str().unwrap())
        .await;
    assert_eq!(
        (task["status"].as_str(), task["error_code"].as_str()),
        (Some("FAILED"), Some("ModelArts.4921")),
        "{task}"
    );
    let message = task["error_msg"].as_str().unwrap_or_default();
    assert!(
        message.contains("every one of the job's 1 items failed") && message.contains("none.png"),
        "{task}"
    );
}

/// The workspace's datasets share one namespace: a dataset made through the native API (or
/// another platform's) is seen but never imported into by a ModelArts script.
async fn a_dataset_made_through_another_api_is_never_changed(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "modelarts");
    let api_key = wharf.create_key("team");
    let server = wharf.serve(&[]);
    store_connection(&server, &api_key, "default").await;
    let client = Client::new(&server, &keys);
    let bucket = s3_bucket(&classification_tree("cats")).await;
    let (status, native) = server
        .send(
            "POST",
            "/v1/datasets",
            Some(&api_key),
            Some(json!({"name": "shared", "data_type": "image"})),
        )
        .await;
    assert_eq!(status, 201, "{native}");
    assert_eq!(native["origin"], Value::Null);
    let id = native["id"].as_str().unwrap();

    let refused = client
        .send(
            "POST",
            &format!("/v2/{PROJECT}/datasets/{id}/import-tasks"),
            Some(json!({"import_path": format!("/{bucket}/cats/"), "import_type": "dir"})),
        )
        .await;
    assert_refused(&refused, 400, "ModelArts.4351", "shared");
    assert!(
        refused.1["error_msg"]
            .as_str()
            .unwrap()
            .contains("Wharf's own API"),
        "{}",
        refused.1
    );
    let after = server.get(&format!("/v1/datasets/{id}"), &api_key).await;
    assert_eq!(
        (
            after["latest_version"].as_i64(),
            after["source_uri"].clone()
        ),
        (Some(0), Value::Null),
        "untouched: {after}"
    );
    let jobs = server.get("/v1/jobs", &api_key).await;
    assert_eq!(jobs["items"], json!([]), "no job queued: {jobs}");

    // Its own datasets it imports into, and the native API sees where they came from.
    let (created, _) = create_and_import(
        &client,
        create_body(
            "own",
            0,
            &format!("/{bucket}/cats/"),
            &format!("/{bucket}/output/"),
        ),
    )
    .await;
    let own = server
        .get(&format!("/v1/datasets/{created}"), &api_key)
        .await;
    assert_eq!(own["origin"], "modelarts", "{own}");
}
