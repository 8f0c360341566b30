//! The import: read the source with its layout's reader (see `read`) and write what it finds
//! in checkpointed batches.
//!
//! Each batch is compared with the dataset's live samples: a sample whose fingerprint (files
//! and annotations) is unchanged is only marked as seen; a new or changed one has its file
//! facts read (image headers, point counts) concurrently and is written as a new revision.
//! Problems the reader reports are recorded as the job's item errors, and each error counts as
//! a failed item. The batch, its errors, its label counts and the counters go into one
//! transaction, the checkpoint.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use futures::{FutureExt, StreamExt};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use wharf_catalog::{BatchWrite, ClaimedJob, LabelCount, NewFile, NewJobError, NewSample};
use wharf_formats::{PLAIN, pointcloud};
use wharf_model::{
    Annotation, ErrorCode, LabelDef, Problem, ProblemCode, Severity, Shape, WharfError, WharfResult,
};
use wharf_storage::{Credentials, Source, SourceUri};
use xxhash_rust::xxh3::xxh3_64;

use crate::Engine;
use crate::credentials::redact;
use crate::filter::{label_counts as label_counts_of, left_out};
use futures::future::BoxFuture;
use wharf_formats::read::{PlannedAnnotations, PlannedFile, PlannedSample, ReadOptions, ReadSink};

use crate::read::read_source;

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
) -> Result<Option<String>, Stop> {
    let credentials = resolve_credentials(engine, job).await?;
    let secrets = crate::credentials::secrets(&credentials);
    let result = import_source(engine, job, credentials, &secrets, stop).await;
    match result {
        _ if cancel_asked.is_cancelled() => Err(Stop::Cancelled),
        // Stopped without a cancel request: the heartbeat found the lease taken over.
        Err(Stop::Cancelled) => Err(Stop::LeaseLost),
        Err(Stop::Failed(e)) => Err(Stop::Failed(redact(e, &secrets))),
        other => other,
    }
}

/// The job's own credentials (sealed while it runs), else its connection's.
async fn resolve_credentials(engine: &Engine, job: &ClaimedJob) -> Result<Credentials, Stop> {
    let uri = SourceUri::parse(&job.source_uri)?;
    let own = match &job.credentials_sealed {
        Some(sealed) => {
            let json = engine.catalog.cipher().open(sealed)?;
            Some(serde_json::from_str(&json).map_err(|_| {
                WharfError::internal("the job's stored credentials are not readable")
            })?)
        }
        None => None,
    };
    Ok(crate::credentials::resolve(
        &engine.catalog,
        &job.workspace_id,
        uri.scheme,
        own,
        job.connection_id.as_deref(),
    )
    .await?)
}

async fn import_source(
    engine: &Engine,
    job: &mut ClaimedJob,
    credentials: Credentials,
    secrets: &[String],
    stop: &CancellationToken,
) -> Result<Option<String>, Stop> {
    let uri = SourceUri::parse(&job.source_uri)?;
    let source = Source::open(&uri, credentials, &engine.config.policy).await?;
    engine.catalog.prepare_version(job).await?;
    let job: &ClaimedJob = job;
    let dataset_data_type = engine
        .catalog
        .get_dataset(&job.workspace_id, &job.dataset_id)
        .await?
        .data_type;
    let checkpoint: Checkpoint = job
        .checkpoint
        .as_deref()
        .and_then(|c| serde_json::from_str(c).ok())
        .unwrap_or_default();
    let mut sink = ImportSink {
        engine,
        job,
        source: &source,
        secrets,
        stop,
        batch: Vec::new(),
        errors: Vec::new(),
        failed: 0,
        skipped: 0,
        problems_seen: 0,
        problems_recorded: checkpoint.problems,
        base_processed: job.counters.processed,
        handled: 0,
        started: Instant::now(),
        committing: None,
        committing_keys: HashSet::new(),
    };
    let format = sink.job.options.format.clone();
    let read_options = ReadOptions {
        data_type: Some(dataset_data_type),
        ..ReadOptions::from(&job.options)
    };
    // Boxed so that the future is proven `Send` here, where its lifetimes are concrete.
    let read = read_source(&source, format.as_deref(), &read_options, &mut sink)
        .boxed()
        .await;
    let outcome = match read {
        Ok(outcome) => sink.flush().await.map(|()| outcome),
        Err(e) => Err(e),
    };
    // The job's end is recorded only once its last batch is in, or known to have failed.
    let outcome = match (outcome, sink.settle().await) {
        (Ok(outcome), Ok(())) => Ok(outcome),
        (Err(e), _) | (Ok(_), Err(e)) => Err(e),
    };
    match outcome {
        _ if stop.is_cancelled() => Err(Stop::Cancelled),
        Ok(outcome) => Ok(outcome.format),
        Err(e) => Err(e.into()),
    }
}

/// Where a resumed attempt picks up, beyond what the catalog shows by itself.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Checkpoint {
    /// Problems recorded so far, in the reader's order: a resumed attempt meets them again and
    /// skips that many.
    problems: i64,
}

/// Writes what the reader finds, in checkpointed batches.
struct ImportSink<'a> {
    engine: &'a Engine,
    job: &'a ClaimedJob,
    source: &'a Source,
    secrets: &'a [String],
    stop: &'a CancellationToken,
    batch: Vec<PlannedSample>,
    errors: Vec<NewJobError>,
    /// Errors of this batch: each is a failed item.
    failed: i64,
    /// Files of this batch that fit no part of the layout.
    skipped: i64,
    /// Problems the reader reported in this attempt.
    problems_seen: i64,
    /// Problems recorded by this job so far, this attempt or earlier ones.
    problems_recorded: i64,
    base_processed: i64,
    /// Items handled in this attempt, for the rate limit.
    handled: i64,
    started: Instant,
    /// The previous batch's checkpoint, being written while the next batch is planned.
    committing: Option<tokio::task::JoinHandle<WharfResult<()>>>,
    /// The keys of that batch: the next one leaves them out, as it would once they are in.
    committing_keys: HashSet<String>,
}

impl ReadSink for ImportSink<'_> {
    fn keeps_annotations(&self) -> bool {
        let options = &self.job.options;
        options.import_annotations
            || !options.included_labels.is_empty()
            || !options.excluded_labels.is_empty()
            || options.difficult_only
    }

    fn labels(&mut self, labels: Vec<LabelDef>) -> BoxFuture<'_, WharfResult<()>> {
        Box::pin(async move {
            if self.job.options.import_annotations {
                self.engine
                    .catalog
                    .declare_labels(self.job, &labels)
                    .await?;
            }
            Ok(())
        })
    }

    fn sample(&mut self, sample: PlannedSample) -> BoxFuture<'_, WharfResult<()>> {
        Box::pin(async move {
            self.batch.push(sample);
            if self.batch.len() >= self.engine.config.batch_size.max(1) {
                self.flush().await?;
            }
            Ok(())
        })
    }

    fn problem(&mut self, problem: Problem) -> BoxFuture<'_, WharfResult<()>> {
        Box::pin(async move {
            self.problems_seen += 1;
            if self.problems_seen <= self.problems_recorded {
                return Ok(());
            }
            self.problems_recorded = self.problems_seen;
            if problem.severity == Severity::Error {
                self.failed += 1;
            } else if problem.code == ProblemCode::NotUsed {
                self.skipped += 1;
            }
            let mut message = problem.message;
            for (what, value) in [("found", &problem.found), ("expected", &problem.expected)] {
                if let Some(value) = value
                    && !message.contains(value.as_str())
                {
                    message.push_str(&format!(" ({what}: {value})"));
                }
            }
            let error = redact(
                WharfError::new(ErrorCode::InvalidRequest, message),
                self.secrets,
            );
            self.errors.push(NewJobError {
                path: problem.file,
                line: problem.line.map(|l| l as i64),
                field: problem.json_path.or(problem.field),
                code: problem.code.as_str().to_owned(),
                severity: problem.severity,
                message: error.message,
            });
            if self.errors.len() >= self.engine.config.batch_size.max(1) {
                self.flush().await?;
            }
            Ok(())
        })
    }
}

impl ImportSink<'_> {
    /// Writes the batch and its problems as one checkpoint. The write goes on while the reader
    /// fills the next batch; checkpoints still land one after the other, in order.
    async fn flush(&mut self) -> WharfResult<()> {
        if self.stop.is_cancelled() {
            return Err(WharfError::new(ErrorCode::Conflict, "the job was stopped"));
        }
        let items = std::mem::take(&mut self.batch);
        let keys: HashSet<String> = items.iter().map(|i| i.key.clone()).collect();
        let mut write = plan_batch(self, items).await?;
        // The reader's problems first, then what reading the batch's files found.
        let mut errors = std::mem::take(&mut self.errors);
        errors.append(&mut write.errors);
        write.errors = errors;
        write.delta.failed += std::mem::take(&mut self.failed);
        write.delta.skipped += std::mem::take(&mut self.skipped);
        write.delta.processed =
            write.delta.imported + write.delta.unchanged + write.delta.skipped + write.delta.failed;
        self.handled += write.delta.processed;
        write.discovered = self.base_processed + self.handled;
        write.checkpoint = serde_json::to_string(&Checkpoint {
            problems: self.problems_recorded,
        })
        .ok();
        // Bound while the previous checkpoint is still being written.
        let write = self.engine.catalog.prepare_batch(self.job, write)?;
        if self.stop.is_cancelled() {
            return Err(WharfError::new(ErrorCode::Conflict, "the job was stopped"));
        }
        self.settle().await?;
        self.committing_keys = keys;
        let (catalog, job) = (self.engine.catalog.clone(), self.job.clone());
        self.committing = Some(tokio::spawn(async move {
            catalog.commit_batch(&job, write).await
        }));
        if let Some(rate) = self.engine.config.max_objects_per_second {
            let due = Duration::from_secs_f64(self.handled as f64 / f64::from(rate.max(1)));
            let elapsed = self.started.elapsed();
            if due > elapsed {
                tokio::select! {
                    _ = tokio::time::sleep(due - elapsed) => {}
                    _ = self.stop.cancelled() => {}
                }
            }
        }
        Ok(())
    }

    /// Waits for the checkpoint being written, if any.
    async fn settle(&mut self) -> WharfResult<()> {
        let Some(committing) = self.committing.take() else {
            return Ok(());
        };
        self.committing_keys.clear();
        committing
            .await
            .map_err(|e| WharfError::internal(format!("writing a checkpoint stopped: {e}")))?
    }
}

/// A sample ready to be compared and written: filtered, its annotations serialised once.
struct Candidate {
    sample: PlannedSample,
    labels: BTreeMap<String, i64>,
    annotations_json: Option<String>,
    fingerprint: String,
}

/// Compares a batch with the dataset's live samples, applies the filters, and reads the file
/// facts of what is new.
async fn plan_batch(sink: &ImportSink<'_>, items: Vec<PlannedSample>) -> WharfResult<BatchWrite> {
    let (engine, job) = (sink.engine, sink.job);
    let options = &job.options;
    let keys: Vec<String> = items.iter().map(|i| i.key.clone()).collect();
    let live = engine.catalog.live_samples(&job.dataset_id, &keys).await?;
    // Samples that failed on an earlier attempt were handled and counted then.
    let failed_before = if job.attempts > 1 {
        engine.catalog.failed_item_paths(&job.id, &keys).await?
    } else {
        HashSet::new()
    };
    let mut write = BatchWrite::default();
    let mut label_counts: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut count = |labels: &BTreeMap<String, i64>| {
        for (label, n) in labels {
            let entry = label_counts.entry(label.clone()).or_default();
            entry.0 += n;
            entry.1 += 1;
        }
    };
    let mut in_batch = HashSet::new();
    let mut to_write = Vec::new();
    for mut sample in items {
        if failed_before.contains(&sample.key)
            || sink.committing_keys.contains(&sample.key)
            || !in_batch.insert(sample.key.clone())
        {
            continue;
        }
        // Filters judge the labels the source gives, whether or not they are imported.
        let mut labels = label_counts_of(&sample);
        if left_out(&sample, &labels, options).is_some() {
            write.delta.skipped += 1;
            write.delta.annotations_skipped += sample.annotation_count();
            continue;
        }
        if !options.import_annotations {
            write.delta.annotations_skipped += sample.annotation_count();
            labels.clear();
            sample.annotations = PlannedAnnotations::Inline(Vec::new());
        }
        let annotations_json = match &mut sample.annotations {
            PlannedAnnotations::Inline(a) if !a.is_empty() => Some(
                wharf_model::json::to_string(a).map_err(|e| WharfError::internal(e.to_string()))?,
            ),
            PlannedAnnotations::Gathered(g) if g.count > 0 => g.json.take(),
            _ => None,
        };
        let fingerprint = fingerprint(&sample, annotations_json.as_deref());
        match live.get(&sample.key) {
            Some(found) if found.last_seen_job.as_deref() == Some(job.id.as_str()) => {}
            Some(found) if found.fingerprint == fingerprint => {
                write.unchanged.push(found.id.clone());
                write.delta.unchanged += 1;
                count(&labels);
            }
            Some(found) => {
                write.replaced.push(found.id.clone());
                to_write.push(Candidate {
                    sample,
                    labels,
                    annotations_json,
                    fingerprint,
                });
            }
            None if !options.import_samples => {
                write.delta.skipped += 1;
                write.delta.annotations_skipped += sample.annotation_count();
            }
            None => to_write.push(Candidate {
                sample,
                labels,
                annotations_json,
                fingerprint,
            }),
        }
    }
    let probe = options.probe_images;
    let concurrency = options.probe_concurrency.clamp(1, 256);
    let source = sink.source;
    let mut read = futures::stream::iter(to_write)
        .map(|candidate| {
            async move {
                let mut files = Vec::with_capacity(candidate.sample.files.len());
                for file in &candidate.sample.files {
                    files.push(file_facts(source, file, probe).await);
                }
                (
                    candidate,
                    files.into_iter().collect::<WharfResult<Vec<NewFile>>>(),
                )
            }
            .boxed()
        })
        .buffered(concurrency);
    while let Some((candidate, files)) = read.next().await {
        match files {
            Ok(files) => {
                write.delta.imported += 1;
                write.delta.bytes += files.iter().map(|f| f.size).sum::<i64>();
                count(&candidate.labels);
                write
                    .errors
                    .extend(declared_size_problems(&candidate, &files));
                let written = new_sample(candidate, files);
                write.delta.annotations += written.annotation_count;
                write.new_samples.push(written);
            }
            Err(e) => {
                write.delta.failed += 1;
                write
                    .errors
                    .push(item_error(candidate.sample.key, redact(e, sink.secrets)));
            }
        }
    }
    write.label_counts = label_counts
        .into_iter()
        .map(|(name, (annotations, samples))| LabelCount {
            name,
            annotations,
            samples,
        })
        .collect();
    Ok(write)
}

fn new_sample(candidate: Candidate, files: Vec<NewFile>) -> NewSample {
    let Candidate {
        sample,
        annotations_json,
        fingerprint,
        ..
    } = candidate;
    NewSample {
        annotation_count: sample.annotation_count(),
        key: sample.key,
        fingerprint,
        files,
        source_format: (sample.format != PLAIN).then(|| sample.format.to_owned()),
        annotations_json,
        usage: sample.usage,
        hard: sample.hard,
        scene: sample.scene,
        text: sample.text,
    }
}

/// A sample's identity: its files' fingerprints, or for a text sample its text (its file holds
/// other samples too, and changes with them), then the hash of its annotations when it has
/// any. A one-file sample without annotations keeps its file's fingerprint.
fn fingerprint(sample: &PlannedSample, annotations_json: Option<&str>) -> String {
    let content = match (&sample.text, sample.files.as_slice()) {
        (Some(text), _) => format!("text:{:016x}", xxh3_64(text.as_bytes())),
        (None, [one]) => one.entry.fingerprint.clone(),
        (None, many) => {
            let joined: String = many
                .iter()
                .map(|f| format!("{}={}\n", f.entry.path, f.entry.fingerprint))
                .collect();
            format!("{:016x}", xxh3_64(joined.as_bytes()))
        }
    };
    match annotations_json {
        Some(json) => format!("{content}#{:016x}", xxh3_64(json.as_bytes())),
        None => content,
    }
}

/// What Wharf records of a file: its listing facts, the image size (from the layout, else from
/// the header) and the point count of a point cloud.
async fn file_facts(source: &Source, file: &PlannedFile, probe: bool) -> WharfResult<NewFile> {
    let entry = &file.entry;
    let mut size = file.size_hint;
    let mut points = None;
    // The header is the truth: a size the annotations declare is only used when there is no
    // header to read.
    if size.is_none() && probe && entry.is_image() {
        size = source
            .probe_image(entry)
            .await?
            .map(|s| (s.width, s.height));
    }
    let size = size.or(file.declared_size);
    match wharf_formats::extension_of(&entry.path).as_str() {
        "bin" => points = pointcloud::kitti_bin_points(entry.size, &entry.path).ok(),
        "pcd" if probe => {
            let head = source.head(&entry.path, PCD_HEAD_BYTES).await?;
            points = pointcloud::read_pcd_header(&head, &entry.path)
                .ok()
                .map(|h| h.points);
        }
        _ => {}
    }
    Ok(NewFile {
        path: entry.path.clone(),
        size: entry.size as i64,
        fingerprint: entry.fingerprint.clone(),
        modified_ms: entry.modified_ms,
        media_type: entry.media_type.clone(),
        width: size.map(|s| i64::from(s.0)),
        height: size.map(|s| i64::from(s.1)),
        points: points.map(|p| p as i64),
    })
}

/// Images whose header contradicts the size their layout declares (a COCO record's `width`
/// and `height`): a warning each, and one more for the annotations that reach outside the
/// real image, which the reader could only check against the declared size.
fn declared_size_problems(candidate: &Candidate, files: &[NewFile]) -> Vec<NewJobError> {
    let mut problems = Vec::new();
    for (planned, stored) in candidate.sample.files.iter().zip(files) {
        let (Some((declared_width, declared_height)), Some(width), Some(height)) =
            (planned.declared_size, stored.width, stored.height)
        else {
            continue;
        };
        if (i64::from(declared_width), i64::from(declared_height)) == (width, height) {
            continue;
        }
        let warning = |code: ProblemCode, message: String| NewJobError {
            path: stored.path.clone(),
            line: None,
            field: Some("width, height".to_owned()),
            code: code.as_str().to_owned(),
            severity: Severity::Warning,
            message,
        };
        problems.push(warning(
            ProblemCode::InvalidValue,
            format!(
                "the {} annotations say the image is {declared_width}×{declared_height}, its header says {width}×{height}; the header's size is kept",
                candidate.sample.format
            ),
        ));
        let annotations: Vec<Annotation> = candidate
            .annotations_json
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default();
        let outside = annotations
            .iter()
            .filter(|a| reaches_outside(a, width as f64, height as f64))
            .count();
        if outside > 0 {
            problems.push(warning(
                ProblemCode::OutOfBounds,
                format!(
                    "{outside} of the sample's {} annotations reach outside its real {width}×{height} image; kept as they are",
                    annotations.len()
                ),
            ));
        }
    }
    problems
}

/// Whether an annotation's box (its own, or its bounds) or polygon leaves a `width` × `height`
/// image by more than half a pixel, the slack readers give exporters' rounding.
fn reaches_outside(annotation: &Annotation, width: f64, height: f64) -> bool {
    let outside = |x: f64, y: f64| x < -0.5 || y < -0.5 || x > width + 0.5 || y > height + 0.5;
    let bounds = match annotation.shape {
        Shape::Box {
            x_min,
            y_min,
            x_max,
            y_max,
        } => Some([x_min, y_min, x_max, y_max]),
        _ => annotation.bounds,
    };
    let polygon = match &annotation.shape {
        Shape::Polygon { rings } => rings.iter().flatten().any(|[x, y]| outside(*x, *y)),
        _ => false,
    };
    polygon || bounds.is_some_and(|[x0, y0, x1, y1]| outside(x0, y0) || outside(x1, y1))
}

/// Bytes read to find a PCD header.
const PCD_HEAD_BYTES: u64 = 4096;

fn item_error(path: String, error: WharfError) -> NewJobError {
    NewJobError {
        path,
        line: None,
        field: None,
        code: ErrorCode::ItemReadFailed.as_str().to_owned(),
        severity: Severity::Error,
        message: error.message,
    }
}
