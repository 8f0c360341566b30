//! COCO: instances (boxes, polygon and RLE masks), keypoints and captions.
//!
//! A COCO file is one JSON object with arrays `images`, `annotations` and `categories`, where
//! official files put `categories` last. To read any file in bounded memory whatever its key
//! order, [`read`] makes two passes over it: the first keeps only images and categories (their
//! count bounds the memory, not the annotations'), the second streams the annotations and
//! resolves each against them. Neither pass holds the file: elements are cut out of the byte
//! stream one at a time (see `json_stream`). Annotation records are parsed and checked on a
//! thread of their own while the file is scanned, and reach the sink in file order.
//!
//! A dataset often has several COCO files over the same images (COCO 2017: `captions_*`,
//! `instances_*`, `person_keypoints_*`, `image_info_*`, `panoptic_*`, `stuff_*`): each is read
//! on its own, and the caller gathers their annotations onto one sample per image file.
//!
//! Decisions:
//! - Every image becomes a sample, annotated or not; its usage is the split the name of the
//!   first file naming it gives ([`usage_of_file`]).
//! - One COCO record is one normalised annotation. Its shape is the most telling one it holds
//!   (keypoints, else its mask or polygon, else its caption, else its box), with its `bbox` as
//!   the annotation's bounds; any other shape it holds (a person's outline beside its
//!   keypoints) is a part of it.
//! - A panoptic record (`segments_info` and the `file_name` of a PNG in the folder named after
//!   the JSON file) is one annotation per segment, a [`Shape::SegmentMask`] of that PNG.
//! - `iscrowd: 1` is kept as the attribute [`ISCROWD`]: a crowd region is not a difficult one.
//!   `score` (detection results) becomes the confidence.
//! - A caption whose `category_id` names no category (captions files write 0) is a caption.
//! - A box or polygon reaching outside its image, or a box without area, is kept with a
//!   warning; a negative size, a missing image or category, or a duplicate id leaves the
//!   annotation out with an error.

mod reader;
mod records;
mod regroup;

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::mpsc;

use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::Value;
use wharf_model::{Annotation, AnnotationPart, LabelDef, Problem, ProblemCode, Shape};

use crate::detect::file_name;
use crate::json_stream::{Element, ElementSink, Skipped, scan_top_level_arrays};
use crate::{ListingSummary, Verdict};
use records::{
    ABSURD, Expect, RawAnnotation, RawCategory, RawImage, RawSegment, Segmentation, diagnose,
};

pub const FORMAT: &str = "coco";
/// The label of a caption, whose record names no category.
const CAPTION: &str = "caption";
/// The attribute that keeps COCO's `iscrowd: 1`: a crowd region, which is not a difficult one.
pub const ISCROWD: &str = "iscrowd";

/// COCO JSON annotation files beside their images.
pub struct CocoLayout;

impl crate::Layout for CocoLayout {
    fn name(&self) -> &'static str {
        FORMAT
    }

    fn description(&self) -> &'static str {
        "COCO JSON files (instances, keypoints, captions, panoptic) over folders of images"
    }

    fn detect(&self, summary: &ListingSummary, head: &crate::Head<'_>) -> Verdict {
        detect(summary, head)
    }

    fn is_structure(&self, path: &str) -> bool {
        is_panoptic_mask(path)
    }

    fn reader(&self, context: crate::ReadContext) -> Box<dyn crate::LayoutReader> {
        reader::CocoReader::boxed(context)
    }
}

/// The usage a COCO file's name gives: COCO names its files after their split
/// (`instances_train2017.json`, `captions_val2017.json`, `image_info_test-dev2017.json`).
pub fn usage_of_file(file: &str) -> Option<&'static str> {
    let name = file_name(file);
    let stem = name.split_once('.').map_or(name, |(stem, _)| stem);
    stem.split(['_', '-']).find_map(|word| {
        wharf_model::usage::of_split_name(word.trim_end_matches(|c: char| c.is_ascii_digit()))
    })
}

/// A panoptic segmentation's PNG, kept in a `panoptic_*` folder beside the JSON file that
/// names it: an annotation's payload, never a sample.
pub fn is_panoptic_mask(path: &str) -> bool {
    let mut folders = path.rsplit('/').skip(1);
    crate::extension_of(path) == "png" && folders.next().is_some_and(|f| f.starts_with("panoptic_"))
}

/// An image of a COCO file.
#[derive(Debug, Clone, PartialEq)]
pub struct CocoImage {
    pub id: i64,
    pub file_name: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// Receives what a COCO file holds: its labels and images first, then its annotations.
pub trait CocoSink {
    fn labels(&mut self, labels: Vec<LabelDef>);
    fn image(&mut self, image: &CocoImage);
    /// An annotation of the image given `image`-th to [`CocoSink::image`], counting from 0.
    fn annotation(&mut self, image: u32, annotation: Annotation);
    fn problem(&mut self, problem: Problem);
}

/// What a read found, for the caller's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CocoStats {
    pub images: u64,
    pub categories: u64,
    /// COCO annotation records read (each may yield several normalised annotations).
    pub records: u64,
    /// Records left out for an error.
    pub rejected: u64,
}

/// Reads the COCO file `file`, opening it once per pass with `open`.
pub fn read<R: Read>(
    mut open: impl FnMut() -> std::io::Result<R>,
    file: &str,
    sink: &mut impl CocoSink,
) -> CocoStats {
    let unreadable = |e: std::io::Error| {
        Problem::error(
            ProblemCode::Unreadable,
            file,
            format!("cannot open the file: {e}"),
        )
    };
    let mut index = Index {
        file,
        sink,
        images: ImageIndex::default(),
        categories: FxHashMap::default(),
        labels: Vec::new(),
        stats: CocoStats::default(),
    };
    let first = match open() {
        Ok(reader) => scan_top_level_arrays(
            reader,
            file,
            &|k| k == "images" || k == "categories",
            &mut index,
        ),
        Err(e) => Err(unreadable(e)),
    };
    let Index {
        images,
        categories,
        labels,
        mut stats,
        sink,
        ..
    } = index;
    sink.labels(labels);
    if let Err(problem) = &first {
        sink.problem(problem.clone());
        if problem.code == ProblemCode::Unreadable {
            return stats;
        }
    }
    let second = match open() {
        Ok(reader) => second_pass(reader, file, &images, &categories, sink, &mut stats),
        Err(e) => Err(unreadable(e)),
    };
    match (second, first) {
        // The same damage as in the first pass, reported once.
        (Err(again), Err(before)) if again.line == before.line && again.code == before.code => {}
        (Err(problem), _) => sink.problem(problem),
        (Ok(()), _) => {}
    }
    stats
}

/// Reads the annotations, converting them on a second thread (see [`Cutter`]).
// The scanner's one error, met at most once a file: returned as it is (see `json_stream`).
#[allow(clippy::result_large_err)]
fn second_pass<S: CocoSink>(
    reader: impl Read,
    file: &str,
    images: &ImageIndex,
    categories: &FxHashMap<i64, String>,
    sink: &mut S,
    stats: &mut CocoStats,
) -> Result<(), Problem> {
    let converter = Converter {
        file,
        images,
        categories,
        problems: Vec::new(),
        annotations: Vec::new(),
    };
    std::thread::scope(|scope| {
        let (to_convert, batches) = mpsc::channel::<RecordBatch>();
        let (to_deliver, converted) = mpsc::channel::<Vec<Converted>>();
        scope.spawn(move || convert_batches(converter, batches, to_deliver));
        let mut cutter = Cutter {
            file,
            sink,
            batch: RecordBatch::default(),
            to_convert: Some(to_convert),
            converted,
            in_flight: 0,
            seen_ids: IdSet::default(),
            stats,
        };
        let scanned = scan_top_level_arrays(reader, file, &|k| k == "annotations", &mut cutter);
        cutter.finish();
        scanned
    })
}

/// Judges a source: COCO has JSON annotation files whose object starts with `images`-level keys.
pub fn detect(summary: &ListingSummary, head: &dyn Fn(&str) -> Option<Vec<u8>>) -> Verdict {
    let json = summary.paths("json");
    if json.is_empty() {
        return Verdict::Reject {
            reason: "no .json files".to_owned(),
        };
    }
    let files = annotation_files(summary, head);
    let Some(first) = files.first() else {
        return Verdict::Reject {
            reason: format!(
                "none of the {} .json files opens with COCO keys (\"images\", \"annotations\", \"categories\")",
                json.len()
            ),
        };
    };
    let named = files.iter().any(|f| {
        let name = file_name(f);
        [
            "instances",
            "person_keypoints",
            "captions",
            "panoptic",
            "stuff",
            "image_info",
        ]
        .iter()
        .any(|p| name.starts_with(p))
    });
    let mut reasons = vec![format!("{first} opens with COCO keys")];
    if files.len() > 1 {
        reasons.push(format!("{} COCO annotation files", files.len()));
    }
    if named {
        reasons.push(
            "annotation files carry COCO names (instances_*, person_keypoints_*, captions_*, panoptic_*, ...)"
                .to_owned(),
        );
    }
    if summary.images() > 0 {
        reasons.push(format!("{} image files", summary.images()));
    }
    Verdict::Match {
        confidence: if named { 0.95 } else { 0.8 },
        reasons,
    }
}

/// The JSON files of a source that look like COCO annotation files.
pub fn annotation_files(
    summary: &ListingSummary,
    head: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Vec<String> {
    summary
        .paths("json")
        .iter()
        .filter(|path| head(path).is_some_and(|bytes| looks_like_coco(&bytes)))
        .cloned()
        .collect()
}

/// Whether the first bytes of a JSON file are a COCO file's: an object with an `images` key.
pub fn looks_like_coco(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
        && ["\"images\"", "\"annotations\"", "\"categories\""]
            .iter()
            .filter(|k| text.contains(*k))
            .count()
            >= 1
        && text.contains("\"images\"")
}

/// First pass: images and categories.
struct Index<'a, S> {
    file: &'a str,
    sink: &'a mut S,
    images: ImageIndex,
    categories: FxHashMap<i64, String>,
    labels: Vec<LabelDef>,
    stats: CocoStats,
}

impl<S: CocoSink> ElementSink for Index<'_, S> {
    fn element(&mut self, element: Element<'_>) {
        if element.key == "images" {
            self.image(&element);
        } else {
            self.category(&element);
        }
    }

    fn skipped(&mut self, skipped: Skipped<'_>) {
        self.sink.problem(skipped_problem(self.file, &skipped));
    }
}

impl<S: CocoSink> Index<'_, S> {
    fn image(&mut self, element: &Element<'_>) {
        let path = element.json_path();
        let raw: RawImage = match serde_json::from_slice(element.bytes) {
            Ok(raw) => raw,
            Err(_) => {
                let expect = [
                    (
                        "id",
                        Expect {
                            required: true,
                            description: "an integer id",
                            accepts: records::integer,
                        },
                    ),
                    (
                        "file_name",
                        Expect {
                            required: true,
                            description: "the image's path as a string",
                            accepts: records::string,
                        },
                    ),
                    (
                        "width",
                        Expect {
                            required: false,
                            description: "a number of pixels",
                            accepts: records::number,
                        },
                    ),
                    (
                        "height",
                        Expect {
                            required: false,
                            description: "a number of pixels",
                            accepts: records::number,
                        },
                    ),
                ];
                self.sink.problem(diagnose(
                    element.bytes,
                    self.file,
                    element.line,
                    &path,
                    &expect,
                ));
                return;
            }
        };
        let problem = |code, message: String| {
            Problem::error(code, self.file, message)
                .at_line(element.line)
                .at_path(&path)
        };
        if self.images.contains(raw.id) {
            self.sink.problem(
                problem(
                    ProblemCode::DuplicateId,
                    format!(
                        "image id {} is used twice; the second ({}) is left out",
                        raw.id, raw.file_name
                    ),
                )
                .field("id")
                .expected("ids unique among images"),
            );
            return;
        }
        let mut size = |v: Option<f64>, field: &str| -> Option<u32> {
            match v {
                Some(x) if (1.0..ABSURD).contains(&x) && x.fract() == 0.0 => Some(x as u32),
                Some(x) => {
                    self.sink.problem(
                        Problem::warning(
                            ProblemCode::InvalidValue,
                            self.file,
                            format!(
                                "{path}.{field} is {x}; expected a positive whole number of pixels"
                            ),
                        )
                        .at_line(element.line)
                        .at_path(format!("{path}.{field}"))
                        .field(field),
                    );
                    None
                }
                None => None,
            }
        };
        let (width, height) = (size(raw.width, "width"), size(raw.height, "height"));
        self.images.insert(raw.id, width, height);
        self.stats.images += 1;
        self.sink.image(&CocoImage {
            id: raw.id,
            file_name: raw.file_name,
            width,
            height,
        });
    }

    fn category(&mut self, element: &Element<'_>) {
        let path = element.json_path();
        let raw: RawCategory = match serde_json::from_slice(element.bytes) {
            Ok(raw) => raw,
            Err(_) => {
                let expect = [
                    (
                        "id",
                        Expect {
                            required: true,
                            description: "an integer id",
                            accepts: records::integer,
                        },
                    ),
                    (
                        "name",
                        Expect {
                            required: true,
                            description: "the label name as a string",
                            accepts: records::string,
                        },
                    ),
                    (
                        "supercategory",
                        Expect {
                            required: false,
                            description: "a string",
                            accepts: records::string,
                        },
                    ),
                    (
                        "keypoints",
                        Expect {
                            required: false,
                            description: "a list of keypoint names",
                            accepts: records::strings,
                        },
                    ),
                ];
                self.sink.problem(diagnose(
                    element.bytes,
                    self.file,
                    element.line,
                    &path,
                    &expect,
                ));
                return;
            }
        };
        if self.categories.contains_key(&raw.id) {
            self.sink.problem(
                Problem::error(
                    ProblemCode::DuplicateId,
                    self.file,
                    format!(
                        "category id {} is used twice; '{}' is left out",
                        raw.id, raw.name
                    ),
                )
                .at_line(element.line)
                .at_path(path)
                .field("id"),
            );
            return;
        }
        self.categories.insert(raw.id, raw.name.clone());
        self.stats.categories += 1;
        self.labels.push(LabelDef {
            name: raw.name,
            source_id: Some(raw.id),
            parent: raw.supercategory.filter(|s| !s.is_empty()),
            properties: BTreeMap::new(),
            attributes: raw.keypoints.unwrap_or_default(),
        });
    }
}

/// Second pass: annotations, converted on a thread of their own.
///
/// Parsing and checking a record costs far more than finding it in the file, so the scanning
/// thread only cuts records out, in batches, and a second thread converts them. Results come
/// back in file order and are handed to the sink on the scanning thread, where duplicate ids
/// are caught: "the second is left out" keeps its meaning.
struct Cutter<'a, S> {
    file: &'a str,
    sink: &'a mut S,
    batch: RecordBatch,
    /// `None` once the last batch is sent.
    to_convert: Option<mpsc::Sender<RecordBatch>>,
    converted: mpsc::Receiver<Vec<Converted>>,
    /// Batches sent and not yet delivered.
    in_flight: usize,
    seen_ids: IdSet,
    stats: &'a mut CocoStats,
}

/// Records cut from the file, their bytes end to end.
#[derive(Default)]
struct RecordBatch {
    bytes: Vec<u8>,
    records: Vec<RecordAt>,
}

struct RecordAt {
    /// Where the record's bytes end in the batch's bytes.
    end: usize,
    line: u64,
    index: usize,
    /// Why the scanner could not hand the record over, if it could not.
    skipped: Option<ProblemCode>,
}

/// Records a batch holds before it is sent to be converted.
const RECORDS_PER_BATCH: usize = 1024;
/// Batches sent ahead of the ones delivered: this bounds the memory between the threads.
const BATCHES_IN_FLIGHT: usize = 4;

/// One record, converted: its annotations (none when it is left out) and its problems.
struct Converted {
    line: u64,
    index: usize,
    id: Option<i64>,
    /// The place of the annotation's image; see [`CocoSink::annotation`].
    image: u32,
    kept: bool,
    annotations: Vec<Annotation>,
    problems: Vec<Problem>,
}

impl<S: CocoSink> ElementSink for Cutter<'_, S> {
    fn element(&mut self, element: Element<'_>) {
        self.batch.bytes.extend_from_slice(element.bytes);
        self.cut(element.line, element.index, None);
    }

    fn skipped(&mut self, skipped: Skipped<'_>) {
        self.cut(skipped.line, skipped.index, Some(skipped.code));
    }
}

impl<S: CocoSink> Cutter<'_, S> {
    fn cut(&mut self, line: u64, index: usize, skipped: Option<ProblemCode>) {
        self.batch.records.push(RecordAt {
            end: self.batch.bytes.len(),
            line,
            index,
            skipped,
        });
        if self.batch.records.len() >= RECORDS_PER_BATCH {
            self.send();
        }
    }

    /// Sends the batch to be converted, first delivering what is converted already.
    fn send(&mut self) {
        while self.in_flight >= BATCHES_IN_FLIGHT {
            match self.converted.recv() {
                Ok(records) => self.deliver(records),
                // The converting thread is gone; the scope reports why.
                Err(_) => return,
            }
        }
        let batch = std::mem::take(&mut self.batch);
        if let Some(to_convert) = &self.to_convert
            && to_convert.send(batch).is_ok()
        {
            self.in_flight += 1;
        }
        while let Ok(records) = self.converted.try_recv() {
            self.deliver(records);
        }
    }

    /// Sends the last batch and delivers everything still being converted.
    fn finish(&mut self) {
        if !self.batch.records.is_empty() {
            self.send();
        }
        self.to_convert = None;
        while let Ok(records) = self.converted.recv() {
            self.deliver(records);
        }
    }

    fn deliver(&mut self, records: Vec<Converted>) {
        self.in_flight -= 1;
        for record in records {
            self.stats.records += 1;
            if let Some(id) = record.id
                && !self.seen_ids.insert(id)
            {
                // What else the duplicate holds is beside the point.
                self.stats.rejected += 1;
                self.sink.problem(
                    Problem::error(
                        ProblemCode::DuplicateId,
                        self.file,
                        format!("annotation id {id} is used twice; the second is left out"),
                    )
                    .at_line(record.line)
                    .at_path(format!("$.annotations[{}].id", record.index))
                    .field("id"),
                );
                continue;
            }
            if !record.kept {
                self.stats.rejected += 1;
            }
            for problem in record.problems {
                self.sink.problem(problem);
            }
            for annotation in record.annotations {
                self.sink.annotation(record.image, annotation);
            }
        }
    }
}

/// The converting thread: converts every batch it is sent and sends the results back, in order.
fn convert_batches(
    mut converter: Converter<'_>,
    batches: mpsc::Receiver<RecordBatch>,
    converted: mpsc::Sender<Vec<Converted>>,
) {
    for batch in batches {
        let mut start = 0;
        let records = batch
            .records
            .iter()
            .map(|at| {
                let element = Element {
                    key: "annotations",
                    index: at.index,
                    line: at.line,
                    bytes: &batch.bytes[start..at.end],
                };
                start = at.end;
                match at.skipped {
                    Some(code) => converter.skipped(&element, code),
                    None => converter.convert(&element),
                }
            })
            .collect();
        if converted.send(records).is_err() {
            return;
        }
    }
}

/// Converts annotation records, one at a time, against the images and categories of pass 1.
struct Converter<'a> {
    file: &'a str,
    images: &'a ImageIndex,
    categories: &'a FxHashMap<i64, String>,
    /// The current record's problems and annotations.
    problems: Vec<Problem>,
    annotations: Vec<Annotation>,
}

impl Converter<'_> {
    fn convert(&mut self, element: &Element<'_>) -> Converted {
        let (id, kept_for) = self.annotation(element);
        let (image, kept) = match kept_for {
            Some(image) => (image, true),
            None => (0, false),
        };
        Converted {
            line: element.line,
            index: element.index,
            id,
            image,
            kept,
            annotations: std::mem::take(&mut self.annotations),
            problems: std::mem::take(&mut self.problems),
        }
    }

    fn skipped(&mut self, element: &Element<'_>, code: ProblemCode) -> Converted {
        let skipped = Skipped {
            key: element.key,
            index: element.index,
            line: element.line,
            code,
        };
        Converted {
            line: element.line,
            index: element.index,
            id: None,
            image: 0,
            kept: false,
            annotations: Vec::new(),
            problems: vec![skipped_problem(self.file, &skipped)],
        }
    }
    /// Converts one record into `self.annotations` and `self.problems`. Returns its id, when
    /// it has one, and its image when it is kept.
    fn annotation(&mut self, element: &Element<'_>) -> (Option<i64>, Option<u32>) {
        // Paths are written out only for a problem: most records have none.
        let path = || element.json_path();
        let raw: RawAnnotation = match serde_json::from_slice(element.bytes) {
            Ok(raw) => raw,
            Err(_) => {
                let expect = [
                    (
                        "image_id",
                        Expect {
                            required: true,
                            description: "the integer id of an image",
                            accepts: records::integer,
                        },
                    ),
                    (
                        "id",
                        Expect {
                            required: false,
                            description: "an integer id",
                            accepts: records::integer,
                        },
                    ),
                    (
                        "category_id",
                        Expect {
                            required: false,
                            description: "the integer id of a category",
                            accepts: records::integer,
                        },
                    ),
                    (
                        "bbox",
                        Expect {
                            required: false,
                            description: "[x, y, width, height] as four numbers",
                            accepts: records::four_numbers,
                        },
                    ),
                    (
                        "segmentation",
                        Expect {
                            required: false,
                            description: "a list of polygons [[x1, y1, x2, y2, ...]] or an RLE object {size: [h, w], counts}",
                            accepts: records::segmentation,
                        },
                    ),
                    (
                        "area",
                        Expect {
                            required: false,
                            description: "a number",
                            accepts: records::number,
                        },
                    ),
                    (
                        "iscrowd",
                        Expect {
                            required: false,
                            description: "0 or 1",
                            accepts: records::integer,
                        },
                    ),
                    (
                        "keypoints",
                        Expect {
                            required: false,
                            description: "a list of numbers x, y, visibility",
                            accepts: records::numbers,
                        },
                    ),
                    (
                        "caption",
                        Expect {
                            required: false,
                            description: "a string",
                            accepts: records::string,
                        },
                    ),
                    (
                        "score",
                        Expect {
                            required: false,
                            description: "a number",
                            accepts: records::number,
                        },
                    ),
                    (
                        "attributes",
                        Expect {
                            required: false,
                            description: "an object",
                            accepts: records::object,
                        },
                    ),
                ];
                self.problems.push(diagnose(
                    element.bytes,
                    self.file,
                    element.line,
                    &path(),
                    &expect,
                ));
                return (None, None);
            }
        };
        let reject = |code, field: &str, message: String| {
            Problem::error(code, self.file, message)
                .at_line(element.line)
                .at_path(format!("{}.{field}", path()))
                .field(field)
        };
        let Some((image, width, height)) = self.images.get(raw.image_id) else {
            self.problems.push(
                reject(
                    ProblemCode::UnknownReference,
                    "image_id",
                    format!(
                        "{} names image {}, which is not in \"images\"; the annotation is left out",
                        path(),
                        raw.image_id
                    ),
                )
                .found(raw.image_id.to_string())
                .expected("the id of an image of this file"),
            );
            return (raw.id, None);
        };
        if let Some(segments) = raw.segments_info {
            self.panoptic(segments, raw.file_name, width, height, element);
            return (raw.id, Some(image));
        }
        let label = match (raw.category_id, &raw.caption) {
            (Some(category), caption) => match self.categories.get(&category) {
                Some(name) => name.clone(),
                // Captions files give `category_id: 0` and no categories; pycocotools reads
                // them all the same.
                None if caption.is_some() => CAPTION.to_owned(),
                None => {
                    self.problems.push(
                        reject(ProblemCode::UnknownReference, "category_id", format!("{} names category {category}, which is not in \"categories\"; the annotation is left out", path()))
                            .found(category.to_string())
                            .expected("the id of a category of this file"),
                    );
                    return (raw.id, None);
                }
            },
            (None, Some(_)) => CAPTION.to_owned(),
            (None, None) => {
                self.problems.push(
                    reject(
                        ProblemCode::MissingField,
                        "category_id",
                        format!("{} has neither category_id nor caption", path()),
                    )
                    .expected("a category_id (or a caption, in a captions file)"),
                );
                return (raw.id, None);
            }
        };
        let bounds = match raw.bbox {
            Some(bbox) => {
                match self.check_box(bbox, width, height, element, &format!("{}.bbox", path())) {
                    Some(bounds) => Some(bounds),
                    None => return (raw.id, None),
                }
            }
            None => None,
        };
        let mask = raw
            .segmentation
            .and_then(|segmentation| self.mask(segmentation, width, height, element));
        let keypoints = match raw.keypoints {
            Some(points) if points.len() % 3 == 0 && !points.is_empty() => Some(Shape::Keypoints {
                points: points.chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect(),
            }),
            Some(points) if !points.is_empty() => {
                self.problems.push(
                    Problem::warning(
                        ProblemCode::InvalidValue,
                        self.file,
                        format!(
                            "{}.keypoints has {} values; expected triples x, y, visibility",
                            path(),
                            points.len()
                        ),
                    )
                    .at_line(element.line)
                    .at_path(format!("{}.keypoints", path()))
                    .field("keypoints"),
                );
                None
            }
            _ => None,
        };
        let text = raw.caption.map(|text| Shape::Text { text });
        // One record is one annotation: its most telling shape, and the others it holds (a
        // person's outline beside its keypoints) as parts of it.
        let mut shapes = [keypoints, mask, text].into_iter().flatten();
        let shape = shapes.next().unwrap_or(match bounds {
            Some([x_min, y_min, x_max, y_max]) => Shape::Box {
                x_min,
                y_min,
                x_max,
                y_max,
            },
            None => Shape::Class,
        });
        let parts = shapes
            .map(|shape| AnnotationPart {
                label: label.clone(),
                shape,
            })
            .collect();
        let mut attributes: BTreeMap<String, Value> =
            raw.attributes.unwrap_or_default().into_iter().collect();
        if let Some(id) = raw.id {
            attributes.insert("coco_id".to_owned(), Value::from(id));
        }
        if let Some(area) = raw.area.filter(|a| a.is_finite()) {
            attributes.insert("area".to_owned(), Value::from(area));
        }
        if let Some(n) = raw.num_keypoints {
            attributes.insert("num_keypoints".to_owned(), Value::from(n));
        }
        if raw.iscrowd == Some(1) {
            attributes.insert(ISCROWD.to_owned(), Value::Bool(true));
        }
        // A box is its own bounds.
        let bounds = bounds.filter(|_| !matches!(shape, Shape::Box { .. }));
        self.annotations.push(Annotation {
            label,
            shape,
            bounds,
            attributes,
            confidence: raw.score,
            annotated_by: None,
            difficult: false,
            hard: false,
            source_format: FORMAT.to_owned(),
            parts,
        });
        (raw.id, Some(image))
    }

    /// A panoptic record: one annotation per segment, each the pixels of the record's PNG
    /// (in the folder named after the JSON file) that carry the segment's id.
    fn panoptic(
        &mut self,
        segments: Vec<RawSegment>,
        mask: Option<String>,
        width: Option<u32>,
        height: Option<u32>,
        element: &Element<'_>,
    ) {
        let path = element.json_path();
        let Some(mask) = mask else {
            self.problems.push(
                Problem::error(
                    ProblemCode::MissingField,
                    self.file,
                    format!("{path} has segments_info but no file_name; its segments are left out"),
                )
                .at_line(element.line)
                .at_path(format!("{path}.file_name"))
                .field("file_name")
                .expected("the name of the record's PNG in the panoptic folder"),
            );
            return;
        };
        let file = format!("{}/{mask}", panoptic_folder(self.file));
        for (i, segment) in segments.into_iter().enumerate() {
            let at = format!("{path}.segments_info[{i}]");
            let Some(label) = self.categories.get(&segment.category_id).cloned() else {
                self.problems.push(
                    Problem::error(
                        ProblemCode::UnknownReference,
                        self.file,
                        format!(
                            "{at} names category {}, which is not in \"categories\"; the segment is left out",
                            segment.category_id
                        ),
                    )
                    .at_line(element.line)
                    .at_path(format!("{at}.category_id"))
                    .field("category_id")
                    .found(segment.category_id.to_string())
                    .expected("the id of a category of this file"),
                );
                continue;
            };
            let bounds = match segment.bbox {
                Some(bbox) => {
                    match self.check_box(bbox, width, height, element, &format!("{at}.bbox")) {
                        Some(bounds) => Some(bounds),
                        None => continue,
                    }
                }
                None => None,
            };
            let mut attributes = BTreeMap::new();
            if let Some(area) = segment.area.filter(|a| a.is_finite()) {
                attributes.insert("area".to_owned(), Value::from(area));
            }
            if segment.iscrowd == Some(1) {
                attributes.insert(ISCROWD.to_owned(), Value::Bool(true));
            }
            self.annotations.push(Annotation {
                label,
                shape: Shape::SegmentMask {
                    file: file.clone(),
                    value: segment.id,
                },
                bounds,
                attributes,
                confidence: None,
                annotated_by: None,
                difficult: false,
                hard: false,
                source_format: FORMAT.to_owned(),
                parts: Vec::new(),
            });
        }
    }

    /// The box as `[x_min, y_min, x_max, y_max]`, or `None` (with the problem reported) when
    /// it cannot be kept. `at` is the box's JSON path.
    fn check_box(
        &mut self,
        [x, y, w, h]: [f64; 4],
        width: Option<u32>,
        height: Option<u32>,
        element: &Element<'_>,
        at: &str,
    ) -> Option<[f64; 4]> {
        let invalid = |message: String| {
            Problem::error(ProblemCode::InvalidValue, self.file, message)
                .at_line(element.line)
                .at_path(at)
                .field("bbox")
                .found(format!("[{x}, {y}, {w}, {h}]"))
        };
        if [x, y, w, h]
            .iter()
            .any(|v| !v.is_finite() || v.abs() > ABSURD)
        {
            self.problems.push(
                invalid(format!(
                    "{at} holds an absurd value; expected pixel coordinates"
                ))
                .expected("numbers below 10,000,000"),
            );
            return None;
        }
        if w < 0.0 || h < 0.0 {
            self.problems.push(
                invalid(format!(
                    "{at} has a negative width or height; the annotation is left out"
                ))
                .expected("[x, y, width, height] with width, height ≥ 0"),
            );
            return None;
        }
        let warning = |code, message: String| {
            Problem::warning(code, self.file, message)
                .at_line(element.line)
                .at_path(at)
                .field("bbox")
                .found(format!("[{x}, {y}, {w}, {h}]"))
        };
        if w == 0.0 || h == 0.0 {
            self.problems.push(
                warning(
                    ProblemCode::InvalidValue,
                    format!("{at} has no area (a width or height of 0); kept as it is"),
                )
                .expected("[x, y, width, height] with width, height > 0"),
            );
        }
        if let (Some(iw), Some(ih)) = (width, height) {
            // Half a pixel of slack: exporters round.
            if x < -0.5 || y < -0.5 || x + w > f64::from(iw) + 0.5 || y + h > f64::from(ih) + 0.5 {
                self.problems.push(
                    warning(
                        ProblemCode::OutOfBounds,
                        format!("{at} reaches outside its {iw}×{ih} image; kept as it is"),
                    )
                    .expected(format!("a box inside 0..{iw} × 0..{ih}")),
                );
            }
        }
        Some([x, y, micro_pixels(x + w), micro_pixels(y + h)])
    }

    fn mask(
        &mut self,
        segmentation: Segmentation,
        width: Option<u32>,
        height: Option<u32>,
        element: &Element<'_>,
    ) -> Option<Shape> {
        let field = || format!("{}.segmentation", element.json_path());
        let warn = |code, message: String| {
            Problem::warning(code, self.file, message)
                .at_line(element.line)
                .at_path(field())
                .field("segmentation")
        };
        match segmentation {
            Segmentation::Polygons(polygons) => {
                let mut rings = Vec::with_capacity(polygons.len());
                for (i, polygon) in polygons.into_iter().enumerate() {
                    if polygon.values < 6 || polygon.values % 2 != 0 {
                        self.problems.push(warn(ProblemCode::InvalidValue, format!("polygon {i} of {} has {} values; expected an even count of at least 6 (3 points); the polygon is left out", field(), polygon.values)));
                        continue;
                    }
                    if polygon.absurd {
                        self.problems.push(warn(
                            ProblemCode::InvalidValue,
                            format!(
                                "polygon {i} of {} holds an absurd value; the polygon is left out",
                                field()
                            ),
                        ));
                        continue;
                    }
                    rings.push(polygon.points);
                }
                (!rings.is_empty()).then_some(Shape::Polygon { rings })
            }
            Segmentation::Rle {
                size: [h, w],
                counts,
            } => {
                if let (Some(iw), Some(ih)) = (width, height)
                    && (w, h) != (iw, ih)
                {
                    self.problems.push(warn(
                        ProblemCode::InvalidValue,
                        format!(
                            "{} is a {w}×{h} mask for a {iw}×{ih} image; kept as it is",
                            field()
                        ),
                    ));
                }
                Some(Shape::RleMask {
                    height: h,
                    width: w,
                    counts,
                })
            }
        }
    }
}

/// The annotation ids seen so far. Files number annotations from 0 or 1 up to some millions,
/// so ids below [`IdSet::DENSE`] land in a bitmap (a bit each, where a hash set takes 16 bytes
/// and a cache miss); the others, negative or larger, in a hash set.
#[derive(Default)]
struct IdSet {
    bits: Vec<u64>,
    others: FxHashSet<i64>,
}

impl IdSet {
    /// The bitmap grows to 8 MiB at most.
    const DENSE: u64 = 1 << 26;

    /// Adds `id`; false when it was there already.
    fn insert(&mut self, id: i64) -> bool {
        match u64::try_from(id) {
            Ok(id) if id < Self::DENSE => {
                let (word, bit) = ((id / 64) as usize, 1u64 << (id % 64));
                if word >= self.bits.len() {
                    self.bits.resize((word + 1).next_power_of_two(), 0);
                }
                let fresh = self.bits[word] & bit == 0;
                self.bits[word] |= bit;
                fresh
            }
            _ => self.others.insert(id),
        }
    }
}

/// The images of pass 1 by id: each one's place in file order and its size. Image ids are
/// mostly 0 or 1 up to the number of images, so ids below [`ImageIndex::DENSE`] find their
/// place in an array (one memory access, where a hash map takes two cache misses per
/// annotation); the others in a hash map.
#[derive(Default)]
struct ImageIndex {
    /// One more than the place of the image with that id; 0 for no image.
    dense: Vec<u32>,
    others: FxHashMap<i64, u32>,
    /// Width and height by place.
    sizes: Vec<(Option<u32>, Option<u32>)>,
}

impl ImageIndex {
    /// The array grows to 16 MiB at most.
    const DENSE: u64 = 1 << 22;

    fn slot(&self, id: i64) -> Option<u32> {
        match u64::try_from(id) {
            Ok(i) if i < Self::DENSE => match self.dense.get(i as usize) {
                Some(&slot) if slot > 0 => Some(slot - 1),
                _ => None,
            },
            _ => self.others.get(&id).copied(),
        }
    }

    fn contains(&self, id: i64) -> bool {
        self.slot(id).is_some()
    }

    /// Adds an image that is not there yet, at the next place.
    fn insert(&mut self, id: i64, width: Option<u32>, height: Option<u32>) {
        let place = self.sizes.len() as u32;
        self.sizes.push((width, height));
        match u64::try_from(id) {
            Ok(i) if i < Self::DENSE => {
                let i = i as usize;
                if i >= self.dense.len() {
                    self.dense.resize((i + 1).next_power_of_two(), 0);
                }
                self.dense[i] = place + 1;
            }
            _ => {
                self.others.insert(id, place);
            }
        }
    }

    /// The image's place, width and height.
    fn get(&self, id: i64) -> Option<(u32, Option<u32>, Option<u32>)> {
        let place = self.slot(id)?;
        let (width, height) = self.sizes.get(place as usize).copied()?;
        Some((place, width, height))
    }
}

/// The folder of a panoptic file's PNGs: the file's path without `.json`
/// (`annotations/panoptic_val2017.json` → `annotations/panoptic_val2017`).
fn panoptic_folder(file: &str) -> &str {
    file.strip_suffix(".json")
        .or_else(|| file.strip_suffix(".JSON"))
        .unwrap_or(file)
}

/// Rounds to a millionth of a pixel, so that a sum such as `x + width` keeps the few decimals
/// of its terms (`398.63 + 87.72` is `486.34999999999997` in binary floating point).
fn micro_pixels(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn skipped_problem(file: &str, skipped: &Skipped<'_>) -> Problem {
    let path = format!("$.{}[{}]", skipped.key, skipped.index);
    let message = match skipped.code {
        ProblemCode::TooDeep => format!(
            "{path} is nested deeper than {} levels; it is left out",
            crate::json_stream::MAX_DEPTH
        ),
        _ => format!(
            "{path} is larger than {} MiB; it is left out",
            crate::json_stream::MAX_ELEMENT_BYTES / (1024 * 1024)
        ),
    };
    Problem::error(skipped.code, file, message)
        .at_line(skipped.line)
        .at_path(path)
}

#[cfg(test)]
mod tests;
