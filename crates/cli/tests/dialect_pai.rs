//! PAI's dataset APIs (AIWorkSpace 2021-02-04) against a real server and both catalogs: the
//! requests of the platform's pages, signed as Alibaba Cloud's SDKs sign them (V3,
//! ACS3-HMAC-SHA256: a signer written here, and the official Python SDK).

mod common;

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use common::{
    ClientRun, Db, KeyPair, Server, Wharf, env, png, s3_bucket, s3_operator, test_python, urlencode,
};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn acs_date(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn new_nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// The canonical query of a query the tests write plainly (no `%`, `+`, `&` or `=` in names or
/// values), as the V3 signature page says: pairs sorted by name, RFC 3986 encoding.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(&str, &str)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// How a test request departs from a correctly signed one.
#[derive(Default)]
struct Tamper {
    /// Sent as x-acs-date (and signed).
    date: Option<String>,
    /// Sent as x-acs-signature-nonce (and signed).
    nonce: Option<String>,
    /// Signed with this secret instead of the key's.
    secret: Option<String>,
    /// Sent instead of the body that was signed.
    body: Option<Vec<u8>>,
    /// The algorithm the Authorization header names.
    algorithm: Option<String>,
    /// An x-acs- header sent but not signed.
    unsigned_header: Option<(&'static str, &'static str)>,
    no_authorization: bool,
}

/// What a request got back.
struct Reply {
    status: u16,
    body: Value,
    request_id_header: Option<String>,
}

/// A PAI client of one key pair.
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
        let reply = self.send_raw(method, path, body, Tamper::default()).await;
        (reply.status, reply.body)
    }

    /// A request that must succeed: its answer, with its RequestId checked.
    async fn ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, answer) = self.send(method, path, body).await;
        assert_eq!(status, 200, "{method} {path}: {answer}");
        assert_request_id(&answer);
        answer
    }

    async fn send_raw(&self, method: &str, path: &str, body: Vec<u8>, tamper: Tamper) -> Reply {
        let host = self.server.url.trim_start_matches("http://").to_owned();
        let (pathname, query) = path.split_once('?').unwrap_or((path, ""));
        let date = tamper.date.unwrap_or_else(|| acs_date(chrono::Utc::now()));
        let nonce = tamper.nonce.unwrap_or_else(new_nonce);
        let payload = hex(&Sha256::digest(&body));
        let mut headers: Vec<(&str, String)> = vec![
            ("host", host),
            ("x-acs-action", "Test".to_owned()),
            ("x-acs-content-sha256", payload.clone()),
            ("x-acs-date", date),
            ("x-acs-signature-nonce", nonce),
            ("x-acs-version", "2021-02-04".to_owned()),
        ];
        if !body.is_empty() {
            headers.push(("content-type", "application/json; charset=utf-8".to_owned()));
        }
        headers.sort();
        let signed: Vec<&str> = headers.iter().map(|(n, _)| *n).collect();
        let canonical = format!(
            "{method}\n{pathname}\n{}\n{}\n{}\n{payload}",
            canonical_query(query),
            headers
                .iter()
                .map(|(n, v)| format!("{n}:{v}\n"))
                .collect::<String>(),
            signed.join(";")
        );
        let to_sign = format!(
            "ACS3-HMAC-SHA256\n{}",
            hex(&Sha256::digest(canonical.as_bytes()))
        );
        let secret = tamper.secret.unwrap_or_else(|| self.keys.secret.clone());
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(to_sign.as_bytes());
        let authorization = format!(
            "{} Credential={},SignedHeaders={},Signature={}",
            tamper.algorithm.as_deref().unwrap_or("ACS3-HMAC-SHA256"),
            self.keys.access,
            signed.join(";"),
            hex(&mac.finalize().into_bytes())
        );
        let mut request = self.http.request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{}{path}", self.server.url),
        );
        for (name, value) in headers.iter().filter(|(n, _)| *n != "host") {
            request = request.header(*name, value);
        }
        if let Some((name, value)) = tamper.unsigned_header {
            request = request.header(name, value);
        }
        if !tamper.no_authorization {
            request = request.header("Authorization", authorization);
        }
        let response = request
            .body(tamper.body.unwrap_or(body))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let request_id_header = response
            .headers()
            .get("x-acs-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply {
            status,
            body,
            request_id_header,
        }
    }

    async fn create(&self, body: Value) -> String {
        let created = self.ok("POST", "/api/v1/datasets", Some(body)).await;
        created["DatasetId"].as_str().unwrap().to_owned()
    }

    async fn dataset(&self, id: &str) -> Value {
        self.ok("GET", &format!("/api/v1/datasets/{id}"), None)
            .await
    }
}

/// A request id as the platform writes them: `8-4-4-4-12` upper-case hex digits.
fn assert_request_id(body: &Value) {
    let id = body["RequestId"]
        .as_str()
        .unwrap_or_else(|| panic!("no RequestId: {body}"));
    let parts: Vec<usize> = id.split('-').map(str::len).collect();
    assert_eq!(parts, [8, 4, 4, 4, 12], "{body}");
}

/// A refusal: the status, the code, the platform's fields, and a message naming `says`.
fn assert_refused(answer: &(u16, Value), status: u16, code: &str, says: &str) {
    let (got, body) = answer;
    assert_eq!(*got, status, "{body}");
    assert_eq!(body["Code"], code, "{body}");
    assert_request_id(body);
    assert!(
        body["HostId"].as_str().unwrap().starts_with("127.0.0.1:"),
        "{body}"
    );
    assert!(!body["Recommend"].as_str().unwrap().is_empty(), "{body}");
    let message = body["Message"].as_str().unwrap();
    assert!(message.contains(says), "'{says}' not in {body}");
}

/// An ISO 8601 UTC time with milliseconds and `Z`, as `2021-01-21T17:12:35.232Z`.
fn assert_gmt(value: &Value) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a time: {value}"));
    assert_eq!(text.len(), 24, "{text}");
    assert!(text.ends_with('Z') && text.as_bytes()[19] == b'.', "{text}");
    assert!(chrono::DateTime::parse_from_rfc3339(text).is_ok(), "{text}");
}

/// The CreateDataset page's example request, with the masked values filled in.
fn example_body() -> Value {
    json!({
        "Name": "myName",
        "Property": "DIRECTORY",
        "DataSourceType": "NAS",
        "Uri": "nas://09f1234f2.cn-hangzhou/",
        "DataType": "COMMON",
        "Labels": [{"Key": "env", "Value": "test"}],
        "SourceType": "USER",
        "SourceId": "jdnhf000fnrimv",
        "Description": "This is a description of the dataset.",
        "WorkspaceId": "47801",
        "Options": "{ \"mountPath\": \"/mnt/data/\" }",
        "Accessibility": "PRIVATE",
        "ProviderType": "Ecs",
        "Provider": "Github",
        "UserId": "24857650000023475",
        "VersionDescription": "This is a description of the first dataset version.",
        "VersionLabels": [{"Key": "stage", "Value": "raw"}],
        "DataSize": 10000,
        "DataCount": 500,
        "MountAccessReadWriteRoleIdList": ["PAI.AlgoOperator", "role-hiuwpd01ncrokkgp21"],
        "ImportInfo": "{\"region\": \"cn-hangzhou\", \"fileSystemId\": \"09f1234f2\", \"path\": \"/\", \"mountTarget\": \"09f1234f2-abc.cn-hangzhou.nas.aliyuncs.com\"}",
        "Edition": "BASIC"
    })
}

fn oss_body(name: &str) -> Value {
    json!({
        "Name": name,
        "Property": "DIRECTORY",
        "DataSourceType": "OSS",
        "Uri": "oss://mybucket.oss-cn-beijing.aliyuncs.com/mypath/",
    })
}

async fn the_platform_example_makes_a_dataset_and_its_first_version(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "pai");
    let server = wharf.serve(&[]);
    let client = Client::new(&server, &keys);

    let reply = client
        .send_raw(
            "POST",
            "/api/v1/datasets",
            example_body().to_string().into_bytes(),
            Tamper::default(),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_request_id(&reply.body);
    assert_eq!(
        reply.request_id_header.as_deref(),
        reply.body["RequestId"].as_str()
    );
    let keys_of = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys_of(&reply.body), ["DatasetId", "RequestId"]);
    let id = reply.body["DatasetId"].as_str().unwrap().to_owned();

    let dataset = client.dataset(&id).await;
    for (field, expected) in [
        ("DatasetId", json!(id)),
        ("Name", json!("myName")),
        ("Property", json!("DIRECTORY")),
        ("DataSourceType", json!("NAS")),
        ("Uri", json!("nas://09f1234f2.cn-hangzhou/")),
        ("DataType", json!("COMMON")),
        ("Labels", json!([{"Key": "env", "Value": "test"}])),
        ("SourceType", json!("USER")),
        ("SourceId", json!("jdnhf000fnrimv")),
        (
            "Description",
            json!("This is a description of the dataset."),
        ),
        ("WorkspaceId", json!("47801")),
        ("Options", json!("{ \"mountPath\": \"/mnt/data/\" }")),
        ("Accessibility", json!("PRIVATE")),
        ("ProviderType", json!("Ecs")),
        ("Provider", json!("Github")),
        ("UserId", json!("24857650000023475")),
        ("OwnerId", json!(keys.access)),
        (
            "MountAccessReadWriteRoleIdList",
            json!(["PAI.AlgoOperator", "role-hiuwpd01ncrokkgp21"]),
        ),
        ("MountAccess", json!("RW")),
        ("ImportInfo", example_body()["ImportInfo"].clone()),
        ("Edition", json!("BASIC")),
        ("IsShared", json!(false)),
    ] {
        assert_eq!(dataset[field], expected, "{field}: {dataset}");
    }
    assert_gmt(&dataset["GmtCreateTime"]);
    assert_gmt(&dataset["GmtModifiedTime"]);
    let v1 = &dataset["LatestVersion"];
    for (field, expected) in [
        ("VersionName", json!("v1")),
        ("Property", json!("DIRECTORY")),
        ("DataSourceType", json!("NAS")),
        ("Uri", json!("nas://09f1234f2.cn-hangzhou/")),
        ("Labels", json!([{"Key": "stage", "Value": "raw"}])),
        (
            "Description",
            json!("This is a description of the first dataset version."),
        ),
        ("DataSize", json!(10000)),
        ("DataCount", json!(500)),
        ("SourceType", json!("USER")),
        ("MountAccess", json!("RW")),
    ] {
        assert_eq!(v1[field], expected, "{field}: {v1}");
    }
    assert_eq!(v1["GmtCreateTime"], dataset["GmtCreateTime"]);

    // The native API sees the same dataset, its labels and its data type.
    let api_key = wharf.create_key("team");
    let native = server.get(&format!("/v1/datasets/{id}"), &api_key).await;
    assert_eq!(native["name"], "myName", "{native}");
    assert_eq!(native["labels"], json!({"env": "test"}), "{native}");
    assert_eq!(native["data_type"], "common", "{native}");

    // A picture dataset is an image dataset; a dry run makes nothing.
    let pics = client
        .create(json!({"Name": "图片", "Property": "FILE", "DataSourceType": "OSS", "DataType": "PIC",
                       "Uri": "oss://pics-bucket.oss-cn-shanghai.aliyuncs.com/a.jpg", "Edition": "ADVANCED"}))
        .await;
    assert_eq!(client.dataset(&pics).await["DataType"], "PIC");
    let native = server.get(&format!("/v1/datasets/{pics}"), &api_key).await;
    assert_eq!(native["data_type"], "image", "{native}");
    let dry = client
        .ok(
            "POST",
            "/api/v1/datasets",
            Some(
                json!({"Name": "dry", "Property": "FILE", "DataSourceType": "URL",
                        "Uri": "https://example.com/a.csv", "DryRun": true}),
            ),
        )
        .await;
    assert!(dry.get("DatasetId").is_none(), "{dry}");
    let list = client.ok("GET", "/api/v1/datasets", None).await;
    assert_eq!(list["TotalCount"], 2, "{list}");
}

async fn refusals_name_the_field_with_the_platform_codes(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "pai");
    let server = wharf.serve(&[]);
    let client = Client::new(&server, &keys);
    let post = |body: Value| client.send("POST", "/api/v1/datasets", Some(body));

    let with = |field: &str, value: Value| {
        let mut body = example_body();
        body[field] = value;
        body
    };
    let without = |field: &str| {
        let mut body = example_body();
        body.as_object_mut().unwrap().remove(field);
        body
    };
    for field in ["Name", "Property", "DataSourceType", "Uri"] {
        assert_refused(&post(without(field)).await, 400, "MissingParameter", field);
    }
    for (field, value, says) in [
        ("Name", json!("-lead"), "Name is '-lead'"),
        ("Name", json!("a.b"), "Name"),
        ("Name", json!("x".repeat(128)), "127"),
        ("Property", json!("FOLDER"), "FILE, DIRECTORY"),
        ("DataSourceType", json!("FTP"), "MAXCOMPUTE"),
        ("Uri", json!("oss://bucket/path"), "nas://<fsid>.<region>"),
        ("DataType", json!("IMAGE"), "PIC"),
        ("SourceType", json!("GIT"), "PAI_PUBLIC_DATASET"),
        ("Options", json!("not json"), "Options is not JSON"),
        ("Options", json!("[1, 2]"), "JSON object"),
        ("Options", json!({"mountPath": "/mnt"}), "Options"),
        ("Accessibility", json!("SECRET"), "ROLE_PUBLIC"),
        ("ProviderType", json!("Gpu"), "Lingjun"),
        ("Provider", json!("PAI"), "Provider is 'pai'"),
        ("Edition", json!("ADVANCED"), "OSS datasets only"),
        ("Edition", json!("PRO"), "LOGICAL"),
        ("ImportInfo", json!("{\"region\": \"r\"}"), "fileSystemId"),
        ("ImportInfo", json!("{"), "ImportInfo is not JSON"),
        ("DataSize", json!(-1), "DataSize is -1"),
        ("DataCount", json!("many"), "DataCount"),
        ("Labels", json!([{"Value": "x"}]), "Labels[0].Key"),
        (
            "MountAccessReadWriteRoleIdList",
            json!(["admin"]),
            "PAI.AlgoOperator",
        ),
        ("SourceDatasetId", json!("d-missing"), "SourceDatasetId"),
    ] {
        assert_refused(
            &post(with(field, value)).await,
            400,
            "InvalidParameter",
            says,
        );
    }
    assert_refused(
        &post(
            json!({"Name": "t", "Property": "FILE", "DataSourceType": "OSS", "Uri": "x",
                     "SourceType": "ITAG"}),
        )
        .await,
        400,
        "InvalidParameter",
        "oss://<bucket>.<endpoint>/<path>",
    );
    let mut itag = without("SourceId");
    itag["SourceType"] = json!("ITAG");
    assert_refused(&post(itag).await, 400, "MissingParameter", "SourceId");
    let (status, body) = client
        .send_raw(
            "POST",
            "/api/v1/datasets",
            b"{not json".to_vec(),
            Tamper::default(),
        )
        .await
        .pipe();
    assert_refused(&(status, body), 400, "InvalidParameter", "not JSON");

    // A taken name, and what nothing made.
    client.create(example_body()).await;
    assert_refused(
        &post(example_body()).await,
        400,
        "201300003",
        "Dataset name already existed",
    );
    let list = client.ok("GET", "/api/v1/datasets", None).await;
    assert_eq!(list["TotalCount"], 1, "{list}");

    // Unknown datasets, versions and paths.
    assert_refused(
        &client.send("GET", "/api/v1/datasets/d-nothing", None).await,
        400,
        "201300003",
        "d-nothing",
    );
    assert_refused(
        &client
            .send("DELETE", "/api/v1/datasets/d-nothing", None)
            .await,
        400,
        "201300003",
        "d-nothing",
    );
    assert_refused(
        &client.send("GET", "/api/v1/workspaces", None).await,
        404,
        "InvalidApi.NotFound",
        "Specified api is not found",
    );
    assert_refused(
        &client.send("PATCH", "/api/v1/datasets", None).await,
        404,
        "InvalidApi.NotFound",
        "check your url and method",
    );
    for (query, says) in [
        ("PageSize=0", "PageSize"),
        ("PageNumber=x", "PageNumber"),
        ("Order=UP", "Order"),
        ("SortBy=Size", "SortBy"),
        ("Properties=FILE,DIR", "Properties"),
    ] {
        assert_refused(
            &client
                .send("GET", &format!("/api/v1/datasets?{query}"), None)
                .await,
            400,
            "InvalidParameter",
            says,
        );
    }
}

/// `(status, body)` of a reply.
trait Pipe {
    fn pipe(self) -> (u16, Value);
}

impl Pipe for Reply {
    fn pipe(self) -> (u16, Value) {
        (self.status, self.body)
    }
}

async fn datasets_are_listed_filtered_sorted_and_paged(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "pai");
    let server = wharf.serve(&[]);
    let client = Client::new(&server, &keys);
    let mut ids = Vec::new();
    for (name, data_type, property, label) in [
        ("alpha-cats", "PIC", "DIRECTORY", ("animal", "cat")),
        ("beta-dogs", "PIC", "FILE", ("animal", "dog")),
        ("gamma-text", "TEXT", "DIRECTORY", ("lang", "zh")),
        ("delta-audio", "AUDIO", "FILE", ("kind", "speech")),
    ] {
        let mut body = oss_body(name);
        body["DataType"] = json!(data_type);
        body["Property"] = json!(property);
        body["Labels"] = json!([{"Key": label.0, "Value": label.1}]);
        if name == "gamma-text" {
            body["Edition"] = json!("ADVANCED");
            body["Accessibility"] = json!("PUBLIC");
            body["SourceType"] = json!("ITAG");
            body["SourceId"] = json!("itag-task-1");
            body["WorkspaceId"] = json!("w-9");
        }
        ids.push(client.create(body).await);
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let names = |list: &Value| -> Vec<String> {
        list["Datasets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["Name"].as_str().unwrap().to_owned())
            .collect()
    };
    let client = &client;
    let list = |query: &str| {
        let path = format!("/api/v1/datasets?{query}");
        async move { client.ok("GET", &path, None).await }
    };

    let all = list("").await;
    assert_eq!(all["TotalCount"], 4);
    assert_eq!(
        names(&all),
        ["alpha-cats", "beta-dogs", "gamma-text", "delta-audio"]
    );
    let page = list("PageNumber=2&PageSize=3").await;
    assert_eq!(
        (page["TotalCount"].clone(), names(&page)),
        (json!(4), vec!["delta-audio".to_owned()])
    );
    let page = list("PageNumber=3&PageSize=3").await;
    assert!(names(&page).is_empty());
    assert_eq!(
        names(&list("Order=DESC&PageSize=2").await),
        ["delta-audio", "gamma-text"]
    );
    assert_eq!(
        names(&list("SortBy=Name").await),
        ["alpha-cats", "beta-dogs", "delta-audio", "gamma-text"]
    );
    for (query, expected) in [
        ("Name=TA", vec!["beta-dogs", "delta-audio"]),
        ("Label=Do", vec!["beta-dogs"]),
        ("Label=animal", vec!["alpha-cats", "beta-dogs"]),
        (
            "DataTypes=PIC,AUDIO",
            vec!["alpha-cats", "beta-dogs", "delta-audio"],
        ),
        ("Properties=FILE", vec!["beta-dogs", "delta-audio"]),
        ("DataSourceTypes=NAS", vec![]),
        ("SourceTypes=ITAG", vec!["gamma-text"]),
        ("SourceId=itag-task-1", vec!["gamma-text"]),
        ("Edition=ADVANCED", vec!["gamma-text"]),
        ("Accessibility=PUBLIC", vec!["gamma-text"]),
        ("WorkspaceId=w-9", vec!["gamma-text"]),
        ("Provider=pai", vec![]),
    ] {
        assert_eq!(names(&list(query).await), expected, "{query}");
    }
    let both = format!("DatasetIds={},{}", ids[3], ids[0]);
    assert_eq!(names(&list(&both).await), ["alpha-cats", "delta-audio"]);

    // A change moves a dataset to the end of the list by GmtModifiedTime.
    client
        .ok(
            "PUT",
            &format!("/api/v1/datasets/{}", ids[0]),
            Some(json!({"Description": "changed"})),
        )
        .await;
    assert_eq!(
        names(&list("SortBy=GmtModifiedTime&Order=DESC&PageSize=1").await),
        ["alpha-cats"]
    );

    // Another workspace sees none of them, and its dataset is not found here.
    let other = wharf.create_key_pair("elsewhere", "pai");
    let stranger = Client::new(&server, &other);
    let theirs = stranger.ok("GET", "/api/v1/datasets", None).await;
    assert_eq!(theirs["TotalCount"], 0);
    assert_refused(
        &stranger
            .send("GET", &format!("/api/v1/datasets/{}", ids[0]), None)
            .await,
        400,
        "201300003",
        &ids[0],
    );
    assert_refused(
        &stranger
            .send("DELETE", &format!("/api/v1/datasets/{}", ids[0]), None)
            .await,
        400,
        "201300003",
        "Dataset not found",
    );
}

async fn labels_publish_update_and_delete_change_the_dataset(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "pai");
    let server = wharf.serve(&[]);
    let client = Client::new(&server, &keys);
    let id = client.create(oss_body("shared")).await;
    let path = format!("/api/v1/datasets/{id}");

    client
        .ok(
            "POST",
            &format!("{path}/labels"),
            Some(json!({"Labels": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}, {"Key": "c"}]})),
        )
        .await;
    client
        .ok(
            "POST",
            &format!("{path}/labels"),
            Some(json!({"Labels": [{"Key": "a", "Value": "one"}]})),
        )
        .await;
    assert_eq!(
        client.dataset(&id).await["Labels"],
        json!([{"Key": "a", "Value": "one"}, {"Key": "b", "Value": "2"}, {"Key": "c", "Value": ""}])
    );
    client
        .ok("DELETE", &format!("{path}/labels?LabelKeys=a,c,zz"), None)
        .await;
    assert_eq!(
        client.dataset(&id).await["Labels"],
        json!([{"Key": "b", "Value": "2"}])
    );
    assert_refused(
        &client.send("DELETE", &format!("{path}/labels"), None).await,
        400,
        "MissingParameter",
        "LabelKeys",
    );
    assert_refused(
        &client
            .send(
                "POST",
                &format!("{path}/labels"),
                Some(json!({"Labels": []})),
            )
            .await,
        400,
        "MissingParameter",
        "Labels",
    );

    let before = client.dataset(&id).await;
    client.ok("PUT", &format!("{path}/publish"), None).await;
    let published = client.dataset(&id).await;
    assert_eq!(published["Accessibility"], "PUBLIC");
    assert!(
        published["GmtModifiedTime"].as_str() >= before["GmtModifiedTime"].as_str(),
        "{published}"
    );
    client.ok("PUT", &format!("{path}/publish"), None).await;

    client
        .ok(
            "PUT",
            &path,
            Some(
                json!({"Name": "renamed_数据", "Description": "now described",
                        "Options": "{\"mountPath\": \"/mnt/x/\"}", "Accessibility": "PRIVATE",
                        "Edition": "LOGICAL", "MountAccessReadWriteRoleIdList": ["*"]}),
            ),
        )
        .await;
    let updated = client.dataset(&id).await;
    for (field, expected) in [
        ("Name", json!("renamed_数据")),
        ("Description", json!("now described")),
        ("Options", json!("{\"mountPath\": \"/mnt/x/\"}")),
        ("Accessibility", json!("PRIVATE")),
        ("Edition", json!("LOGICAL")),
        ("MountAccessReadWriteRoleIdList", json!(["*"])),
    ] {
        assert_eq!(updated[field], expected, "{field}: {updated}");
    }
    client.create(oss_body("taken")).await;
    assert_refused(
        &client
            .send("PUT", &path, Some(json!({"Name": "taken"})))
            .await,
        400,
        "201300003",
        "Dataset name already existed",
    );
    assert_refused(
        &client
            .send("PUT", &path, Some(json!({"Options": "x"})))
            .await,
        400,
        "InvalidParameter",
        "Options",
    );
    assert_eq!(client.dataset(&id).await["Name"], "renamed_数据");

    client.ok("DELETE", &path, None).await;
    assert_refused(
        &client.send("GET", &path, None).await,
        400,
        "201300003",
        &id,
    );
    let list = client.ok("GET", "/api/v1/datasets", None).await;
    assert_eq!(list["TotalCount"], 1, "{list}");
}

async fn versions_are_records_with_their_own_sources(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "pai");
    let server = wharf.serve(&[]);
    let client = Client::new(&server, &keys);
    let id = client.create(oss_body("versioned")).await;
    let versions = format!("/api/v1/datasets/{id}/versions");

    let v2 = client
        .ok(
            "POST",
            &versions,
            Some(json!({"DataSourceType": "OSS", "Property": "FILE",
                        "Uri": "oss://mybucket.oss-cn-beijing.aliyuncs.com/v2/a.csv",
                        "SourceType": "ITAG", "SourceId": "task-7", "Options": "{\"a\": 1}",
                        "DataCount": 3, "DataSize": 300, "Description": "second",
                        "Labels": [{"Key": "split", "Value": "train"}],
                        "ImportInfo": "{\"region\": \"cn-beijing\", \"bucket\": \"mybucket\", \"path\": \"/v2/\"}"})),
        )
        .await;
    assert_eq!(v2["VersionName"], "v2", "{v2}");
    let v3 = client
        .ok(
            "POST",
            &versions,
            Some(json!({"DataSourceType": "oss", "Property": "DIRECTORY",
                        "Uri": "s3://bkt-local/v3/", "Labels": [{"Key": "split", "Value": "test"}]})),
        )
        .await;
    assert_eq!(v3["VersionName"], "v3", "{v3}");
    assert_refused(
        &client
            .send(
                "POST",
                &versions,
                Some(json!({"DataSourceType": "NAS", "Property": "FILE", "Uri": "nas://f.r/"})),
            )
            .await,
        400,
        "InvalidParameter",
        "must be its dataset's, OSS",
    );
    assert_refused(
        &client
            .send(
                "POST",
                &versions,
                Some(json!({"DataSourceType": "OSS", "Uri": "s3://bkt/x"})),
            )
            .await,
        400,
        "MissingParameter",
        "Property",
    );

    let got = client.ok("GET", &format!("{versions}/v2"), None).await;
    for (field, expected) in [
        ("DatasetId", json!(id)),
        ("VersionName", json!("v2")),
        ("Property", json!("FILE")),
        ("DataSourceType", json!("OSS")),
        (
            "Uri",
            json!("oss://mybucket.oss-cn-beijing.aliyuncs.com/v2/a.csv"),
        ),
        ("SourceType", json!("ITAG")),
        ("SourceId", json!("task-7")),
        ("Options", json!("{\"a\": 1}")),
        ("DataCount", json!(3)),
        ("DataSize", json!(300)),
        ("Description", json!("second")),
        ("Labels", json!([{"Key": "split", "Value": "train"}])),
        ("MountAccess", json!("RW")),
    ] {
        assert_eq!(got[field], expected, "{field}: {got}");
    }
    assert_gmt(&got["GmtCreateTime"]);
    assert_eq!(
        client.dataset(&id).await["LatestVersion"]["VersionName"],
        "v3"
    );

    let names = |list: &Value| -> Vec<String> {
        list["DatasetVersions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["VersionName"].as_str().unwrap().to_owned())
            .collect()
    };
    let list = |query: &str| {
        let path = format!("{versions}?{query}");
        let client = &client;
        async move { client.ok("GET", &path, None).await }
    };
    let all = list("").await;
    assert_eq!(
        (
            all["TotalCount"].clone(),
            all["PageNumber"].clone(),
            all["PageSize"].clone()
        ),
        (json!(3), json!(1), json!(10))
    );
    assert_eq!(names(&all), ["v1", "v2", "v3"]);
    for (query, expected) in [
        ("Order=DESC", vec!["v3", "v2", "v1"]),
        ("PageNumber=2&PageSize=2", vec!["v3"]),
        ("SortBy=DataSize&Order=DESC", vec!["v2", "v3", "v1"]),
        ("SortBy=Property", vec!["v1", "v3", "v2"]),
        ("LabelKeys=SPL", vec!["v2", "v3"]),
        ("LabelValues=rai", vec!["v2"]),
        ("Properties=FILE", vec!["v2"]),
        ("SourceTypes=ITAG", vec!["v2"]),
        ("SourceId=task-7", vec!["v2"]),
    ] {
        assert_eq!(names(&list(query).await), expected, "{query}");
    }

    // Only Options, DataSize, DataCount and Description change.
    client
        .ok(
            "PUT",
            &format!("{versions}/v2"),
            Some(json!({"Description": "changed", "DataSize": 301, "DataCount": 4,
                        "Options": "{\"b\": 2}", "Uri": "oss://other.oss-cn-beijing.aliyuncs.com/"})),
        )
        .await;
    let changed = client.ok("GET", &format!("{versions}/v2"), None).await;
    assert_eq!(
        (
            &changed["Description"],
            &changed["DataSize"],
            &changed["DataCount"],
            &changed["Options"]
        ),
        (
            &json!("changed"),
            &json!(301),
            &json!(4),
            &json!("{\"b\": 2}")
        )
    );
    assert_eq!(changed["Uri"], got["Uri"]);
    assert!(changed["GmtModifiedTime"].as_str() >= got["GmtModifiedTime"].as_str());

    // Version labels.
    client
        .ok(
            "PUT",
            &format!("{versions}/v2/labels"),
            Some(json!({"Labels": [{"Key": "split", "Value": "val"}, {"Key": "owner", "Value": "me"}]})),
        )
        .await;
    assert_eq!(
        client.ok("GET", &format!("{versions}/v2"), None).await["Labels"],
        json!([{"Key": "split", "Value": "val"}, {"Key": "owner", "Value": "me"}])
    );
    client
        .ok("DELETE", &format!("{versions}/v2/labels?Keys=split"), None)
        .await;
    assert_eq!(
        client.ok("GET", &format!("{versions}/v2"), None).await["Labels"],
        json!([{"Key": "owner", "Value": "me"}])
    );

    // Deleted names are not given again; the last version stays.
    client.ok("DELETE", &format!("{versions}/v3"), None).await;
    assert_refused(
        &client.send("GET", &format!("{versions}/v3"), None).await,
        400,
        "201300003",
        "v3",
    );
    let v4 = client
        .ok(
            "POST",
            &versions,
            Some(json!({"DataSourceType": "OSS", "Property": "FILE", "Uri": "s3://bkt-local/v4.csv"})),
        )
        .await;
    assert_eq!(v4["VersionName"], "v4");
    client.ok("DELETE", &format!("{versions}/v1"), None).await;
    client.ok("DELETE", &format!("{versions}/v2"), None).await;
    assert_refused(
        &client.send("DELETE", &format!("{versions}/v4"), None).await,
        409,
        "OperationConflict",
        "only version",
    );
    assert_refused(
        &client
            .send(
                "PUT",
                &format!("{versions}/v9"),
                Some(json!({"DataSize": 1})),
            )
            .await,
        400,
        "201300003",
        "v9",
    );
}

async fn versions_made_at_once_are_all_kept(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "pai");
    let server = wharf.serve(&[]);
    let client = Client::new(&server, &keys);
    let id = client.create(oss_body("busy")).await;
    let versions = format!("/api/v1/datasets/{id}/versions");
    let body = json!({"DataSourceType": "OSS", "Property": "FILE", "Uri": "s3://bkt-local/x"});
    let post = || client.send("POST", &versions, Some(body.clone()));
    let answers = tokio::join!(post(), post(), post(), post(), post(), post());
    let mut names: Vec<String> = [
        answers.0, answers.1, answers.2, answers.3, answers.4, answers.5,
    ]
    .into_iter()
    .map(|(status, answer)| {
        assert_eq!(status, 200, "{answer}");
        answer["VersionName"].as_str().unwrap().to_owned()
    })
    .collect();
    names.sort_by_key(|n| n[1..].parse::<i64>().unwrap());
    assert_eq!(names, ["v2", "v3", "v4", "v5", "v6", "v7"]);
    let list = client
        .ok("GET", &format!("{versions}?PageSize=100"), None)
        .await;
    assert_eq!(list["TotalCount"], 7, "{list}");

    // The catalog's swap refuses a stale document.
    let catalog = wharf.catalog().await;
    let workspace = catalog.workspace_by_name("team").await.unwrap().unwrap();
    let stored = catalog
        .dataset_attributes(&workspace.id, &id, wharf_model::Dialect::Pai)
        .await
        .unwrap()
        .unwrap();
    let mut stale = stored.clone();
    stale["NextVersion"] = json!(1);
    assert!(
        !catalog
            .swap_dataset_attributes(
                &workspace.id,
                &id,
                wharf_model::Dialect::Pai,
                Some(&stale),
                &stale
            )
            .await
            .unwrap()
    );
    assert!(
        catalog
            .swap_dataset_attributes(
                &workspace.id,
                &id,
                wharf_model::Dialect::Pai,
                Some(&stored),
                &stored
            )
            .await
            .unwrap()
    );
    assert!(
        !catalog
            .swap_dataset_attributes(&workspace.id, &id, wharf_model::Dialect::Pai, None, &stored)
            .await
            .unwrap()
    );
}

async fn signatures_are_checked_as_the_gateway_checks_them(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "pai");
    let server = wharf.serve(&[]);
    let client = Client::new(&server, &keys);
    let id = client.create(oss_body("guarded")).await;
    let path = format!("/api/v1/datasets/{id}");
    let get = |tamper: Tamper| async {
        client
            .send_raw("GET", &path, Vec::new(), tamper)
            .await
            .pipe()
    };

    assert_refused(
        &get(Tamper {
            secret: Some("wrong".into()),
            ..Tamper::default()
        })
        .await,
        400,
        "SignatureDoesNotMatch",
        "Specified signature does not match our calculation. server StringToSign is [ACS3-HMAC-SHA256\n",
    );
    let body = json!({"Description": "signed"}).to_string().into_bytes();
    let swapped = client
        .send_raw(
            "PUT",
            &path,
            body,
            Tamper {
                body: Some(br#"{"Description": "swapped"}"#.to_vec()),
                ..Tamper::default()
            },
        )
        .await
        .pipe();
    assert_refused(
        &swapped,
        400,
        "SignatureDoesNotMatch",
        "x-acs-content-sha256",
    );
    assert_eq!(client.dataset(&id).await["Description"], "");

    let long_ago = acs_date(chrono::Utc::now() - chrono::Duration::minutes(16));
    assert_refused(
        &get(Tamper {
            date: Some(long_ago),
            ..Tamper::default()
        })
        .await,
        400,
        "InvalidTimeStamp.Expired",
        "within 15 minutes",
    );
    let soon = acs_date(chrono::Utc::now() + chrono::Duration::minutes(14));
    assert_eq!(
        get(Tamper {
            date: Some(soon),
            ..Tamper::default()
        })
        .await
        .0,
        200
    );
    assert_refused(
        &get(Tamper {
            date: Some("20240102T030405Z".into()),
            ..Tamper::default()
        })
        .await,
        400,
        "InvalidTimeStamp.Format",
        "20240102T030405Z",
    );

    let nonce = new_nonce();
    assert_eq!(
        get(Tamper {
            nonce: Some(nonce.clone()),
            ..Tamper::default()
        })
        .await
        .0,
        200
    );
    assert_refused(
        &get(Tamper {
            nonce: Some(nonce.clone()),
            ..Tamper::default()
        })
        .await,
        400,
        "SignatureNonceUsed",
        &nonce,
    );

    assert_refused(
        &get(Tamper {
            no_authorization: true,
            ..Tamper::default()
        })
        .await,
        400,
        "IncompleteSignature",
        "no Authorization header",
    );
    assert_refused(
        &get(Tamper {
            algorithm: Some("ACS3-HMAC-SM3".into()),
            ..Tamper::default()
        })
        .await,
        400,
        "InvalidSignatureMethod",
        "ACS3-HMAC-SM3",
    );
    assert_refused(
        &get(Tamper {
            unsigned_header: Some(("x-acs-security-token", "tok")),
            ..Tamper::default()
        })
        .await,
        400,
        "IncompleteSignature",
        "x-acs-security-token",
    );

    // Unknown keys and other dialects' keys.
    let stranger = Client::new(
        &server,
        &KeyPair {
            access: "LTAI0000000000000000".into(),
            secret: "s".into(),
        },
    );
    assert_refused(
        &stranger.send("GET", &path, None).await,
        404,
        "InvalidAccessKeyId.NotFound",
        "Specified access key is not found",
    );
    let modelarts = wharf.create_key_pair("team", "modelarts");
    assert_refused(
        &Client::new(&server, &modelarts)
            .send("GET", &path, None)
            .await,
        404,
        "InvalidAccessKeyId.NotFound",
        "modelarts key",
    );
    // A native API key is no signature at all.
    let api_key = wharf.create_key("team");
    let (status, body) = server.send("GET", &path, Some(&api_key), None).await;
    assert_refused(&(status, body), 400, "IncompleteSignature", "Authorization");
    // Nothing leaks a secret.
    assert!(!server.log().contains(&keys.secret));
}

async fn the_official_python_sdk_works_unchanged(db: Db) {
    let python = test_python(
        "alibabacloud_aiworkspace20210204.client, alibabacloud_tea_openapi.models",
        "Alibaba Cloud's PAI SDK (alibabacloud-aiworkspace20210204)",
    );
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "pai");
    let api_key = wharf.create_key("team");
    let server = wharf.serve(&[]);
    let bucket = s3_bucket(&[
        ("pics/a.png".to_owned(), png(3, 3)),
        ("pics/b.png".to_owned(), png(5, 5)),
        ("pics/read.me".to_owned(), b"text".to_vec()),
    ])
    .await;
    store_connection(&server, &api_key, &bucket).await;

    let client = ClientRun::run(
        &python,
        "pai_client.py",
        &[server.url.trim_start_matches("http://"), &bucket],
        &[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", &keys.access),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", &keys.secret),
        ],
    )
    .await;
    let stdout = &client.stdout;
    let answer = |step: &str| client.answer(step);
    let id = answer("create_dataset")["DatasetId"]
        .as_str()
        .unwrap()
        .to_owned();
    // The platform's id shapes: `d-...` datasets and `dsjob-...` jobs.
    let shaped = |id: &str, prefix: &str| {
        id.strip_prefix(prefix).is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
    };
    assert!(shaped(&id, "d-"), "{id}");
    let dataset = answer("get_dataset");
    assert_eq!(dataset["DatasetId"], id.as_str(), "{dataset}");
    assert_eq!(dataset["Name"], "sdk-猫", "{dataset}");
    assert_eq!(
        dataset["Labels"],
        json!([{"Key": "env", "Value": "test"}]),
        "{dataset}"
    );
    assert_eq!(dataset["LatestVersion"]["VersionName"], "v1", "{dataset}");
    let list = answer("list_datasets");
    assert_eq!(list["TotalCount"], 1, "{list}");
    assert_eq!(answer("create_dataset_version")["VersionName"], "v2");
    let versions = answer("list_dataset_versions");
    assert_eq!(versions["TotalCount"], 2, "{versions}");
    assert_eq!(
        versions["DatasetVersions"][0]["VersionName"], "v2",
        "{versions}"
    );
    assert_eq!(answer("get_dataset_version")["DataCount"], 7);
    let missing = answer("get_missing_dataset");
    assert_eq!(missing["code"], "201300003", "{missing}");
    assert_eq!(missing["status"], 400, "{missing}");

    let job = answer("get_dataset_job");
    assert_eq!(job["Status"], "Succeeded", "{job}");
    assert_eq!(job["TotalFileCount"], 3, "{job}");
    assert_eq!(job["JobAction"], "FileMetaBuild", "{job}");
    assert!(
        answer("create_dataset_job")["DatasetJobId"]
            .as_str()
            .is_some_and(|job| shaped(job, "dsjob-")),
        "{stdout}"
    );
    let files = answer("list_dataset_file_metas");
    assert_eq!(files["TotalCount"], 2, "{files}");
    assert_eq!(files["DatasetFileMetas"][0]["FileType"], "image", "{files}");
    assert_eq!(answer("update_dataset_file_metas")["Status"], true);
    let meta = answer("get_dataset_file_meta");
    assert_eq!(
        meta["DatasetFileMeta"]["Tags"],
        "{\"ai\":[],\"user\":[\"cat\",\"sdk\"],\"user-delete-ai-tags\":[]}",
        "{meta}"
    );
    let created = answer("create_dataset_file_metas");
    assert_eq!(created["Status"], true, "{created}");
    assert_eq!(
        created["SucceedDetails"][0]["Uri"],
        format!("oss://{bucket}/pics/declared.jpg")
    );
    assert_eq!(answer("list_dataset_jobs")["TotalCount"], 1);
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

/// Polls a dataset job until it ends.
async fn wait_job(client: &Client<'_>, dataset_id: &str, job_id: &str) -> Value {
    let path = format!("/api/v1/datasets/{dataset_id}/datasetjobs/{job_id}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let job = client.ok("GET", &path, None).await;
        if ["Succeeded", "PartialFailed", "Failed", "ManuallyStop"]
            .contains(&job["Status"].as_str().unwrap_or_default())
        {
            return job;
        }
        assert!(std::time::Instant::now() < deadline, "still running: {job}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Runs a FileMetaBuild of a version and waits for it.
async fn build(client: &Client<'_>, dataset_id: &str, version: &str) -> Value {
    let created = client
        .ok(
            "POST",
            &format!("/api/v1/datasets/{dataset_id}/datasetjobs"),
            Some(
                json!({"JobAction": "FileMetaBuild", "DatasetVersion": version,
                        "WorkspaceId": "w-1", "Description": "scan"}),
            ),
        )
        .await;
    let job_id = created["DatasetJobId"].as_str().unwrap().to_owned();
    let job = wait_job(client, dataset_id, &job_id).await;
    assert_eq!(job["DatasetJobId"], job_id.as_str(), "{job}");
    job
}

/// The file names of a ListDatasetFileMetas answer.
fn file_names(list: &Value) -> Vec<String> {
    let mut names: Vec<String> = list["DatasetFileMetas"]
        .as_array()
        .unwrap_or_else(|| panic!("no DatasetFileMetas: {list}"))
        .iter()
        .map(|m| m["FileName"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

async fn file_metadata_is_built_from_a_version_and_kept(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "pai");
    let api_key = wharf.create_key("team");
    let server = wharf.serve(&[]);
    let bucket = s3_bucket(&[
        ("set/a/cat1.png".to_owned(), png(8, 6)),
        ("set/a/cat2.png".to_owned(), png(4, 2)),
        ("set/b/notes.txt".to_owned(), b"some notes".to_vec()),
    ])
    .await;
    store_connection(&server, &api_key, &bucket).await;
    let client = Client::new(&server, &keys);

    // A BASIC dataset has no file metadata.
    let basic = client.create(oss_body("basic")).await;
    assert_refused(
        &client
            .send(
                "POST",
                &format!("/api/v1/datasets/{basic}/datasetjobs"),
                Some(json!({"JobAction": "FileMetaBuild"})),
            )
            .await,
        400,
        "UnsupportedOperation",
        "BASIC edition",
    );
    assert_refused(
        &client
            .send(
                "GET",
                &format!("/api/v1/datasets/{basic}/datasetfilemetas?DatasetVersion=v1"),
                None,
            )
            .await,
        400,
        "UnsupportedOperation",
        "no file metadata",
    );

    let mut body = oss_body("advanced");
    body["Uri"] = json!(format!("s3://{bucket}/set/"));
    body["Edition"] = json!("ADVANCED");
    let id = client.create(body).await;
    let jobs = format!("/api/v1/datasets/{id}/datasetjobs");
    let metas = format!("/api/v1/datasets/{id}/datasetfilemetas");
    for (body, code, says) in [
        (
            json!({"JobAction": "SemanticIndex"}),
            "UnsupportedOperation",
            "SemanticIndex",
        ),
        (
            json!({"JobAction": "Translate"}),
            "InvalidParameter",
            "FileMetaBuild",
        ),
        (json!({}), "MissingParameter", "JobAction"),
        (
            json!({"JobAction": "FileMetaBuild", "JobMode": "Increment"}),
            "InvalidParameter",
            "Increment",
        ),
        (
            json!({"JobAction": "FileMetaBuild", "DatasetVersion": "v9"}),
            "201300003",
            "v9",
        ),
    ] {
        assert_refused(
            &client.send("POST", &jobs, Some(body)).await,
            400,
            code,
            says,
        );
    }

    let job = build(&client, &id, "v1").await;
    for (field, expected) in [
        ("Status", json!("Succeeded")),
        ("JobAction", json!("FileMetaBuild")),
        ("JobMode", json!("Full")),
        ("DatasetVersion", json!("v1")),
        ("Description", json!("scan")),
        ("WorkspaceId", json!("w-1")),
        ("TotalFileCount", json!(3)),
        ("CompletedFileCount", json!(3)),
        ("FailedFileCount", json!(0)),
    ] {
        assert_eq!(job[field], expected, "{field}: {job}");
    }
    assert_gmt(&job["CreateTime"]);
    assert_gmt(&job["FinishTime"]);
    let logs: Vec<&str> = job["Logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    let last = logs.last().unwrap();
    assert!(
        last.contains(
            " INFO: Job completed: 3 files read, 0 failed, 3 file metadata records made."
        ),
        "{logs:?}"
    );
    assert!(
        chrono::NaiveDateTime::parse_from_str(&last[..23], "%Y-%m-%d %H:%M:%S%.3f").is_ok(),
        "{last}"
    );
    let job_id = job["DatasetJobId"].as_str().unwrap().to_owned();
    assert_refused(
        &client
            .send("PUT", &format!("{jobs}/{job_id}/action/stop"), None)
            .await,
        409,
        "OperationConflict",
        "already finished",
    );

    let list = |query: String| {
        let client = &client;
        let metas = metas.clone();
        async move {
            client
                .ok(
                    "GET",
                    &format!("{metas}?DatasetVersion=v1&WorkspaceId=w-1&{query}"),
                    None,
                )
                .await
        }
    };
    let all = list(String::new()).await;
    assert_eq!(all["TotalCount"], 3, "{all}");
    assert_eq!(all["DatasetId"], id.as_str());
    assert_eq!(all["DatasetVersion"], "v1");
    assert_eq!(file_names(&all), ["cat1.png", "cat2.png", "notes.txt"]);
    let cat1 = all["DatasetFileMetas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["FileName"] == "cat1.png")
        .unwrap()
        .clone();
    for (field, expected) in [
        ("Uri", json!(format!("s3://{bucket}/set/a/cat1.png"))),
        ("FileDir", json!("set/a")),
        ("FileType", json!("image")),
        ("ContentType", json!("image/png")),
        ("DataSize", json!(png(8, 6).len())),
        (
            "MetaAttributes",
            json!("{\"Image\":{\"Height\":6,\"Width\":8}}"),
        ),
        (
            "Tags",
            json!("{\"ai\":[],\"user\":[],\"user-delete-ai-tags\":[]}"),
        ),
        ("Status", json!("ACTIVE")),
    ] {
        assert_eq!(cat1[field], expected, "{field}: {cat1}");
    }
    let cat1_id = cat1["DatasetFileMetaId"].as_str().unwrap().to_owned();
    assert_eq!(cat1_id.len(), 64);
    assert!(cat1_id.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(!cat1["FileFingerPrint"].as_str().unwrap().is_empty());
    assert_gmt(&cat1["FileUpdateTime"]);

    // Paging by token.
    let first = list("MaxResults=2".to_owned()).await;
    assert_eq!(first["DatasetFileMetas"].as_array().unwrap().len(), 2);
    assert_eq!(first["MaxResults"], 2);
    let token = first["NextToken"].as_str().unwrap().to_owned();
    let second = list(format!("MaxResults=2&NextToken={token}")).await;
    assert_eq!(file_names(&second), ["notes.txt"]);
    assert!(second.get("NextToken").is_none(), "{second}");
    let newest = list("SortBy=FileUpdateTime&MaxResults=1".to_owned()).await;
    assert_eq!(newest["DatasetFileMetas"].as_array().unwrap().len(), 1);
    for (query, expected) in [
        (
            "QueryFileTypeIncludeAny=image",
            vec!["cat1.png", "cat2.png"],
        ),
        (
            "QueryContentTypeIncludeAny=text/plain,image/gif",
            vec!["notes.txt"],
        ),
        ("QueryFileDir=SET/A", vec!["cat1.png", "cat2.png"]),
        ("QueryFileName=cat2", vec!["cat2.png"]),
    ] {
        assert_eq!(
            file_names(&list(query.to_owned()).await),
            expected,
            "{query}"
        );
    }
    assert_refused(
        &client
            .send(
                "GET",
                &format!("{metas}?DatasetVersion=v1&MaxResults=101"),
                None,
            )
            .await,
        400,
        "InvalidParameter",
        "MaxResults",
    );
    assert_refused(
        &client
            .send(
                "GET",
                &format!("{metas}?DatasetVersion=v1&QueryText=cats"),
                None,
            )
            .await,
        400,
        "UnsupportedOperation",
        "QueryText",
    );
    assert_refused(
        &client.send("GET", &metas, None).await,
        400,
        "MissingParameter",
        "DatasetVersion",
    );

    let got = client
        .ok("GET", &format!("{metas}/{cat1_id}?DatasetVersion=v1"), None)
        .await;
    assert_eq!(got["DatasetFileMeta"]["Uri"], cat1["Uri"], "{got}");
    assert_eq!(got["DatasetId"], id.as_str());
    assert_refused(
        &client
            .send(
                "GET",
                &format!("{metas}/{}?DatasetVersion=v1", "0".repeat(64)),
                None,
            )
            .await,
        400,
        "201300003",
        "file meta not found",
    );

    // Tags: add, filter, take away.
    let id_of = |name: &str| {
        all["DatasetFileMetas"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["FileName"] == name)
            .unwrap()["DatasetFileMetaId"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (cat2_id, notes_id) = (id_of("cat2.png"), id_of("notes.txt"));
    let updated = client
        .ok(
            "PUT",
            &metas,
            Some(json!({"DatasetVersion": "v1", "WorkspaceId": "w-1", "DatasetFileMetas": [
                {"DatasetFileMetaId": cat1_id, "Tags": "{\"user\": {\"add\": [\"cute\", \"small\"]}}", "Comment": "the first"},
                {"DatasetFileMetaId": cat2_id, "Tags": "{\"user\": [\"cute\"]}"},
                {"DatasetFileMetaId": "f".repeat(64), "Tags": "{\"user\": [\"x\"]}"},
                {"DatasetFileMetaId": notes_id, "Tags": "{\"ai\": [\"text\"]}"},
            ]})),
        )
        .await;
    assert_eq!(updated["Status"], false, "{updated}");
    let failed = updated["FailedDetails"].as_array().unwrap();
    assert_eq!(failed.len(), 2, "{updated}");
    assert_eq!(failed[0]["Result"], "Not Found");
    assert!(
        failed[1]["Result"]
            .as_str()
            .unwrap()
            .contains("IntelligentTag"),
        "{updated}"
    );
    for (query, expected) in [
        ("QueryTagsIncludeAll=cute,small", vec!["cat1.png"]),
        ("QueryTagsIncludeAny=small,nothing", vec!["cat1.png"]),
        ("QueryTagsExclude=small", vec!["cat2.png", "notes.txt"]),
    ] {
        assert_eq!(
            file_names(&list(query.to_owned()).await),
            expected,
            "{query}"
        );
    }
    let tagged = client
        .ok("GET", &format!("{metas}/{cat1_id}?DatasetVersion=v1"), None)
        .await;
    assert_eq!(
        tagged["DatasetFileMeta"]["Tags"],
        "{\"ai\":[],\"user\":[\"cute\",\"small\"],\"user-delete-ai-tags\":[]}"
    );
    assert_eq!(tagged["DatasetFileMeta"]["Comment"], "the first");
    assert_gmt(&tagged["DatasetFileMeta"]["TagUpdateTime"]);
    client
        .ok(
            "PUT",
            &metas,
            Some(json!({"DatasetVersion": "v1", "DatasetFileMetas": [
                {"DatasetFileMetaId": cat1_id, "Tags": "{\"user\": {\"remove\": [\"small\"]}}"}]})),
        )
        .await;
    assert_eq!(
        file_names(&list("QueryTagsIncludeAll=cute".to_owned()).await),
        ["cat1.png", "cat2.png"]
    );

    // Soft deletion.
    let deleted = client
        .ok(
            "DELETE",
            &format!(
                "{metas}?DatasetVersion=v1&DatasetFileMetaIds={notes_id},{}",
                "e".repeat(64)
            ),
            None,
        )
        .await;
    assert_eq!(deleted["Status"], false, "{deleted}");
    assert_eq!(deleted["FailedDetails"][0]["Result"], "Not Found");
    assert_eq!(list(String::new()).await["TotalCount"], 2);
    assert_eq!(
        file_names(&list("Status=DELETED".to_owned()).await),
        ["notes.txt"]
    );
    assert_eq!(list("Status=ALL".to_owned()).await["TotalCount"], 3);

    // Files the client declares.
    let created = client
        .ok(
            "POST",
            &metas,
            Some(json!({"DatasetVersion": "v1", "WorkspaceId": "w-1", "DatasetFileMetas": [
                {"Uri": format!("oss://{bucket}.oss-cn-hangzhou.aliyuncs.com/extra/dog.jpg"), "FileFingerPrint": "etag-1",
                 "FileUpdateTime": "2025-01-02T03:04:05.000Z", "FileType": "image", "ContentType": "image/jpeg",
                 "DataSize": 1234, "MetaAttributes": "{\"Image\": {\"Width\": 1920, \"Height\": 1080}}",
                 "Tags": "{\"user\": {\"add\": [\"Lane line\", \"Sunny day\"]}}"},
                {"Uri": format!("s3://{bucket}/extra/readme.md"), "FileFingerPrint": "etag-2",
                 "FileUpdateTime": "2025-01-02T03:04:05.000Z", "FileType": "text", "ContentType": "text/markdown"},
                {"Uri": format!("s3://{bucket}/extra/broken.png"), "FileUpdateTime": "2025-01-02T03:04:05.000Z",
                 "FileType": "image", "ContentType": "image/png"},
            ]})),
        )
        .await;
    assert_eq!(created["Status"], false, "{created}");
    assert_eq!(
        created["SucceedDetails"].as_array().unwrap().len(),
        2,
        "{created}"
    );
    assert_eq!(
        created["SucceedDetails"][0]["Uri"],
        format!("oss://{bucket}/extra/dog.jpg")
    );
    assert_eq!(
        created["FailedDetails"][0]["Result"],
        "FileFingerPrint is missing"
    );
    assert_eq!(
        created["FailedDetails"][0]["Uri"],
        format!("s3://{bucket}/extra/broken.png")
    );
    assert_eq!(
        file_names(&list("QueryTagsIncludeAny=Sunny day".to_owned()).await),
        ["dog.jpg"]
    );
    assert_eq!(list(String::new()).await["TotalCount"], 4);

    // A build again, after a file is gone: it is marked deleted, tags and the client's
    // deletions stay.
    s3_operator(&bucket).delete("set/a/cat2.png").await.unwrap();
    let again = build(&client, &id, "v1").await;
    assert_eq!(again["Status"], "Succeeded", "{again}");
    assert_eq!(
        file_names(&list(String::new()).await),
        ["cat1.png", "dog.jpg", "readme.md"]
    );
    assert_eq!(
        file_names(&list("Status=DELETED".to_owned()).await),
        ["cat2.png", "notes.txt"]
    );
    assert_eq!(
        file_names(&list("QueryTagsIncludeAll=cute".to_owned()).await),
        ["cat1.png"]
    );
    // A version's file metadata goes with it.
    let catalog = wharf.catalog().await;
    let workspace = catalog.workspace_by_name("team").await.unwrap().unwrap();
    let count = || catalog.count_file_records(&workspace.id, &id, "v1");
    assert_eq!(count().await.unwrap(), 3);
    client
        .ok(
            "POST",
            &format!("/api/v1/datasets/{id}/versions"),
            Some(json!({"DataSourceType": "OSS", "Property": "DIRECTORY", "Uri": format!("s3://{bucket}/set/")})),
        )
        .await;
    client
        .ok(
            "DELETE",
            &format!("/api/v1/datasets/{id}/versions/v1"),
            None,
        )
        .await;
    assert_eq!(count().await.unwrap(), 0);
    let jobs_list = client.ok("GET", &jobs, None).await;
    assert_eq!(jobs_list["TotalCount"], 2, "{jobs_list}");
    assert_eq!(
        jobs_list["DatasetJobs"][0]["DatasetJobId"], again["DatasetJobId"],
        "newest first: {jobs_list}"
    );
    assert!(jobs_list["DatasetJobs"][0].get("Logs").is_none());
    let with_logs = client
        .ok(
            "GET",
            &format!("{jobs}?WithLogs=true&Order=ASC&Status=Succeeded&JobAction=FileMetaBuild"),
            None,
        )
        .await;
    assert_eq!(with_logs["DatasetJobs"][0]["DatasetJobId"], job_id.as_str());
    assert!(with_logs["DatasetJobs"][0]["Logs"].is_array());
}

async fn failed_and_stopped_builds_say_why(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "pai");
    let api_key = wharf.create_key("team");
    // Builds run in a worker of their own, so that a build can be stopped while queued.
    let server = wharf.serve(&["--workers", "0"]);
    let mut worker = wharf.worker(&[]);
    let bucket = s3_bucket(&[("set/x.png".to_owned(), png(2, 2))]).await;
    // One connection for every bucket of the workspace.
    store_connection(&server, &api_key, "default").await;
    let client = Client::new(&server, &keys);
    let mut body = oss_body("builds");
    body["Uri"] = json!(format!("s3://{bucket}/set/"));
    body["Edition"] = json!("LOGICAL");
    let id = client.create(body).await;
    let versions = format!("/api/v1/datasets/{id}/versions");
    client
        .ok(
            "POST",
            &versions,
            Some(json!({"DataSourceType": "OSS", "Property": "DIRECTORY", "Uri": "s3://no-such-bucket-0/x/"})),
        )
        .await;
    client
        .ok(
            "POST",
            &versions,
            Some(json!({"DataSourceType": "OSS", "Property": "FILE", "Uri": format!("s3://{bucket}/set/x.png")})),
        )
        .await;
    assert_refused(
        &client
            .send(
                "POST",
                &format!("/api/v1/datasets/{id}/datasetjobs"),
                Some(json!({"JobAction": "FileMetaBuild", "DatasetVersion": "v3"})),
            )
            .await,
        400,
        "InvalidParameter",
        "DIRECTORY",
    );
    let failed = build(&client, &id, "v2").await;
    assert_eq!(failed["Status"], "Failed", "{failed}");
    let logs = failed["Logs"].to_string();
    assert!(logs.contains("ERROR: Job failed: "), "{logs}");
    let metas = client
        .ok(
            "GET",
            &format!("/api/v1/datasets/{id}/datasetfilemetas?DatasetVersion=v2"),
            None,
        )
        .await;
    assert_eq!(metas["TotalCount"], 0, "{metas}");

    // With no worker to run it, a build waits Pending; stopped, it ends ManuallyStop.
    worker.kill();
    let created = client
        .ok(
            "POST",
            &format!("/api/v1/datasets/{id}/datasetjobs"),
            Some(json!({"JobAction": "FileMetaBuild", "DatasetVersion": "v1"})),
        )
        .await;
    let job_id = created["DatasetJobId"].as_str().unwrap().to_owned();
    let (status, answer) = client
        .send(
            "PUT",
            &format!("/api/v1/datasets/{id}/datasetjobs/{job_id}/action/stop"),
            None,
        )
        .await;
    let job = wait_job(&client, &id, &job_id).await;
    match status {
        200 => assert_eq!(job["Status"], "ManuallyStop", "{job}"),
        _ => {
            assert_refused(
                &(status, answer),
                409,
                "OperationConflict",
                "already finished",
            );
            assert_eq!(job["Status"], "Succeeded", "{job}");
        }
    }
    assert_refused(
        &client
            .send(
                "GET",
                &format!("/api/v1/datasets/{id}/datasetjobs/nope"),
                None,
            )
            .await,
        400,
        "201300003",
        "Dataset job not found",
    );
}

on_both_catalogs!(
    the_platform_example_makes_a_dataset_and_its_first_version,
    refusals_name_the_field_with_the_platform_codes,
    datasets_are_listed_filtered_sorted_and_paged,
    labels_publish_update_and_delete_change_the_dataset,
    versions_are_records_with_their_own_sources,
    versions_made_at_once_are_all_kept,
    signatures_are_checked_as_the_gateway_checks_them,
    the_official_python_sdk_works_unchanged,
    file_metadata_is_built_from_a_version_and_kept,
    failed_and_stopped_builds_say_why,
    a_dataset_made_through_another_api_is_seen_but_never_changed,
);

/// A natively made dataset is seen through PAI but never changed by it: every call that
/// would change it is refused with the platform's dataset error, naming who made it.
async fn a_dataset_made_through_another_api_is_seen_but_never_changed(db: Db) {
    let wharf = Wharf::new(db).await;
    let keys = wharf.create_key_pair("team", "pai");
    let api_key = wharf.create_key("team");
    let server = wharf.serve(&[]);
    let client = Client::new(&server, &keys);
    let (status, native) = server
        .send(
            "POST",
            "/v1/datasets",
            Some(&api_key),
            Some(json!({"name": "native-set", "description": "kept as it is"})),
        )
        .await;
    assert_eq!(status, 201, "{native}");
    let id = native["id"].as_str().unwrap();
    let path = format!("/api/v1/datasets/{id}");
    let (status, seen) = client.send("GET", &path, None).await;
    assert_eq!(status, 200, "{seen}");
    let changes = [
        ("PUT", path.clone(), Some(json!({"Description": "changed"}))),
        (
            "POST",
            format!("{path}/labels"),
            Some(json!({"Labels": [{"Key": "a", "Value": "1"}]})),
        ),
        ("PUT", format!("{path}/publish"), None),
        ("DELETE", path.clone(), None),
    ];
    for (method, at, body) in changes {
        assert_refused(
            &client.send(method, &at, body).await,
            400,
            "201300003",
            "Wharf's own API",
        );
    }
    let after = server.get(&format!("/v1/datasets/{id}"), &api_key).await;
    assert_eq!(after["description"], "kept as it is", "{after}");
    assert_eq!(after["origin"], serde_json::Value::Null, "{after}");
}
