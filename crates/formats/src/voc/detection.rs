//! Telling a VOC source from the listing: `.xml` files beside images of the same stem, and a
//! root `<annotation>` in one of them.

use std::collections::HashSet;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::detect::{IMAGE_EXTENSIONS, file_name};
use crate::{ListingSummary, Verdict};

/// Share of sampled `.xml` files that must pair with an image for a confident match.
const STRONG_PAIRING: f64 = 0.8;
/// `.xml` files whose head is read to confirm the root, at most.
const HEADS_READ: usize = 3;

/// Judges whether the source is ModelArts PASCAL VOC: images with a same-name `.xml` beside them.
pub fn detect(summary: &ListingSummary, head: &dyn Fn(&str) -> Option<Vec<u8>>) -> Verdict {
    let xml_total = summary.count("xml");
    if xml_total == 0 {
        return reject("no .xml files");
    }
    if summary.images() == 0 {
        return reject(format!(
            "{xml_total} .xml files but no images to pair them with"
        ));
    }
    let sampled = summary.paths("xml");
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
    let looked_at = if sampled.len() as u64 == xml_total {
        format!("{xml_total} .xml files")
    } else {
        format!("{xml_total} .xml files ({} looked at)", sampled.len())
    };
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

/// Pascal VOC: an XML label file per image, as the devkit lays them out or beside the images.
pub struct VocLayout;

impl crate::Layout for VocLayout {
    fn name(&self) -> &'static str {
        "voc"
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

    fn is_structure(&self, path: &str) -> bool {
        path.split('/')
            .rev()
            .skip(1)
            .any(|folder| folder == "ImageSets")
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
