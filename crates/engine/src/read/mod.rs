//! Reading a source as an import would: list it, choose its layout, and turn the layout into
//! samples with their annotations.
//!
//! # Readers and sinks
//!
//! One reader per layout (`coco`, `voc`, `yolo`, `kitti`, `sensor` for the Rosetta and
//! Xtreme1 trees, `modelarts` for manifests and ModelArts folders, `plain`) turns what the
//! source holds into [`PlannedSample`]s, [`Problem`]s and the labels the source declares, and
//! hands each to a [`ReadSink`] as soon as it is known. The import's sink writes them to the
//! catalog in checkpointed batches; the validate-only run's sink counts them and keeps the
//! problems. Both therefore run exactly the same plan, and a report says what an import would
//! do.
//!
//! # Options
//!
//! The few import options a reader follows itself (the one manifest to read, where text files
//! keep their labels, whether a table's first row names its columns) are its
//! [`ReadOptions`]. A validate-only read uses the defaults.
//!
//! # Order and resumption
//!
//! A reader emits the same samples and problems in the same order every time it reads the same
//! source, so a resumed import can tell from its checkpoint which problems it already recorded,
//! and from the catalog which samples it already wrote.
//!
//! # Memory
//!
//! The plain layout streams its listing. Layouts that pair files (an image and its label file,
//! a COCO record and its image) keep an index of the listing's entries, a few hundred bytes an
//! object; annotation files are read a bounded number at a time, and a COCO file is streamed,
//! its annotations regrouped by image through temporary files (see `coco` and `regroup`).
//!
//! # Time
//!
//! Listing a large bucket takes minutes. When the format is `coco`, the first listed JSON file
//! that opens as a COCO file is read while the listing goes on; the other COCO files follow
//! once the listing is complete, and what they hold reaches the sink in the same order as
//! ever.

mod coco;
mod kitti;
mod modelarts;
mod plain;
mod regroup;
mod sensor;
mod voc;
mod yolo;

use std::collections::{BTreeMap, HashMap, HashSet};

use futures::{FutureExt, StreamExt};
use wharf_formats::{
    ListingSummary, PLAIN, Verdict, coco as coco_format, manifest, modelarts_dir, xtreme1,
};
use wharf_model::{
    Annotation, ErrorCode, FormatVerdict, ImportOptions, LabelDef, Problem, ProblemCode,
    TextLabels, WharfError, WharfResult,
};
use wharf_storage::{Listed, ObjectEntry, Source};

use coco::CocoReading;

/// The least confidence at which a detected layout is read without being asked for; below it
/// a source is read as plain (every object a sample, nothing left out), and `--format` forces
/// the layout.
const AUTO_CONFIDENCE: f32 = 0.5;
/// Bytes of a file detection looks at.
const HEAD_BYTES: u64 = 64 * 1024;
/// Candidate files whose heads detection reads, per extension.
const HEADS_PER_EXTENSION: usize = 20;
/// Small annotation files read at once.
pub(crate) const FILES_AT_ONCE: usize = 16;
/// The largest label, names or result file read whole.
pub(crate) const MAX_SMALL_FILE: u64 = 16 * 1024 * 1024;
/// Samples whose sidecar files are read together.
pub(crate) const SAMPLES_PER_ROUND: usize = 256;

/// One file of a planned sample, with the facts its layout already gave.
#[derive(Debug, Clone)]
pub(crate) struct PlannedFile {
    pub entry: ObjectEntry,
    /// Image size the reader already read from the header, which spares reading it again.
    pub size_hint: Option<(u32, u32)>,
    /// Image size the annotations declare (COCO records, a manifest's VOC `<size>`): used
    /// when the header cannot be read, and checked against it when it can.
    pub declared_size: Option<(u32, u32)>,
}

impl PlannedFile {
    pub fn new(entry: ObjectEntry) -> Self {
        Self {
            entry,
            size_hint: None,
            declared_size: None,
        }
    }
}

/// A sample's annotations as a streaming reader gathers them from across a file: already
/// serialised, with what the import's filters and counts need to know of them.
#[derive(Debug, Clone, Default)]
pub(crate) struct GatheredAnnotations {
    pub count: i64,
    /// Annotations per label; empty when the sink keeps no annotations.
    pub labels: BTreeMap<String, i64>,
    /// Some annotation is marked difficult or hard.
    pub difficult: bool,
    /// The annotations as a JSON array; `None` when the sink keeps no annotations.
    pub json: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum PlannedAnnotations {
    Inline(Vec<Annotation>),
    Gathered(GatheredAnnotations),
}

/// A sample as its layout describes it.
#[derive(Debug, Clone)]
pub(crate) struct PlannedSample {
    /// The path of the sample's main file; the key of the sample in the dataset.
    pub key: String,
    pub files: Vec<PlannedFile>,
    pub annotations: PlannedAnnotations,
    /// The format the annotations (or the layout) were read as.
    pub format: &'static str,
    pub usage: Option<String>,
    pub hard: bool,
    /// The scene or sequence the sample belongs to, for layouts that group frames.
    pub scene: Option<String>,
    /// The text of a text sample, a line or a manifest's content: many samples share its file.
    pub text: Option<String>,
}

impl PlannedSample {
    /// A sample of one file with its annotations.
    pub fn of_file(entry: ObjectEntry, annotations: Vec<Annotation>, format: &'static str) -> Self {
        Self {
            key: entry.path.clone(),
            files: vec![PlannedFile::new(entry)],
            annotations: PlannedAnnotations::Inline(annotations),
            format,
            usage: None,
            hard: false,
            scene: None,
            text: None,
        }
    }

    pub fn annotation_count(&self) -> i64 {
        match &self.annotations {
            PlannedAnnotations::Inline(a) => a.len() as i64,
            PlannedAnnotations::Gathered(g) => g.count,
        }
    }
}

/// What of an import's options the readers themselves follow (the filters are the sink's).
#[derive(Debug, Clone)]
pub(crate) struct ReadOptions {
    pub manifest: Option<String>,
    pub text_labels: TextLabels,
    pub with_column_header: bool,
    /// Empty when the tables set their own columns.
    pub table_schema: Vec<modelarts_dir::ColumnSchema>,
    /// The data type the source is read as holding (a dataset's), when one is set: it says,
    /// for one, whether a sensor tree is 2D or 3D.
    pub data_type: Option<String>,
}

impl From<&ImportOptions> for ReadOptions {
    fn from(options: &ImportOptions) -> Self {
        Self {
            manifest: options.manifest.clone(),
            text_labels: options.text_labels.clone(),
            with_column_header: options.with_column_header,
            // Types were checked when the import was submitted.
            table_schema: options
                .table_schema
                .iter()
                .filter_map(|column| {
                    Some(modelarts_dir::ColumnSchema {
                        name: column.source_name.as_ref().unwrap_or(&column.name).clone(),
                        kind: modelarts_dir::ColumnKind::from_name(&column.kind)?,
                    })
                })
                .collect(),
            data_type: None,
        }
    }
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self::from(&ImportOptions::default())
    }
}

/// Where a reader's findings go. Readers call it in a stable order (see the module doc).
pub(crate) trait ReadSink: Send {
    /// Whether the sink keeps annotations, or judges samples by their labels; when not, a
    /// streaming reader only counts them.
    fn keeps_annotations(&self) -> bool;
    /// An annotation or label file was read.
    fn annotation_file(&mut self, _path: &str) {}
    /// The labels the source declares, before its samples.
    fn labels(&mut self, labels: Vec<LabelDef>) -> impl Future<Output = WharfResult<()>> + Send;
    fn sample(&mut self, sample: PlannedSample) -> impl Future<Output = WharfResult<()>> + Send;
    fn problem(&mut self, problem: Problem) -> impl Future<Output = WharfResult<()>> + Send;
}

/// What reading chose.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReadOutcome {
    pub format: Option<String>,
    pub detection: Vec<FormatVerdict>,
    /// Objects the listing found.
    pub files: u64,
}

/// The layout a user named, by its own name: format names are taken in any case, and
/// aliases (`pascal_voc`, `ultralytics`, ...) are accepted.
pub fn check_format(format: &str) -> WharfResult<&'static str> {
    match wharf_formats::find_layout(format) {
        Some(layout) => Ok(layout.name()),
        None => Err(WharfError::invalid(format!(
            "format '{format}' is not known; expected one of {}",
            wharf_formats::layout_names().collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// Reads `source` in `format` (detected when `None`) into `sink`.
pub(crate) async fn read_source(
    source: &Source,
    format: Option<&str>,
    options: &ReadOptions,
    sink: &mut impl ReadSink,
) -> WharfResult<ReadOutcome> {
    let format = format.map(check_format).transpose()?;
    if format == Some(PLAIN) {
        let files = plain::stream(source, sink).await?;
        return Ok(ReadOutcome {
            format: Some(PLAIN.to_owned()),
            detection: Vec::new(),
            files,
        });
    }
    let (listing, started) = list(source, sink, format == Some(coco_format::FORMAT)).await?;
    let heads = read_heads(source, &listing.summary).await;
    let head = |path: &str| heads.get(path).cloned();
    let verdicts = wharf_formats::detect(&listing.summary, &head);
    let chosen = match format {
        Some(f) => {
            refuse_mismatch(f, &verdicts)?;
            f.to_owned()
        }
        None => verdicts
            .iter()
            .find_map(|d| match d.verdict {
                Verdict::Match { confidence, .. } if confidence >= AUTO_CONFIDENCE => {
                    Some(d.format.to_owned())
                }
                _ => None,
            })
            .unwrap_or_else(|| PLAIN.to_owned()),
    };
    let mut tracked = Tracking {
        inner: sink,
        used: HashSet::new(),
    };
    let sink = &mut tracked;
    match chosen.as_str() {
        coco_format::FORMAT => {
            let mut files = coco_format::annotation_files(&listing.summary, &head);
            match started {
                Some(reading) if files.iter().any(|f| f == reading.file()) => {
                    files.retain(|f| f != reading.file());
                    reading.finish(files, &listing, sink).await?
                }
                _ => coco::read(source, files, &listing, sink).await?,
            }
        }
        wharf_formats::voc::FORMAT => voc::read(source, &listing, sink).await?,
        wharf_formats::yolo::FORMAT => yolo::read(source, &listing, sink).await?,
        wharf_formats::rosetta::FORMAT => {
            sensor::read_rosetta(source, &listing, options, sink).await?
        }
        wharf_formats::kitti::FORMAT => kitti::read(source, &listing, sink).await?,
        xtreme1::FORMAT => sensor::read_xtreme1(source, &listing, sink).await?,
        modelarts_dir::FORMAT => modelarts::read_dir(source, &listing, options, sink).await?,
        manifest::FORMAT => {
            let files = match &options.manifest {
                Some(file) => vec![modelarts::named_manifest(source, &listing, file)?],
                None => modelarts::manifest_files(&listing.summary, &head),
            };
            for file in files {
                modelarts::read_manifest(source, &file, &listing, sink).await?;
            }
        }
        _ => {}
    }
    let Tracking { inner, used } = tracked;
    let left = listing
        .entries
        .into_iter()
        .filter(|e| !used.contains(&e.path));
    leftovers(&chosen, left, inner).await?;
    Ok(ReadOutcome {
        format: Some(chosen),
        detection: verdicts.iter().map(verdict).collect(),
        files: listing.summary.files,
    })
}

/// A layout named by the user that the source does not look like, when it clearly looks like
/// another: refused, with what it looks like, rather than read into nothing. When no layout
/// fits, the named one reads it: its reader follows options detection does not know (a
/// label separator, a table's schema) and reports what it cannot read.
fn refuse_mismatch(format: &str, verdicts: &[wharf_formats::Detection]) -> WharfResult<()> {
    let Some(Verdict::Reject { reason }) = verdicts
        .iter()
        .find(|d| d.format == format)
        .map(|d| &d.verdict)
    else {
        return Ok(());
    };
    let looks_like = verdicts.iter().find_map(|d| match &d.verdict {
        Verdict::Match {
            confidence,
            reasons,
        } if *confidence >= AUTO_CONFIDENCE => Some((d.format, reasons.join("; "))),
        _ => None,
    });
    match looks_like {
        Some((other, reasons)) => Err(WharfError::new(
            ErrorCode::LayoutMismatch,
            format!(
                "the source does not look like {format}: {reason}; it looks like {other} ({reasons}); import it with --format {other}, or without --format to detect it"
            ),
        )),
        None => Ok(()),
    }
}

/// What the layout's reader left of the listing. Files of the layout's structure (split
/// lists, class names, caches, masks) are neither samples nor problems; media files are
/// samples without annotations, as the plain layout makes them; anything else fits no part of
/// the layout and is reported as skipped, with why. The plain layout keeps everything.
async fn leftovers(
    format: &str,
    entries: impl IntoIterator<Item = ObjectEntry>,
    sink: &mut impl ReadSink,
) -> WharfResult<()> {
    let layout = wharf_formats::find_layout(format);
    let mut samples = Vec::new();
    for entry in entries {
        if layout.is_some_and(|l| l.is_structure(&entry.path)) {
            continue;
        }
        if format == PLAIN || entry.is_media() {
            samples.push(entry);
            continue;
        }
        let message = format!(
            "'{}' is neither data nor an annotation file of the {format} layout; it is left out",
            entry.path
        );
        sink.problem(
            Problem::warning(ProblemCode::NotUsed, &entry.path, message).expected(format!(
                "a file the {format} layout reads, or an image, audio, video or point cloud file"
            )),
        )
        .await?;
    }
    plain::from_listing(samples, sink).await
}

/// Passes everything on, noting which listed files a layout used.
struct Tracking<'a, S> {
    inner: &'a mut S,
    used: HashSet<String>,
}

impl<S: ReadSink> ReadSink for Tracking<'_, S> {
    fn keeps_annotations(&self) -> bool {
        self.inner.keeps_annotations()
    }

    fn annotation_file(&mut self, path: &str) {
        self.used.insert(path.to_owned());
        self.inner.annotation_file(path);
    }

    async fn labels(&mut self, labels: Vec<LabelDef>) -> WharfResult<()> {
        self.inner.labels(labels).await
    }

    async fn sample(&mut self, sample: PlannedSample) -> WharfResult<()> {
        self.used
            .extend(sample.files.iter().map(|f| f.entry.path.clone()));
        self.inner.sample(sample).await
    }

    async fn problem(&mut self, problem: Problem) -> WharfResult<()> {
        self.inner.problem(problem).await
    }
}

/// The listing of a source, kept for the layouts that pair files: every entry, and indexes of
/// the images by file name and by folder and stem.
#[derive(Default)]
pub(crate) struct Listing {
    pub summary: ListingSummary,
    pub entries: Vec<ObjectEntry>,
    by_path: HashMap<String, usize>,
    /// Image entries by file name, to find the files COCO records name.
    images_by_name: HashMap<String, Vec<usize>>,
    /// Image entries by folder and stem (`a/b/x` for `a/b/x.jpg`), to pair sidecar files.
    images_by_stem: HashMap<String, usize>,
}

impl Listing {
    fn add(&mut self, entry: ObjectEntry) {
        self.summary.add(&entry.path);
        let at = self.entries.len();
        if entry.is_image() {
            let name = file_name(&entry.path).to_owned();
            self.images_by_stem.insert(stem(&entry.path).to_owned(), at);
            self.images_by_name.entry(name).or_default().push(at);
        }
        self.by_path.insert(entry.path.clone(), at);
        self.entries.push(entry);
    }

    pub fn entry(&self, path: &str) -> Option<&ObjectEntry> {
        self.by_path.get(path).map(|&i| &self.entries[i])
    }

    /// Listed paths with this lowercase extension, in listing order.
    pub fn with_extension<'a>(
        &'a self,
        extension: &'a str,
    ) -> impl Iterator<Item = &'a ObjectEntry> {
        self.entries
            .iter()
            .filter(move |e| wharf_formats::extension_of(&e.path) == extension)
    }

    /// Image entries, in listing order.
    pub fn images(&self) -> impl Iterator<Item = &ObjectEntry> {
        self.entries.iter().filter(|e| e.is_image())
    }

    pub fn image_count(&self) -> usize {
        self.images_by_stem.len()
    }

    /// The place in `entries` of the listed image a record names: a path equal to `name`, or
    /// ending in `/name`.
    pub fn resolve(&self, name: &str) -> Option<usize> {
        let name = name.trim_start_matches("./");
        self.images_by_name
            .get(file_name(name))?
            .iter()
            .copied()
            .find(|&i| {
                let path = &self.entries[i].path;
                path == name || path.ends_with(&format!("/{name}"))
            })
    }

    /// The image a sidecar file describes: same folder and stem, or, for a label under a
    /// `labels/` folder, the same place under `images/`.
    pub fn image_for(&self, sidecar: &str) -> Option<&ObjectEntry> {
        let key = stem(sidecar);
        if let Some(&i) = self.images_by_stem.get(key) {
            return Some(&self.entries[i]);
        }
        let moved = match key.rfind("/labels/") {
            Some(i) => format!("{}/images/{}", &key[..i], &key[i + "/labels/".len()..]),
            None => format!("images/{}", key.strip_prefix("labels/")?),
        };
        self.images_by_stem.get(&moved).map(|&i| &self.entries[i])
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.path.as_str())
    }
}

pub(crate) fn stem(path: &str) -> &str {
    match path.rfind('.') {
        Some(dot) if dot > path.rfind('/').map_or(0, |s| s + 1) => &path[..dot],
        _ => path,
    }
}

pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Lists the source. With `start_coco`, the first listed JSON file that opens as a COCO file
/// starts being read at once, on its own thread, while the listing goes on: listing a bucket
/// of a million images takes minutes, in which the annotations can be parsed and regrouped.
async fn list(
    source: &Source,
    sink: &mut impl ReadSink,
    start_coco: bool,
) -> WharfResult<(Listing, Option<CocoReading>)> {
    let mut listing = Listing::default();
    let mut started = None;
    let mut heads_left = if start_coco { HEADS_PER_EXTENSION } else { 0 };
    let mut entries = source.list();
    while let Some(item) = entries.next().await {
        match item? {
            Listed::Object(entry) => {
                if heads_left > 0 && wharf_formats::extension_of(&entry.path) == "json" {
                    heads_left -= 1;
                    if let Ok(head) = source.head(&entry.path, HEAD_BYTES).await
                        && coco_format::looks_like_coco(&head)
                    {
                        heads_left = 0;
                        started = Some(CocoReading::start(
                            source,
                            &entry.path,
                            entry.size,
                            sink.keeps_annotations(),
                        ));
                    }
                }
                listing.add(entry);
            }
            Listed::Unreadable { path, error } => {
                sink.problem(Problem::error(ProblemCode::Unreadable, path, error.message))
                    .await?
            }
        }
    }
    if listing.summary.files == 0 {
        return Err(empty_source(source));
    }
    Ok((listing, started))
}

pub(crate) fn empty_source(source: &Source) -> WharfError {
    WharfError::new(
        ErrorCode::SourceEmpty,
        format!(
            "no objects under '{}'; check the bucket and the prefix (a prefix names a folder, e.g. s3://bucket/images/)",
            source.uri()
        ),
    )
}

/// Heads of the files detection may look at, read concurrently.
async fn read_heads(source: &Source, summary: &ListingSummary) -> HashMap<String, Vec<u8>> {
    let mut candidates: Vec<String> = [
        "json", "jsonl", "manifest", "xml", "txt", "csv", "yaml", "yml", "names", "data",
    ]
    .iter()
    .flat_map(|ext| summary.paths(ext).iter().take(HEADS_PER_EXTENSION).cloned())
    .collect();
    candidates.extend(summary.well_known().iter().cloned());
    candidates.sort();
    candidates.dedup();
    futures::stream::iter(candidates)
        .map(|path| {
            async move {
                source
                    .head(&path, HEAD_BYTES)
                    .await
                    .ok()
                    .map(|bytes| (path, bytes))
            }
            .boxed()
        })
        .buffer_unordered(FILES_AT_ONCE)
        .filter_map(futures::future::ready)
        .collect()
        .await
}

/// Reads small files whole, concurrently, in the order given. A file that cannot be read (or
/// is larger than [`MAX_SMALL_FILE`]) is a problem of its own.
pub(crate) async fn read_small_files(
    source: &Source,
    paths: impl IntoIterator<Item = String>,
    sink: &mut impl ReadSink,
) -> WharfResult<Vec<(String, Vec<u8>)>> {
    let read: Vec<(String, WharfResult<Vec<u8>>)> = futures::stream::iter(paths)
        .map(|path| {
            async move {
                let bytes = source.head(&path, MAX_SMALL_FILE + 1).await;
                (path, bytes)
            }
            .boxed()
        })
        .buffered(FILES_AT_ONCE)
        .collect()
        .await;
    let mut files = Vec::with_capacity(read.len());
    for (path, bytes) in read {
        match bytes {
            Ok(bytes) if bytes.len() as u64 > MAX_SMALL_FILE => {
                sink.problem(
                    Problem::error(
                        ProblemCode::TooLarge,
                        &path,
                        format!("the file is larger than {MAX_SMALL_FILE} bytes, the most read for a label file"),
                    ),
                )
                .await?
            }
            Ok(bytes) => {
                sink.annotation_file(&path);
                files.push((path, bytes))
            }
            Err(e) => {
                sink.problem(Problem::error(ProblemCode::Unreadable, path, e.message))
                    .await?
            }
        }
    }
    Ok(files)
}

/// The sizes in the headers of `images`, read concurrently; an image whose header does not
/// read is left out (the import reads it again, and says so if it fails).
pub(crate) async fn image_sizes(
    source: &Source,
    images: Vec<ObjectEntry>,
) -> HashMap<String, (u32, u32)> {
    futures::stream::iter(images)
        .map(|image| {
            async move {
                let size = source.probe_image(&image).await.ok().flatten();
                size.map(|s| (image.path, (s.width, s.height)))
            }
            .boxed()
        })
        .buffer_unordered(FILES_AT_ONCE)
        .filter_map(futures::future::ready)
        .collect()
        .await
}

/// Emits every problem of a list.
pub(crate) async fn problems(
    sink: &mut impl ReadSink,
    list: impl IntoIterator<Item = Problem>,
) -> WharfResult<()> {
    for problem in list {
        sink.problem(problem).await?;
    }
    Ok(())
}

/// The problem of a reader thread that ended without finishing its file (it panicked).
pub(crate) fn reader_stopped(file: &str, error: tokio::task::JoinError) -> Problem {
    Problem::error(
        ProblemCode::Unreadable,
        file,
        format!("reading stopped unexpectedly: {error}"),
    )
}

fn verdict(detection: &wharf_formats::Detection) -> FormatVerdict {
    match &detection.verdict {
        Verdict::Match {
            confidence,
            reasons,
        } => FormatVerdict {
            format: detection.format.to_owned(),
            matched: true,
            confidence: *confidence,
            reasons: reasons.clone(),
        },
        Verdict::Reject { reason } => FormatVerdict {
            format: detection.format.to_owned(),
            matched: false,
            confidence: 0.0,
            reasons: vec![reason.clone()],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(paths: &[&str]) -> Listing {
        let mut listing = Listing::default();
        for p in paths {
            let media_type = if p.ends_with(".jpg") {
                "image/jpeg"
            } else {
                "text/plain"
            };
            listing.add(ObjectEntry {
                path: (*p).to_owned(),
                size: 1,
                fingerprint: String::new(),
                modified_ms: None,
                media_type: media_type.to_owned(),
            });
        }
        listing
    }

    #[test]
    fn sidecars_pair_beside_their_image_or_across_labels_and_images() {
        let l = listing(&[
            "a/x.jpg",
            "a/x.xml",
            "set/images/train/y.jpg",
            "set/labels/train/y.txt",
            "images/z.jpg",
            "labels/z.txt",
            "a/lonely.xml",
        ]);
        let path = |e: Option<&ObjectEntry>| e.map(|e| e.path.clone());
        assert_eq!(path(l.image_for("a/x.xml")).as_deref(), Some("a/x.jpg"));
        assert_eq!(
            path(l.image_for("set/labels/train/y.txt")).as_deref(),
            Some("set/images/train/y.jpg")
        );
        assert_eq!(
            path(l.image_for("labels/z.txt")).as_deref(),
            Some("images/z.jpg")
        );
        assert_eq!(path(l.image_for("a/lonely.xml")), None);
        assert_eq!(
            path(l.resolve("x.jpg").map(|i| &l.entries[i])).as_deref(),
            Some("a/x.jpg")
        );
        assert_eq!(
            path(l.resolve("train/y.jpg").map(|i| &l.entries[i])).as_deref(),
            Some("set/images/train/y.jpg")
        );
        assert_eq!(path(l.resolve("nope.jpg").map(|i| &l.entries[i])), None);
        assert_eq!(stem("a.b/c"), "a.b/c");
    }
}
