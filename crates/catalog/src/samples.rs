//! Samples and their files.

use std::collections::HashMap;

use sqlx::Row;
use sqlx::any::AnyRow;
use wharf_model::{DatasetFile, ErrorCode, Page, Sample, WharfError, WharfResult};

use crate::sql::{DynamicSql, positional_rows_per_statement};
use crate::{Catalog, db_err, format_ms};

/// A sample as the engine writes it.
#[derive(Debug, Clone, Default)]
pub struct NewSample {
    pub key: String,
    pub fingerprint: String,
    pub files: Vec<NewFile>,
    pub source_format: Option<String>,
    pub annotation_count: i64,
    /// The sample's annotations as one JSON array, when it has any.
    pub annotations_json: Option<String>,
    pub usage: Option<String>,
    pub hard: bool,
    pub scene: Option<String>,
    pub text: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewFile {
    pub path: String,
    pub size: i64,
    pub fingerprint: String,
    pub modified_ms: Option<i64>,
    pub media_type: String,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub points: Option<i64>,
}

/// The live revision of a sample, as an import compares against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSample {
    pub id: String,
    pub fingerprint: String,
    /// The job that last saw this sample in its source; a resumed job skips what it already saw.
    pub last_seen_job: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct SampleQuery {
    /// A committed version number; the latest when `None`.
    pub version: Option<i64>,
    pub prefix: Option<String>,
    /// An exact media type, or `type/*`.
    pub media_type: Option<String>,
    /// The key of the last sample of the previous page.
    pub cursor: Option<String>,
    pub limit: i64,
}

/// How many samples a set holds, and how many of them carry at least one annotation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SampleCounts {
    pub samples: i64,
    pub annotated: i64,
}

/// Counts the rows of `samples s` a condition on `$1` (the dataset) and `$2` selects.
macro_rules! count_samples_sql {
    ($condition:literal) => {
        concat!(
            "SELECT COUNT(*) AS samples, COALESCE(SUM(CASE WHEN s.annotation_count > 0 THEN 1 ELSE 0 END), 0) AS annotated ",
            "FROM samples s WHERE s.dataset_id = $1 AND ",
            $condition
        )
    };
}

/// The least string greater than every string that starts with `prefix`, in the byte order
/// both catalogs sort keys by (SQLite's BINARY, PostgreSQL's "C" collation). Prefix filters are
/// ranges rather than `LIKE`, whose case rules differ between the two.
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}{}", char::MAX)
}

const SAMPLE_SELECT: &str = "SELECT s.id, s.sample_key, s.usage, s.hard, s.scene, s.batch, s.added_in, \
     s.source_format, s.annotation_count, s.text FROM samples s WHERE s.dataset_id = ";

fn sample_from_row(row: &AnyRow) -> WharfResult<Sample> {
    Ok(Sample {
        id: row.try_get("id").map_err(db_err)?,
        key: row.try_get("sample_key").map_err(db_err)?,
        usage: row.try_get("usage").map_err(db_err)?,
        hard: row.try_get::<i64, _>("hard").map_err(db_err)? != 0,
        scene: row.try_get("scene").map_err(db_err)?,
        batch: row.try_get("batch").map_err(db_err)?,
        added_in: row.try_get("added_in").map_err(db_err)?,
        source_format: row.try_get("source_format").map_err(db_err)?,
        annotation_count: row.try_get("annotation_count").map_err(db_err)?,
        text: row.try_get("text").map_err(db_err)?,
        files: Vec::new(),
        annotations: Vec::new(),
    })
}

impl Catalog {
    /// The live revisions of `keys` in a dataset.
    pub async fn live_samples(
        &self,
        dataset_id: &str,
        keys: &[String],
    ) -> WharfResult<HashMap<String, LiveSample>> {
        let mut found = HashMap::with_capacity(keys.len());
        for chunk in keys.chunks(positional_rows_per_statement(1)) {
            let mut sql = DynamicSql::positional(
                self.backend,
                "SELECT id, sample_key, fingerprint, last_seen_job FROM samples WHERE dataset_id = ",
            );
            sql.param()
                .push(" AND removed_in IS NULL AND sample_key IN ")
                .tuple(chunk.len());
            let mut query = sql.query().bind(dataset_id);
            for key in chunk {
                query = query.bind(key);
            }
            for row in query.fetch_all(&self.pool).await.map_err(db_err)? {
                let key: String = row.try_get("sample_key").map_err(db_err)?;
                found.insert(
                    key,
                    LiveSample {
                        id: row.try_get("id").map_err(db_err)?,
                        fingerprint: row.try_get("fingerprint").map_err(db_err)?,
                        last_seen_job: row.try_get("last_seen_job").map_err(db_err)?,
                    },
                );
            }
        }
        Ok(found)
    }

    /// Samples of a committed version, in key order, one page at a time.
    pub async fn list_samples(
        &self,
        workspace_id: &str,
        dataset: &str,
        query: &SampleQuery,
    ) -> WharfResult<Page<Sample>> {
        let dataset = self.get_dataset(workspace_id, dataset).await?;
        let version = match query.version {
            Some(v) => self.get_version(workspace_id, &dataset.id, v).await?.number,
            None => dataset.latest_version,
        };
        let limit = query.limit.clamp(1, 1000);
        let mut sql = DynamicSql::new(SAMPLE_SELECT);
        sql.param()
            .push(" AND s.added_in <= ")
            .param()
            .push(" AND (s.removed_in IS NULL OR s.removed_in > ")
            .param()
            .push(")");
        let mut binds: Vec<String> = Vec::new();
        if let Some(prefix) = &query.prefix {
            sql.push(" AND s.sample_key >= ")
                .param()
                .push(" AND s.sample_key < ")
                .param();
            binds.push(prefix.clone());
            binds.push(prefix_end(prefix));
        }
        if let Some(cursor) = &query.cursor {
            sql.push(" AND s.sample_key > ").param();
            binds.push(cursor.clone());
        }
        match query
            .media_type
            .as_deref()
            .map(|m| (m, m.strip_suffix('*')))
        {
            Some((_, Some(major))) => {
                sql.push(" AND EXISTS (SELECT 1 FROM files f WHERE f.sample_id = s.id AND f.media_type >= ")
                    .param()
                    .push(" AND f.media_type < ")
                    .param()
                    .push(")");
                binds.push(major.to_owned());
                binds.push(prefix_end(major));
            }
            Some((exact, None)) => {
                sql.push(" AND EXISTS (SELECT 1 FROM files f WHERE f.sample_id = s.id AND f.media_type = ").param().push(")");
                binds.push(exact.to_owned());
            }
            None => {}
        }
        sql.push(" ORDER BY s.sample_key LIMIT ").param();
        let mut q = sql.query().bind(&dataset.id).bind(version).bind(version);
        for b in binds {
            q = q.bind(b);
        }
        let rows = q
            .bind(limit + 1)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let mut samples = rows
            .iter()
            .take(limit as usize)
            .map(sample_from_row)
            .collect::<WharfResult<Vec<_>>>()?;
        let next = (rows.len() as i64 > limit)
            .then(|| samples.last().map(|s| s.key.clone()))
            .flatten();
        self.attach_files(&mut samples).await?;
        Ok(Page {
            items: samples,
            next,
        })
    }

    /// One sample of a committed version (the latest when `version` is `None`), by key or id,
    /// with its files and annotations.
    pub async fn get_sample(
        &self,
        workspace_id: &str,
        dataset: &str,
        key_or_id: &str,
        version: Option<i64>,
    ) -> WharfResult<Sample> {
        let dataset = self.get_dataset(workspace_id, dataset).await?;
        let version = match version {
            Some(v) => self.get_version(workspace_id, &dataset.id, v).await?.number,
            None => dataset.latest_version,
        };
        let mut sql = DynamicSql::new(SAMPLE_SELECT);
        sql.push("$1 AND s.added_in <= $2 AND (s.removed_in IS NULL OR s.removed_in > $2) AND (s.sample_key = $3 OR s.id = $3)");
        let row = sql
            .query()
            .bind(&dataset.id)
            .bind(version)
            .bind(key_or_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .ok_or_else(|| {
                WharfError::new(
                    ErrorCode::NotFound,
                    format!(
                        "dataset '{}' has no sample '{key_or_id}' in version {version}",
                        dataset.name
                    ),
                )
            })?;
        let mut samples = [sample_from_row(&row)?];
        self.attach_files(&mut samples).await?;
        let [mut sample] = samples;
        sample.annotations = self.sample_annotations(&sample.id).await?;
        Ok(sample)
    }

    async fn attach_files(&self, samples: &mut [Sample]) -> WharfResult<()> {
        if samples.is_empty() {
            return Ok(());
        }
        let mut sql = DynamicSql::new(
            "SELECT sample_id, path, size, fingerprint, modified_at, media_type, width, height, points FROM files WHERE sample_id IN ",
        );
        sql.tuple(samples.len()).push(" ORDER BY path");
        let mut q = sql.query();
        for s in samples.iter() {
            q = q.bind(&s.id);
        }
        let mut by_sample: HashMap<String, Vec<DatasetFile>> = HashMap::new();
        for row in q.fetch_all(&self.pool).await.map_err(db_err)? {
            let sample_id: String = row.try_get("sample_id").map_err(db_err)?;
            by_sample.entry(sample_id).or_default().push(DatasetFile {
                path: row.try_get("path").map_err(db_err)?,
                size: row.try_get("size").map_err(db_err)?,
                fingerprint: row.try_get("fingerprint").map_err(db_err)?,
                modified_at: row
                    .try_get::<Option<i64>, _>("modified_at")
                    .map_err(db_err)?
                    .map(format_ms),
                media_type: row.try_get("media_type").map_err(db_err)?,
                width: row.try_get("width").map_err(db_err)?,
                height: row.try_get("height").map_err(db_err)?,
                points: row.try_get("points").map_err(db_err)?,
            });
        }
        for s in samples.iter_mut() {
            s.files = by_sample.remove(&s.id).unwrap_or_default();
        }
        Ok(())
    }

    /// The samples of a dataset's latest committed version.
    pub async fn latest_sample_counts(
        &self,
        workspace_id: &str,
        dataset: &str,
    ) -> WharfResult<SampleCounts> {
        let dataset = self.get_dataset(workspace_id, dataset).await?;
        let row = sqlx::query(count_samples_sql!(
            "s.added_in <= $2 AND (s.removed_in IS NULL OR s.removed_in > $2)"
        ))
        .bind(&dataset.id)
        .bind(dataset.latest_version)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        sample_counts(&row)
    }

    /// The samples an import wrote or found unchanged that no later import replaced.
    pub async fn job_sample_counts(
        &self,
        workspace_id: &str,
        job_id: &str,
    ) -> WharfResult<SampleCounts> {
        let job = self.get_job(workspace_id, job_id).await?;
        let row = sqlx::query(count_samples_sql!(
            "s.last_seen_job = $2 AND s.removed_in IS NULL"
        ))
        .bind(&job.dataset_id)
        .bind(&job.id)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        sample_counts(&row)
    }

    /// How many sample revisions a dataset stores, across all its versions. An import that
    /// wrote a sample twice would show here.
    pub async fn count_sample_revisions(&self, dataset_id: &str) -> WharfResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM samples WHERE dataset_id = $1")
            .bind(dataset_id)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
    }
}

fn sample_counts(row: &AnyRow) -> WharfResult<SampleCounts> {
    Ok(SampleCounts {
        samples: row.try_get("samples").map_err(db_err)?,
        annotated: row.try_get("annotated").map_err(db_err)?,
    })
}
