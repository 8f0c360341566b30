//! Annotations and label sets.
//!
//! # Annotations
//!
//! A sample revision's annotations are stored as chunks: JSON arrays of normalised
//! [`Annotation`]s, ordered by `seq`. Most readers meet a sample's annotations together and
//! write them as one chunk with the sample (see [`NewSample`](crate::NewSample)). A streamed
//! COCO file lists annotations in any order, so its reader stages runs of annotations as they
//! come, under the revision id the sample will get ([`staged_sample_id`]), and writes the
//! sample itself once the file has been read and the sample's fingerprint is known. Staging is
//! idempotent (a chunk is keyed by sample and `seq`), so a resumed job may stage again; chunks
//! of samples the job did not keep are dropped when it ends.
//!
//! # Label sets
//!
//! Each version has its label set: the labels the source declared (COCO categories, YOLO
//! classes, ...) and the labels its annotations use, with how many annotations and samples of
//! the version carry each. Counts are added batch by batch inside the checkpoint, so they stay
//! exact across resumed attempts.

use sqlx::Row;
use wharf_model::{Annotation, Label, LabelDef, WharfError, WharfResult};

use crate::jobs::lost_lease;
use crate::sql::{DynamicSql, rows_per_statement};
use crate::{Catalog, ClaimedJob, db_err};

/// A run of one sample's annotations.
#[derive(Debug, Clone)]
pub struct AnnotationChunk {
    pub sample_id: String,
    /// Orders the chunks of a sample; unique within it.
    pub seq: i64,
    /// A JSON array of annotations.
    pub body: String,
}

/// How many annotations and samples of a batch carry one label.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelCount {
    pub name: String,
    pub annotations: i64,
    pub samples: i64,
}

/// The revision id a job gives the sample `key` when it stages the sample's annotations ahead
/// of the sample: the same for every attempt of the job, and never another job's.
pub fn staged_sample_id(job_id: &str, key: &str) -> String {
    let name = format!("{job_id}\n{key}");
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, name.as_bytes()).to_string()
}

impl Catalog {
    /// Stores annotation chunks ahead of their samples. Chunks already stored (by an earlier
    /// attempt) are left as they are.
    pub async fn stage_annotations(
        &self,
        job: &ClaimedJob,
        chunks: &[AnnotationChunk],
    ) -> WharfResult<()> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let owned = sqlx::query(
            "SELECT 1 FROM jobs WHERE id = $1 AND lease_owner = $2 AND state = 'running'",
        )
        .bind(&job.id)
        .bind(&job.lease_owner)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        if owned.is_none() {
            return Err(lost_lease(&job.id));
        }
        insert_chunks(&mut tx, &job.id, chunks.iter()).await?;
        tx.commit().await.map_err(db_err)
    }

    /// Records the labels a source declares in the label set of the job's pending version.
    pub async fn declare_labels(&self, job: &ClaimedJob, labels: &[LabelDef]) -> WharfResult<()> {
        let version = job.version_number.ok_or_else(|| {
            WharfError::internal("labels declared before the version was prepared")
        })?;
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        for chunk in labels.chunks(rows_per_statement(6)) {
            let mut sql = DynamicSql::new(
                "INSERT INTO labels (dataset_id, version, name, source_id, parent, definition) VALUES ",
            );
            sql.rows(chunk.len(), 6).push(
                " ON CONFLICT (dataset_id, version, name) DO UPDATE SET source_id = excluded.source_id, \
                 parent = excluded.parent, definition = excluded.definition",
            );
            let mut q = sql.query();
            for label in chunk {
                let definition = serde_json::to_string(label)
                    .map_err(|e| WharfError::internal(e.to_string()))?;
                q = q
                    .bind(&job.dataset_id)
                    .bind(version)
                    .bind(&label.name)
                    .bind(label.source_id)
                    .bind(&label.parent)
                    .bind(definition);
            }
            q.execute(&mut *tx).await.map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }

    /// The label set of a committed version (the latest when `version` is `None`), by name.
    pub async fn list_labels(
        &self,
        workspace_id: &str,
        dataset: &str,
        version: Option<i64>,
    ) -> WharfResult<Vec<Label>> {
        let dataset = self.get_dataset(workspace_id, dataset).await?;
        let version = match version {
            Some(v) => self.get_version(workspace_id, &dataset.id, v).await?.number,
            None => dataset.latest_version,
        };
        let rows = sqlx::query(
            "SELECT name, source_id, parent, annotations, samples FROM labels \
             WHERE dataset_id = $1 AND version = $2 ORDER BY name",
        )
        .bind(&dataset.id)
        .bind(version)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(Label {
                    name: r.try_get("name").map_err(db_err)?,
                    source_id: r.try_get("source_id").map_err(db_err)?,
                    parent: r.try_get("parent").map_err(db_err)?,
                    annotations: r.try_get("annotations").map_err(db_err)?,
                    samples: r.try_get("samples").map_err(db_err)?,
                })
            })
            .collect()
    }

    /// A sample revision's annotations, in source order.
    pub(crate) async fn sample_annotations(&self, sample_id: &str) -> WharfResult<Vec<Annotation>> {
        let bodies: Vec<String> =
            sqlx::query_scalar("SELECT body FROM annotations WHERE sample_id = $1 ORDER BY seq")
                .bind(sample_id)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
        let mut annotations = Vec::new();
        for body in bodies {
            let chunk: Vec<Annotation> = serde_json::from_str(&body).map_err(|e| {
                WharfError::internal(format!(
                    "stored annotations of sample {sample_id} are not readable: {e}"
                ))
            })?;
            annotations.extend(chunk);
        }
        Ok(annotations)
    }
}

/// Inserts chunks, leaving any already stored under the same sample and `seq`.
pub(crate) async fn insert_chunks<'a>(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    job_id: &str,
    chunks: impl Iterator<Item = &'a AnnotationChunk>,
) -> WharfResult<()> {
    let chunks: Vec<&AnnotationChunk> = chunks.collect();
    for rows in chunks.chunks(rows_per_statement(4)) {
        let mut sql =
            DynamicSql::new("INSERT INTO annotations (sample_id, seq, job_id, body) VALUES ");
        sql.rows(rows.len(), 4)
            .push(" ON CONFLICT (sample_id, seq) DO NOTHING");
        let mut q = sql.query();
        for chunk in rows {
            q = q
                .bind(&chunk.sample_id)
                .bind(chunk.seq)
                .bind(job_id)
                .bind(&chunk.body);
        }
        q.execute(&mut **tx).await.map_err(db_err)?;
    }
    Ok(())
}

/// Adds a batch's label counts to the label set of `version`.
pub(crate) async fn add_label_counts(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    dataset_id: &str,
    version: i64,
    counts: &[LabelCount],
) -> WharfResult<()> {
    for rows in counts.chunks(rows_per_statement(5)) {
        let mut sql = DynamicSql::new(
            "INSERT INTO labels (dataset_id, version, name, annotations, samples) VALUES ",
        );
        sql.rows(rows.len(), 5).push(
            " ON CONFLICT (dataset_id, version, name) DO UPDATE SET \
             annotations = labels.annotations + excluded.annotations, samples = labels.samples + excluded.samples",
        );
        let mut q = sql.query();
        for c in rows {
            q = q
                .bind(dataset_id)
                .bind(version)
                .bind(&c.name)
                .bind(c.annotations)
                .bind(c.samples);
        }
        q.execute(&mut **tx).await.map_err(db_err)?;
    }
    Ok(())
}
