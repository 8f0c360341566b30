//! ModelArts JSON-lines manifests: every manifest of the source (or the one an import names),
//! each streamed line by line.
//!
//! A `content://` line is a text sample without a file of its own: its key is `file:line`,
//! its file is the manifest, and its text is the sample's own `text`.

use std::collections::HashMap;

use futures::{FutureExt, StreamExt};

use crate::manifest::{self, ManifestSample, ManifestSink};
use crate::{Head, ListingSummary, ReadContext, voc};
use tokio::sync::mpsc;
use wharf_model::ObjectEntry;
use wharf_model::{Problem, ProblemCode, WharfError, WharfResult};
use xxhash_rust::xxh3::xxh3_64;

use crate::read::{
    FILES_AT_ONCE, Files, Listing, PlannedAnnotations, PlannedSample, ReadSink, SAMPLES_PER_ROUND,
    problems, read_small_files,
};

/// Manifest lines in flight between the reader's thread and the sink.
const LINES_AHEAD: usize = 256;

/// Reads the manifest the import names, else every manifest of the source, in listing order.
pub(super) async fn read(
    context: &ReadContext,
    listing: &Listing,
    head: &Head<'_>,
    sink: &mut dyn ReadSink,
) -> WharfResult<()> {
    let files = match &context.options.manifest {
        Some(file) => vec![named_manifest(&context.files, listing, file)?],
        None => manifest_files(&listing.summary, head),
    };
    for file in files {
        read_manifest(&context.files, &file, listing, sink).await?;
    }
    Ok(())
}

/// The manifests of a source: `.manifest` files, and JSON-lines files whose first line is a
/// sample.
fn manifest_files(summary: &ListingSummary, head: &Head<'_>) -> Vec<String> {
    let looks_like_samples = |path: &&String| {
        head(path).is_some_and(|bytes| {
            let text = String::from_utf8_lossy(&bytes);
            let first = text
                .trim_start_matches('\u{feff}')
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            serde_json::from_str::<serde_json::Value>(first)
                .is_ok_and(|v| v.get("source").is_some())
        })
    };
    let mut files: Vec<String> = summary.paths("manifest").to_vec();
    files.extend(
        ["jsonl", "json"]
            .iter()
            .flat_map(|e| summary.paths(e))
            .filter(looks_like_samples)
            .cloned(),
    );
    files
}

/// The listed path of the one manifest an import names, or why it cannot be read.
fn named_manifest(source: &Files, listing: &Listing, file: &str) -> WharfResult<String> {
    let path = file.trim_start_matches('/');
    match listing.entry(path) {
        Some(entry) => Ok(entry.path.clone()),
        None => Err(WharfError::new(
            wharf_model::ErrorCode::SourceEmpty,
            format!(
                "the manifest '{path}' is not under '{}'; expected the path of a manifest file there",
                source.location()
            ),
        )),
    }
}

enum Line {
    Sample(Box<ManifestSample>),
    Problem(Problem),
}

/// A ModelArts manifest, streamed line by line. A sample's `source` must be an object of the
/// source (matched by its key, or the end of it); `annotation-loc` VOC files are read and
/// their objects become the sample's annotations, for every line that names them.
///
/// Several lines may name one source (manifests concatenated from several labelling jobs):
/// they are one sample with the labels of every line, and each merge is reported. A first pass
/// over the manifest counts sources by hash (a few bytes a line); the second holds back only
/// the lines whose source is named more than once, merges them, and hands them over at the
/// end.
async fn read_manifest(
    source: &Files,
    file: &str,
    listing: &Listing,
    sink: &mut dyn ReadSink,
) -> WharfResult<()> {
    sink.annotation_file(file);
    let (tx, mut rx) = mpsc::channel(LINES_AHEAD);
    let runtime = tokio::runtime::Handle::current();
    let reader_source = source.clone();
    let path = file.to_owned();
    let reader = tokio::task::spawn_blocking(move || {
        let open = || runtime.block_on(reader_source.blocking_reader(&path));
        let mut sources = SourceCounts::default();
        if let Ok(reader) = open() {
            manifest::read(std::io::BufReader::new(reader), &path, &mut sources);
        }
        let mut forward = ForwardLines {
            tx,
            file: path.clone(),
            repeated: sources.repeated(),
            held: Vec::new(),
            held_at: HashMap::new(),
        };
        match open() {
            Ok(reader) => {
                manifest::read(std::io::BufReader::new(reader), &path, &mut forward);
            }
            Err(e) => forward.problem(Problem::error(ProblemCode::Unreadable, &path, e.message)),
        }
        forward.finish();
    });
    let reader = tokio_util::task::AbortOnDropHandle::new(reader);
    let mut round: Vec<ManifestSample> = Vec::with_capacity(SAMPLES_PER_ROUND);
    while let Some(line) = rx.recv().await {
        match line {
            Line::Problem(problem) => sink.problem(problem).await?,
            Line::Sample(sample) => {
                round.push(*sample);
                if round.len() == SAMPLES_PER_ROUND {
                    manifest_round(source, file, listing, std::mem::take(&mut round), sink).await?;
                }
            }
        }
    }
    manifest_round(source, file, listing, round, sink).await?;
    if let Err(e) = reader.await {
        sink.problem(crate::read::reader_stopped(file, e)).await?;
    }
    Ok(())
}

async fn manifest_round(
    source: &Files,
    file: &str,
    listing: &Listing,
    round: Vec<ManifestSample>,
    sink: &mut dyn ReadSink,
) -> WharfResult<()> {
    let elsewhere = Elsewhere::find(source, listing, &round).await;
    let mut locations: Vec<String> = round
        .iter()
        .flat_map(|s| &s.annotation_files)
        .filter_map(|a| {
            elsewhere
                .object(listing, &a.location)
                .map(|e| e.path.clone())
        })
        .collect();
    // A file named by several lines is read once, and used for each.
    locations.sort();
    locations.dedup();
    let documents: HashMap<String, Vec<u8>> = read_small_files(source, locations, sink)
        .await?
        .into_iter()
        .collect();
    for sample in round {
        let mut planned = match &sample.source {
            manifest::Source::Object(uri) => match elsewhere.object(listing, uri) {
                Some(entry) => PlannedSample::of_file(entry.clone(), Vec::new(), manifest::FORMAT),
                None => {
                    sink.problem(
                        Problem::error(
                            ProblemCode::MissingFile,
                            file,
                            format!(
                                "the sample's source '{uri}' {}; the sample is left out",
                                elsewhere.why_not(uri)
                            ),
                        )
                        .at_line(sample.line)
                        .field("source")
                        .found(uri)
                        .expected("an object of the store, named by its full URI, or a key under the import's source"),
                    )
                    .await?;
                    continue;
                }
            },
            manifest::Source::Content(text) => {
                let Some(entry) = listing.entry(file) else {
                    continue;
                };
                let mut planned =
                    PlannedSample::of_file(entry.clone(), Vec::new(), manifest::FORMAT);
                planned.key = format!("{file}:{}", sample.line);
                planned.text = Some(text.clone());
                planned
            }
        };
        let mut annotations = match planned.annotations {
            PlannedAnnotations::Inline(a) => a,
            PlannedAnnotations::Gathered(_) => Vec::new(),
        };
        annotations.extend(sample.annotations);
        for location in &sample.annotation_files {
            let Some(entry) = elsewhere.object(listing, &location.location) else {
                sink.problem(
                    Problem::error(
                        ProblemCode::MissingFile,
                        file,
                        format!(
                            "annotation-loc '{}' {}; the sample is imported without its labels",
                            location.location,
                            elsewhere.why_not(&location.location)
                        ),
                    )
                    .at_line(sample.line)
                    .field("annotation-loc")
                    .found(&location.location),
                )
                .await?;
                continue;
            };
            let document = documents
                .get(&entry.path)
                .map(|bytes| voc::parse(bytes, &entry.path));
            if let Some(document) = document {
                problems(sink, document.problems).await?;
                if let (Some(w), Some(h)) = (document.width, document.height) {
                    planned.files[0].declared_size = Some((w, h));
                }
                annotations.extend(document.annotations);
            }
        }
        planned.annotations = PlannedAnnotations::Inline(annotations);
        planned.usage = sample.usage;
        planned.hard = sample.hard;
        sink.sample(planned).await?;
    }
    Ok(())
}

/// The listed object a manifest URI names: its key within the bucket, or the longest end of
/// that key that is a listed path (the import's source may be a prefix of the bucket).
/// The objects a round of lines names outside the listing (images elsewhere in the bucket, or
/// in another bucket of the store, as the platform's manifests name them), found by their URI.
#[derive(Default)]
struct Elsewhere {
    found: HashMap<String, ObjectEntry>,
    /// Why a URI was not found, when the store said more than that it is not there.
    refused: HashMap<String, String>,
}

impl Elsewhere {
    async fn find(source: &Files, listing: &Listing, round: &[ManifestSample]) -> Elsewhere {
        let mut wanted: Vec<String> = round
            .iter()
            .filter_map(|s| match &s.source {
                manifest::Source::Object(uri) => Some(uri),
                manifest::Source::Content(_) => None,
            })
            .chain(
                round
                    .iter()
                    .flat_map(|s| &s.annotation_files)
                    .map(|a| &a.location),
            )
            .filter(|uri| uri.contains("://") && object_of(listing, uri).is_none())
            .cloned()
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        // Owned URIs: a stream of borrowed ones would not be `Send` for every lifetime.
        let answers: Vec<(String, WharfResult<Option<ObjectEntry>>)> =
            futures::stream::iter(wanted)
                .map(|uri| {
                    async move {
                        let answer = source.stat(&uri).await;
                        (uri, answer)
                    }
                    .boxed()
                })
                .buffered(FILES_AT_ONCE)
                .collect()
                .await;
        let mut elsewhere = Elsewhere::default();
        for (uri, answer) in answers {
            match answer {
                Ok(Some(entry)) => {
                    elsewhere.found.insert(uri, entry);
                }
                Ok(None) => {}
                Err(e) => {
                    elsewhere.refused.insert(uri, e.message);
                }
            }
        }
        elsewhere
    }

    /// The object a line names: in the listing, else found elsewhere in the store.
    fn object<'a>(&'a self, listing: &'a Listing, uri: &str) -> Option<&'a ObjectEntry> {
        object_of(listing, uri).or_else(|| self.found.get(uri))
    }

    /// Why a URI names no object, for a problem's message.
    fn why_not(&self, uri: &str) -> String {
        match self.refused.get(uri) {
            Some(why) => format!("cannot be read ({why})"),
            None if uri.contains("://") => {
                "is not an object of the store, under the import's source or elsewhere".to_owned()
            }
            None => "is not an object under the import's source".to_owned(),
        }
    }
}

fn object_of<'a>(listing: &'a Listing, uri: &str) -> Option<&'a ObjectEntry> {
    let key = match uri.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, key)| key),
        None => uri.trim_start_matches("./"),
    };
    let mut candidate = key;
    loop {
        if let Some(entry) = listing.entry(candidate) {
            return Some(entry);
        }
        candidate = candidate.split_once('/')?.1;
    }
}

/// The first pass: how many lines name each stored source, by the hash of its URI.
#[derive(Default)]
struct SourceCounts {
    seen: HashMap<u64, u8>,
}

impl SourceCounts {
    fn repeated(self) -> std::collections::HashSet<u64> {
        self.seen
            .into_iter()
            .filter_map(|(hash, count)| (count > 1).then_some(hash))
            .collect()
    }
}

impl ManifestSink for SourceCounts {
    fn sample(&mut self, sample: ManifestSample) {
        if let manifest::Source::Object(uri) = &sample.source {
            let count = self.seen.entry(xxh3_64(uri.as_bytes())).or_default();
            *count = count.saturating_add(1);
        }
    }

    fn problem(&mut self, _problem: Problem) {}
}

/// The second pass: hands lines over as they come, except those whose source other lines
/// name too, which are merged and handed over at the end.
struct ForwardLines {
    tx: mpsc::Sender<Line>,
    file: String,
    /// Hashes of the sources named by more than one line (a collision only holds a line back).
    repeated: std::collections::HashSet<u64>,
    held: Vec<ManifestSample>,
    /// The place in `held` of each held source.
    held_at: HashMap<String, usize>,
}

impl ForwardLines {
    fn finish(self) {
        for sample in self.held {
            let _ = self.tx.blocking_send(Line::Sample(Box::new(sample)));
        }
    }

    fn merge(&mut self, into: usize, sample: ManifestSample) {
        let first = &mut self.held[into];
        let message = format!(
            "line {} names the source of line {} again; its {} labels are merged into that sample",
            sample.line,
            first.line,
            sample.annotations.len() + sample.annotation_files.len()
        );
        first.annotations.extend(sample.annotations);
        first.annotation_files.extend(sample.annotation_files);
        first.usage = first.usage.take().or(sample.usage);
        first.hard |= sample.hard;
        let problem = Problem::warning(ProblemCode::Merged, &self.file, message)
            .at_line(sample.line)
            .field("source")
            .expected("one line per source");
        let _ = self.tx.blocking_send(Line::Problem(problem));
    }
}

impl ManifestSink for ForwardLines {
    fn sample(&mut self, sample: ManifestSample) {
        if let manifest::Source::Object(uri) = &sample.source
            && self.repeated.contains(&xxh3_64(uri.as_bytes()))
        {
            match self.held_at.get(uri) {
                Some(&at) => self.merge(at, sample),
                None => {
                    self.held_at.insert(uri.clone(), self.held.len());
                    self.held.push(sample);
                }
            }
            return;
        }
        // A closed channel means the sink stopped; the reader runs out on its own.
        let _ = self.tx.blocking_send(Line::Sample(Box::new(sample)));
    }

    fn problem(&mut self, problem: Problem) {
        let _ = self.tx.blocking_send(Line::Problem(problem));
    }
}
