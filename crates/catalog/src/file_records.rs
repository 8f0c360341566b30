//! Per-file metadata records that a client keeps about a dataset's files.
//!
//! Some platforms manage a dataset file by file: each file has a record with its facts, tags
//! that people or models give it, and a soft deletion (PAI's file metadata). Samples are the
//! wrong home for those: a sample is one revision in Wharf's version history, rewritten by
//! every import that sees the file change, while a record outlives revisions and also exists
//! for files that no import read (the client declares them). So records live in a table of
//! their own, grouped by a `scope` the caller names (a platform's version of the dataset, say),
//! each under an id the caller gives. A scope's records can be synced from the files of a
//! committed version: new files get records, changed ones their new facts, and files gone from
//! the version are marked gone; tags and the deletions clients made stay. `deleted` is 0 for a
//! live record, 1 for one a client deleted, 2 for one whose file a later sync did not find (a
//! sync that finds it again brings it back; it never brings back what a client deleted).

use std::collections::{BTreeMap, HashMap};

use sqlx::Row;
use sqlx::any::AnyRow;
use wharf_model::{DatasetFile, Page, WharfError, WharfResult};

use crate::samples::SampleQuery;
use crate::sql::DynamicSql;
use crate::{Catalog, db_err, format_ms, now_ms};

/// Samples read per page while syncing a version.
const SYNC_PAGE: i64 = 1000;
const MAX_PAGE: i64 = 1000;

/// A record as the caller writes it.
#[derive(Debug, Clone, Default)]
pub struct NewFileRecord {
    pub id: String,
    pub uri: String,
    /// The file's folder, as the caller shows it.
    pub dir: String,
    pub name: String,
    pub fingerprint: String,
    pub size: Option<i64>,
    pub media_type: String,
    pub file_created_ms: Option<i64>,
    pub file_updated_ms: Option<i64>,
    /// JSON the caller keeps with the record, opaque to the catalog.
    pub attributes: Option<String>,
    pub comment: Option<String>,
}

/// A record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRecord {
    pub id: String,
    pub uri: String,
    pub dir: String,
    pub name: String,
    pub fingerprint: String,
    pub size: Option<i64>,
    pub media_type: String,
    pub file_created_at: Option<String>,
    pub file_updated_at: Option<String>,
    pub attributes: Option<String>,
    pub comment: Option<String>,
    pub deleted: bool,
    /// Tags by group.
    pub tags: BTreeMap<String, Vec<String>>,
    pub tags_updated_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// Tags to add to and remove from one group of a record.
#[derive(Debug, Clone, Default)]
pub struct TagChange {
    pub group: String,
    pub add: Vec<String>,
    pub remove: Vec<String>,
}

/// The order of a listing; ties go by id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FileRecordOrder {
    #[default]
    Uri,
    FileCreated,
    FileUpdated,
}

#[derive(Debug, Clone, Default)]
pub struct FileRecordQuery {
    /// `Some(false)`: live records only; `Some(true)`: deleted ones only; `None`: both.
    pub deleted: Option<bool>,
    /// Records whose folder contains this text, in any case.
    pub dir_contains: Option<String>,
    /// Records whose name contains this text, in any case.
    pub name_contains: Option<String>,
    /// Records whose media type's major part (`image` of `image/png`) is one of these.
    pub major_types: Vec<String>,
    /// Records whose media type is one of these.
    pub media_types: Vec<String>,
    /// Records with every one of these tags, in any group but `ignored_group`.
    pub tags_all: Vec<String>,
    /// Records with at least one of these tags, in any group but `ignored_group`.
    pub tags_any: Vec<String>,
    /// Records with none of these tags, in any group but `ignored_group`.
    pub tags_none: Vec<String>,
    /// A tag group that does not count as the record's tags (a list of tags taken away).
    pub ignored_group: Option<String>,
    pub ids: Vec<String>,
    /// Files updated in `[from, to]`, milliseconds.
    pub file_updated: (Option<i64>, Option<i64>),
    /// Tags updated in `[from, to]`, milliseconds.
    pub tags_updated: (Option<i64>, Option<i64>),
    pub order: FileRecordOrder,
    pub descending: bool,
    /// The `next` of the previous page.
    pub cursor: Option<String>,
    pub limit: i64,
}

/// One page of records, with how many match in all.
#[derive(Debug, Clone)]
pub struct FileRecordPage {
    pub page: Page<FileRecord>,
    pub total: i64,
}

enum Bind {
    Text(String),
    Int(i64),
}

const RECORD_COLUMNS: &str = "SELECT r.id, r.uri, r.dir, r.name, r.fingerprint, r.size, r.media_type, r.file_created_at, \
     r.file_updated_at, r.attributes, r.comment, r.deleted, r.tags_updated_at, r.created_at, r.updated_at \
     FROM file_records r WHERE r.dataset_id = $1 AND r.scope = $2";

impl Catalog {
    /// Writes records the client declares, or new facts of records it has: tags and
    /// deletion stay. `tags` are added to each record, by group.
    pub async fn put_file_records(
        &self,
        workspace_id: &str,
        dataset_id: &str,
        scope: &str,
        records: &[(NewFileRecord, Vec<TagChange>)],
    ) -> WharfResult<()> {
        let dataset = self.get_dataset(workspace_id, dataset_id).await?;
        let now = now_ms();
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        for (record, tags) in records {
            upsert(&mut tx, &dataset.id, scope, record, "client", None, now).await?;
            apply_tags(&mut tx, &dataset.id, scope, &record.id, tags, now).await?;
        }
        tx.commit().await.map_err(db_err)
    }

    /// Syncs a scope's records with the files of a committed version: `make` gives each
    /// file's record. Records of earlier syncs whose file the version no longer holds are
    /// marked deleted. Returns how many files the version holds.
    pub async fn sync_file_records(
        &self,
        workspace_id: &str,
        dataset_id: &str,
        scope: &str,
        version: i64,
        make: impl Fn(&DatasetFile) -> NewFileRecord,
    ) -> WharfResult<i64> {
        let dataset = self.get_dataset(workspace_id, dataset_id).await?;
        let mut cursor = None;
        let mut files = 0;
        loop {
            let page = self
                .list_samples(
                    workspace_id,
                    &dataset.id,
                    &SampleQuery {
                        version: Some(version),
                        cursor: cursor.clone(),
                        limit: SYNC_PAGE,
                        ..SampleQuery::default()
                    },
                )
                .await?;
            let now = now_ms();
            let mut tx = self.pool.begin().await.map_err(db_err)?;
            for sample in &page.items {
                for file in &sample.files {
                    upsert(
                        &mut tx,
                        &dataset.id,
                        scope,
                        &make(file),
                        "version",
                        Some(version),
                        now,
                    )
                    .await?;
                    files += 1;
                }
            }
            tx.commit().await.map_err(db_err)?;
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        sqlx::query(
            "UPDATE file_records SET deleted = 2, updated_at = $1 \
             WHERE dataset_id = $2 AND scope = $3 AND origin = 'version' AND synced_version <> $4 AND deleted = 0",
        )
        .bind(now_ms())
        .bind(&dataset.id)
        .bind(scope)
        .bind(version)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(files)
    }

    /// How many records of a scope are not deleted.
    pub async fn count_file_records(
        &self,
        workspace_id: &str,
        dataset_id: &str,
        scope: &str,
    ) -> WharfResult<i64> {
        let dataset = self.get_dataset(workspace_id, dataset_id).await?;
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM file_records WHERE dataset_id = $1 AND scope = $2 AND deleted = 0",
        )
        .bind(&dataset.id)
        .bind(scope)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)
    }

    /// The records of a scope that match, one page at a time, and how many match in all.
    pub async fn list_file_records(
        &self,
        workspace_id: &str,
        dataset_id: &str,
        scope: &str,
        query: &FileRecordQuery,
    ) -> WharfResult<FileRecordPage> {
        let dataset = self.get_dataset(workspace_id, dataset_id).await?;
        let limit = query.limit.clamp(1, MAX_PAGE);
        let mut binds = vec![Bind::Text(dataset.id.clone()), Bind::Text(scope.to_owned())];
        let mut sql = DynamicSql::new(RECORD_COLUMNS);
        sql.param_after(2);
        filters(&mut sql, &mut binds, query);
        let mut count = DynamicSql::new(
            "SELECT COUNT(*) AS n FROM file_records r WHERE r.dataset_id = $1 AND r.scope = $2",
        );
        count.param_after(2);
        let mut count_binds = vec![Bind::Text(dataset.id.clone()), Bind::Text(scope.to_owned())];
        filters(&mut count, &mut count_binds, query);
        let total: i64 = bind_all(count.query(), count_binds)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?
            .try_get("n")
            .map_err(db_err)?;

        let (key, comparison, direction) = match (query.order, query.descending) {
            (FileRecordOrder::Uri, false) => ("r.uri", " > ", " ASC"),
            (FileRecordOrder::Uri, true) => ("r.uri", " < ", " DESC"),
            (FileRecordOrder::FileCreated, false) => {
                ("COALESCE(r.file_created_at, 0)", " > ", " ASC")
            }
            (FileRecordOrder::FileCreated, true) => {
                ("COALESCE(r.file_created_at, 0)", " < ", " DESC")
            }
            (FileRecordOrder::FileUpdated, false) => {
                ("COALESCE(r.file_updated_at, 0)", " > ", " ASC")
            }
            (FileRecordOrder::FileUpdated, true) => {
                ("COALESCE(r.file_updated_at, 0)", " < ", " DESC")
            }
        };
        if let Some(cursor) = &query.cursor {
            let (sort, id) = parse_cursor(cursor)?;
            sql.push(" AND (")
                .push(key)
                .push(comparison)
                .param()
                .push(" OR (")
                .push(key)
                .push(" = ")
                .param()
                .push(" AND r.id")
                .push(comparison)
                .param()
                .push("))");
            let sort_bind = |s: &str| -> WharfResult<Bind> {
                if query.order == FileRecordOrder::Uri {
                    Ok(Bind::Text(s.to_owned()))
                } else {
                    s.parse().map(Bind::Int).map_err(|_| {
                        WharfError::invalid(format!(
                            "the page token '{cursor}' is not one this listing gave"
                        ))
                    })
                }
            };
            binds.push(sort_bind(&sort)?);
            binds.push(sort_bind(&sort)?);
            binds.push(Bind::Text(id));
        }
        sql.push(" ORDER BY ")
            .push(key)
            .push(direction)
            .push(", r.id")
            .push(direction)
            .push(" LIMIT ")
            .param();
        binds.push(Bind::Int(limit + 1));
        let rows = bind_all(sql.query(), binds)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let mut items = rows
            .iter()
            .take(limit as usize)
            .map(record_from_row)
            .collect::<WharfResult<Vec<_>>>()?;
        self.attach_tags(&dataset.id, scope, &mut items).await?;
        let next = (rows.len() as i64 > limit)
            .then(|| items.last().map(|r| cursor_of(r, query.order)))
            .flatten();
        Ok(FileRecordPage {
            page: Page { items, next },
            total,
        })
    }

    /// The records of a scope with these ids (those that exist), with their tags.
    pub async fn get_file_records(
        &self,
        workspace_id: &str,
        dataset_id: &str,
        scope: &str,
        ids: &[String],
    ) -> WharfResult<Vec<FileRecord>> {
        let dataset = self.get_dataset(workspace_id, dataset_id).await?;
        let mut found = Vec::new();
        for chunk in ids.chunks(crate::sql::rows_per_statement(1)) {
            let mut sql = DynamicSql::new(RECORD_COLUMNS);
            sql.param_after(2).push(" AND r.id IN ").tuple(chunk.len());
            let mut query = sql.query().bind(&dataset.id).bind(scope);
            for id in chunk {
                query = query.bind(id);
            }
            for row in query.fetch_all(&self.pool).await.map_err(db_err)? {
                found.push(record_from_row(&row)?);
            }
        }
        self.attach_tags(&dataset.id, scope, &mut found).await?;
        Ok(found)
    }

    /// Adds and removes a record's tags. False when the scope has no such record.
    pub async fn change_file_record_tags(
        &self,
        workspace_id: &str,
        dataset_id: &str,
        scope: &str,
        id: &str,
        changes: &[TagChange],
    ) -> WharfResult<bool> {
        let dataset = self.get_dataset(workspace_id, dataset_id).await?;
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let exists: Option<String> = sqlx::query_scalar(
            "SELECT id FROM file_records WHERE dataset_id = $1 AND scope = $2 AND id = $3",
        )
        .bind(&dataset.id)
        .bind(scope)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        if exists.is_none() {
            return Ok(false);
        }
        apply_tags(&mut tx, &dataset.id, scope, id, changes, now_ms()).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }

    /// Marks records deleted (or not). Returns the ids the scope has.
    pub async fn set_file_records_deleted(
        &self,
        workspace_id: &str,
        dataset_id: &str,
        scope: &str,
        ids: &[String],
        deleted: bool,
    ) -> WharfResult<Vec<String>> {
        let dataset = self.get_dataset(workspace_id, dataset_id).await?;
        let mut found = Vec::new();
        for id in ids {
            let changed = sqlx::query(
                "UPDATE file_records SET deleted = $1, updated_at = $2 WHERE dataset_id = $3 AND scope = $4 AND id = $5",
            )
            .bind(i64::from(deleted))
            .bind(now_ms())
            .bind(&dataset.id)
            .bind(scope)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
            if changed.rows_affected() > 0 {
                found.push(id.clone());
            }
        }
        Ok(found)
    }

    /// Removes every record of a scope, with its tags (the scope itself is gone: a platform's
    /// version deleted, say).
    pub async fn delete_file_records(
        &self,
        workspace_id: &str,
        dataset_id: &str,
        scope: &str,
    ) -> WharfResult<()> {
        let dataset = self.get_dataset(workspace_id, dataset_id).await?;
        sqlx::query("DELETE FROM file_records WHERE dataset_id = $1 AND scope = $2")
            .bind(&dataset.id)
            .bind(scope)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn attach_tags(
        &self,
        dataset_id: &str,
        scope: &str,
        records: &mut [FileRecord],
    ) -> WharfResult<()> {
        if records.is_empty() {
            return Ok(());
        }
        let mut by_record: HashMap<String, BTreeMap<String, Vec<String>>> = HashMap::new();
        for chunk in records.chunks(crate::sql::rows_per_statement(1)) {
            let mut sql = DynamicSql::new(
                "SELECT record_id, tag_group, tag FROM file_record_tags WHERE dataset_id = $1 AND scope = $2 AND record_id IN ",
            );
            sql.param_after(2)
                .tuple(chunk.len())
                .push(" ORDER BY tag_group, tag");
            let mut query = sql.query().bind(dataset_id).bind(scope);
            for record in chunk {
                query = query.bind(&record.id);
            }
            for row in query.fetch_all(&self.pool).await.map_err(db_err)? {
                let record: String = row.try_get("record_id").map_err(db_err)?;
                by_record
                    .entry(record)
                    .or_default()
                    .entry(row.try_get("tag_group").map_err(db_err)?)
                    .or_default()
                    .push(row.try_get("tag").map_err(db_err)?);
            }
        }
        for record in records.iter_mut() {
            record.tags = by_record.remove(&record.id).unwrap_or_default();
        }
        Ok(())
    }
}

/// Inserts a record or updates its facts; its tags and deletion stay.
async fn upsert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    dataset_id: &str,
    scope: &str,
    r: &NewFileRecord,
    origin: &str,
    version: Option<i64>,
    now: i64,
) -> WharfResult<()> {
    sqlx::query(
        "INSERT INTO file_records (dataset_id, scope, id, uri, dir, name, fingerprint, size, media_type, file_created_at, \
         file_updated_at, attributes, comment, origin, synced_version, deleted, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 0, $16, $16) \
         ON CONFLICT (dataset_id, scope, id) DO UPDATE SET uri = excluded.uri, dir = excluded.dir, name = excluded.name, \
         fingerprint = excluded.fingerprint, size = excluded.size, media_type = excluded.media_type, \
         file_created_at = excluded.file_created_at, file_updated_at = excluded.file_updated_at, \
         attributes = COALESCE(excluded.attributes, file_records.attributes), \
         comment = COALESCE(excluded.comment, file_records.comment), \
         synced_version = COALESCE(excluded.synced_version, file_records.synced_version), \
         deleted = CASE WHEN excluded.origin = 'version' AND file_records.deleted = 2 THEN 0 ELSE file_records.deleted END, \
         updated_at = excluded.updated_at",
    )
    .bind(dataset_id)
    .bind(scope)
    .bind(&r.id)
    .bind(&r.uri)
    .bind(&r.dir)
    .bind(&r.name)
    .bind(&r.fingerprint)
    .bind(r.size)
    .bind(&r.media_type)
    .bind(r.file_created_ms)
    .bind(r.file_updated_ms)
    .bind(&r.attributes)
    .bind(&r.comment)
    .bind(origin)
    .bind(version)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

async fn apply_tags(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    dataset_id: &str,
    scope: &str,
    id: &str,
    changes: &[TagChange],
    now: i64,
) -> WharfResult<()> {
    if changes
        .iter()
        .all(|c| c.add.is_empty() && c.remove.is_empty())
    {
        return Ok(());
    }
    for change in changes {
        for tag in &change.remove {
            sqlx::query(
                "DELETE FROM file_record_tags WHERE dataset_id = $1 AND scope = $2 AND record_id = $3 AND tag_group = $4 AND tag = $5",
            )
            .bind(dataset_id)
            .bind(scope)
            .bind(id)
            .bind(&change.group)
            .bind(tag)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
        }
        for tag in &change.add {
            sqlx::query(
                "INSERT INTO file_record_tags (dataset_id, scope, record_id, tag_group, tag) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (dataset_id, scope, record_id, tag_group, tag) DO NOTHING",
            )
            .bind(dataset_id)
            .bind(scope)
            .bind(id)
            .bind(&change.group)
            .bind(tag)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
        }
    }
    sqlx::query("UPDATE file_records SET tags_updated_at = $1 WHERE dataset_id = $2 AND scope = $3 AND id = $4")
        .bind(now)
        .bind(dataset_id)
        .bind(scope)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Appends a query's filters (all but the cursor) to a statement on `file_records r`.
fn filters(sql: &mut DynamicSql, binds: &mut Vec<Bind>, query: &FileRecordQuery) {
    match query.deleted {
        Some(false) => {
            sql.push(" AND r.deleted = 0");
        }
        Some(true) => {
            sql.push(" AND r.deleted <> 0");
        }
        None => {}
    }
    for (column, text) in [
        (" AND LOWER(r.dir) LIKE LOWER(", &query.dir_contains),
        (" AND LOWER(r.name) LIKE LOWER(", &query.name_contains),
    ] {
        if let Some(text) = text {
            sql.push(column).param().push(") ESCAPE '\\'");
            binds.push(Bind::Text(format!("%{}%", escape_like(text))));
        }
    }
    if !query.major_types.is_empty() {
        sql.push(" AND (");
        for (i, major) in query.major_types.iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            sql.push("r.media_type LIKE ").param().push(" ESCAPE '\\'");
            binds.push(Bind::Text(format!("{}/%", escape_like(major))));
        }
        sql.push(")");
    }
    if !query.media_types.is_empty() {
        sql.push(" AND r.media_type IN ")
            .tuple(query.media_types.len());
        binds.extend(query.media_types.iter().cloned().map(Bind::Text));
    }
    if !query.ids.is_empty() {
        sql.push(" AND r.id IN ").tuple(query.ids.len());
        binds.extend(query.ids.iter().cloned().map(Bind::Text));
    }
    let ignored = query.ignored_group.clone().unwrap_or_default();
    let has_tag = |sql: &mut DynamicSql, binds: &mut Vec<Bind>, tag: &str, negate: bool| {
        sql.push(if negate { " NOT EXISTS" } else { " EXISTS" })
            .push(" (SELECT 1 FROM file_record_tags t WHERE t.dataset_id = r.dataset_id AND t.scope = r.scope \
                   AND t.record_id = r.id AND t.tag_group <> ")
            .param()
            .push(" AND t.tag = ")
            .param()
            .push(")");
        binds.push(Bind::Text(ignored.clone()));
        binds.push(Bind::Text(tag.to_owned()));
    };
    for tag in &query.tags_all {
        sql.push(" AND");
        has_tag(sql, binds, tag, false);
    }
    if !query.tags_any.is_empty() {
        sql.push(" AND (");
        for (i, tag) in query.tags_any.iter().enumerate() {
            if i > 0 {
                sql.push(" OR");
            }
            has_tag(sql, binds, tag, false);
        }
        sql.push(")");
    }
    for tag in &query.tags_none {
        sql.push(" AND");
        has_tag(sql, binds, tag, true);
    }
    for (column, (from, to)) in [
        ("r.file_updated_at", query.file_updated),
        ("r.tags_updated_at", query.tags_updated),
    ] {
        if let Some(from) = from {
            sql.push(" AND ").push(column).push(" >= ").param();
            binds.push(Bind::Int(from));
        }
        if let Some(to) = to {
            sql.push(" AND ").push(column).push(" <= ").param();
            binds.push(Bind::Int(to));
        }
    }
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    binds: Vec<Bind>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for bind in binds {
        query = match bind {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    query
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A page token: the last record's sort key and id, as hex so that it is opaque text.
fn cursor_of(record: &FileRecord, order: FileRecordOrder) -> String {
    let ms = |t: &Option<String>| {
        t.as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map_or(0, |t| t.timestamp_millis())
    };
    let sort = match order {
        FileRecordOrder::Uri => record.uri.clone(),
        FileRecordOrder::FileCreated => ms(&record.file_created_at).to_string(),
        FileRecordOrder::FileUpdated => ms(&record.file_updated_at).to_string(),
    };
    hex::encode(format!("{sort}\n{}", record.id))
}

fn parse_cursor(cursor: &str) -> WharfResult<(String, String)> {
    hex::decode(cursor)
        .ok()
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|text| {
            text.rsplit_once('\n')
                .map(|(sort, id)| (sort.to_owned(), id.to_owned()))
        })
        .ok_or_else(|| {
            WharfError::invalid(format!(
                "the page token '{cursor}' is not one this listing gave"
            ))
        })
}

fn record_from_row(row: &AnyRow) -> WharfResult<FileRecord> {
    let time = |name: &str| -> WharfResult<Option<String>> {
        Ok(row
            .try_get::<Option<i64>, _>(name)
            .map_err(db_err)?
            .map(format_ms))
    };
    Ok(FileRecord {
        id: row.try_get("id").map_err(db_err)?,
        uri: row.try_get("uri").map_err(db_err)?,
        dir: row.try_get("dir").map_err(db_err)?,
        name: row.try_get("name").map_err(db_err)?,
        fingerprint: row.try_get("fingerprint").map_err(db_err)?,
        size: row.try_get("size").map_err(db_err)?,
        media_type: row.try_get("media_type").map_err(db_err)?,
        file_created_at: time("file_created_at")?,
        file_updated_at: time("file_updated_at")?,
        attributes: row.try_get("attributes").map_err(db_err)?,
        comment: row.try_get("comment").map_err(db_err)?,
        deleted: row.try_get::<i64, _>("deleted").map_err(db_err)? != 0,
        tags: BTreeMap::new(),
        tags_updated_at: time("tags_updated_at")?,
        created_at: format_ms(row.try_get("created_at").map_err(db_err)?),
        updated_at: format_ms(row.try_get("updated_at").map_err(db_err)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_read_back() {
        let record = FileRecord {
            id: "abc".into(),
            uri: "oss://b/x\ny".into(),
            dir: String::new(),
            name: String::new(),
            fingerprint: String::new(),
            size: None,
            media_type: String::new(),
            file_created_at: None,
            file_updated_at: Some("2024-01-02T03:04:05.006Z".into()),
            attributes: None,
            comment: None,
            deleted: false,
            tags: BTreeMap::new(),
            tags_updated_at: None,
            created_at: String::new(),
            updated_at: String::new(),
        };
        assert_eq!(
            parse_cursor(&cursor_of(&record, FileRecordOrder::Uri)).unwrap(),
            ("oss://b/x\ny".to_owned(), "abc".to_owned())
        );
        assert_eq!(
            parse_cursor(&cursor_of(&record, FileRecordOrder::FileUpdated))
                .unwrap()
                .0,
            "1704164645006"
        );
        assert!(parse_cursor("zz").is_err());
    }
}
