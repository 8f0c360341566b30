//! Telling a sensor-oriented tree from the listing: `lidar-<name>` and `camera-<name>` folders
//! at the top (or inside a single top folder named like the zip), and `metadata.json`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::METADATA_FILE;
use super::tree::{Kind, sensor_of};
use crate::detect::file_name;
use crate::{ListingSummary, Verdict};

/// Folder names listed in one reason, at most.
const LISTED: usize = 5;

/// Judges whether the source is a Rosetta sensor-oriented tree.
/// Rosetta's sensor-oriented tree.
pub struct RosettaLayout;

impl crate::Layout for RosettaLayout {
    fn reader(&self, context: crate::ReadContext) -> Box<dyn crate::LayoutReader> {
        crate::layout::AfterListing::boxed(context, |c, listing, _, sink| {
            Box::pin(super::reader::read(&c.files, listing, &c.options, sink))
        })
    }

    fn name(&self) -> &'static str {
        super::FORMAT
    }

    fn description(&self) -> &'static str {
        "Rosetta's sensor tree: lidar-*/ and camera-*/ folders by scene, with metadata.json"
    }

    fn detect(&self, summary: &ListingSummary, head: &crate::Head<'_>) -> Verdict {
        detect(summary, head)
    }

    fn is_structure(&self, path: &str) -> bool {
        crate::detect::file_name(path) == METADATA_FILE
    }
}

pub fn detect(summary: &ListingSummary, head: &dyn Fn(&str) -> Option<Vec<u8>>) -> Verdict {
    if summary.files == 0 {
        return reject("the source holds no files");
    }
    let (root, folders) = match top_level(summary) {
        Some(found) => found,
        None => {
            let tops: Vec<&str> = summary.top_folders.iter().map(String::as_str).collect();
            let seen = if tops.is_empty() {
                "it has no folders".to_owned()
            } else {
                format!("its top folders are {}", listed(&tops))
            };
            return reject(format!(
                "no lidar-<name> or camera-<name> folders at the top of the source; {seen}"
            ));
        }
    };
    let mut reasons = Vec::new();
    if let Some(root) = &root {
        reasons.push(format!(
            "every path lies in the single folder '{root}', named like the zip, which holds the sensor folders: '{root}/' is the root"
        ));
    }
    let sensors: Vec<&str> = folders
        .iter()
        .map(String::as_str)
        .filter(|f| sensor_of(f).is_some())
        .collect();
    let count = |kind: Kind| {
        sensors
            .iter()
            .filter(|f| sensor_of(f).is_some_and(|(k, _)| k == kind))
            .count()
    };
    reasons.push(format!(
        "sensor folders {} ({} lidar, {} camera)",
        listed(&sensors),
        count(Kind::Lidar),
        count(Kind::Camera)
    ));
    let others: Vec<&str> = folders
        .iter()
        .map(String::as_str)
        .filter(|f| sensor_of(f).is_none())
        .collect();
    if !others.is_empty() {
        reasons.push(format!(
            "other folders at the root ({}) are not sensor folders and would be refused",
            listed(&others)
        ));
    }
    let at_root = match &root {
        Some(root) => format!("{root}/{METADATA_FILE}"),
        None => METADATA_FILE.to_owned(),
    };
    let found = summary
        .well_known()
        .iter()
        .filter(|p| file_name(p) == METADATA_FILE)
        .min_by_key(|p| (p.as_str() != at_root, p.len()));
    let Some(metadata) = found else {
        reasons.push(format!(
            "{at_root} is missing: the tree needs it at the root, naming the sensors and the data type"
        ));
        return Verdict::Match {
            confidence: 0.6,
            reasons,
        };
    };
    if *metadata == at_root {
        reasons.push(format!("{METADATA_FILE} at the root"));
    } else {
        reasons.push(format!(
            "{METADATA_FILE} found at '{metadata}', not at the root ({at_root})"
        ));
    }
    reasons.extend(head(metadata).and_then(|bytes| describe_metadata(&bytes)));
    Verdict::Match {
        confidence: 0.9,
        reasons,
    }
}

fn reject(reason: impl Into<String>) -> Verdict {
    Verdict::Reject {
        reason: reason.into(),
    }
}

/// The root (`None` for the source itself, or the single top folder) and the folders in it,
/// when they include a sensor folder.
fn top_level(summary: &ListingSummary) -> Option<(Option<String>, BTreeSet<String>)> {
    let tops = &summary.top_folders;
    if tops.iter().any(|f| sensor_of(f).is_some()) {
        return Some((None, tops.clone()));
    }
    if tops.len() != 1 {
        return None;
    }
    let single = tops.first()?;
    let prefix = format!("{single}/");
    let paths = summary
        .examples
        .values()
        .flatten()
        .chain(summary.well_known());
    let mut below = BTreeSet::new();
    for path in paths {
        // A file beside the single folder: the folder is not the whole source.
        let rest = path.strip_prefix(&prefix)?;
        if let Some((folder, _)) = rest.split_once('/') {
            below.insert(folder.to_owned());
        }
    }
    below
        .iter()
        .any(|f| sensor_of(f).is_some())
        .then(|| (Some(single.clone()), below))
}

/// What the head of `metadata.json` says of the tree, when it can be read.
fn describe_metadata(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let value: Value = serde_json::from_slice(bytes).ok()?;
    let root = value.as_object()?;
    let tree_type = root.get("fileTreeType").map(Value::to_string);
    let data_type = root.get("dataType").map(Value::to_string);
    match (tree_type, data_type) {
        (None, None) => Some(format!(
            "{METADATA_FILE} has neither fileTreeType nor dataType"
        )),
        (tree, data) => Some(format!(
            "{METADATA_FILE} says fileTreeType {}, dataType {}",
            tree.as_deref().unwrap_or("(none)"),
            data.as_deref().unwrap_or("(none)")
        )),
    }
}

fn listed(names: &[&str]) -> String {
    if names.len() > LISTED {
        format!(
            "{} and {} more",
            names[..LISTED].join(", "),
            names.len() - LISTED
        )
    } else {
        names.join(", ")
    }
}
