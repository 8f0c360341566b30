//! Vector collections: their names and schemas. The schema is checked by the caller (the
//! engine, with Milvus' rules) and kept as JSON.

use sqlx::Row;
use sqlx::any::AnyRow;
use wharf_model::{Collection, CollectionSchema, ErrorCode, WharfError, WharfResult};

use crate::{Catalog, db_err, format_ms, is_unique_violation, new_id, now_ms};

/// A collection to make, its schema already checked.
#[derive(Debug, Clone)]
pub struct NewCollection {
    pub name: String,
    pub description: String,
    pub schema: CollectionSchema,
}

impl Catalog {
    pub async fn create_collection(
        &self,
        workspace_id: &str,
        new: NewCollection,
    ) -> WharfResult<Collection> {
        let id = new_id();
        let schema =
            serde_json::to_string(&new.schema).map_err(|e| WharfError::internal(e.to_string()))?;
        let inserted = sqlx::query(
            "INSERT INTO collections (id, workspace_id, name, description, schema, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(workspace_id)
        .bind(&new.name)
        .bind(&new.description)
        .bind(schema)
        .bind(now_ms())
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => self.get_collection(workspace_id, &id).await,
            Err(e) if is_unique_violation(&e) => Err(WharfError::new(
                ErrorCode::AlreadyExists,
                format!(
                    "a collection named '{}' already exists in this workspace",
                    new.name
                ),
            )),
            Err(e) => Err(db_err(e)),
        }
    }

    /// The collection of the workspace with this name or id.
    pub async fn get_collection(
        &self,
        workspace_id: &str,
        name_or_id: &str,
    ) -> WharfResult<Collection> {
        let row = sqlx::query(
            "SELECT id, name, description, schema, created_at FROM collections \
             WHERE workspace_id = $1 AND (id = $2 OR name = $2)",
        )
        .bind(workspace_id)
        .bind(name_or_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?
        .ok_or_else(|| WharfError::not_found("collection", name_or_id))?;
        collection(&row)
    }

    /// The workspace's collections, by name.
    pub async fn list_collections(&self, workspace_id: &str) -> WharfResult<Vec<Collection>> {
        sqlx::query(
            "SELECT id, name, description, schema, created_at FROM collections \
             WHERE workspace_id = $1 ORDER BY name",
        )
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(collection)
        .collect()
    }

    pub async fn drop_collection(&self, workspace_id: &str, name_or_id: &str) -> WharfResult<()> {
        let found = self.get_collection(workspace_id, name_or_id).await?;
        sqlx::query("DELETE FROM collections WHERE id = $1")
            .bind(&found.id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

fn collection(row: &AnyRow) -> WharfResult<Collection> {
    let schema: String = row.try_get("schema").map_err(db_err)?;
    Ok(Collection {
        id: row.try_get("id").map_err(db_err)?,
        name: row.try_get("name").map_err(db_err)?,
        description: row.try_get("description").map_err(db_err)?,
        schema: serde_json::from_str(&schema).map_err(|e| {
            WharfError::internal(format!("a stored collection schema does not read: {e}"))
        })?,
        created_at: format_ms(row.try_get("created_at").map_err(db_err)?),
    })
}
