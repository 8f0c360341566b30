//! `wharf`: the server, the worker and the command line in one binary.
//!
//! Without `--server`, commands act on the embedded catalog in the data directory (SQLite by
//! default, or `--database-url`); with `--server URL` they act on a running Wharf server.

mod commands;
mod config;
mod output;
mod target;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Imports allocate on one thread and free on another (a reader hands records to a writer);
/// glibc's allocator serialises those frees on a lock, mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "wharf",
    version,
    about = "Import datasets from object storage into a versioned catalog"
)]
struct Cli {
    /// Where the embedded catalog and the server key live.
    #[arg(long, global = true, env = "WHARF_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// The catalog database: sqlite://PATH or postgres://... (default: SQLite in the data directory).
    #[arg(long, global = true, env = "WHARF_DATABASE_URL")]
    database_url: Option<String>,
    /// Act on this Wharf server instead of the embedded catalog.
    #[arg(long, global = true, env = "WHARF_SERVER")]
    server: Option<String>,
    /// API key for --server.
    #[arg(long, global = true, env = "WHARF_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// Workspace of the embedded catalog.
    #[arg(
        long,
        global = true,
        env = "WHARF_WORKSPACE",
        default_value = "default"
    )]
    workspace: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the API and in-process workers.
    Serve(ServeArgs),
    /// Run workers only, against the same catalog as a server.
    Worker(WorkerArgs),
    /// Manage API keys and the platform dialects' key pairs.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Read a source as an import would, write nothing, and report every problem.
    Validate(ValidateArgs),
    #[command(flatten)]
    Client(ClientCommand),
}

/// Commands that act on the embedded catalog or, with `--server`, on a server.
#[derive(Subcommand)]
enum ClientCommand {
    /// Import a source into a dataset.
    Import(ImportArgs),
    /// Inspect and cancel jobs.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Inspect datasets.
    #[command(subcommand)]
    Datasets(DatasetsCommand),
    /// Inspect samples.
    #[command(subcommand)]
    Samples(SamplesCommand),
    /// Inspect label sets.
    #[command(subcommand)]
    Labels(LabelsCommand),
    /// Make and list annotation projects, where imports can make one task per data item.
    #[command(subcommand)]
    Projects(ProjectsCommand),
    /// Make, list, show and drop vector collections.
    #[command(subcommand)]
    Collections(CollectionsCommand),
}

/// Settings of the workers in `serve` and `worker`.
#[derive(Args, Clone)]
pub struct EngineArgs {
    /// Workers in this process.
    #[arg(long, default_value_t = 2)]
    workers: usize,
    /// Local directories that file:// and nas:// sources may lie under (repeatable).
    #[arg(
        long = "allow-root",
        env = "WHARF_ALLOWED_ROOTS",
        value_delimiter = ','
    )]
    allow_roots: Vec<PathBuf>,
    /// Allow endpoints on loopback, link-local and private addresses (local S3 servers).
    #[arg(long, env = "WHARF_ALLOW_PRIVATE_ENDPOINTS")]
    allow_private_endpoints: bool,
    /// Seconds a claimed job stays claimed without a heartbeat.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    lease_seconds: u64,
    /// Objects per checkpoint.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    batch_size: u64,
    /// Cap on objects per second per job, to spare a throttled store.
    #[arg(long)]
    max_objects_per_second: Option<u32>,
}

#[derive(Args)]
struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:8080", env = "WHARF_LISTEN")]
    listen: String,
    #[command(flatten)]
    engine: EngineArgs,
}

#[derive(Args)]
struct WorkerArgs {
    #[command(flatten)]
    engine: EngineArgs,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Create an API key for a workspace and print it once; with --dialect, an access key
    /// and a secret key for that platform's API.
    Create {
        /// A label to recognise the key by.
        #[arg(long, default_value = "cli")]
        name: String,
        /// rosetta, modelarts or pai: a key pair that signs that platform's requests.
        #[arg(long, value_parser = ["rosetta", "modelarts", "pai"])]
        dialect: Option<String>,
    },
}

#[derive(Args)]
struct ImportArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Dataset to import into (made if missing).
    #[arg(long)]
    dataset: String,
    /// Wait for the job to finish (always so without --server).
    #[arg(long)]
    wait: bool,
    /// Print machine-readable JSON.
    #[arg(long)]
    json: bool,
    /// Do not read image headers for width and height.
    #[arg(long)]
    no_probe: bool,
    /// The source's layout, in any case (detected when absent); `--help` lists them.
    #[arg(long, long_help = format_help())]
    format: Option<String>,
    /// Import the samples without their annotations.
    #[arg(long)]
    no_annotations: bool,
    /// Only update samples the dataset already holds; add none.
    #[arg(long)]
    existing_only: bool,
    /// Keep only samples carrying this label (repeatable).
    #[arg(long = "include-label")]
    include_labels: Vec<String>,
    /// Leave out samples carrying this label (repeatable).
    #[arg(long = "exclude-label")]
    exclude_labels: Vec<String>,
    /// Keep only samples marked hard or with an annotation marked difficult or hard.
    #[arg(long)]
    difficult_only: bool,
    /// Add the samples to the dataset, keeping those the source no longer holds (by default
    /// the new version holds what the source holds).
    #[arg(long)]
    keep_absent: bool,
    /// When the import ends, make a task in this annotation project (an id from
    /// `wharf projects ls`) for every data item it holds that has none there yet.
    #[arg(long)]
    annotation_project: Option<i64>,
    /// Data type of a dataset made by this import.
    #[arg(long)]
    data_type: Option<String>,
    /// Use a stored connection's credentials.
    #[arg(long)]
    connection: Option<String>,
}

/// Where the data is, and the credentials to read it with.
#[derive(Args)]
pub struct SourceArgs {
    /// s3://bucket/prefix, gs://..., az://..., oss://..., obs://..., file:///path, a local path, or http(s)://.../file
    source: String,
    #[arg(long, env = "WHARF_SOURCE_ACCESS_KEY_ID")]
    access_key_id: Option<String>,
    #[arg(long, env = "WHARF_SOURCE_SECRET_ACCESS_KEY", hide_env_values = true)]
    secret_access_key: Option<String>,
    #[arg(long, env = "WHARF_SOURCE_ENDPOINT")]
    endpoint: Option<String>,
    #[arg(long, env = "WHARF_SOURCE_REGION")]
    region: Option<String>,
    /// The protocol the endpoint speaks when it is not the source scheme's own: `s3` for an
    /// S3-compatible endpoint serving obs:// or oss:// buckets.
    #[arg(long, env = "WHARF_SOURCE_PROTOCOL")]
    protocol: Option<String>,
}

/// What `--format` takes, from the one registry of layouts.
fn format_help() -> String {
    let mut help = String::from("The source's layout, in any case (detected when absent); one of:");
    for layout in wharf_engine::LAYOUTS {
        let aliases = match layout.aliases() {
            [] => String::new(),
            aliases => format!(" (or {})", aliases.join(", ")),
        };
        help.push_str(&format!(
            "\n  {}{aliases}: {}",
            layout.name(),
            layout.description()
        ));
    }
    help
}

#[derive(Args)]
struct ValidateArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// The format to read the source as, in any case (default: detected); `--help` lists them.
    #[arg(long, long_help = format_help())]
    format: Option<String>,
    /// With --server: read the source with this stored connection's credentials.
    #[arg(long)]
    connection: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum JobsCommand {
    /// List jobs, newest first.
    Ls {
        #[arg(long)]
        state: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// Show a job, its counters and its first errors.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Cancel a queued or running job.
    Cancel {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum DatasetsCommand {
    /// List datasets.
    Ls {
        #[arg(long, default_value_t = 100)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// Show a dataset and its versions.
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum SamplesCommand {
    /// List a dataset's samples in key order.
    Ls {
        dataset: String,
        /// A version number (default: the latest).
        #[arg(long)]
        version: Option<String>,
        #[arg(long)]
        prefix: Option<String>,
        /// image/png, or image/* for every image.
        #[arg(long)]
        media_type: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: i64,
        /// The `next` cursor printed by the previous page.
        #[arg(long)]
        next: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show one sample with its files and annotations.
    Show {
        dataset: String,
        /// The sample's key (its main file's path) or id.
        sample: String,
        /// A version number (default: the latest).
        #[arg(long)]
        version: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum LabelsCommand {
    /// List a version's labels with their annotation and sample counts.
    Ls {
        dataset: String,
        /// A version number (default: the latest).
        #[arg(long)]
        version: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ProjectsCommand {
    /// Make a project; imports name it by id (`--annotation-project`).
    Create {
        /// Unique in the workspace.
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// List the workspace's projects.
    Ls {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum CollectionsCommand {
    /// Make a collection; its schema is checked as Milvus checks one.
    Create {
        /// Letters, digits and `_`, starting with a letter or `_`.
        name: String,
        /// The schema: a JSON file's path, or the JSON itself, in Milvus' shape:
        /// `{"fields": [{"name": "id", "dataType": "Int64", "isPrimary": true, "autoId": true},
        /// {"name": "vector", "dataType": "FloatVector", "dim": 768}], "enableDynamicField": true}`.
        #[arg(long)]
        schema: String,
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long)]
        json: bool,
    },
    /// List the workspace's collections.
    Ls {
        #[arg(long)]
        json: bool,
    },
    /// Show a collection and its schema.
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Drop a collection.
    Drop { name: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
