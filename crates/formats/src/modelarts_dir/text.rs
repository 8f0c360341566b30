//! What the ModelArts directory readers share: size limits, decoding (with GBK recognised),
//! lines, the naming rules ModelArts sets, and a bounded problem list.

use wharf_model::{Annotation, Problem, ProblemCode, Shape};

use super::FORMAT;

/// Largest sidecar or text file read. A label list or a file of text samples this large is the
/// wrong file or an attempt to exhaust memory; tables have no limit, as they are streamed.
pub const MAX_TEXT_BYTES: usize = crate::text::MAX_TEXT_BYTES;

pub(super) use crate::text::{ProblemList as Problems, decode, guess_encoding, not_utf8, short};

/// Longest text line ModelArts imports (its documented 100 KB).
pub(super) const MODELARTS_MAX_LINE_BYTES: usize = 100 * 1024;

/// Longest label name ExeML accepts.
const EXEML_MAX_LABEL_CHARS: usize = 32;

/// Most labels ModelArts allows in one (non-table) dataset.
pub(super) const MODELARTS_MAX_LABELS: usize = 10_000;

/// A whole-sample label, as every reader of this module writes it.
pub(super) fn class(label: &str) -> Annotation {
    Annotation {
        label: label.to_owned(),
        shape: Shape::Class,
        attributes: Default::default(),
        confidence: None,
        annotated_by: None,
        difficult: false,
        hard: false,
        bounds: None,
        source_format: FORMAT.to_owned(),
        parts: Vec::new(),
    }
}

/// Lines numbered from 1, without their `\r`.
pub(super) fn lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    text.split('\n')
        .zip(1..)
        .map(|(line, number)| (number, line.strip_suffix('\r').unwrap_or(line)))
}

/// What is wrong with a label name by ExeML's rule (1 to 32 letters, digits, `-` or `_`), if
/// anything.
pub(super) fn exeml_label_fault(label: &str) -> Option<&'static str> {
    if label.chars().count() > EXEML_MAX_LABEL_CHARS {
        Some("it is longer than 32 characters")
    } else if label
        .chars()
        .any(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    {
        Some("it has characters other than letters, digits, `-` and `_`")
    } else {
        None
    }
}

/// A warning for a label name ExeML refuses, or none.
pub(super) fn exeml_label_warning(label: &str, file: &str, line: Option<u64>) -> Option<Problem> {
    let fault = exeml_label_fault(label)?;
    let mut problem = Problem::warning(
        ProblemCode::InvalidValue,
        file,
        format!(
            "Label \"{}\" breaks ModelArts ExeML's naming rule, as {fault}: Wharf keeps it, but rename it if the dataset goes back to ExeML.",
            short(label)
        ),
    )
    .field("label")
    .found(label)
    .expected("1 to 32 letters, digits, `-` or `_`");
    if let Some(line) = line {
        problem = problem.at_line(line);
    }
    Some(problem)
}

/// A warning for a file name with `+`, a space or a tab, which ModelArts refuses.
pub(super) fn file_name_warning(path: &str) -> Option<Problem> {
    let name = crate::detect::file_name(path);
    let bad = name.chars().find(|c| matches!(c, '+' | ' ' | '\t'))?;
    let what = match bad {
        '+' => "`+`",
        ' ' => "a space",
        _ => "a tab",
    };
    Some(
        Problem::warning(
            ProblemCode::InvalidValue,
            path,
            format!(
                "The file name \"{}\" has {what}, which ModelArts refuses in file names: Wharf imports it, but rename it if the dataset goes back to ModelArts.",
                short(name)
            ),
        )
        .field("file name")
        .found(name)
        .expected("a name without `+`, spaces or tabs"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exeml_rule() {
        assert_eq!(exeml_label_fault("Cat_2-b"), None);
        assert!(exeml_label_fault(&"a".repeat(33)).is_some());
        assert_eq!(exeml_label_fault(&"a".repeat(32)), None);
        assert!(exeml_label_fault("black cat").is_some());
        assert!(exeml_label_fault("猫").is_some());
    }

    #[test]
    fn file_names_with_plus_space_or_tab_warn() {
        assert!(file_name_warning("a b/c.jpg").is_none());
        assert!(file_name_warning("a/c d.jpg").is_some());
        assert!(file_name_warning("a/c+d.jpg").is_some());
        assert!(file_name_warning("a/c\td.jpg").is_some());
    }
}
