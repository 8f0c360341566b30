//! Annotation projects and their tasks.

use sqlx::Row;
use sqlx::any::AnyRow;
use wharf_model::{ErrorCode, Project, Task, WharfError, WharfResult};

use crate::{Catalog, db_err, format_ms, is_unique_violation, now_ms};

impl Catalog {
    pub async fn create_project(&self, workspace_id: &str, name: &str) -> WharfResult<Project> {
        let name = name.trim();
        if name.is_empty() || name.len() > 200 {
            return Err(WharfError::invalid(format!(
                "a project name must be 1 to 200 bytes; '{name}' is {} bytes",
                name.len()
            )));
        }
        let now = now_ms();
        let row = sqlx::query(
            "INSERT INTO projects (workspace_id, name, created_at) VALUES ($1, $2, $3) \
             RETURNING id, name, created_at",
        )
        .bind(workspace_id)
        .bind(name)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                WharfError::new(
                    ErrorCode::AlreadyExists,
                    format!("a project named '{name}' already exists in this workspace"),
                )
            } else {
                db_err(e)
            }
        })?;
        project(&row)
    }

    pub async fn list_projects(&self, workspace_id: &str) -> WharfResult<Vec<Project>> {
        sqlx::query("SELECT id, name, created_at FROM projects WHERE workspace_id = $1 ORDER BY id")
            .bind(workspace_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(project)
            .collect()
    }

    /// The project `id` of the workspace; another workspace's project is not found.
    pub async fn get_project(&self, workspace_id: &str, id: i64) -> WharfResult<Project> {
        let row = sqlx::query(
            "SELECT id, name, created_at FROM projects WHERE workspace_id = $1 AND id = $2",
        )
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        match row {
            Some(row) => project(&row),
            None => Err(WharfError::not_found("project", &id.to_string())),
        }
    }

    /// The tasks an import made.
    pub async fn tasks_of_job(&self, job_id: &str) -> WharfResult<Vec<Task>> {
        sqlx::query(
            "SELECT id, project_id, dataset_id, sample_id, job_id FROM tasks WHERE job_id = $1 ORDER BY id",
        )
        .bind(job_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| {
            Ok(Task {
                id: r.try_get("id").map_err(db_err)?,
                project_id: r.try_get("project_id").map_err(db_err)?,
                dataset_id: r.try_get("dataset_id").map_err(db_err)?,
                sample_id: r.try_get("sample_id").map_err(db_err)?,
                job_id: r.try_get("job_id").map_err(db_err)?,
            })
        })
        .collect()
    }

    /// The data items an import held that got no task from it: the project already had one
    /// for them, from an earlier request.
    pub async fn untasked_samples_of_job(
        &self,
        job_id: &str,
        project_id: i64,
    ) -> WharfResult<Vec<String>> {
        sqlx::query_scalar(
            "SELECT s.id FROM samples s JOIN tasks t ON t.sample_id = s.id AND t.project_id = $1 \
             WHERE s.last_seen_job = $2 AND s.removed_in IS NULL AND t.job_id <> $2 ORDER BY s.id",
        )
        .bind(project_id)
        .bind(job_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }
}

fn project(row: &AnyRow) -> WharfResult<Project> {
    Ok(Project {
        id: row.try_get("id").map_err(db_err)?,
        name: row.try_get("name").map_err(db_err)?,
        created_at: format_ms(row.try_get("created_at").map_err(db_err)?),
    })
}
