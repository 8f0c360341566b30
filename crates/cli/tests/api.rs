//! The native API's contract: authentication, workspaces, the error shape, bad input.

mod common;

use common::{Db, Wharf, s3_credentials};
use serde_json::{Value, json};

on_both_catalogs!(
    bad_sources_are_refused_with_stable_codes_and_no_job,
    keys_open_one_workspace_only,
    datasets_can_be_created_listed_updated_and_deleted,
    health_and_openapi_need_no_key,
    queued_jobs_cancel_at_once,
);

fn error_code(body: &Value) -> &str {
    body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("not an error body: {body}"))
}

async fn bad_sources_are_refused_with_stable_codes_and_no_job(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let outside = tempfile::tempdir().unwrap();
    let cases = [
        (
            json!({ "source": "ftp://host/data", "dataset": "d" }),
            400,
            "unknown_scheme",
            "ftp",
        ),
        (
            json!({ "source": "not a uri", "dataset": "d" }),
            400,
            "invalid_uri",
            "scheme",
        ),
        (
            json!({ "source": "s3:///only-a-prefix", "dataset": "d" }),
            400,
            "missing_bucket",
            "bucket",
        ),
        (
            json!({ "source": "s3://KEY:SECRET@bucket/p", "dataset": "d" }),
            400,
            "invalid_uri",
            "credentials",
        ),
        (
            json!({ "source": format!("file://{}", outside.path().display()), "dataset": "d" }),
            403,
            "path_not_allowed",
            "allowed roots",
        ),
        (
            json!({ "source": "file:///etc", "dataset": "d" }),
            403,
            "path_not_allowed",
            "allowed roots",
        ),
        (
            json!({ "source": "s3://b/p", "dataset": "bad name!" }),
            400,
            "invalid_request",
            "dataset name",
        ),
        (
            json!({ "source": "s3://b/p", "dataset": "d", "surprise": 1 }),
            400,
            "invalid_request",
            "surprise",
        ),
        (
            json!({ "source": "s3://b/p" }),
            400,
            "invalid_request",
            "dataset",
        ),
        (
            json!({ "source": "s3://b/p", "dataset": "d", "credentials": s3_credentials(), "connection": "x" }),
            400,
            "invalid_request",
            "not both",
        ),
        (
            json!({ "source": "s3://b/p", "dataset": "d", "connection": "nope" }),
            404,
            "not_found",
            "nope",
        ),
        (
            json!({ "source": "s3://b/p", "dataset": "d", "create_dataset": false }),
            404,
            "not_found",
            "dataset",
        ),
        (
            json!({ "source": "s3://b/p", "dataset": "d",
                    "options": { "table_schema": [{ "name": "age", "type": "Integer" }] } }),
            400,
            "invalid_request",
            "options.table_schema[0].type",
        ),
        (
            json!({ "source": "s3://b/p", "dataset": "d",
                    "options": { "table_schema": [{ "name": "a", "type": "Int" }, { "name": "a", "type": "Date" }] } }),
            400,
            "invalid_request",
            "'a' twice",
        ),
    ];
    for (body, status, code, mentions) in cases {
        let (got_status, got) = server
            .send("POST", "/v1/imports", Some(&key), Some(body.clone()))
            .await;
        assert_eq!(
            (got_status, error_code(&got)),
            (status, code),
            "{body} -> {got}"
        );
        let message = got["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(mentions),
            "message for {body} should mention '{mentions}': {message}"
        );
        assert!(!message.contains("SECRET"), "{message}");
    }
    let (status, got) = server.send("POST", "/v1/imports", Some(&key), None).await;
    assert_eq!(
        (status, error_code(&got)),
        (400, "invalid_request"),
        "{got}"
    );
    assert_eq!(
        server.get("/v1/jobs", &key).await["items"],
        json!([]),
        "no refused request may leave a job"
    );
    // Last on this server: it answers before reading the body, then closes the connection.
    let big =
        json!({ "source": "s3://b/p", "dataset": "d", "padding": "x".repeat(2 * 1024 * 1024) });
    let (status, got) = server
        .send("POST", "/v1/imports", Some(&key), Some(big))
        .await;
    assert_eq!(
        (status, error_code(&got)),
        (413, "payload_too_large"),
        "{got}"
    );

    // A server refuses private endpoints unless its operator allows them.
    let strict = wharf.serve_strict();
    let (status, got) = strict
        .send("POST", "/v1/imports", Some(&key), Some(json!({ "source": "s3://b/", "dataset": "d", "credentials": { "endpoint": "http://169.254.169.254" } })))
        .await;
    assert_eq!(
        (status, error_code(&got)),
        (403, "address_not_allowed"),
        "{got}"
    );
}

async fn keys_open_one_workspace_only(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let alpha = wharf.create_key("alpha");
    let beta = wharf.create_key("beta");

    let (status, got) = server.send("GET", "/v1/datasets", None, None).await;
    assert_eq!((status, error_code(&got)), (401, "unauthorized"));
    assert!(got["error"]["message"].as_str().unwrap().contains("Bearer"));
    let (status, got) = server
        .send("GET", "/v1/datasets", Some("wharf_0000"), None)
        .await;
    assert_eq!((status, error_code(&got)), (401, "unauthorized"));

    let (status, created) = server
        .send(
            "POST",
            "/v1/datasets",
            Some(&alpha),
            Some(json!({ "name": "secret-set" })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    for path in [
        "/v1/datasets/secret-set".to_owned(),
        format!("/v1/datasets/{id}"),
        format!("/v1/datasets/{id}/samples"),
    ] {
        let (status, got) = server.send("GET", &path, Some(&beta), None).await;
        assert_eq!(
            (status, error_code(&got)),
            (404, "not_found"),
            "{path}: {got}"
        );
    }
    assert_eq!(server.get("/v1/datasets", &beta).await["items"], json!([]));
    let (status, _) = server
        .send("DELETE", "/v1/datasets/secret-set", Some(&beta), None)
        .await;
    assert_eq!(status, 404);
    // The same name is free in another workspace.
    let (status, _) = server
        .send(
            "POST",
            "/v1/datasets",
            Some(&beta),
            Some(json!({ "name": "secret-set" })),
        )
        .await;
    assert_eq!(status, 201);

    let dir = wharf.root().join("few");
    common::write_local_tree(&dir, &[("a.txt".to_owned(), b"a".to_vec())]);
    let job = server
        .import(
            &alpha,
            json!({ "source": format!("file://{}", dir.display()), "dataset": "secret-set" }),
        )
        .await;
    let job_id = job["id"].as_str().unwrap();
    for path in [
        format!("/v1/jobs/{job_id}"),
        format!("/v1/jobs/{job_id}/errors"),
    ] {
        let (status, _) = server.send("GET", &path, Some(&beta), None).await;
        assert_eq!(status, 404, "{path}");
    }
    let (status, _) = server
        .send(
            "POST",
            &format!("/v1/jobs/{job_id}/cancel"),
            Some(&beta),
            None,
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(server.get("/v1/jobs", &beta).await["items"], json!([]));
}

async fn datasets_can_be_created_listed_updated_and_deleted(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    for (name, data_type, labels) in [
        ("cars", "image", json!({ "team": "perception" })),
        (
            "lidar-2024",
            "point_cloud",
            json!({ "team": "perception", "sensor": "hesai" }),
        ),
        ("reviews", "text", json!({})),
    ] {
        let (status, body) = server
            .send(
                "POST",
                "/v1/datasets",
                Some(&key),
                Some(json!({ "name": name, "data_type": data_type, "labels": labels })),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(
            (body["latest_version"].as_i64(), body["data_type"].as_str()),
            (Some(0), Some(data_type))
        );
    }
    let (status, dup) = server
        .send(
            "POST",
            "/v1/datasets",
            Some(&key),
            Some(json!({ "name": "cars" })),
        )
        .await;
    assert_eq!((status, error_code(&dup)), (409, "already_exists"));
    let (status, bad) = server
        .send(
            "POST",
            "/v1/datasets",
            Some(&key),
            Some(json!({ "name": "x", "data_type": "hologram" })),
        )
        .await;
    assert_eq!((status, error_code(&bad)), (400, "invalid_request"));
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap()
            .contains("point_cloud"),
        "the message lists what is expected"
    );

    let names = |page: &Value| {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&server.get("/v1/datasets", &key).await),
        ["cars", "lidar-2024", "reviews"]
    );
    assert_eq!(
        names(&server.get("/v1/datasets?label=team=perception", &key).await),
        ["cars", "lidar-2024"]
    );
    assert_eq!(
        names(&server.get("/v1/datasets?label=sensor", &key).await),
        ["lidar-2024"]
    );
    assert_eq!(
        names(&server.get("/v1/datasets?data_type=text", &key).await),
        ["reviews"]
    );
    assert_eq!(
        names(&server.get("/v1/datasets?name=r", &key).await),
        ["cars", "lidar-2024", "reviews"]
    );
    let first = server.get("/v1/datasets?limit=2", &key).await;
    assert_eq!(names(&first), ["cars", "lidar-2024"]);
    let second = server
        .get(
            &format!(
                "/v1/datasets?limit=2&next={}",
                first["next"].as_str().unwrap()
            ),
            &key,
        )
        .await;
    assert_eq!(names(&second), ["reviews"]);
    assert_eq!(second["next"], Value::Null);

    let (status, updated) = server
        .send(
            "PATCH",
            "/v1/datasets/cars",
            Some(&key),
            Some(json!({ "description": "dashcam frames", "labels": { "team": "mapping" } })),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        (
            updated["description"].as_str(),
            updated["labels"]["team"].as_str()
        ),
        (Some("dashcam frames"), Some("mapping"))
    );
    let (status, _) = server
        .send("DELETE", "/v1/datasets/cars", Some(&key), None)
        .await;
    assert_eq!(status, 204);
    let (status, gone) = server
        .send("GET", "/v1/datasets/cars", Some(&key), None)
        .await;
    assert_eq!((status, error_code(&gone)), (404, "not_found"));
    let (status, bad) = server
        .send(
            "GET",
            "/v1/datasets/reviews/versions/zero",
            Some(&key),
            None,
        )
        .await;
    assert_eq!((status, error_code(&bad)), (400, "invalid_request"));
    let (status, bad) = server
        .send("GET", "/v1/jobs?state=exploded", Some(&key), None)
        .await;
    assert_eq!((status, error_code(&bad)), (400, "invalid_request"));
    let (status, bad) = server
        .send("GET", "/v1/datasets?limit=lots", Some(&key), None)
        .await;
    assert_eq!((status, error_code(&bad)), (400, "invalid_request"));
    let (status, bad) = server.send("GET", "/v1/nowhere", Some(&key), None).await;
    assert_eq!((status, error_code(&bad)), (404, "not_found"));
}

async fn health_and_openapi_need_no_key(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let (status, health) = server.send("GET", "/health", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(health["status"], "ok");
    assert_eq!(
        health["database"],
        if db == Db::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );
    let (status, doc) = server.send("GET", "/openapi.json", None, None).await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/v1/imports",
        "/v1/jobs/{job}",
        "/v1/jobs/{job}/errors",
        "/v1/datasets/{dataset}/samples",
        "/v1/connections",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"]["Job"].is_object());
    assert!(doc["components"]["securitySchemes"]["api_key"].is_object());
    // The formats a client may name come from the registry of layouts.
    for schema in ["ImportOptions", "ValidateRequest"] {
        let names = &doc["components"]["schemas"][schema]["properties"]["format"]["enum"];
        let names: Vec<&str> = names
            .as_array()
            .unwrap_or_else(|| panic!("{schema}.format has no enum: {doc}"))
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for name in ["coco", "voc", "yolo", "modelarts_manifest", "plain"] {
            assert!(
                names.contains(&name),
                "{schema}.format lacks {name}: {names:?}"
            );
        }
    }
}

async fn queued_jobs_cancel_at_once(db: Db) {
    let wharf = Wharf::new(db).await;
    // No workers: the job stays queued until it is cancelled.
    let server = wharf.serve(&["--workers", "0"]);
    let key = wharf.create_key("team");
    let job = server
        .import(
            &key,
            json!({ "source": "s3://anything/", "dataset": "d", "credentials": s3_credentials() }),
        )
        .await;
    let id = job["id"].as_str().unwrap();
    let (status, cancelled) = server
        .send("POST", &format!("/v1/jobs/{id}/cancel"), Some(&key), None)
        .await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["state"], "cancelled");
    assert!(cancelled["finished_at"].is_string());
    let (status, again) = server
        .send("POST", &format!("/v1/jobs/{id}/cancel"), Some(&key), None)
        .await;
    assert_eq!((status, error_code(&again)), (409, "conflict"));
    let listed = server.get("/v1/jobs?state=cancelled", &key).await;
    assert_eq!(listed["items"][0]["id"], id);
}
