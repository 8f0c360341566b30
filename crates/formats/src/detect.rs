//! Choosing a format from what a source holds.

use std::collections::{BTreeMap, BTreeSet};

use crate::layout::{Head, LAYOUTS};

/// Paths kept per extension for detection to look at; counts go on beyond it.
const KEPT_PER_EXTENSION: usize = 1000;

/// A bounded summary of a source's listing: what detection judges. Built by feeding every
/// path once, in any order.
#[derive(Debug, Clone, Default)]
pub struct ListingSummary {
    /// Files seen.
    pub files: u64,
    /// Files per lowercase extension (`""` for none).
    pub extensions: BTreeMap<String, u64>,
    /// The first path component of every path that has one.
    pub top_folders: BTreeSet<String>,
    /// Up to [`KEPT_PER_EXTENSION`] paths per extension, in the order seen.
    pub examples: BTreeMap<String, Vec<String>>,
    /// Every path whose file name layouts give a meaning to (`data.yaml`, `classes.txt`,
    /// `*.names`, `metadata.json`, ...), however many files share its extension.
    well_known: Vec<String>,
}

/// File names that say which layout a source has; kept whatever the listing's size.
const WELL_KNOWN_NAMES: &[&str] = &[
    "data.yaml",
    "data.yml",
    "dataset.yaml",
    "dataset.yml",
    "classes.txt",
    "obj.names",
    "obj.data",
    "metadata.json",
];
/// At most this many well-known paths are kept.
const MAX_WELL_KNOWN: usize = 1000;

impl ListingSummary {
    pub fn add(&mut self, path: &str) {
        self.files += 1;
        let extension = extension_of(path);
        *self.extensions.entry(extension.clone()).or_default() += 1;
        if let Some((top, _)) = path.split_once('/')
            && !self.top_folders.contains(top)
        {
            self.top_folders.insert(top.to_owned());
        }
        let name = file_name(path);
        let well_known = WELL_KNOWN_NAMES
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n))
            || extension == "names";
        if well_known && self.well_known.len() < MAX_WELL_KNOWN {
            self.well_known.push(path.to_owned());
        }
        let kept = self.examples.entry(extension).or_default();
        if kept.len() < KEPT_PER_EXTENSION {
            kept.push(path.to_owned());
        }
    }

    pub fn count(&self, extension: &str) -> u64 {
        self.extensions.get(extension).copied().unwrap_or(0)
    }

    /// Files with an image extension.
    pub fn images(&self) -> u64 {
        IMAGE_EXTENSIONS.iter().map(|e| self.count(e)).sum()
    }

    /// Kept paths with this extension.
    pub fn paths(&self, extension: &str) -> &[String] {
        self.examples
            .get(extension)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Paths of files whose names give a layout away, in the order seen.
    pub fn well_known(&self) -> &[String] {
        &self.well_known
    }

    /// The first kept path whose file name (any case) is one of `names`.
    pub fn file_named(&self, names: &[&str]) -> Option<&str> {
        self.well_known
            .iter()
            .chain(self.examples.values().flatten())
            .find(|p| names.iter().any(|n| file_name(p).eq_ignore_ascii_case(n)))
            .map(String::as_str)
    }
}

/// Extensions of images readers pair with annotations.
pub const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "bmp", "gif", "webp", "tif", "tiff"];

pub fn extension_of(path: &str) -> String {
    let name = file_name(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A reader's judgement of a source.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The source looks like this format. `confidence` is in (0, 1].
    Match {
        confidence: f32,
        reasons: Vec<String>,
    },
    /// It does not; `reason` says what was missing or what contradicted it.
    Reject { reason: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    pub format: &'static str,
    pub verdict: Verdict,
}

/// Every layout's verdict, best match first, then the rejections.
pub fn detect(summary: &ListingSummary, head: &Head<'_>) -> Vec<Detection> {
    let mut all: Vec<Detection> = LAYOUTS
        .iter()
        .map(|layout| Detection {
            format: layout.name(),
            verdict: layout.detect(summary, head),
        })
        .collect();
    all.sort_by(|a, b| confidence(&b.verdict).total_cmp(&confidence(&a.verdict)));
    all
}

fn confidence(verdict: &Verdict) -> f32 {
    match verdict {
        Verdict::Match { confidence, .. } => *confidence,
        Verdict::Reject { .. } => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_extensions_folders_and_keeps_examples() {
        let mut s = ListingSummary::default();
        for p in [
            "images/a.JPG",
            "images/b.png",
            "labels/a.txt",
            "classes.txt",
            "README",
        ] {
            s.add(p);
        }
        assert_eq!(
            (s.files, s.images(), s.count("txt"), s.count("")),
            (5, 2, 2, 1)
        );
        assert_eq!(
            s.top_folders.iter().map(String::as_str).collect::<Vec<_>>(),
            ["images", "labels"]
        );
        assert_eq!(s.file_named(&["CLASSES.TXT"]), Some("classes.txt"));
        assert_eq!(s.paths("txt"), ["labels/a.txt", "classes.txt"]);
        assert_eq!(extension_of(".hidden"), "");
    }
}
