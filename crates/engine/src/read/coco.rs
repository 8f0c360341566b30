//! COCO files, streamed.
//!
//! The format reader makes two passes over the file on a blocking thread (images and
//! categories, then annotations; see `wharf_formats::coco`). Annotations come in any order, so
//! they cannot be grouped by image without holding them all. Instead each run of consecutive
//! annotations of one image is serialised on the reader's thread and staged in the catalog
//! under the image's future sample; only a small summary per image (count, hash, labels) stays
//! in memory. Once the file is read, every image becomes a sample whose fingerprint covers its
//! file and the hash of its runs.

use std::collections::HashMap;

use tokio::sync::mpsc;
use wharf_formats::coco::{self, CocoImage, CocoSink};
use wharf_model::{Annotation, LabelDef, Problem, ProblemCode, WharfResult};
use wharf_storage::Source;

use super::{Listing, PlannedAnnotations, PlannedFile, PlannedSample, ReadSink, StagedAnnotations};

/// Batches of runs in flight between the reader's thread and the sink.
const BATCHES_AHEAD: usize = 16;
/// Runs sent together: one hand-over per run would cost more than the run.
const RUNS_PER_BATCH: usize = 512;
/// The most annotations in one staged chunk.
const MAX_RUN: usize = 1000;

enum Event {
    Labels(Vec<LabelDef>),
    Image(CocoImage),
    Runs(Vec<Run>),
    Problem(Problem),
}

/// Consecutive annotations of one image.
struct Run {
    image_id: i64,
    count: i64,
    /// The annotations as a JSON array, when the sink stages them.
    body: Option<String>,
    labels: Vec<(String, i64)>,
    difficult: bool,
}

/// One image of the file and what is known of its annotations so far.
struct ImageState {
    image: CocoImage,
    staged: StagedAnnotations,
    chunks: i64,
}

pub(super) async fn read(
    source: &Source,
    file: &str,
    listing: &Listing,
    sink: &mut impl ReadSink,
) -> WharfResult<()> {
    sink.annotation_file(file);
    let stages = sink.stages();
    let (tx, mut rx) = mpsc::channel(BATCHES_AHEAD);
    let runtime = tokio::runtime::Handle::current();
    let reader_source = source.clone();
    let path = file.to_owned();
    let reader = tokio::task::spawn_blocking(move || {
        let mut forward = Forward {
            tx,
            stages,
            image_id: 0,
            run: Vec::new(),
            runs: Vec::with_capacity(RUNS_PER_BATCH),
        };
        let open = || {
            runtime
                .block_on(reader_source.blocking_reader(&path))
                .map_err(|e| std::io::Error::other(e.message))
        };
        coco::read(open, &path, &mut forward);
        forward.end_run();
        forward.send_runs();
    });
    // Stops the reader's thread at its next send when the sink gives up early.
    let reader = tokio_util::task::AbortOnDropHandle::new(reader);

    let mut images: Vec<ImageState> = Vec::new();
    let mut by_id: HashMap<i64, usize> = HashMap::new();
    while let Some(event) = rx.recv().await {
        match event {
            Event::Labels(labels) => sink.labels(labels).await?,
            Event::Image(image) => {
                by_id.entry(image.id).or_insert(images.len());
                images.push(ImageState {
                    image,
                    staged: StagedAnnotations::default(),
                    chunks: 0,
                });
            }
            Event::Runs(runs) => {
                for run in runs {
                    let Some(state) = by_id.get(&run.image_id).map(|&i| &mut images[i]) else {
                        continue;
                    };
                    let staged = &mut state.staged;
                    staged.count += run.count;
                    staged.difficult |= run.difficult;
                    for (label, n) in run.labels {
                        *staged.labels.entry(label).or_default() += n;
                    }
                    if let Some(body) = run.body
                        && let Some(entry) = listing.resolve(&state.image.file_name)
                    {
                        staged.hash =
                            xxhash_rust::xxh3::xxh3_64_with_seed(body.as_bytes(), staged.hash);
                        sink.stage(&entry.path, state.chunks, body).await?;
                        state.chunks += 1;
                    }
                }
            }
            Event::Problem(problem) => sink.problem(problem).await?,
        }
    }
    if let Err(e) = reader.await {
        sink.problem(super::reader_stopped(file, e)).await?;
    }
    for state in images {
        let image = state.image;
        let Some(entry) = listing.resolve(&image.file_name) else {
            sink.problem(
                Problem::error(
                    ProblemCode::MissingFile,
                    file,
                    format!(
                        "image {} names '{}', which is not in the source; its sample is left out",
                        image.id, image.file_name
                    ),
                )
                .field("file_name")
                .found(&image.file_name)
                .expected("a path of a listed image, relative to the source or to an image folder"),
            )
            .await?;
            continue;
        };
        let size_hint = image.width.zip(image.height);
        sink.sample(PlannedSample {
            key: entry.path.clone(),
            files: vec![PlannedFile {
                entry: entry.clone(),
                size_hint,
            }],
            annotations: PlannedAnnotations::Staged(state.staged),
            format: coco::FORMAT,
            usage: None,
            hard: false,
            scene: None,
        })
        .await?;
    }
    Ok(())
}

/// The reader thread's sink: forwards images and problems, and cuts annotations into runs.
struct Forward {
    tx: mpsc::Sender<Event>,
    stages: bool,
    image_id: i64,
    run: Vec<Annotation>,
    runs: Vec<Run>,
}

impl Forward {
    /// Sends an event after the runs before it, so that the sink sees them in file order.
    fn send(&mut self, event: Event) {
        self.send_runs();
        // A closed channel means the sink stopped; the reader runs out on its own.
        let _ = self.tx.blocking_send(event);
    }

    fn send_runs(&mut self) {
        if !self.runs.is_empty() {
            let runs = std::mem::replace(&mut self.runs, Vec::with_capacity(RUNS_PER_BATCH));
            let _ = self.tx.blocking_send(Event::Runs(runs));
        }
    }

    fn end_run(&mut self) {
        if self.run.is_empty() {
            return;
        }
        let run = std::mem::take(&mut self.run);
        let mut labels: Vec<(String, i64)> = Vec::new();
        for a in &run {
            match labels.iter_mut().find(|(l, _)| *l == a.label) {
                Some((_, n)) => *n += 1,
                None => labels.push((a.label.clone(), 1)),
            }
        }
        let body = self
            .stages
            .then(|| serde_json::to_string(&run).unwrap_or_else(|_| "[]".to_owned()));
        self.runs.push(Run {
            image_id: self.image_id,
            count: run.len() as i64,
            body,
            labels,
            difficult: run.iter().any(|a| a.difficult || a.hard),
        });
        if self.runs.len() >= RUNS_PER_BATCH {
            self.send_runs();
        }
    }
}

impl CocoSink for Forward {
    fn labels(&mut self, labels: Vec<LabelDef>) {
        self.send(Event::Labels(labels));
    }

    fn image(&mut self, image: &CocoImage) {
        self.send(Event::Image(image.clone()));
    }

    fn annotation(&mut self, image_id: i64, annotation: Annotation) {
        if image_id != self.image_id || self.run.len() >= MAX_RUN {
            self.end_run();
            self.image_id = image_id;
        }
        self.run.push(annotation);
    }

    fn problem(&mut self, problem: Problem) {
        self.send(Event::Problem(problem));
    }
}
