//! Text classification: text and labels on one line (`label_type` 1), or a text file with a
//! `_result.txt` file of labels beside it (`label_type` 0).

use std::collections::{HashMap, HashSet};

use wharf_model::{Problem, ProblemCode};

use crate::detect::extension_of;

use super::classification::folder_and_stem;
use super::text::{self, MODELARTS_MAX_LINE_BYTES, Problems};

/// ModelArts' `label_format`: how a text classification file holds its labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLabelFormat {
    /// `1`: text and labels on one line ([`text_lines`]); `0`: labels in `X_result.txt`
    /// ([`text_with_results`]).
    pub label_type: u8,
    /// Between the text and its labels (`text_sample_separator`, default a tab).
    pub sample_separator: String,
    /// Between labels (`text_label_separator`, default `,`).
    pub label_separator: String,
}

impl Default for TextLabelFormat {
    fn default() -> Self {
        Self {
            label_type: 1,
            sample_separator: "\t".to_owned(),
            label_separator: ",".to_owned(),
        }
    }
}

/// One text sample: a line of a text file, with its labels (none when unlabelled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextSample {
    pub file: String,
    /// The sample's line in `file`, from 1.
    pub line: u64,
    pub text: String,
    pub labels: Vec<String>,
}

/// The suffix of a label file's stem in `label_type` 0.
const RESULT_SUFFIX: &str = "_result";

/// Reads a `label_type` 1 file: one sample a line, `text<sample separator>label<label
/// separator>label…`. The text ends at the line's last sample separator, as labels do not hold
/// it and texts may. Blank lines are skipped; a line without the separator, or with no text
/// before it, is left out with an error; a line with no label is kept unlabelled.
pub fn text_lines(
    bytes: &[u8],
    file: &str,
    format: &TextLabelFormat,
) -> (Vec<TextSample>, Vec<Problem>) {
    if let Some(problem) = format_fault(format, file) {
        return (Vec::new(), vec![problem]);
    }
    let content = match text::decode(bytes, file, "text file") {
        Ok(content) => content,
        Err(problem) => return (Vec::new(), vec![*problem]),
    };
    let separator = format.sample_separator.as_str();
    let shown = shown_separator(separator);
    let mut problems = Problems::new(file);
    let mut seen_labels = HashSet::new();
    let mut samples = Vec::new();
    for (line, content) in text::lines(content) {
        if content.trim().is_empty() {
            continue;
        }
        problems.extend(long_line(file, line, content));
        let Some((sample, labels)) = content.rsplit_once(separator) else {
            problems.push(
                Problem::error(
                    ProblemCode::Syntax,
                    file,
                    format!(
                        "{file} line {line} has no {shown} between the text and its labels, so it is left out: write `text{shown}label`, or set the text_sample_separator the file uses."
                    ),
                )
                .at_line(line)
                .field("text_sample_separator")
                .found(text::short(content))
                .expected(format!("text{shown}label")),
            );
            continue;
        };
        if sample.trim().is_empty() {
            problems.push(
                Problem::error(
                    ProblemCode::MissingField,
                    file,
                    format!(
                        "{file} line {line} has labels but no text before the {shown}, so it is left out: write the text before them."
                    ),
                )
                .at_line(line)
                .field("text")
                .found(text::short(content))
                .expected(format!("text{shown}label")),
            );
            continue;
        }
        let labels = split_labels(labels, file, line, format, &mut seen_labels, &mut problems);
        samples.push(TextSample {
            file: file.to_owned(),
            line,
            text: sample.to_owned(),
            labels,
        });
    }
    (samples, problems.finish())
}

/// Reads a `label_type` 0 pair: line *n* of `result` is the label of line *n* of `text`. Blank
/// text lines are no sample. A `_result.txt` line is one label, whole: ModelArts documents no
/// way to write several. Line counts that differ are a warning; labels still pair by line, as
/// ModelArts pairs them, and text lines past the end of `result` are unlabelled.
pub fn text_with_results(
    text: &[u8],
    text_file: &str,
    result: &[u8],
    result_file: &str,
) -> (Vec<TextSample>, Vec<Problem>) {
    let content = match text::decode(text, text_file, "text file") {
        Ok(content) => content,
        Err(problem) => return (Vec::new(), vec![*problem]),
    };
    let mut problems = Problems::new(text_file);
    let (results, results_read) = match text::decode(result, result_file, "label file") {
        Ok(results) => (significant_lines(results), true),
        Err(problem) => {
            problems.push(*problem);
            (Vec::new(), false)
        }
    };
    let texts = significant_lines(content);
    if results_read && texts.len() != results.len() {
        problems.push(count_mismatch(
            text_file,
            texts.len(),
            result_file,
            results.len(),
        ));
    }
    let mut seen_labels = HashSet::new();
    let mut samples = Vec::with_capacity(texts.len());
    for (index, (line, sample)) in texts.into_iter().enumerate() {
        let label = results.get(index).map(|(_, label)| label.trim());
        if sample.trim().is_empty() {
            if let Some(label) = label.filter(|l| !l.is_empty()) {
                problems.push(label_for_blank_line(result_file, line, label, text_file));
            }
            continue;
        }
        problems.extend(long_line(text_file, line, sample));
        let labels = match label {
            None => Vec::new(),
            Some("") => {
                problems.push(
                    Problem::warning(
                        ProblemCode::MissingField,
                        result_file,
                        format!(
                            "{result_file} line {line} is blank, so line {line} of {text_file} is imported unlabelled: write its label."
                        ),
                    )
                    .at_line(line)
                    .field("label")
                    .found("a blank line")
                    .expected("a label"),
                );
                Vec::new()
            }
            Some(label) => {
                if seen_labels.insert(label.to_owned()) {
                    problems.extend(text::exeml_label_warning(label, result_file, Some(line)));
                }
                vec![label.to_owned()]
            }
        };
        samples.push(TextSample {
            file: text_file.to_owned(),
            line,
            text: sample.to_owned(),
            labels,
        });
    }
    (samples, problems.finish())
}

/// Pairs every `X.txt` with the `X_result.txt` beside it, in path order. A `_result.txt`
/// without its text file is an error (its labels label nothing); a text file without a
/// `_result.txt` is a warning (its lines would be imported unlabelled) and is not in the list.
pub fn text_result_pairs<'a>(
    paths: impl IntoIterator<Item = &'a str>,
) -> (Vec<(String, String)>, Vec<Problem>) {
    let mut texts: Vec<&str> = paths
        .into_iter()
        .filter(|p| extension_of(p) == "txt")
        .collect();
    texts.sort_unstable();
    texts.dedup();
    let by_key: HashMap<(&str, &str), &str> =
        texts.iter().map(|p| (folder_and_stem(p), *p)).collect();
    let mut pairs = Vec::new();
    let mut paired: HashSet<&str> = HashSet::new();
    for &path in &texts {
        let (folder, stem) = folder_and_stem(path);
        let result_stem = format!("{stem}{RESULT_SUFFIX}");
        if let Some(&result) = by_key.get(&(folder, result_stem.as_str())) {
            pairs.push((path.to_owned(), result.to_owned()));
            paired.insert(path);
            paired.insert(result);
        }
    }
    let mut problems = Problems::new("the source");
    for &path in texts.iter().filter(|p| !paired.contains(*p)) {
        let (folder, stem) = folder_and_stem(path);
        let within = if folder.is_empty() {
            String::new()
        } else {
            format!("{folder}/")
        };
        let problem = match stem.strip_suffix(RESULT_SUFFIX) {
            Some(base) if !base.is_empty() => Problem::error(
                ProblemCode::MissingFile,
                path,
                format!(
                    "{path} holds labels, but there is no {within}{base}.txt beside it for them to label, so it is left out: add the text file or rename the pair."
                ),
            )
            .found(format!("no {within}{base}.txt"))
            .expected(format!("{within}{base}.txt")),
            _ => Problem::warning(
                ProblemCode::MissingFile,
                path,
                format!(
                    "{path} has no {within}{stem}{RESULT_SUFFIX}.txt beside it, so its lines have no labels: add the label file, one label a line."
                ),
            )
            .found(format!("no {within}{stem}{RESULT_SUFFIX}.txt"))
            .expected(format!("{within}{stem}{RESULT_SUFFIX}.txt")),
        };
        problems.push(problem);
    }
    (pairs, problems.finish())
}

/// Why a format cannot be used for [`text_lines`], if it cannot.
fn format_fault(format: &TextLabelFormat, file: &str) -> Option<Problem> {
    let (field, found, message) = if format.label_type != 1 {
        (
            "label_type",
            format.label_type.to_string(),
            format!(
                "label_type {} does not hold labels on the text's line; read {file} with its _result.txt file instead.",
                format.label_type
            ),
        )
    } else if format.sample_separator.is_empty() {
        (
            "text_sample_separator",
            "an empty separator".to_owned(),
            "The text_sample_separator is empty, so text and labels cannot be told apart: set it, or leave it out for a tab.".to_owned(),
        )
    } else if format.label_separator.is_empty() {
        (
            "text_label_separator",
            "an empty separator".to_owned(),
            "The text_label_separator is empty, so labels cannot be told apart: set it, or leave it out for `,`.".to_owned(),
        )
    } else if format.sample_separator == format.label_separator {
        (
            "text_label_separator",
            format.label_separator.clone(),
            format!(
                "The text and label separators are both {}, so where the text ends is ambiguous: choose two different separators.",
                shown_separator(&format.label_separator)
            ),
        )
    } else {
        return None;
    };
    Some(
        Problem::error(ProblemCode::InvalidValue, file, message)
            .field(field)
            .found(found)
            .expected(match field {
                "label_type" => "1",
                _ => "a separator of one character, different from the other",
            }),
    )
}

/// The labels of a line, trimmed; empty and repeated ones are dropped with a warning.
fn split_labels(
    labels: &str,
    file: &str,
    line: u64,
    format: &TextLabelFormat,
    seen_labels: &mut HashSet<String>,
    problems: &mut Problems,
) -> Vec<String> {
    if labels.trim().is_empty() {
        problems.push(
            Problem::warning(
                ProblemCode::MissingField,
                file,
                format!(
                    "{file} line {line} has no label after its {}, so it is imported unlabelled: write its labels.",
                    shown_separator(&format.sample_separator)
                ),
            )
            .at_line(line)
            .field("label")
            .found("nothing")
            .expected("one label or more"),
        );
        return Vec::new();
    }
    let shown = shown_separator(&format.label_separator);
    let mut out: Vec<String> = Vec::new();
    for (label, position) in labels.split(format.label_separator.as_str()).zip(1..) {
        let label = label.trim();
        if label.is_empty() {
            problems.push(
                Problem::warning(
                    ProblemCode::MissingField,
                    file,
                    format!(
                        "{file} line {line}: label {position} is empty (two {shown} in a row, or one at an end); it is skipped: remove the extra {shown}."
                    ),
                )
                .at_line(line)
                .field("label")
                .found(text::short(labels))
                .expected(format!("labels separated by one {shown}")),
            );
            continue;
        }
        if out.iter().any(|l| l == label) {
            problems.push(
                Problem::warning(
                    ProblemCode::DuplicateId,
                    file,
                    format!(
                        "{file} line {line} repeats label \"{}\"; it is kept once: remove the repeat.",
                        text::short(label)
                    ),
                )
                .at_line(line)
                .field("label")
                .found(label)
                .expected("each label once a line"),
            );
            continue;
        }
        if seen_labels.insert(label.to_owned()) {
            problems.extend(text::exeml_label_warning(label, file, Some(line)));
        }
        out.push(label.to_owned());
    }
    out
}

/// Numbered lines without the blank ones at the end (the last newline makes one).
fn significant_lines(content: &str) -> Vec<(u64, &str)> {
    let mut lines: Vec<(u64, &str)> = text::lines(content).collect();
    while lines.last().is_some_and(|(_, l)| l.trim().is_empty()) {
        lines.pop();
    }
    lines
}

fn long_line(file: &str, line: u64, content: &str) -> Option<Problem> {
    (content.len() > MODELARTS_MAX_LINE_BYTES).then(|| {
        Problem::warning(
            ProblemCode::TooLarge,
            file,
            format!(
                "{file} line {line} is {} bytes, more than the 100 KB ModelArts takes in a text line: Wharf imports it, but shorten it if the dataset goes back to ModelArts.",
                content.len()
            ),
        )
        .at_line(line)
        .found(format!("{} bytes", content.len()))
        .expected("at most 100 KB a line")
    })
}

fn count_mismatch(text_file: &str, texts: usize, result_file: &str, results: usize) -> Problem {
    let after = if results < texts {
        format!("text lines after line {results} are imported unlabelled")
    } else {
        format!("labels after line {texts} are ignored")
    };
    Problem::warning(
        ProblemCode::InvalidValue,
        result_file,
        format!(
            "{result_file} has {} but {text_file} has {}: labels pair with text by line number, so {after}, and if a line was added or removed in one file every label after it is shifted; make the two files line up.",
            lines(results),
            lines(texts)
        ),
    )
    .field("lines")
    .found(format!("{} of labels for {} of text", lines(results), lines(texts)))
    .expected(lines(texts))
}

/// "1 line", "3 lines".
fn lines(count: usize) -> String {
    if count == 1 {
        "1 line".to_owned()
    } else {
        format!("{count} lines")
    }
}

fn label_for_blank_line(result_file: &str, line: u64, label: &str, text_file: &str) -> Problem {
    Problem::warning(
        ProblemCode::InvalidValue,
        result_file,
        format!(
            "{result_file} line {line} has label \"{}\", but line {line} of {text_file} is blank, so the label is ignored: check the two files line up.",
            text::short(label)
        ),
    )
    .at_line(line)
    .field("label")
    .found(label)
    .expected("a blank line, as the text line is blank")
}

/// A separator as a message shows it: a tab is invisible.
fn shown_separator(separator: &str) -> String {
    match separator {
        "\t" => "tab".to_owned(),
        other => format!("`{other}`"),
    }
}
