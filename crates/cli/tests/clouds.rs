//! Google Cloud Storage (fake-gcs-server), Azure Blob (azurite) and HTTP sources, end to end.

mod common;

use common::{Db, Wharf, objects, png, unique};
use serde_json::json;

/// Azurite's well-known development account.
const AZURE_ACCOUNT: &str = "devstoreaccount1";
const AZURE_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

on_both_catalogs!(
    imports_from_google_cloud_storage,
    imports_from_azure_blob_and_refuses_a_wrong_key,
    imports_one_file_over_http,
);

async fn imports_from_google_cloud_storage(db: Db) {
    let env = common::env();
    let bucket = unique("gcs");
    let made = reqwest::Client::new()
        .post(format!(
            "{}/storage/v1/b?project=wharf-test",
            env.gcs_endpoint
        ))
        .json(&json!({ "name": bucket }))
        .send()
        .await
        .unwrap();
    assert!(
        made.status().is_success(),
        "create bucket: {}",
        made.text().await.unwrap()
    );
    let gcs = opendal::services::Gcs::default()
        .bucket(&bucket)
        .endpoint(&env.gcs_endpoint)
        .skip_signature()
        .disable_vm_metadata()
        .disable_config_load();
    let op = common::test_operator(gcs);
    let files = objects(12);
    for (key, body) in &files {
        op.write(&format!("set/{key}"), body.clone()).await.unwrap();
    }
    op.write("elsewhere/skip.bin", b"outside the prefix".to_vec())
        .await
        .unwrap();

    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let queued = server
        .import(&key, json!({ "source": format!("gs://{bucket}/set/"), "dataset": "g", "credentials": { "endpoint": env.gcs_endpoint } }))
        .await;
    let job = server.wait_job(&key, queued["id"].as_str().unwrap()).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["counters"]["imported"].as_i64(), Some(12));
    let samples = server.all_samples(&key, "g", "").await;
    let keys: Vec<&str> = samples.iter().map(|s| s["key"].as_str().unwrap()).collect();
    assert!(
        keys.contains(&"images/00/img-00000.png") && !keys.iter().any(|k| k.contains("skip")),
        "{keys:?}"
    );
    let image = samples
        .iter()
        .find(|s| s["key"] == "images/03/img-00003.png")
        .unwrap();
    assert_eq!(image["files"][0]["width"], 13);
}

async fn imports_from_azure_blob_and_refuses_a_wrong_key(db: Db) {
    let env = common::env();
    let container = unique("az");
    let python =
        std::env::var("WHARF_TEST_PYTHON").expect("WHARF_TEST_PYTHON: run scripts/test.sh");
    let connection = format!(
        "DefaultEndpointsProtocol=http;AccountName={AZURE_ACCOUNT};AccountKey={AZURE_KEY};BlobEndpoint={};",
        env.azure_endpoint
    );
    let made = std::process::Command::new(python)
        .args(["-c", "import sys; from azure.storage.blob import BlobServiceClient as C; C.from_connection_string(sys.argv[1]).create_container(sys.argv[2])"])
        .args([&connection, &container])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "create container: {}",
        String::from_utf8_lossy(&made.stderr)
    );
    let azure = opendal::services::Azblob::default()
        .container(&container)
        .endpoint(&env.azure_endpoint)
        .account_name(AZURE_ACCOUNT)
        .account_key(AZURE_KEY);
    let op = common::test_operator(azure);
    op.write("frames/a.png", png(5, 6)).await.unwrap();
    op.write("frames/b.png", png(7, 8)).await.unwrap();
    op.write("frames/notes/c.txt", b"c".to_vec()).await.unwrap();

    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let credentials = json!({ "access_key_id": AZURE_ACCOUNT, "secret_access_key": AZURE_KEY, "endpoint": env.azure_endpoint });
    let queued = server.import(&key, json!({ "source": format!("az://{container}/frames"), "dataset": "a", "credentials": credentials })).await;
    let job = server.wait_job(&key, queued["id"].as_str().unwrap()).await;
    assert_eq!(
        (job["state"].as_str(), job["counters"]["imported"].as_i64()),
        (Some("succeeded"), Some(3)),
        "{job}"
    );
    let samples = server.all_samples(&key, "a", "&media_type=image/png").await;
    let sizes: Vec<(i64, i64)> = samples
        .iter()
        .map(|s| {
            (
                s["files"][0]["width"].as_i64().unwrap(),
                s["files"][0]["height"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(sizes, vec![(5, 6), (7, 8)]);

    let wrong_key = "d3JvbmctYXp1cmUta2V5LXRoYXQtaXMtbG9uZy1lbm91Z2gtdG8tbG9vay1yZWFs";
    let credentials = json!({ "access_key_id": AZURE_ACCOUNT, "secret_access_key": wrong_key, "endpoint": env.azure_endpoint });
    let queued = server.import(&key, json!({ "source": format!("az://{container}/frames"), "dataset": "a2", "credentials": credentials })).await;
    let job = server.wait_job(&key, queued["id"].as_str().unwrap()).await;
    assert_eq!(
        (job["state"].as_str(), job["error_code"].as_str()),
        (Some("failed"), Some("storage_credentials_rejected")),
        "{job}"
    );
    assert!(!job.to_string().contains(wrong_key) && !server.log().contains(wrong_key));
}

async fn imports_one_file_over_http(db: Db) {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir(site.path().join("sets")).unwrap();
    std::fs::write(site.path().join("sets/cover.png"), png(640, 480)).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut http = std::process::Command::new("python3")
        .args([
            "-m",
            "http.server",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(site.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let source = format!("http://127.0.0.1:{port}/sets/cover.png");
    let queued = server
        .import(&key, json!({ "source": source, "dataset": "web" }))
        .await;
    let job = server.wait_job(&key, queued["id"].as_str().unwrap()).await;
    let missing = server.import(&key, json!({ "source": format!("http://127.0.0.1:{port}/sets/none.png"), "dataset": "web2" })).await;
    let missing = server.wait_job(&key, missing["id"].as_str().unwrap()).await;
    http.kill().unwrap();
    http.wait().unwrap();

    assert_eq!(
        (job["state"].as_str(), job["counters"]["imported"].as_i64()),
        (Some("succeeded"), Some(1)),
        "{job}"
    );
    let samples = server.all_samples(&key, "web", "").await;
    assert_eq!(samples[0]["key"], "cover.png");
    assert_eq!(
        (
            samples[0]["files"][0]["width"].as_i64(),
            samples[0]["files"][0]["height"].as_i64()
        ),
        (Some(640), Some(480))
    );
    assert_eq!(
        (missing["state"].as_str(), missing["error_code"].as_str()),
        (Some("failed"), Some("storage_bucket_not_found")),
        "{missing}"
    );
}
