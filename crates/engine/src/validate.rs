//! Validate-only: list, detect and read a source as an import would, and write nothing.
//!
//! The report names every problem with its file, line or JSON path, what was found and what
//! was expected, so that a user can fix a broken dataset from it alone. Memory stays bounded
//! by the listing's paths: the listing is summarised as it streams, large annotation files are
//! parsed as they stream in, and only the first problems are kept (the rest are counted).

use std::collections::HashMap;

use futures::StreamExt;
use wharf_formats::coco::{self, CocoImage, CocoSink};
use wharf_formats::manifest::{self, ManifestSample, ManifestSink};
use wharf_formats::{ListingSummary, PLAIN, Verdict, modelarts_dir, rosetta, voc, xtreme1, yolo};
use wharf_model::{
    Annotation, ErrorCode, FormatVerdict, LabelDef, Problem, ProblemCode, Severity,
    ValidationReport, WharfError, WharfResult,
};
use wharf_storage::{Listed, ObjectEntry, Source};

/// The formats `wharf validate --format` accepts.
pub const FORMATS: &[&str] = &[
    coco::FORMAT,
    VOC,
    YOLO,
    ROSETTA,
    xtreme1::FORMAT,
    manifest::FORMAT,
    modelarts_dir::FORMAT,
    PLAIN,
];
const VOC: &str = "voc";
const YOLO: &str = "yolo";
const ROSETTA: &str = "rosetta";

/// Problems kept in a report; the rest are counted.
const MAX_REPORTED: usize = 1000;
/// Bytes of a file detection looks at.
const HEAD_BYTES: u64 = 64 * 1024;
/// Candidate files whose heads detection reads, per extension.
const HEADS_PER_EXTENSION: usize = 20;
/// Small annotation files read at once.
const FILES_AT_ONCE: usize = 16;
/// The largest label or names file read whole.
const MAX_SMALL_FILE: u64 = 16 * 1024 * 1024;

/// Reads `source` as an import in `format` (detected when `None`) would, and reports.
pub async fn validate(source: &Source, format: Option<&str>) -> WharfResult<ValidationReport> {
    if let Some(f) = format
        && !FORMATS.contains(&f)
    {
        return Err(WharfError::invalid(format!(
            "format '{f}' is not known; expected one of {}",
            FORMATS.join(", ")
        )));
    }
    let mut report = Report::new(source.uri().as_str());
    let listing = list(source, &mut report).await?;
    let heads = read_heads(source, &listing.summary).await;
    let head = |path: &str| heads.get(path).cloned();
    let verdicts = wharf_formats::detect(&listing.summary, &head);
    report.inner.detection = verdicts.iter().map(verdict).collect();
    let chosen = match format {
        Some(f) => Some(f.to_owned()),
        None => verdicts
            .iter()
            .find(|d| matches!(d.verdict, Verdict::Match { .. }))
            .map(|d| d.format.to_owned()),
    };
    match chosen.as_deref() {
        Some(coco::FORMAT) => {
            for file in coco::annotation_files(&listing.summary, &head) {
                read_coco(source, &file, &listing, &mut report).await;
            }
        }
        Some(VOC) => read_voc(source, &listing, &mut report).await,
        Some(YOLO) => read_yolo(source, &listing, &mut report).await,
        Some(ROSETTA) => read_rosetta(source, &listing, &mut report).await,
        Some(xtreme1::FORMAT) => read_xtreme1(source, &mut report).await,
        Some(modelarts_dir::FORMAT) => read_modelarts_dir(source, &listing, &mut report).await,
        Some(manifest::FORMAT) => {
            for file in manifest_files(&listing.summary, &head) {
                read_manifest(source, &file, &mut report).await;
            }
        }
        Some(_) => report.inner.samples = listing.summary.files,
        None => report.problem(Problem::error(
            ProblemCode::LayoutMismatch,
            "",
            "no known layout matched the source; see `detection` for why each format was rejected",
        )),
    }
    report.inner.format = chosen;
    Ok(report.inner)
}

/// What validation keeps of the listing: the summary, and the paths readers pair up.
#[derive(Default)]
struct Listing {
    summary: ListingSummary,
    /// Image paths by file name, to find the files COCO records name.
    images_by_name: HashMap<String, Vec<String>>,
    /// Image paths by folder and stem (`a/b/x` for `a/b/x.jpg`), to pair sidecar files.
    images_by_stem: HashMap<String, String>,
    xml: Vec<String>,
    txt: Vec<String>,
}

impl Listing {
    fn add(&mut self, entry: ObjectEntry) {
        self.summary.add(&entry.path);
        let path = entry.path;
        match wharf_formats::extension_of(&path).as_str() {
            "xml" => self.xml.push(path),
            "txt" => self.txt.push(path),
            _ if entry.media_type.starts_with("image/") => {
                let name = path.rsplit('/').next().unwrap_or(&path).to_owned();
                self.images_by_stem
                    .insert(stem(&path).to_owned(), path.clone());
                self.images_by_name.entry(name).or_default().push(path);
            }
            _ => {}
        }
    }

    /// The listed image a COCO record names: a path equal to `name`, or ending in `/name`.
    fn resolve(&self, name: &str) -> Option<&str> {
        let base = name.rsplit('/').next().unwrap_or(name);
        self.images_by_name
            .get(base)?
            .iter()
            .map(String::as_str)
            .find(|p| *p == name || p.ends_with(&format!("/{name}")))
    }

    /// The image a sidecar file describes: same folder and stem, or, for a label under a
    /// `labels/` folder, the same place under `images/`.
    fn image_for(&self, sidecar: &str) -> Option<&str> {
        let key = stem(sidecar);
        if let Some(image) = self.images_by_stem.get(key) {
            return Some(image);
        }
        let moved = match key.rfind("/labels/") {
            Some(i) => format!("{}/images/{}", &key[..i], &key[i + "/labels/".len()..]),
            None => format!("images/{}", key.strip_prefix("labels/")?),
        };
        self.images_by_stem.get(&moved).map(String::as_str)
    }
}

fn stem(path: &str) -> &str {
    match path.rfind('.') {
        Some(dot) if dot > path.rfind('/').map_or(0, |s| s + 1) => &path[..dot],
        _ => path,
    }
}

async fn list(source: &Source, report: &mut Report) -> WharfResult<Listing> {
    let mut listing = Listing::default();
    let mut entries = source.list();
    while let Some(item) = entries.next().await {
        match item? {
            Listed::Object(entry) => listing.add(entry),
            Listed::Unreadable { path, error } => {
                report.problem(Problem::error(ProblemCode::Unreadable, path, error.message))
            }
        }
    }
    report.inner.files = listing.summary.files;
    if listing.summary.files == 0 {
        return Err(WharfError::new(
            ErrorCode::SourceEmpty,
            format!("no objects under '{}'", source.uri()),
        ));
    }
    Ok(listing)
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
        .map(|path| async move {
            source
                .head(&path, HEAD_BYTES)
                .await
                .ok()
                .map(|bytes| (path, bytes))
        })
        .buffer_unordered(FILES_AT_ONCE)
        .filter_map(futures::future::ready)
        .collect()
        .await
}

/// Reads small files whole, concurrently, in listing order. A file that cannot be read is a
/// problem of its own.
async fn read_small_files<'a>(
    source: &'a Source,
    paths: impl IntoIterator<Item = String> + 'a,
    report: &mut Report,
) -> Vec<(String, Vec<u8>)> {
    let read: Vec<(String, WharfResult<Vec<u8>>)> = futures::stream::iter(paths)
        .map(|path| async move {
            let bytes = source.head(&path, MAX_SMALL_FILE + 1).await;
            (path, bytes)
        })
        .buffered(FILES_AT_ONCE)
        .collect()
        .await;
    let mut files = Vec::with_capacity(read.len());
    for (path, bytes) in read {
        match bytes {
            Ok(bytes) => files.push((path, bytes)),
            Err(e) => report.problem(Problem::error(ProblemCode::Unreadable, path, e.message)),
        }
    }
    files
}

async fn read_coco(source: &Source, file: &str, listing: &Listing, report: &mut Report) {
    report.inner.annotation_files += 1;
    let runtime = tokio::runtime::Handle::current();
    let reader_source = source.clone();
    let path = file.to_owned();
    let parsed = tokio::task::spawn_blocking(move || {
        let mut sink = CocoCheck::default();
        let open = || {
            runtime
                .block_on(reader_source.blocking_reader(&path))
                .map_err(|e| std::io::Error::other(e.message))
        };
        coco::read(open, &path, &mut sink);
        sink
    })
    .await;
    let sink = match parsed {
        Ok(sink) => sink,
        Err(e) => {
            report.problem(Problem::error(
                ProblemCode::Unreadable,
                file,
                format!("reading stopped unexpectedly: {e}"),
            ));
            return;
        }
    };
    report.inner.labels += sink.labels.len() as u64;
    report.inner.annotations += sink.annotations;
    for problem in sink.problems {
        report.problem(problem);
    }
    for image in sink.images {
        report.inner.samples += 1;
        if listing.resolve(&image.file_name).is_none() {
            report.problem(
                Problem::error(
                    ProblemCode::MissingFile,
                    file,
                    format!(
                        "image {} names '{}', which is not in the source; its sample would be left out",
                        image.id, image.file_name
                    ),
                )
                .field("file_name")
                .found(&image.file_name)
                .expected("a path of a listed image, relative to the source or to an image folder"),
            );
        }
    }
}

/// Pascal VOC: every image with a same-name `.xml` beside it.
async fn read_voc(source: &Source, listing: &Listing, report: &mut Report) {
    let files = read_small_files(source, listing.xml.iter().cloned(), report).await;
    let mut labels = std::collections::BTreeSet::new();
    for (path, bytes) in files {
        report.inner.annotation_files += 1;
        let document = voc::parse(&bytes, &path);
        labels.extend(document.annotations.iter().map(|a| a.label.clone()));
        report.inner.annotations += document.annotations.len() as u64;
        for problem in document.problems {
            report.problem(problem);
        }
        if listing.image_for(&path).is_none() {
            report.problem(
                Problem::error(
                    ProblemCode::MissingFile,
                    &path,
                    format!("'{path}' has no image of the same name beside it; its labels would be left out"),
                )
                .expected(format!("an image such as {}.jpg", stem(&path))),
            );
        }
    }
    report.inner.labels = labels.len() as u64;
    report.inner.samples = listing.images_by_stem.len() as u64;
}

/// YOLO: class names from `data.yaml`, `classes.txt` or `obj.names`, and a label file per image.
async fn read_yolo(source: &Source, listing: &Listing, report: &mut Report) {
    let names_files: Vec<String> = listing.summary.well_known().to_vec();
    let mut classes: Vec<LabelDef> = Vec::new();
    for (path, bytes) in read_small_files(source, names_files.iter().cloned(), report).await {
        let name = path
            .rsplit('/')
            .next()
            .unwrap_or(&path)
            .to_ascii_lowercase();
        let (found, problems) = if name.ends_with(".yaml") || name.ends_with(".yml") {
            let (data, problems) = yolo::parse_data_yaml(&bytes, &path);
            (data.names, problems)
        } else if name.ends_with(".names") || name == "classes.txt" {
            yolo::parse_class_names(&bytes, &path)
        } else {
            continue;
        };
        report.inner.annotation_files += 1;
        for problem in problems {
            report.problem(problem);
        }
        if classes.is_empty() {
            classes = found;
        }
    }
    report.inner.labels = classes.len() as u64;
    let labels: Vec<String> = listing
        .txt
        .iter()
        .filter(|p| !names_files.contains(p) && listing.image_for(p).is_some())
        .cloned()
        .collect();
    for (path, bytes) in read_small_files(source, labels, report).await {
        report.inner.annotation_files += 1;
        let (annotations, problems) = yolo::parse_labels(&bytes, &path, &classes, None);
        report.inner.annotations += annotations.len() as u64;
        for problem in problems {
            report.problem(problem);
        }
    }
    report.inner.samples = listing.images_by_stem.len() as u64;
}

/// The Rosetta sensor-oriented tree: `lidar-<name>/<scene>/<ts>.pcd`, `camera-<name>/<scene>/<ts>.jpg`
/// and `metadata.json`. Every folder or file out of place is named; the platform's error 5710
/// heads them.
async fn read_rosetta(source: &Source, listing: &Listing, report: &mut Report) {
    let Some(paths) = all_paths(source, report).await else {
        return;
    };
    let metadata_path = listing
        .summary
        .well_known()
        .iter()
        .find(|p| p.rsplit('/').next() == Some(rosetta::METADATA_FILE))
        .cloned();
    let metadata = match &metadata_path {
        Some(path) => read_small_files(source, [path.clone()], report)
            .await
            .pop()
            .map(|(path, bytes)| {
                report.inner.annotation_files += 1;
                rosetta::parse_metadata(&bytes, &path)
            }),
        None => None,
    };
    let has_lidar = paths
        .iter()
        .any(|p| p.split('/').any(|c| c.starts_with("lidar-")));
    let data_type = metadata
        .as_ref()
        .and_then(|(m, _)| m.data_type)
        .filter(|t| matches!(t, 2 | 3))
        .unwrap_or(if has_lidar { 3 } else { 2 });
    let tree = rosetta::check_tree(paths.iter().map(String::as_str), data_type);
    let mut problems = tree.problems.clone();
    if let (Some((metadata, metadata_problems)), Some(path)) = (metadata, &metadata_path) {
        problems.extend(metadata_problems);
        problems.extend(rosetta::check_metadata(&metadata, &tree, path));
    }
    let misplaced = problems
        .iter()
        .filter(|p| p.code == ProblemCode::LayoutMismatch && p.severity == Severity::Error)
        .count();
    if misplaced > 0 {
        report.problem(Problem::error(
            ProblemCode::LayoutMismatch,
            tree.root.as_str(),
            format!(
                "{} ({}): the {misplaced} problem(s) below name each folder or file out of place and what was expected",
                rosetta::ERROR_MESSAGE,
                rosetta::ERROR_CODE
            ),
        ));
    }
    for problem in problems {
        report.problem(problem);
    }
    report.inner.samples = tree.scenes.iter().map(|s| s.frames.len() as u64).sum();
}

/// The Xtreme1 / BasicAI tree: sensor folders (`lidar_point_cloud_N`, `camera_image_N` or
/// `image_N`), `camera_config` and `result`, optionally in `scene_*` folders. Every result and
/// camera configuration is read.
async fn read_xtreme1(source: &Source, report: &mut Report) {
    let Some(paths) = all_paths(source, report).await else {
        return;
    };
    let tree = xtreme1::check_tree(paths.iter().map(String::as_str));
    for problem in tree.problems {
        report.problem(problem);
    }
    let frames = tree.scenes.iter().flat_map(|s| &s.frames);
    report.inner.samples = frames.clone().count() as u64;
    let results: Vec<String> = frames.clone().filter_map(|f| f.result.clone()).collect();
    let configs: Vec<String> = frames.filter_map(|f| f.camera_config.clone()).collect();
    for (path, bytes) in read_small_files(source, results, report).await {
        report.inner.annotation_files += 1;
        let (annotations, problems) = xtreme1::parse_result(&bytes, &path);
        report.inner.annotations += annotations.len() as u64;
        for problem in problems {
            report.problem(problem);
        }
    }
    for (path, bytes) in read_small_files(source, configs, report).await {
        report.inner.annotation_files += 1;
        for problem in xtreme1::parse_camera_config(&bytes, &path).1 {
            report.problem(problem);
        }
    }
}

/// ModelArts directory layouts. The layout is chosen by what the source holds: images
/// (classification by folder or `.txt` sidecar), else `.wav` files (sound classification by
/// folder), else CSV files (tables), else text files (text classification).
async fn read_modelarts_dir(source: &Source, listing: &Listing, report: &mut Report) {
    let Some(paths) = all_paths(source, report).await else {
        return;
    };
    let (labelled, labels, problems) = if !listing.images_by_stem.is_empty() {
        let sidecars: Vec<String> = listing
            .txt
            .iter()
            .filter(|p| listing.image_for(p).is_some())
            .cloned()
            .collect();
        report.inner.annotation_files += sidecars.len() as u64;
        let texts: HashMap<String, Vec<u8>> = read_small_files(source, sidecars, report)
            .await
            .into_iter()
            .collect();
        modelarts_dir::image_classification(paths.iter().map(String::as_str), &|p| {
            texts.get(p).cloned()
        })
    } else if listing.summary.count("wav") > 0 {
        modelarts_dir::sound_classification(paths.iter().map(String::as_str))
    } else if listing.summary.count("csv") > 0 {
        for table in paths
            .iter()
            .filter(|p| wharf_formats::extension_of(p) == "csv")
        {
            read_table(source, table, report).await;
        }
        return;
    } else {
        read_text_classification(source, &paths, report).await;
        return;
    };
    report.inner.samples = labelled.len() as u64;
    report.inner.annotations = labelled.iter().map(|l| l.annotations.len() as u64).sum();
    report.inner.labels = labels.len() as u64;
    for problem in problems {
        report.problem(problem);
    }
}

/// One CSV table, streamed through the checker: rows are counted and checked, never kept.
async fn read_table(source: &Source, file: &str, report: &mut Report) {
    report.inner.annotation_files += 1;
    let runtime = tokio::runtime::Handle::current();
    let reader_source = source.clone();
    let path = file.to_owned();
    let checked =
        tokio::task::spawn_blocking(move || -> WharfResult<modelarts_dir::TableReport> {
            use std::io::Read;
            let mut reader = runtime.block_on(reader_source.blocking_reader(&path))?;
            let mut checker = modelarts_dir::TableChecker::new(&path, true, None);
            let mut buf = vec![0; 256 * 1024];
            loop {
                let n = reader
                    .read(&mut buf)
                    .map_err(|e| WharfError::new(ErrorCode::StorageError, e.to_string()))?;
                if n == 0 {
                    return Ok(checker.finish());
                }
                checker.feed(&buf[..n]);
            }
        })
        .await;
    match checked {
        Ok(Ok(table)) => {
            report.inner.samples += table.rows - table.ignored_rows;
            for problem in table.problems {
                report.problem(problem);
            }
        }
        Ok(Err(e)) => report.problem(Problem::error(ProblemCode::Unreadable, file, e.message)),
        Err(e) => report.problem(Problem::error(
            ProblemCode::Unreadable,
            file,
            format!("reading stopped unexpectedly: {e}"),
        )),
    }
}

/// Text classification: `X.txt` with `X_result.txt` (label_type 0) when there are result
/// files, else one sample and its labels a line (label_type 1, tab then commas).
async fn read_text_classification(source: &Source, paths: &[String], report: &mut Report) {
    let (pairs, problems) = modelarts_dir::text_result_pairs(paths.iter().map(String::as_str));
    for problem in problems {
        report.problem(problem);
    }
    let mut samples = Vec::new();
    if pairs.is_empty() {
        let texts: Vec<String> = paths
            .iter()
            .filter(|p| wharf_formats::extension_of(p) == "txt")
            .cloned()
            .collect();
        for (path, bytes) in read_small_files(source, texts, report).await {
            report.inner.annotation_files += 1;
            let (read, problems) = modelarts_dir::text_lines(
                &bytes,
                &path,
                &modelarts_dir::TextLabelFormat::default(),
            );
            samples.extend(read);
            for problem in problems {
                report.problem(problem);
            }
        }
    } else {
        for (text, result) in pairs {
            let mut files = read_small_files(source, [text.clone(), result.clone()], report).await;
            let (Some((_, result_bytes)), Some((_, text_bytes))) = (files.pop(), files.pop())
            else {
                continue;
            };
            report.inner.annotation_files += 2;
            let (read, problems) =
                modelarts_dir::text_with_results(&text_bytes, &text, &result_bytes, &result);
            samples.extend(read);
            for problem in problems {
                report.problem(problem);
            }
        }
    }
    let labels: std::collections::BTreeSet<&String> =
        samples.iter().flat_map(|s| &s.labels).collect();
    report.inner.labels = labels.len() as u64;
    report.inner.annotations = samples.iter().map(|s| s.labels.len() as u64).sum();
    report.inner.samples = samples.len() as u64;
}

/// The manifests of a source: `.manifest` files, and JSON-lines files whose first line is a
/// sample.
fn manifest_files(summary: &ListingSummary, head: &dyn Fn(&str) -> Option<Vec<u8>>) -> Vec<String> {
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

/// A ModelArts manifest, streamed line by line.
async fn read_manifest(source: &Source, file: &str, report: &mut Report) {
    report.inner.annotation_files += 1;
    let runtime = tokio::runtime::Handle::current();
    let reader_source = source.clone();
    let path = file.to_owned();
    let parsed = tokio::task::spawn_blocking(move || {
        let mut sink = ManifestCheck::default();
        match runtime.block_on(reader_source.blocking_reader(&path)) {
            Ok(reader) => {
                manifest::read(std::io::BufReader::new(reader), &path, &mut sink);
            }
            Err(e) => sink
                .problems
                .push(Problem::error(ProblemCode::Unreadable, &path, e.message)),
        }
        sink
    })
    .await;
    match parsed {
        Ok(sink) => {
            report.inner.samples += sink.samples;
            report.inner.annotations += sink.annotations;
            report.inner.labels += sink.labels.len() as u64;
            for problem in sink.problems {
                report.problem(problem);
            }
        }
        Err(e) => report.problem(Problem::error(
            ProblemCode::Unreadable,
            file,
            format!("reading stopped unexpectedly: {e}"),
        )),
    }
}

/// Counts what a manifest holds.
#[derive(Default)]
struct ManifestCheck {
    samples: u64,
    annotations: u64,
    labels: std::collections::BTreeSet<String>,
    problems: Vec<Problem>,
}

impl ManifestSink for ManifestCheck {
    fn sample(&mut self, sample: ManifestSample) {
        self.samples += 1;
        self.annotations += (sample.annotations.len() + sample.annotation_files.len()) as u64;
        self.labels
            .extend(sample.annotations.into_iter().map(|a| a.label));
    }

    fn problem(&mut self, problem: Problem) {
        // The report keeps the first problems; the rest only need counting.
        if self.problems.len() < 10 * MAX_REPORTED {
            self.problems.push(problem);
        }
    }
}

/// Every path of the source, for the layouts whose check needs the whole tree: listed again
/// rather than kept for every format.
async fn all_paths(source: &Source, report: &mut Report) -> Option<Vec<String>> {
    let mut paths = Vec::new();
    let mut entries = source.list();
    while let Some(item) = entries.next().await {
        match item {
            Ok(Listed::Object(entry)) => paths.push(entry.path),
            Ok(Listed::Unreadable { .. }) => {}
            Err(e) => {
                report.problem(Problem::error(ProblemCode::Unreadable, "", e.message));
                return None;
            }
        }
    }
    Some(paths)
}

/// Collects what a COCO file holds, keeping counts rather than annotations.
#[derive(Default)]
struct CocoCheck {
    labels: Vec<LabelDef>,
    images: Vec<CocoImage>,
    annotations: u64,
    problems: Vec<Problem>,
}

impl CocoSink for CocoCheck {
    fn labels(&mut self, labels: Vec<LabelDef>) {
        self.labels = labels;
    }

    fn image(&mut self, image: &CocoImage) {
        self.images.push(image.clone());
    }

    fn annotation(&mut self, _image_id: i64, _annotation: Annotation) {
        self.annotations += 1;
    }

    fn problem(&mut self, problem: Problem) {
        self.problems.push(problem);
    }
}

/// A report being filled, with the problem cap applied.
struct Report {
    inner: ValidationReport,
}

impl Report {
    fn new(source: &str) -> Self {
        Self {
            inner: ValidationReport {
                source: source.to_owned(),
                format: None,
                detection: Vec::new(),
                files: 0,
                annotation_files: 0,
                samples: 0,
                annotations: 0,
                labels: 0,
                errors: 0,
                warnings: 0,
                problems: Vec::new(),
                problems_omitted: 0,
            },
        }
    }

    fn problem(&mut self, problem: Problem) {
        match problem.severity {
            Severity::Error => self.inner.errors += 1,
            Severity::Warning => self.inner.warnings += 1,
        }
        if self.inner.problems.len() < MAX_REPORTED {
            self.inner.problems.push(problem);
        } else {
            self.inner.problems_omitted += 1;
        }
    }
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
        assert_eq!(l.image_for("a/x.xml"), Some("a/x.jpg"));
        assert_eq!(
            l.image_for("set/labels/train/y.txt"),
            Some("set/images/train/y.jpg")
        );
        assert_eq!(l.image_for("labels/z.txt"), Some("images/z.jpg"));
        assert_eq!(l.image_for("a/lonely.xml"), None);
        assert_eq!(l.resolve("x.jpg"), Some("a/x.jpg"));
        assert_eq!(l.resolve("train/y.jpg"), Some("set/images/train/y.jpg"));
        assert_eq!(l.resolve("nope.jpg"), None);
        assert_eq!(stem("a.b/c"), "a.b/c");
    }
}
