//! Wharf's catalog: every query Wharf runs lives in this crate.
//!
//! The catalog runs on SQLite by default (one file in the data directory) and on PostgreSQL
//! for deployments with several processes. Both are driven through `sqlx::Any` with one set of
//! queries written in the SQL both understand (`$n` parameters, `RETURNING`, partial indexes),
//! and a schema per backend in `migrations/`. The only query that differs is the job claim,
//! which uses `FOR UPDATE SKIP LOCKED` on PostgreSQL.
//!
//! On SQLite, write-ahead-log checkpoints run in the background (see `Checkpointer`), so
//! that an import's commits do not wait for them.
//!
//! Secrets (connection keys, a job's own credentials) are sealed with AES-256-GCM under the
//! server's key before they reach the database; see [`SecretCipher`].

mod annotations;
mod attributes;
mod collections;
mod connections;
mod datasets;
mod file_records;
mod jobs;
mod keys;
mod projects;
mod samples;
mod secret;
mod sql;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use wharf_model::{WharfError, WharfResult};

pub use annotations::LabelCount;
pub use collections::{DEFAULT_PARTITION, NewCollection};
pub use connections::{ConnectionSecret, NewConnection};
pub use datasets::{DatasetFilter, MetadataUpdate, NewDataset, validate_dataset_name};
pub use file_records::{
    FileRecord, FileRecordOrder, FileRecordPage, FileRecordQuery, NewFileRecord, TagChange,
};
pub use jobs::{
    BatchWrite, ClaimedJob, Heartbeat, JobFilter, JobOutcome, NewJob, NewJobError, PreparedBatch,
};
pub use keys::DialectKey;
pub use samples::{LiveSample, NewFile, NewSample, SampleCounts, SampleQuery};
pub use secret::SecretCipher;

/// Settings of every SQLite connection.
///
/// The page size only takes on a new database, before WAL: 16 KiB pages hold a sample's
/// annotations (a few KiB of JSON) without overflow chains. Checkpoints are the
/// checkpointer's; the automatic one is only a backstop for when it falls behind. During a
/// bulk import the log grows to a few hundred MiB while checkpoints catch up; cutting it back
/// at each reset made the file system allocate it again, so it may stay up to 512 MiB. A
/// 16 MiB page cache holds a commit's pages, which the default 2 MiB kept reading back;
/// statement journals stay in memory.
const SQLITE_SETTINGS: &str = "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; \
     PRAGMA wal_autocheckpoint = 16384; PRAGMA journal_size_limit = 536870912; \
     PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY;";

/// Which database the catalog runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The catalog. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Catalog {
    pool: AnyPool,
    backend: Backend,
    cipher: SecretCipher,
    /// SQLite only.
    checkpointer: Option<Checkpointer>,
}

impl Catalog {
    /// Connects to `database_url` (`sqlite://...` or `postgres://...`) and brings the schema up
    /// to date.
    pub async fn open(database_url: &str, cipher: SecretCipher) -> WharfResult<Catalog> {
        sqlx::any::install_default_drivers();
        let backend = if database_url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://")
        {
            Backend::Postgres
        } else {
            return Err(WharfError::invalid(
                "the database URL must start with sqlite:// or postgres://".to_owned(),
            ));
        };
        let options = AnyConnectOptions::from_str(database_url)
            .map_err(|e| WharfError::invalid(format!("the database URL is not valid: {e}")))?;
        let pool_options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        let pool_options = match backend {
            // A connection to a local file does not go stale: no ping before each use.
            Backend::Sqlite => pool_options
                .max_connections(8)
                .test_before_acquire(false)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute(SQLITE_SETTINGS).await?;
                        Ok(())
                    })
                }),
            Backend::Postgres => pool_options.max_connections(16),
        };
        let pool = pool_options.connect_with(options).await.map_err(|e| {
            WharfError::new(
                wharf_model::ErrorCode::Internal,
                format!("cannot open the catalog database: {e}"),
            )
        })?;
        let migrator = match backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("migrations/postgres"),
        };
        migrator
            .run(&pool)
            .await
            .map_err(|e| WharfError::internal(format!("cannot migrate the catalog schema: {e}")))?;
        let checkpointer = (backend == Backend::Sqlite).then(|| Checkpointer::start(pool.clone()));
        Ok(Catalog {
            pool,
            backend,
            cipher,
            checkpointer,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn cipher(&self) -> &SecretCipher {
        &self.cipher
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Copies SQLite's write-ahead log into the database file on a connection of its own.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, and during
/// a bulk import that is nearly every commit: each one then waits for the copy and an fsync of
/// the database file. Here a commit only asks for a checkpoint; one runs at a time, in the
/// background, and requests made meanwhile fold into the next. A passive checkpoint never
/// blocks readers or writers. The task ends when the last clone of the catalog is dropped.
#[derive(Clone)]
struct Checkpointer {
    requests: tokio::sync::mpsc::Sender<()>,
}

impl Checkpointer {
    fn start(pool: AnyPool) -> Self {
        let (requests, mut pending) = tokio::sync::mpsc::channel(1);
        tokio::spawn(async move {
            while pending.recv().await.is_some() {
                if let Err(e) = pool.execute("PRAGMA wal_checkpoint(PASSIVE)").await {
                    tracing::debug!("a background checkpoint failed: {e}");
                }
            }
        });
        Self { requests }
    }

    /// Asks for a checkpoint soon; one already asked for covers this one.
    fn request(&self) {
        let _ = self.requests.try_send(());
    }
}

/// A fresh id: UUIDv7, so that ids sort by creation time.
pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// An id a caller chose: 1 to 128 ASCII letters, digits, `-` and `_`, safe in a URL path.
pub(crate) fn check_id(id: String) -> WharfResult<String> {
    let fits = (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
    if fits {
        Ok(id)
    } else {
        Err(WharfError::internal(format!(
            "the id '{id}' is not 1 to 128 letters, digits, '-' or '_'"
        )))
    }
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub(crate) fn format_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A database error as a Wharf error. Unique violations become `already_exists`, with the
/// message the caller gives.
pub(crate) fn db_err(e: sqlx::Error) -> WharfError {
    WharfError::internal(format!("catalog error: {e}"))
}

pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}
