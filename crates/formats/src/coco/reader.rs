//! COCO files, streamed, and gathered onto one sample per image.
//!
//! A dataset often holds several COCO files over the same images (COCO 2017 keeps captions,
//! instances, keypoints, panoptic and stuff side by side), and a file may hold several image
//! records naming one file. Every image file is one sample, with the annotations of every
//! file and every record that names it: a sample is keyed by the `file_name` it is named by,
//! the same in every file.
//!
//! Files are read one after another on one blocking thread; the format reader makes two passes
//! over each (images and categories, then annotations, which it converts on a second thread;
//! see `crate::coco`). Annotations come in any order, so each is serialised as it is
//! read, on a third thread, and regrouped by sample through temporary files (see `regroup`),
//! one regrouping per file, in bounded memory. Once the last file is read, the regroupings are
//! walked in step and every sample is handed over, in the order its file name was first met,
//! with the annotations of every file in the files' order as one JSON array, their count and
//! their labels.
//!
//! A sink that keeps no annotations (validate-only) gets the counts alone, per label, and
//! nothing is spilled.

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use rustc_hash::FxHashMap;
use tokio::sync::mpsc;
use wharf_model::{
    Annotation, LabelDef, ObjectEntry, Problem, ProblemCode, WharfError, WharfResult,
};
use xxhash_rust::xxh3::xxh3_64;

use super::regroup::{Drain, Regroup};
use crate::coco::{self, CocoImage, CocoSink};
use crate::read::{
    Files, GatheredAnnotations, HEAD_BYTES, Listing, PlannedAnnotations, PlannedFile,
    PlannedSample, ReadSink,
};
use crate::{Head, LayoutReader, ReadContext};

/// Hand-overs in flight between the reader's thread and the sink.
const EVENTS_AHEAD: usize = 16;
/// Samples sent together: one hand-over per sample would cost more than the sample.
const SAMPLES_PER_EVENT: usize = 256;

enum Event {
    Labels(Vec<LabelDef>),
    Problem(Problem),
    Samples(Vec<(NamedImage, GatheredAnnotations)>),
    /// The temporary files failed (a full disk): the read cannot go on.
    Failed(String),
}

/// Candidate JSON files a reader made before the listing looks at, in listing order, for the
/// first COCO file to start on.
const JSON_FILES_TRIED: usize = 20;

/// Reads every COCO file of the source onto one sample per image file. Made before the
/// listing, it starts on the first listed JSON file that opens as a COCO file at once, on its
/// own thread, while the listing goes on: listing a bucket of a million images takes minutes,
/// in which the annotations can be parsed and regrouped. The other COCO files follow once the
/// listing is complete, and what they hold reaches the sink in the same order as ever.
pub(super) struct CocoReader {
    context: ReadContext,
    started: Option<CocoReading>,
    json_files_left: usize,
}

impl CocoReader {
    pub(super) fn boxed(context: ReadContext) -> Box<dyn LayoutReader> {
        Box::new(Self {
            context,
            started: None,
            json_files_left: JSON_FILES_TRIED,
        })
    }
}

impl LayoutReader for CocoReader {
    fn listed<'a>(&'a mut self, entry: &'a ObjectEntry) -> BoxFuture<'a, ()> {
        async move {
            if self.json_files_left == 0 || crate::extension_of(&entry.path) != "json" {
                return;
            }
            self.json_files_left -= 1;
            if let Ok(head) = self.context.files.head(&entry.path, HEAD_BYTES).await
                && coco::looks_like_coco(&head)
            {
                self.json_files_left = 0;
                self.started = Some(CocoReading::start(
                    &self.context.files,
                    &entry.path,
                    entry.size,
                    self.context.keeps_annotations,
                ));
            }
        }
        .boxed()
    }

    fn read<'a>(
        self: Box<Self>,
        listing: &'a Listing,
        head: &'a Head<'a>,
        sink: &'a mut dyn ReadSink,
    ) -> BoxFuture<'a, WharfResult<()>> {
        async move {
            let mut files = coco::annotation_files(&listing.summary, head).into_iter();
            let reading = match self.started {
                Some(reading) if files.as_slice().iter().any(|f| f == reading.file()) => reading,
                _ => {
                    let Some(first) = files.next() else {
                        return Ok(());
                    };
                    let size = size_of(listing, &first);
                    CocoReading::start(&self.context.files, &first, size, sink.keeps_annotations())
                }
            };
            let first = reading.file().to_owned();
            let more = files.filter(|f| *f != first).collect();
            reading.finish(more, listing, sink).await
        }
        .boxed()
    }
}

fn size_of(listing: &Listing, file: &str) -> u64 {
    listing.entry(file).map_or(0, |e| e.size)
}

/// COCO files being read on their own thread, from the first; the findings reach the sink, in
/// order, once the listing is complete, which resolves the images' file names.
struct CocoReading {
    first: String,
    /// More files to read, with their sizes; closed when there are no more.
    more: std::sync::mpsc::Sender<(String, u64)>,
    events: mpsc::Receiver<Event>,
    reader: tokio_util::task::AbortOnDropHandle<()>,
}

impl CocoReading {
    /// Starts reading `file` (of `size` bytes, to size the regrouping), keeping annotations
    /// when `keep`.
    fn start(source: &Files, file: &str, size: u64, keep: bool) -> Self {
        let (tx, events) = mpsc::channel(EVENTS_AHEAD);
        let (more, more_files) = std::sync::mpsc::channel::<(String, u64)>();
        let runtime = tokio::runtime::Handle::current();
        let reader_source = source.clone();
        let first = (file.to_owned(), size);
        let reader = tokio::task::spawn_blocking(move || {
            let mut gather = Gather {
                tx,
                keep,
                samples: Vec::new(),
                names: SampleNames::default(),
                last_file: Vec::new(),
                file: Arc::from(""),
                file_size: 0,
                files_read: 0,
                places: Vec::new(),
                tallies: Vec::new(),
                label_names: Vec::new(),
                label_index: FxHashMap::default(),
                pending: Vec::new(),
                spill: None,
                regroups: Vec::new(),
                failed: None,
            };
            for (path, size) in std::iter::once(first).chain(more_files) {
                let open = || {
                    runtime
                        .block_on(reader_source.blocking_reader(&path))
                        .map_err(|e| std::io::Error::other(e.message))
                };
                gather.begin_file(&path, size);
                coco::read(open, &path, &mut gather);
                gather.end_file();
            }
            gather.finish();
        });
        Self {
            first: file.to_owned(),
            more,
            events,
            // Stops the reader's thread at its next send when the sink gives up early.
            reader: tokio_util::task::AbortOnDropHandle::new(reader),
        }
    }

    /// The file the reading started with.
    fn file(&self) -> &str {
        &self.first
    }

    /// Reads `more` files after the first, and hands what they all hold to `sink`, their
    /// images resolved against the full `listing`.
    async fn finish(
        mut self,
        more: Vec<String>,
        listing: &Listing,
        sink: &mut dyn ReadSink,
    ) -> WharfResult<()> {
        sink.annotation_file(&self.first);
        for file in more {
            sink.annotation_file(&file);
            let size = size_of(listing, &file);
            // A closed channel means the reader stopped; awaiting it below says why.
            let _ = self.more.send((file, size));
        }
        drop(self.more);
        let mut emitted = vec![false; listing.entries.len()];
        while let Some(event) = self.events.recv().await {
            match event {
                Event::Labels(labels) => sink.labels(labels).await?,
                Event::Problem(problem) => sink.problem(problem).await?,
                Event::Samples(samples) => {
                    for (image, annotations) in samples {
                        sample(listing, image, annotations, &mut emitted, sink).await?;
                    }
                }
                Event::Failed(message) => {
                    return Err(WharfError::internal(format!(
                        "regrouping the COCO annotations through temporary files failed: {message}"
                    )));
                }
            }
        }
        if let Err(e) = self.reader.await {
            sink.problem(crate::read::reader_stopped(&self.first, e))
                .await?;
        }
        Ok(())
    }
}

/// Hands an image over as a sample, or reports it when its file is not in the source.
async fn sample(
    listing: &Listing,
    named: NamedImage,
    annotations: GatheredAnnotations,
    emitted: &mut [bool],
    sink: &mut dyn ReadSink,
) -> WharfResult<()> {
    let NamedImage { image, file } = named;
    let Some(at) = listing.resolve(&image.file_name) else {
        return sink
            .problem(
                Problem::error(
                    ProblemCode::MissingFile,
                    &*file,
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
    let entry = &listing.entries[at];
    if std::mem::replace(&mut emitted[at], true) {
        return sink
            .problem(
                Problem::error(
                    ProblemCode::Merged,
                    &*file,
                    format!(
                        "image {} names '{}', which is '{}', a file another image record names in other words; its {} annotations are left out",
                        image.id, image.file_name, entry.path, annotations.count
                    ),
                )
                .field("file_name")
                .found(&image.file_name)
                .expected("one spelling of an image's file name across the COCO files"),
            )
            .await;
    }
    sink.sample(PlannedSample {
        key: entry.path.clone(),
        files: vec![PlannedFile {
            declared_size: image.width.zip(image.height),
            ..PlannedFile::new(entry.clone())
        }],
        annotations: PlannedAnnotations::Gathered(annotations),
        format: coco::FORMAT,
        usage: coco::usage_of_file(&file).map(str::to_owned),
        hard: false,
        scene: None,
        text: None,
    })
    .await
}

/// An image record, and the file that first named its image.
struct NamedImage {
    image: CocoImage,
    file: Arc<str>,
}

/// Samples by the file name their image records give. A name is held once, in its sample's
/// first record; the map holds its hash, and the rare names whose hashes collide go whole to
/// `others`.
#[derive(Default)]
struct SampleNames {
    by_hash: FxHashMap<u64, u32>,
    others: FxHashMap<String, u32>,
}

impl SampleNames {
    fn get(&self, name: &str, samples: &[NamedImage]) -> Option<u32> {
        match self.by_hash.get(&xxh3_64(name.as_bytes())) {
            Some(&key) if record_name(&samples[key as usize].image) == name => Some(key),
            Some(_) => self.others.get(name).copied(),
            None => None,
        }
    }

    fn insert(&mut self, name: &str, key: u32) {
        match self.by_hash.entry(xxh3_64(name.as_bytes())) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(key);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.others.insert(name.to_owned(), key);
            }
        }
    }
}

/// The name an image record gives its file, as samples are keyed by it.
fn record_name(image: &CocoImage) -> &str {
    image.file_name.trim_start_matches("./")
}

/// The reader thread's sink: forwards labels and problems, and gathers annotations by sample.
struct Gather {
    tx: mpsc::Sender<Event>,
    keep: bool,
    /// One per sample, in the order their file names were first met: the first image record
    /// that named it. A sample's place here is its key in the regroupings.
    samples: Vec<NamedImage>,
    names: SampleNames,
    /// For each sample, one more than the index of the last file that named it.
    last_file: Vec<u32>,
    /// The file being read, its size (to size its regrouping), and how many were read
    /// before it.
    file: Arc<str>,
    file_size: u64,
    files_read: u32,
    /// The current file's images by their place in it: their samples.
    places: Vec<u32>,
    /// When annotations are only counted, one `sample << 32 | label` (an index in
    /// `label_names`) per annotation, sorted once at the end: appending costs no cache miss,
    /// where a count per sample would cost one or two per annotation.
    tallies: Vec<u64>,
    label_names: Vec<String>,
    label_index: FxHashMap<String, u32>,
    /// Annotations read and not yet handed to the spill thread.
    pending: Vec<(u32, Annotation)>,
    spill: Option<Spill>,
    /// The regroupings of the files read so far, in order.
    regroups: Vec<Regroup>,
    /// A spill thread failed: annotations are no longer kept.
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
                    for (key, annotation) in annotations {
                        encode(&annotation, &mut record)?;
                        regroup.push(key, &record)?;
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

    fn begin_file(&mut self, file: &str, size: u64) {
        self.file = Arc::from(file);
        self.file_size = size;
        self.places.clear();
    }

    /// Hands the file's last annotations over and keeps its regrouping.
    fn end_file(&mut self) {
        if let Err(e) = self.hand_over() {
            self.failed.get_or_insert(e);
        }
        match self.spill.take().map(Spill::finish).transpose() {
            Ok(Some(regroup)) => self.regroups.push(regroup),
            Ok(None) => {}
            Err(e) => {
                self.failed.get_or_insert(e);
            }
        }
        self.files_read += 1;
    }

    /// Hands the pending annotations to the spill thread, starting it on the first call of a
    /// file (every sample the file can name is known by then: images come first).
    fn hand_over(&mut self) -> std::io::Result<()> {
        if self.pending.is_empty() || self.failed.is_some() {
            self.pending.clear();
            return Ok(());
        }
        let spill = match &mut self.spill {
            Some(spill) => spill,
            None => self
                .spill
                .insert(Spill::start(self.samples.len() as u32, self.file_size)?),
        };
        let batch = std::mem::replace(
            &mut self.pending,
            Vec::with_capacity(ANNOTATIONS_PER_HAND_OVER),
        );
        // A closed channel means the spill thread failed; `end_file` reports why.
        let _ = spill.tx.send(batch);
        Ok(())
    }

    /// Sends every sample with what was gathered of its annotations from every file.
    fn finish(mut self) {
        if let Some(e) = self.failed.take() {
            self.send(Event::Failed(e.to_string()));
            return;
        }
        let samples = std::mem::take(&mut self.samples);
        let mut batch = Vec::with_capacity(SAMPLES_PER_EVENT);
        let send_samples = |batch: &mut Vec<_>, force: bool| {
            if batch.len() >= SAMPLES_PER_EVENT || (force && !batch.is_empty()) {
                let _ = self.tx.blocking_send(Event::Samples(std::mem::replace(
                    batch,
                    Vec::with_capacity(SAMPLES_PER_EVENT),
                )));
            }
        };
        if !self.keep {
            let mut tallies = std::mem::take(&mut self.tallies);
            tallies.sort_unstable();
            let mut tallies = tallies.chunk_by(|a, b| a == b).peekable();
            for (key, image) in (0u64..).zip(samples) {
                let mut labels: BTreeMap<String, i64> = BTreeMap::new();
                while let Some(run) = tallies.next_if(|run| run[0] >> 32 == key) {
                    let label = &self.label_names[(run[0] & u64::from(u32::MAX)) as usize];
                    labels.insert(label.clone(), run.len() as i64);
                }
                batch.push((
                    image,
                    GatheredAnnotations {
                        count: labels.values().sum(),
                        labels,
                        ..GatheredAnnotations::default()
                    },
                ));
                send_samples(&mut batch, false);
            }
            send_samples(&mut batch, true);
            return;
        }
        let mut drains: Vec<Drain> = std::mem::take(&mut self.regroups)
            .into_iter()
            .map(Regroup::into_drain)
            .collect();
        let drained = || -> std::io::Result<()> {
            for (key, image) in (0u32..).zip(samples) {
                for drain in &mut drains {
                    drain.load(key)?;
                }
                let records: Vec<&[u8]> = drains.iter().flat_map(|d| d.records(key)).collect();
                batch.push((image, gathered(&records)));
                send_samples(&mut batch, false);
            }
            Ok(())
        };
        let result = drained();
        send_samples(&mut batch, true);
        if let Err(e) = result {
            self.send(Event::Failed(e.to_string()));
        }
    }
}

/// One sample's records as its annotations: a JSON array, the count and the labels.
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
        let name = record_name(image);
        let this_file = self.files_read + 1;
        let key = match self.names.get(name, &self.samples) {
            Some(key) => {
                let last = std::mem::replace(&mut self.last_file[key as usize], this_file);
                if last == this_file {
                    let first = &self.samples[key as usize].image;
                    let message = format!(
                        "image {} names '{}', as image {} does; both records' annotations go to one sample",
                        image.id, image.file_name, first.id
                    );
                    self.send(Event::Problem(
                        Problem::warning(ProblemCode::Merged, &*self.file, message)
                            .field("file_name")
                            .found(&image.file_name)
                            .expected("one image record per file"),
                    ));
                }
                key
            }
            None => {
                let key = self.samples.len() as u32;
                self.names.insert(name, key);
                self.samples.push(NamedImage {
                    image: image.clone(),
                    file: Arc::clone(&self.file),
                });
                self.last_file.push(this_file);
                key
            }
        };
        self.places.push(key);
    }

    fn annotation(&mut self, image: u32, annotation: Annotation) {
        let Some(&key) = self.places.get(image as usize) else {
            return;
        };
        if !self.keep {
            let label = match self.label_index.get(&annotation.label) {
                Some(&label) => label,
                None => {
                    let label = self.label_names.len() as u32;
                    self.label_index.insert(annotation.label.clone(), label);
                    self.label_names.push(annotation.label);
                    label
                }
            };
            self.tallies.push(u64::from(key) << 32 | u64::from(label));
            return;
        }
        if self.failed.is_some() {
            return;
        }
        self.pending.push((key, annotation));
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
