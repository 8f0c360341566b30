//! Workspaces and the keys that open them.
//!
//! An API key is shown once when it is made; the catalog keeps only its SHA-256, which is
//! enough for keys of 256 random bits. A dialect's key pair is different: the platforms sign
//! requests with the secret key (an HMAC or a digest over it), so checking a signature needs
//! the secret itself. It is kept sealed under the server's key and opened only to check one.

use sha2::{Digest, Sha256};
use sqlx::Row;
use wharf_model::{Dialect, DialectKeyPair, ErrorCode, WharfError, WharfResult, Workspace};

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
        row.as_ref().map(workspace_from_row).transpose()
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
        workspace_from_row(&row)
    }
}

/// A dialect's key, as a signature check needs it.
pub struct DialectKey {
    pub workspace: Workspace,
    pub secret_key: String,
}

/// Letters of an access key: upper case and digits, as the platforms' keys are.
const ACCESS_KEY_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ACCESS_KEY_LEN: usize = 24;

impl Catalog {
    /// Makes a key pair for `dialect` in `workspace_id`. The secret is returned this once.
    pub async fn create_dialect_key(
        &self,
        workspace_id: &str,
        dialect: Dialect,
    ) -> WharfResult<DialectKeyPair> {
        let mut raw = [0u8; ACCESS_KEY_LEN + 30];
        getrandom::fill(&mut raw)
            .map_err(|e| WharfError::internal(format!("no randomness: {e}")))?;
        let (access, secret) = raw.split_at(ACCESS_KEY_LEN);
        // 36 letters: the bias of `% 36` over a byte is below 1%, and the key is an id.
        let access_key: String = access
            .iter()
            .map(|b| char::from(ACCESS_KEY_ALPHABET[usize::from(*b) % ACCESS_KEY_ALPHABET.len()]))
            .collect();
        let secret_key = hex::encode(secret);
        sqlx::query(
            "INSERT INTO dialect_keys (id, workspace_id, dialect, access_key, secret_sealed, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new_id())
        .bind(workspace_id)
        .bind(dialect.as_str())
        .bind(&access_key)
        .bind(self.cipher.seal(&secret_key)?)
        .bind(now_ms())
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(DialectKeyPair {
            dialect,
            access_key,
            secret_key,
        })
    }

    /// The workspace and secret of a dialect's access key; `None` when the key is unknown or
    /// belongs to another dialect.
    pub async fn dialect_key(
        &self,
        dialect: Dialect,
        access_key: &str,
    ) -> WharfResult<Option<DialectKey>> {
        let row = sqlx::query(
            "SELECT w.id, w.name, w.created_at, k.secret_sealed FROM dialect_keys k \
             JOIN workspaces w ON w.id = k.workspace_id WHERE k.access_key = $1 AND k.dialect = $2",
        )
        .bind(access_key)
        .bind(dialect.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let sealed: String = row.try_get("secret_sealed").map_err(db_err)?;
        Ok(Some(DialectKey {
            workspace: workspace_from_row(&row)?,
            secret_key: self.cipher.open(&sealed)?,
        }))
    }
}

/// A workspace from a row with its `id`, `name` and `created_at`.
fn workspace_from_row(row: &sqlx::any::AnyRow) -> WharfResult<Workspace> {
    Ok(Workspace {
        id: row.try_get("id").map_err(db_err)?,
        name: row.try_get("name").map_err(db_err)?,
        created_at: format_ms(row.try_get("created_at").map_err(db_err)?),
    })
}

fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}
