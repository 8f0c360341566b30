//! Importing from a real S3 server through the API, on SQLite and on PostgreSQL.

mod common;

use common::{Db, Wharf, objects, s3_bucket, s3_credentials, s3_operator};
use serde_json::json;

on_both_catalogs!(
    imports_every_object_as_a_sample_and_reimports_only_changes,
    wrong_credentials_fail_the_job_without_leaking_the_secret,
    missing_bucket_and_empty_prefix_fail_with_clear_codes,
    stored_connections_keep_their_secret_write_only,
    obs_and_oss_buckets_are_read_through_a_connection_that_speaks_s3,
);

async fn imports_every_object_as_a_sample_and_reimports_only_changes(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let files = objects(45);
    let bucket = s3_bucket(&files).await;
    let source = format!("s3://{bucket}/");

    let job = server
        .import(
            &key,
            json!({ "source": source, "dataset": "fleet", "credentials": s3_credentials() }),
        )
        .await;
    assert_eq!(job["state"], "queued");
    let job = server.wait_job(&key, job["id"].as_str().unwrap()).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let c = &job["counters"];
    assert_eq!(
        (
            c["discovered"].as_i64(),
            c["processed"].as_i64(),
            c["imported"].as_i64()
        ),
        (Some(45), Some(45), Some(45))
    );
    assert_eq!(
        (
            c["unchanged"].as_i64(),
            c["failed"].as_i64(),
            c["removed"].as_i64()
        ),
        (Some(0), Some(0), Some(0))
    );
    let total_bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    assert_eq!(c["bytes"].as_u64(), Some(total_bytes as u64));
    assert_eq!(job["result"]["version"], 1);
    assert_eq!(job["result"]["version_created"], true);

    let samples = server.all_samples(&key, "fleet", "").await;
    let mut keys: Vec<&str> = samples.iter().map(|s| s["key"].as_str().unwrap()).collect();
    let mut expected: Vec<&str> = files.iter().map(|(k, _)| k.as_str()).collect();
    expected.sort();
    assert_eq!(
        keys, expected,
        "samples come in key order, each object once"
    );
    keys.dedup();
    assert_eq!(keys.len(), 45);

    let image = samples
        .iter()
        .find(|s| s["key"] == "images/00/img-00021.png")
        .expect("image sample");
    let file = &image["files"][0];
    assert_eq!(
        (file["width"].as_i64(), file["height"].as_i64()),
        (Some(31), Some(41)),
        "{image}"
    );
    assert_eq!(file["media_type"], "image/png");
    assert!(!file["fingerprint"].as_str().unwrap().is_empty());
    let pngs = server
        .all_samples(&key, "fleet", "&media_type=image/*")
        .await;
    assert_eq!(pngs.len(), 15);
    assert_eq!(
        server
            .all_samples(&key, "fleet", "&media_type=image/png")
            .await
            .len(),
        15
    );
    assert!(
        server
            .all_samples(&key, "fleet", "&prefix=IMAGES/")
            .await
            .is_empty(),
        "keys are case-sensitive"
    );
    let under = server.all_samples(&key, "fleet", "&prefix=blobs/03/").await;
    assert!(
        under
            .iter()
            .all(|s| s["key"].as_str().unwrap().starts_with("blobs/03/"))
            && !under.is_empty()
    );

    // The same source again adds nothing, and says so.
    let again = server
        .import(
            &key,
            json!({ "source": source, "dataset": "fleet", "credentials": s3_credentials() }),
        )
        .await;
    let again = server.wait_job(&key, again["id"].as_str().unwrap()).await;
    assert_eq!(again["state"], "succeeded");
    assert_eq!(
        (
            again["counters"]["imported"].as_i64(),
            again["counters"]["unchanged"].as_i64()
        ),
        (Some(0), Some(45))
    );
    assert_eq!(again["result"]["version_created"], false);
    assert_eq!(again["result"]["version"], 1);

    // One object changes, one goes, one arrives.
    let op = s3_operator(&bucket);
    op.write("blobs/01/blob-00001.bin", b"a different payload".to_vec())
        .await
        .unwrap();
    op.delete("blobs/02/blob-00002.bin").await.unwrap();
    op.write("late/arrival.txt", b"hello".to_vec())
        .await
        .unwrap();
    let third = server
        .import(
            &key,
            json!({ "source": source, "dataset": "fleet", "credentials": s3_credentials() }),
        )
        .await;
    let third = server.wait_job(&key, third["id"].as_str().unwrap()).await;
    let c = &third["counters"];
    assert_eq!(third["state"], "succeeded", "{third}");
    assert_eq!(
        (
            c["imported"].as_i64(),
            c["unchanged"].as_i64(),
            c["removed"].as_i64()
        ),
        (Some(2), Some(43), Some(1))
    );
    assert_eq!(third["result"]["version"], 2);

    let versions = server.get("/v1/datasets/fleet/versions", &key).await;
    let counts: Vec<(i64, i64)> = versions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["number"].as_i64().unwrap(),
                v["sample_count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counts, vec![(2, 45), (1, 45)]);
    let (status, labelled) = server
        .send(
            "PATCH",
            "/v1/datasets/fleet/versions/v1",
            Some(&key),
            Some(json!({ "description": "first drop", "labels": { "qa": "passed" } })),
        )
        .await;
    assert_eq!(status, 200, "{labelled}");
    assert_eq!(
        (
            labelled["description"].as_str(),
            labelled["labels"]["qa"].as_str()
        ),
        (Some("first drop"), Some("passed"))
    );
    assert_eq!(
        labelled["sample_count"], 45,
        "labels never change what a version holds"
    );
    let (status, missing) = server
        .send(
            "PATCH",
            "/v1/datasets/fleet/versions/9",
            Some(&key),
            Some(json!({ "description": "x" })),
        )
        .await;
    assert_eq!(
        (status, missing["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    // Version 1 still reads as it was.
    let v1 = server.all_samples(&key, "fleet", "&version=1").await;
    assert!(v1.iter().any(|s| s["key"] == "blobs/02/blob-00002.bin"));
    assert!(!v1.iter().any(|s| s["key"] == "late/arrival.txt"));
    let v2 = server.all_samples(&key, "fleet", "").await;
    assert!(!v2.iter().any(|s| s["key"] == "blobs/02/blob-00002.bin"));
    assert!(v2.iter().any(|s| s["key"] == "late/arrival.txt"));
}

async fn wrong_credentials_fail_the_job_without_leaking_the_secret(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let bucket = s3_bucket(&objects(3)).await;
    let secret = "wrong-secret-Zq8Kd93hTT";
    let mut credentials = s3_credentials();
    credentials["secret_access_key"] = json!(secret);

    let queued = server.import(&key, json!({ "source": format!("s3://{bucket}/"), "dataset": "d", "credentials": credentials })).await;
    let job = server.wait_job(&key, queued["id"].as_str().unwrap()).await;
    assert_eq!(job["state"], "failed");
    assert_eq!(job["error_code"], "storage_credentials_rejected", "{job}");
    assert!(
        job["error_message"]
            .as_str()
            .unwrap()
            .contains("check the access key"),
        "{job}"
    );
    let jobs = server.get("/v1/jobs", &key).await;
    let datasets = server.get("/v1/datasets", &key).await;
    for shown in [
        queued.to_string(),
        job.to_string(),
        jobs.to_string(),
        datasets.to_string(),
        server.log(),
    ] {
        assert!(!shown.contains(secret), "the secret leaked: {shown}");
    }
    assert!(
        server.log().contains(job["id"].as_str().unwrap()),
        "the log should mention the job"
    );
}

async fn missing_bucket_and_empty_prefix_fail_with_clear_codes(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");

    let queued = server
        .import(&key, json!({ "source": "s3://no-such-bucket-here/x/", "dataset": "d", "credentials": s3_credentials() }))
        .await;
    let job = server.wait_job(&key, queued["id"].as_str().unwrap()).await;
    assert_eq!(
        (job["state"].as_str(), job["error_code"].as_str()),
        (Some("failed"), Some("storage_bucket_not_found")),
        "{job}"
    );

    let bucket = s3_bucket(&objects(2)).await;
    let queued = server
        .import(&key, json!({ "source": format!("s3://{bucket}/nothing/here/"), "dataset": "d", "credentials": s3_credentials() }))
        .await;
    let job = server.wait_job(&key, queued["id"].as_str().unwrap()).await;
    assert_eq!(
        (job["state"].as_str(), job["error_code"].as_str()),
        (Some("failed"), Some("source_empty")),
        "{job}"
    );
    assert!(
        job["error_message"]
            .as_str()
            .unwrap()
            .contains("nothing/here"),
        "{job}"
    );
    // A failed job leaves no version behind.
    let dataset = server.get("/v1/datasets/d", &key).await;
    assert_eq!(dataset["latest_version"], 0);
    assert_eq!(
        server.get("/v1/datasets/d/versions", &key).await["items"],
        json!([])
    );
}

async fn stored_connections_keep_their_secret_write_only(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let env = common::env();
    let (status, created) = server
        .send(
            "POST",
            "/v1/connections",
            Some(&key),
            Some(json!({ "name": "lake", "endpoint": env.s3_endpoint, "access_key_id": env.s3_key, "secret_access_key": env.s3_secret })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["has_secret"], true);
    let listed = server.get("/v1/connections", &key).await;
    let shown = server.get("/v1/connections/lake", &key).await;
    for body in [&created, &listed, &shown] {
        assert!(
            !body.to_string().contains(&env.s3_secret),
            "secret returned: {body}"
        );
    }
    let (status, dup) = server
        .send(
            "POST",
            "/v1/connections",
            Some(&key),
            Some(json!({ "name": "lake" })),
        )
        .await;
    assert_eq!(
        (status, dup["error"]["code"].as_str()),
        (409, Some("already_exists"))
    );

    let bucket = s3_bucket(&objects(4)).await;
    let queued = server
        .import(
            &key,
            json!({ "source": format!("s3://{bucket}"), "dataset": "d", "connection": "lake" }),
        )
        .await;
    assert_eq!(queued["connection"], "lake");
    let job = server.wait_job(&key, queued["id"].as_str().unwrap()).await;
    assert_eq!(
        (job["state"].as_str(), job["counters"]["imported"].as_i64()),
        (Some("succeeded"), Some(4)),
        "{job}"
    );
    assert!(!server.log().contains(&env.s3_secret));

    // The catalog holds the secret sealed, never in plain text.
    let catalog = wharf.catalog().await;
    let workspace = catalog.workspace_by_name("team").await.unwrap().unwrap();
    let opened = catalog
        .connection_secret(&workspace.id, "lake")
        .await
        .unwrap();
    assert_eq!(
        opened.secret_access_key.as_deref(),
        Some(env.s3_secret.as_str())
    );
    if db == Db::Sqlite {
        let raw = std::fs::read(wharf.dir.path().join("catalog.db")).unwrap();
        let wal = std::fs::read(wharf.dir.path().join("catalog.db-wal")).unwrap_or_default();
        for bytes in [raw, wal] {
            assert!(
                !bytes
                    .windows(env.s3_secret.len())
                    .any(|w| w == env.s3_secret.as_bytes()),
                "plain secret on disk"
            );
        }
    }
}

/// `obs://` and `oss://` buckets served by an S3-compatible endpoint (with a port), read through
/// a connection that says its endpoint speaks S3; the same endpoint without the protocol is
/// refused with what to set, never sent to the wrong host.
async fn obs_and_oss_buckets_are_read_through_a_connection_that_speaks_s3(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let env = common::env();
    let mut files = objects(3);
    files.push((
        "other/outside.bin".to_owned(),
        b"not under the prefix".to_vec(),
    ));
    let files: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|(path, body)| match path.starts_with("other/") {
            true => (path, body),
            false => (format!("data/{path}"), body),
        })
        .collect();
    let bucket = s3_bucket(&files).await;
    let (status, created) = server
        .send(
            "POST",
            "/v1/connections",
            Some(&key),
            Some(
                json!({ "name": bucket, "endpoint": env.s3_endpoint, "protocol": "S3",
                "access_key_id": env.s3_key, "secret_access_key": env.s3_secret }),
            ),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["protocol"], "s3", "stored by its canonical name");
    for scheme in ["obs", "oss"] {
        let dataset = format!("from-{scheme}");
        let queued = server
            .import(
                &key,
                json!({ "source": format!("{scheme}://{bucket}/data/"), "dataset": dataset, "connection": bucket }),
            )
            .await;
        let job = server.wait_job(&key, queued["id"].as_str().unwrap()).await;
        assert_eq!(
            (job["state"].as_str(), job["counters"]["imported"].as_i64()),
            (Some("succeeded"), Some(3)),
            "{scheme}: {job}"
        );
        let samples = server.all_samples(&key, &dataset, "").await;
        assert!(
            samples
                .iter()
                .all(|s| s["key"].as_str().is_some_and(|k| !k.contains("outside"))),
            "{scheme}: only the prefix is read"
        );
    }

    let (status, refused) = server
        .send(
            "POST",
            "/v1/connections",
            Some(&key),
            Some(json!({ "name": "odd", "endpoint": env.s3_endpoint, "protocol": "ftp" })),
        )
        .await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (400, Some("invalid_request")),
        "{refused}"
    );
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("'ftp'") && m.contains("s3")),
        "{refused}"
    );

    // Without the protocol, an OBS endpoint with a port cannot be an OBS domain: refused with
    // what to do, rather than sent to the endpoint's host without its port.
    let (status, refused) = server
        .send(
            "POST",
            "/v1/imports",
            Some(&key),
            Some(
                json!({ "source": format!("obs://{bucket}/data/"), "dataset": "native-obs",
                "credentials": s3_credentials() }),
            ),
        )
        .await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (400, Some("invalid_request")),
        "{refused}"
    );
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("has a port") && message.contains("protocol to s3"),
        "{refused}"
    );
    assert!(!refused.to_string().contains(&env.s3_secret));
}
