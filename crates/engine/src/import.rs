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
    Annotation, ErrorCode, LabelDef, ObjectEntry, Problem, ProblemCode, Severity, Shape,
    WharfError, WharfResult,
};
use wharf_storage::{Credentials, Scheme, Source, SourceUri};
use xxhash_rust::xxh3::xxh3_64;

use crate::Engine;
use crate::credentials::{redact, redact_text};
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

    fn sample(&mut self, mut sample: PlannedSample) -> BoxFuture<'_, WharfResult<()>> {
        Box::pin(async move {
            if self.job.options.key_by_object_uri {
                sample.key = object_uri(self.source.uri(), &sample.key);
            }
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
            let message = redact_text(problem_message(&problem), self.secrets);
            self.errors.push(NewJobError {
                path: problem.file,
                line: problem.line.map(|l| l as i64),
                field: problem.json_path.or(problem.field),
                code: problem.code.as_str().to_owned(),
                severity: problem.severity,
                message,
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
                let mut faults = Vec::new();
                for file in &candidate.sample.files {
                    match file_facts(source, file, probe).await {
                        Ok(facts) => files.push(facts),
                        Err(fault) => faults.push(fault),
                    }
                }
                let files = if faults.is_empty() {
                    Ok(files)
                } else {
                    Err(faults)
                };
                (candidate, files)
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
            Err(faults) => {
                write.delta.failed += 1;
                write
                    .errors
                    .push(item_error(candidate.sample.key, faults, sink.secrets));
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

/// A sample's key as its object's URI in the source's store: a key under the source joined to
/// the source's bucket and prefix; an object URI (a manifest's `source`, in any bucket of the
/// store) written with the source's scheme, so that one object has one key whichever folder
/// or scheme reached it.
fn object_uri(source: &SourceUri, key: &str) -> String {
    let scheme = source.scheme.name();
    if let Some((_, rest)) = key.split_once("://") {
        return format!("{scheme}://{rest}");
    }
    let root = match (source.bucket.as_str(), source.prefix.as_str()) {
        // A local folder: its prefix is an absolute path.
        ("", path) => path.to_owned(),
        (bucket, "") => bucket.to_owned(),
        (bucket, prefix) => format!("{bucket}/{prefix}"),
    };
    format!("{scheme}://{}/{key}", root.trim_end_matches('/'))
}

/// Why a file's facts could not be read. Either way the file's sample is a failed item.
pub(crate) enum FileFault {
    /// The store did not give the file's bytes.
    Read(WharfError),
    /// The bytes are not the format the file's extension names: no header to read.
    Header(Problem),
}

impl From<WharfError> for FileFault {
    fn from(e: WharfError) -> Self {
        Self::Read(e)
    }
}

/// What Wharf records of a file: its listing facts, the image size (from the layout, else from
/// the header) and the point count of a point cloud. A raster image or a point cloud whose
/// header is not its format's is a [`FileFault::Header`]: its size or points cannot be known,
/// and a damaged file must not end up in a dataset unnoticed.
pub(crate) async fn file_facts(
    source: &Source,
    file: &PlannedFile,
    probe: bool,
) -> Result<NewFile, FileFault> {
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
        if size.is_none() {
            check_raster_start(source, entry).await?;
        }
    }
    let size = size.or(file.declared_size);
    match wharf_formats::extension_of(&entry.path).as_str() {
        "bin" => points = pointcloud::kitti_bin_points(entry.size, &entry.path).ok(),
        "pcd" if probe => points = Some(pcd_points(source, entry).await?),
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

/// Where `entry`'s bytes are read from: a single-file (`http(s)://`) source has its one file
/// at the URL's path, whatever name the listing gave it.
fn read_path<'a>(source: &'a Source, entry: &'a ObjectEntry) -> &'a str {
    let uri = source.uri();
    if uri.scheme == Scheme::Http {
        &uri.prefix
    } else {
        &entry.path
    }
}

/// A raster format whose header Wharf reads (those of the `imagesize` crate a file's extension
/// commonly names), and how its files start.
struct Raster {
    name: &'static str,
    extensions: &'static [&'static str],
    /// Each way a file of the format may start: bytes at an offset, every part matching.
    starts: &'static [&'static [(usize, &'static [u8])]],
    /// The start, as a person reads it in a hex dump.
    shown: &'static str,
}

const RASTERS: &[Raster] = &[
    Raster {
        name: "JPEG",
        extensions: &["jpg", "jpeg"],
        starts: &[&[(0, b"\xFF\xD8\xFF")]],
        shown: "FF D8 FF",
    },
    Raster {
        name: "PNG",
        extensions: &["png"],
        starts: &[&[(0, b"\x89PNG\r\n\x1A\n")]],
        shown: "89 50 4E 47 0D 0A 1A 0A",
    },
    Raster {
        name: "GIF",
        extensions: &["gif"],
        starts: &[&[(0, b"GIF8")]],
        shown: "GIF87a or GIF89a",
    },
    Raster {
        name: "BMP",
        extensions: &["bmp"],
        starts: &[&[(0, b"BM")]],
        shown: "BM",
    },
    Raster {
        name: "WebP",
        extensions: &["webp"],
        starts: &[&[(0, b"RIFF"), (8, b"WEBP")]],
        shown: "RIFF, a 4-byte size, then WEBP",
    },
    Raster {
        name: "TIFF",
        extensions: &["tif", "tiff"],
        starts: &[
            &[(0, b"II*\0")],
            &[(0, b"II+\0")],
            &[(0, b"MM\0*")],
            &[(0, b"MM\0+")],
        ],
        shown: "49 49 2A 00 (II*) or 4D 4D 00 2A (MM*)",
    },
];

/// Bytes read to judge a raster image's start: more than the longest start above.
const RASTER_START_BYTES: u64 = 16;

impl Raster {
    /// The format `path`'s extension names, if Wharf reads its headers.
    fn of(path: &str) -> Option<&'static Raster> {
        let extension = wharf_formats::extension_of(path);
        RASTERS
            .iter()
            .find(|r| r.extensions.contains(&extension.as_str()))
    }

    /// Whether `head`, the first bytes of a file, starts as a file of this format does. Bytes
    /// past the end of `head` (a file shorter than the start) are not held against it.
    fn starts(&self, head: &[u8]) -> bool {
        self.starts.iter().any(|parts| {
            parts.iter().all(|(offset, bytes)| {
                let have = head.get(*offset..).unwrap_or_default();
                have.iter().zip(bytes.iter()).all(|(a, b)| a == b)
            })
        })
    }
}

/// An image whose size its header did not give, though its extension names a raster format
/// Wharf reads: taken when it starts like an image of any of those formats (its header is cut
/// short, or its size lies beyond the bytes read, as before), else a [`FileFault::Header`].
/// Other images (SVG, HEIC, ...) have no header Wharf reads and are not judged.
async fn check_raster_start(source: &Source, entry: &ObjectEntry) -> Result<(), FileFault> {
    let Some(promised) = Raster::of(&entry.path) else {
        return Ok(());
    };
    let head = source
        .head(read_path(source, entry), RASTER_START_BYTES)
        .await?;
    if !head.is_empty() && RASTERS.iter().any(|r| r.starts(&head)) {
        return Ok(());
    }
    let name = promised.name;
    let (message, found) = if head.is_empty() {
        (
            format!("{} is empty, so it has no {name} header", entry.path),
            "0 bytes".to_owned(),
        )
    } else {
        (
            format!(
                "The first bytes of {} are not a {name} header, so the image's size cannot be read: the file is damaged or is not a {name} image",
                entry.path
            ),
            show_bytes(&head),
        )
    };
    Err(FileFault::Header(
        Problem::error(ProblemCode::InvalidHeader, &entry.path, message)
            .found(found)
            .expected(format!("a {name} file, starting {}", promised.shown)),
    ))
}

/// The first bytes of a file in hex, and as text when they are printable.
fn show_bytes(head: &[u8]) -> String {
    let shown = &head[..head.len().min(8)];
    let hex: Vec<String> = shown.iter().map(|b| format!("{b:02X}")).collect();
    let mut text = hex.join(" ");
    if shown.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        text.push_str(&format!(" (\"{}\")", String::from_utf8_lossy(shown)));
    }
    text
}

/// A point cloud's point count, from its PCD header. A header the first read does not hold
/// whole (long comments) is read further before it is judged; one that still cannot be read
/// is a [`FileFault::Header`] carrying the header reader's own account of what is wrong.
async fn pcd_points(source: &Source, entry: &ObjectEntry) -> Result<u64, FileFault> {
    let path = read_path(source, entry);
    let mut head = source.head(path, PCD_HEAD_BYTES).await?;
    let mut header = pointcloud::read_pcd_header(&head, &entry.path);
    if header.is_err()
        && pointcloud::pcd_header_len(&head).is_none()
        && (head.len() as u64) < entry.size
    {
        head = source.head(path, PCD_LONG_HEAD_BYTES).await?;
        header = pointcloud::read_pcd_header(&head, &entry.path);
    }
    header.map(|h| h.points).map_err(|problem| {
        let at = problem
            .line
            .map(|line| format!(" (line {line})"))
            .unwrap_or_default();
        FileFault::Header(Problem {
            code: ProblemCode::InvalidHeader,
            message: format!(
                "The PCD header of {} cannot be read{at}: {}",
                entry.path, problem.message
            ),
            ..problem
        })
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
/// Bytes read to find a PCD header the first read did not hold whole.
const PCD_LONG_HEAD_BYTES: u64 = 64 * 1024;

/// The item error of a sample whose files' facts could not be read: one error per sample,
/// since each error counts as one failed item, at the sample's key (a resumed attempt finds
/// the failed samples by it). Its message names every file at fault; its code is the first
/// fault's: `item_read_failed` when the store failed, `invalid_header` when the bytes are
/// not their format's. A file's line and field are kept when the sample is that one file.
fn item_error(key: String, faults: Vec<FileFault>, secrets: &[String]) -> NewJobError {
    let (mut code, mut line, mut field) = (None, None, None);
    let mut messages = Vec::with_capacity(faults.len());
    for fault in &faults {
        let (this_code, message) = match fault {
            FileFault::Read(e) => (ErrorCode::ItemReadFailed.as_str(), e.message.clone()),
            FileFault::Header(problem) => {
                if faults.len() == 1 && problem.file == key {
                    line = problem.line.map(|l| l as i64);
                    field = problem.field.clone();
                }
                (problem.code.as_str(), problem_message(problem))
            }
        };
        code.get_or_insert(this_code);
        messages.push(message);
    }
    let mut message = messages.join("; ");
    if !message.contains(key.as_str()) {
        message.push_str(&format!(" (the whole sample {key} is left out)"));
    }
    NewJobError {
        path: key,
        line,
        field,
        code: code
            .unwrap_or(ErrorCode::ItemReadFailed.as_str())
            .to_owned(),
        severity: Severity::Error,
        message: redact_text(message, secrets),
    }
}

/// A problem's message, with what was found and what was expected when it does not say them.
fn problem_message(problem: &Problem) -> String {
    let mut message = problem.message.clone();
    for (what, value) in [("found", &problem.found), ("expected", &problem.expected)] {
        if let Some(value) = value
            && !message.contains(value.as_str())
        {
            message.push_str(&format!(" ({what}: {value})"));
        }
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_has_one_uri_key_whichever_folder_or_scheme_reached_it() {
        let folder = SourceUri::parse("s3://bkt/data/input/animals/").unwrap();
        let manifests = SourceUri::parse("s3://bkt/data/annotation/V002/").unwrap();
        assert_eq!(
            object_uri(&folder, "cat1.png"),
            "s3://bkt/data/input/animals/cat1.png"
        );
        assert_eq!(
            object_uri(&manifests, "obs://bkt/data/input/animals/cat1.png"),
            object_uri(&folder, "cat1.png")
        );
        let root = SourceUri::parse("s3://bkt").unwrap();
        assert_eq!(object_uri(&root, "a/b.png"), "s3://bkt/a/b.png");
        let local = SourceUri::parse("file:///data/set").unwrap();
        assert_eq!(object_uri(&local, "x.jpg"), "file:///data/set/x.jpg");
    }

    #[test]
    fn an_image_starts_like_its_format_or_is_cut_short_inside_the_start() {
        let jpeg = Raster::of("cam/1000.JPG").map(|r| r.name);
        assert_eq!(jpeg, Some("JPEG"));
        assert!(Raster::of("logo.svg").is_none() && Raster::of("photo.heic").is_none());
        let starts_like_any = |head: &[u8]| RASTERS.iter().any(|r| r.starts(head));
        assert!(starts_like_any(b"\xFF\xD8\xFF\xE0\x00\x10JFIF"));
        assert!(starts_like_any(b"RIFF\x10\x00\x00\x00WEBPVP8 "));
        assert!(starts_like_any(b"MM\x00*\x00\x00\x00\x08"));
        // A file shorter than its format's start, whose bytes agree with it: cut short.
        assert!(starts_like_any(b"\x89PN"));
        assert!(starts_like_any(b"RIFF\x10\x00"));
        assert!(!starts_like_any(b"RIFF\x10\x00\x00\x00WAVEfmt "));
        assert!(!starts_like_any(b"<html>not an image</html>"));
        assert!(!starts_like_any(b"\x00\x01garbage"));
    }

    #[test]
    fn first_bytes_are_shown_in_hex_and_as_text_when_printable() {
        assert_eq!(
            show_bytes(b"<svg width"),
            "3C 73 76 67 20 77 69 64 (\"<svg wid\")"
        );
        assert_eq!(show_bytes(b"\x00\x01ga"), "00 01 67 61");
    }

    #[test]
    fn one_item_error_names_every_damaged_file_of_a_sample() {
        let header = |file: &str| {
            FileFault::Header(
                Problem::error(
                    ProblemCode::InvalidHeader,
                    file,
                    format!("The first bytes of {file} are not a JPEG header"),
                )
                .found("00 01")
                .expected("a JPEG file, starting FF D8 FF"),
            )
        };
        let error = item_error(
            "lidar/1.pcd".to_owned(),
            vec![
                header("cam/1.jpg"),
                FileFault::Read(WharfError::new(
                    ErrorCode::StorageError,
                    "cannot read 'cam2/1.jpg': secret-token refused",
                )),
            ],
            &["secret-token".to_owned()],
        );
        assert_eq!(error.path, "lidar/1.pcd");
        assert_eq!(error.code, "invalid_header");
        assert_eq!(error.severity, Severity::Error);
        assert_eq!(
            error.message,
            "The first bytes of cam/1.jpg are not a JPEG header (found: 00 01) (expected: a JPEG file, starting FF D8 FF); \
             cannot read 'cam2/1.jpg': <redacted> refused (the whole sample lidar/1.pcd is left out)"
        );
        let one = item_error("cam/1.jpg".to_owned(), vec![header("cam/1.jpg")], &[]);
        assert!(!one.message.contains("left out"), "{}", one.message);
    }
}
