//! Ultralytics `data.yaml`: the dataset root, the image folders or lists of each split, the
//! class names, and the task the labels are for.

use std::collections::{BTreeMap, HashMap};

use wharf_model::{LabelDef, Problem, ProblemCode};

use super::names::{duplicate_names, too_many_classes};
use super::text::{self, MAX_CLASSES, Problems, short};
use super::yaml::{self, Entry, Scalar, Value};

/// What a `data.yaml` says. Paths are as written: relative to `path` when it is set, else to
/// the file, as Ultralytics reads them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DataYaml {
    /// The dataset root.
    pub path: Option<String>,
    /// Image folders, image files or `.txt` lists of images; one value or a list.
    pub train: Vec<String>,
    pub val: Vec<String>,
    pub test: Vec<String>,
    /// Classes by index, `source_id` = the index. From a list, or from a map `0: name`, sorted.
    pub names: Vec<LabelDef>,
    /// The declared number of classes.
    pub nc: Option<u32>,
    /// `task`: what the labels are for (`detect`, `segment`, `obb`, ...), lowercase. It says how
    /// a line of four points is read (see the module doc of `yolo`).
    pub task: Option<String>,
    /// The line of every key read, for problems about its value found later.
    pub key_lines: BTreeMap<String, u64>,
}

const KEYS: &[&str] = &["path", "train", "val", "test", "nc", "names", "task"];

/// The tasks Ultralytics trains for.
const TASKS: &[&str] = &["detect", "segment", "classify", "pose", "obb"];

/// Reads a `data.yaml`. Keys other than those of [`DataYaml`] are skipped. A key given twice
/// keeps its last value, as YAML loaders do, with a warning.
pub fn parse_data_yaml(text: &[u8], file: &str) -> (DataYaml, Vec<Problem>) {
    let text = match text::decode(text, file) {
        Ok(text) => text,
        Err(problem) => return (DataYaml::default(), vec![*problem]),
    };
    let mut problems = Problems::new(file);
    let entries = yaml::read_mapping(text, file, KEYS, &mut problems);
    let mut builder = Builder {
        file,
        data: DataYaml::default(),
        name_lines: Vec::new(),
        nc_line: 0,
    };
    let mut seen: HashMap<String, u64> = HashMap::new();
    for entry in entries {
        if let Some(first) = seen.insert(entry.key.clone(), entry.line) {
            problems.push(duplicate_key(file, &entry, first));
        }
        builder.data.key_lines.insert(entry.key.clone(), entry.line);
        for problem in builder.set(entry) {
            problems.push(problem);
        }
    }
    for problem in builder.check() {
        problems.push(problem);
    }
    // The YAML reader reports while reading, the checks after: put them back in line order.
    let mut problems = problems.finish();
    problems.sort_by_key(|p| p.line.unwrap_or(u64::MAX));
    (builder.data, problems)
}

struct Builder<'f> {
    file: &'f str,
    data: DataYaml,
    /// The line of each of `data.names`.
    name_lines: Vec<u64>,
    nc_line: u64,
}

impl Builder<'_> {
    fn set(&mut self, entry: Entry) -> Vec<Problem> {
        let mut problems = Vec::new();
        let key = entry.key.as_str();
        match (key, entry.value) {
            ("path", Value::Scalar(s)) => self.data.path = (!s.is_null()).then_some(s.text),
            ("task", Value::Scalar(s)) => {
                self.data.task = (!s.is_null()).then(|| s.text.to_ascii_lowercase())
            }
            ("train" | "val" | "test", value) => {
                let paths = self.paths(key, value, &mut problems);
                match key {
                    "train" => self.data.train = paths,
                    "val" => self.data.val = paths,
                    _ => self.data.test = paths,
                }
            }
            ("nc", Value::Scalar(s)) => {
                self.nc_line = s.line;
                self.data.nc = self.nc(&s, &mut problems);
            }
            ("names", value) => self.names(value, entry.line, &mut problems),
            (_, value) => {
                problems.push(self.wrong_type(key, line_of(&value, entry.line), "a single value"))
            }
        }
        problems
    }

    fn paths(&self, key: &str, value: Value, problems: &mut Vec<Problem>) -> Vec<String> {
        match value {
            Value::Scalar(s) if s.is_null() => Vec::new(),
            Value::Scalar(s) => vec![s.text],
            Value::List(items) => items
                .into_iter()
                .filter(|s| !s.is_null())
                .map(|s| s.text)
                .collect(),
            Value::Map(map) => {
                let line = map.first().map_or(0, |(k, _)| k.line);
                problems.push(self.wrong_type(key, line, "a folder, a file, or a list of them"));
                Vec::new()
            }
        }
    }

    fn nc(&self, s: &Scalar, problems: &mut Vec<Problem>) -> Option<u32> {
        if s.is_null() {
            return None;
        }
        match s.text.parse::<u32>() {
            Ok(nc) if !s.quoted => Some(nc),
            _ => {
                problems.push(
                    Problem::error(
                        ProblemCode::WrongType,
                        self.file,
                        format!(
                            "{} line {}: nc is `{}`, not a number of classes: write it as a whole number, unquoted",
                            self.file,
                            s.line,
                            short(&s.text)
                        ),
                    )
                    .at_line(s.line)
                    .field("nc")
                    .found(&s.text)
                    .expected("a whole number such as 80"),
                );
                None
            }
        }
    }

    fn names(&mut self, value: Value, key_line: u64, problems: &mut Vec<Problem>) {
        self.data.names.clear();
        self.name_lines.clear();
        let named: Vec<(i64, Scalar)> = match value {
            Value::Scalar(s) if s.is_null() => return,
            Value::Scalar(s) => {
                problems.push(self.wrong_type(
                    "names",
                    s.line,
                    "a list `[a, b]`, `- a` lines, or `0: a` lines",
                ));
                return;
            }
            Value::List(items) => (0..).zip(items).collect(),
            Value::Map(map) => self.indexed(map, problems),
        };
        for (index, name) in named {
            if self.data.names.len() >= MAX_CLASSES {
                problems.push(too_many_classes(self.file, name.line));
                break;
            }
            if name.is_null() {
                problems.push(self.blank_name(index, name.line));
            }
            let text = if name.is_null() {
                index.to_string()
            } else {
                name.text
            };
            self.data.names.push(LabelDef {
                source_id: Some(index),
                ..LabelDef::named(text)
            });
            self.name_lines.push(name.line);
        }
        if self.data.names.is_empty() {
            self.name_lines.push(key_line);
        }
    }

    /// The entries of a `0: name` map, by index; the last of a repeated index wins.
    fn indexed(
        &self,
        map: Vec<(Scalar, Scalar)>,
        problems: &mut Vec<Problem>,
    ) -> Vec<(i64, Scalar)> {
        let mut by_index: HashMap<i64, Scalar> = HashMap::new();
        for (key, name) in map {
            let Some(index) = key.text.parse::<i64>().ok().filter(|i| *i >= 0) else {
                problems.push(self.bad_index(&key));
                continue;
            };
            if let Some(earlier) = by_index.insert(index, name) {
                problems.push(self.repeated_index(index, earlier.line, key.line));
            }
        }
        let mut named: Vec<(i64, Scalar)> = by_index.into_iter().collect();
        named.sort_by_key(|(index, _)| *index);
        named
    }

    /// Checks across keys, once all are read.
    fn check(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let data = &self.data;
        match (data.nc, data.names.len()) {
            (None, 0) => problems.push(self.no_names("data.yaml has neither names nor nc")),
            (Some(_), 0) => problems.push(self.no_names("data.yaml has nc but no names")),
            (Some(nc), count) if nc as usize != count => problems.push(self.nc_mismatch(nc, count)),
            _ => {}
        }
        if data.train.is_empty() && data.val.is_empty() {
            problems.push(
                Problem::warning(
                    ProblemCode::MissingField,
                    self.file,
                    format!("{}: neither train nor val is set, so the file does not say which images form which split", self.file),
                )
                .field("train")
                .expected("train: and val: folders or image lists"),
            );
        }
        problems.extend(duplicate_names(&data.names, &self.name_lines, self.file));
        if let Some(task) = data.task.as_deref().filter(|t| !TASKS.contains(t)) {
            problems.push(self.unknown_task(task));
        }
        problems
    }

    fn unknown_task(&self, task: &str) -> Problem {
        let line = self.data.key_lines.get("task").copied().unwrap_or(0);
        Problem::warning(
            ProblemCode::InvalidValue,
            self.file,
            format!(
                "{} line {line}: task is `{}`, which Ultralytics does not know, so it is ignored: four-point lines are oriented boxes only where they are rectangles; write one of {}",
                self.file,
                short(task),
                TASKS.join(", ")
            ),
        )
        .at_line(line)
        .field("task")
        .found(task)
        .expected(TASKS.join(", "))
    }

    fn wrong_type(&self, key: &str, line: u64, expected: &str) -> Problem {
        Problem::error(
            ProblemCode::WrongType,
            self.file,
            format!("{} line {line}: {key} has a value of the wrong kind, which is ignored; expected {expected}", self.file),
        )
        .at_line(line)
        .field(key)
        .expected(expected)
    }

    fn blank_name(&self, index: i64, line: u64) -> Problem {
        Problem::warning(
            ProblemCode::InvalidValue,
            self.file,
            format!("{} line {line}: class {index} has no name, so it is named \"{index}\": write its name", self.file),
        )
        .at_line(line)
        .field("names")
        .found("an empty name")
        .expected("a class name")
    }

    fn bad_index(&self, key: &Scalar) -> Problem {
        Problem::error(
            ProblemCode::WrongType,
            self.file,
            format!(
                "{} line {}: `{}` is not a class index, so this name is ignored: use 0, 1, 2…",
                self.file,
                key.line,
                short(&key.text)
            ),
        )
        .at_line(key.line)
        .field("names")
        .found(&key.text)
        .expected("a class index: a whole number from 0")
    }

    fn repeated_index(&self, index: i64, earlier: u64, line: u64) -> Problem {
        Problem::warning(
            ProblemCode::DuplicateId,
            self.file,
            format!("{} line {line}: class {index} is named again (first at line {earlier}); this later name is kept", self.file),
        )
        .at_line(line)
        .field("names")
        .found(format!("class {index} twice"))
        .expected("each class index once")
    }

    fn no_names(&self, what: &str) -> Problem {
        let line = self.name_lines.first().copied().filter(|l| *l > 0);
        let problem = Problem::warning(
            ProblemCode::MissingField,
            self.file,
            format!(
                "{}: {what}, so class names will be indexes: add `names: [a, b, …]`",
                self.file
            ),
        )
        .field("names")
        .expected("names: a list of class names");
        match line {
            Some(line) => problem.at_line(line),
            None => problem,
        }
    }

    fn nc_mismatch(&self, nc: u32, count: usize) -> Problem {
        Problem::warning(
            ProblemCode::InvalidValue,
            self.file,
            format!(
                "{} line {}: nc is {nc} but names has {count} classes; the names are used: make nc {count}",
                self.file, self.nc_line
            ),
        )
        .at_line(self.nc_line)
        .field("nc")
        .found(nc.to_string())
        .expected(format!("{count}, the number of names"))
    }
}

fn line_of(value: &Value, fallback: u64) -> u64 {
    match value {
        Value::Scalar(s) => s.line,
        Value::List(items) => items.first().map_or(fallback, |s| s.line),
        Value::Map(map) => map.first().map_or(fallback, |(k, _)| k.line),
    }
}

fn duplicate_key(file: &str, entry: &Entry, first: u64) -> Problem {
    Problem::warning(
        ProblemCode::DuplicateId,
        file,
        format!(
            "{file} line {}: {} is set again (first at line {first}); this later value is used, as YAML loaders do: remove one",
            entry.line, entry.key
        ),
    )
    .at_line(entry.line)
    .field(entry.key.as_str())
    .found(format!("{} twice", entry.key))
    .expected("each key once")
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_model::Severity;

    fn fixture(name: &str) -> (DataYaml, Vec<Problem>) {
        let path = format!("{}/tests/fixtures/yolo/{name}", env!("CARGO_MANIFEST_DIR"));
        parse_data_yaml(&std::fs::read(path).unwrap(), name)
    }

    fn names(data: &DataYaml) -> Vec<(&str, Option<i64>)> {
        data.names
            .iter()
            .map(|c| (c.name.as_str(), c.source_id))
            .collect()
    }

    fn codes(problems: &[Problem]) -> Vec<(ProblemCode, Severity, Option<u64>)> {
        problems
            .iter()
            .map(|p| (p.code, p.severity, p.line))
            .collect()
    }

    #[test]
    fn flow_list_names_with_roboflow_extras() {
        let (data, problems) = fixture("data_flow.yaml");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(data.train, ["../train/images"]);
        assert_eq!(data.val, ["../valid/images"]);
        assert_eq!(data.test, ["../test/images"]);
        assert_eq!(data.path, None);
        assert_eq!(data.nc, Some(3));
        assert_eq!(
            names(&data),
            [
                ("helmet", Some(0)),
                ("no helmet", Some(1)),
                ("vest, hi-vis", Some(2))
            ]
        );
    }

    #[test]
    fn block_list_names_and_split_lists() {
        let (data, problems) = fixture("data_block_list.yaml");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(data.path.as_deref(), Some("../datasets/parts"));
        assert_eq!(data.train, ["images/train", "images/extra"]);
        assert_eq!(data.val, ["images/val"]);
        assert!(data.test.is_empty());
        assert_eq!(data.nc, None);
        assert_eq!(
            names(&data),
            [("bolt", Some(0)), ("nut", Some(1)), ("washer #2", Some(2))]
        );
    }

    #[test]
    fn block_map_names_as_ultralytics_writes_them() {
        let (data, problems) = fixture("data_block_map.yaml");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(data.path.as_deref(), Some("../datasets/coco8"));
        assert_eq!(data.train, ["images/train"]);
        assert_eq!(
            names(&data),
            [
                ("person", Some(0)),
                ("bicycle", Some(1)),
                ("car", Some(2)),
                ("traffic light", Some(3))
            ]
        );
    }

    #[test]
    fn task_is_read_lowercase_and_every_key_keeps_its_line() {
        let (data, problems) = parse_data_yaml(
            b"# DOTA8\npath: ../datasets/dota8\ntrain: images/train\nval: images/val\ntask: OBB\nnames:\n  0: plane\n",
            "dota8.yaml",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(data.task.as_deref(), Some("obb"));
        let lines: Vec<(&str, u64)> = data
            .key_lines
            .iter()
            .map(|(key, line)| (key.as_str(), *line))
            .collect();
        assert_eq!(
            lines,
            [
                ("names", 6),
                ("path", 2),
                ("task", 5),
                ("train", 3),
                ("val", 4)
            ]
        );
    }

    #[test]
    fn an_unknown_task_is_a_warning_at_its_line() {
        let (data, problems) =
            parse_data_yaml(b"train: a\nnames: [a]\ntask: rotated\n", "data.yaml");
        assert_eq!(data.task.as_deref(), Some("rotated"));
        assert_eq!(
            codes(&problems),
            [(ProblemCode::InvalidValue, Severity::Warning, Some(3))]
        );
        assert!(
            problems[0]
                .message
                .starts_with("data.yaml line 3: task is `rotated`")
        );
    }

    #[test]
    fn map_names_out_of_order_keep_their_indexes() {
        let (data, problems) = parse_data_yaml(b"train: a\nnames:\n  2: c\n  0: a\n", "data.yaml");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(names(&data), [("a", Some(0)), ("c", Some(2))]);
    }

    #[test]
    fn nc_disagreeing_with_names_is_an_invalid_value_at_the_nc_line() {
        let (data, problems) = parse_data_yaml(b"train: a\nnc: 3\nnames: [a, b]\n", "data.yaml");
        assert_eq!(data.nc, Some(3));
        assert_eq!(data.names.len(), 2);
        assert_eq!(
            codes(&problems),
            [(ProblemCode::InvalidValue, Severity::Warning, Some(2))]
        );
        assert_eq!(problems[0].found.as_deref(), Some("3"));
    }

    #[test]
    fn malformed_data_yaml_corpus() {
        let (data, problems) = fixture("data_malformed.yaml");
        assert_eq!(
            codes(&problems),
            [
                (ProblemCode::Syntax, Severity::Error, Some(3)),
                (ProblemCode::WrongType, Severity::Error, Some(4)),
                (ProblemCode::WrongType, Severity::Error, Some(5)),
                (ProblemCode::WrongType, Severity::Error, Some(8)),
                (ProblemCode::InvalidValue, Severity::Warning, Some(9)),
                (ProblemCode::DuplicateId, Severity::Warning, Some(11)),
                (ProblemCode::DuplicateId, Severity::Warning, Some(11)),
                (ProblemCode::Syntax, Severity::Error, Some(12)),
                (ProblemCode::DuplicateId, Severity::Warning, Some(13)),
                (ProblemCode::Syntax, Severity::Error, Some(14)),
            ],
            "{problems:#?}"
        );
        assert_eq!(
            names(&data),
            [("a", Some(0)), ("1", Some(1)), ("a", Some(2))]
        );
        assert_eq!(data.train, ["images/train"]);
        assert_eq!(data.nc, None);
    }

    #[test]
    fn missing_names_and_splits_are_warnings() {
        let (data, problems) = parse_data_yaml(b"nc: 2\n", "data.yaml");
        assert_eq!(data.nc, Some(2));
        let found: Vec<_> = problems
            .iter()
            .map(|p| (p.code, p.field.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                (ProblemCode::MissingField, Some("names")),
                (ProblemCode::MissingField, Some("train"))
            ]
        );
        assert!(problems.iter().all(|p| p.severity == Severity::Warning));
    }

    #[test]
    fn not_utf8_is_one_file_problem() {
        let (data, problems) = parse_data_yaml(b"names: [caf\xE9]\n", "data.yaml");
        assert_eq!(data, DataYaml::default());
        assert_eq!(
            codes(&problems),
            [(ProblemCode::NotUtf8, Severity::Error, Some(1))]
        );
    }
}
