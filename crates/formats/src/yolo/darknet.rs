//! Darknet's `obj.data`, as ModelArts exports it: `key = value` lines naming the names file,
//! the image lists and the class count.

use std::collections::BTreeMap;

use wharf_model::{Problem, ProblemCode};

use super::text::{self, Problems, short};

/// What an `obj.data` says. Paths are as written, usually relative to the dataset root.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DarknetData {
    /// `classes`: the number of classes, optional.
    pub classes: Option<u32>,
    /// `names`: the names file, `obj.names` or a path to it.
    pub names: Option<String>,
    /// `train`: a text file listing the training images.
    pub train: Option<String>,
    /// `valid`: a text file listing the validation images.
    pub valid: Option<String>,
    /// `backup`: where Darknet writes weights; kept for completeness.
    pub backup: Option<String>,
    /// The line of every key whose value was kept, for problems about it found later.
    pub key_lines: BTreeMap<String, u64>,
}

/// Reads an `obj.data`. Lines starting with `#` or `;` are comments, as in Darknet; unknown
/// keys (`eval`, `results`, …) are ignored. A key given twice keeps its first value, as Darknet
/// does, with a warning.
pub fn parse_darknet_data(text: &[u8], file: &str) -> (DarknetData, Vec<Problem>) {
    let text = match text::decode(text, file) {
        Ok(text) => text,
        Err(problem) => return (DarknetData::default(), vec![*problem]),
    };
    let mut problems = Problems::new(file);
    let mut data = DarknetData::default();
    for (line, content) in text::lines(text) {
        let content = content.trim();
        if content.is_empty() || content.starts_with(['#', ';']) {
            continue;
        }
        match content.split_once('=') {
            Some((key, value)) => set(
                &mut data,
                file,
                line,
                key.trim(),
                value.trim(),
                &mut problems,
            ),
            None => problems.push(
                Problem::error(
                    ProblemCode::Syntax,
                    file,
                    format!(
                        "{file} line {line}: `{}` is not `key = value`, so it is ignored",
                        short(content)
                    ),
                )
                .at_line(line)
                .field("line")
                .found(content)
                .expected("key = value, e.g. names = data/obj.names"),
            ),
        }
    }
    check(&data, file, &mut problems);
    (data, problems.finish())
}

fn set(
    data: &mut DarknetData,
    file: &str,
    line: u64,
    key: &str,
    value: &str,
    problems: &mut Problems,
) {
    let slot = match key {
        "names" => &mut data.names,
        "train" => &mut data.train,
        "valid" => &mut data.valid,
        "backup" => &mut data.backup,
        "classes" => return set_classes(data, file, line, value, problems),
        _ => return,
    };
    if slot.is_some() {
        problems.push(repeated(file, line, key));
    } else if value.is_empty() {
        problems.push(empty(file, line, key));
    } else {
        *slot = Some(value.to_owned());
        data.key_lines.insert(key.to_owned(), line);
    }
}

fn set_classes(
    data: &mut DarknetData,
    file: &str,
    line: u64,
    value: &str,
    problems: &mut Problems,
) {
    if data.classes.is_some() {
        problems.push(repeated(file, line, "classes"));
        return;
    }
    match value.parse::<u32>() {
        Ok(classes) => data.classes = Some(classes),
        Err(_) => problems.push(
            Problem::error(
                ProblemCode::WrongType,
                file,
                format!("{file} line {line}: classes is `{}`, not a number of classes, so it is ignored", short(value)),
            )
            .at_line(line)
            .field("classes")
            .found(value)
            .expected("a whole number such as 2"),
        ),
    }
}

/// ModelArts needs `names` and at least one of `train` and `valid`.
fn check(data: &DarknetData, file: &str, problems: &mut Problems) {
    if data.names.is_none() {
        problems.push(
            Problem::warning(
                ProblemCode::MissingField,
                file,
                format!("{file}: no `names = …` line, so the names file must be found by its name (obj.names)"),
            )
            .field("names")
            .expected("names = obj.names"),
        );
    }
    if data.train.is_none() && data.valid.is_none() {
        problems.push(
            Problem::warning(
                ProblemCode::MissingField,
                file,
                format!("{file}: neither train nor valid is set, so the file lists no images"),
            )
            .field("train")
            .expected("train = train.txt, valid = valid.txt, or both"),
        );
    }
}

fn repeated(file: &str, line: u64, key: &str) -> Problem {
    Problem::warning(
        ProblemCode::DuplicateId,
        file,
        format!("{file} line {line}: {key} is set again; the first value is kept, as Darknet does: remove one"),
    )
    .at_line(line)
    .field(key)
    .found(format!("{key} twice"))
    .expected("each key once")
}

fn empty(file: &str, line: u64, key: &str) -> Problem {
    Problem::warning(
        ProblemCode::InvalidValue,
        file,
        format!("{file} line {line}: {key} has no value, so it is ignored"),
    )
    .at_line(line)
    .field(key)
    .found("nothing")
    .expected("a path")
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_model::Severity;

    #[test]
    fn obj_data_fixture() {
        let (data, problems) = parse_darknet_data(
            include_bytes!("../../tests/fixtures/yolo/obj.data"),
            "obj.data",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            data,
            DarknetData {
                classes: Some(2),
                names: Some("data/obj.names".into()),
                train: Some("data/train.txt".into()),
                valid: Some("data/valid.txt".into()),
                backup: Some("backup/".into()),
                key_lines: [("names", 3), ("train", 4), ("valid", 5), ("backup", 6)]
                    .map(|(key, line)| (key.to_owned(), line))
                    .into(),
            }
        );
    }

    #[test]
    fn spacing_comments_and_unknown_keys() {
        let (data, problems) = parse_darknet_data(
            b"; cfg\r\nclasses=80\r\ntrain  =  a b.txt\r\neval=coco\r\nnames=x\r\n",
            "obj.data",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            (data.classes, data.train.as_deref(), data.valid),
            (Some(80), Some("a b.txt"), None)
        );
    }

    #[test]
    fn malformed_obj_data() {
        let text = b"classes = two\nnames obj.names\nnames = a\nnames = b\ntrain =\n";
        let (data, problems) = parse_darknet_data(text, "obj.data");
        let found: Vec<_> = problems
            .iter()
            .map(|p| (p.code, p.severity, p.line))
            .collect();
        assert_eq!(
            found,
            [
                (ProblemCode::WrongType, Severity::Error, Some(1)),
                (ProblemCode::Syntax, Severity::Error, Some(2)),
                (ProblemCode::DuplicateId, Severity::Warning, Some(4)),
                (ProblemCode::InvalidValue, Severity::Warning, Some(5)),
                (ProblemCode::MissingField, Severity::Warning, None),
            ]
        );
        assert_eq!((data.classes, data.names.as_deref()), (None, Some("a")));
    }
}
