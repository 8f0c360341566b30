//! Import jobs: their rows, their claims and their checkpoints.
//!
//! # Lifecycle
//!
//! A job is created `queued`. A worker claims it by taking a lease (`lease_owner`,
//! `lease_expires_at`) and keeps the lease alive with heartbeats; a job whose lease expired is
//! claimable again, so a worker that dies loses its job to the next one. Only one job per
//! dataset runs at a time.
//!
//! # Checkpoints
//!
//! A running import writes in batches. Each batch is one transaction that writes the batch's
//! samples *and* adds the batch's counts to the job row, after checking that the writer still
//! holds the lease. A crash therefore loses at most the batch in flight, never half of one, and
//! the counters always describe exactly what is in the catalog. Samples seen by the job are
//! marked with its id, so a resumed attempt recognises and skips them without counting them
//! again.
//!
//! A batch reaches the database in two steps: [`Catalog::prepare_batch`] binds its statements,
//! which an import does while the previous batch is still committing, and
//! [`Catalog::commit_batch`] runs them in the checkpoint's transaction, after the lease check.
//!
//! # Versions
//!
//! The first attempt allocates a pending version number; samples written by the job carry it
//! and stay invisible until [`Catalog::finish_job`] commits the version. A failed or cancelled
//! job removes everything it wrote, so a dataset is never left half-imported.

use std::collections::HashSet;

use sqlx::Row;
use sqlx::any::AnyRow;
use wharf_model::{
    ErrorCode, ImportOptions, Job, JobCounters, JobError, JobKind, JobResult, JobState, Page,
    Severity, WharfError, WharfResult,
};

use crate::annotations::{LabelCount, annotation_inserts, label_count_upserts};
use crate::samples::NewSample;
use crate::sql::{
    DynamicSql, Statement, owned_chunks, positional_rows_per_statement, rows_per_statement,
};
use crate::{Backend, Catalog, db_err, format_ms, new_id, now_ms};

#[derive(Debug, Clone)]
pub struct NewJob {
    pub dataset_id: String,
    pub source_uri: String,
    pub connection_id: Option<String>,
    /// The job's own credentials, sealed with the catalog's cipher.
    pub credentials_sealed: Option<String>,
    pub options: ImportOptions,
    /// An id in the shape the dialect's platform gives its ids; made here when none.
    pub id: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    pub state: Option<JobState>,
    pub dataset: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

/// A job a worker holds the lease of.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: String,
    pub workspace_id: String,
    pub dataset_id: String,
    pub source_uri: String,
    pub connection_id: Option<String>,
    pub credentials_sealed: Option<String>,
    pub options: ImportOptions,
    /// The counters as last checkpointed.
    pub counters: JobCounters,
    pub version_number: Option<i64>,
    /// Attempts including this one.
    pub attempts: i64,
    pub lease_owner: String,
    /// The last checkpoint the engine wrote, if any.
    pub checkpoint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heartbeat {
    /// False when another worker took the job over: stop without writing.
    pub owned: bool,
    pub cancel_requested: bool,
}

#[derive(Debug, Clone)]
pub struct NewJobError {
    pub path: String,
    pub line: Option<i64>,
    pub field: Option<String>,
    /// An [`ErrorCode`] or a [`ProblemCode`](wharf_model::ProblemCode), as text.
    pub code: String,
    pub severity: Severity,
    pub message: String,
}

/// One checkpoint: what a batch wrote and how it moves the counters.
#[derive(Debug, Clone, Default)]
pub struct BatchWrite {
    pub new_samples: Vec<NewSample>,
    /// Live sample ids that `new_samples` replace (their object changed).
    pub replaced: Vec<String>,
    /// Live sample ids the source still holds unchanged.
    pub unchanged: Vec<String>,
    pub errors: Vec<NewJobError>,
    /// Added to the label set of the job's version.
    pub label_counts: Vec<LabelCount>,
    /// Added to the job's counters, except `discovered`.
    pub delta: JobCounters,
    /// The job's `discovered` counter after this batch.
    pub discovered: i64,
    /// Where a resumed attempt picks up, as the engine writes it; kept when `None`.
    pub checkpoint: Option<String>,
}

/// A batch as the statements that write it; see [`Catalog::prepare_batch`].
pub struct PreparedBatch {
    delta: JobCounters,
    discovered: i64,
    checkpoint: Option<String>,
    statements: Vec<Statement>,
}

#[derive(Debug, Clone)]
pub enum JobOutcome {
    /// Every object was handled; the version is committed if anything changed. `format` is
    /// the layout the source was read as.
    Completed {
        format: Option<String>,
    },
    Failed(WharfError),
    Cancelled,
}

const JOB_SELECT: &str = "SELECT j.id, j.kind, j.state, j.dataset_id, d.name AS dataset_name, j.source_uri, \
     c.name AS connection_name, j.options, j.discovered, j.processed, j.imported, j.unchanged, j.skipped, \
     j.failed, j.removed, j.bytes, j.annotations, j.annotations_skipped, j.attempts, j.cancel_requested, j.error_code, j.error_message, j.result, \
     j.created_at, j.started_at, j.finished_at, j.updated_at \
     FROM jobs j JOIN datasets d ON d.id = j.dataset_id LEFT JOIN connections c ON c.id = j.connection_id";

/// Claims the oldest claimable job: queued, or running with an expired lease, and with no other
/// live job on its dataset. `$lock` locks the chosen row where the backend can.
macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE jobs SET state = 'running', lease_owner = $1, lease_expires_at = $2, ",
            "attempts = attempts + 1, started_at = COALESCE(started_at, $3), updated_at = $3 ",
            "WHERE id = (SELECT j.id FROM jobs j WHERE (j.state = 'queued' OR (j.state = 'running' AND j.lease_expires_at < $3)) ",
            "AND NOT EXISTS (SELECT 1 FROM jobs o WHERE o.dataset_id = j.dataset_id AND o.id <> j.id ",
            "AND o.state = 'running' AND o.lease_expires_at >= $3) ",
            "ORDER BY j.created_at, j.id LIMIT 1",
            $lock,
            ") AND (state = 'queued' OR (state = 'running' AND lease_expires_at < $3)) ",
            "RETURNING id, workspace_id, dataset_id, source_uri, connection_id, credentials_sealed, options, ",
            "discovered, processed, imported, unchanged, skipped, failed, removed, bytes, annotations, annotations_skipped, ",
            "version_number, attempts, lease_owner, checkpoint"
        )
    };
}

/// SQLite runs one writer at a time, so the statement alone is atomic.
const CLAIM_SQLITE: &str = claim_sql!("");
/// Concurrent claimers skip the rows others are claiming instead of waiting for them.
const CLAIM_POSTGRES: &str = claim_sql!(" FOR UPDATE SKIP LOCKED");

impl Catalog {
    pub async fn create_job(&self, workspace_id: &str, new: NewJob) -> WharfResult<Job> {
        let id = match new.id {
            Some(id) => crate::check_id(id)?,
            None => new_id(),
        };
        let now = now_ms();
        let options =
            serde_json::to_string(&new.options).map_err(|e| WharfError::internal(e.to_string()))?;
        sqlx::query(
            "INSERT INTO jobs (id, workspace_id, dataset_id, kind, state, source_uri, connection_id, credentials_sealed, \
             options, created_at, updated_at) VALUES ($1, $2, $3, 'import', 'queued', $4, $5, $6, $7, $8, $8)",
        )
        .bind(&id)
        .bind(workspace_id)
        .bind(&new.dataset_id)
        .bind(&new.source_uri)
        .bind(new.connection_id)
        .bind(new.credentials_sealed)
        .bind(options)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        self.get_job(workspace_id, &id).await
    }

    pub async fn get_job(&self, workspace_id: &str, id: &str) -> WharfResult<Job> {
        let mut sql = DynamicSql::new(JOB_SELECT);
        sql.push(" WHERE j.workspace_id = ")
            .param()
            .push(" AND j.id = ")
            .param();
        let row = sql
            .query()
            .bind(workspace_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref()
            .map(job_from_row)
            .transpose()?
            .ok_or_else(|| WharfError::not_found("job", id))
    }

    /// Jobs of a workspace, newest first.
    pub async fn list_jobs(
        &self,
        workspace_id: &str,
        filter: &JobFilter,
    ) -> WharfResult<Page<Job>> {
        let mut sql = DynamicSql::new(JOB_SELECT);
        sql.push(" WHERE j.workspace_id = ").param();
        let mut binds = vec![workspace_id.to_owned()];
        if let Some(state) = filter.state {
            sql.push(" AND j.state = ").param();
            binds.push(state.as_str().to_owned());
        }
        if let Some(dataset) = &filter.dataset {
            sql.push(" AND (d.id = ")
                .param()
                .push(" OR d.name = ")
                .param()
                .push(")");
            binds.push(dataset.clone());
            binds.push(dataset.clone());
        }
        sql.push(" ORDER BY j.created_at DESC, j.id DESC");
        sql.fetch_offset_page(&self.pool, binds, filter.offset, filter.limit, job_from_row)
            .await
    }

    /// Cancels a queued job at once, or asks the worker running it to stop.
    pub async fn cancel_job(&self, workspace_id: &str, id: &str) -> WharfResult<Job> {
        let job = self.get_job(workspace_id, id).await?;
        if job.state.is_finished() {
            return Err(WharfError::new(
                ErrorCode::Conflict,
                format!(
                    "job {id} already finished ({}); only queued or running jobs can be cancelled",
                    job.state.as_str()
                ),
            ));
        }
        let now = now_ms();
        sqlx::query(
            "UPDATE jobs SET state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END, \
             finished_at = CASE WHEN state = 'queued' THEN $1 ELSE finished_at END, \
             credentials_sealed = CASE WHEN state = 'queued' THEN NULL ELSE credentials_sealed END, \
             cancel_requested = 1, updated_at = $1 WHERE id = $2 AND state IN ('queued', 'running')",
        )
        .bind(now)
        .bind(&job.id)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        self.get_job(workspace_id, id).await
    }

    /// A job's item errors in the order they were met, one page at a time.
    pub async fn list_job_errors(
        &self,
        workspace_id: &str,
        job_id: &str,
        after: Option<i64>,
        limit: i64,
    ) -> WharfResult<Page<JobError>> {
        let job = self.get_job(workspace_id, job_id).await?;
        let limit = limit.clamp(1, 1000);
        let rows = sqlx::query(
            "SELECT id, path, line, field, code, severity, message, created_at FROM job_errors WHERE job_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(&job.id)
        .bind(after.unwrap_or(0))
        .bind(limit + 1)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows.iter().take(limit as usize) {
            items.push(JobError {
                id: r.try_get("id").map_err(db_err)?,
                path: r.try_get("path").map_err(db_err)?,
                line: r.try_get("line").map_err(db_err)?,
                field: r.try_get("field").map_err(db_err)?,
                code: r.try_get("code").map_err(db_err)?,
                severity: match r.try_get::<String, _>("severity").map_err(db_err)?.as_str() {
                    "warning" => Severity::Warning,
                    _ => Severity::Error,
                },
                message: r.try_get("message").map_err(db_err)?,
                created_at: format_ms(r.try_get("created_at").map_err(db_err)?),
            });
        }
        let next = (rows.len() as i64 > limit)
            .then(|| items.last().map(|e| e.id.to_string()))
            .flatten();
        Ok(Page { items, next })
    }

    /// Which of `paths` already have an item error in this job.
    pub async fn failed_item_paths(
        &self,
        job_id: &str,
        paths: &[String],
    ) -> WharfResult<HashSet<String>> {
        let mut found = HashSet::new();
        for chunk in paths.chunks(rows_per_statement(1)) {
            let mut sql = DynamicSql::new(
                "SELECT DISTINCT path FROM job_errors WHERE job_id = $1 AND path IN ",
            );
            sql.param_after(1).tuple(chunk.len());
            let mut q = sql.query().bind(job_id);
            for path in chunk {
                q = q.bind(path);
            }
            for row in q.fetch_all(&self.pool).await.map_err(db_err)? {
                found.insert(row.try_get::<String, _>("path").map_err(db_err)?);
            }
        }
        Ok(found)
    }

    /// The database's clock in milliseconds. Leases are stamped and compared with it, so that
    /// workers on machines whose clocks disagree still agree on when a lease expires.
    async fn lease_clock(&self) -> WharfResult<i64> {
        let sql = match self.backend {
            Backend::Sqlite => "SELECT CAST(unixepoch('subsec') * 1000 AS BIGINT)",
            Backend::Postgres => {
                "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
            }
        };
        sqlx::query_scalar(sql)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
    }

    /// Takes the lease of the oldest claimable job, if any.
    pub async fn claim_job(&self, worker: &str, lease_ms: i64) -> WharfResult<Option<ClaimedJob>> {
        let now = self.lease_clock().await?;
        let sql = match self.backend {
            Backend::Sqlite => CLAIM_SQLITE,
            Backend::Postgres => CLAIM_POSTGRES,
        };
        let row = sqlx::query(sql)
            .bind(worker)
            .bind(now + lease_ms)
            .bind(now)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(claimed_from_row).transpose()
    }

    /// Extends the lease and reads whether a cancel was asked for.
    pub async fn heartbeat(&self, job: &ClaimedJob, lease_ms: i64) -> WharfResult<Heartbeat> {
        let now = self.lease_clock().await?;
        let row = sqlx::query(
            "UPDATE jobs SET lease_expires_at = $1, updated_at = $2 \
             WHERE id = $3 AND lease_owner = $4 AND state = 'running' RETURNING cancel_requested",
        )
        .bind(now + lease_ms)
        .bind(now)
        .bind(&job.id)
        .bind(&job.lease_owner)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(match row {
            Some(r) => Heartbeat {
                owned: true,
                cancel_requested: r.try_get::<i64, _>(0).map_err(db_err)? != 0,
            },
            None => Heartbeat {
                owned: false,
                cancel_requested: false,
            },
        })
    }

    /// The pending version the job writes into, allocated on its first attempt.
    pub async fn prepare_version(&self, job: &mut ClaimedJob) -> WharfResult<i64> {
        if let Some(n) = job.version_number {
            return Ok(n);
        }
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let now = now_ms();
        let owned = sqlx::query("UPDATE jobs SET updated_at = $1 WHERE id = $2 AND lease_owner = $3 AND state = 'running'")
            .bind(now)
            .bind(&job.id)
            .bind(&job.lease_owner)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
        if owned != 1 {
            return Err(lost_lease(&job.id));
        }
        let number: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM versions WHERE dataset_id = $1",
        )
        .bind(&job.dataset_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO versions (id, dataset_id, number, state, job_id, created_at) VALUES ($1, $2, $3, 'pending', $4, $5)",
        )
        .bind(new_id())
        .bind(&job.dataset_id)
        .bind(number)
        .bind(&job.id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        sqlx::query("UPDATE jobs SET version_number = $1 WHERE id = $2")
            .bind(number)
            .bind(&job.id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        job.version_number = Some(number);
        Ok(number)
    }

    /// Turns a batch into the statements that write it, binding every value. This is most of
    /// a checkpoint's work outside the database, so an import does it while the previous
    /// checkpoint is being written; [`Catalog::commit_batch`] then only runs statements.
    pub fn prepare_batch(&self, job: &ClaimedJob, batch: BatchWrite) -> WharfResult<PreparedBatch> {
        let version = job
            .version_number
            .ok_or_else(|| WharfError::internal("batch written before the version was prepared"))?;
        let now = now_ms();
        let mut statements = Vec::new();
        for ids in batch.replaced.chunks(rows_per_statement(1)) {
            let mut sql = DynamicSql::new(
                "UPDATE samples SET removed_in = $1 WHERE removed_in IS NULL AND id IN ",
            );
            sql.param_after(1).tuple(ids.len());
            let mut q = sql.query().bind(version);
            for id in ids {
                q = q.bind(id.clone());
            }
            statements.push(q);
        }
        for ids in batch.unchanged.chunks(rows_per_statement(1)) {
            let mut sql = DynamicSql::new("UPDATE samples SET last_seen_job = $1 WHERE id IN ");
            sql.param_after(1).tuple(ids.len());
            let mut q = sql.query().bind(job.id.clone());
            for id in ids {
                q = q.bind(id.clone());
            }
            statements.push(q);
        }
        // Text is moved into the statements, not copied: a batch carries megabytes of
        // annotation JSON.
        let mut samples = Vec::with_capacity(batch.new_samples.len());
        let mut annotations = Vec::new();
        let mut files = Vec::new();
        for mut sample in batch.new_samples {
            let id = new_id();
            if let Some(body) = sample.annotations_json.take() {
                annotations.push((id.clone(), body));
            }
            files.extend(
                std::mem::take(&mut sample.files)
                    .into_iter()
                    .map(|f| (id.clone(), f)),
            );
            samples.push((id, sample));
        }
        const SAMPLE_COLUMNS: usize = 13;
        for chunk in owned_chunks(samples, positional_rows_per_statement(SAMPLE_COLUMNS)) {
            let mut sql = DynamicSql::positional(
                self.backend,
                "INSERT INTO samples (id, dataset_id, sample_key, fingerprint, added_in, last_seen_job, created_at, \
                 source_format, annotation_count, usage, hard, scene, text) VALUES ",
            );
            sql.rows(chunk.len(), SAMPLE_COLUMNS);
            let mut q = sql.query();
            for (id, s) in chunk {
                q = q
                    .bind(id)
                    .bind(job.dataset_id.clone())
                    .bind(s.key)
                    .bind(s.fingerprint)
                    .bind(version)
                    .bind(job.id.clone())
                    .bind(now)
                    .bind(s.source_format)
                    .bind(s.annotation_count)
                    .bind(s.usage)
                    .bind(i64::from(s.hard))
                    .bind(s.scene)
                    .bind(s.text);
            }
            statements.push(q);
        }
        statements.extend(annotation_inserts(self.backend, &job.id, annotations));
        statements.extend(label_count_upserts(
            self.backend,
            &job.dataset_id,
            version,
            batch.label_counts,
        ));
        const FILE_COLUMNS: usize = 9;
        for chunk in owned_chunks(files, positional_rows_per_statement(FILE_COLUMNS)) {
            let mut sql = DynamicSql::positional(
                self.backend,
                "INSERT INTO files (sample_id, path, size, fingerprint, modified_at, media_type, width, height, points) VALUES ",
            );
            sql.rows(chunk.len(), FILE_COLUMNS);
            let mut q = sql.query();
            for (sample_id, f) in chunk {
                q = q
                    .bind(sample_id)
                    .bind(f.path)
                    .bind(f.size)
                    .bind(f.fingerprint)
                    .bind(f.modified_ms)
                    .bind(f.media_type)
                    .bind(f.width)
                    .bind(f.height)
                    .bind(f.points);
            }
            statements.push(q);
        }
        for e in batch.errors {
            let q = sqlx::query(
                "INSERT INTO job_errors (job_id, path, line, field, code, severity, message, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(job.id.clone())
            .bind(e.path)
            .bind(e.line)
            .bind(e.field)
            .bind(e.code)
            .bind(match e.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            })
            .bind(e.message)
            .bind(now);
            statements.push(q);
        }
        Ok(PreparedBatch {
            delta: batch.delta,
            discovered: batch.discovered,
            checkpoint: batch.checkpoint,
            statements,
        })
    }

    /// Writes one prepared batch and its counts as one transaction: the checkpoint. Fails with
    /// `conflict` when the worker no longer holds the lease, and then writes nothing.
    pub async fn commit_batch(&self, job: &ClaimedJob, batch: PreparedBatch) -> WharfResult<()> {
        let d = &batch.delta;
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        // The lease check comes first so that it also takes the write lock.
        let owned = sqlx::query(
            "UPDATE jobs SET discovered = $1, processed = processed + $2, imported = imported + $3, \
             unchanged = unchanged + $4, skipped = skipped + $5, failed = failed + $6, bytes = bytes + $7, \
             updated_at = $8, checkpoint = COALESCE($11, checkpoint), annotations = annotations + $12, \
             annotations_skipped = annotations_skipped + $13 WHERE id = $9 AND lease_owner = $10 AND state = 'running'",
        )
        .bind(batch.discovered)
        .bind(d.processed)
        .bind(d.imported)
        .bind(d.unchanged)
        .bind(d.skipped)
        .bind(d.failed)
        .bind(d.bytes)
        .bind(now_ms())
        .bind(&job.id)
        .bind(&job.lease_owner)
        .bind(&batch.checkpoint)
        .bind(d.annotations)
        .bind(d.annotations_skipped)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        if owned != 1 {
            return Err(lost_lease(&job.id));
        }
        for statement in batch.statements {
            statement.execute(&mut *tx).await.map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)?;
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.request();
        }
        Ok(())
    }

    /// Ends a job. A completed job marks the samples its source no longer holds as removed
    /// (unless its options keep them) and commits its version (or drops it when nothing
    /// changed); a failed or cancelled job undoes everything it wrote. The job's own
    /// credentials are erased either way.
    ///
    /// A sample whose item failed is not absent: the source still holds it, it could not be
    /// read this time, so it keeps the revision it had. A job whose every item failed imported
    /// nothing: it fails, and its dataset stays as it was.
    pub async fn finish_job(&self, job: &ClaimedJob, outcome: JobOutcome) -> WharfResult<()> {
        let now = now_ms();
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let row = sqlx::query(
            "UPDATE jobs SET updated_at = $1 WHERE id = $2 AND lease_owner = $3 AND state = 'running' \
             RETURNING imported, unchanged, failed",
        )
        .bind(now)
        .bind(&job.id)
        .bind(&job.lease_owner)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        let Some(row) = row else {
            return Err(lost_lease(&job.id));
        };
        let imported: i64 = row.try_get("imported").map_err(db_err)?;
        let unchanged: i64 = row.try_get("unchanged").map_err(db_err)?;
        let failed: i64 = row.try_get("failed").map_err(db_err)?;
        let outcome = match outcome {
            JobOutcome::Completed { .. } if imported + unchanged == 0 && failed > 0 => {
                JobOutcome::Failed(every_item_failed(&mut tx, &job.id, failed).await?)
            }
            outcome => outcome,
        };
        let (state, error, result, removed) = match (outcome, job.version_number) {
            (JobOutcome::Completed { format }, Some(version)) => {
                let removed = if job.options.keep_absent {
                    0
                } else {
                    sqlx::query(
                        "UPDATE samples SET removed_in = $1 WHERE dataset_id = $2 AND removed_in IS NULL AND added_in < $1 \
                         AND (last_seen_job IS NULL OR last_seen_job <> $3) \
                         AND NOT EXISTS (SELECT 1 FROM job_errors e WHERE e.job_id = $3 \
                         AND e.path = samples.sample_key AND e.severity = 'error')",
                    )
                    .bind(version)
                    .bind(&job.dataset_id)
                    .bind(&job.id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?
                    .rows_affected() as i64
                };
                let result = if imported + removed > 0 {
                    commit_version(&mut tx, job, version, now).await?;
                    JobResult {
                        dataset_id: job.dataset_id.clone(),
                        version: Some(version),
                        version_created: true,
                        format,
                    }
                } else {
                    drop_version(&mut tx, job, version).await?;
                    let latest: i64 =
                        sqlx::query_scalar("SELECT latest_version FROM datasets WHERE id = $1")
                            .bind(&job.dataset_id)
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(db_err)?;
                    JobResult {
                        dataset_id: job.dataset_id.clone(),
                        version: (latest > 0).then_some(latest),
                        version_created: false,
                        format,
                    }
                };
                if let Some(project) = job.options.annotation_project {
                    // One task per data item of the import, unless the project has it already.
                    sqlx::query(
                        "INSERT INTO tasks (project_id, dataset_id, sample_id, job_id, created_at) \
                         SELECT $1, s.dataset_id, s.id, $2, $3 FROM samples s \
                         WHERE s.dataset_id = $4 AND s.removed_in IS NULL AND s.last_seen_job = $2 \
                         AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.project_id = $1 AND t.sample_id = s.id) \
                         ORDER BY s.sample_key",
                    )
                    .bind(project)
                    .bind(&job.id)
                    .bind(now)
                    .bind(&job.dataset_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                }
                let state = if failed > 0 {
                    JobState::Partial
                } else {
                    JobState::Succeeded
                };
                (state, None, Some(result), removed)
            }
            (JobOutcome::Completed { .. }, None) => {
                return Err(WharfError::internal("job completed without a version"));
            }
            (outcome, version) => {
                if let Some(version) = version {
                    drop_version(&mut tx, job, version).await?;
                }
                match outcome {
                    JobOutcome::Failed(e) => (JobState::Failed, Some(e), None, 0),
                    _ => (JobState::Cancelled, None, None, 0),
                }
            }
        };
        let result = result
            .map(|r| serde_json::to_string(&r))
            .transpose()
            .map_err(|e| WharfError::internal(e.to_string()))?;
        sqlx::query(
            "UPDATE jobs SET state = $1, error_code = $2, error_message = $3, result = $4, removed = $5, \
             finished_at = $6, updated_at = $6, lease_owner = NULL, lease_expires_at = NULL, credentials_sealed = NULL \
             WHERE id = $7",
        )
        .bind(state.as_str())
        .bind(error.as_ref().map(|e| e.code.as_str()))
        .bind(error.as_ref().map(|e| e.message.clone()))
        .bind(result)
        .bind(removed)
        .bind(now)
        .bind(&job.id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }
}

async fn commit_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    job: &ClaimedJob,
    version: i64,
    now: i64,
) -> WharfResult<()> {
    let row = sqlx::query(
        "SELECT COUNT(DISTINCT s.id) AS samples, COUNT(f.path) AS files, CAST(COALESCE(SUM(f.size), 0) AS BIGINT) AS bytes \
         FROM samples s LEFT JOIN files f ON f.sample_id = s.id \
         WHERE s.dataset_id = $1 AND s.added_in <= $2 AND (s.removed_in IS NULL OR s.removed_in > $2)",
    )
    .bind(&job.dataset_id)
    .bind(version)
    .fetch_one(&mut **tx)
    .await
    .map_err(db_err)?;
    let samples: i64 = row.try_get("samples").map_err(db_err)?;
    let files: i64 = row.try_get("files").map_err(db_err)?;
    let bytes: i64 = row.try_get("bytes").map_err(db_err)?;
    sqlx::query(
        "UPDATE versions SET state = 'committed', sample_count = $1, file_count = $2, byte_size = $3, created_at = $4 \
         WHERE dataset_id = $5 AND number = $6",
    )
    .bind(samples)
    .bind(files)
    .bind(bytes)
    .bind(now)
    .bind(&job.dataset_id)
    .bind(version)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    sqlx::query(
        "UPDATE datasets SET latest_version = $1, source_uri = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(version)
    .bind(&job.source_uri)
    .bind(now)
    .bind(&job.dataset_id)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Undoes a pending version: its new sample revisions go, the revisions it closed reopen.
async fn drop_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    job: &ClaimedJob,
    version: i64,
) -> WharfResult<()> {
    // Each statement takes the dataset ($1) and the pending version ($2).
    const UNDO: [&str; 6] = [
        "DELETE FROM files WHERE sample_id IN (SELECT id FROM samples WHERE dataset_id = $1 AND added_in = $2)",
        "DELETE FROM annotations WHERE sample_id IN (SELECT id FROM samples WHERE dataset_id = $1 AND added_in = $2)",
        "DELETE FROM labels WHERE dataset_id = $1 AND version = $2",
        "DELETE FROM samples WHERE dataset_id = $1 AND added_in = $2",
        "UPDATE samples SET removed_in = NULL WHERE dataset_id = $1 AND removed_in = $2",
        "DELETE FROM versions WHERE dataset_id = $1 AND number = $2 AND state = 'pending'",
    ];
    for statement in UNDO {
        sqlx::query(statement)
            .bind(&job.dataset_id)
            .bind(version)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
    }
    Ok(())
}

/// Why a job whose every item failed failed: how many, and the first one.
async fn every_item_failed(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    job_id: &str,
    failed: i64,
) -> WharfResult<WharfError> {
    let first = sqlx::query(
        "SELECT path, message FROM job_errors WHERE job_id = $1 AND severity = 'error' ORDER BY id LIMIT 1",
    )
    .bind(job_id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_err)?;
    let first = match first {
        Some(row) => {
            let path: String = row.try_get("path").map_err(db_err)?;
            let message: String = row.try_get("message").map_err(db_err)?;
            if message.contains(&path) {
                format!("; the first: {message}")
            } else {
                format!("; the first, {path}: {message}")
            }
        }
        None => String::new(),
    };
    Ok(WharfError::new(
        ErrorCode::ItemReadFailed,
        format!(
            "every one of the job's {failed} items failed, so nothing was imported and the dataset is as it was{first}; the job's errors name each"
        ),
    ))
}

pub(crate) fn lost_lease(job_id: &str) -> WharfError {
    WharfError::new(
        ErrorCode::Conflict,
        format!(
            "this worker no longer holds the lease of job {job_id}; another worker took it over"
        ),
    )
}

fn counters_from_row(r: &AnyRow) -> WharfResult<JobCounters> {
    Ok(JobCounters {
        discovered: r.try_get("discovered").map_err(db_err)?,
        processed: r.try_get("processed").map_err(db_err)?,
        imported: r.try_get("imported").map_err(db_err)?,
        unchanged: r.try_get("unchanged").map_err(db_err)?,
        skipped: r.try_get("skipped").map_err(db_err)?,
        failed: r.try_get("failed").map_err(db_err)?,
        removed: r.try_get("removed").map_err(db_err)?,
        bytes: r.try_get("bytes").map_err(db_err)?,
        annotations: r.try_get("annotations").map_err(db_err)?,
        annotations_skipped: r.try_get("annotations_skipped").map_err(db_err)?,
    })
}

fn parse_options(text: &str) -> ImportOptions {
    serde_json::from_str(text).unwrap_or_default()
}

fn claimed_from_row(r: &AnyRow) -> WharfResult<ClaimedJob> {
    Ok(ClaimedJob {
        id: r.try_get("id").map_err(db_err)?,
        workspace_id: r.try_get("workspace_id").map_err(db_err)?,
        dataset_id: r.try_get("dataset_id").map_err(db_err)?,
        source_uri: r.try_get("source_uri").map_err(db_err)?,
        connection_id: r.try_get("connection_id").map_err(db_err)?,
        credentials_sealed: r.try_get("credentials_sealed").map_err(db_err)?,
        options: parse_options(&r.try_get::<String, _>("options").map_err(db_err)?),
        counters: counters_from_row(r)?,
        version_number: r.try_get("version_number").map_err(db_err)?,
        attempts: r.try_get("attempts").map_err(db_err)?,
        lease_owner: r.try_get("lease_owner").map_err(db_err)?,
        checkpoint: r.try_get("checkpoint").map_err(db_err)?,
    })
}

fn job_from_row(r: &AnyRow) -> WharfResult<Job> {
    let state_text: String = r.try_get("state").map_err(db_err)?;
    let state = JobState::parse(&state_text)
        .ok_or_else(|| WharfError::internal(format!("unknown job state '{state_text}'")))?;
    let counters = counters_from_row(r)?;
    let started: Option<i64> = r.try_get("started_at").map_err(db_err)?;
    let finished: Option<i64> = r.try_get("finished_at").map_err(db_err)?;
    let rate = match started {
        Some(start) => {
            let seconds = (finished.unwrap_or_else(now_ms) - start).max(1) as f64 / 1000.0;
            (counters.processed as f64 / seconds * 10.0).round() / 10.0
        }
        None => 0.0,
    };
    let result: Option<String> = r.try_get("result").map_err(db_err)?;
    Ok(Job {
        id: r.try_get("id").map_err(db_err)?,
        kind: JobKind::Import,
        state,
        dataset_id: r.try_get("dataset_id").map_err(db_err)?,
        dataset_name: r.try_get("dataset_name").map_err(db_err)?,
        source_uri: r.try_get("source_uri").map_err(db_err)?,
        connection: r.try_get("connection_name").map_err(db_err)?,
        options: parse_options(&r.try_get::<String, _>("options").map_err(db_err)?),
        counters,
        rate,
        attempts: r.try_get("attempts").map_err(db_err)?,
        cancel_requested: r.try_get::<i64, _>("cancel_requested").map_err(db_err)? != 0,
        error_code: r
            .try_get::<Option<String>, _>("error_code")
            .map_err(db_err)?
            .map(|c| ErrorCode::parse(&c)),
        error_message: r.try_get("error_message").map_err(db_err)?,
        result: result.and_then(|r| serde_json::from_str(&r).ok()),
        created_at: format_ms(r.try_get("created_at").map_err(db_err)?),
        started_at: started.map(format_ms),
        finished_at: finished.map(format_ms),
        updated_at: format_ms(r.try_get("updated_at").map_err(db_err)?),
    })
}
