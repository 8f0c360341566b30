//! Annotations and label sets.
//!
//! # Annotations
//!
//! A sample revision's annotations are stored with it, in the same checkpoint, as one JSON
//! array of normalised [`Annotation`]s (see [`NewSample`](crate::NewSample)). The table keys
//! them by sample and `seq` so that a revision may hold several arrays, read back in order;
//! imports write one.
//!
//! # Label sets
//!
//! Each version has its label set: the labels the source declared (COCO categories, YOLO
//! classes, ...) and the labels its annotations use, with how many annotations and samples of
//! the version carry each. Counts are added batch by batch inside the checkpoint, so they stay
//! exact across resumed attempts.

use sqlx::Row;
use wharf_model::{Annotation, Label, LabelDef, WharfError, WharfResult};

use crate::sql::{
    DynamicSql, Statement, owned_chunks, positional_rows_per_statement, rows_per_statement,
};
use crate::{Backend, Catalog, ClaimedJob, db_err};

/// How many annotations and samples of a batch carry one label.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelCount {
    pub name: String,
    pub annotations: i64,
    pub samples: i64,
}

impl Catalog {
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

/// Statements that insert new sample revisions' annotations: pairs of a sample id and a JSON
/// array.
pub(crate) fn annotation_inserts(
    backend: Backend,
    job_id: &str,
    rows: Vec<(String, String)>,
) -> impl Iterator<Item = Statement> {
    let job_id = job_id.to_owned();
    owned_chunks(rows, positional_rows_per_statement(4)).map(move |rows| {
        let mut sql = DynamicSql::positional(
            backend,
            "INSERT INTO annotations (sample_id, seq, job_id, body) VALUES ",
        );
        sql.rows(rows.len(), 4);
        let mut q = sql.query();
        for (sample_id, body) in rows {
            q = q
                .bind(sample_id)
                .bind(0_i64)
                .bind(job_id.clone())
                .bind(body);
        }
        q
    })
}

/// Statements that add a batch's label counts to the label set of `version`.
pub(crate) fn label_count_upserts(
    backend: Backend,
    dataset_id: &str,
    version: i64,
    counts: Vec<LabelCount>,
) -> impl Iterator<Item = Statement> {
    let dataset_id = dataset_id.to_owned();
    owned_chunks(counts, positional_rows_per_statement(5)).map(move |rows| {
        let mut sql = DynamicSql::positional(
            backend,
            "INSERT INTO labels (dataset_id, version, name, annotations, samples) VALUES ",
        );
        sql.rows(rows.len(), 5).push(
            " ON CONFLICT (dataset_id, version, name) DO UPDATE SET \
             annotations = labels.annotations + excluded.annotations, samples = labels.samples + excluded.samples",
        );
        let mut q = sql.query();
        for c in rows {
            q = q
                .bind(dataset_id.clone())
                .bind(version)
                .bind(c.name)
                .bind(c.annotations)
                .bind(c.samples);
        }
        q
    })
}
