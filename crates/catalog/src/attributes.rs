//! What a platform dialect records about a dataset beyond Wharf's own fields.
//!
//! A dialect's create call may carry settings that Wharf does not act on but that the
//! platform shows back (ModelArts' dataset type code, work path, data sources, ...). They are
//! kept as one JSON document per dataset and dialect, which the catalog stores and returns
//! without reading. They go with the dataset when it is deleted.

use std::collections::HashMap;

use sqlx::Row;
use wharf_model::{Dialect, WharfError, WharfResult};

use crate::{Catalog, db_err, now_ms};

impl Catalog {
    /// Records `attributes` for `dialect` on a dataset of the workspace, replacing what it
    /// recorded before.
    pub async fn set_dataset_attributes(
        &self,
        workspace_id: &str,
        dataset_id: &str,
        dialect: Dialect,
        attributes: &serde_json::Value,
    ) -> WharfResult<()> {
        let dataset = self.get_dataset(workspace_id, dataset_id).await?;
        let text =
            serde_json::to_string(attributes).map_err(|e| WharfError::internal(e.to_string()))?;
        sqlx::query(
            "INSERT INTO dataset_attributes (dataset_id, dialect, attributes, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (dataset_id, dialect) DO UPDATE SET attributes = excluded.attributes, updated_at = excluded.updated_at",
        )
        .bind(&dataset.id)
        .bind(dialect.as_str())
        .bind(text)
        .bind(now_ms())
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    /// Replaces what `dialect` recorded on a dataset of the workspace, but only while it is
    /// still `expected` (`None`: nothing recorded yet). Returns whether it was replaced.
    ///
    /// A dialect that keeps a list in its attributes (PAI's dataset versions) reads the
    /// document, changes it and swaps it in: of two requests that change it at once, the later
    /// swap finds the document changed and the dialect reads it again, so neither change is
    /// lost, whichever process runs it.
    pub async fn swap_dataset_attributes(
        &self,
        workspace_id: &str,
        dataset_id: &str,
        dialect: Dialect,
        expected: Option<&serde_json::Value>,
        attributes: &serde_json::Value,
    ) -> WharfResult<bool> {
        let dataset = self.get_dataset(workspace_id, dataset_id).await?;
        let text =
            serde_json::to_string(attributes).map_err(|e| WharfError::internal(e.to_string()))?;
        let done = match expected {
            None => sqlx::query(
                "INSERT INTO dataset_attributes (dataset_id, dialect, attributes, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (dataset_id, dialect) DO NOTHING",
            )
            .bind(&dataset.id)
            .bind(dialect.as_str())
            .bind(text)
            .bind(now_ms())
            .execute(&self.pool)
            .await,
            // The stored text is what `serde_json` wrote, and reading it back and writing it
            // again gives the same text: comparing texts compares documents.
            Some(expected) => {
                let expected = serde_json::to_string(expected)
                    .map_err(|e| WharfError::internal(e.to_string()))?;
                sqlx::query(
                    "UPDATE dataset_attributes SET attributes = $1, updated_at = $2 \
                     WHERE dataset_id = $3 AND dialect = $4 AND attributes = $5",
                )
                .bind(text)
                .bind(now_ms())
                .bind(&dataset.id)
                .bind(dialect.as_str())
                .bind(expected)
                .execute(&self.pool)
                .await
            }
        };
        Ok(done.map_err(db_err)?.rows_affected() == 1)
    }

    /// What `dialect` recorded on a dataset of the workspace, if anything.
    pub async fn dataset_attributes(
        &self,
        workspace_id: &str,
        dataset_id: &str,
        dialect: Dialect,
    ) -> WharfResult<Option<serde_json::Value>> {
        let text: Option<String> = sqlx::query_scalar(
            "SELECT a.attributes FROM dataset_attributes a JOIN datasets d ON d.id = a.dataset_id \
             WHERE d.workspace_id = $1 AND a.dataset_id = $2 AND a.dialect = $3",
        )
        .bind(workspace_id)
        .bind(dataset_id)
        .bind(dialect.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        text.map(|t| parse(&t)).transpose()
    }

    /// What `dialect` recorded on each dataset of the workspace, by dataset id.
    pub async fn workspace_dataset_attributes(
        &self,
        workspace_id: &str,
        dialect: Dialect,
    ) -> WharfResult<HashMap<String, serde_json::Value>> {
        let rows = sqlx::query(
            "SELECT a.dataset_id, a.attributes FROM dataset_attributes a JOIN datasets d ON d.id = a.dataset_id \
             WHERE d.workspace_id = $1 AND a.dialect = $2",
        )
        .bind(workspace_id)
        .bind(dialect.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get("dataset_id").map_err(db_err)?;
                let text: String = r.try_get("attributes").map_err(db_err)?;
                Ok((id, parse(&text)?))
            })
            .collect()
    }
}

fn parse(text: &str) -> WharfResult<serde_json::Value> {
    serde_json::from_str(text)
        .map_err(|e| WharfError::internal(format!("stored dataset attributes are not JSON: {e}")))
}
