//! Vector collections: their names and schemas. The schema is checked by the caller (the
//! engine, with Milvus' rules) and kept as JSON.

use sqlx::Row;
use sqlx::any::AnyRow;
use wharf_model::{Collection, CollectionSchema, ErrorCode, WharfError, WharfResult};

use crate::{Catalog, db_err, format_ms, is_unique_violation, new_id, now_ms};

/// The partition every collection has from its start.
pub const DEFAULT_PARTITION: &str = "_default";

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
        let now = now_ms();
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let inserted = sqlx::query(
            "INSERT INTO collections (id, workspace_id, name, description, schema, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(workspace_id)
        .bind(&new.name)
        .bind(&new.description)
        .bind(schema)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(WharfError::new(
                    ErrorCode::AlreadyExists,
                    format!(
                        "a collection named '{}' already exists in this workspace",
                        new.name
                    ),
                ));
            }
            Err(e) => return Err(db_err(e)),
        }
        sqlx::query(
            "INSERT INTO collection_partitions (collection_id, name, created_at) VALUES ($1, $2, $3)",
        )
        .bind(&id)
        .bind(DEFAULT_PARTITION)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        self.get_collection(workspace_id, &id).await
    }

    /// Adds a partition to a collection; its name is checked by the caller.
    pub async fn create_partition(
        &self,
        workspace_id: &str,
        collection: &str,
        name: &str,
    ) -> WharfResult<Collection> {
        let found = self.get_collection(workspace_id, collection).await?;
        let inserted = sqlx::query(
            "INSERT INTO collection_partitions (collection_id, name, created_at) VALUES ($1, $2, $3)",
        )
        .bind(&found.id)
        .bind(name)
        .bind(now_ms())
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => self.get_collection(workspace_id, &found.id).await,
            Err(e) if is_unique_violation(&e) => Err(WharfError::new(
                ErrorCode::AlreadyExists,
                format!(
                    "collection '{}' already has a partition named '{name}'",
                    found.name
                ),
            )),
            Err(e) => Err(db_err(e)),
        }
    }

    /// Drops a partition other than `_default`, which every collection keeps.
    pub async fn drop_partition(
        &self,
        workspace_id: &str,
        collection: &str,
        name: &str,
    ) -> WharfResult<()> {
        let found = self.get_collection(workspace_id, collection).await?;
        if name == DEFAULT_PARTITION {
            return Err(WharfError::invalid(format!(
                "the partition '{DEFAULT_PARTITION}' of collection '{}' cannot be dropped; expected the name of a partition made with POST /v1/collections/{}/partitions",
                found.name, found.name
            )));
        }
        let dropped =
            sqlx::query("DELETE FROM collection_partitions WHERE collection_id = $1 AND name = $2")
                .bind(&found.id)
                .bind(name)
                .execute(&self.pool)
                .await
                .map_err(db_err)?
                .rows_affected();
        if dropped == 0 {
            return Err(WharfError::not_found("partition", name));
        }
        Ok(())
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
        let mut found = collection(&row)?;
        found.partitions = self.partitions_of(&found.id).await?;
        Ok(found)
    }

    async fn partitions_of(&self, collection_id: &str) -> WharfResult<Vec<String>> {
        sqlx::query_scalar(
            "SELECT name FROM collection_partitions WHERE collection_id = $1 \
             ORDER BY CASE WHEN name = '_default' THEN 0 ELSE 1 END, created_at, name",
        )
        .bind(collection_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }

    /// The workspace's collections, by name.
    pub async fn list_collections(&self, workspace_id: &str) -> WharfResult<Vec<Collection>> {
        let rows = sqlx::query(
            "SELECT id, name, description, schema, created_at FROM collections \
             WHERE workspace_id = $1 ORDER BY name",
        )
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let mut collections = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut found = collection(row)?;
            found.partitions = self.partitions_of(&found.id).await?;
            collections.push(found);
        }
        Ok(collections)
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
        partitions: Vec::new(),
        created_at: format_ms(row.try_get("created_at").map_err(db_err)?),
    })
}
