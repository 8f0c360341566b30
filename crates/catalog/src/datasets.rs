//! Datasets and their versions.

use std::collections::BTreeMap;

use sqlx::Row;
use sqlx::any::AnyRow;
use wharf_model::{
    Dataset, Dialect, ErrorCode, Page, Version, VersionState, WharfError, WharfResult,
};

use crate::sql::DynamicSql;
use crate::{Catalog, db_err, format_ms, is_unique_violation, new_id, now_ms};

const DATA_TYPES: &[&str] = &[
    "image",
    "point_cloud",
    "text",
    "audio",
    "video",
    "table",
    "common",
];

#[derive(Debug, Clone, Default)]
pub struct NewDataset {
    pub name: String,
    pub description: String,
    pub data_type: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// The dialect making it; none for the native API.
    pub origin: Option<Dialect>,
    /// An id in the shape the dialect's platform gives its ids; made here when none.
    pub id: Option<String>,
}

#[derive(Debug, Clone, Default)]
/// New description and labels of a dataset or a version; `None` keeps the current value.
pub struct MetadataUpdate {
    pub description: Option<String>,
    pub labels: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Default)]
pub struct DatasetFilter {
    /// Names containing this text.
    pub name_contains: Option<String>,
    pub data_type: Option<String>,
    /// `key` or `key=value` of a dataset label.
    pub label: Option<(String, Option<String>)>,
    pub offset: i64,
    pub limit: i64,
}

const DATASET_COLUMNS: &str = "id, name, description, data_type, source_uri, labels, latest_version, origin, created_at, updated_at";

/// Checks a dataset name: 1 to 127 characters, starting with a letter or digit (CJK included),
/// then letters, digits, `_`, `-` and `.`.
pub fn validate_dataset_name(name: &str) -> WharfResult<()> {
    let expected = "expected 1 to 127 characters: a letter or digit first, then letters, digits, '_', '-' or '.'";
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_alphanumeric());
    let rest_ok = chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !first_ok || !rest_ok || name.chars().count() > 127 {
        return Err(WharfError::invalid(format!(
            "dataset name '{name}' is not valid: {expected}"
        )));
    }
    Ok(())
}

fn validate_data_type(data_type: &str) -> WharfResult<()> {
    if DATA_TYPES.contains(&data_type) {
        Ok(())
    } else {
        Err(WharfError::invalid(format!(
            "data_type '{data_type}' is not known; expected one of {}",
            DATA_TYPES.join(", ")
        )))
    }
}

impl Catalog {
    pub async fn create_dataset(
        &self,
        workspace_id: &str,
        new: NewDataset,
    ) -> WharfResult<Dataset> {
        validate_dataset_name(&new.name)?;
        let data_type = new.data_type.unwrap_or_else(|| "common".to_owned());
        validate_data_type(&data_type)?;
        let id = match new.id {
            Some(id) => crate::check_id(id)?,
            None => new_id(),
        };
        let now = now_ms();
        let labels =
            serde_json::to_string(&new.labels).map_err(|e| WharfError::internal(e.to_string()))?;
        let inserted = sqlx::query(
            "INSERT INTO datasets (id, workspace_id, name, description, data_type, labels, created_at, updated_at, origin) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)",
        )
        .bind(&id)
        .bind(workspace_id)
        .bind(&new.name)
        .bind(&new.description)
        .bind(&data_type)
        .bind(labels)
        .bind(now)
        .bind(new.origin.map(Dialect::as_str))
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => self.get_dataset(workspace_id, &id).await,
            Err(e) if is_unique_violation(&e) => Err(WharfError::new(
                ErrorCode::AlreadyExists,
                format!(
                    "a dataset named '{}' already exists in this workspace",
                    new.name
                ),
            )),
            Err(e) => Err(db_err(e)),
        }
    }

    /// A dataset by id or by name.
    pub async fn get_dataset(&self, workspace_id: &str, id_or_name: &str) -> WharfResult<Dataset> {
        self.find_dataset(workspace_id, id_or_name)
            .await?
            .ok_or_else(|| WharfError::not_found("dataset", id_or_name))
    }

    pub async fn find_dataset(
        &self,
        workspace_id: &str,
        id_or_name: &str,
    ) -> WharfResult<Option<Dataset>> {
        let row = sqlx::query(
            "SELECT id, name, description, data_type, source_uri, labels, latest_version, origin, created_at, updated_at \
             FROM datasets WHERE workspace_id = $1 AND (id = $2 OR name = $2)",
        )
        .bind(workspace_id)
        .bind(id_or_name)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.as_ref().map(dataset_from_row).transpose()
    }

    pub async fn list_datasets(
        &self,
        workspace_id: &str,
        filter: &DatasetFilter,
    ) -> WharfResult<Page<Dataset>> {
        let mut sql = DynamicSql::new("SELECT ");
        sql.push(DATASET_COLUMNS)
            .push(" FROM datasets WHERE workspace_id = ")
            .param();
        let mut binds: Vec<String> = vec![workspace_id.to_owned()];
        if let Some(text) = &filter.name_contains {
            sql.push(" AND LOWER(name) LIKE LOWER(")
                .param()
                .push(") ESCAPE '\\'");
            binds.push(format!("%{}%", escape_like(text)));
        }
        if let Some(data_type) = &filter.data_type {
            sql.push(" AND data_type = ").param();
            binds.push(data_type.clone());
        }
        if let Some((key, value)) = &filter.label {
            let pair =
                serde_json::to_string(key).map_err(|e| WharfError::internal(e.to_string()))?;
            let needle = match value {
                Some(v) => format!(
                    "{pair}:{}",
                    serde_json::to_string(v).map_err(|e| WharfError::internal(e.to_string()))?
                ),
                None => format!("{pair}:"),
            };
            sql.push(" AND LOWER(labels) LIKE LOWER(")
                .param()
                .push(") ESCAPE '\\'");
            binds.push(format!("%{}%", escape_like(&needle)));
        }
        sql.push(" ORDER BY name");
        sql.fetch_offset_page(
            &self.pool,
            binds,
            filter.offset,
            filter.limit,
            dataset_from_row,
        )
        .await
    }

    pub async fn update_dataset(
        &self,
        workspace_id: &str,
        id_or_name: &str,
        update: MetadataUpdate,
    ) -> WharfResult<Dataset> {
        let current = self.get_dataset(workspace_id, id_or_name).await?;
        let description = update.description.unwrap_or(current.description);
        let labels = update.labels.unwrap_or(current.labels);
        let labels =
            serde_json::to_string(&labels).map_err(|e| WharfError::internal(e.to_string()))?;
        sqlx::query(
            "UPDATE datasets SET description = $1, labels = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(description)
        .bind(labels)
        .bind(now_ms())
        .bind(&current.id)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        self.get_dataset(workspace_id, &current.id).await
    }

    /// Gives a dataset a new name, checked as a new dataset's is. Dialects whose platforms
    /// rename datasets (PAI's UpdateDataset) need it; the name is unique in the workspace.
    pub async fn rename_dataset(
        &self,
        workspace_id: &str,
        id_or_name: &str,
        name: &str,
    ) -> WharfResult<Dataset> {
        validate_dataset_name(name)?;
        let current = self.get_dataset(workspace_id, id_or_name).await?;
        let renamed = sqlx::query("UPDATE datasets SET name = $1, updated_at = $2 WHERE id = $3")
            .bind(name)
            .bind(now_ms())
            .bind(&current.id)
            .execute(&self.pool)
            .await;
        match renamed {
            Ok(_) => self.get_dataset(workspace_id, &current.id).await,
            Err(e) if is_unique_violation(&e) => Err(WharfError::new(
                ErrorCode::AlreadyExists,
                format!("a dataset named '{name}' already exists in this workspace"),
            )),
            Err(e) => Err(db_err(e)),
        }
    }

    /// Deletes a dataset with its versions, samples and finished jobs. Refused while an import
    /// into it is queued or running.
    pub async fn delete_dataset(&self, workspace_id: &str, id_or_name: &str) -> WharfResult<()> {
        let dataset = self.get_dataset(workspace_id, id_or_name).await?;
        let active: Option<String> = sqlx::query_scalar(
            "SELECT id FROM jobs WHERE dataset_id = $1 AND state IN ('queued', 'running') LIMIT 1",
        )
        .bind(&dataset.id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        if let Some(job) = active {
            return Err(WharfError::new(
                ErrorCode::Conflict,
                format!(
                    "dataset '{}' has an import in progress (job {job}); cancel it first",
                    dataset.name
                ),
            ));
        }
        // Annotations hang off sample ids without a foreign key, so they go first.
        sqlx::query(
            "DELETE FROM annotations WHERE sample_id IN (SELECT id FROM samples WHERE dataset_id = $1)",
        )
        .bind(&dataset.id)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        sqlx::query("DELETE FROM datasets WHERE id = $1")
            .bind(&dataset.id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    /// Committed versions of a dataset, newest first.
    pub async fn list_versions(
        &self,
        workspace_id: &str,
        id_or_name: &str,
    ) -> WharfResult<Vec<Version>> {
        let dataset = self.get_dataset(workspace_id, id_or_name).await?;
        let rows = sqlx::query(
            "SELECT id, dataset_id, number, state, description, labels, sample_count, file_count, byte_size, job_id, created_at \
             FROM versions WHERE dataset_id = $1 AND state = 'committed' ORDER BY number DESC",
        )
        .bind(&dataset.id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(version_from_row).collect()
    }

    pub async fn get_version(
        &self,
        workspace_id: &str,
        id_or_name: &str,
        number: i64,
    ) -> WharfResult<Version> {
        let dataset = self.get_dataset(workspace_id, id_or_name).await?;
        let row = sqlx::query(
            "SELECT id, dataset_id, number, state, description, labels, sample_count, file_count, byte_size, job_id, created_at \
             FROM versions WHERE dataset_id = $1 AND number = $2 AND state = 'committed'",
        )
        .bind(&dataset.id)
        .bind(number)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.as_ref()
            .map(version_from_row)
            .transpose()?
            .ok_or_else(|| {
                WharfError::not_found("version", &format!("v{number} of dataset {}", dataset.name))
            })
    }

    /// Sets a committed version's description and labels; its samples never change.
    pub async fn update_version(
        &self,
        workspace_id: &str,
        id_or_name: &str,
        number: i64,
        update: MetadataUpdate,
    ) -> WharfResult<Version> {
        let current = self.get_version(workspace_id, id_or_name, number).await?;
        let labels = serde_json::to_string(&update.labels.unwrap_or(current.labels))
            .map_err(|e| WharfError::internal(e.to_string()))?;
        sqlx::query("UPDATE versions SET description = $1, labels = $2 WHERE id = $3")
            .bind(update.description.unwrap_or(current.description))
            .bind(labels)
            .bind(&current.id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        self.get_version(workspace_id, id_or_name, number).await
    }
}

/// Escapes `LIKE` wildcards. `LIKE` is compared on `LOWER()` of both sides, since SQLite's
/// `LIKE` ignores ASCII case and PostgreSQL's does not.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn parse_labels(text: &str) -> BTreeMap<String, String> {
    serde_json::from_str(text).unwrap_or_default()
}

pub(crate) fn dataset_from_row(r: &AnyRow) -> WharfResult<Dataset> {
    Ok(Dataset {
        id: r.try_get("id").map_err(db_err)?,
        name: r.try_get("name").map_err(db_err)?,
        description: r.try_get("description").map_err(db_err)?,
        data_type: r.try_get("data_type").map_err(db_err)?,
        source_uri: r.try_get("source_uri").map_err(db_err)?,
        labels: parse_labels(&r.try_get::<String, _>("labels").map_err(db_err)?),
        latest_version: r.try_get("latest_version").map_err(db_err)?,
        origin: r
            .try_get::<Option<String>, _>("origin")
            .map_err(db_err)?
            .as_deref()
            .and_then(Dialect::parse),
        created_at: format_ms(r.try_get("created_at").map_err(db_err)?),
        updated_at: format_ms(r.try_get("updated_at").map_err(db_err)?),
    })
}

fn version_from_row(r: &AnyRow) -> WharfResult<Version> {
    let number: i64 = r.try_get("number").map_err(db_err)?;
    let state: String = r.try_get("state").map_err(db_err)?;
    Ok(Version {
        id: r.try_get("id").map_err(db_err)?,
        dataset_id: r.try_get("dataset_id").map_err(db_err)?,
        number,
        name: format!("v{number}"),
        state: if state == "committed" {
            VersionState::Committed
        } else {
            VersionState::Pending
        },
        description: r.try_get("description").map_err(db_err)?,
        labels: parse_labels(&r.try_get::<String, _>("labels").map_err(db_err)?),
        sample_count: r.try_get("sample_count").map_err(db_err)?,
        file_count: r.try_get("file_count").map_err(db_err)?,
        byte_size: r.try_get("byte_size").map_err(db_err)?,
        job_id: r.try_get("job_id").map_err(db_err)?,
        created_at: format_ms(r.try_get("created_at").map_err(db_err)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dataset_names_follow_the_rules() {
        for ok in ["coco", "COCO-2017_train.v2", "数据集1", "a"] {
            assert!(validate_dataset_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-lead", "has space", "semi;colon", &"x".repeat(128)] {
            assert_eq!(
                validate_dataset_name(bad).unwrap_err().code,
                ErrorCode::InvalidRequest,
                "{bad}"
            );
        }
    }
}
