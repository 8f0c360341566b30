//! The import of a plain layout: every object under the source becomes one sample.
//!
//! Stages: the listing runs in its own task and feeds a bounded queue (so it runs ahead of the
//! writes without holding the whole listing); the importer takes batches from the queue,
//! compares them with the dataset's live samples, probes image headers of new or changed
//! objects concurrently, and checkpoints each batch.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use wharf_catalog::{BatchWrite, ClaimedJob, NewFile, NewJobError, NewSample};
use wharf_model::{ErrorCode, JobCounters, WharfError, WharfResult};
use wharf_storage::{Credentials, Listed, Source, SourceUri};

use crate::Engine;

/// Why an import stopped before the end of its source.
pub(crate) enum Stop {
    Cancelled,
    LeaseLost,
    Failed(WharfError),
}

impl From<WharfError> for Stop {
    fn from(e: WharfError) -> Self {
        if e.code == ErrorCode::Conflict {
            Stop::LeaseLost
        } else {
            Stop::Failed(e)
        }
    }
}

pub(crate) async fn run_import(
    engine: &Engine,
    job: &mut ClaimedJob,
    stop: &CancellationToken,
    cancel_asked: &CancellationToken,
) -> Result<(), Stop> {
    let credentials = resolve_credentials(engine, job).await?;
    let secrets: Vec<String> = credentials
        .secret_access_key
        .iter()
        .chain(&credentials.session_token)
        .cloned()
        .collect();
    let result = import_source(engine, job, credentials, &secrets, stop).await;
    match result {
        _ if cancel_asked.is_cancelled() => Err(Stop::Cancelled),
        // Stopped without a cancel request: the heartbeat found the lease taken over.
        Err(Stop::Cancelled) => Err(Stop::LeaseLost),
        Err(Stop::Failed(e)) => Err(Stop::Failed(redact(e, &secrets))),
        other => other,
    }
}

/// The job's own credentials, else its connection's, each completed from the environment.
async fn resolve_credentials(engine: &Engine, job: &ClaimedJob) -> Result<Credentials, Stop> {
    let uri = SourceUri::parse(&job.source_uri)?;
    let env = Credentials::from_env(uri.scheme);
    if let Some(sealed) = &job.credentials_sealed {
        let json = engine.catalog.cipher().open(sealed)?;
        let own: Credentials = serde_json::from_str(&json)
            .map_err(|_| WharfError::internal("the job's stored credentials are not readable"))?;
        return Ok(own.or(env));
    }
    if let Some(connection) = &job.connection_id {
        let stored = engine
            .catalog
            .connection_secret(&job.workspace_id, connection)
            .await?;
        let from_connection = Credentials {
            access_key_id: stored.access_key_id,
            secret_access_key: stored.secret_access_key,
            session_token: None,
            endpoint: stored.endpoint,
            region: stored.region,
        };
        return Ok(from_connection.or(env));
    }
    Ok(env)
}

async fn import_source(
    engine: &Engine,
    job: &mut ClaimedJob,
    credentials: Credentials,
    secrets: &[String],
    stop: &CancellationToken,
) -> Result<(), Stop> {
    let uri = SourceUri::parse(&job.source_uri)?;
    let source = Source::open(&uri, credentials, &engine.config.policy).await?;
    engine.catalog.prepare_version(job).await?;

    let batch_size = engine.config.batch_size.max(1);
    let listed = Arc::new(AtomicI64::new(0));
    let (tx, mut rx) = mpsc::channel::<WharfResult<Listed>>(batch_size * 4);
    let lister = {
        let listed = listed.clone();
        let stop = stop.clone();
        let mut entries = source.list();
        tokio::spawn(async move {
            while let Some(item) =
                tokio::select! { item = entries.next() => item, _ = stop.cancelled() => None }
            {
                let failed = item.is_err();
                if item.is_ok() {
                    listed.fetch_add(1, Ordering::Relaxed);
                }
                if tx.send(item).await.is_err() || failed {
                    break;
                }
            }
        })
    };

    let base_processed = job.counters.processed;
    let mut already_done: i64 = 0;
    let started = Instant::now();
    let mut handled_this_attempt: i64 = 0;
    let outcome = loop {
        let mut batch = Vec::with_capacity(batch_size);
        let mut listing_error = None;
        tokio::select! {
            n = rx.recv_many(&mut batch, batch_size) => { if n == 0 { break Ok(()); } }
            _ = stop.cancelled() => break Err(Stop::Cancelled),
        }
        let mut entries = Vec::with_capacity(batch.len());
        for item in batch {
            match item {
                Ok(entry) => entries.push(entry),
                Err(e) => listing_error = Some(e),
            }
        }
        let write = match plan_batch(engine, job, &source, entries, secrets).await {
            Ok((write, done)) => {
                already_done += done;
                write
            }
            Err(e) => break Err(e.into()),
        };
        handled_this_attempt += write.delta.processed;
        let mut write = write;
        write.discovered = base_processed + listed.load(Ordering::Relaxed) - already_done;
        if stop.is_cancelled() {
            break Err(Stop::Cancelled);
        }
        if let Err(e) = engine.catalog.commit_batch(job, &write).await {
            break Err(e.into());
        }
        if let Some(e) = listing_error {
            break Err(Stop::Failed(e));
        }
        if let Some(rate) = engine.config.max_objects_per_second {
            let due = Duration::from_secs_f64(handled_this_attempt as f64 / f64::from(rate.max(1)));
            let elapsed = started.elapsed();
            if due > elapsed {
                tokio::select! {
                    _ = tokio::time::sleep(due - elapsed) => {}
                    _ = stop.cancelled() => {}
                }
            }
        }
    };
    lister.abort();
    outcome?;
    if base_processed + handled_this_attempt == 0 {
        return Err(Stop::Failed(WharfError::new(
            ErrorCode::SourceEmpty,
            format!(
                "no objects under '{uri}'; check the bucket and the prefix (a prefix names a folder, e.g. s3://bucket/images/)"
            ),
        )));
    }
    Ok(())
}

/// Compares a batch with the dataset's live samples and reads what is new. Returns the write
/// and how many items this job had already handled on an earlier attempt.
async fn plan_batch(
    engine: &Engine,
    job: &ClaimedJob,
    source: &Source,
    items: Vec<Listed>,
    secrets: &[String],
) -> WharfResult<(BatchWrite, i64)> {
    let keys: Vec<String> = items.iter().map(|i| i.path().to_owned()).collect();
    let live = engine.catalog.live_samples(&job.dataset_id, &keys).await?;
    // Items that failed on an earlier attempt were handled and counted then.
    let failed_before = if job.attempts > 1 {
        engine.catalog.failed_item_paths(&job.id, &keys).await?
    } else {
        HashSet::new()
    };
    let mut write = BatchWrite::default();
    let mut delta = JobCounters::default();
    let mut done = 0;
    let mut to_read = Vec::new();
    for item in items {
        if failed_before.contains(item.path()) {
            done += 1;
            continue;
        }
        let entry = match item {
            Listed::Object(entry) => entry,
            Listed::Unreadable { path, error } => {
                delta.failed += 1;
                write.errors.push(item_error(path, redact(error, secrets)));
                continue;
            }
        };
        match live.get(&entry.path) {
            Some(sample) if sample.last_seen_job.as_deref() == Some(job.id.as_str()) => done += 1,
            Some(sample) if sample.fingerprint == entry.fingerprint => {
                write.unchanged.push(sample.id.clone());
                delta.unchanged += 1;
            }
            Some(sample) => {
                write.replaced.push(sample.id.clone());
                to_read.push(entry);
            }
            None => to_read.push(entry),
        }
    }
    let probe = job.options.probe_images;
    let concurrency = job.options.probe_concurrency.clamp(1, 256);
    let mut read = futures::stream::iter(to_read)
        .map(|entry| async move {
            let size = if probe && entry.is_image() {
                source.probe_image(&entry).await
            } else {
                Ok(None)
            };
            (entry, size)
        })
        .buffered(concurrency);
    while let Some((entry, size)) = read.next().await {
        match size {
            Ok(size) => {
                delta.imported += 1;
                delta.bytes += entry.size as i64;
                write.new_samples.push(NewSample {
                    key: entry.path.clone(),
                    fingerprint: entry.fingerprint.clone(),
                    files: vec![NewFile {
                        path: entry.path,
                        size: entry.size as i64,
                        fingerprint: entry.fingerprint,
                        modified_ms: entry.modified_ms,
                        media_type: entry.media_type,
                        width: size.map(|s| i64::from(s.width)),
                        height: size.map(|s| i64::from(s.height)),
                    }],
                });
            }
            Err(e) => {
                delta.failed += 1;
                write
                    .errors
                    .push(item_error(entry.path, redact(e, secrets)));
            }
        }
    }
    delta.processed = delta.imported + delta.unchanged + delta.skipped + delta.failed;
    write.delta = delta;
    Ok((write, done))
}

fn item_error(path: String, error: WharfError) -> NewJobError {
    NewJobError {
        path,
        line: None,
        code: ErrorCode::ItemReadFailed,
        message: error.message,
    }
}

/// Removes any secret that found its way into an error message.
fn redact(mut e: WharfError, secrets: &[String]) -> WharfError {
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        e.message = e.message.replace(secret.as_str(), "<redacted>");
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_cut_out_of_messages() {
        let e = WharfError::new(
            ErrorCode::StorageError,
            "signature for key wJalrXUtnFEMI did not match",
        );
        let e = redact(e, &["wJalrXUtnFEMI".to_owned()]);
        assert_eq!(e.message, "signature for key <redacted> did not match");
    }
}
