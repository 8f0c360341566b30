//! Workers: claim a job, hold its lease, run it, finish it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tokio_util::task::AbortOnDropHandle;
use wharf_catalog::{Catalog, ClaimedJob, JobOutcome};
use wharf_model::{ErrorCode, WharfError};
use wharf_storage::AccessPolicy;

use crate::import::{Stop, run_import};

#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Names this process in leases and logs.
    pub worker_name: String,
    /// How long a claim lasts without a heartbeat.
    pub lease: Duration,
    /// How often an idle worker looks for work (it is also woken when this process queues one).
    pub poll: Duration,
    /// Objects per checkpoint. Each commit has a fixed cost (the lease check, a rewrite of the
    /// last page of every index, a checkpoint request): 2,000 halves it against 1,000 and keeps
    /// a batch's annotations to a few MiB.
    pub batch_size: usize,
    /// Attempts after which a job that keeps dying is failed.
    pub max_attempts: i64,
    /// Caps the objects per second one job handles, to spare a throttled store.
    pub max_objects_per_second: Option<u32>,
    pub policy: AccessPolicy,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            worker_name: format!("worker-{}", std::process::id()),
            lease: Duration::from_secs(30),
            poll: Duration::from_millis(500),
            batch_size: 2000,
            max_attempts: 5,
            max_objects_per_second: None,
            policy: AccessPolicy::default(),
        }
    }
}

/// Runs jobs from the catalog. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    pub(crate) catalog: Catalog,
    pub(crate) config: Arc<EngineConfig>,
    wake: Arc<Notify>,
}

impl Engine {
    pub fn new(catalog: Catalog, config: EngineConfig) -> Self {
        Self {
            catalog,
            config: Arc::new(config),
            wake: Arc::new(Notify::new()),
        }
    }

    pub fn policy(&self) -> &AccessPolicy {
        &self.config.policy
    }

    /// Tells idle workers of this process that a job was queued.
    pub fn wake(&self) {
        self.wake.notify_waiters();
    }

    /// Runs `count` workers until `shutdown` is cancelled. A job in progress at shutdown is
    /// left to its lease, and another worker resumes it.
    pub async fn run(&self, count: usize, shutdown: CancellationToken) {
        let mut workers = tokio::task::JoinSet::new();
        for n in 0..count {
            let engine = self.clone();
            let shutdown = shutdown.clone();
            let name = format!("{}-{n}", self.config.worker_name);
            workers.spawn(async move { engine.worker_loop(name, shutdown).await });
        }
        while workers.join_next().await.is_some() {}
    }

    async fn worker_loop(&self, name: String, shutdown: CancellationToken) {
        let lease_ms = self.config.lease.as_millis() as i64;
        while !shutdown.is_cancelled() {
            let woken = self.wake.notified();
            match self.catalog.claim_job(&name, lease_ms).await {
                Ok(Some(job)) => {
                    tracing::info!(job = %job.id, worker = %name, attempt = job.attempts, "claimed job");
                    tokio::select! {
                        _ = self.run_job(job) => {}
                        _ = shutdown.cancelled() => {}
                    }
                }
                Ok(None) => {
                    tokio::select! {
                        _ = woken => {}
                        _ = tokio::time::sleep(self.config.poll) => {}
                        _ = shutdown.cancelled() => {}
                    }
                }
                Err(e) => {
                    tracing::warn!(worker = %name, error = %e, "cannot claim jobs");
                    tokio::time::sleep(self.config.poll).await;
                }
            }
        }
    }

    /// Runs one claimed job to its end, keeping its lease alive meanwhile.
    async fn run_job(&self, mut job: ClaimedJob) {
        if job.attempts > self.config.max_attempts {
            let error = WharfError::new(
                ErrorCode::AttemptsExhausted,
                format!(
                    "the job was started {} times and no attempt finished; see the worker logs",
                    job.attempts - 1
                ),
            );
            self.finish(&job, JobOutcome::Failed(error)).await;
            return;
        }
        let stop = CancellationToken::new();
        let cancel_asked = CancellationToken::new();
        // Aborted when this future ends or is dropped (at shutdown), so the lease then lapses.
        let _heartbeat = AbortOnDropHandle::new(tokio::spawn(heartbeat_loop(
            self.catalog.clone(),
            job.clone(),
            self.config.lease,
            stop.clone(),
            cancel_asked.clone(),
        )));
        let result = run_import(self, &mut job, &stop, &cancel_asked).await;
        let outcome = match result {
            Ok(format) => JobOutcome::Completed { format },
            Err(Stop::Cancelled) => JobOutcome::Cancelled,
            Err(Stop::Failed(e)) => JobOutcome::Failed(e),
            Err(Stop::LeaseLost) => {
                tracing::warn!(job = %job.id, "lease lost; another worker carries on with the job");
                return;
            }
        };
        self.finish(&job, outcome).await;
    }

    async fn finish(&self, job: &ClaimedJob, outcome: JobOutcome) {
        let label = match &outcome {
            JobOutcome::Completed { .. } => "completed".to_owned(),
            JobOutcome::Cancelled => "cancelled".to_owned(),
            JobOutcome::Failed(e) => format!("failed: {e}"),
        };
        match self.catalog.finish_job(job, outcome).await {
            Ok(()) => tracing::info!(job = %job.id, outcome = %label, "job finished"),
            Err(e) => {
                tracing::warn!(job = %job.id, error = %e, "cannot record the end of the job; its lease will expire and it will be resumed")
            }
        }
    }
}

/// Extends the lease every third of its length. Cancels `stop` when the lease is lost or a
/// cancel is asked for (then also `cancel_asked`).
async fn heartbeat_loop(
    catalog: Catalog,
    job: ClaimedJob,
    lease: Duration,
    stop: CancellationToken,
    cancel_asked: CancellationToken,
) {
    let lease_ms = lease.as_millis() as i64;
    loop {
        tokio::time::sleep(lease / 3).await;
        match catalog.heartbeat(&job, lease_ms).await {
            Ok(beat) if !beat.owned => {
                stop.cancel();
                return;
            }
            Ok(beat) if beat.cancel_requested => {
                cancel_asked.cancel();
                stop.cancel();
                return;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(job = %job.id, error = %e, "heartbeat failed; retrying"),
        }
    }
}
