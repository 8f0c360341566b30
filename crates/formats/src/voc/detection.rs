//! Telling a VOC source from the listing, in three shapes:
//!
//! - the devkit tree: `.xml` files in an `Annotations/` folder beside `JPEGImages/`,
//!   `ImageSets/` or the mask folders (see [`devkit`](super::devkit)), matched with high
//!   confidence and reasons that name the folders found;
//! - ModelArts' side-by-side layout: `.xml` files beside images of the same stem;
//! - annotations only: `.xml` files and no images at all.
//!
//! In each, one of the `.xml` files must have the root `<annotation>`.

use std::collections::{BTreeMap, HashSet};

use quick_xml::Reader;
use quick_xml::events::Event;

use super::devkit::{self, ANNOTATION_FOLDERS, IMAGE_FOLDERS, IMAGE_SETS, MASK_FOLDERS};
use crate::detect::{IMAGE_EXTENSIONS, file_name};
use crate::{ListingSummary, Verdict};

/// Share of sampled `.xml` files that must pair with an image for a confident match.
const STRONG_PAIRING: f64 = 0.8;
/// `.xml` files whose head is read to confirm the root, at most.
const HEADS_READ: usize = 3;
/// Devkit roots named in the reasons, at most.
const ROOTS_NAMED: usize = 3;

/// Judges whether the source is Pascal VOC: a devkit tree, images with a same-name `.xml`
/// beside them, or `.xml` files alone.
pub fn detect(summary: &ListingSummary, head: &dyn Fn(&str) -> Option<Vec<u8>>) -> Verdict {
    let xml_total = summary.count("xml");
    if xml_total == 0 {
        return reject("no .xml files");
    }
    let sampled = summary.paths("xml");
    let trees = DevkitTree::survey(summary);
    if !trees.is_empty() {
        return devkit_verdict(&trees, summary, head);
    }
    let masks = IMAGE_EXTENSIONS
        .iter()
        .flat_map(|ext| summary.paths(ext))
        .filter(|p| devkit::is_structure(p))
        .count() as u64;
    if summary.images() <= masks {
        return annotations_only(sampled, xml_total, head);
    }
    let pairing = Pairing::of(sampled, summary);
    if pairing.beside.is_empty() && pairing.elsewhere == 0 {
        return reject(format!(
            "xml files do not pair with images: none of {} .xml files has an image of the same name",
            sampled.len()
        ));
    }

    // Paired files first: they are the label files, if any are.
    let unpaired = sampled
        .iter()
        .map(String::as_str)
        .filter(|p| !pairing.beside.contains(p));
    let candidates = pairing
        .beside
        .iter()
        .copied()
        .chain(unpaired)
        .take(HEADS_READ);
    let root = match confirm_root(candidates, head) {
        Ok(reason) => reason,
        Err(reason) => return reject(reason),
    };

    let ratio = pairing.beside.len() as f64 / sampled.len() as f64;
    let looked_at = looked_at(sampled, xml_total);
    let (confidence, pairs) = if ratio >= STRONG_PAIRING {
        (
            0.9,
            format!(
                "{looked_at}, {} pair with an image of the same name",
                pairing.beside.len()
            ),
        )
    } else if !pairing.beside.is_empty() {
        (
            0.5,
            format!(
                "{looked_at}, only {} pair with an image of the same name",
                pairing.beside.len()
            ),
        )
    } else {
        (
            0.5,
            format!(
                "{looked_at}, {} share a name with an image in another folder (ModelArts expects them side by side)",
                pairing.elsewhere
            ),
        )
    };
    Verdict::Match {
        confidence,
        reasons: vec![pairs, root],
    }
}

/// `N .xml files`, and how many were looked at when not all.
fn looked_at(sampled: &[String], total: u64) -> String {
    if sampled.len() as u64 == total {
        format!("{total} .xml files")
    } else {
        format!("{total} .xml files ({} looked at)", sampled.len())
    }
}

/// The devkit tree: a high confidence, with the folders found under each root.
fn devkit_verdict(
    trees: &[DevkitTree],
    summary: &ListingSummary,
    head: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Verdict {
    let candidates = trees
        .iter()
        .flat_map(|tree| tree.xml_files.iter().copied())
        .take(HEADS_READ);
    let root = match confirm_root(candidates, head) {
        Ok(reason) => reason,
        Err(reason) => return reject(reason),
    };
    let with_images = trees.iter().any(|tree| tree.image_folder.is_some());
    let mut reasons: Vec<String> = trees
        .iter()
        .take(ROOTS_NAMED)
        .map(DevkitTree::reason)
        .collect();
    if trees.len() > ROOTS_NAMED {
        reasons.push(format!("{} more devkit roots", trees.len() - ROOTS_NAMED));
    }
    if !with_images {
        reasons.push(format!(
            "no {} folder: annotations only, each .xml file is imported as a sample of its own",
            IMAGE_FOLDERS.join("/, ") + "/"
        ));
    }
    let sampled = summary.paths("xml");
    let in_trees: usize = trees.iter().map(|t| t.xml_files.len()).sum();
    if in_trees < sampled.len() {
        reasons.push(format!(
            "{} of {} .xml files looked at are outside the devkit folders",
            sampled.len() - in_trees,
            sampled.len()
        ));
    }
    reasons.push(root);
    Verdict::Match {
        confidence: if with_images { 0.95 } else { 0.9 },
        reasons,
    }
}

/// `.xml` files and no images: VOC when the files are VOC, each to be imported on its own.
fn annotations_only(
    sampled: &[String],
    xml_total: u64,
    head: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Verdict {
    let root = match confirm_root(sampled.iter().map(String::as_str).take(HEADS_READ), head) {
        Ok(reason) => reason,
        Err(reason) => {
            return reject(format!("{xml_total} .xml files and no images; {reason}"));
        }
    };
    Verdict::Match {
        confidence: 0.7,
        reasons: vec![
            format!(
                "{} and no images: annotations only, each file is imported as a sample of its own",
                looked_at(sampled, xml_total)
            ),
            root,
        ],
    }
}

/// One devkit root seen in the listing: `.xml` files in its annotations folder, and which of
/// the devkit's other folders it has.
struct DevkitTree<'a> {
    root: &'a str,
    annotations_folder: &'a str,
    xml_files: Vec<&'a str>,
    image_folder: Option<&'a str>,
    /// The task folders of `ImageSets/` (`Main`, `Segmentation`, ...).
    image_sets: Vec<&'a str>,
    mask_folders: Vec<&'a str>,
}

impl<'a> DevkitTree<'a> {
    /// Roots whose annotations folder has `.xml` files and that have at least one more devkit
    /// folder, in path order.
    fn survey(summary: &'a ListingSummary) -> Vec<Self> {
        let mut by_root: BTreeMap<&str, DevkitTree<'a>> = BTreeMap::new();
        for path in summary.paths("xml") {
            let Some(root) = devkit::annotations_root(path) else {
                continue;
            };
            let folder_name = path.rsplit('/').nth(1).unwrap_or(ANNOTATION_FOLDERS[0]);
            by_root
                .entry(root)
                .or_insert_with(|| DevkitTree {
                    root,
                    annotations_folder: folder_name,
                    xml_files: Vec::new(),
                    image_folder: None,
                    image_sets: Vec::new(),
                    mask_folders: Vec::new(),
                })
                .xml_files
                .push(path);
        }
        let others: Vec<&str> = IMAGE_EXTENSIONS
            .iter()
            .chain(&["txt"])
            .flat_map(|ext| summary.paths(ext))
            .map(String::as_str)
            .collect();
        for tree in by_root.values_mut() {
            tree.find_folders(&others);
        }
        by_root
            .into_values()
            .filter(|tree| {
                tree.image_folder.is_some()
                    || !tree.image_sets.is_empty()
                    || !tree.mask_folders.is_empty()
            })
            .collect()
    }

    /// Which devkit folders the root has, from the kept paths of images and text files.
    fn find_folders(&mut self, paths: &[&'a str]) {
        let mut found = HashSet::new();
        let mut image_sets = HashSet::new();
        for path in paths {
            let Some((folder, inner)) = below(path, self.root).and_then(|r| r.split_once('/'))
            else {
                continue;
            };
            found.insert(folder);
            if folder == IMAGE_SETS
                && let Some((task, _)) = inner.split_once('/')
            {
                image_sets.insert(task);
            }
        }
        self.image_folder = IMAGE_FOLDERS.iter().copied().find(|f| found.contains(f));
        self.mask_folders = MASK_FOLDERS
            .iter()
            .copied()
            .filter(|m| found.contains(m))
            .collect();
        self.image_sets = image_sets.into_iter().collect();
        self.image_sets.sort_unstable();
    }

    fn reason(&self) -> String {
        let mut folders = vec![format!(
            "{}/ ({} .xml files looked at)",
            self.annotations_folder,
            self.xml_files.len()
        )];
        folders.extend(self.image_folder.map(|f| format!("{f}/")));
        if !self.image_sets.is_empty() {
            folders.push(format!("{IMAGE_SETS}/ ({})", self.image_sets.join(", ")));
        }
        folders.extend(self.mask_folders.iter().map(|f| format!("{f}/")));
        let place = if self.root.is_empty() {
            "at the top of the source".to_owned()
        } else {
            format!("under {}/", self.root)
        };
        format!("a Pascal VOC devkit tree {place}: {}", folders.join(", "))
    }
}

/// The rest of `path` below the folder `root` (`""` for the top).
fn below<'p>(path: &'p str, root: &str) -> Option<&'p str> {
    if root.is_empty() {
        return Some(path);
    }
    path.strip_prefix(root)?.strip_prefix('/')
}

/// Pascal VOC: an XML label file per image, as the devkit lays them out or beside the images.
pub struct VocLayout;

impl crate::Layout for VocLayout {
    fn reader(&self, context: crate::ReadContext) -> Box<dyn crate::LayoutReader> {
        crate::layout::AfterListing::boxed(context, |c, listing, _, sink| {
            Box::pin(super::reader::read(&c.files, listing, sink))
        })
    }

    fn name(&self) -> &'static str {
        super::FORMAT
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["pascal_voc", "pascalvoc"]
    }

    fn description(&self) -> &'static str {
        "Pascal VOC XML files, in the devkit's folders or beside their images"
    }

    fn detect(&self, summary: &ListingSummary, head: &crate::Head<'_>) -> Verdict {
        detect(summary, head)
    }

    /// Everything under `ImageSets/` (split and per-class lists) and the mask folders (files
    /// of their image's sample, never samples of their own).
    fn is_structure(&self, path: &str) -> bool {
        devkit::is_structure(path)
    }
}

fn reject(reason: impl Into<String>) -> Verdict {
    Verdict::Reject {
        reason: reason.into(),
    }
}

/// How the sampled `.xml` files pair with images.
struct Pairing<'a> {
    /// `.xml` files with an image of the same stem in the same folder.
    beside: Vec<&'a str>,
    /// `.xml` files without one beside them but with one of the same stem elsewhere (the
    /// devkit's `Annotations/` + `JPEGImages/` layout).
    elsewhere: usize,
}

impl<'a> Pairing<'a> {
    fn of(xml_paths: &'a [String], summary: &ListingSummary) -> Self {
        let images: Vec<(&str, &str)> = IMAGE_EXTENSIONS
            .iter()
            .flat_map(|ext| summary.paths(ext))
            .map(|p| folder_and_stem(p))
            .collect();
        let beside_keys: HashSet<(&str, &str)> = images.iter().copied().collect();
        let stems: HashSet<&str> = images.iter().map(|(_, stem)| *stem).collect();
        let mut pairing = Pairing {
            beside: Vec::new(),
            elsewhere: 0,
        };
        for path in xml_paths {
            let key = folder_and_stem(path);
            if beside_keys.contains(&key) {
                pairing.beside.push(path);
            } else if stems.contains(key.1) {
                pairing.elsewhere += 1;
            }
        }
        pairing
    }
}

/// `a/b/IMG_1.jpg` → (`a/b`, `IMG_1`).
fn folder_and_stem(path: &str) -> (&str, &str) {
    let folder = path.rsplit_once('/').map_or("", |(folder, _)| folder);
    let name = file_name(path);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    (folder, stem)
}

/// A reason naming the first readable candidate with root `<annotation>`, or why none is.
fn confirm_root<'a>(
    candidates: impl Iterator<Item = &'a str>,
    head: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<String, String> {
    let mut first_unreadable = None;
    for path in candidates {
        let Some(bytes) = head(path) else {
            first_unreadable.get_or_insert(path);
            continue;
        };
        return match root_name(&bytes) {
            Some(root) if root == "annotation" => Ok(format!("{path} has root <annotation>")),
            Some(root) => Err(format!("{path} root is <{root}>, expected <annotation>")),
            None => Err(format!(
                "{path} does not start like XML: no root element in its first bytes"
            )),
        };
    }
    Err(format!(
        "could not read {} to check its root element",
        first_unreadable.unwrap_or("any .xml file")
    ))
}

/// The name of the first element in the first bytes of a file; a cut-off tail does not matter.
fn root_name(bytes: &[u8]) -> Option<String> {
    let mut reader = Reader::from_reader(bytes);
    for _ in 0..1000 {
        match reader.read_event() {
            Ok(Event::Start(tag) | Event::Empty(tag)) => {
                return Some(tag.name().into_inner().to_owned());
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
    None
}
