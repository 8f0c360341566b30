//! Tests of the ModelArts directory readers: a fixture tree for every layout, broken files
//! asserting exact codes and lines, detection, and garbage that must not panic.

use std::path::{Path, PathBuf};

use wharf_model::{Problem, ProblemCode, Severity, Shape};

use super::*;
use crate::{ListingSummary, Verdict};

fn fixture_root(layout: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/modelarts_dir")
        .join(layout)
}

/// Every file under a fixture tree, relative to it, `/`-separated, sorted.
fn listing(layout: &str) -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                out.push(relative.to_str().unwrap().replace('\\', "/"));
            }
        }
    }
    let root = fixture_root(layout);
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out.sort();
    out
}

fn read(layout: &str, path: &str) -> Vec<u8> {
    std::fs::read(fixture_root(layout).join(path)).unwrap()
}

/// A `head`/`sidecar` reader over a fixture tree.
fn reader(layout: &str) -> impl Fn(&str) -> Option<Vec<u8>> + '_ {
    move |path: &str| std::fs::read(fixture_root(layout).join(path)).ok()
}

fn summary_of(paths: &[String]) -> ListingSummary {
    let mut summary = ListingSummary::default();
    for path in paths {
        summary.add(path);
    }
    summary
}

/// (code, severity, file, line) of every problem.
fn codes(problems: &[Problem]) -> Vec<(ProblemCode, Severity, &str, Option<u64>)> {
    problems
        .iter()
        .map(|p| (p.code, p.severity, p.file.as_str(), p.line))
        .collect()
}

fn labels_of(labelled: &[Labelled]) -> Vec<(&str, Vec<&str>)> {
    labelled
        .iter()
        .map(|l| {
            assert!(
                l.annotations
                    .iter()
                    .all(|a| a.shape == Shape::Class && a.source_format == FORMAT)
            );
            (
                l.path.as_str(),
                l.annotations.iter().map(|a| a.label.as_str()).collect(),
            )
        })
        .collect()
}

fn def_names(defs: &[wharf_model::LabelDef]) -> Vec<&str> {
    defs.iter().map(|d| d.name.as_str()).collect()
}

/// Every message is one sentence that ends with a full stop.
fn assert_sentences(problems: &[Problem]) {
    for p in problems {
        assert!(p.message.ends_with('.'), "{}", p.message);
    }
}

fn no_sidecar(_: &str) -> Option<Vec<u8>> {
    None
}

// Image classification.

#[test]
fn image_folders_fixture() {
    let paths = listing("image_folders");
    let (labelled, defs, problems) =
        image_classification(paths.iter().map(String::as_str), &no_sidecar);
    assert_eq!(
        labels_of(&labelled),
        [
            ("Cat/10.jpg", vec!["Cat"]),
            ("Cat/11.jpg", vec!["Cat"]),
            ("Dog/1.jpg", vec!["Dog"]),
            ("Dog/2.png", vec!["Dog"]),
            ("Dog/my dog.jpg", vec!["Dog"]),
            ("big cat+1/4.jpg", vec!["big cat+1"]),
            ("root.jpg", vec![]),
            ("train/Bird/3.jpeg", vec!["Bird"]),
        ]
    );
    assert_eq!(def_names(&defs), ["Bird", "Cat", "Dog", "big cat+1"]);
    assert_eq!(
        codes(&problems),
        [
            (
                ProblemCode::InvalidValue,
                Severity::Warning,
                "Dog/my dog.jpg",
                None
            ),
            (
                ProblemCode::InvalidValue,
                Severity::Warning,
                "big cat+1/4.jpg",
                None
            ),
            (
                ProblemCode::MissingField,
                Severity::Warning,
                "root.jpg",
                None
            ),
        ]
    );
    assert_eq!(problems[0].field.as_deref(), Some("file name"));
    assert_eq!(problems[1].field.as_deref(), Some("label"));
    assert!(
        problems[1].message.contains("ExeML"),
        "{}",
        problems[1].message
    );
    assert_sentences(&problems);
}

#[test]
fn image_sidecars_fixture() {
    let paths = listing("image_sidecars");
    let read = reader("image_sidecars");
    let (labelled, defs, problems) = image_classification(paths.iter().map(String::as_str), &read);
    assert_eq!(
        labels_of(&labelled),
        [
            ("import-dir-1/10.jpg", vec!["Cat"]),
            ("import-dir-1/11.jpg", vec!["Cat", "Dog"]),
            ("import-dir-2/1.jpg", vec![]),
            ("import-dir-2/2.jpg", vec!["import-dir-2"]),
            ("import-dir-2/3.jpg", vec![]),
            ("import-dir-2/4.jpg", vec!["Cat", "Dog", "black cat"]),
        ]
    );
    assert_eq!(
        def_names(&defs),
        ["Cat", "Dog", "black cat", "import-dir-2"]
    );
    assert_eq!(
        codes(&problems),
        [
            (
                ProblemCode::MissingField,
                Severity::Warning,
                "import-dir-2/1.txt",
                None
            ),
            (
                ProblemCode::MissingFile,
                Severity::Warning,
                "import-dir-2/2.jpg",
                None
            ),
            (
                ProblemCode::NotUtf8,
                Severity::Error,
                "import-dir-2/3.txt",
                Some(2)
            ),
            (
                ProblemCode::DuplicateId,
                Severity::Warning,
                "import-dir-2/4.txt",
                Some(3)
            ),
            (
                ProblemCode::InvalidValue,
                Severity::Warning,
                "import-dir-2/4.txt",
                Some(4)
            ),
        ]
    );
    assert!(
        problems[2].message.contains("GBK"),
        "{}",
        problems[2].message
    );
    assert_sentences(&problems);
}

#[test]
fn sidecars_win_over_folders_and_are_read_once() {
    let paths = ["Cat/a.jpg", "Cat/a.png", "Cat/a.txt", "Cat/b.jpg"];
    let reads = std::cell::Cell::new(0);
    let sidecar = |path: &str| {
        assert_eq!(path, "Cat/a.txt");
        reads.set(reads.get() + 1);
        Some(b"Dog\n\xFF".to_vec())
    };
    let (labelled, _, problems) = image_classification(paths, &sidecar);
    assert_eq!(reads.get(), 1);
    assert_eq!(
        labels_of(&labelled),
        [
            ("Cat/a.jpg", vec![]),
            ("Cat/a.png", vec![]),
            ("Cat/b.jpg", vec!["Cat"]),
        ]
    );
    // One NotUtf8 for the shared sidecar, one MissingFile for b.jpg among sidecars.
    assert_eq!(
        codes(&problems),
        [
            (ProblemCode::NotUtf8, Severity::Error, "Cat/a.txt", Some(2)),
            (
                ProblemCode::MissingFile,
                Severity::Warning,
                "Cat/b.jpg",
                None
            ),
        ]
    );

    let ok = |_: &str| Some(b"Dog\n".to_vec());
    let (labelled, defs, problems) = image_classification(["Cat/a.jpg", "Cat/a.txt"], &ok);
    assert_eq!(labels_of(&labelled), [("Cat/a.jpg", vec!["Dog"])]);
    assert_eq!(def_names(&defs), ["Dog"]);
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn unreadable_and_oversized_sidecars() {
    let (labelled, _, problems) = image_classification(["a/x.jpg", "a/x.txt"], &no_sidecar);
    assert_eq!(labels_of(&labelled), [("a/x.jpg", vec![])]);
    assert_eq!(
        codes(&problems),
        [(ProblemCode::Unreadable, Severity::Error, "a/x.txt", None)]
    );
    let big = |_: &str| Some(vec![b'a'; MAX_TEXT_BYTES + 1]);
    let (labelled, _, problems) = image_classification(["a/x.jpg", "a/x.txt"], &big);
    assert_eq!(labels_of(&labelled), [("a/x.jpg", vec![])]);
    assert_eq!(
        codes(&problems),
        [(ProblemCode::TooLarge, Severity::Error, "a/x.txt", None)]
    );
}

#[test]
fn long_label_names_warn_once() {
    let long = "a".repeat(33);
    let paths = [format!("{long}/1.jpg"), format!("{long}/2.jpg")];
    let (labelled, _, problems) =
        image_classification(paths.iter().map(String::as_str), &no_sidecar);
    assert_eq!(labelled.len(), 2);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].code, ProblemCode::InvalidValue);
    assert!(
        problems[0].message.contains("32"),
        "{}",
        problems[0].message
    );
}

// Sound classification.

#[test]
fn sound_fixture() {
    let paths = listing("sound");
    let (labelled, defs, problems) = sound_classification(paths.iter().map(String::as_str));
    assert_eq!(
        labels_of(&labelled),
        [
            ("Bird/a.wav", vec!["Bird"]),
            ("Dog/b.WAV", vec!["Dog"]),
            ("c.wav", vec![]),
        ]
    );
    assert_eq!(def_names(&defs), ["Bird", "Dog"]);
    assert_eq!(
        codes(&problems),
        [
            (
                ProblemCode::LayoutMismatch,
                Severity::Warning,
                "Dog/d.mp3",
                None
            ),
            (ProblemCode::MissingField, Severity::Warning, "c.wav", None),
        ]
    );
    assert_sentences(&problems);
}

// Text classification, label_type 1.

fn samples(samples: &[TextSample]) -> Vec<(u64, &str, Vec<&str>)> {
    samples
        .iter()
        .map(|s| {
            (
                s.line,
                s.text.as_str(),
                s.labels.iter().map(String::as_str).collect(),
            )
        })
        .collect()
}

#[test]
fn text_combine_fixture() {
    let bytes = read("text_combine", "comments.txt");
    let (found, problems) = text_lines(&bytes, "comments.txt", &TextLabelFormat::default());
    assert_eq!(
        samples(&found),
        [
            (1, "It touches good and responds quickly.", vec!["positive"]),
            (
                2,
                "The screen, sadly, cracked.",
                vec!["negative", "hardware"]
            ),
            (6, "Fine, I guess.", vec![]),
            (7, "Mixed feelings", vec!["positive", "negative"]),
            (8, "Labelled in Chinese", vec!["好评"]),
        ]
    );
    assert!(found.iter().all(|s| s.file == "comments.txt"));
    let f = "comments.txt";
    assert_eq!(
        codes(&problems),
        [
            (ProblemCode::Syntax, Severity::Error, f, Some(4)),
            (ProblemCode::MissingField, Severity::Error, f, Some(5)),
            (ProblemCode::MissingField, Severity::Warning, f, Some(6)),
            (ProblemCode::MissingField, Severity::Warning, f, Some(7)),
            (ProblemCode::InvalidValue, Severity::Warning, f, Some(8)),
        ]
    );
    assert!(
        problems[0].message.contains("tab"),
        "{}",
        problems[0].message
    );
    assert_eq!(problems[1].field.as_deref(), Some("text"));
    assert_sentences(&problems);
}

#[test]
fn custom_separators_and_the_last_separator_ends_the_text() {
    let format = TextLabelFormat {
        label_type: 1,
        sample_separator: "|".into(),
        label_separator: ";".into(),
    };
    let bytes = read("text_combine", "pipes.txt");
    let (found, problems) = text_lines(&bytes, "pipes.txt", &format);
    assert_eq!(
        samples(&found),
        [
            (1, "great phone", vec!["positive", "hardware"]),
            (2, "bad battery", vec!["negative"]),
        ]
    );
    assert!(problems.is_empty(), "{problems:?}");

    let (found, problems) = text_lines(b"a\tb\tpos,pos\n", "t.txt", &TextLabelFormat::default());
    assert_eq!(samples(&found), [(1, "a\tb", vec!["pos"])]);
    assert_eq!(
        codes(&problems),
        [(
            ProblemCode::DuplicateId,
            Severity::Warning,
            "t.txt",
            Some(1)
        )]
    );
}

#[test]
fn gbk_text_is_reported_not_decoded() {
    let bytes = read("text_combine", "gbk.txt");
    let (found, problems) = text_lines(&bytes, "gbk.txt", &TextLabelFormat::default());
    assert!(found.is_empty());
    assert_eq!(
        codes(&problems),
        [(ProblemCode::NotUtf8, Severity::Error, "gbk.txt", Some(1))]
    );
    assert!(
        problems[0].message.contains("GBK"),
        "{}",
        problems[0].message
    );
}

#[test]
fn unusable_formats_are_one_problem() {
    let cases = [
        (0, "\t", ",", "label_type"),
        (1, "", ",", "text_sample_separator"),
        (1, "\t", "", "text_label_separator"),
        (1, ",", ",", "text_label_separator"),
    ];
    for (label_type, sample, label, field) in cases {
        let format = TextLabelFormat {
            label_type,
            sample_separator: sample.into(),
            label_separator: label.into(),
        };
        let (found, problems) = text_lines(b"a\tb\n", "t.txt", &format);
        assert!(found.is_empty());
        assert_eq!(
            codes(&problems),
            [(ProblemCode::InvalidValue, Severity::Error, "t.txt", None)]
        );
        assert_eq!(problems[0].field.as_deref(), Some(field));
    }
}

#[test]
fn oversized_text_and_long_lines() {
    let big = vec![b'a'; MAX_TEXT_BYTES + 1];
    let (found, problems) = text_lines(&big, "t.txt", &TextLabelFormat::default());
    assert!(found.is_empty());
    assert_eq!(problems[0].code, ProblemCode::TooLarge);

    let line = format!("{}\tpos\n", "a".repeat(100 * 1024 + 1));
    let (found, problems) = text_lines(line.as_bytes(), "t.txt", &TextLabelFormat::default());
    assert_eq!(found.len(), 1);
    assert_eq!(
        codes(&problems),
        [(ProblemCode::TooLarge, Severity::Warning, "t.txt", Some(1))]
    );
}

// Text classification, label_type 0.

#[test]
fn text_result_fixture() {
    let (found, problems) = text_with_results(
        &read("text_result", "COMMENTS_20180919_114745.txt"),
        "COMMENTS_20180919_114745.txt",
        &read("text_result", "COMMENTS_20180919_114745_result.txt"),
        "COMMENTS_20180919_114745_result.txt",
    );
    assert_eq!(
        samples(&found),
        [
            (1, "It touches good and responds quickly.", vec!["positive"]),
            (2, "The screen cracked.", vec!["negative"]),
            (4, "Too expensive.", vec!["negative"]),
        ]
    );
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn result_line_counts_that_differ_name_both() {
    let (found, problems) = text_with_results(
        &read("text_result", "short.txt"),
        "short.txt",
        &read("text_result", "short_result.txt"),
        "short_result.txt",
    );
    assert_eq!(
        samples(&found),
        [
            (1, "one", vec!["a"]),
            (2, "two", vec![]),
            (3, "three", vec![])
        ]
    );
    assert_eq!(
        codes(&problems),
        [(
            ProblemCode::InvalidValue,
            Severity::Warning,
            "short_result.txt",
            None
        )]
    );
    let message = &problems[0].message;
    assert!(
        message.contains("has 1 line but short.txt has 3 lines"),
        "{message}"
    );

    // More labels than lines.
    let (found, problems) = text_with_results(b"one\n", "t.txt", b"a\nb\n", "t_result.txt");
    assert_eq!(samples(&found), [(1, "one", vec!["a"])]);
    assert!(
        problems[0]
            .message
            .contains("has 2 lines but t.txt has 1 line")
    );
}

#[test]
fn blank_lines_on_either_side() {
    let (found, problems) =
        text_with_results(b"a\n\nc\nd\n", "t.txt", b"x\ny\n\nw\n", "t_result.txt");
    assert_eq!(
        samples(&found),
        [(1, "a", vec!["x"]), (3, "c", vec![]), (4, "d", vec!["w"])]
    );
    assert_eq!(
        codes(&problems),
        [
            (
                ProblemCode::InvalidValue,
                Severity::Warning,
                "t_result.txt",
                Some(2)
            ),
            (
                ProblemCode::MissingField,
                Severity::Warning,
                "t_result.txt",
                Some(3)
            ),
        ]
    );
}

#[test]
fn a_result_file_that_cannot_be_read_leaves_the_text_unlabelled() {
    let (found, problems) = text_with_results(b"a\n", "t.txt", b"\xD6\xD0\n", "t_result.txt");
    assert_eq!(samples(&found), [(1, "a", vec![])]);
    assert_eq!(
        codes(&problems),
        [(
            ProblemCode::NotUtf8,
            Severity::Error,
            "t_result.txt",
            Some(1)
        )]
    );
    let (found, problems) = text_with_results(b"\xFF", "t.txt", b"a\n", "t_result.txt");
    assert!(found.is_empty());
    assert_eq!(problems[0].code, ProblemCode::NotUtf8);
}

#[test]
fn result_pairs_fixture() {
    let paths = listing("text_result");
    let (pairs, problems) = text_result_pairs(paths.iter().map(String::as_str));
    assert_eq!(
        pairs,
        [
            (
                "COMMENTS_20180919_114745.txt".to_owned(),
                "COMMENTS_20180919_114745_result.txt".to_owned()
            ),
            ("short.txt".to_owned(), "short_result.txt".to_owned()),
        ]
    );
    assert_eq!(
        codes(&problems),
        [
            (
                ProblemCode::MissingFile,
                Severity::Error,
                "ORPHAN_result.txt",
                None
            ),
            (
                ProblemCode::MissingFile,
                Severity::Warning,
                "lonely.txt",
                None
            ),
        ]
    );
    assert_eq!(problems[0].expected.as_deref(), Some("ORPHAN.txt"));
    assert_sentences(&problems);
}

#[test]
fn result_pairs_stay_in_their_folder() {
    let (pairs, problems) =
        text_result_pairs(["a/x.txt", "b/x_result.txt", "b/y.TXT", "b/y_result.txt"]);
    assert_eq!(pairs, [("b/y.TXT".to_owned(), "b/y_result.txt".to_owned())]);
    assert_eq!(
        codes(&problems),
        [
            (ProblemCode::MissingFile, Severity::Warning, "a/x.txt", None),
            (
                ProblemCode::MissingFile,
                Severity::Error,
                "b/x_result.txt",
                None
            ),
        ]
    );
    assert_eq!(problems[1].expected.as_deref(), Some("b/x.txt"));
}

// Tables.

fn schema() -> Vec<ColumnSchema> {
    [
        ("id", ColumnKind::Int),
        ("name", ColumnKind::String),
        ("price", ColumnKind::Double),
        ("born", ColumnKind::Date),
        ("seen", ColumnKind::Timestamp),
        ("ok", ColumnKind::Boolean),
    ]
    .into_iter()
    .map(|(name, kind)| ColumnSchema {
        name: name.into(),
        kind,
    })
    .collect()
}

const COLUMNS: [&str; 6] = ["id", "name", "price", "born", "seen", "ok"];

#[test]
fn table_fixture() {
    let bytes = read("table", "table_import_1.csv");
    let schema = schema();
    let report = check_table(&bytes, "t.csv", true, Some(&schema));
    assert_eq!(
        (report.rows, report.ignored_rows, report.columns.as_slice()),
        (3, 0, COLUMNS.map(String::from).as_slice())
    );
    assert!(report.problems.is_empty(), "{:?}", report.problems);

    // Without a schema: the header sets the column count.
    let report = check_table(&bytes, "t.csv", true, None);
    assert_eq!((report.rows, report.ignored_rows), (3, 0));
    assert!(report.problems.is_empty(), "{:?}", report.problems);

    // Without a header: the header line is a row, and columns get Wharf's names.
    let report = check_table(&bytes, "t.csv", false, None);
    assert_eq!((report.rows, report.ignored_rows), (4, 0));
    assert_eq!(report.columns[0], "column_1");
    assert_eq!(report.columns.len(), 6);

    // Without a header, with a schema: the header line is a row of wrong types.
    let report = check_table(&bytes, "t.csv", false, Some(&schema));
    assert_eq!(report.columns, COLUMNS);
    let wrong: Vec<_> = report.problems.iter().map(|p| (p.code, p.line)).collect();
    assert_eq!(
        wrong,
        [
            (ProblemCode::WrongType, Some(1)),
            (ProblemCode::WrongType, Some(1)),
            (ProblemCode::WrongType, Some(1)),
            (ProblemCode::WrongType, Some(1)),
            (ProblemCode::WrongType, Some(1)),
        ]
    );
}

#[test]
fn table_malformed_fixture() {
    let bytes = read("table", "table_malformed.csv");
    let schema = schema();
    let report = check_table(&bytes, "m.csv", true, Some(&schema));
    assert_eq!((report.rows, report.ignored_rows), (6, 3));
    let found: Vec<_> = report
        .problems
        .iter()
        .map(|p| (p.code, p.severity, p.line, p.field.as_deref()))
        .collect();
    use ProblemCode::*;
    use Severity::*;
    assert_eq!(
        found,
        [
            (Syntax, Warning, Some(3), Some("columns")),
            (WrongType, Warning, Some(4), Some("id")),
            (WrongType, Warning, Some(4), Some("price")),
            (InvalidValue, Warning, Some(4), Some("born")),
            (WrongType, Warning, Some(4), Some("seen")),
            (WrongType, Warning, Some(4), Some("ok")),
            (Syntax, Warning, Some(5), Some("columns")),
            (Syntax, Warning, Some(7), Some("field 2")),
            (Syntax, Error, Some(8), None),
        ]
    );
    let messages: Vec<&str> = report.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(
        messages[0].contains("3 fields but the table has 6 columns (the schema)"),
        "{}",
        messages[0]
    );
    assert!(messages[7].contains("\"abc\""), "{}", messages[7]);
    assert!(
        messages[8].contains("line 8 opens a quote") && messages[8].contains("(line 9)"),
        "{}",
        messages[8]
    );
    assert_sentences(&report.problems);
}

#[test]
fn quoted_fields_hold_commas_quotes_and_line_breaks() {
    let csv = b"a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\n3,4\n";
    let report = check_table(csv, "q.csv", true, None);
    assert_eq!((report.rows, report.ignored_rows), (3, 0));
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    // The row after a two-line record is on line 5.
    let report = check_table(b"a,b\n\"1\n2\",3\n4\n", "q.csv", true, None);
    assert_eq!(
        codes(&report.problems),
        [(ProblemCode::Syntax, Severity::Warning, "q.csv", Some(4))]
    );
}

#[test]
fn header_and_schema_disagree() {
    let schema = schema();
    let report = check_table(
        b"id,nom,price,born,seen,ok\n1,a,1,2020-01-01,2020-01-01 00:00:00,true\n",
        "h.csv",
        true,
        Some(&schema),
    );
    assert_eq!(
        codes(&report.problems),
        [(
            ProblemCode::InvalidValue,
            Severity::Warning,
            "h.csv",
            Some(1)
        )]
    );
    assert_eq!(report.problems[0].field.as_deref(), Some("column 2"));
    assert_eq!(report.problems[0].found.as_deref(), Some("nom"));
    assert_eq!(report.columns[1], "nom");

    let report = check_table(b"id,name\n1,a\n", "h.csv", true, Some(&schema));
    assert_eq!(
        codes(&report.problems),
        [
            (ProblemCode::InvalidValue, Severity::Error, "h.csv", Some(1)),
            (ProblemCode::Syntax, Severity::Warning, "h.csv", Some(2)),
        ]
    );
    assert_eq!((report.rows, report.ignored_rows), (1, 1));
}

#[test]
fn a_quote_left_open_in_the_header() {
    let report = check_table(b"\"id,name\n1,2\n", "h.csv", true, None);
    assert_eq!(
        codes(&report.problems),
        [(ProblemCode::Syntax, Severity::Error, "h.csv", Some(1))]
    );
    assert_eq!((report.rows, report.ignored_rows), (0, 0));
    assert!(report.columns.is_empty());
}

#[test]
fn tables_not_utf8_are_reported_once_and_still_checked() {
    let report = check_table(
        b"a,b\n\xD6\xD0,\xCE\xC4\n\xD6\xD0,x,y\n",
        "g.csv",
        true,
        None,
    );
    assert_eq!(
        codes(&report.problems),
        [
            (ProblemCode::NotUtf8, Severity::Error, "g.csv", Some(2)),
            (ProblemCode::Syntax, Severity::Warning, "g.csv", Some(3)),
        ]
    );
    assert!(report.problems[0].message.contains("GBK"));
    assert_eq!((report.rows, report.ignored_rows), (2, 1));
}

#[test]
fn chunks_of_any_size_give_the_same_report() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(read("table", "table_malformed.csv"));
    let schema = schema();
    let whole = check_table(&bytes, "m.csv", true, Some(&schema));
    assert_eq!(whole.columns, COLUMNS, "the byte order mark is dropped");
    for size in [1, 2, 3, 7, 64] {
        let mut checker = TableChecker::new("m.csv", true, Some(&schema));
        for chunk in bytes.chunks(size) {
            checker.feed(chunk);
        }
        assert_eq!(checker.finish(), whole, "chunks of {size}");
    }
    // Bytes that start like a byte order mark and are not one are data.
    let report = check_table(b"\xEF\xBB", "b.csv", false, None);
    assert_eq!(report.rows, 1);
    assert_eq!(report.problems[0].code, ProblemCode::NotUtf8);
}

#[test]
fn column_kinds_by_name() {
    assert_eq!(
        ColumnKind::from_name("timestamp"),
        Some(ColumnKind::Timestamp)
    );
    assert_eq!(ColumnKind::from_name(" Int "), Some(ColumnKind::Int));
    assert_eq!(ColumnKind::from_name("Integer"), None);
    assert_eq!(ColumnKind::Boolean.name(), "Boolean");
}

#[test]
fn values_against_each_kind() {
    use ColumnKind::*;
    let cases: &[(ColumnKind, &str, Option<ProblemCode>)] = &[
        (String, "anything at all", None),
        (Byte, "127", None),
        (Byte, "128", Some(ProblemCode::InvalidValue)),
        (Byte, "-128", None),
        (Short, "-32768", None),
        (Short, "32768", Some(ProblemCode::InvalidValue)),
        (Int, "+2147483647", None),
        (Int, "2147483648", Some(ProblemCode::InvalidValue)),
        (Int, "1.5", Some(ProblemCode::WrongType)),
        (Int, "-", Some(ProblemCode::WrongType)),
        (Long, "-9223372036854775808", None),
        (Long, "9223372036854775808", Some(ProblemCode::InvalidValue)),
        (Long, &"9".repeat(60), Some(ProblemCode::InvalidValue)),
        (Double, "1e3", None),
        (Double, " 2.5 ", None),
        (Float, "abc", Some(ProblemCode::WrongType)),
        (Date, "2000-02-29", None),
        (Date, "1900-02-29", Some(ProblemCode::InvalidValue)),
        (Date, "2021-04-31", Some(ProblemCode::InvalidValue)),
        (Date, "2021-00-10", Some(ProblemCode::InvalidValue)),
        (Date, "2021/01/01", Some(ProblemCode::WrongType)),
        (Date, "2021-1-01", Some(ProblemCode::WrongType)),
        (Date, "２０２１-01-01", Some(ProblemCode::WrongType)),
        (Timestamp, "2024-12-31 23:59:59", None),
        (
            Timestamp,
            "2024-12-31 24:00:00",
            Some(ProblemCode::InvalidValue),
        ),
        (
            Timestamp,
            "2024-12-31T23:59:59",
            Some(ProblemCode::WrongType),
        ),
        (Timestamp, "2024-12-31 23:59", Some(ProblemCode::WrongType)),
        (Boolean, "TRUE", None),
        (Boolean, "false", None),
        (Boolean, "yes", Some(ProblemCode::WrongType)),
    ];
    for (kind, value, expected) in cases {
        let schema = [ColumnSchema {
            name: "c".into(),
            kind: *kind,
        }];
        let csv = format!("\"{}\"\n", value.replace('"', "\"\""));
        let report = check_table(csv.as_bytes(), "v.csv", false, Some(&schema));
        let found = report.problems.first().map(|p| p.code);
        assert_eq!(
            found, *expected,
            "{kind:?} {value:?}: {:?}",
            report.problems
        );
    }
    // Empty values are null, whatever the kind.
    let schema = schema();
    let report = check_table(b",,,,,\n", "v.csv", false, Some(&schema));
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

// Detection.

fn verdict(layout: &str) -> Verdict {
    let paths = listing(layout);
    detect(&summary_of(&paths), &reader(layout))
}

fn first_reason(verdict: &Verdict) -> (f32, &str) {
    match verdict {
        Verdict::Match {
            confidence,
            reasons,
        } => (*confidence, reasons[0].as_str()),
        Verdict::Reject { reason } => panic!("rejected: {reason}"),
    }
}

#[test]
fn detection_names_each_layout() {
    let cases = [
        ("image_folders", "image classification by folder", 0.6),
        (
            "image_sidecars",
            "image classification by .txt sidecars",
            0.85,
        ),
        ("sound", "sound classification by folder", 0.5),
        ("text_result", "text classification, label_type 0", 0.8),
        ("text_combine", "text classification, label_type 1", 0.6),
        ("table", "table: 2 .csv files", 0.6),
    ];
    for (layout, says, confidence) in cases {
        let verdict = verdict(layout);
        let (found, reason) = first_reason(&verdict);
        assert!(reason.starts_with(says), "{layout}: {verdict:?}");
        assert_eq!(found, confidence, "{layout}: {verdict:?}");
    }
}

#[test]
fn detection_says_when_a_sidecar_source_also_fits_folders() {
    let verdict = verdict("image_sidecars");
    let Verdict::Match { reasons, .. } = &verdict else {
        panic!("{verdict:?}");
    };
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("it also fits, less well, image classification by folder")),
        "{reasons:?}"
    );
}

#[test]
fn detection_rejects_yolo_and_plain_images() {
    // YOLO label files beside images are not sidecars.
    let paths = ["a.jpg".to_owned(), "a.txt".to_owned()];
    let yolo = |_: &str| Some(b"0 0.5 0.5 0.2 0.2\n".to_vec());
    let Verdict::Reject { reason } = detect(&summary_of(&paths), &yolo) else {
        panic!("YOLO taken for ModelArts");
    };
    assert!(reason.contains("YOLO rows"), "{reason}");

    // Ultralytics: images/train, labels/train; no label folders.
    let paths: Vec<String> = ["images/train/a.jpg", "labels/train/a.txt", "data.yaml"]
        .map(String::from)
        .to_vec();
    let Verdict::Reject { reason } = detect(&summary_of(&paths), &yolo) else {
        panic!("Ultralytics taken for ModelArts");
    };
    assert!(
        reason.contains("named like layouts or splits (train)"),
        "{reason}"
    );

    let Verdict::Reject { reason } = detect(&ListingSummary::default(), &|_| None) else {
        panic!("empty source matched");
    };
    assert!(reason.contains("no files"), "{reason}");
}

#[test]
fn detection_lowers_folders_beside_voc_files_and_reads_imagenet_splits() {
    let paths: Vec<String> = ["Cat/a.jpg", "Cat/a.xml", "Dog/b.jpg", "Dog/b.xml"]
        .map(String::from)
        .to_vec();
    let verdict = detect(&summary_of(&paths), &|_| None);
    assert_eq!(first_reason(&verdict).0, 0.3, "{verdict:?}");

    let paths: Vec<String> = ["train/Cat/a.jpg", "train/Dog/b.jpg", "val/Cat/c.jpg"]
        .map(String::from)
        .to_vec();
    let verdict = detect(&summary_of(&paths), &|_| None);
    let (confidence, reason) = first_reason(&verdict);
    assert_eq!(confidence, 0.6);
    assert!(reason.contains("2 label folders (Cat, Dog)"), "{reason}");
}

#[test]
fn image_folders_among_many_other_files_are_no_sure_classification() {
    // A bucket of blobs with a few images in numbered folders: the folders explain a third of
    // it, not enough to be read as class folders unasked.
    let paths: Vec<String> = (0..30)
        .map(|i| {
            if i % 3 == 0 {
                format!("images/{:02}/img-{i}.png", i % 7)
            } else {
                format!("blobs/{:02}/blob-{i}.bin", i % 5)
            }
        })
        .collect();
    let verdict = detect(&summary_of(&paths), &|_| None);
    let Verdict::Match {
        confidence,
        reasons,
    } = &verdict
    else {
        panic!("{verdict:?}");
    };
    assert_eq!(*confidence, 0.35, "{reasons:?}");
    assert!(
        reasons
            .iter()
            .any(|r| r == "only 10 of the 30 files are images"),
        "{reasons:?}"
    );
}

#[test]
fn numbered_camera_folders_are_not_labels() {
    // KITTI's and Xtreme1's camera folders hold one scene's views, not classes.
    let paths: Vec<String> = [
        "training/image_2/000000.png",
        "training/image_3/000000.png",
        "training/image_2/000001.png",
        "training/image_3/000001.png",
        "scene_1/camera_image_0/a.jpg",
        "scene_1/camera_image_1/a.jpg",
    ]
    .map(String::from)
    .to_vec();
    let Verdict::Reject { reason } = detect(&summary_of(&paths), &|_| None) else {
        panic!("camera folders taken for label folders");
    };
    assert!(
        reason.contains(
            "named like layouts or splits (camera_image_0, camera_image_1, image_2, image_3)"
        ),
        "{reason}"
    );
    // A label that merely starts so is still a label.
    let paths: Vec<String> = ["image_of_cat/a.jpg", "image_of_dog/b.jpg"]
        .map(String::from)
        .to_vec();
    assert!(matches!(
        detect(&summary_of(&paths), &|_| None),
        Verdict::Match { .. }
    ));
}

#[test]
fn detection_tells_tab_separated_csv_from_tables() {
    let paths = ["a.csv".to_owned()];
    let tabs = |_: &str| Some(b"good phone\tpositive\nbad one\tnegative\n".to_vec());
    let verdict = detect(&summary_of(&paths), &tabs);
    let (_, reason) = first_reason(&verdict);
    assert!(
        reason.starts_with("text classification, label_type 1"),
        "{reason}"
    );
    let commas = |_: &str| Some(b"1,2,3\n4,5,6\n7,8".to_vec());
    let verdict = detect(&summary_of(&paths), &commas);
    let (_, reason) = first_reason(&verdict);
    assert!(
        reason.contains("the first 2 rows of a.csv have 3 columns"),
        "{reason}"
    );
}

// Robustness.

/// Bytes from an alphabet rich in the characters these formats give meaning to.
fn garbage(seed: &mut u64, length: usize) -> Vec<u8> {
    const ALPHABET: &[u8] = b"0123456789.-+eE :,;|\n\r\t\"'ab/_\xD6\xD0\xEF\xBB\xBF\xFF\xC3\xA9";
    (0..length)
        .map(|_| {
            // A linear congruential generator: repeatable without a dependency.
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ALPHABET[(*seed >> 33) as usize % ALPHABET.len()]
        })
        .collect()
}

#[test]
fn no_input_panics_a_reader_or_the_detector() {
    let mut seed = 11;
    let schema = schema();
    for round in 0..2000 {
        let bytes = garbage(&mut seed, round % 300);
        let other = garbage(&mut seed, round % 50);
        let _ = text_lines(&bytes, "t.txt", &TextLabelFormat::default());
        let _ = text_with_results(&bytes, "t.txt", &other, "t_result.txt");
        let report = check_table(&bytes, "t.csv", round % 2 == 0, Some(&schema));
        assert!(report.ignored_rows <= report.rows);
        let _ = check_table(&bytes, "t.csv", true, None);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let paths: Vec<&str> = text.split(['\n', '\r']).collect();
        let sidecar = |_: &str| Some(other.clone());
        let _ = image_classification(paths.iter().copied(), &sidecar);
        let _ = sound_classification(paths.iter().copied());
        let _ = text_result_pairs(paths.iter().copied());
        let mut summary = ListingSummary::default();
        for path in paths.iter().chain(&["a.jpg", "a.txt", "b.csv", "c/d.wav"]) {
            summary.add(path);
        }
        let _ = detect(&summary, &|_| Some(bytes.clone()));
    }
}
