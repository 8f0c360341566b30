//! Reading a source into samples: what a layout's reader is given and what it hands over.
//!
//! # Files, readers and sinks
//!
//! A reader never sees a storage client. It reads through [`SourceFiles`] (the first bytes of
//! a file, a whole file as a `std::io::Read`, an image's size), pairs files against the
//! [`Listing`], and hands every [`PlannedSample`], [`Problem`] and declared label to a
//! [`ReadSink`] as soon as it is known. The import's sink writes them to the catalog in
//! checkpointed batches; a validate-only run's sink counts them and keeps the problems. Both
//! therefore run exactly the same plan, and a report says what an import would do.
//!
//! # Options
//!
//! The few import options a reader follows itself (the one manifest to read, where text files
//! keep their labels, whether a table's first row names its columns) are its [`ReadOptions`].
//! A validate-only read uses the defaults.
//!
//! # Order and resumption
//!
//! A reader emits the same samples and problems in the same order every time it reads the same
//! source, so a resumed import can tell from its checkpoint which problems it already recorded,
//! and from the catalog which samples it already wrote.
//!
//! # Memory
//!
//! Layouts that pair files (an image and its label file, a COCO record and its image) keep an
//! index of the listing's entries, a few hundred bytes an object; annotation files are read a
//! bounded number at a time ([`read_small_files`]), and a COCO file is streamed, its
//! annotations regrouped by image through temporary files (see `coco::reader`).

mod listing;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt};
use wharf_model::{
    Annotation, ImportOptions, LabelDef, ObjectEntry, Problem, ProblemCode, TextLabels, WharfResult,
};

pub use listing::{Listing, file_name, stem};

/// Bytes of a file detection looks at.
pub const HEAD_BYTES: u64 = 64 * 1024;
/// Small annotation files read at once.
pub const FILES_AT_ONCE: usize = 16;
/// The largest label, names or result file read whole.
pub const MAX_SMALL_FILE: u64 = 16 * 1024 * 1024;
/// Samples whose sidecar files are read together.
pub const SAMPLES_PER_ROUND: usize = 256;

/// The files of a source, as a reader reads them: the engine implements it over storage.
pub trait SourceFiles: Send + Sync {
    /// Where the source is, for messages; never with credentials.
    fn location(&self) -> String;

    /// The first `max` bytes of a file, or all of a shorter one.
    fn head<'a>(&'a self, path: &'a str, max: u64) -> BoxFuture<'a, WharfResult<Vec<u8>>>;

    /// A whole file as a blocking reader, for parsers that stream: use it on a blocking thread
    /// (`tokio::task::spawn_blocking`), inside the runtime that opened it.
    fn blocking_reader<'a>(
        &'a self,
        path: &'a str,
    ) -> BoxFuture<'a, WharfResult<Box<dyn std::io::Read + Send>>>;

    /// The facts of an object the listing did not give, named by its URI in the same store
    /// (`s3://bucket/key`, as a ModelArts manifest names its images): the entry's path is that
    /// URI, by which the object is read from then on. `None` when there is no such object.
    fn stat<'a>(&'a self, uri: &'a str) -> BoxFuture<'a, WharfResult<Option<ObjectEntry>>>;

    /// Width and height from an image's header; `None` when the header is not an image's.
    fn image_size<'a>(
        &'a self,
        entry: &'a ObjectEntry,
    ) -> BoxFuture<'a, WharfResult<Option<(u32, u32)>>>;
}

/// The files of a source, shared with the threads a reader starts.
pub type Files = Arc<dyn SourceFiles>;

/// One file of a planned sample, with the facts its layout already gave.
#[derive(Debug, Clone)]
pub struct PlannedFile {
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
pub struct GatheredAnnotations {
    pub count: i64,
    /// Annotations per label; empty when the sink keeps no annotations.
    pub labels: BTreeMap<String, i64>,
    /// Some annotation is marked difficult or hard.
    pub difficult: bool,
    /// The annotations as a JSON array; `None` when the sink keeps no annotations.
    pub json: Option<String>,
}

#[derive(Debug, Clone)]
pub enum PlannedAnnotations {
    Inline(Vec<Annotation>),
    Gathered(GatheredAnnotations),
}

/// A sample as its layout describes it.
#[derive(Debug, Clone)]
pub struct PlannedSample {
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
pub struct ReadOptions {
    pub manifest: Option<String>,
    pub text_labels: TextLabels,
    pub with_column_header: bool,
    /// Empty when the tables set their own columns.
    pub table_schema: Vec<crate::modelarts_dir::ColumnSchema>,
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
                    Some(crate::modelarts_dir::ColumnSchema {
                        name: column.source_name.as_ref().unwrap_or(&column.name).clone(),
                        kind: crate::modelarts_dir::ColumnKind::from_name(&column.kind)?,
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
///
/// Its futures are boxed so that a reader can be handed any sink through the [`Layout`]
/// registry.
pub trait ReadSink: Send {
    /// Whether the sink keeps annotations, or judges samples by their labels; when not, a
    /// streaming reader only counts them.
    fn keeps_annotations(&self) -> bool;
    /// An annotation or label file was read.
    fn annotation_file(&mut self, _path: &str) {}
    /// The labels the source declares, before its samples.
    fn labels(&mut self, labels: Vec<LabelDef>) -> BoxFuture<'_, WharfResult<()>>;
    fn sample(&mut self, sample: PlannedSample) -> BoxFuture<'_, WharfResult<()>>;
    fn problem(&mut self, problem: Problem) -> BoxFuture<'_, WharfResult<()>>;
}

/// Reads small files whole, concurrently, in the order given. A file that cannot be read (or
/// is larger than [`MAX_SMALL_FILE`]) is a problem of its own.
pub async fn read_small_files(
    source: &Files,
    paths: impl IntoIterator<Item = String>,
    sink: &mut dyn ReadSink,
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
pub async fn image_sizes(source: &Files, images: Vec<ObjectEntry>) -> HashMap<String, (u32, u32)> {
    futures::stream::iter(images)
        .map(|image| {
            async move {
                let size = source.image_size(&image).await.ok().flatten();
                size.map(|size| (image.path, size))
            }
            .boxed()
        })
        .buffer_unordered(FILES_AT_ONCE)
        .filter_map(futures::future::ready)
        .collect()
        .await
}

/// Emits every problem of a list.
pub async fn problems(
    sink: &mut dyn ReadSink,
    list: impl IntoIterator<Item = Problem>,
) -> WharfResult<()> {
    for problem in list {
        sink.problem(problem).await?;
    }
    Ok(())
}

/// The problem of a reader thread that ended without finishing its file (it panicked).
pub fn reader_stopped(file: &str, error: tokio::task::JoinError) -> Problem {
    Problem::error(
        ProblemCode::Unreadable,
        file,
        format!("reading stopped unexpectedly: {error}"),
    )
}

#[cfg(test)]
mod tests;
