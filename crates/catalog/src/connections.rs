//! Named storage connections. The secret is sealed on the way in and only the engine reads it
//! back, through [`Catalog::connection_secret`].

use sqlx::Row;
use sqlx::any::AnyRow;
use wharf_model::{Connection, ErrorCode, WharfError, WharfResult};

use crate::{Catalog, db_err, format_ms, is_unique_violation, new_id, now_ms};

#[derive(Clone, Default)]
pub struct NewConnection {
    pub name: String,
    pub endpoint: Option<String>,
    /// The store protocol the endpoint speaks, already checked by the caller.
    pub protocol: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

/// A connection's settings with its secret opened, for the engine only.
#[derive(Clone, Default)]
pub struct ConnectionSecret {
    pub endpoint: Option<String>,
    pub protocol: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

impl Catalog {
    pub async fn create_connection(
        &self,
        workspace_id: &str,
        new: NewConnection,
    ) -> WharfResult<Connection> {
        crate::datasets::validate_dataset_name(&new.name).map_err(|_| {
            WharfError::invalid(format!(
                "connection name '{}' is not valid: expected 1 to 127 letters, digits, '_', '-' or '.', starting with a letter or digit",
                new.name
            ))
        })?;
        let sealed = new
            .secret_access_key
            .as_deref()
            .map(|s| self.cipher.seal(s))
            .transpose()?;
        let id = new_id();
        let inserted = sqlx::query(
            "INSERT INTO connections (id, workspace_id, name, endpoint, region, access_key_id, secret_sealed, created_at, protocol) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(workspace_id)
        .bind(&new.name)
        .bind(new.endpoint)
        .bind(new.region)
        .bind(new.access_key_id)
        .bind(sealed)
        .bind(now_ms())
        .bind(new.protocol)
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => self.get_connection(workspace_id, &new.name).await,
            Err(e) if is_unique_violation(&e) => Err(WharfError::new(
                ErrorCode::AlreadyExists,
                format!(
                    "a connection named '{}' already exists in this workspace",
                    new.name
                ),
            )),
            Err(e) => Err(db_err(e)),
        }
    }

    pub async fn get_connection(
        &self,
        workspace_id: &str,
        id_or_name: &str,
    ) -> WharfResult<Connection> {
        let row = self.connection_row(workspace_id, id_or_name).await?;
        connection_from_row(&row)
    }

    pub async fn list_connections(&self, workspace_id: &str) -> WharfResult<Vec<Connection>> {
        let rows = sqlx::query(
            "SELECT id, name, endpoint, region, access_key_id, secret_sealed, created_at, protocol FROM connections \
             WHERE workspace_id = $1 ORDER BY name",
        )
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(connection_from_row).collect()
    }

    pub async fn delete_connection(&self, workspace_id: &str, id_or_name: &str) -> WharfResult<()> {
        let connection = self.get_connection(workspace_id, id_or_name).await?;
        sqlx::query("DELETE FROM connections WHERE id = $1")
            .bind(&connection.id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    /// The connection's settings with the secret opened. Only the engine calls this, to run a job.
    pub async fn connection_secret(
        &self,
        workspace_id: &str,
        id: &str,
    ) -> WharfResult<ConnectionSecret> {
        let row = self.connection_row(workspace_id, id).await?;
        let sealed: Option<String> = row.try_get("secret_sealed").map_err(db_err)?;
        Ok(ConnectionSecret {
            endpoint: row.try_get("endpoint").map_err(db_err)?,
            protocol: row.try_get("protocol").map_err(db_err)?,
            region: row.try_get("region").map_err(db_err)?,
            access_key_id: row.try_get("access_key_id").map_err(db_err)?,
            secret_access_key: sealed.as_deref().map(|s| self.cipher.open(s)).transpose()?,
        })
    }

    async fn connection_row(&self, workspace_id: &str, id_or_name: &str) -> WharfResult<AnyRow> {
        sqlx::query(
            "SELECT id, name, endpoint, region, access_key_id, secret_sealed, created_at, protocol FROM connections \
             WHERE workspace_id = $1 AND (id = $2 OR name = $2)",
        )
        .bind(workspace_id)
        .bind(id_or_name)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?
        .ok_or_else(|| WharfError::not_found("connection", id_or_name))
    }
}

fn connection_from_row(r: &AnyRow) -> WharfResult<Connection> {
    Ok(Connection {
        id: r.try_get("id").map_err(db_err)?,
        name: r.try_get("name").map_err(db_err)?,
        endpoint: r.try_get("endpoint").map_err(db_err)?,
        protocol: r.try_get("protocol").map_err(db_err)?,
        region: r.try_get("region").map_err(db_err)?,
        access_key_id: r.try_get("access_key_id").map_err(db_err)?,
        has_secret: r
            .try_get::<Option<String>, _>("secret_sealed")
            .map_err(db_err)?
            .is_some(),
        created_at: format_ms(r.try_get("created_at").map_err(db_err)?),
    })
}
