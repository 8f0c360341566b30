//! Telling a manifest from the listing: a `.manifest` (or `.jsonl`, `.json`) file whose first
//! non-blank line is a JSON object with a `source`.

use crate::{ListingSummary, Verdict};

/// Files of each extension whose head is read, at most.
const HEADS_READ: usize = 3;
/// Top-level keys of a COCO file; a JSON file opening with one of them is COCO, not a manifest.
const COCO_KEYS: [&str; 5] = ["info", "licenses", "images", "annotations", "categories"];

/// Extensions looked at, best first, with the confidence a match on each gives.
const CANDIDATES: [(&str, f32); 3] = [("manifest", 0.9), ("jsonl", 0.7), ("json", 0.6)];

/// Judges whether the source holds a ModelArts manifest.
/// ModelArts manifests: a JSON line per sample.
pub struct ManifestLayout;

impl crate::Layout for ManifestLayout {
    fn reader(&self, context: crate::ReadContext) -> Box<dyn crate::LayoutReader> {
        crate::layout::AfterListing::boxed(context, |c, listing, head, sink| {
            Box::pin(super::reader::read(c, listing, head, sink))
        })
    }

    fn name(&self) -> &'static str {
        super::FORMAT
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["manifest"]
    }

    fn description(&self) -> &'static str {
        "ModelArts JSON-lines manifests"
    }

    fn detect(&self, summary: &ListingSummary, head: &crate::Head<'_>) -> Verdict {
        detect(summary, head)
    }

    fn is_structure(&self, _path: &str) -> bool {
        false
    }
}

pub fn detect(summary: &ListingSummary, head: &dyn Fn(&str) -> Option<Vec<u8>>) -> Verdict {
    if CANDIDATES.iter().all(|(ext, _)| summary.count(ext) == 0) {
        return reject("no .manifest, .jsonl or .json files");
    }
    let mut first_refusal = None;
    let mut unreadable_manifest = None;
    for (extension, confidence) in CANDIDATES {
        for path in summary.paths(extension).iter().take(HEADS_READ) {
            let Some(bytes) = head(path) else {
                if extension == "manifest" {
                    unreadable_manifest.get_or_insert(path.as_str());
                }
                continue;
            };
            match judge(&bytes, extension != "manifest") {
                Ok(()) => {
                    let mut reasons = vec![format!(
                        "{path}: its first line is a JSON object with a \"source\", as a manifest sample"
                    )];
                    let count = summary.count(extension);
                    if count > 1 {
                        reasons.push(format!("{count} .{extension} files"));
                    }
                    return Verdict::Match {
                        confidence,
                        reasons,
                    };
                }
                Err(why) => {
                    first_refusal.get_or_insert(format!("{path}: {why}"));
                }
            }
        }
    }
    if let Some(path) = unreadable_manifest
        && first_refusal.is_none()
    {
        return Verdict::Match {
            confidence: 0.5,
            reasons: vec![format!(
                "{} .manifest files; could not read {path} to check its first line",
                summary.count("manifest")
            )],
        };
    }
    reject(first_refusal.unwrap_or_else(|| {
        "could not read any .manifest, .jsonl or .json file to check its first line".to_owned()
    }))
}

fn reject(reason: impl Into<String>) -> Verdict {
    Verdict::Reject {
        reason: reason.into(),
    }
}

/// Whether a file's head opens like a manifest; why not when it does not. `json` files are
/// also checked not to be COCO.
fn judge(head: &[u8], json: bool) -> Result<(), String> {
    let text = String::from_utf8_lossy(head);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut lines = text.split('\n');
    let Some(first) = lines.by_ref().find(|l| !l.trim().is_empty()) else {
        return Err("empty, or only blank lines in its first bytes".to_owned());
    };
    // A line the head cuts off cannot be parsed whole; its keys are read as far as it goes.
    let complete = lines.next().is_some();
    let line = first.trim();
    if !line.starts_with('{') {
        let start: String = line.chars().take(20).collect();
        return Err(format!(
            "its first line is not a JSON object (it starts {start:?})"
        ));
    }
    if line == "{" {
        return Err(
            "its first line is only \"{\": one JSON document over several lines, not one sample a line"
                .to_owned(),
        );
    }
    if complete && let Err(e) = serde_json::from_str::<serde_json::Value>(line) {
        return Err(format!("its first line is not valid JSON ({e})"));
    }
    let keys = top_level_keys(line);
    if json && let Some(coco) = keys.iter().find(|k| COCO_KEYS.contains(&k.as_str())) {
        return Err(format!(
            "a COCO file (top-level key \"{coco}\"), not one sample a line"
        ));
    }
    if keys.iter().any(|k| k == "source") {
        return Ok(());
    }
    let shown: Vec<&str> = keys.iter().take(8).map(String::as_str).collect();
    Err(if shown.is_empty() {
        "its first line is a JSON object without keys".to_owned()
    } else {
        format!(
            "its first line is a JSON object without a \"source\" key (keys: {})",
            shown.join(", ")
        )
    })
}

/// The keys of the object a line opens, as far as the line goes. Tracks strings and nesting
/// only, so a cut-off line still gives the keys before the cut.
fn top_level_keys(line: &str) -> Vec<String> {
    const MAX_KEYS: usize = 64;
    let bytes = line.as_bytes();
    let mut keys = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() && keys.len() < MAX_KEYS {
        match bytes[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                let Some(string) = line.get(start..j.min(bytes.len())) else {
                    break;
                };
                let after = line.get(j + 1..).unwrap_or("").trim_start();
                if depth == 1 && j < bytes.len() && after.starts_with(':') {
                    keys.push(string.to_owned());
                }
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_keys_skip_nested_ones_and_survive_a_cut() {
        assert_eq!(
            top_level_keys(r#"{"a": {"b": 1, "c": [{"d": 2}]}, "e\"q": "x:y", "f": 3}"#),
            ["a", "e\\\"q", "f"]
        );
        assert_eq!(
            top_level_keys(r#"{"annotation": [{"type": "x", "name": "y"}], "source": "s3://a"#),
            ["annotation", "source"]
        );
        assert_eq!(top_level_keys(r#"{"sou"#), Vec::<String>::new());
        assert_eq!(top_level_keys(r#"{"a\"#), Vec::<String>::new());
    }
}
