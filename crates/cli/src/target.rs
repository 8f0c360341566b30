//! Where a command acts: on the local catalog (embedded), or on a Wharf server over HTTP.
//!
//! Both answer with the same model types, so every command prints the same thing either way.

use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;
use wharf_catalog::{Catalog, DatasetFilter, JobFilter, SampleQuery};
use wharf_engine::{CreateCollection, Engine, ImportRequest, ValidateRequest, submit_import};
use wharf_model::{
    Collection, Dataset, Job, JobError, Label, Page, Project, Sample, ValidationReport, Version,
    WharfError,
};

pub enum Target {
    Local {
        catalog: Catalog,
        engine: Engine,
        workspace_id: String,
    },
    Remote {
        http: reqwest::Client,
        base: String,
        api_key: String,
    },
}

/// A failure the server or the catalog answered with: printed as code and message.
#[derive(Debug)]
pub struct Refused(pub WharfError);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.0.message, self.0.code)
    }
}

impl std::error::Error for Refused {}

fn refused(e: WharfError) -> anyhow::Error {
    anyhow::Error::new(Refused(e))
}

impl Target {
    pub fn remote(base: &str, api_key: Option<String>) -> Result<Target> {
        let api_key = api_key.ok_or_else(|| {
            anyhow!("--server needs an API key: pass --api-key or set WHARF_API_KEY")
        })?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()?;
        Ok(Target::Remote {
            http,
            base: base.trim_end_matches('/').to_owned(),
            api_key,
        })
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T> {
        self.call_within(method, path, body, None).await
    }

    /// Calls the server, waiting up to `timeout` rather than the client's usual minute.
    async fn call_within<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        timeout: Option<Duration>,
    ) -> Result<T> {
        let Target::Remote {
            http,
            base,
            api_key,
        } = self
        else {
            return Err(anyhow!("not a remote target"));
        };
        let mut request = http
            .request(method, format!("{base}{path}"))
            .bearer_auth(api_key);
        if let Some(body) = body {
            request = request.json(body);
        }
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("cannot reach the Wharf server at {base}"))?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            #[derive(serde::Deserialize)]
            struct Body {
                error: WharfError,
            }
            return Err(match serde_json::from_str::<Body>(&text) {
                Ok(body) => refused(body.error),
                Err(_) => anyhow!("the server answered {status}: {text}"),
            });
        }
        let text = if status == StatusCode::NO_CONTENT {
            "null".to_owned()
        } else {
            text
        };
        serde_json::from_str(&text)
            .with_context(|| format!("unexpected answer from the server: {text}"))
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.call::<(), T>(Method::GET, path, None).await
    }

    pub async fn submit_import(&self, request: ImportRequest) -> Result<Job> {
        match self {
            Target::Local {
                catalog,
                engine,
                workspace_id,
            } => submit_import(catalog, engine.policy(), workspace_id, request)
                .await
                .map_err(refused),
            Target::Remote { .. } => self.call(Method::POST, "/v1/imports", Some(&request)).await,
        }
    }

    /// Has the server validate a source. Only a remote target does: locally, `wharf validate`
    /// reads the source itself.
    pub async fn validate(&self, request: &ValidateRequest) -> Result<ValidationReport> {
        // A large source takes as long to validate as to read.
        const VALIDATE_TIMEOUT: Duration = Duration::from_secs(6 * 3600);
        self.call_within(
            Method::POST,
            "/v1/validate",
            Some(request),
            Some(VALIDATE_TIMEOUT),
        )
        .await
    }

    pub async fn job(&self, id: &str) -> Result<Job> {
        match self {
            Target::Local {
                catalog,
                workspace_id,
                ..
            } => catalog.get_job(workspace_id, id).await.map_err(refused),
            Target::Remote { .. } => self.get(&format!("/v1/jobs/{}", encode(id))).await,
        }
    }

    pub async fn jobs(&self, state: Option<String>, limit: i64) -> Result<Page<Job>> {
        match self {
            Target::Local {
                catalog,
                workspace_id,
                ..
            } => {
                let state = state
                    .map(|s| {
                        wharf_model::JobState::parse(&s)
                            .ok_or_else(|| anyhow!("unknown state '{s}'"))
                    })
                    .transpose()?;
                let filter = JobFilter {
                    state,
                    limit,
                    ..Default::default()
                };
                catalog
                    .list_jobs(workspace_id, &filter)
                    .await
                    .map_err(refused)
            }
            Target::Remote { .. } => {
                let mut path = format!("/v1/jobs?limit={limit}");
                if let Some(s) = state {
                    path.push_str(&format!("&state={}", encode(&s)));
                }
                self.get(&path).await
            }
        }
    }

    pub async fn cancel(&self, id: &str) -> Result<Job> {
        match self {
            Target::Local {
                catalog,
                workspace_id,
                ..
            } => catalog.cancel_job(workspace_id, id).await.map_err(refused),
            Target::Remote { .. } => {
                self.call::<(), Job>(
                    Method::POST,
                    &format!("/v1/jobs/{}/cancel", encode(id)),
                    None,
                )
                .await
            }
        }
    }

    pub async fn job_errors(&self, id: &str, limit: i64) -> Result<Page<JobError>> {
        match self {
            Target::Local {
                catalog,
                workspace_id,
                ..
            } => catalog
                .list_job_errors(workspace_id, id, None, limit)
                .await
                .map_err(refused),
            Target::Remote { .. } => {
                self.get(&format!("/v1/jobs/{}/errors?limit={limit}", encode(id)))
                    .await
            }
        }
    }

    pub async fn datasets(&self, limit: i64) -> Result<Page<Dataset>> {
        match self {
            Target::Local {
                catalog,
                workspace_id,
                ..
            } => {
                let filter = DatasetFilter {
                    limit,
                    ..Default::default()
                };
                catalog
                    .list_datasets(workspace_id, &filter)
                    .await
                    .map_err(refused)
            }
            Target::Remote { .. } => self.get(&format!("/v1/datasets?limit={limit}")).await,
        }
    }

    pub async fn dataset(&self, name: &str) -> Result<Dataset> {
        match self {
            Target::Local {
                catalog,
                workspace_id,
                ..
            } => catalog
                .get_dataset(workspace_id, name)
                .await
                .map_err(refused),
            Target::Remote { .. } => self.get(&format!("/v1/datasets/{}", encode(name))).await,
        }
    }

    pub async fn versions(&self, name: &str) -> Result<Vec<Version>> {
        match self {
            Target::Local {
                catalog,
                workspace_id,
                ..
            } => catalog
                .list_versions(workspace_id, name)
                .await
                .map_err(refused),
            Target::Remote { .. } => {
                let page: Page<Version> = self
                    .get(&format!("/v1/datasets/{}/versions", encode(name)))
                    .await?;
                Ok(page.items)
            }
        }
    }

    pub async fn sample(&self, dataset: &str, key: &str, version: Option<i64>) -> Result<Sample> {
        match self {
            Target::Local {
                catalog,
                workspace_id,
                ..
            } => catalog
                .get_sample(workspace_id, dataset, key, version)
                .await
                .map_err(refused),
            Target::Remote { .. } => {
                let mut path = format!(
                    "/v1/datasets/{}/samples/{}",
                    encode(dataset),
                    key.split('/').map(encode).collect::<Vec<_>>().join("/")
                );
                if let Some(v) = version {
                    path.push_str(&format!("?version={v}"));
                }
                self.get(&path).await
            }
        }
    }

    pub async fn create_project(&self, name: &str) -> Result<Project> {
        match self {
            Target::Local {
                catalog,
                workspace_id,
                ..
            } => catalog
                .create_project(workspace_id, name)
                .await
                .map_err(refused),
            Target::Remote { .. } => {
                let body = serde_json::json!({ "name": name });
                self.call(Method::POST, "/v1/projects", Some(&body)).await
            }
        }
    }

    pub async fn create_collection(&self, request: CreateCollection) -> Result<Collection> {
        match self {
            Target::Local {
                catalog,
                workspace_id,
                ..
            } => wharf_engine::create_collection(catalog, workspace_id, request)
                .await
                .map_err(refused),
            Target::Remote { .. } => {
                let body = serde_json::json!({
                    "name": request.name,
                    "description": request.description,
                    "schema": request.schema,
                });
                self.call(Method::POST, "/v1/collections", Some(&body))
                    .await
            }
        }
    }

    pub async fn collections(&self) -> Result<Vec<Collection>> {
        match self {
            Target::Local {
                catalog,
                workspace_id,
                ..
            } => catalog
                .list_collections(workspace_id)
                .await
                .map_err(refused),
            Target::Remote { .. } => {
                let page: Page<Collection> = self.get("/v1/collections").await?;
                Ok(page.items)
            }
        }
    }

    pub async fn collection(&self, name: &str) -> Result<Collection> {
        match self {
            Target::Local {
                catalog,
                workspace_id,
                ..
            } => catalog
                .get_collection(workspace_id, name)
                .await
                .map_err(refused),
            Target::Remote { .. } => self.get(&format!("/v1/collections/{name}")).await,
        }
    }

    pub async fn drop_collection(&self, name: &str) -> Result<()> {
        match self {
            Target::Local {
                catalog,
                workspace_id,
                ..
            } => catalog
                .drop_collection(workspace_id, name)
                .await
                .map_err(refused),
            Target::Remote { .. } => {
                self.call::<(), ()>(Method::DELETE, &format!("/v1/collections/{name}"), None)
                    .await
            }
        }
    }

    pub async fn projects(&self) -> Result<Vec<Project>> {
        match self {
            Target::Local {
                catalog,
                workspace_id,
                ..
            } => catalog.list_projects(workspace_id).await.map_err(refused),
            Target::Remote { .. } => self.get("/v1/projects").await,
        }
    }

    pub async fn labels(&self, dataset: &str, version: Option<i64>) -> Result<Vec<Label>> {
        match self {
            Target::Local {
                catalog,
                workspace_id,
                ..
            } => catalog
                .list_labels(workspace_id, dataset, version)
                .await
                .map_err(refused),
            Target::Remote { .. } => {
                let mut path = format!("/v1/datasets/{}/labels", encode(dataset));
                if let Some(v) = version {
                    path.push_str(&format!("?version={v}"));
                }
                self.get(&path).await
            }
        }
    }

    pub async fn samples(&self, dataset: &str, query: SampleQuery) -> Result<Page<Sample>> {
        match self {
            Target::Local {
                catalog,
                workspace_id,
                ..
            } => catalog
                .list_samples(workspace_id, dataset, &query)
                .await
                .map_err(refused),
            Target::Remote { .. } => {
                let mut path = format!(
                    "/v1/datasets/{}/samples?limit={}",
                    encode(dataset),
                    query.limit
                );
                for (name, value) in [
                    ("version", query.version.map(|v| v.to_string())),
                    ("prefix", query.prefix),
                    ("media_type", query.media_type),
                    ("next", query.cursor),
                ] {
                    if let Some(value) = value {
                        path.push_str(&format!("&{name}={}", encode(&value)));
                    }
                }
                self.get(&path).await
            }
        }
    }

    /// Runs this process's own worker while `until` has not finished; the embedded import
    /// uses it, since no server runs the job otherwise.
    pub fn spawn_local_worker(&self) -> Option<CancellationToken> {
        let Target::Local { engine, .. } = self else {
            return None;
        };
        let shutdown = CancellationToken::new();
        let engine = engine.clone();
        let token = shutdown.clone();
        tokio::spawn(async move { engine.run(1, token).await });
        Some(shutdown)
    }
}

fn encode(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC).to_string()
}
