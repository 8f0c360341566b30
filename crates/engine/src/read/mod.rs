//! Reading a source as an import would: list it, choose its layout, have the layout's reader
//! turn it into samples with their annotations, and account for every listed file the reader
//! did not use.
//!
//! The layouts and their readers live in `wharf-formats` (see its `layout` and `read`
//! modules); this module gives them the source's files ([`StorageFiles`]) and takes every
//! layout from the one registry. Nothing here names a layout but `plain`, the layout of last
//! resort.
//!
//! # Time
//!
//! Listing a large bucket takes minutes. When the user names the layout, its reader is made
//! before the listing and shown every object as it is listed, so that it may start early (COCO
//! parses its first file meanwhile). A source read as `plain` is streamed: its listing is
//! never kept.

mod plain;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt};
use wharf_formats::read::{
    FILES_AT_ONCE, Files, HEAD_BYTES, Listing, PlannedSample, ReadOptions, ReadSink, SourceFiles,
};
use wharf_formats::{Layout, LayoutReader, ListingSummary, PLAIN, ReadContext, Verdict};
use wharf_model::{
    ErrorCode, FormatVerdict, LabelDef, ObjectEntry, Problem, ProblemCode, WharfError, WharfResult,
};
use wharf_storage::{Listed, Source};

/// The least confidence at which a detected layout is read without being asked for; below it
/// a source is read as plain (every object a sample, nothing left out), and `--format` forces
/// the layout.
const AUTO_CONFIDENCE: f32 = 0.5;
/// Candidate files whose heads detection reads, per extension.
const HEADS_PER_EXTENSION: usize = 20;

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
    let named = format.map(layout_named).transpose()?;
    if named.is_some_and(|layout| layout.name() == PLAIN) {
        let files = plain::stream(source, sink).await?;
        return Ok(ReadOutcome {
            format: Some(PLAIN.to_owned()),
            detection: Vec::new(),
            files,
        });
    }
    let context = ReadContext {
        files: Arc::new(StorageFiles(source.clone())) as Files,
        options: options.clone(),
        keeps_annotations: sink.keeps_annotations(),
    };
    let mut early = named.map(|layout| layout.reader(context.clone()));
    let listing = list(source, sink, early.as_mut()).await?;
    let heads = read_heads(source, &listing.summary).await;
    let head = |path: &str| heads.get(path).cloned();
    let verdicts = wharf_formats::detect(&listing.summary, &head);
    let layout = match named {
        Some(layout) => {
            refuse_mismatch(layout.name(), &verdicts)?;
            layout
        }
        None => verdicts
            .iter()
            .find_map(|d| match d.verdict {
                Verdict::Match { confidence, .. } if confidence >= AUTO_CONFIDENCE => {
                    wharf_formats::find_layout(d.format)
                }
                _ => None,
            })
            .unwrap_or(&wharf_formats::plain::PlainLayout),
    };
    let reader = early.unwrap_or_else(|| layout.reader(context));
    let mut tracked = Tracking {
        inner: sink,
        used: HashSet::new(),
    };
    reader.read(&listing, &head, &mut tracked).await?;
    let Tracking { inner, used } = tracked;
    let files = listing.summary.files;
    let left = listing
        .entries
        .into_iter()
        .filter(|e| !used.contains(&e.path));
    leftovers(layout, left, inner).await?;
    Ok(ReadOutcome {
        format: Some(layout.name().to_owned()),
        detection: verdicts.iter().map(verdict).collect(),
        files,
    })
}

fn layout_named(format: &str) -> WharfResult<&'static dyn Layout> {
    let name = check_format(format)?;
    wharf_formats::find_layout(name)
        .ok_or_else(|| WharfError::internal(format!("the layout '{name}' is not registered")))
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
/// the layout and is reported as skipped, with why.
async fn leftovers(
    layout: &dyn Layout,
    entries: impl IntoIterator<Item = ObjectEntry>,
    sink: &mut impl ReadSink,
) -> WharfResult<()> {
    let format = layout.name();
    for entry in entries {
        if layout.is_structure(&entry.path) {
            continue;
        }
        if entry.is_media() {
            sink.sample(PlannedSample::of_file(entry, Vec::new(), PLAIN))
                .await?;
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
    Ok(())
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

    fn labels(&mut self, labels: Vec<LabelDef>) -> BoxFuture<'_, WharfResult<()>> {
        self.inner.labels(labels)
    }

    fn sample(&mut self, sample: PlannedSample) -> BoxFuture<'_, WharfResult<()>> {
        self.used
            .extend(sample.files.iter().map(|f| f.entry.path.clone()));
        self.inner.sample(sample)
    }

    fn problem(&mut self, problem: Problem) -> BoxFuture<'_, WharfResult<()>> {
        self.inner.problem(problem)
    }
}

/// A source's files, as the layouts' readers read them.
struct StorageFiles(Source);

impl SourceFiles for StorageFiles {
    fn location(&self) -> String {
        self.0.uri().to_string()
    }

    fn head<'a>(&'a self, path: &'a str, max: u64) -> BoxFuture<'a, WharfResult<Vec<u8>>> {
        self.0.head(path, max).boxed()
    }

    fn blocking_reader<'a>(
        &'a self,
        path: &'a str,
    ) -> BoxFuture<'a, WharfResult<Box<dyn std::io::Read + Send>>> {
        async move {
            let reader = self.0.blocking_reader(path).await?;
            Ok(Box::new(reader) as Box<dyn std::io::Read + Send>)
        }
        .boxed()
    }

    fn stat<'a>(&'a self, uri: &'a str) -> BoxFuture<'a, WharfResult<Option<ObjectEntry>>> {
        self.0.stat(uri).boxed()
    }

    fn image_size<'a>(
        &'a self,
        entry: &'a ObjectEntry,
    ) -> BoxFuture<'a, WharfResult<Option<(u32, u32)>>> {
        async move {
            let size = self.0.probe_image(entry).await?;
            Ok(size.map(|s| (s.width, s.height)))
        }
        .boxed()
    }
}

/// Lists the source, showing every object to `early` as it is listed.
async fn list(
    source: &Source,
    sink: &mut impl ReadSink,
    mut early: Option<&mut Box<dyn LayoutReader>>,
) -> WharfResult<Listing> {
    let mut listing = Listing::default();
    let mut entries = source.list();
    while let Some(item) = entries.next().await {
        match item? {
            Listed::Object(entry) => {
                if let Some(reader) = early.as_mut() {
                    reader.listed(&entry).await;
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
    Ok(listing)
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
