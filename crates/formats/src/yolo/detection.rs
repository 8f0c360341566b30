//! Whether a listing holds a YOLO dataset: a names file, `.txt` files that pair with images,
//! and a label file whose first lines read as YOLO objects.

use std::collections::HashSet;

use crate::detect::{IMAGE_EXTENSIONS, file_name};
use crate::{ListingSummary, Verdict};

use super::labels::{class_index, kind_of};
use super::{parse_class_names, parse_data_yaml};

/// Names files by name, Ultralytics' first. Any `*.names` file counts too (Darknet's
/// `coco.names`, `voc.names`).
const NAMES_FILES: &[&str] = &[
    "data.yaml",
    "data.yml",
    "dataset.yaml",
    "dataset.yml",
    "classes.txt",
    "obj.names",
];

/// Label files read with `head`: enough to pass over a few empty ones (images without objects).
const LABELS_LOOKED_AT: usize = 3;

/// Lines of a label file checked.
const LINES_LOOKED_AT: usize = 5;

/// What `head` returns at most: a line reaching this far may be cut.
const HEAD_BYTES: usize = 64 * 1024;

/// The reason given when there is no names file.
const NO_NAMES: &str = "no classes.txt, obj.names or data.yaml: class names will be indexes";

/// YOLO: a text label file per image and the class names beside them.
pub struct YoloLayout;

impl crate::Layout for YoloLayout {
    fn name(&self) -> &'static str {
        "yolo"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["ultralytics", "darknet"]
    }

    fn description(&self) -> &'static str {
        "YOLO text labels (Ultralytics, Darknet) with data.yaml, classes.txt or obj.names"
    }

    fn detect(&self, summary: &ListingSummary, head: &crate::Head<'_>) -> Verdict {
        detect(summary, head)
    }

    fn is_structure(&self, path: &str) -> bool {
        let name = crate::detect::file_name(path).to_ascii_lowercase();
        matches!(
            name.as_str(),
            "data.yaml" | "data.yml" | "dataset.yaml" | "dataset.yml" | "classes.txt" | "obj.data"
        ) || name.ends_with(".names")
            || name.ends_with(".cache")
    }
}

pub fn detect(summary: &ListingSummary, head: &dyn Fn(&str) -> Option<Vec<u8>>) -> Verdict {
    if summary.images() == 0 {
        return reject("no images, so there is nothing for YOLO label files to pair with".into());
    }
    if summary.count("txt") == 0 {
        return reject("no .txt files, so no YOLO label files".into());
    }
    let pairs = Pairs::find(summary);
    let names = names_file(summary, head);
    if pairs.labels.is_empty() {
        let found = names
            .map(|n| format!(" ({} is there)", n.path))
            .unwrap_or_default();
        return reject(format!(
            "no .txt file pairs with an image{found}: YOLO wants labels/…/x.txt for images/…/x.jpg, or x.txt beside x.jpg"
        ));
    }
    let named = names.as_ref().is_some_and(|n| n.classes != Some(0));
    let (confidence, checked) = match sample(&pairs.labels, head) {
        Sample::NotYolo { path, line, text } => {
            return reject(format!(
                "{path} line {line} is `{text}`, not a YOLO label line `class x_center y_center width height`"
            ));
        }
        Sample::Yolo(path) => (
            if named { 0.9 } else { 0.6 },
            format!("{path} starts with YOLO label lines"),
        ),
        Sample::Unconfirmed(why) if named => {
            (0.7, format!("not confirmed by reading a label file: {why}"))
        }
        Sample::Unconfirmed(why) => {
            return reject(format!(
                "no names file, and the .txt files beside images could not be checked: {why}"
            ));
        }
    };
    let names = match &names {
        Some(names) if named => names.describe(),
        Some(names) => format!("{} names no class: class names will be indexes", names.path),
        None => NO_NAMES.to_owned(),
    };
    Verdict::Match {
        confidence,
        reasons: vec![pairs.describe(), names, checked],
    }
}

fn reject(reason: String) -> Verdict {
    Verdict::Reject { reason }
}

/// The `.txt` files that pair with an image, by either rule.
struct Pairs<'s> {
    labels: Vec<&'s str>,
    /// How many pair Ultralytics' way (`labels/` for `images/`), the rest pairing beside.
    ultralytics: usize,
    /// `.txt` files looked at.
    looked_at: usize,
}

impl<'s> Pairs<'s> {
    fn find(summary: &'s ListingSummary) -> Self {
        let mut beside = HashSet::new();
        let mut swapped = HashSet::new();
        for extension in IMAGE_EXTENSIONS {
            for image in summary.paths(extension) {
                let stem = stem(image);
                beside.insert(stem);
                if let Some(label) = labels_stem(stem) {
                    swapped.insert(label);
                }
            }
        }
        let texts = summary.paths("txt");
        let mut pairs = Pairs {
            labels: Vec::new(),
            ultralytics: 0,
            looked_at: texts.len(),
        };
        for text in texts {
            let stem = stem(text);
            if swapped.contains(stem) {
                pairs.ultralytics += 1;
                pairs.labels.push(text);
            } else if beside.contains(stem) {
                pairs.labels.push(text);
            }
        }
        pairs
    }

    fn describe(&self) -> String {
        let how = if self.ultralytics * 2 >= self.labels.len() {
            "labels/…/x.txt for images/…/x.jpg"
        } else {
            "x.txt beside x.jpg"
        };
        format!(
            "{} of {} .txt files looked at pair with images ({how})",
            self.labels.len(),
            self.looked_at
        )
    }
}

/// A path without its extension.
fn stem(path: &str) -> &str {
    let name = file_name(path);
    match name.rfind('.') {
        Some(dot) if dot > 0 => &path[..path.len() - name.len() + dot],
        _ => path,
    }
}

/// Where Ultralytics looks for an image's labels: its last `images` folder made `labels`.
fn labels_stem(image_stem: &str) -> Option<String> {
    let rooted = format!("/{image_stem}");
    let (before, after) = rooted.rsplit_once("/images/")?;
    let swapped = format!("{before}/labels/{after}");
    swapped.strip_prefix('/').map(str::to_owned)
}

struct NamesFile<'s> {
    path: &'s str,
    /// Classes it names, when its head could be read.
    classes: Option<usize>,
}

impl NamesFile<'_> {
    fn describe(&self) -> String {
        match self.classes {
            Some(count) => format!("{} names {count} classes", self.path),
            None => format!("{} names the classes", self.path),
        }
    }
}

fn names_file<'s>(
    summary: &'s ListingSummary,
    head: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Option<NamesFile<'s>> {
    let path = summary
        .file_named(NAMES_FILES)
        .or_else(|| summary.paths("names").first().map(String::as_str))?;
    let classes = head(path).map(|bytes| {
        if path.ends_with(".yaml") || path.ends_with(".yml") {
            let (data, _) = parse_data_yaml(&bytes, path);
            data.names.len().max(data.nc.map_or(0, |nc| nc as usize))
        } else {
            parse_class_names(&bytes, path).0.len()
        }
    });
    Some(NamesFile { path, classes })
}

enum Sample<'s> {
    /// A label file whose first lines read as YOLO objects.
    Yolo(&'s str),
    NotYolo {
        path: &'s str,
        line: u64,
        text: String,
    },
    /// Why no label file could be checked.
    Unconfirmed(&'static str),
}

fn sample<'s>(labels: &[&'s str], head: &dyn Fn(&str) -> Option<Vec<u8>>) -> Sample<'s> {
    let mut read = 0;
    for path in labels.iter().take(LABELS_LOOKED_AT) {
        let Some(bytes) = head(path) else { continue };
        read += 1;
        match check_head(&bytes) {
            Head::Yolo => return Sample::Yolo(path),
            Head::Empty => {}
            Head::NotYolo { line, text } => return Sample::NotYolo { path, line, text },
        }
    }
    Sample::Unconfirmed(if read == 0 {
        "no label file could be read"
    } else {
        "the label files read are empty"
    })
}

enum Head {
    Yolo,
    Empty,
    NotYolo { line: u64, text: String },
}

/// Checks the first lines of a label file's head; a last line the head may have cut is left.
fn check_head(bytes: &[u8]) -> Head {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        // Cut inside a character at the end of the head: keep what comes before.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => {
            return Head::NotYolo {
                line: 1,
                text: "bytes that are not UTF-8 text".into(),
            };
        }
    };
    let cut = bytes.len() >= HEAD_BYTES;
    let mut seen = 0;
    for (segment, number) in text.split_inclusive('\n').zip(1..) {
        if cut && !segment.ends_with('\n') {
            break;
        }
        let line = segment.trim();
        if line.is_empty() {
            continue;
        }
        if !looks_like_yolo(line) {
            return Head::NotYolo {
                line: number,
                text: super::text::short(line),
            };
        }
        seen += 1;
        if seen == LINES_LOOKED_AT {
            break;
        }
    }
    if seen == 0 { Head::Empty } else { Head::Yolo }
}

/// A class index, then coordinates near 0..1 (pixel coordinates are another format).
fn looks_like_yolo(line: &str) -> bool {
    let values: Vec<&str> = line.split_whitespace().collect();
    let Some((class, coordinates)) = values.split_first() else {
        return false;
    };
    kind_of(values.len()).is_some()
        && class_index(class).is_some()
        && coordinates
            .iter()
            .all(|v| v.parse::<f64>().is_ok_and(|x| (-1.0..=2.0).contains(&x)))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// A summary of `files` and a `head` that returns their contents (`None` for unreadable).
    fn source(files: &[(&str, Option<&str>)]) -> (ListingSummary, HashMap<String, Vec<u8>>) {
        let mut summary = ListingSummary::default();
        let mut contents = HashMap::new();
        for (path, content) in files {
            summary.add(path);
            if let Some(content) = content {
                contents.insert((*path).to_owned(), content.as_bytes().to_vec());
            }
        }
        (summary, contents)
    }

    fn judge(files: &[(&str, Option<&str>)]) -> Verdict {
        let (summary, contents) = source(files);
        detect(&summary, &|path| contents.get(path).cloned())
    }

    fn matched(verdict: Verdict) -> (f32, Vec<String>) {
        match verdict {
            Verdict::Match {
                confidence,
                reasons,
            } => (confidence, reasons),
            Verdict::Reject { reason } => panic!("rejected: {reason}"),
        }
    }

    fn rejected(verdict: Verdict) -> String {
        match verdict {
            Verdict::Reject { reason } => reason,
            other => panic!("matched: {other:?}"),
        }
    }

    const BOX: Option<&str> = Some("0 0.5 0.5 0.2 0.2\n");
    const JPEG: Option<&str> = None;

    #[test]
    fn ultralytics_layout_with_data_yaml() {
        let yaml = include_str!("../../tests/fixtures/yolo/data_block_map.yaml");
        let (confidence, reasons) = matched(judge(&[
            ("coco8/data.yaml", Some(yaml)),
            ("coco8/images/train/a.jpg", JPEG),
            ("coco8/images/train/b.JPG", JPEG),
            ("coco8/images/val/c.png", JPEG),
            ("coco8/labels/train/a.txt", Some("")),
            ("coco8/labels/train/b.txt", BOX),
            ("coco8/labels/val/c.txt", BOX),
        ]));
        assert_eq!(confidence, 0.9);
        assert_eq!(
            reasons,
            [
                "3 of 3 .txt files looked at pair with images (labels/…/x.txt for images/…/x.jpg)",
                "coco8/data.yaml names 4 classes",
                "coco8/labels/train/b.txt starts with YOLO label lines",
            ]
        );
    }

    #[test]
    fn darknet_layout_with_obj_names() {
        let (confidence, reasons) = matched(judge(&[
            ("obj.data", Some("classes = 2\nnames = obj.names\n")),
            ("obj.names", Some("cat\ndog\n")),
            ("train.txt", Some("obj_train_data/image1.jpg\n")),
            ("obj_train_data/image1.jpg", JPEG),
            (
                "obj_train_data/image1.txt",
                Some("1 0.1 0.1 0.4 0.1 0.4 0.3\n0 0.5 0.5 0.1 0.1\n"),
            ),
        ]));
        assert_eq!(confidence, 0.9);
        assert_eq!(
            reasons[0],
            "1 of 2 .txt files looked at pair with images (x.txt beside x.jpg)"
        );
        assert_eq!(reasons[1], "obj.names names 2 classes");
    }

    #[test]
    fn classes_txt_beside_images_and_any_names_file() {
        let files = [
            ("classes.txt", Some("cat\n")),
            ("a.jpg", JPEG),
            ("a.txt", BOX),
        ];
        assert_eq!(matched(judge(&files)).0, 0.9);
        let files = [
            ("voc.names", Some("cat\n")),
            ("a.jpg", JPEG),
            ("a.txt", BOX),
        ];
        assert_eq!(matched(judge(&files)).1[1], "voc.names names 1 classes");
    }

    #[test]
    fn without_names_file_labels_beside_images_match_lower() {
        let (confidence, reasons) = matched(judge(&[("x/a.jpg", JPEG), ("x/a.txt", BOX)]));
        assert_eq!(confidence, 0.6);
        assert_eq!(
            reasons[1],
            "no classes.txt, obj.names or data.yaml: class names will be indexes"
        );
    }

    #[test]
    fn a_yaml_without_names_is_no_names_file() {
        let (confidence, reasons) = matched(judge(&[
            ("data.yaml", Some("foo: bar\n")),
            ("a.jpg", JPEG),
            ("a.txt", BOX),
        ]));
        assert_eq!(confidence, 0.6);
        assert_eq!(
            reasons[1],
            "data.yaml names no class: class names will be indexes"
        );
    }

    #[test]
    fn unreadable_labels_lower_the_confidence_or_reject_without_names() {
        let (confidence, reasons) = matched(judge(&[
            ("classes.txt", None),
            ("a.jpg", JPEG),
            ("a.txt", None),
        ]));
        assert_eq!(confidence, 0.7);
        assert_eq!(reasons[1], "classes.txt names the classes");
        assert_eq!(
            reasons[2],
            "not confirmed by reading a label file: no label file could be read"
        );
        let reason = rejected(judge(&[("a.jpg", JPEG), ("a.txt", Some("\n"))]));
        assert_eq!(
            reason,
            "no names file, and the .txt files beside images could not be checked: the label files read are empty"
        );
    }

    #[test]
    fn modelarts_classification_text_files_are_not_yolo() {
        let reason = rejected(judge(&[
            ("import-dir-1/10.jpg", JPEG),
            ("import-dir-1/10.txt", Some("Cat\nDog\n")),
        ]));
        assert_eq!(
            reason,
            "import-dir-1/10.txt line 1 is `Cat`, not a YOLO label line `class x_center y_center width height`"
        );
    }

    #[test]
    fn pixel_coordinates_are_not_yolo() {
        let files = [
            ("classes.txt", Some("car\n")),
            ("a.png", JPEG),
            ("a.txt", Some("0 120 80 64 32\n")),
        ];
        assert!(rejected(judge(&files)).contains("a.txt line 1 is `0 120 80 64 32`"));
    }

    #[test]
    fn rejections_say_what_is_missing() {
        assert_eq!(
            rejected(judge(&[
                ("classes.txt", Some("a\n")),
                ("labels/a.txt", BOX)
            ])),
            "no images, so there is nothing for YOLO label files to pair with"
        );
        assert_eq!(
            rejected(judge(&[("a.jpg", JPEG), ("a.xml", None)])),
            "no .txt files, so no YOLO label files"
        );
        assert_eq!(
            rejected(judge(&[
                ("classes.txt", Some("a\n")),
                ("images/a.jpg", JPEG),
                ("annotations/a.txt", BOX)
            ])),
            "no .txt file pairs with an image (classes.txt is there): YOLO wants labels/…/x.txt for images/…/x.jpg, or x.txt beside x.jpg"
        );
    }

    #[test]
    fn a_line_cut_by_the_head_is_not_judged() {
        let mut head = b"0 0.5 0.5 0.2 0.2\n1 0.1".to_vec();
        head.extend(std::iter::repeat_n(b'1', HEAD_BYTES - head.len()));
        assert!(matches!(check_head(&head), Head::Yolo));
        assert!(matches!(check_head(b"\xFF\xFE0 0.5"), Head::NotYolo { .. }));
    }

    #[test]
    fn ultralytics_pairing_uses_the_last_images_folder() {
        assert_eq!(
            labels_stem("images/train/x").as_deref(),
            Some("labels/train/x")
        );
        assert_eq!(
            labels_stem("data/images/images/x").as_deref(),
            Some("data/images/labels/x")
        );
        assert_eq!(labels_stem("train/x"), None);
        assert_eq!(stem("a.b/c"), "a.b/c");
        assert_eq!(stem("a/.hidden"), "a/.hidden");
    }

    #[test]
    fn the_crate_detector_hears_yolo() {
        let (summary, contents) = source(&[
            ("classes.txt", Some("cat\n")),
            ("a.jpg", JPEG),
            ("a.txt", BOX),
        ]);
        let all = crate::detect(&summary, &|path| contents.get(path).cloned());
        let yolo = all.iter().find(|d| d.format == "yolo").unwrap();
        assert!(matches!(yolo.verdict, Verdict::Match { confidence, .. } if confidence == 0.9));
    }
}
