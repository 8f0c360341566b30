//! Whether a listing holds a YOLO dataset: a names file, `.txt` files that pair with images
//! (see `pairing.rs`), and a label file whose first lines read as YOLO (or DOTA) objects. The
//! reasons name how the files pair, where the class names come from, what the label lines
//! hold, and what gives the splits.

use std::collections::{BTreeMap, HashSet};

use crate::detect::{IMAGE_EXTENSIONS, file_name};
use crate::{ListingSummary, Verdict};

use super::labels::{Kind, class_index, is_dota_header, kind_of};
use super::pairing::{Pairing, image_key, label_key, stem};
use super::splits::{is_root_split_list, usage_from_folders};
use super::{DarknetData, DataYaml, parse_class_names, parse_darknet_data, parse_data_yaml};

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

/// Files of the layout's structure by name (see the module doc of `yolo`), lowercase.
const STRUCTURE_FILES: &[&str] = &[
    "data.yaml",
    "data.yml",
    "dataset.yaml",
    "dataset.yml",
    "classes.txt",
    "obj.data",
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
    fn reader(&self, context: crate::ReadContext) -> Box<dyn crate::LayoutReader> {
        crate::layout::AfterListing::boxed(context, |c, listing, _, sink| {
            Box::pin(super::reader::read(&c.files, listing, sink))
        })
    }

    fn name(&self) -> &'static str {
        super::FORMAT
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["ultralytics", "darknet"]
    }

    fn description(&self) -> &'static str {
        "YOLO text labels (Ultralytics, Darknet, DOTA) with data.yaml, classes.txt or obj.names"
    }

    fn detect(&self, summary: &ListingSummary, head: &crate::Head<'_>) -> Verdict {
        detect(summary, head)
    }

    fn is_structure(&self, path: &str) -> bool {
        let name = file_name(path).to_ascii_lowercase();
        STRUCTURE_FILES.contains(&name.as_str())
            || name.ends_with(".names")
            || name.ends_with(".cache")
            || is_root_split_list(path)
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
    let config = Config::read(summary, head);
    if pairs.labels.is_empty() {
        let found = config
            .names
            .as_ref()
            .map(|n| format!(" ({} is there)", n.path))
            .unwrap_or_default();
        return reject(format!(
            "no .txt file pairs with an image{found}: YOLO wants labels/…/x.txt for images/…/x.jpg, Annotations/x.txt for Images/x.jpg, or x.txt beside x.jpg"
        ));
    }
    let named = config.names.as_ref().is_some_and(|n| n.classes != Some(0));
    let (confidence, checked, form) = match sample(&pairs.labels, head) {
        Sample::NotYolo { path, line, text } => {
            return reject(format!(
                "{path} line {line} is `{text}`, not a YOLO label line `class x_center y_center width height`"
            ));
        }
        Sample::Lines(path, form) => (
            if named || form == Form::Dota {
                0.9
            } else {
                0.6
            },
            format!("{path} starts with {}", form.describe()),
            Some(form),
        ),
        Sample::Unconfirmed(why) if named => (
            0.7,
            format!("not confirmed by reading a label file: {why}"),
            None,
        ),
        Sample::Unconfirmed(why) => {
            return reject(format!(
                "no names file, and the .txt files beside images could not be checked: {why}"
            ));
        }
    };
    let names = match &config.names {
        Some(names) if named => names.describe(),
        _ if form == Some(Form::Dota) => "class names are written in the label lines".to_owned(),
        Some(names) => format!("{} names no class: class names will be indexes", names.path),
        None => NO_NAMES.to_owned(),
    };
    let mut reasons = vec![pairs.describe(), names, checked];
    reasons.extend(config.task_reason(form));
    reasons.extend(config.splits_reason(summary));
    Verdict::Match {
        confidence,
        reasons,
    }
}

fn reject(reason: String) -> Verdict {
    Verdict::Reject { reason }
}

/// The `.txt` files that pair with an image, by the rules of `pairing.rs`.
struct Pairs<'s> {
    labels: Vec<&'s str>,
    /// How many pair each way.
    by: BTreeMap<Pairing, usize>,
    /// `.txt` files looked at.
    looked_at: usize,
}

impl<'s> Pairs<'s> {
    fn find(summary: &'s ListingSummary) -> Self {
        let mut beside = HashSet::new();
        let mut swapped = HashSet::new();
        for extension in IMAGE_EXTENSIONS {
            for image in summary.paths(extension) {
                beside.insert(stem(image));
                if let Some(key) = image_key(image) {
                    swapped.insert(key);
                }
            }
        }
        let texts = summary.paths("txt");
        let mut pairs = Pairs {
            labels: Vec::new(),
            by: BTreeMap::new(),
            looked_at: texts.len(),
        };
        for text in texts {
            if is_root_split_list(text) || file_name(text).eq_ignore_ascii_case("classes.txt") {
                continue;
            }
            let pairing = if beside.contains(stem(text)) {
                Some(Pairing::Beside)
            } else {
                label_key(text)
                    .filter(|(key, _)| swapped.contains(key))
                    .map(|(_, pairing)| pairing)
            };
            if let Some(pairing) = pairing {
                *pairs.by.entry(pairing).or_default() += 1;
                pairs.labels.push(text);
            }
        }
        pairs
    }

    fn describe(&self) -> String {
        let how = if self.by.len() == 1 {
            self.by
                .keys()
                .map(|pairing| pairing.describe().to_owned())
                .collect::<String>()
        } else {
            self.by
                .iter()
                .map(|(pairing, count)| format!("{count} {}", pairing.describe()))
                .collect::<Vec<_>>()
                .join("; ")
        };
        format!(
            "{} of {} .txt files looked at pair with images ({how})",
            self.labels.len(),
            self.looked_at
        )
    }
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

/// What the layout's configuration files say, as far as their heads tell.
struct Config<'s> {
    names: Option<NamesFile<'s>>,
    data_yaml: Option<(&'s str, DataYaml)>,
    darknet: Option<(&'s str, DarknetData)>,
}

impl<'s> Config<'s> {
    fn read(summary: &'s ListingSummary, head: &dyn Fn(&str) -> Option<Vec<u8>>) -> Self {
        let yaml_path = summary.file_named(&NAMES_FILES[..4]);
        let data_yaml =
            yaml_path.and_then(|path| Some((path, parse_data_yaml(&head(path)?, path).0)));
        let darknet = summary
            .file_named(&["obj.data"])
            .and_then(|path| Some((path, parse_darknet_data(&head(path)?, path).0)));
        let names = summary
            .file_named(NAMES_FILES)
            .or_else(|| summary.paths("names").first().map(String::as_str))
            .map(|path| {
                let classes = match &data_yaml {
                    Some((yaml, data)) if *yaml == path => {
                        Some(data.names.len().max(data.nc.map_or(0, |nc| nc as usize)))
                    }
                    _ if path.ends_with(".yaml") || path.ends_with(".yml") => None,
                    _ => head(path).map(|bytes| parse_class_names(&bytes, path).0.len()),
                };
                NamesFile { path, classes }
            });
        Config {
            names,
            data_yaml,
            darknet,
        }
    }

    /// What `data.yaml`'s `task` makes of four-point lines, when it or the lines say.
    fn task_reason(&self, form: Option<Form>) -> Option<String> {
        let task = self
            .data_yaml
            .as_ref()
            .and_then(|(path, data)| Some((path, data.task.as_deref()?)));
        match (task, form) {
            (Some((path, "obb")), _) => Some(format!(
                "{path} says task: obb, so four-point lines are oriented boxes"
            )),
            (Some((path, "segment")), Some(Form::FourPoints)) => Some(format!(
                "{path} says task: segment, so four-point lines are polygons"
            )),
            (_, Some(Form::FourPoints)) => Some(
                "no task: obb in a data.yaml, so four-point lines are oriented boxes where they are rectangles, else polygons"
                    .to_owned(),
            ),
            _ => None,
        }
    }

    /// Where the samples' usage comes from.
    fn splits_reason(&self, summary: &ListingSummary) -> Option<String> {
        let declared = |keys: &[(&str, &Vec<String>)]| {
            keys.iter()
                .filter(|(_, paths)| !paths.is_empty())
                .map(|(key, paths)| format!("{key} {}", paths.join(", ")))
                .collect::<Vec<_>>()
        };
        if let Some((path, data)) = &self.data_yaml {
            let splits = declared(&[
                ("train", &data.train),
                ("val", &data.val),
                ("test", &data.test),
            ]);
            if !splits.is_empty() {
                return Some(format!(
                    "{path} gives the splits ({}), kept as the samples' usage",
                    splits.join("; ")
                ));
            }
        }
        if let Some((path, data)) = &self.darknet {
            let train = data.train.iter().cloned().collect();
            let valid = data.valid.iter().cloned().collect();
            let splits = declared(&[("train", &train), ("valid", &valid)]);
            if !splits.is_empty() {
                return Some(format!(
                    "{path} lists the splits ({}), kept as the samples' usage",
                    splits.join("; ")
                ));
            }
        }
        let mut folders: Vec<&str> = IMAGE_EXTENSIONS
            .iter()
            .flat_map(|extension| summary.paths(extension))
            .filter_map(|image| usage_from_folders(image))
            .collect();
        folders.sort_unstable();
        folders.dedup();
        (!folders.is_empty()).then(|| {
            format!(
                "images in split folders take their usage from them ({})",
                folders.join(", ")
            )
        })
    }
}

/// What the label lines looked at hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// Boxes and segments.
    Yolo,
    /// Some lines of four points: oriented boxes, or segments of four points.
    FourPoints,
    /// DOTA lines, in pixels.
    Dota,
}

impl Form {
    fn describe(self) -> &'static str {
        match self {
            Self::Yolo => "YOLO label lines",
            Self::FourPoints => "YOLO label lines of four points (class x1 y1 … x4 y4)",
            Self::Dota => "DOTA label lines (x1 y1 … x4 y4 class difficult, in pixels)",
        }
    }

    /// The form of a file from the forms of its lines: DOTA, else four points, else YOLO.
    fn merge(self, other: Form) -> Form {
        let rank = |form: Form| match form {
            Form::Yolo => 0,
            Form::FourPoints => 1,
            Form::Dota => 2,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

enum Sample<'s> {
    /// A label file whose first lines read as YOLO or DOTA objects.
    Lines(&'s str, Form),
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
            Head::Lines(form) => return Sample::Lines(path, form),
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
    Lines(Form),
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
    let mut form = Form::Yolo;
    for (segment, number) in text.split_inclusive('\n').zip(1..) {
        if cut && !segment.ends_with('\n') {
            break;
        }
        let line = segment.trim();
        if line.is_empty() || is_dota_header(line) {
            continue;
        }
        let Some(line_form) = form_of(line) else {
            return Head::NotYolo {
                line: number,
                text: super::text::short(line),
            };
        };
        form = form.merge(line_form);
        seen += 1;
        if seen == LINES_LOOKED_AT {
            break;
        }
    }
    if seen == 0 {
        Head::Empty
    } else {
        Head::Lines(form)
    }
}

/// A YOLO line (a class index, then coordinates near 0..1: pixel coordinates are another
/// format), or a DOTA line (eight coordinates, a class name, a whole `difficult`).
fn form_of(line: &str) -> Option<Form> {
    let values: Vec<&str> = line.split_whitespace().collect();
    if kind_of(&values)? == Kind::Dota {
        let coordinates = values[..8]
            .iter()
            .all(|v| v.parse::<f64>().is_ok_and(f64::is_finite));
        let difficult = values.get(9).is_none_or(|d| d.parse::<u32>().is_ok());
        return (coordinates && difficult).then_some(Form::Dota);
    }
    let (class, coordinates) = values.split_first()?;
    let yolo = class_index(class).is_some()
        && coordinates
            .iter()
            .all(|v| v.parse::<f64>().is_ok_and(|x| (-1.0..=2.0).contains(&x)));
    let form = if values.len() == 9 {
        Form::FourPoints
    } else {
        Form::Yolo
    };
    yolo.then_some(form)
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
                "coco8/data.yaml gives the splits (train images/train; val images/val), kept as the samples' usage",
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
                ("notes/a.txt", BOX)
            ])),
            "no .txt file pairs with an image (classes.txt is there): YOLO wants labels/…/x.txt for images/…/x.jpg, Annotations/x.txt for Images/x.jpg, or x.txt beside x.jpg"
        );
    }

    #[test]
    fn a_line_cut_by_the_head_is_not_judged() {
        let mut head = b"0 0.5 0.5 0.2 0.2\n1 0.1".to_vec();
        head.extend(std::iter::repeat_n(b'1', HEAD_BYTES - head.len()));
        assert!(matches!(check_head(&head), Head::Lines(Form::Yolo)));
        assert!(matches!(check_head(b"\xFF\xFE0 0.5"), Head::NotYolo { .. }));
    }

    #[test]
    fn annotations_and_images_folders_pair_in_any_case_with_split_folders() {
        let (confidence, reasons) = matched(judge(&[
            ("export/classes.txt", Some("cat\ndog\n")),
            ("export/train/Images/a.jpg", JPEG),
            ("export/train/Annotations/a.txt", BOX),
            ("export/valid/images/b.jpg", JPEG),
            ("export/valid/ANNOTATIONS/b.txt", BOX),
            ("export/README.txt", Some("Exported by a labelling tool\n")),
        ]));
        assert_eq!(confidence, 0.9);
        assert_eq!(
            reasons,
            [
                "2 of 4 .txt files looked at pair with images (Annotations/…/x.txt for Images/…/x.jpg)",
                "export/classes.txt names 2 classes",
                "export/train/Annotations/a.txt starts with YOLO label lines",
                "images in split folders take their usage from them (eval, train)",
            ]
        );
    }

    #[test]
    fn dota_tree_is_yolo_with_names_in_the_lines() {
        let dota = include_str!("../../tests/fixtures/yolo/labels_dota.txt");
        let (confidence, reasons) = matched(judge(&[
            ("train/images/P0001.png", JPEG),
            ("train/labelTxt/P0001.txt", Some(dota)),
            ("val/images/P0002.png", JPEG),
            ("val/labelTxt/P0002.txt", Some(dota)),
        ]));
        assert_eq!(confidence, 0.9);
        assert_eq!(
            reasons,
            [
                "2 of 2 .txt files looked at pair with images (labelTxt/…/x.txt for images/…/x.png, as DOTA)",
                "class names are written in the label lines",
                "train/labelTxt/P0001.txt starts with DOTA label lines (x1 y1 … x4 y4 class difficult, in pixels)",
                "images in split folders take their usage from them (eval, train)",
            ]
        );
    }

    #[test]
    fn four_point_lines_and_the_task_are_named() {
        let obb = include_str!("../../tests/fixtures/yolo/labels_obb.txt");
        let files = |yaml: &'static str| {
            [
                ("data.yaml", Some(yaml)),
                ("images/train/a.jpg", JPEG),
                ("labels/train/a.txt", Some(obb)),
            ]
        };
        let (_, reasons) = matched(judge(&files(
            "task: obb\ntrain: images/train\nnames: [a, b, c]\n",
        )));
        assert_eq!(
            reasons[2..],
            [
                "labels/train/a.txt starts with YOLO label lines of four points (class x1 y1 … x4 y4)",
                "data.yaml says task: obb, so four-point lines are oriented boxes",
                "data.yaml gives the splits (train images/train), kept as the samples' usage",
            ]
        );
        let (_, reasons) = matched(judge(&files("names: [a, b, c]\n")));
        assert_eq!(
            reasons[3..],
            [
                "no task: obb in a data.yaml, so four-point lines are oriented boxes where they are rectangles, else polygons",
                "images in split folders take their usage from them (train)",
            ]
        );
    }

    #[test]
    fn a_root_split_list_is_no_label_file_of_an_image_of_its_stem() {
        let verdict = judge(&[
            ("classes.txt", Some("cat\n")),
            ("train.jpg", JPEG),
            ("train.txt", Some("images/a.jpg\n")),
            ("images/a.jpg", JPEG),
            ("labels/a.txt", BOX),
        ]);
        assert_eq!(
            matched(verdict).1[0],
            "1 of 3 .txt files looked at pair with images (labels/…/x.txt for images/…/x.jpg)"
        );
    }

    #[test]
    fn structure_files_are_named_by_path() {
        use crate::Layout;
        for path in [
            "data.yaml",
            "set/Dataset.yml",
            "obj.names",
            "data/obj.data",
            "classes.txt",
            "labels/train.cache",
            "labels.cache",
            "train.txt",
            "VAL.txt",
            "valid.txt",
            "test.txt",
        ] {
            assert!(YoloLayout.is_structure(path), "{path}");
        }
        for path in [
            "README.txt",
            "labels/train/a.txt",
            "notes.json",
            "images/a.jpg",
        ] {
            assert!(!YoloLayout.is_structure(path), "{path}");
        }
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

    #[test]
    fn the_crate_detector_prefers_yolo_for_the_new_layouts() {
        let dota = include_str!("../../tests/fixtures/yolo/labels_dota.txt");
        let layouts: [&[(&str, Option<&str>)]; 2] = [
            &[
                ("Images/a.jpg", JPEG),
                ("Annotations/a.txt", BOX),
                ("classes.txt", Some("cat\n")),
            ],
            &[
                ("images/P0001.png", JPEG),
                ("labelTxt/P0001.txt", Some(dota)),
            ],
        ];
        for files in layouts {
            let (summary, contents) = source(files);
            let all = crate::detect(&summary, &|path| contents.get(path).cloned());
            assert_eq!(all[0].format, "yolo", "{all:?}");
        }
    }
}
