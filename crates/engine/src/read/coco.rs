//! COCO files, streamed.
//!
//! The format reader makes two passes over the file on a blocking thread (images and
//! categories, then annotations, which it converts on a second thread; see
//! `wharf_formats::coco`). Annotations come in any order, so
//! a sample's annotations are gathered from across the file: each is serialised as it is read,
//! on a second thread, and regrouped by image through temporary files (see `regroup`), in
//! bounded memory. Once the file is read, every image becomes a sample, in the file's order,
//! with its annotations as one JSON array, their count and their labels.
//!
//! A sink that keeps no annotations (validate-only) gets the counts alone, and nothing is
//! spilled.

use std::collections::BTreeMap;

use tokio::sync::mpsc;
use wharf_formats::coco::{self, CocoImage, CocoSink};
use wharf_model::{Annotation, LabelDef, Problem, ProblemCode, WharfError, WharfResult};
use wharf_storage::Source;

use super::regroup::Regroup;
use super::{
    GatheredAnnotations, Listing, PlannedAnnotations, PlannedFile, PlannedSample, ReadSink,
};

/// Hand-overs in flight between the reader's thread and the sink.
const EVENTS_AHEAD: usize = 16;
/// Samples sent together: one hand-over per sample would cost more than the sample.
const SAMPLES_PER_EVENT: usize = 256;

enum Event {
    Labels(Vec<LabelDef>),
    Problem(Problem),
    Samples(Vec<(CocoImage, GatheredAnnotations)>),
    /// The temporary files failed (a full disk): the read cannot go on.
    Failed(String),
}

pub(super) async fn read(
    source: &Source,
    file: &str,
    listing: &Listing,
    sink: &mut impl ReadSink,
) -> WharfResult<()> {
    let size = listing.entry(file).map_or(0, |e| e.size);
    CocoReading::start(source, file, size, sink.keeps_annotations())
        .finish(listing, sink)
        .await
}

/// A COCO file being read on its own thread. Started before the source is fully listed, it
/// parses and regroups while the listing goes on; its findings reach the sink, in order, when
/// it is finished with the listing, which resolves the images' file names.
pub(super) struct CocoReading {
    file: String,
    events: mpsc::Receiver<Event>,
    reader: tokio_util::task::AbortOnDropHandle<()>,
}

impl CocoReading {
    /// Starts reading `file` (of `size` bytes, to size the regrouping), keeping annotations
    /// when `keep`.
    pub(super) fn start(source: &Source, file: &str, size: u64, keep: bool) -> Self {
        let (tx, events) = mpsc::channel(EVENTS_AHEAD);
        let runtime = tokio::runtime::Handle::current();
        let reader_source = source.clone();
        let path = file.to_owned();
        let reader = tokio::task::spawn_blocking(move || {
            let mut gather = Gather {
                tx,
                keep,
                expected_bytes: size,
                images: Vec::new(),
                counts: Vec::new(),
                pending: Vec::new(),
                spill: None,
                failed: None,
            };
            let open = || {
                runtime
                    .block_on(reader_source.blocking_reader(&path))
                    .map_err(|e| std::io::Error::other(e.message))
            };
            coco::read(open, &path, &mut gather);
            gather.finish();
        });
        Self {
            file: file.to_owned(),
            events,
            // Stops the reader's thread at its next send when the sink gives up early.
            reader: tokio_util::task::AbortOnDropHandle::new(reader),
        }
    }

    pub(super) fn file(&self) -> &str {
        &self.file
    }

    /// Hands what the file holds to `sink`, its images resolved against the full `listing`.
    pub(super) async fn finish(
        mut self,
        listing: &Listing,
        sink: &mut impl ReadSink,
    ) -> WharfResult<()> {
        let file = self.file.as_str();
        sink.annotation_file(file);
        while let Some(event) = self.events.recv().await {
            match event {
                Event::Labels(labels) => sink.labels(labels).await?,
                Event::Problem(problem) => sink.problem(problem).await?,
                Event::Samples(samples) => {
                    for (image, annotations) in samples {
                        sample(file, listing, image, annotations, sink).await?;
                    }
                }
                Event::Failed(message) => {
                    return Err(WharfError::internal(format!(
                        "regrouping the annotations of {file} through temporary files failed: {message}"
                    )));
                }
            }
        }
        if let Err(e) = self.reader.await {
            sink.problem(super::reader_stopped(file, e)).await?;
        }
        Ok(())
    }
}

/// Hands an image over as a sample, or reports it when its file is not in the source.
async fn sample(
    file: &str,
    listing: &Listing,
    image: CocoImage,
    annotations: GatheredAnnotations,
    sink: &mut impl ReadSink,
) -> WharfResult<()> {
    let Some(entry) = listing.resolve(&image.file_name) else {
        return sink
            .problem(
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
            .await;
    };
    sink.sample(PlannedSample {
        key: entry.path.clone(),
        files: vec![PlannedFile {
            entry: entry.clone(),
            size_hint: image.width.zip(image.height),
        }],
        annotations: PlannedAnnotations::Gathered(annotations),
        format: coco::FORMAT,
        usage: None,
        hard: false,
        scene: None,
        text: None,
    })
    .await
}

/// The reader thread's sink: forwards labels and problems, and gathers annotations by image.
struct Gather {
    tx: mpsc::Sender<Event>,
    keep: bool,
    /// The size of the file, to size the regrouping.
    expected_bytes: u64,
    /// Images in file order; an image's place is its key in the regrouping.
    images: Vec<CocoImage>,
    /// Annotations per image, when they are only counted.
    counts: Vec<u32>,
    /// Annotations read and not yet handed to the spill thread.
    pending: Vec<(u32, Annotation)>,
    spill: Option<Spill>,
    /// The spill thread could not start: annotations are no longer kept.
    failed: Option<std::io::Error>,
}

/// Annotations handed to the spill thread at a time.
const ANNOTATIONS_PER_HAND_OVER: usize = 4096;
/// Hand-overs queued for the spill thread.
const HAND_OVERS_AHEAD: usize = 4;

/// A thread that serialises annotations and spills them into the regrouping, so that parsing
/// the file and writing the annotations out share two cores.
struct Spill {
    tx: std::sync::mpsc::SyncSender<Vec<(u32, Annotation)>>,
    thread: std::thread::JoinHandle<std::io::Result<Regroup>>,
}

impl Spill {
    fn start(keys: u32, expected_bytes: u64) -> std::io::Result<Self> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<(u32, Annotation)>>(HAND_OVERS_AHEAD);
        let thread = std::thread::Builder::new()
            .name("coco-spill".to_owned())
            .spawn(move || {
                let mut regroup = Regroup::new(keys, expected_bytes);
                let mut record = Vec::new();
                for annotations in rx {
                    for (image, annotation) in annotations {
                        encode(&annotation, &mut record)?;
                        regroup.push(image, &record)?;
                    }
                }
                Ok(regroup)
            })?;
        Ok(Self { tx, thread })
    }

    /// Waits for the spill thread to write everything handed to it.
    fn finish(self) -> std::io::Result<Regroup> {
        drop(self.tx);
        self.thread
            .join()
            .map_err(|_| std::io::Error::other("the spill thread stopped unexpectedly"))?
    }
}

/// A record's flag: the annotation is marked difficult or hard.
const DIFFICULT: u8 = 1;

/// Encodes an annotation as a record: flags, label length, label, then its JSON.
fn encode(annotation: &Annotation, record: &mut Vec<u8>) -> std::io::Result<()> {
    record.clear();
    record.push(if annotation.difficult || annotation.hard {
        DIFFICULT
    } else {
        0
    });
    record.extend_from_slice(&(annotation.label.len() as u32).to_le_bytes());
    record.extend_from_slice(annotation.label.as_bytes());
    wharf_model::json::to_writer(&mut *record, annotation)?;
    Ok(())
}

impl Gather {
    fn send(&self, event: Event) {
        // A closed channel means the sink stopped; the reader runs out on its own.
        let _ = self.tx.blocking_send(event);
    }

    /// Hands the pending annotations to the spill thread, starting it on the first call.
    fn hand_over(&mut self) -> std::io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let spill = match &mut self.spill {
            Some(spill) => spill,
            None => self
                .spill
                .insert(Spill::start(self.images.len() as u32, self.expected_bytes)?),
        };
        let batch = std::mem::replace(
            &mut self.pending,
            Vec::with_capacity(ANNOTATIONS_PER_HAND_OVER),
        );
        // A closed channel means the spill thread failed; `finish` reports why.
        let _ = spill.tx.send(batch);
        Ok(())
    }

    /// Sends every image as a sample, with what was gathered of its annotations.
    fn finish(mut self) {
        if let Some(e) = self.failed.take() {
            self.send(Event::Failed(e.to_string()));
            return;
        }
        let spilled = self
            .hand_over()
            .and_then(|()| self.spill.take().map(Spill::finish).transpose());
        let regroup = match spilled {
            Ok(regroup) => regroup,
            Err(e) => {
                self.send(Event::Failed(e.to_string()));
                return;
            }
        };
        let images = std::mem::take(&mut self.images);
        let mut batch = Vec::with_capacity(SAMPLES_PER_EVENT);
        let send_samples = |batch: &mut Vec<_>, force: bool| {
            if batch.len() >= SAMPLES_PER_EVENT || (force && !batch.is_empty()) {
                let _ = self.tx.blocking_send(Event::Samples(std::mem::replace(
                    batch,
                    Vec::with_capacity(SAMPLES_PER_EVENT),
                )));
            }
        };
        let Some(regroup) = regroup else {
            for (key, image) in images.into_iter().enumerate() {
                let count = self.counts.get(key).copied().unwrap_or(0);
                batch.push((
                    image,
                    GatheredAnnotations {
                        count: i64::from(count),
                        ..GatheredAnnotations::default()
                    },
                ));
                send_samples(&mut batch, false);
            }
            send_samples(&mut batch, true);
            return;
        };
        let mut images = images.into_iter();
        let drained = regroup.drain(|_, records| {
            let Some(image) = images.next() else {
                return Ok(());
            };
            batch.push((image, gathered(records)));
            send_samples(&mut batch, false);
            Ok::<(), std::io::Error>(())
        });
        send_samples(&mut batch, true);
        if let Err(e) = drained {
            self.send(Event::Failed(e.to_string()));
        }
    }
}

/// One image's records as its annotations: a JSON array, the count and the labels.
fn gathered(records: &[&[u8]]) -> GatheredAnnotations {
    let mut json = Vec::with_capacity(2 + records.iter().map(|r| r.len() + 1).sum::<usize>());
    json.push(b'[');
    let mut labels: BTreeMap<String, i64> = BTreeMap::new();
    let mut difficult = false;
    for (i, record) in records.iter().enumerate() {
        let (flags, rest) = record.split_first().unwrap_or((&0, &[]));
        let (len, rest) = rest.split_at_checked(4).unwrap_or((&[0; 4], &[]));
        let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let (label, body) = rest.split_at_checked(len).unwrap_or((&[], rest));
        difficult |= flags & DIFFICULT != 0;
        let label = String::from_utf8_lossy(label);
        match labels.get_mut(label.as_ref()) {
            Some(count) => *count += 1,
            None => {
                labels.insert(label.into_owned(), 1);
            }
        }
        if i > 0 {
            json.push(b',');
        }
        json.extend_from_slice(body);
    }
    json.push(b']');
    GatheredAnnotations {
        count: records.len() as i64,
        labels,
        difficult,
        // Records are serde_json's own output, so this never falls back.
        json: Some(
            String::from_utf8(json)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        ),
    }
}

impl CocoSink for Gather {
    fn labels(&mut self, labels: Vec<LabelDef>) {
        self.send(Event::Labels(labels));
    }

    fn image(&mut self, image: &CocoImage) {
        self.images.push(image.clone());
        if !self.keep {
            self.counts.push(0);
        }
    }

    fn annotation(&mut self, image: u32, annotation: Annotation) {
        if image as usize >= self.images.len() {
            return;
        }
        if !self.keep {
            if let Some(count) = self.counts.get_mut(image as usize) {
                *count += 1;
            }
            return;
        }
        if self.failed.is_some() {
            return;
        }
        self.pending.push((image, annotation));
        if self.pending.len() >= ANNOTATIONS_PER_HAND_OVER
            && let Err(e) = self.hand_over()
        {
            self.pending.clear();
            self.failed = Some(e);
        }
    }

    fn problem(&mut self, problem: Problem) {
        self.send(Event::Problem(problem));
    }
}
