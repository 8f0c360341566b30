//! `classes.txt` and Darknet's `obj.names`: one class name a line, the line's index (from 0)
//! being the class index label lines use.

use std::collections::HashMap;

use wharf_model::{LabelDef, Problem, ProblemCode};

use super::text::{self, MAX_CLASSES, Problems};

/// Reads a names file. Every class keeps its line index as `source_id`, so `classes[i]` is
/// class `i`: a blank line in the middle still takes an index (Darknet counts it), gets the
/// index as its name and a warning. Blank lines at the end are ignored.
pub fn parse_class_names(text: &[u8], file: &str) -> (Vec<LabelDef>, Vec<Problem>) {
    let text = match text::decode(text, file) {
        Ok(text) => text,
        Err(problem) => return (Vec::new(), vec![*problem]),
    };
    let mut problems = Problems::new(file);
    let mut classes = Vec::new();
    // Blank lines wait here until a name follows them, so that trailing ones are dropped.
    let mut blanks = Vec::new();
    for (line, name) in text::lines(text) {
        let name = name.trim();
        if name.is_empty() {
            blanks.push(line);
            continue;
        }
        for blank in blanks.drain(..) {
            let index = classes.len();
            problems.push(blank_name(file, blank, index));
            classes.push(class(index, index.to_string()));
        }
        if classes.len() >= MAX_CLASSES {
            problems.push(too_many_classes(file, line));
            break;
        }
        classes.push(class(classes.len(), name.to_owned()));
    }
    let lines: Vec<u64> = (1..=classes.len() as u64).collect();
    for problem in duplicate_names(&classes, &lines, file) {
        problems.push(problem);
    }
    (classes, problems.finish())
}

pub(super) fn class(index: usize, name: String) -> LabelDef {
    LabelDef {
        source_id: Some(index as i64),
        ..LabelDef::named(name)
    }
}

fn blank_name(file: &str, line: u64, index: usize) -> Problem {
    Problem::warning(
        ProblemCode::InvalidValue,
        file,
        format!(
            "{file} line {line} is blank, so class {index} has no name; it is named \"{index}\" \
             so that the classes after it keep their indexes: write its name or delete the line"
        ),
    )
    .at_line(line)
    .field("name")
    .found("a blank line")
    .expected("a class name")
}

pub(super) fn too_many_classes(file: &str, line: u64) -> Problem {
    Problem::error(
        ProblemCode::TooLarge,
        file,
        format!("{file} line {line}: more than {MAX_CLASSES} classes; the rest are not read"),
    )
    .at_line(line)
    .field("names")
    .found(format!("more than {MAX_CLASSES} classes"))
    .expected(format!("at most {MAX_CLASSES} classes"))
}

/// A warning for every class whose name an earlier class already has: annotations of both
/// would get the same label. `lines[i]` is the line of `classes[i]`.
pub(super) fn duplicate_names(classes: &[LabelDef], lines: &[u64], file: &str) -> Vec<Problem> {
    let mut first: HashMap<&str, i64> = HashMap::new();
    let mut problems = Vec::new();
    for (position, class) in classes.iter().enumerate() {
        let index = class.source_id.unwrap_or(position as i64);
        let Some(&earlier) = first.get(class.name.as_str()) else {
            first.insert(&class.name, index);
            continue;
        };
        let mut problem = Problem::warning(
            ProblemCode::DuplicateId,
            file,
            format!(
                "{file}: classes {earlier} and {index} are both named \"{}\", so their annotations \
                 get the same label: rename one",
                text::short(&class.name)
            ),
        )
        .field("name")
        .found(&class.name)
        .expected("a name no other class has");
        if let Some(&line) = lines.get(position) {
            problem = problem.at_line(line);
        }
        problems.push(problem);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use wharf_model::Severity;

    fn names(classes: &[LabelDef]) -> Vec<(&str, Option<i64>)> {
        classes
            .iter()
            .map(|c| (c.name.as_str(), c.source_id))
            .collect()
    }

    #[test]
    fn classes_txt_fixture() {
        let (classes, problems) = parse_class_names(
            include_bytes!("../../tests/fixtures/yolo/classes.txt"),
            "classes.txt",
        );
        assert_eq!(
            names(&classes),
            [
                ("person", Some(0)),
                ("traffic light", Some(1)),
                ("dog", Some(2))
            ]
        );
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn obj_names_fixture_with_crlf_and_bom() {
        let (classes, problems) = parse_class_names(
            include_bytes!("../../tests/fixtures/yolo/obj.names"),
            "data/obj.names",
        );
        assert_eq!(names(&classes), [("cat", Some(0)), ("dog", Some(1))]);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn blank_lines_inside_keep_indexes_and_warn_trailing_ones_are_ignored() {
        let (classes, problems) = parse_class_names(b"cat\n\n  \ndog\n\n\n", "classes.txt");
        assert_eq!(
            names(&classes),
            [
                ("cat", Some(0)),
                ("1", Some(1)),
                ("2", Some(2)),
                ("dog", Some(3))
            ]
        );
        let found: Vec<_> = problems
            .iter()
            .map(|p| (p.code, p.severity, p.line))
            .collect();
        assert_eq!(
            found,
            [
                (ProblemCode::InvalidValue, Severity::Warning, Some(2)),
                (ProblemCode::InvalidValue, Severity::Warning, Some(3)),
            ]
        );
    }

    #[test]
    fn duplicate_names_warn_at_the_second_one() {
        let (classes, problems) = parse_class_names(b"cat\ndog\ncat\n", "classes.txt");
        assert_eq!(classes.len(), 3);
        assert_eq!(problems.len(), 1);
        let p = &problems[0];
        assert_eq!(
            (p.code, p.severity, p.line),
            (ProblemCode::DuplicateId, Severity::Warning, Some(3))
        );
        assert!(p.message.contains("classes 0 and 2"), "{}", p.message);
    }

    #[test]
    fn not_utf8_is_one_file_problem() {
        let (classes, problems) = parse_class_names(b"cat\n\xE9l\xE9phant\n", "classes.txt");
        assert!(classes.is_empty());
        assert_eq!(problems.len(), 1);
        assert_eq!(
            (problems[0].code, problems[0].line),
            (ProblemCode::NotUtf8, Some(2))
        );
    }

    #[test]
    fn empty_file_has_no_classes_and_no_problem() {
        assert_eq!(
            parse_class_names(b"", "classes.txt"),
            (Vec::new(), Vec::new())
        );
        assert_eq!(
            parse_class_names(b"\n\n", "classes.txt"),
            (Vec::new(), Vec::new())
        );
    }
}
