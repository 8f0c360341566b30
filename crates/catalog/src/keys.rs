//! Workspaces and the API keys that open them.
//!
//! A key is shown once when it is made; the catalog keeps only its SHA-256, which is enough
//! for keys of 256 random bits.

use sha2::{Digest, Sha256};
use sqlx::Row;
use wharf_model::{ErrorCode, WharfError, WharfResult, Workspace};

use crate::{Catalog, db_err, format_ms, is_unique_violation, new_id, now_ms};

const KEY_PREFIX: &str = "wharf_";

impl Catalog {
    /// The workspace named `name`, made if it does not exist yet.
    pub async fn ensure_workspace(&self, name: &str) -> WharfResult<Workspace> {
        if let Some(ws) = self.workspace_by_name(name).await? {
            return Ok(ws);
        }
        let id = new_id();
        let now = now_ms();
        let inserted =
            sqlx::query("INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3)")
                .bind(&id)
                .bind(name)
                .bind(now)
                .execute(&self.pool)
                .await;
        match inserted {
            Ok(_) => Ok(Workspace {
                id,
                name: name.to_owned(),
                created_at: format_ms(now),
            }),
            // Another process made it first.
            Err(e) if is_unique_violation(&e) => self
                .workspace_by_name(name)
                .await?
                .ok_or_else(|| WharfError::internal("workspace vanished while being made")),
            Err(e) => Err(db_err(e)),
        }
    }

    pub async fn workspace_by_name(&self, name: &str) -> WharfResult<Option<Workspace>> {
        let row = sqlx::query("SELECT id, name, created_at FROM workspaces WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.map(|r| {
            Ok(Workspace {
                id: r.try_get("id").map_err(db_err)?,
                name: r.try_get("name").map_err(db_err)?,
                created_at: format_ms(r.try_get("created_at").map_err(db_err)?),
            })
        })
        .transpose()
    }

    /// Makes an API key for `workspace_id` and returns it. It cannot be read again.
    pub async fn create_api_key(&self, workspace_id: &str, name: &str) -> WharfResult<String> {
        let mut raw = [0u8; 32];
        getrandom::fill(&mut raw)
            .map_err(|e| WharfError::internal(format!("no randomness: {e}")))?;
        let key = format!("{KEY_PREFIX}{}", hex::encode(raw));
        sqlx::query(
            "INSERT INTO api_keys (id, workspace_id, name, key_hash, key_prefix, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new_id())
        .bind(workspace_id)
        .bind(name)
        .bind(hash_key(&key))
        .bind(&key[..KEY_PREFIX.len() + 6])
        .bind(now_ms())
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(key)
    }

    /// The workspace an API key opens.
    pub async fn authenticate(&self, key: &str) -> WharfResult<Workspace> {
        let row = sqlx::query(
            "SELECT w.id, w.name, w.created_at FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id \
             WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
        )
        .bind(hash_key(key))
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        let row = row.ok_or_else(|| {
            WharfError::new(
                ErrorCode::Unauthorized,
                "the API key is unknown or revoked; create one with `wharf keys create`",
            )
        })?;
        Ok(Workspace {
            id: row.try_get("id").map_err(db_err)?,
            name: row.try_get("name").map_err(db_err)?,
            created_at: format_ms(row.try_get("created_at").map_err(db_err)?),
        })
    }
}

fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}
