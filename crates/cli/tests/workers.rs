//! Workers: a SIGKILL mid-import loses nothing, two processes share jobs without claiming one
//! twice, and a running job cancels cleanly.

mod common;

use std::time::{Duration, Instant};

use common::{Db, Server, Wharf, objects, png, s3_bucket, s3_credentials};
use serde_json::{Value, json};

on_both_catalogs!(
    a_worker_killed_mid_import_is_resumed_without_duplicates,
    a_coco_import_killed_mid_run_resumes_with_exact_counts,
    two_workers_share_jobs_and_never_claim_one_twice,
    a_running_job_cancels_and_undoes_its_writes,
);

/// Polls until `ready` holds for the job, and returns it.
async fn wait_until(
    server: &Server,
    key: &str,
    id: &str,
    what: &str,
    ready: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let job = server.get(&format!("/v1/jobs/{id}"), key).await;
        if ready(&job) {
            return job;
        }
        assert!(
            Instant::now() < deadline,
            "job {id} never reached: {what}: {job}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn a_worker_killed_mid_import_is_resumed_without_duplicates(db: Db) {
    const N: i64 = 600;
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&["--workers", "0"]);
    let key = wharf.create_key("team");
    let bucket = s3_bucket(&objects(N as usize)).await;
    let queued = server.import(&key, json!({ "source": format!("s3://{bucket}/"), "dataset": "big", "credentials": s3_credentials() })).await;
    let id = queued["id"].as_str().unwrap();

    let mut slow = wharf.worker(&[
        "--workers",
        "1",
        "--batch-size",
        "20",
        "--max-objects-per-second",
        "200",
    ]);
    let running = wait_until(&server, &key, id, "a few batches written", |j| {
        j["counters"]["processed"].as_i64().unwrap() >= 100
    })
    .await;
    slow.kill();
    let at_kill = server.get(&format!("/v1/jobs/{id}"), &key).await;
    let written = at_kill["counters"]["processed"].as_i64().unwrap();
    assert_eq!(
        at_kill["state"], "running",
        "the lease outlives the worker: {at_kill}"
    );
    assert!(
        written >= running["counters"]["processed"].as_i64().unwrap() && written < N,
        "killed mid-import: {at_kill}"
    );

    // What the counters say is exactly what the catalog holds: no half batch.
    let catalog = wharf.catalog().await;
    let dataset_id = at_kill["dataset_id"].as_str().unwrap();
    assert_eq!(
        catalog.count_sample_revisions(dataset_id).await.unwrap(),
        written
    );

    let resumed_by = wharf.worker(&["--workers", "1"]);
    let job = server.wait_job(&key, id).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["attempts"], 2, "{job}");
    let c = &job["counters"];
    for counter in ["discovered", "processed", "imported"] {
        assert_eq!(c[counter].as_i64(), Some(N), "{counter}: {job}");
    }
    assert_eq!(
        (
            c["unchanged"].as_i64(),
            c["failed"].as_i64(),
            c["removed"].as_i64()
        ),
        (Some(0), Some(0), Some(0))
    );
    assert_eq!(
        catalog.count_sample_revisions(dataset_id).await.unwrap(),
        N,
        "a sample was written twice"
    );
    let samples = server.all_samples(&key, "big", "").await;
    assert_eq!(samples.len() as i64, N);
    let version = server.get("/v1/datasets/big/versions/1", &key).await;
    assert_eq!(
        (
            version["sample_count"].as_i64(),
            version["file_count"].as_i64()
        ),
        (Some(N), Some(N))
    );
    assert!(
        resumed_by.log().contains(id),
        "the second worker should have claimed the job"
    );
}

/// A COCO import resumed after a SIGKILL records each problem once, writes each sample once,
/// and counts each label's annotations once.
async fn a_coco_import_killed_mid_run_resumes_with_exact_counts(db: Db) {
    const N: usize = 300;
    let mut objects: Vec<(String, Vec<u8>)> = (0..N)
        .map(|i| (format!("images/{i:04}.png"), png(8, 6)))
        .collect();
    let images: Vec<Value> = (0..N)
        .map(
            |i| json!({ "id": i + 1, "file_name": format!("{i:04}.png"), "width": 8, "height": 6 }),
        )
        .collect();
    // Image i carries i % 3 cats, listed from the last image to the first.
    let mut annotations: Vec<Value> = (0..N)
        .rev()
        .flat_map(|i| (0..i % 3).map(move |_| i))
        .enumerate()
        .map(|(n, i)| json!({ "id": n + 1, "image_id": i + 1, "category_id": 1, "bbox": [1, 1, 2, 2] }))
        .collect();
    annotations
        .push(json!({ "id": 100_000, "image_id": 1, "category_id": 7, "bbox": [1, 1, 2, 2] }));
    annotations
        .push(json!({ "id": 100_001, "image_id": 2, "category_id": 1, "bbox": [4, 4, 9, 9] }));
    // The out-of-bounds cat is kept (a warning), on image 2, which has a cat already.
    let cats = (0..N).map(|i| i % 3).sum::<usize>() + 1;
    let with_cats = (0..N).filter(|i| i % 3 > 0).count();
    let coco = json!({ "images": images, "annotations": annotations,
                       "categories": [{ "id": 1, "name": "cat" }] });
    objects.push((
        "annotations/instances_train.json".to_owned(),
        serde_json::to_vec_pretty(&coco).unwrap(),
    ));
    let bucket = s3_bucket(&objects).await;

    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&["--workers", "0"]);
    let key = wharf.create_key("team");
    let queued = server
        .import(
            &key,
            json!({ "source": format!("s3://{bucket}/"), "dataset": "pets",
                    "credentials": s3_credentials(), "options": { "format": "coco" } }),
        )
        .await;
    let id = queued["id"].as_str().unwrap();
    let mut slow = wharf.worker(&[
        "--workers",
        "1",
        "--batch-size",
        "20",
        "--max-objects-per-second",
        "150",
    ]);
    wait_until(&server, &key, id, "some samples written", |j| {
        j["counters"]["imported"].as_i64().unwrap() >= 60
    })
    .await;
    slow.kill();
    let at_kill = server.get(&format!("/v1/jobs/{id}"), &key).await;
    assert!(
        at_kill["counters"]["imported"].as_i64().unwrap() < N as i64,
        "killed mid-import: {at_kill}"
    );

    let _resumed_by = wharf.worker(&["--workers", "1"]);
    let job = server.wait_job(&key, id).await;
    assert_eq!(job["state"], "partial", "{job}");
    assert_eq!(job["attempts"], 2, "{job}");
    let c = &job["counters"];
    assert_eq!(
        (
            c["imported"].as_i64(),
            c["failed"].as_i64(),
            c["processed"].as_i64()
        ),
        (Some(N as i64), Some(1), Some(N as i64 + 1)),
        "{job}"
    );
    let errors = server.get(&format!("/v1/jobs/{id}/errors"), &key).await;
    let codes: Vec<&str> = errors["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["unknown_reference", "out_of_bounds"],
        "each problem once: {errors}"
    );
    let labels = server.get("/v1/datasets/pets/labels", &key).await;
    assert_eq!(
        (
            labels[0]["name"].as_str(),
            labels[0]["annotations"].as_u64(),
            labels[0]["samples"].as_u64()
        ),
        (Some("cat"), Some(cats as u64), Some(with_cats as u64)),
        "{labels}"
    );
    let last = server
        .get("/v1/datasets/pets/samples/images/0299.png", &key)
        .await;
    assert_eq!(last["annotation_count"], 2, "{last}");
}

async fn two_workers_share_jobs_and_never_claim_one_twice(db: Db) {
    const JOBS: usize = 8;
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&["--workers", "0"]);
    let key = wharf.create_key("team");
    let mut ids = Vec::new();
    for i in 0..JOBS {
        let bucket = s3_bucket(&objects(40)).await;
        let job = server
            .import(&key, json!({ "source": format!("s3://{bucket}"), "dataset": format!("set-{i}"), "credentials": s3_credentials() }))
            .await;
        ids.push(job["id"].as_str().unwrap().to_owned());
    }
    let pace = [
        "--workers",
        "1",
        "--batch-size",
        "10",
        "--max-objects-per-second",
        "100",
    ];
    let first = wharf.worker(&pace);
    let second = wharf.worker(&pace);
    for id in &ids {
        let job = server.wait_job(&key, id).await;
        assert_eq!(
            (job["state"].as_str(), job["attempts"].as_i64()),
            (Some("succeeded"), Some(1)),
            "{job}"
        );
        assert_eq!(job["counters"]["imported"].as_i64(), Some(40));
    }
    let claims = |log: &str| -> Vec<String> {
        log.lines()
            .filter(|l| l.contains("claimed job"))
            .filter_map(|l| {
                l.split("job=")
                    .nth(1)
                    .map(|rest| rest.split_whitespace().next().unwrap_or("").to_owned())
            })
            .collect()
    };
    let (a, b) = (claims(&first.log()), claims(&second.log()));
    assert!(
        !a.is_empty() && !b.is_empty(),
        "both workers should have run jobs: {a:?} {b:?}"
    );
    let mut all: Vec<String> = a.iter().chain(&b).cloned().collect();
    all.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(all, expected, "every job claimed exactly once");
}

async fn a_running_job_cancels_and_undoes_its_writes(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[
        "--workers",
        "1",
        "--batch-size",
        "10",
        "--max-objects-per-second",
        "50",
    ]);
    let key = wharf.create_key("team");
    let bucket = s3_bucket(&objects(300)).await;
    let queued = server.import(&key, json!({ "source": format!("s3://{bucket}/"), "dataset": "d", "credentials": s3_credentials() })).await;
    let id = queued["id"].as_str().unwrap();
    let running = wait_until(&server, &key, id, "some objects written", |j| {
        j["counters"]["processed"].as_i64().unwrap() >= 20
    })
    .await;
    let (status, asked) = server
        .send("POST", &format!("/v1/jobs/{id}/cancel"), Some(&key), None)
        .await;
    assert_eq!(status, 200, "{asked}");
    assert_eq!(asked["cancel_requested"], true);
    let job = server.wait_job(&key, id).await;
    assert_eq!(job["state"], "cancelled", "{job}");
    assert!(
        job["counters"]["processed"].as_i64().unwrap() < 300,
        "cancelled before the end: {job}"
    );
    let catalog = wharf.catalog().await;
    assert_eq!(
        catalog
            .count_sample_revisions(running["dataset_id"].as_str().unwrap())
            .await
            .unwrap(),
        0,
        "writes undone"
    );
    assert_eq!(
        server.get("/v1/datasets/d", &key).await["latest_version"],
        0
    );
    assert_eq!(
        server.get("/v1/datasets/d/versions", &key).await["items"],
        json!([])
    );
}
