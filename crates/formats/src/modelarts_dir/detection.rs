//! Whether a listing is one of ModelArts' directory layouts, and which: image classification
//! by sidecar or by folder, sound classification, text classification, or a table.

use std::collections::{BTreeSet, HashSet};

use crate::detect::{IMAGE_EXTENSIONS, file_name};
use crate::{ListingSummary, Verdict};

use super::classification::folder_and_stem;
use super::table::check_table;
use super::text_classification::text_result_pairs;

/// Files whose head is read per layout, at most.
const HEADS_READ: usize = 3;
/// Lines of a head looked at.
const LINES_LOOKED_AT: usize = 20;
/// Share of files or lines that must fit a layout for a confident match.
const STRONG_SHARE: f64 = 0.8;
/// Label folders named in a reason, at most.
const LABELS_SHOWN: usize = 5;

/// Folder names of other layouts and of splits: images in them are not labelled by them.
const GENERIC_FOLDERS: &[&str] = &[
    "images",
    "image",
    "imgs",
    "img",
    "jpegimages",
    "pictures",
    "photos",
    "data",
    "dataset",
    "train",
    "val",
    "valid",
    "validation",
    "test",
    "obj_train_data",
    "obj_valid_data",
    "labels",
    "annotations",
    "raw",
    "samples",
];

/// A layout that fits: its confidence and reasons, the first naming the layout.
type Fit = Result<(f32, Vec<String>), String>;

/// ModelArts folder layouts, one per dataset type.
pub struct ModelartsDirLayout;

impl crate::Layout for ModelartsDirLayout {
    fn reader(&self, context: crate::ReadContext) -> Box<dyn crate::LayoutReader> {
        crate::layout::AfterListing::boxed(context, |c, listing, _, sink| {
            Box::pin(super::reader::read(&c.files, listing, &c.options, sink))
        })
    }

    fn name(&self) -> &'static str {
        super::FORMAT
    }

    fn description(&self) -> &'static str {
        "ModelArts folders: classes by folder or .txt sidecar, VOC sidecars, text, sound, CSV tables"
    }

    fn detect(&self, summary: &ListingSummary, head: &crate::Head<'_>) -> Verdict {
        detect(summary, head)
    }

    fn is_structure(&self, _path: &str) -> bool {
        false
    }
}

pub fn detect(summary: &ListingSummary, head: &dyn Fn(&str) -> Option<Vec<u8>>) -> Verdict {
    if summary.files == 0 {
        return Verdict::Reject {
            reason: "the source holds no files".to_owned(),
        };
    }
    let fits = [
        images_by_sidecar(summary, head),
        images_by_folder(summary),
        sound(summary),
        text(summary, head),
        table(summary, head),
    ];
    let mut matches = Vec::new();
    let mut misses = Vec::new();
    for fit in fits {
        match fit {
            Ok(fit) => matches.push(fit),
            Err(miss) => misses.push(miss),
        }
    }
    // Stable: of equal confidences, the layout listed first wins.
    matches.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut matches = matches.into_iter();
    let Some((confidence, mut reasons)) = matches.next() else {
        return Verdict::Reject {
            reason: format!("no ModelArts directory layout fits: {}", misses.join("; ")),
        };
    };
    for (_, other) in matches {
        if let Some(layout) = other.into_iter().next() {
            reasons.push(format!("it also fits, less well, {layout}"));
        }
    }
    Verdict::Match {
        confidence,
        reasons,
    }
}

/// Images with a `<stem>.txt` beside them that lists labels.
fn images_by_sidecar(summary: &ListingSummary, head: &dyn Fn(&str) -> Option<Vec<u8>>) -> Fit {
    if summary.images() == 0 {
        return Err("image classification: no images".to_owned());
    }
    let images: HashSet<(&str, &str)> = image_paths(summary).map(folder_and_stem).collect();
    let texts = summary.paths("txt");
    let sidecars: Vec<&str> = texts
        .iter()
        .map(String::as_str)
        .filter(|p| images.contains(&folder_and_stem(p)))
        .collect();
    if sidecars.is_empty() {
        return Err(
            "image classification by sidecar: no .txt file beside an image of the same name"
                .to_owned(),
        );
    }
    let pairs = format!(
        "image classification by .txt sidecars: {} of {} .txt files looked at sit beside an image of the same name",
        sidecars.len(),
        texts.len()
    );
    let mut yolo = None;
    let mut unconfirmed = None;
    for path in sidecars.iter().take(HEADS_READ) {
        let Some(bytes) = head(path) else {
            unconfirmed.get_or_insert_with(|| format!("{path} could not be read"));
            continue;
        };
        let content = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = complete_lines(&content)
            .filter(|l| !l.trim().is_empty())
            .take(LINES_LOOKED_AT)
            .collect();
        let Some(first) = lines.first() else {
            unconfirmed.get_or_insert_with(|| format!("{path} is empty"));
            continue;
        };
        if lines.iter().any(|l| looks_like_yolo(l)) {
            yolo.get_or_insert_with(|| {
                format!(
                    "{path} holds YOLO rows (`{}`), not label names",
                    super::text::short(first.trim())
                )
            });
            continue;
        }
        return Ok((
            0.85,
            vec![
                pairs,
                format!(
                    "{path} lists labels one a line (first: \"{}\")",
                    super::text::short(first.trim())
                ),
            ],
        ));
    }
    if let Some(yolo) = yolo {
        return Err(format!("image classification by sidecar: {yolo}"));
    }
    let why = unconfirmed.unwrap_or_else(|| "no sidecar was read".to_owned());
    Ok((
        0.4,
        vec![pairs, format!("not confirmed by reading one: {why}")],
    ))
}

/// Images in folders that name their label.
fn images_by_folder(summary: &ListingSummary) -> Fit {
    if summary.images() == 0 {
        return Err("image classification: no images".to_owned());
    }
    let folders = Folders::of(image_paths(summary));
    if folders.generic.is_empty() && folders.labelled == 0 {
        return Err(
            "image classification by folder: every image is at the top level, in no label folder"
                .to_owned(),
        );
    }
    if folders.labels.is_empty() {
        return Err(format!(
            "image classification by folder: images sit in folders named like layouts or splits ({}), not labels",
            folders
                .generic
                .iter()
                .take(LABELS_SHOWN)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let others = summary.count("xml") + summary.count("json");
    // Folders of images explain a source only when images are most of it.
    let mostly_images = summary.images() * 2 >= summary.files;
    let confidence = if others > 0 {
        0.3
    } else if folders.labels.len() >= 2 && folders.share() >= STRONG_SHARE && mostly_images {
        0.6
    } else {
        0.35
    };
    let mut reasons = vec![format!(
        "image classification by folder: {} images looked at, {} of them in {}",
        folders.looked_at,
        folders.labelled,
        folders.describe_labels()
    )];
    if folders.looked_at > folders.labelled {
        reasons.push(format!(
            "{} images are in no label folder and would be unlabelled",
            folders.looked_at - folders.labelled
        ));
    }
    if others > 0 {
        reasons.push(format!(
            "{others} .xml or .json files suggest annotations of another layout"
        ));
    }
    if !mostly_images {
        reasons.push(format!(
            "only {} of the {} files are images",
            summary.images(),
            summary.files
        ));
    }
    Ok((confidence, reasons))
}

/// `.wav` files in label folders.
fn sound(summary: &ListingSummary) -> Fit {
    if summary.count("wav") == 0 {
        return Err("sound classification: no .wav files".to_owned());
    }
    let folders = Folders::of(summary.paths("wav").iter().map(String::as_str));
    if folders.labelled == 0 {
        return Ok((
            0.3,
            vec![format!(
                "sound classification, unlabelled: {} .wav files, none in a label folder",
                summary.count("wav")
            )],
        ));
    }
    let confidence = if folders.share() >= STRONG_SHARE {
        0.8
    } else {
        0.5
    };
    Ok((
        confidence,
        vec![format!(
            "sound classification by folder: {} .wav files looked at, {} of them in {}",
            folders.looked_at,
            folders.labelled,
            folders.describe_labels()
        )],
    ))
}

/// `.txt` (or tab-separated `.csv`) files of text samples, without images or audio.
fn text(summary: &ListingSummary, head: &dyn Fn(&str) -> Option<Vec<u8>>) -> Fit {
    if summary.images() > 0 || summary.count("wav") > 0 {
        return Err("text classification: the source holds images or audio".to_owned());
    }
    if summary.count("txt") == 0 && summary.count("csv") == 0 {
        return Err("text classification: no .txt or .csv files".to_owned());
    }
    let (pairs, _) = text_result_pairs(summary.paths("txt").iter().map(String::as_str));
    if let Some((first, result)) = pairs.first() {
        return Ok((
            0.8,
            vec![format!(
                "text classification, label_type 0: {} text files have an X_result.txt of labels beside them ({first} with {result})",
                pairs.len()
            )],
        ));
    }
    let candidates = summary
        .paths("txt")
        .iter()
        .chain(summary.paths("csv"))
        .map(String::as_str)
        .filter(|p| !file_name(p).eq_ignore_ascii_case("classes.txt"))
        .take(HEADS_READ);
    let mut miss = None;
    for path in candidates {
        let Some(bytes) = head(path) else {
            continue;
        };
        let content = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = complete_lines(&content)
            .filter(|l| !l.trim().is_empty())
            .take(LINES_LOOKED_AT)
            .collect();
        if lines.is_empty() {
            continue;
        }
        let labelled = lines
            .iter()
            .filter(|l| {
                l.rsplit_once('\t').is_some_and(|(text, labels)| {
                    !text.trim().is_empty() && !labels.trim().is_empty()
                })
            })
            .count();
        if labelled as f64 >= lines.len() as f64 * STRONG_SHARE {
            return Ok((
                0.6,
                vec![format!(
                    "text classification, label_type 1: {labelled} of the first {} lines of {path} are text<TAB>labels",
                    lines.len()
                )],
            ));
        }
        miss.get_or_insert_with(|| {
            format!(
                "only {labelled} of the first {} lines of {path} are text<TAB>labels",
                lines.len()
            )
        });
    }
    Err(format!(
        "text classification: {}",
        miss.unwrap_or_else(|| "no text file could be read".to_owned())
    ))
}

/// `.csv` files of comma-separated rows, without images or audio.
fn table(summary: &ListingSummary, head: &dyn Fn(&str) -> Option<Vec<u8>>) -> Fit {
    let csv = summary.count("csv");
    if csv == 0 {
        return Err("table: no .csv files".to_owned());
    }
    if summary.images() > 0 || summary.count("wav") > 0 {
        return Err("table: the source holds images or audio besides its .csv files".to_owned());
    }
    let mut miss = None;
    for path in summary.paths("csv").iter().take(HEADS_READ) {
        let Some(bytes) = head(path) else {
            continue;
        };
        // A head is cut anywhere: check only its complete lines.
        let cut = bytes
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(bytes.as_slice(), |end| {
                bytes.get(..=end).unwrap_or_default()
            });
        let report = check_table(cut, path, false, None);
        let columns = report.columns.len();
        if report.rows == 0 {
            continue;
        }
        if columns >= 2 && report.ignored_rows as f64 <= report.rows as f64 * (1.0 - STRONG_SHARE) {
            return Ok((
                0.6,
                vec![format!(
                    "table: {csv} .csv files; the first {} rows of {path} have {columns} columns{}",
                    report.rows,
                    if report.ignored_rows > 0 {
                        format!(" ({} do not)", report.ignored_rows)
                    } else {
                        String::new()
                    }
                )],
            ));
        }
        miss.get_or_insert_with(|| {
            if columns < 2 {
                format!("{path} has one column a row, not comma-separated values")
            } else {
                format!(
                    "{} of the first {} rows of {path} have a column count other than {columns}",
                    report.ignored_rows, report.rows
                )
            }
        });
    }
    match miss {
        Some(miss) => Err(format!("table: {miss}")),
        None => Ok((
            0.3,
            vec![format!(
                "table: {csv} .csv files, none read to confirm their rows"
            )],
        )),
    }
}

/// Kept image paths, every extension.
fn image_paths(summary: &ListingSummary) -> impl Iterator<Item = &str> {
    IMAGE_EXTENSIONS
        .iter()
        .flat_map(|ext| summary.paths(ext))
        .map(String::as_str)
}

/// The lines of a head that are whole: a last line without its newline may have been cut,
/// and is dropped unless it is the only one.
fn complete_lines(content: &str) -> impl Iterator<Item = &str> {
    let whole = match content.rsplit_once('\n') {
        Some((whole, last)) if !last.is_empty() => whole,
        _ => content,
    };
    whole.lines()
}

/// `class x y w h …`: an integer and four numbers or more.
fn looks_like_yolo(line: &str) -> bool {
    let mut tokens = line.split_whitespace();
    let class = tokens.next().is_some_and(|t| t.parse::<u32>().is_ok());
    let numbers: Vec<&str> = tokens.collect();
    class && numbers.len() >= 4 && numbers.iter().all(|t| t.parse::<f64>().is_ok())
}

/// A folder named like a layout's or a split's rather than a label: one of
/// [`GENERIC_FOLDERS`], or a numbered sensor folder of KITTI or Xtreme1 (`image_2`,
/// `image_02`, `camera_image_0`, `prev_3`).
fn is_generic_folder(name: &str) -> bool {
    const NUMBERED: &[&str] = &["image_", "camera_image_", "camera_", "prev_", "label_"];
    let lower = name.to_ascii_lowercase();
    GENERIC_FOLDERS.contains(&lower.as_str())
        || NUMBERED.iter().any(|prefix| {
            lower.strip_prefix(prefix).is_some_and(|number| {
                !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
            })
        })
}

/// How files sit in label folders.
struct Folders {
    looked_at: usize,
    /// Files in a folder whose name is not generic.
    labelled: usize,
    labels: BTreeSet<String>,
    generic: BTreeSet<String>,
}

impl Folders {
    fn of<'a>(paths: impl Iterator<Item = &'a str>) -> Self {
        let mut folders = Folders {
            looked_at: 0,
            labelled: 0,
            labels: BTreeSet::new(),
            generic: BTreeSet::new(),
        };
        for path in paths {
            folders.looked_at += 1;
            let Some((folder, _)) = path.rsplit_once('/') else {
                continue;
            };
            let label = file_name(folder);
            if label.is_empty() {
                continue;
            }
            if is_generic_folder(label) {
                folders.generic.insert(label.to_owned());
                continue;
            }
            folders.labelled += 1;
            folders.labels.insert(label.to_owned());
        }
        folders
    }

    fn share(&self) -> f64 {
        self.labelled as f64 / self.looked_at.max(1) as f64
    }

    fn describe_labels(&self) -> String {
        let mut shown: Vec<&str> = self
            .labels
            .iter()
            .take(LABELS_SHOWN)
            .map(String::as_str)
            .collect();
        if self.labels.len() > LABELS_SHOWN {
            shown.push("…");
        }
        let noun = if self.labels.len() == 1 {
            "label folder"
        } else {
            "label folders"
        };
        format!("{} {noun} ({})", self.labels.len(), shown.join(", "))
    }
}
