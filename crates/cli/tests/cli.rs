//! The `wharf` command line, embedded and against a server: what it prints and its exit codes.

mod common;

use std::path::Path;

use common::{Db, Wharf, json_of, png, s3_bucket, write_local_tree};

on_both_catalogs!(
    the_example_dataset_imports_and_reimports_as_unchanged,
    an_unreadable_file_fails_only_itself_and_the_job_ends_partial,
    client_mode_talks_to_a_server_and_exit_codes_follow_the_job,
    projects_are_made_and_listed_and_imports_name_them,
);

async fn the_example_dataset_imports_and_reimports_as_unchanged(db: Db) {
    let wharf = Wharf::new(db).await;
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/images");
    let examples = examples.to_str().unwrap();

    let out = wharf.run(&["import", examples, "--dataset", "pets", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let job = json_of(&out);
    assert_eq!(job["state"], "succeeded");
    assert_eq!(
        (
            job["counters"]["imported"].as_i64(),
            job["counters"]["failed"].as_i64()
        ),
        (Some(6), Some(0))
    );
    assert!(
        job["source_uri"].as_str().unwrap().starts_with("file:///"),
        "{job}"
    );

    let out = wharf.run(&["samples", "ls", "pets"]);
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for line in [
        "cats/tabby.png",
        "64x48",
        "dogs/corgi.gif",
        "24x16",
        "image/gif",
    ] {
        assert!(listing.contains(line), "'{line}' missing from:\n{listing}");
    }

    let again = json_of(&wharf.run(&["import", examples, "--dataset", "pets", "--json"]));
    assert_eq!(
        (
            again["counters"]["imported"].as_i64(),
            again["counters"]["unchanged"].as_i64()
        ),
        (Some(0), Some(6))
    );
    assert_eq!(again["result"]["version_created"], false);
    let human = wharf.run(&["import", examples, "--dataset", "pets"]);
    assert!(
        String::from_utf8_lossy(&human.stdout).contains("unchanged, stays at v1"),
        "{}",
        String::from_utf8_lossy(&human.stdout)
    );

    let shown = json_of(&wharf.run(&["datasets", "show", "pets", "--json"]));
    assert_eq!(shown["versions"].as_array().unwrap().len(), 1);
    assert_eq!(shown["versions"][0]["sample_count"], 6);
}

async fn an_unreadable_file_fails_only_itself_and_the_job_ends_partial(db: Db) {
    let wharf = Wharf::new(db).await;
    let dir = wharf.root().join("mixed");
    write_local_tree(
        &dir,
        &[
            ("ok/a.png".to_owned(), png(4, 3)),
            ("ok/b.txt".to_owned(), b"text".to_vec()),
        ],
    );
    std::os::unix::fs::symlink(dir.join("gone/target.png"), dir.join("ok/dangling.png")).unwrap();

    let out = wharf.run(&[
        "import",
        dir.to_str().unwrap(),
        "--dataset",
        "mixed",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "partial exits 2: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let job = json_of(&out);
    assert_eq!(job["state"], "partial");
    let c = &job["counters"];
    assert_eq!(
        (
            c["discovered"].as_i64(),
            c["processed"].as_i64(),
            c["imported"].as_i64(),
            c["failed"].as_i64()
        ),
        (Some(3), Some(3), Some(2), Some(1)),
        "{job}"
    );
    let error = &job["errors"][0];
    assert_eq!(
        (error["path"].as_str(), error["code"].as_str()),
        (Some("ok/dangling.png"), Some("unreadable")),
        "{job}"
    );
    assert!(error["message"].as_str().unwrap().contains("dangling.png"));
    assert_eq!(
        job["result"]["version"], 1,
        "the readable files still make a version"
    );
}

async fn client_mode_talks_to_a_server_and_exit_codes_follow_the_job(db: Db) {
    let wharf = Wharf::new(db).await;
    let server = wharf.serve(&[]);
    let key = wharf.create_key("team");
    let env = common::env();
    let bucket = s3_bucket(&[
        ("x/one.png".to_owned(), png(7, 9)),
        ("x/two.bin".to_owned(), b"2".to_vec()),
    ])
    .await;
    let client = |args: &[&str]| {
        let mut cmd = wharf.command();
        cmd.args(["--server", &server.url, "--api-key", &key])
            .args(args);
        cmd.env("WHARF_SOURCE_SECRET_ACCESS_KEY", &env.s3_secret);
        cmd.output().unwrap()
    };
    let source = format!("s3://{bucket}/x/");
    let s3 = [
        "--endpoint",
        env.s3_endpoint.as_str(),
        "--access-key-id",
        env.s3_key.as_str(),
    ];

    let mut args = vec![
        "import",
        source.as_str(),
        "--dataset",
        "remote",
        "--wait",
        "--json",
    ];
    args.extend_from_slice(&s3);
    let out = client(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let job = json_of(&out);
    assert_eq!(
        (job["state"].as_str(), job["counters"]["imported"].as_i64()),
        (Some("succeeded"), Some(2))
    );

    let listed = json_of(&client(&["jobs", "ls", "--json"]));
    assert_eq!(listed[0]["id"], job["id"]);
    let samples = json_of(&client(&[
        "samples",
        "ls",
        "remote",
        "--json",
        "--media-type",
        "image/*",
    ]));
    assert_eq!(samples["items"][0]["files"][0]["width"], 7);

    // Without --wait the job is only queued.
    let mut args = vec!["import", source.as_str(), "--dataset", "remote", "--json"];
    args.extend_from_slice(&s3);
    let queued = json_of(&client(&args));
    assert_eq!(queued["state"], "queued");
    server.wait_job(&key, queued["id"].as_str().unwrap()).await;

    // A failed job exits 3; a refused request exits 1 and says why on stderr.
    let mut args = vec![
        "import",
        "s3://no-such-bucket-at-all/",
        "--dataset",
        "remote",
        "--wait",
        "--json",
    ];
    args.extend_from_slice(&s3);
    let failed = client(&args);
    assert_eq!(failed.status.code(), Some(3));
    assert_eq!(json_of(&failed)["error_code"], "storage_bucket_not_found");
    let refused = client(&["import", "ftp://x/y", "--dataset", "remote"]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("unknown_scheme") && stderr.contains("ftp"),
        "{stderr}"
    );
    let no_key = wharf
        .command()
        .args(["--server", &server.url, "jobs", "ls"])
        .output()
        .unwrap();
    assert_eq!(no_key.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_key.stderr).contains("API key"));
    for out in [&failed, &refused] {
        assert!(!String::from_utf8_lossy(&out.stdout).contains(&env.s3_secret));
        assert!(!String::from_utf8_lossy(&out.stderr).contains(&env.s3_secret));
    }
}

async fn projects_are_made_and_listed_and_imports_name_them(db: Db) {
    let wharf = Wharf::new(db).await;
    let made = json_of(&wharf.run(&["projects", "create", "lidar review", "--json"]));
    let id = made[0]["id"].as_i64().expect("a project id");
    assert_eq!(made[0]["name"], "lidar review");

    let again = wharf.run(&["projects", "create", "lidar review"]);
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("lidar review"), "{stderr}");

    // A server sees the workspace's projects, and makes them too; another workspace sees none.
    let server = wharf.serve(&[]);
    let key = wharf.create_key("default");
    let other_key = wharf.create_key("team");
    let remote_as = |key: &str, args: &[&str]| {
        let mut cmd = wharf.command();
        cmd.args(["--server", &server.url, "--api-key", key])
            .args(args);
        cmd.output().unwrap()
    };
    let remote = |args: &[&str]| remote_as(&key, args);
    assert_eq!(
        json_of(&remote_as(&other_key, &["projects", "ls", "--json"])),
        serde_json::json!([])
    );
    let out = remote(&["projects", "create", "second pass", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = json_of(&remote(&["projects", "ls", "--json"]));
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["lidar review", "second pass"]);
    let table = String::from_utf8_lossy(&wharf.run(&["projects", "ls"]).stdout).into_owned();
    assert!(table.contains(&format!("{id:>8}  lidar review")), "{table}");

    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/images");
    let examples = examples.to_str().unwrap();
    let unknown = wharf.run(&[
        "import",
        examples,
        "--dataset",
        "pets",
        "--annotation-project",
        "999999",
    ]);
    assert!(!unknown.status.success());
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(stderr.contains("999999"), "{stderr}");
    let id = id.to_string();
    let out = wharf.run(&[
        "import",
        examples,
        "--dataset",
        "pets",
        "--annotation-project",
        &id,
        "--json",
    ]);
    assert_eq!(
        json_of(&out)["options"]["annotation_project"].as_i64(),
        Some(id.parse().unwrap())
    );
}
