//! What each subcommand does.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio_util::sync::CancellationToken;
use wharf_catalog::SampleQuery;
use wharf_engine::{CreateCollection, Engine, EngineConfig, ImportRequest, ValidateRequest};
use wharf_model::{CollectionSchema, Dialect, ImportOptions, Job, JobState, ValidationReport};
use wharf_server::AppState;
use wharf_storage::{AccessPolicy, Credentials, Source, SourceUri};

use crate::output;
use crate::target::Target;
use crate::{
    Cli, ClientCommand, CollectionsCommand, Command, DatasetsCommand, EngineArgs, ImportArgs,
    JobsCommand, KeysCommand, LabelsCommand, ProjectsCommand, SamplesCommand, SourceArgs,
    ValidateArgs,
};

pub async fn run(cli: Cli) -> Result<ExitCode> {
    let long_running = matches!(cli.command, Command::Serve(_) | Command::Worker(_));
    init_logging(if long_running { "info" } else { "warn" });
    let data_dir = crate::config::data_dir(cli.data_dir.clone());
    match cli.command {
        Command::Serve(args) => {
            let catalog =
                crate::config::open_catalog(&data_dir, cli.database_url.as_deref()).await?;
            let engine = Engine::new(catalog.clone(), engine_config(&args.engine, "serve"));
            let listener = tokio::net::TcpListener::bind(&args.listen)
                .await
                .with_context(|| format!("cannot listen on {}", args.listen))?;
            let address = listener.local_addr()?;
            let shutdown = CancellationToken::new();
            let workers = {
                let engine = engine.clone();
                let shutdown = shutdown.clone();
                let count = args.engine.workers;
                tokio::spawn(async move { engine.run(count, shutdown).await })
            };
            let app = wharf_server::router(AppState { catalog, engine });
            println!("wharf listening on http://{address}");
            tracing::info!(%address, workers = args.engine.workers, "serving");
            let stop = shutdown.clone();
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    shutdown_signal().await;
                    stop.cancel();
                })
                .await?;
            shutdown.cancel();
            workers.await.ok();
            Ok(ExitCode::SUCCESS)
        }
        Command::Worker(args) => {
            let catalog =
                crate::config::open_catalog(&data_dir, cli.database_url.as_deref()).await?;
            let engine = Engine::new(catalog, engine_config(&args.engine, "worker"));
            let shutdown = CancellationToken::new();
            let stop = shutdown.clone();
            tokio::spawn(async move {
                shutdown_signal().await;
                stop.cancel();
            });
            tracing::info!(workers = args.engine.workers, "worker running");
            engine.run(args.engine.workers, shutdown).await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate(args) => match &cli.server {
            Some(server) => {
                validate_on_server(args, &Target::remote(server, cli.api_key.clone())?).await
            }
            None => validate(args).await,
        },
        Command::Keys(KeysCommand::Create { name, dialect }) => {
            if cli.server.is_some() {
                bail!(
                    "keys are created on the server's own machine: run `wharf keys create` there, without --server"
                );
            }
            let catalog =
                crate::config::open_catalog(&data_dir, cli.database_url.as_deref()).await?;
            let workspace = catalog.ensure_workspace(&cli.workspace).await?;
            if let Some(dialect) = dialect.as_deref().and_then(Dialect::parse) {
                let pair = catalog.create_dialect_key(&workspace.id, dialect).await?;
                println!("access_key: {}", pair.access_key);
                println!("secret_key: {}", pair.secret_key);
                eprintln!(
                    "{} key pair for workspace '{}'. The secret key is shown once: keep it now.",
                    dialect.as_str(),
                    workspace.name
                );
                return Ok(ExitCode::SUCCESS);
            }
            let key = catalog.create_api_key(&workspace.id, &name).await?;
            println!("{key}");
            eprintln!(
                "API key for workspace '{}'. It is shown once: keep it now.",
                workspace.name
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Client(command) => {
            let target = match &cli.server {
                Some(server) => Target::remote(server, cli.api_key.clone())?,
                None => {
                    let catalog =
                        crate::config::open_catalog(&data_dir, cli.database_url.as_deref()).await?;
                    let workspace = catalog.ensure_workspace(&cli.workspace).await?;
                    let config = EngineConfig {
                        worker_name: format!("cli-{}", std::process::id()),
                        // The embedded catalog acts for the user on their own machine.
                        policy: AccessPolicy {
                            local_roots: vec!["/".into()],
                            allow_private_endpoints: true,
                        },
                        ..Default::default()
                    };
                    Target::Local {
                        engine: Engine::new(catalog.clone(), config),
                        catalog,
                        workspace_id: workspace.id,
                    }
                }
            };
            run_client_command(command, &target).await
        }
    }
}

async fn run_client_command(command: ClientCommand, target: &Target) -> Result<ExitCode> {
    match command {
        ClientCommand::Import(args) => import(args, target).await,
        ClientCommand::Jobs(JobsCommand::Ls { state, limit, json }) => {
            let page = target.jobs(state, limit).await?;
            output::jobs(&page.items, json)?;
            Ok(ExitCode::SUCCESS)
        }
        ClientCommand::Jobs(JobsCommand::Show { id, json }) => {
            let job = target.job(&id).await?;
            let errors = target.job_errors(&id, 20).await?;
            output::job(&job, &errors.items, json)?;
            Ok(ExitCode::SUCCESS)
        }
        ClientCommand::Jobs(JobsCommand::Cancel { id, json }) => {
            let job = target.cancel(&id).await?;
            output::job(&job, &[], json)?;
            Ok(ExitCode::SUCCESS)
        }
        ClientCommand::Datasets(DatasetsCommand::Ls { limit, json }) => {
            output::datasets(&target.datasets(limit).await?.items, json)?;
            Ok(ExitCode::SUCCESS)
        }
        ClientCommand::Datasets(DatasetsCommand::Show { name, json }) => {
            let dataset = target.dataset(&name).await?;
            let versions = target.versions(&name).await?;
            output::dataset(&dataset, &versions, json)?;
            Ok(ExitCode::SUCCESS)
        }
        ClientCommand::Samples(SamplesCommand::Ls {
            dataset,
            version,
            prefix,
            media_type,
            limit,
            next,
            json,
        }) => {
            let version = parse_version(version)?;
            let query = SampleQuery {
                version,
                prefix,
                media_type,
                cursor: next,
                limit,
            };
            output::samples(&target.samples(&dataset, query).await?, json)?;
            Ok(ExitCode::SUCCESS)
        }
        ClientCommand::Samples(SamplesCommand::Show {
            dataset,
            sample,
            version,
            json,
        }) => {
            let version = parse_version(version)?;
            output::sample(&target.sample(&dataset, &sample, version).await?, json)?;
            Ok(ExitCode::SUCCESS)
        }
        ClientCommand::Labels(LabelsCommand::Ls {
            dataset,
            version,
            json,
        }) => {
            let version = parse_version(version)?;
            output::labels(&target.labels(&dataset, version).await?, json)?;
            Ok(ExitCode::SUCCESS)
        }
        ClientCommand::Projects(ProjectsCommand::Create { name, json }) => {
            output::projects(&[target.create_project(&name).await?], json)?;
            Ok(ExitCode::SUCCESS)
        }
        ClientCommand::Projects(ProjectsCommand::Ls { json }) => {
            output::projects(&target.projects().await?, json)?;
            Ok(ExitCode::SUCCESS)
        }
        ClientCommand::Collections(CollectionsCommand::Create {
            name,
            schema,
            description,
            json,
        }) => {
            let request = CreateCollection {
                name,
                description,
                schema: read_schema(&schema)?,
            };
            let made = target.create_collection(request).await?;
            output::collection(&made, json)?;
            Ok(ExitCode::SUCCESS)
        }
        ClientCommand::Collections(CollectionsCommand::Ls { json }) => {
            output::collections(&target.collections().await?, json)?;
            Ok(ExitCode::SUCCESS)
        }
        ClientCommand::Collections(CollectionsCommand::Show { name, json }) => {
            output::collection(&target.collection(&name).await?, json)?;
            Ok(ExitCode::SUCCESS)
        }
        ClientCommand::Collections(CollectionsCommand::Drop { name }) => {
            target.drop_collection(&name).await?;
            println!("dropped collection {name}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn parse_version(version: Option<String>) -> Result<Option<i64>> {
    version
        .map(|v| {
            v.trim_start_matches('v')
                .parse::<i64>()
                .with_context(|| format!("--version '{v}' is not a number"))
        })
        .transpose()
}

async fn import(args: ImportArgs, target: &Target) -> Result<ExitCode> {
    let credentials = args.source.credentials();
    let request = ImportRequest {
        source: source_uri(&args.source.source)?,
        dataset: args.dataset,
        create_dataset: true,
        data_type: args.data_type,
        credentials,
        connection: args.connection,
        dialect: None,
        job_id: None,
        options: ImportOptions {
            format: args.format,
            probe_images: !args.no_probe,
            import_samples: !args.existing_only,
            import_annotations: !args.no_annotations,
            included_labels: args.include_labels,
            excluded_labels: args.exclude_labels,
            difficult_only: args.difficult_only,
            keep_absent: args.keep_absent,
            annotation_project: args.annotation_project,
            ..Default::default()
        },
    };
    let job = target.submit_import(request).await?;
    let local_worker = target.spawn_local_worker();
    if local_worker.is_none() && !args.wait {
        output::job(&job, &[], args.json)?;
        return Ok(ExitCode::SUCCESS);
    }
    let finished = wait_for(target, &job.id, !args.json).await;
    if let Some(worker) = local_worker {
        worker.cancel();
    }
    let finished = finished?;
    let errors = target.job_errors(&finished.id, 20).await?;
    output::job(&finished, &errors.items, args.json)?;
    Ok(exit_code(finished.state))
}

/// Reads the source on this machine, as the embedded import would, and reports.
async fn validate(args: ValidateArgs) -> Result<ExitCode> {
    let uri = SourceUri::parse(&source_uri(&args.source.source)?)?;
    let credentials = args
        .source
        .credentials()
        .unwrap_or_default()
        .or(Credentials::from_env(uri.scheme));
    let policy = AccessPolicy {
        local_roots: vec!["/".into()],
        allow_private_endpoints: true,
    };
    if args.connection.is_some() {
        bail!("--connection names a connection stored on a server; pass --server too");
    }
    let source = Source::open(&uri, credentials, &policy).await?;
    let report = wharf_engine::validate(&source, args.format.as_deref()).await?;
    validation_exit(&report, args.json)
}

/// Has the server read the source, with its own access and the workspace's connections.
async fn validate_on_server(args: ValidateArgs, target: &Target) -> Result<ExitCode> {
    let request = ValidateRequest {
        source: source_uri(&args.source.source)?,
        format: args.format,
        credentials: args.source.credentials(),
        connection: args.connection,
        data_type: None,
    };
    let report = target.validate(&request).await?;
    validation_exit(&report, args.json)
}

/// Prints a report; 0 when nothing would be left out, 2 when something would.
fn validation_exit(report: &ValidationReport, json: bool) -> Result<ExitCode> {
    output::validation(report, json)?;
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

impl SourceArgs {
    /// The credentials given on the command line, if any.
    fn credentials(&self) -> Option<Credentials> {
        (self.access_key_id.is_some()
            || self.secret_access_key.is_some()
            || self.endpoint.is_some()
            || self.region.is_some()
            || self.protocol.is_some())
        .then(|| Credentials {
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
            session_token: None,
            endpoint: self.endpoint.clone(),
            region: self.region.clone(),
            protocol: self.protocol.clone(),
        })
    }
}

/// A collection's schema from `--schema`: the JSON itself when it starts with `{`, else the path
/// of a file holding it.
fn read_schema(schema: &str) -> Result<CollectionSchema> {
    let text = if schema.trim_start().starts_with('{') {
        schema.to_owned()
    } else {
        std::fs::read_to_string(schema)
            .with_context(|| format!("cannot read the schema file '{schema}'"))?
    };
    serde_json::from_str(&text).with_context(|| {
        format!("the schema is not a collection schema in Milvus' shape ({schema}); expected {{\"fields\": [...], \"enableDynamicField\": false}}")
    })
}

/// A local path becomes an absolute file:// URI; anything with a scheme is left as it is.
fn source_uri(source: &str) -> Result<String> {
    if source.contains("://") {
        return Ok(source.to_owned());
    }
    let path =
        std::fs::canonicalize(source).with_context(|| format!("no such local path: {source}"))?;
    let encoded =
        percent_encoding::utf8_percent_encode(&path.to_string_lossy(), PATH_ESCAPES).to_string();
    Ok(format!("file://{encoded}"))
}

const PATH_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'%')
    .add(b'#')
    .add(b'?')
    .add(b'"')
    .add(b'<')
    .add(b'>');

/// Polls the job until it finishes, with a live progress line on a terminal.
async fn wait_for(target: &Target, id: &str, show_progress: bool) -> Result<Job> {
    let bar = (show_progress && std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .then(output::progress_bar);
    loop {
        let job = target.job(id).await?;
        if let Some(bar) = &bar {
            output::update_progress(bar, &job);
        }
        if job.state.is_finished() {
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            return Ok(job);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// 0 succeeded, 2 partial, 3 failed, 4 cancelled (1 is a refused request or another error).
fn exit_code(state: JobState) -> ExitCode {
    match state {
        JobState::Succeeded => ExitCode::SUCCESS,
        JobState::Partial => ExitCode::from(2),
        JobState::Failed => ExitCode::from(3),
        JobState::Cancelled => ExitCode::from(4),
        JobState::Queued | JobState::Running => ExitCode::from(1),
    }
}

fn engine_config(args: &EngineArgs, role: &str) -> EngineConfig {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "host".to_owned());
    EngineConfig {
        worker_name: format!("{role}-{host}-{}", std::process::id()),
        lease: Duration::from_secs(args.lease_seconds),
        batch_size: args.batch_size as usize,
        max_objects_per_second: args.max_objects_per_second,
        policy: AccessPolicy {
            local_roots: args.allow_roots.clone(),
            allow_private_endpoints: args.allow_private_endpoints,
        },
        ..Default::default()
    }
}

/// Logs to stderr at `WHARF_LOG` (an `EnvFilter` directive) or `default`.
fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("WHARF_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .finish();
    if tracing::subscriber::set_global_default(subscriber).is_err() {
        return;
    }
    // The request-signing crates print their credential providers, secrets included, through
    // `log` at debug level: their records never reach the log, whatever WHARF_LOG asks for.
    let _ = tracing_log::LogTracer::builder()
        .with_max_level(tracing_log::log::LevelFilter::Trace)
        .ignore_crate("reqsign")
        .init();
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(_) => {
            ctrl_c.await.ok();
            return;
        }
    };
    tokio::select! {
        _ = ctrl_c => {}
        _ = term.recv() => {}
    }
}
