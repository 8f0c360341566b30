//! The end-to-end harness: runs the real `wharf` binary against the servers that
//! `scripts/test.sh` starts (s3s-fs, fake-gcs-server, azurite, PostgreSQL), each test in its
//! own data directory, database and bucket.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::Connection;

/// Seals the catalogs' secrets in every test process; tests open catalogs with it too.
pub const SECRET_KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

pub struct Env {
    pub s3_endpoint: String,
    pub s3_root: PathBuf,
    pub s3_key: String,
    pub s3_secret: String,
    pub gcs_endpoint: String,
    pub azure_endpoint: String,
    pub postgres_url: String,
}

pub fn env() -> Env {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!("{name} is not set: run the suite with scripts/test.sh, which starts the servers the tests use")
        })
    };
    Env {
        s3_endpoint: var("WHARF_TEST_S3_ENDPOINT"),
        s3_root: PathBuf::from(var("WHARF_TEST_S3_ROOT")),
        s3_key: var("WHARF_TEST_S3_ACCESS_KEY"),
        s3_secret: var("WHARF_TEST_S3_SECRET_KEY"),
        gcs_endpoint: var("WHARF_TEST_GCS_ENDPOINT"),
        azure_endpoint: var("WHARF_TEST_AZURE_ENDPOINT"),
        postgres_url: var("WHARF_TEST_POSTGRES_URL"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Generates one test per catalog backend from `async fn name(db: Db)`.
#[macro_export]
macro_rules! on_both_catalogs {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Db::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Db::Postgres).await
                }
            )*
        }
    };
}

/// A command's standard output as JSON, or a panic that shows what it printed.
pub fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

/// One Wharf installation: a data directory, a catalog database and a local root.
pub struct Wharf {
    pub dir: tempfile::TempDir,
    pub database_url: String,
    pub db: Db,
}

impl Wharf {
    pub async fn new(db: Db) -> Wharf {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("root")).expect("root dir");
        let database_url = match db {
            Db::Sqlite => format!("sqlite://{}/catalog.db?mode=rwc", dir.path().display()),
            Db::Postgres => {
                let admin_url = env().postgres_url;
                let name = unique("wharf").replace('-', "_");
                let mut admin = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .expect("connect to the test PostgreSQL");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut admin)
                    .await
                    .expect("create database");
                match admin_url.rsplit_once('/') {
                    Some((base, _)) => format!("{base}/{name}"),
                    None => panic!("unexpected PostgreSQL URL {admin_url}"),
                }
            }
        };
        Wharf {
            dir,
            database_url,
            db,
        }
    }

    /// Where `file://` sources of this installation may lie.
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wharf"));
        for var in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ENDPOINT_URL",
            "AWS_REGION",
            "WHARF_SERVER",
            "WHARF_API_KEY",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("WHARF_SECRET_KEY", SECRET_KEY)
            .arg("--data-dir")
            .arg(self.dir.path())
            .arg("--database-url")
            .arg(&self.database_url);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("run wharf")
    }

    pub fn create_key(&self, workspace: &str) -> String {
        let out = self.run(&["--workspace", workspace, "keys", "create"]);
        assert!(
            out.status.success(),
            "keys create failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("utf-8 key")
            .trim()
            .to_owned()
    }

    /// Makes a key pair for a platform dialect, as `wharf keys create --dialect` prints it.
    pub fn create_key_pair(&self, workspace: &str, dialect: &str) -> KeyPair {
        let out = self.run(&[
            "--workspace",
            workspace,
            "keys",
            "create",
            "--dialect",
            dialect,
        ]);
        assert!(
            out.status.success(),
            "keys create --dialect {dialect} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("utf-8 keys");
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_owned())
                .unwrap_or_else(|| panic!("no {name} in {text}"))
        };
        KeyPair {
            access: field("access_key:"),
            secret: field("secret_key:"),
        }
    }

    /// Starts `wharf serve` on a free port, allowed to reach the test servers and this
    /// installation's root, with the given extra arguments.
    pub fn serve(&self, extra: &[&str]) -> Server {
        let root = self.root();
        let mut args = vec![
            "--allow-private-endpoints",
            "--lease-seconds",
            "3",
            "--allow-root",
            root.to_str().expect("utf-8 root"),
        ];
        args.extend_from_slice(extra);
        self.spawn_server(&args)
    }

    /// Starts `wharf serve` with the default access policy: no local roots, no private endpoints.
    pub fn serve_strict(&self) -> Server {
        self.spawn_server(&[])
    }

    fn spawn_server(&self, extra: &[&str]) -> Server {
        let log_path = self.dir.path().join(format!("{}.log", unique("serve")));
        let log = std::fs::File::create(&log_path).expect("log file");
        let mut child = self
            .command()
            .env("WHARF_LOG", "debug")
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start wharf serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = tx.send(line);
            }
            for _ in lines {}
        });
        let line = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "wharf serve did not start: {}",
                    std::fs::read_to_string(&log_path).unwrap_or_default()
                );
            }
        };
        let url = line
            .strip_prefix("wharf listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line}"))
            .to_owned();
        Server {
            child,
            url,
            log_path,
            http: reqwest::Client::new(),
        }
    }

    /// Starts `wharf worker` with its log in a file.
    pub fn worker(&self, extra: &[&str]) -> Worker {
        let log_path = self.dir.path().join(format!("{}.log", unique("worker")));
        let log = std::fs::File::create(&log_path).expect("log file");
        let child = self
            .command()
            .env("WHARF_LOG", "info")
            .args([
                "worker",
                "--allow-private-endpoints",
                "--lease-seconds",
                "3",
            ])
            .arg("--allow-root")
            .arg(self.root())
            .args(extra)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start wharf worker");
        Worker { child, log_path }
    }

    /// Opens the catalog directly, to check what the processes wrote.
    pub async fn catalog(&self) -> wharf_catalog::Catalog {
        let cipher = wharf_catalog::SecretCipher::from_key_material(SECRET_KEY).expect("key");
        wharf_catalog::Catalog::open(&self.database_url, cipher)
            .await
            .expect("open catalog")
    }
}

pub struct Worker {
    pub child: Child,
    pub log_path: PathBuf,
}

impl Worker {
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// SIGKILL: the process gets no chance to clean up.
    pub fn kill(&mut self) {
        self.child.kill().expect("kill worker");
        self.child.wait().expect("reap worker");
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Server {
    child: Child,
    pub url: String,
    log_path: PathBuf,
    http: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// Sends a request and returns the status and the body (as JSON, or as a string when it
    /// is not JSON).
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.http.request(method, format!("{}{path}", self.url));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    pub async fn get(&self, path: &str, key: &str) -> Value {
        let (status, body) = self.send("GET", path, Some(key), None).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// Queues an import and returns the job as the server answered.
    pub async fn import(&self, key: &str, request: Value) -> Value {
        let (status, body) = self
            .send("POST", "/v1/imports", Some(key), Some(request))
            .await;
        assert_eq!(status, 202, "POST /v1/imports: {body}");
        body
    }

    /// Polls a job until it finishes.
    pub async fn wait_job(&self, key: &str, id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let job = self.get(&format!("/v1/jobs/{id}"), key).await;
            let state = job["state"].as_str().unwrap_or_default().to_owned();
            if ["succeeded", "partial", "failed", "cancelled"].contains(&state.as_str()) {
                return job;
            }
            assert!(
                Instant::now() < deadline,
                "job {id} did not finish in time: {job}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Validates a source (`request` is a `POST /v1/validate` body) and checks the report
    /// against what an import of the same source stored in `dataset`: samples, annotations,
    /// and annotations per label. Returns the report.
    pub async fn validate_matches_import(&self, key: &str, request: Value, dataset: &str) -> Value {
        let (status, report) = self
            .send("POST", "/v1/validate", Some(key), Some(request))
            .await;
        assert_eq!(status, 200, "POST /v1/validate: {report}");
        let samples = self.all_samples(key, dataset, "").await;
        let annotations: i64 = samples
            .iter()
            .map(|s| s["annotation_count"].as_i64().unwrap_or(0))
            .sum();
        assert_eq!(
            (report["samples"].as_u64(), report["annotations"].as_i64()),
            (Some(samples.len() as u64), Some(annotations)),
            "validate's samples and annotations are the import's: {report}"
        );
        let labels = self
            .get(&format!("/v1/datasets/{dataset}/labels"), key)
            .await;
        let stored: std::collections::BTreeMap<String, i64> = labels
            .as_array()
            .expect("labels")
            .iter()
            .filter(|l| l["annotations"].as_i64() > Some(0))
            .map(|l| {
                (
                    l["name"].as_str().unwrap_or_default().to_owned(),
                    l["annotations"].as_i64().unwrap_or(0),
                )
            })
            .collect();
        let reported: std::collections::BTreeMap<String, i64> =
            serde_json::from_value(report["label_annotations"].clone()).expect("label_annotations");
        assert_eq!(
            reported, stored,
            "validate's annotations per label are the import's"
        );
        report
    }

    /// Every sample of a dataset, through the paged API.
    pub async fn all_samples(&self, key: &str, dataset: &str, query: &str) -> Vec<Value> {
        let mut samples = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let mut path = format!("/v1/datasets/{dataset}/samples?limit=7{query}");
            if let Some(n) = &next {
                path.push_str(&format!("&next={}", urlencode(n)));
            }
            let page = self.get(&path, key).await;
            samples.extend(page["items"].as_array().expect("items").iter().cloned());
            match page["next"].as_str() {
                Some(n) => next = Some(n.to_owned()),
                None => return samples,
            }
        }
    }
}

/// A dialect's access key and secret key.
#[derive(Debug, Clone)]
pub struct KeyPair {
    pub access: String,
    pub secret: String,
}

pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The credentials of the test S3 server, as an import request takes them.
pub fn s3_credentials() -> Value {
    let env = env();
    json!({ "access_key_id": env.s3_key, "secret_access_key": env.s3_secret, "endpoint": env.s3_endpoint })
}

/// Makes a bucket on the test S3 server and uploads `objects` through the S3 API.
pub async fn s3_bucket(objects: &[(String, Vec<u8>)]) -> String {
    let env = env();
    let bucket = unique("bkt");
    std::fs::create_dir(env.s3_root.join(&bucket)).expect("create bucket directory");
    let op = s3_operator(&bucket);
    for (key, body) in objects {
        op.write(key, body.clone())
            .await
            .unwrap_or_else(|e| panic!("upload {key}: {e}"));
    }
    bucket
}

pub fn s3_operator(bucket: &str) -> opendal::Operator {
    let env = env();
    let builder = opendal::services::S3::default()
        .bucket(bucket)
        .endpoint(&env.s3_endpoint)
        .region("us-east-1")
        .access_key_id(&env.s3_key)
        .secret_access_key(&env.s3_secret)
        .disable_config_load()
        .disable_ec2_metadata();
    test_operator(builder)
}

/// An operator for the test's own uploads. OpenDAL shares one HTTP client across the process,
/// and its pooled connections die with the runtime of the test that opened them; each
/// `#[tokio::test]` has its own runtime, so each operator gets its own client.
pub fn test_operator(builder: impl opendal::Builder) -> opendal::Operator {
    let transport = opendal::HttpTransporter::new(
        opendal_http_transport_reqwest::ReqwestTransport::new(reqwest::Client::new()),
    );
    opendal::Operator::new(builder)
        .expect("operator")
        .with_context(opendal::OperationContext::new().with_http_transport(transport))
        .layer(opendal::layers::RetryLayer::new().with_jitter())
}

/// The first bytes of a PNG of the given size: enough for a header probe.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = vec![
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

/// The head of a baseline JPEG of `width` × `height`: what a header probe reads.
pub fn jpeg(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = vec![
        0xff, 0xd8, 0xff, 0xe0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
    ];
    bytes.extend_from_slice(&[0xff, 0xc0, 0, 17, 8]);
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xd9]);
    bytes
}

/// `n` objects: every third a PNG, the rest small binary blobs, spread over folders.
pub fn objects(n: usize) -> Vec<(String, Vec<u8>)> {
    (0..n)
        .map(|i| {
            if i % 3 == 0 {
                (
                    format!("images/{:02}/img-{i:05}.png", i % 7),
                    png(10 + i as u32, 20 + i as u32),
                )
            } else {
                (
                    format!("blobs/{:02}/blob-{i:05}.bin", i % 5),
                    format!("payload {i}").into_bytes(),
                )
            }
        })
        .collect()
}

pub fn write_local_tree(root: &Path, files: &[(String, Vec<u8>)]) {
    for (path, body) in files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, body).expect("write");
    }
}

/// The test Python (`WHARF_TEST_PYTHON`), checked to import `modules` (a Python import list);
/// fails saying to install `what` when it cannot.
pub fn test_python(modules: &str, what: &str) -> String {
    let python =
        std::env::var("WHARF_TEST_PYTHON").expect("WHARF_TEST_PYTHON: run scripts/test.sh");
    let check = Command::new(&python)
        .args(["-c", &format!("import {modules}")])
        .output()
        .expect("run the test Python");
    assert!(
        check.status.success(),
        "{python} lacks {what} ({}); run scripts/install-test-tools.sh",
        String::from_utf8_lossy(&check.stderr).trim()
    );
    python
}

/// What a client script under `tests/clients/` printed: one JSON line `{step, answer}` a step.
pub struct ClientRun {
    pub stdout: String,
    pub steps: Vec<Value>,
}

impl ClientRun {
    /// Runs `script` with `python`, `args` and `envs`, and fails unless it succeeds.
    pub async fn run(python: &str, script: &str, args: &[&str], envs: &[(&str, &str)]) -> Self {
        let path = format!("{}/tests/clients/{script}", env!("CARGO_MANIFEST_DIR"));
        let out = tokio::process::Command::new(python)
            .arg(&path)
            .args(args)
            .envs(envs.iter().copied())
            .output()
            .await
            .unwrap_or_else(|e| panic!("run {script}: {e}"));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{script} failed: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let steps = stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        Self { stdout, steps }
    }

    /// The answer of the last step named `step`.
    pub fn answer(&self, step: &str) -> Value {
        self.steps
            .iter()
            .rev()
            .find(|s| s["step"] == step)
            .map(|s| s["answer"].clone())
            .unwrap_or_else(|| panic!("no {step} in {}", self.stdout))
    }

    /// Every step named `step`, in order.
    pub fn all(&self, step: &str) -> Vec<&Value> {
        self.steps.iter().filter(|s| s["step"] == step).collect()
    }
}
