//! The import's sample filters: samples and/or annotations, included and excluded labels,
//! difficult or hard only. Filters judge whole samples, as ModelArts' options do.

use std::collections::BTreeMap;

use wharf_model::ImportOptions;

use wharf_formats::read::{PlannedAnnotations, PlannedSample};

/// Annotations per label of a sample. An annotation without a label (a transcript, an
/// unnamed audio segment) belongs to no label of the label set.
pub(crate) fn label_counts(sample: &PlannedSample) -> BTreeMap<String, i64> {
    let mut counts = match &sample.annotations {
        PlannedAnnotations::Inline(annotations) => {
            let mut counts: BTreeMap<String, i64> = BTreeMap::new();
            for a in annotations {
                *counts.entry(a.label.clone()).or_default() += 1;
            }
            counts
        }
        PlannedAnnotations::Gathered(gathered) => gathered.labels.clone(),
    };
    counts.remove("");
    counts
}

/// Whether a sample or one of its annotations is marked difficult or hard.
fn is_difficult(sample: &PlannedSample) -> bool {
    sample.hard
        || match &sample.annotations {
            PlannedAnnotations::Inline(annotations) => {
                annotations.iter().any(|a| a.difficult || a.hard)
            }
            PlannedAnnotations::Gathered(gathered) => gathered.difficult,
        }
}

/// Why `options` leave a sample out, if they do.
pub(crate) fn left_out(
    sample: &PlannedSample,
    labels: &BTreeMap<String, i64>,
    options: &ImportOptions,
) -> Option<&'static str> {
    let carries = |wanted: &[String]| wanted.iter().any(|l| labels.contains_key(l));
    if !options.included_labels.is_empty() && !carries(&options.included_labels) {
        return Some("carries none of the included labels");
    }
    if carries(&options.excluded_labels) {
        return Some("carries an excluded label");
    }
    if options.difficult_only && !is_difficult(sample) {
        return Some("is not marked difficult or hard");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_model::ObjectEntry;
    use wharf_model::{Annotation, Shape};

    fn sample(labels: &[(&str, bool)]) -> PlannedSample {
        let annotations = labels
            .iter()
            .map(|(label, difficult)| Annotation {
                label: (*label).to_owned(),
                shape: Shape::Class,
                attributes: Default::default(),
                confidence: None,
                annotated_by: None,
                difficult: *difficult,
                hard: false,
                bounds: None,
                source_format: "voc".to_owned(),
                parts: Vec::new(),
            })
            .collect();
        let entry = ObjectEntry {
            path: "a.jpg".to_owned(),
            size: 1,
            fingerprint: "f".to_owned(),
            modified_ms: None,
            media_type: "image/jpeg".to_owned(),
        };
        PlannedSample::of_file(entry, annotations, "voc")
    }

    fn judge(s: &PlannedSample, options: &ImportOptions) -> Option<&'static str> {
        left_out(s, &label_counts(s), options)
    }

    #[test]
    fn included_excluded_and_difficult_judge_whole_samples() {
        let cat = sample(&[("cat", false), ("dog", true)]);
        let bird = sample(&[("bird", false)]);
        let none = sample(&[]);
        let included = ImportOptions {
            included_labels: vec!["cat".to_owned()],
            ..Default::default()
        };
        assert_eq!(judge(&cat, &included), None);
        assert_eq!(
            judge(&bird, &included),
            Some("carries none of the included labels")
        );
        assert_eq!(
            judge(&none, &included),
            Some("carries none of the included labels")
        );
        let excluded = ImportOptions {
            excluded_labels: vec!["dog".to_owned()],
            ..Default::default()
        };
        assert_eq!(judge(&cat, &excluded), Some("carries an excluded label"));
        assert_eq!(judge(&bird, &excluded), None);
        let difficult = ImportOptions {
            difficult_only: true,
            ..Default::default()
        };
        assert_eq!(judge(&cat, &difficult), None);
        assert_eq!(
            judge(&bird, &difficult),
            Some("is not marked difficult or hard")
        );
        assert_eq!(label_counts(&cat).get("dog"), Some(&1));
    }
}
