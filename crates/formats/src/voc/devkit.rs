//! The folders of the Pascal VOC devkit, and where a file stands in them.
//!
//! A devkit *root* (`VOCdevkit/VOC2012`, or any prefix, `""` for the top of the source) holds
//! `Annotations/` (one XML per image), `JPEGImages/` (the images), `ImageSets/` (split lists
//! and per-class lists, by task: `Main`, `Segmentation`, `Layout`, `Action`) and the masks of
//! the segmentation task, `SegmentationClass/` and `SegmentationObject/` (one PNG per image,
//! named by its id). An image's *id* is its file name without the extension.
//!
//! Outside a devkit tree (ModelArts' side-by-side layout, an `images/` + `annotations/` pair) the
//! same rules give every file a root and an id, so that one reader serves both.

use wharf_model::{Problem, ProblemCode, usage};

use crate::detect::file_name;

/// Folders that hold the XML files, first the devkit's name.
pub const ANNOTATION_FOLDERS: &[&str] = &["Annotations", "annotations"];
/// Folders that hold the images, looked in in this order for an XML's `<filename>`.
pub const IMAGE_FOLDERS: &[&str] = &["JPEGImages", "images", "Images"];
/// The folder of the split lists.
pub const IMAGE_SETS: &str = "ImageSets";
/// The folders of the segmentation masks: never samples, files of their image's sample.
pub const MASK_FOLDERS: &[&str] = &["SegmentationClass", "SegmentationObject"];

/// Whether a path only gives the devkit its shape: anything under `ImageSets/` or a mask
/// folder. Masks are files of their image's sample; the reader reports any it could not place.
pub fn is_structure(path: &str) -> bool {
    folders(path).any(|folder| folder == IMAGE_SETS || MASK_FOLDERS.contains(&folder))
}

/// The folders of a path, innermost first.
fn folders(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').rev().skip(1)
}

/// `<root>/<folder>`, without a leading slash for the top root.
pub fn join(root: &str, folder: &str) -> String {
    if root.is_empty() {
        folder.to_owned()
    } else {
        format!("{root}/{folder}")
    }
}

/// The root and id of an image or XML file: `VOC2012/JPEGImages/x.jpg` and
/// `VOC2012/Annotations/x.xml` are (`VOC2012`, `x`); a file in any other folder has that folder
/// as its root (`data/x.jpg` → (`data`, `x`)).
pub fn place(path: &str) -> (&str, &str) {
    let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
    let id = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let (parent, last) = folder.rsplit_once('/').unwrap_or(("", folder));
    if ANNOTATION_FOLDERS.contains(&last) || IMAGE_FOLDERS.contains(&last) {
        (parent, id)
    } else {
        (folder, id)
    }
}

/// The root of an XML file in an annotations folder (`VOC2012/Annotations/x.xml` →
/// `VOC2012`), where its image is looked for in the sibling image folders.
pub fn annotations_root(path: &str) -> Option<&str> {
    let folder = path.rsplit_once('/')?.0;
    let (parent, last) = folder.rsplit_once('/').unwrap_or(("", folder));
    ANNOTATION_FOLDERS.contains(&last).then_some(parent)
}

/// The root and id of a segmentation mask, `<root>/SegmentationClass/<id>.png`.
pub fn mask(path: &str) -> Option<(&str, &str)> {
    let (folder, name) = path.rsplit_once('/')?;
    let (root, last) = folder.rsplit_once('/').unwrap_or(("", folder));
    let id = name
        .strip_suffix(".png")
        .or_else(|| name.strip_suffix(".PNG"))?;
    MASK_FOLDERS.contains(&last).then_some((root, id))
}

/// A split of the detection task, from `ImageSets/Main/<split>.txt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Split {
    Train,
    Val,
    Test,
    /// `trainval.txt`: train and val together, which says less than either.
    TrainVal,
}

impl Split {
    /// Splits in the order their lists are read: when an image is in two, the first wins.
    pub const ORDER: [Split; 4] = [Split::Train, Split::Val, Split::Test, Split::TrainVal];

    /// The file name of its list.
    pub fn file_name(self) -> &'static str {
        match self {
            Split::Train => "train.txt",
            Split::Val => "val.txt",
            Split::Test => "test.txt",
            Split::TrainVal => "trainval.txt",
        }
    }

    /// The sample usage it gives, as ModelArts manifests spell usages: `val` is `eval`, and
    /// `trainval` (which does not say which of the two) is `train`.
    pub fn usage(self) -> &'static str {
        match self {
            Split::Train | Split::TrainVal => usage::TRAIN,
            Split::Val => usage::EVAL,
            Split::Test => usage::TEST,
        }
    }
}

/// The root and split of a split list, `<root>/ImageSets/Main/<split>.txt`. Per-class lists
/// (`cat_train.txt`) and the other tasks' lists are not split lists.
pub fn split_list(path: &str) -> Option<(&str, Split)> {
    let (folder, name) = path.rsplit_once('/')?;
    let root = folder.strip_suffix("ImageSets/Main")?;
    let root = match root.strip_suffix('/') {
        Some(root) => root,
        None if root.is_empty() => root,
        None => return None,
    };
    let split = Split::ORDER.into_iter().find(|s| s.file_name() == name)?;
    Some((root, split))
}

/// One image id of a split list, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub id: String,
    pub line: u64,
}

/// Reads a split list: one image id per line, blank lines skipped. A line with more than an
/// id keeps its first word, with a warning (a per-class list read as a split list).
pub fn parse_split_list(bytes: &[u8], file: &str) -> (Vec<Listed>, Vec<Problem>) {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let message = format!(
                "'{}' is not UTF-8 text; its split is not applied, save it as UTF-8.",
                file_name(file)
            );
            let problem = Problem::error(ProblemCode::NotUtf8, file, message)
                .at_line(line_of(&bytes[..e.valid_up_to()]))
                .expected("one image id per line, as UTF-8 text");
            return (Vec::new(), vec![problem]);
        }
    };
    let mut listed = Vec::new();
    let mut problems = Vec::new();
    for (line, text) in (1..).zip(text.lines()) {
        let mut words = text.split_whitespace();
        let Some(id) = words.next() else { continue };
        if words.next().is_some() {
            let message = format!(
                "Line {line} holds more than an image id; '{id}' is taken, write one id per line."
            );
            problems.push(
                Problem::warning(ProblemCode::InvalidValue, file, message)
                    .at_line(line)
                    .found(text.trim())
                    .expected("one image id per line, such as 2008_000008"),
            );
        }
        listed.push(Listed {
            id: id.to_owned(),
            line,
        });
    }
    (listed, problems)
}

fn line_of(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|b| **b == b'\n').count() as u64 + 1
}
