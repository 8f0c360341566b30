//! Turning an import request into a queued job.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wharf_catalog::{Catalog, NewDataset, NewJob};
use wharf_formats::modelarts_dir::ColumnKind;
use wharf_model::{
    Connection, Dataset, Dialect, ErrorCode, ImportOptions, Job, TableColumn, WharfError,
    WharfResult,
};
use wharf_storage::{AccessPolicy, Credentials, Scheme, SourceUri, protocol_of};

/// What a client asks for when it starts an import.
#[derive(Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// Where the data is, e.g. `s3://bucket/prefix`.
    pub source: String,
    /// The dataset to import into, by name or id.
    pub dataset: String,
    /// Make the dataset when it does not exist (the default).
    #[serde(default = "yes")]
    pub create_dataset: bool,
    /// The data type of a dataset made by this request.
    #[serde(default)]
    pub data_type: Option<String>,
    /// Credentials for this job only. Stored sealed while the job runs and erased when it ends.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub credentials: Option<Credentials>,
    /// The name of a stored connection whose credentials the job uses.
    #[serde(default)]
    pub connection: Option<String>,
    #[serde(default)]
    pub options: ImportOptions,
    /// The platform dialect asking, which imports only into datasets it made (and makes the
    /// dataset as its own); none for the native API, which may import into any.
    #[serde(skip)]
    pub dialect: Option<Dialect>,
    /// The job's id in the shape the dialect's platform gives its ids; made when none.
    #[serde(skip)]
    pub job_id: Option<String>,
}

fn yes() -> bool {
    true
}

/// Refuses a dialect's import into a dataset made through another dialect or the native API:
/// the workspace's datasets share one namespace, and a platform's script must never change a
/// dataset it did not make because it chose the same name.
pub fn check_origin(dataset: &Dataset, dialect: Option<Dialect>) -> WharfResult<()> {
    let Some(dialect) = dialect else {
        return Ok(());
    };
    if dataset.origin == Some(dialect) {
        return Ok(());
    }
    let made_by = match dataset.origin {
        Some(other) => format!("through the {} API", other.as_str()),
        None => "through Wharf's own API".to_owned(),
    };
    Err(WharfError::new(
        ErrorCode::AlreadyExists,
        format!(
            "the name '{}' is taken by a dataset made {made_by}, which the {} API does not change; choose another name",
            dataset.name,
            dialect.as_str()
        ),
    ))
}

/// Checks an import request and queues its job. Lists nothing: the source is first touched by
/// the worker that runs the job.
pub async fn submit_import(
    catalog: &Catalog,
    policy: &AccessPolicy,
    workspace_id: &str,
    mut request: ImportRequest,
) -> WharfResult<Job> {
    let (uri, connection) = check_source(
        catalog,
        policy,
        workspace_id,
        &request.source,
        request.credentials.as_ref(),
        request.connection.as_deref(),
    )
    .await?;
    if request.options.probe_concurrency == 0 || request.options.probe_concurrency > 256 {
        return Err(WharfError::invalid(format!(
            "options.probe_concurrency is {}; expected 1 to 256",
            request.options.probe_concurrency
        )));
    }
    if let Some(format) = &mut request.options.format {
        *format = crate::check_format(format)?.to_owned();
    }
    check_table_schema(&request.options.table_schema)?;
    if let Some(project) = request.options.annotation_project {
        catalog.get_project(workspace_id, project).await.map_err(|_| {
            WharfError::invalid(format!(
                "options.annotation_project is {project}, which is no project of this workspace; \
                 make one with POST /v1/projects"
            ))
        })?;
    }
    let dataset = match catalog.find_dataset(workspace_id, &request.dataset).await? {
        Some(d) => {
            check_origin(&d, request.dialect)?;
            d
        }
        None if request.create_dataset => {
            catalog
                .create_dataset(
                    workspace_id,
                    NewDataset {
                        name: request.dataset.clone(),
                        data_type: request.data_type.clone(),
                        origin: request.dialect,
                        ..Default::default()
                    },
                )
                .await?
        }
        None => return Err(WharfError::not_found("dataset", &request.dataset)),
    };
    let credentials_sealed = match &request.credentials {
        Some(c) => {
            let json = serde_json::to_string(c).map_err(|e| WharfError::internal(e.to_string()))?;
            Some(catalog.cipher().seal(&json)?)
        }
        None => None,
    };
    catalog
        .create_job(
            workspace_id,
            NewJob {
                dataset_id: dataset.id,
                source_uri: uri.as_str().to_owned(),
                connection_id: connection.map(|c| c.id),
                credentials_sealed,
                options: request.options,
                id: request.job_id,
            },
        )
        .await
}

/// Checks what a request says of its source without touching it: the URI, the credentials or
/// the stored connection (not both), a local path under the allowed roots, and an endpoint the
/// policy allows.
pub(crate) async fn check_source(
    catalog: &Catalog,
    policy: &AccessPolicy,
    workspace_id: &str,
    source: &str,
    credentials: Option<&Credentials>,
    connection: Option<&str>,
) -> WharfResult<(SourceUri, Option<Connection>)> {
    let uri = SourceUri::parse(source)?;
    if credentials.is_some() && connection.is_some() {
        return Err(WharfError::invalid(
            "give either credentials or a connection, not both",
        ));
    }
    let connection = match connection {
        Some(name) => Some(catalog.get_connection(workspace_id, name).await?),
        None => None,
    };
    if uri.scheme == Scheme::Fs {
        policy.check_local_path(&uri.prefix)?;
    }
    let endpoint = uri
        .endpoint
        .clone()
        .or_else(|| credentials.and_then(|c| c.endpoint.clone()))
        .or_else(|| connection.as_ref().and_then(|c| c.endpoint.clone()));
    let protocol = match (credentials, &connection) {
        (Some(credentials), _) => credentials.protocol.as_deref(),
        (None, Some(connection)) => connection.protocol.as_deref(),
        (None, None) => None,
    };
    protocol_of(&uri, endpoint.as_deref(), protocol)?;
    if let Some(endpoint) = endpoint {
        policy.check_endpoint(&endpoint).await?;
    }
    Ok((uri, connection))
}

/// Refuses a table schema whose column types Wharf does not know, or with a column named twice.
fn check_table_schema(columns: &[TableColumn]) -> WharfResult<()> {
    let mut names = std::collections::HashSet::new();
    for (i, column) in columns.iter().enumerate() {
        if ColumnKind::from_name(&column.kind).is_none() {
            return Err(WharfError::invalid(format!(
                "options.table_schema[{i}].type is '{}'; expected String, Short, Int, Long, Float, Double, Byte, Date, Timestamp or Boolean",
                column.kind
            )));
        }
        if column.name.trim().is_empty() {
            return Err(WharfError::invalid(format!(
                "options.table_schema[{i}].name is empty; expected the column's name"
            )));
        }
        if !names.insert(column.name.as_str()) {
            return Err(WharfError::invalid(format!(
                "options.table_schema names the column '{}' twice; expected each column once",
                column.name
            )));
        }
    }
    Ok(())
}
