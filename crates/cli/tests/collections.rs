//! Vector collections: made, listed, shown and dropped through the command line (embedded and
//! against a server) and the API, on SQLite and PostgreSQL, with schemas checked as Milvus
//! checks them.

mod common;

use serde_json::{Value, json};

use common::{Db, Wharf, json_of};

on_both_catalogs!(
    collections_are_made_listed_shown_and_dropped_from_the_command_line,
    the_api_checks_a_schema_as_milvus_does,
);

/// The schema of pymilvus' quickstart, in the shape its REST API and files use.
fn quickstart_schema() -> Value {
    json!({
        "fields": [
            {"name": "id", "dataType": "Int64", "isPrimary": true, "autoId": true},
            {"name": "vector", "dataType": "FloatVector", "dim": 768},
            {"name": "title", "dataType": "VarChar", "maxLength": 512},
            {"name": "tags", "dataType": "Array", "elementType": "VarChar", "maxCapacity": 16, "maxLength": 64},
            {"name": "meta", "dataType": "JSON"},
            {"name": "score", "dataType": "Float", "nullable": true, "defaultValue": 0.5}
        ],
        "enableDynamicField": true
    })
}

async fn collections_are_made_listed_shown_and_dropped_from_the_command_line(db: Db) {
    let wharf = Wharf::new(db).await;
    let schema_file = wharf.root().join("schema.json");
    std::fs::create_dir_all(wharf.root()).unwrap();
    std::fs::write(&schema_file, quickstart_schema().to_string()).unwrap();
    let made = wharf.run(&[
        "collections",
        "create",
        "docs",
        "--schema",
        schema_file.to_str().unwrap(),
        "--description",
        "wiki passages",
        "--json",
    ]);
    assert!(made.status.success(), "{made:?}");
    let made = json_of(&made);
    assert_eq!(made["name"], "docs");
    assert_eq!(made["schema"], quickstart_schema(), "kept as given: {made}");

    // The JSON itself is taken as well as a file.
    let inline = json!({"fields": [
        {"name": "pk", "dataType": "VarChar", "isPrimary": true, "maxLength": 36},
        {"name": "bits", "dataType": "BinaryVector", "dim": 256}
    ]});
    let out = wharf.run(&[
        "collections",
        "create",
        "hashes",
        "--schema",
        &inline.to_string(),
    ]);
    assert!(out.status.success(), "{out:?}");

    let listed = json_of(&wharf.run(&["collections", "ls", "--json"]));
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["docs", "hashes"]);
    let shown = wharf.run(&["collections", "show", "docs"]);
    let text = String::from_utf8_lossy(&shown.stdout);
    for part in [
        "vector",
        "FloatVector",
        "dim 768",
        "primary key",
        "auto id",
        "on ($meta)",
        "partitions: _default",
    ] {
        assert!(text.contains(part), "{part:?} in {text}");
    }

    let refused = wharf.run(&[
        "collections",
        "create",
        "docs",
        "--schema",
        schema_file.to_str().unwrap(),
    ]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("already exists"),
        "{refused:?}"
    );
    let bad = json!({"fields": [
        {"name": "id", "dataType": "Int64", "isPrimary": true},
        {"name": "flags", "dataType": "BinaryVector", "dim": 12}
    ]});
    let refused = wharf.run(&["collections", "create", "odd", "--schema", &bad.to_string()]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("flags") && said.contains('8'), "{said}");
    let unreadable = wharf.run(&[
        "collections",
        "create",
        "odd",
        "--schema",
        "{\"fields\": 3}",
    ]);
    assert!(!unreadable.status.success());
    assert!(
        String::from_utf8_lossy(&unreadable.stderr).contains("Milvus' shape"),
        "{unreadable:?}"
    );

    let dropped = wharf.run(&["collections", "drop", "hashes"]);
    assert!(dropped.status.success(), "{dropped:?}");
    let gone = wharf.run(&["collections", "show", "hashes"]);
    assert!(!gone.status.success());
    assert!(
        String::from_utf8_lossy(&gone.stderr).contains("not_found"),
        "{gone:?}"
    );
}

async fn the_api_checks_a_schema_as_milvus_does(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let (status, made) = server
        .send(
            "POST",
            "/v1/collections",
            Some(&key),
            Some(json!({"name": "docs", "schema": quickstart_schema()})),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let refusals = [
        (
            json!({"name": "2fast", "schema": quickstart_schema()}),
            "2fast",
        ),
        (
            json!({"name": "no_vector", "schema": {"fields": [
                {"name": "id", "dataType": "Int64", "isPrimary": true}]}}),
            "vector",
        ),
        (
            json!({"name": "two_keys", "schema": {"fields": [
                {"name": "a", "dataType": "Int64", "isPrimary": true},
                {"name": "b", "dataType": "Int64", "isPrimary": true},
                {"name": "v", "dataType": "FloatVector", "dim": 4}]}}),
            "primary",
        ),
        (
            json!({"name": "auto_varchar", "schema": {"fields": [
                {"name": "pk", "dataType": "VarChar", "isPrimary": true, "autoId": true, "maxLength": 8},
                {"name": "v", "dataType": "FloatVector", "dim": 4}]}}),
            "pk",
        ),
        (
            json!({"name": "no_length", "schema": {"fields": [
                {"name": "id", "dataType": "Int64", "isPrimary": true},
                {"name": "title", "dataType": "VarChar"},
                {"name": "v", "dataType": "FloatVector", "dim": 4}]}}),
            "title",
        ),
    ];
    for (body, names) in refusals {
        let (status, refused) = server
            .send("POST", "/v1/collections", Some(&key), Some(body.clone()))
            .await;
        assert_eq!(
            (status, refused["error"]["code"].as_str()),
            (400, Some("invalid_request")),
            "{body}: {refused}"
        );
        let message = refused["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(names), "{names:?} in {message}");
    }
    let (status, unknown) = server
        .send(
            "POST",
            "/v1/collections",
            Some(&key),
            Some(json!({"name": "typo", "schema": {"fields": [], "enableDynamicFeld": true}})),
        )
        .await;
    assert_eq!(status, 400, "an unknown key is refused: {unknown}");

    // Partitions: `_default` from the start, others by name, `_default` kept.
    assert_eq!(made["partitions"], json!(["_default"]), "{made}");
    let partitions = "/v1/collections/docs/partitions";
    let (status, changed) = server
        .send(
            "POST",
            partitions,
            Some(&key),
            Some(json!({"name": "p2024"})),
        )
        .await;
    assert_eq!(status, 201, "{changed}");
    assert_eq!(
        changed["partitions"],
        json!(["_default", "p2024"]),
        "{changed}"
    );
    let (status, again) = server
        .send(
            "POST",
            partitions,
            Some(&key),
            Some(json!({"name": "p2024"})),
        )
        .await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (409, Some("already_exists")),
        "{again}"
    );
    let (status, badly_named) = server
        .send(
            "POST",
            partitions,
            Some(&key),
            Some(json!({"name": "2024"})),
        )
        .await;
    assert_eq!(status, 400, "{badly_named}");
    let (status, kept) = server
        .send(
            "DELETE",
            &format!("{partitions}/_default"),
            Some(&key),
            None,
        )
        .await;
    assert_eq!(status, 400, "{kept}");
    let (status, _) = server
        .send("DELETE", &format!("{partitions}/p2024"), Some(&key), None)
        .await;
    assert_eq!(status, 204);
    let (status, gone) = server
        .send("DELETE", &format!("{partitions}/p2024"), Some(&key), None)
        .await;
    assert_eq!(status, 404, "{gone}");

    let listed = server.get("/v1/collections", &key).await;
    assert_eq!(
        listed["items"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );
    assert_eq!(
        listed["items"][0]["partitions"],
        json!(["_default"]),
        "{listed}"
    );
    let shown = server.get("/v1/collections/docs", &key).await;
    assert_eq!(shown["schema"], quickstart_schema(), "{shown}");

    // The command line against the server shows the same.
    let out = wharf
        .command()
        .args(["--server", &server.url, "--api-key", &key])
        .args(["collections", "show", "docs", "--json"])
        .output()
        .unwrap();
    assert_eq!(json_of(&out)["id"], made["id"], "{out:?}");

    let (status, _) = server
        .send("DELETE", "/v1/collections/docs", Some(&key), None)
        .await;
    assert_eq!(status, 204);
    let (status, gone) = server
        .send("GET", "/v1/collections/docs", Some(&key), None)
        .await;
    assert_eq!(status, 404, "{gone}");
    let document = server.get("/openapi.json", &key).await;
    assert!(
        document["paths"]["/v1/collections"].is_object(),
        "the API document names collections"
    );
}
