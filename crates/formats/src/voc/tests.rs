//! Tests of the VOC reader: fixtures for every shape and extension, then a corpus of broken
//! files, each asserting the exact problem code and line.

use std::time::{Duration, Instant};

use serde_json::json;
use wharf_model::{Problem, ProblemCode, Severity, Shape};

use super::object::json_value;
use super::*;
use crate::{ListingSummary, Verdict};

const EXAMPLE: &str = include_str!("../../tests/fixtures/voc/modelarts_example.xml");
const ALL_SHAPES: &str = include_str!("../../tests/fixtures/voc/all_shapes.xml");
const EXTENSIONS: &str = include_str!("../../tests/fixtures/voc/modelarts_extensions.xml");

fn read(xml: &str) -> VocDocument {
    parse(xml.as_bytes(), "labels/a.xml")
}

/// The single problem of a document, failing with all of them otherwise.
fn only_problem(doc: &VocDocument) -> &Problem {
    assert_eq!(
        doc.problems.len(),
        1,
        "expected one problem, got {:#?}",
        doc.problems
    );
    &doc.problems[0]
}

/// Asserts code, line and field of a problem.
fn assert_problem(problem: &Problem, code: ProblemCode, line: u64, field: Option<&str>) {
    assert_eq!(
        (problem.code, problem.line, problem.field.as_deref()),
        (code, Some(line), field),
        "{problem:#?}"
    );
    assert_eq!(problem.file, "labels/a.xml");
    assert!(
        problem.message.ends_with('.'),
        "a message is one sentence: {}",
        problem.message
    );
}

/// A file with a 100×100 `<size>` and the given objects, one per line from line 3 on.
fn with_objects(objects: &[&str]) -> String {
    let mut xml = String::from(
        "<annotation>\n<size><width>100</width><height>100</height><depth>3</depth></size>\n",
    );
    for object in objects {
        xml.push_str(object);
        xml.push('\n');
    }
    xml.push_str("</annotation>\n");
    xml
}

fn labels(doc: &VocDocument) -> Vec<&str> {
    doc.annotations.iter().map(|a| a.label.as_str()).collect()
}

const GOOD_BOX: &str = "<object><name>ok</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>";

// ---------------------------------------------------------------------------------------------
// Well-formed files

#[test]
fn the_modelarts_example_reads_as_one_box() {
    let doc = read(EXAMPLE);
    assert_eq!(doc.problems, []);
    assert_eq!(doc.folder.as_deref(), Some("NA"));
    assert_eq!(doc.filename.as_deref(), Some("bike_1_1593531469339.png"));
    assert_eq!(
        (doc.width, doc.height, doc.depth, doc.segmented),
        (Some(554), Some(606), Some(3), false)
    );
    let [rabbit] = doc.annotations.as_slice() else {
        panic!("{:?}", doc.annotations)
    };
    assert_eq!(rabbit.label, "Rabbit");
    assert_eq!(
        rabbit.shape,
        Shape::Box {
            x_min: 279.0,
            y_min: 52.0,
            x_max: 474.0,
            y_max: 278.0
        }
    );
    assert_eq!(
        json!(rabbit.attributes),
        json!({ "pose": "Unspecified", "truncated": 0, "occluded": 0 })
    );
    assert_eq!(
        (
            rabbit.difficult,
            rabbit.confidence,
            rabbit.source_format.as_str()
        ),
        (false, None, "voc")
    );
}

#[test]
fn every_shape_element_maps_to_its_shape() {
    let doc = read(ALL_SHAPES);
    assert_eq!(doc.problems, []);
    let shapes: Vec<&Shape> = doc.annotations.iter().map(|a| &a.shape).collect();
    assert_eq!(
        shapes,
        [
            &Shape::Box {
                x_min: 10.5,
                y_min: 20.0,
                x_max: 110.0,
                y_max: 220.25
            },
            &Shape::Polygon {
                rings: vec![vec![
                    [0.0, 300.0],
                    [640.0, 300.0],
                    [640.0, 480.0],
                    [0.0, 480.0]
                ]]
            },
            &Shape::Point { x: 320.0, y: 100.0 },
            &Shape::Point { x: 321.0, y: 101.0 },
            &Shape::Polyline {
                points: vec![[100.0, 470.0], [300.0, 310.0]],
                dashed: false
            },
            &Shape::Circle {
                cx: 50.0,
                cy: 200.0,
                r: 18.5
            },
            &Shape::Polyline {
                points: vec![[0.0, 400.0], [200.0, 390.0], [400.0, 395.0]],
                dashed: false
            },
            &Shape::Polyline {
                points: vec![[320.0, 479.0], [320.0, 300.0]],
                dashed: true
            },
        ]
    );
    let car = &doc.annotations[0];
    assert!(car.difficult);
    assert_eq!(
        json!(car.attributes),
        json!({ "pose": "Frontal", "truncated": 1, "occluded": 0 })
    );
    assert_eq!(
        labels(&doc),
        [
            "car", "road", "sign", "sign", "lane", "wheel", "curb", "divider"
        ]
    );
}

#[test]
fn modelarts_extensions_become_attributes_and_confidence() {
    let doc = read(EXTENSIONS);
    assert_eq!(doc.problems, []);
    assert!(doc.segmented);
    assert_eq!(
        doc.mask_source.as_deref(),
        Some("obs://bucket/masks/cat_1.png")
    );
    let [cat, dog] = doc.annotations.as_slice() else {
        panic!("{:?}", doc.annotations)
    };
    assert_eq!(cat.confidence, Some(0.87));
    assert_eq!(
        json!(cat.attributes),
        json!({
            "pose": "Unspecified", "truncated": 0, "occluded": 0,
            "mask_color": "193,243,53", "hard_coefficient": 0.8,
            "color": "white", "age": 3, "weight": 4.5, "tag": "007",
        })
    );
    assert_eq!(
        json!(dog.attributes),
        json!({
            "pose": "Left", "truncated": 0, "occluded": 1,
            "kind": "Persian & friends", "legs": 4, "@modelarts:hard_reasons": "1-3", "empty": "",
        })
    );
    assert_eq!(dog.confidence, None);
}

#[test]
fn values_become_numbers_only_when_plainly_numbers() {
    assert_eq!(json_value("3"), json!(3));
    assert_eq!(json_value("-0.5"), json!(-0.5));
    assert_eq!(json_value("1e3"), json!(1000.0));
    assert_eq!(json_value("0"), json!(0));
    for text in ["007", "+1", "1e999", "NaN", "inf", "3 cats", "", "-", "1-3"] {
        assert_eq!(json_value(text), json!(text), "{text}");
    }
}

#[test]
fn predefined_entities_and_character_references_are_resolved() {
    let doc = read(&with_objects(&[
        "<object><name>a &lt;b&gt; &#67;&#x44;</name><point><x>1</x><y>2</y></point></object>",
    ]));
    assert_eq!(doc.problems, []);
    assert_eq!(labels(&doc), ["a <b> CD"]);
}

#[test]
fn a_utf8_byte_order_mark_is_skipped_and_lines_stay_right() {
    let xml = format!(
        "\u{feff}{}",
        with_objects(&["<object><name>x</name></object>"])
    );
    let doc = read(&xml);
    assert_problem(
        only_problem(&doc),
        ProblemCode::MissingField,
        3,
        Some("bndbox"),
    );
}

#[test]
fn empty_elements_and_cdata_read_like_text() {
    let doc = read(&with_objects(&[
        "<object><name><![CDATA[a&b]]></name><pose/><point><x>1</x><y>2</y></point></object>",
    ]));
    assert_eq!(doc.problems, []);
    assert_eq!(labels(&doc), ["a&b"]);
    assert!(doc.annotations[0].attributes.is_empty());
}

#[test]
fn size_after_the_objects_still_bounds_them() {
    let xml = "<annotation>\n<object><name>a</name><point><x>500</x><y>5</y></point></object>\n<size><width>100</width><height>100</height></size>\n</annotation>";
    let doc = read(xml);
    assert_problem(
        only_problem(&doc),
        ProblemCode::OutOfBounds,
        2,
        Some("point"),
    );
    assert_eq!(doc.annotations.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Files that cannot be read

#[test]
fn a_mismatched_closing_tag_is_a_syntax_error_and_earlier_objects_are_kept() {
    let doc = read(&with_objects(&[
        GOOD_BOX,
        "<object><name>b</nam></object>",
        GOOD_BOX,
    ]));
    let problem = only_problem(&doc);
    assert_problem(problem, ProblemCode::Syntax, 4, None);
    assert_eq!(
        (problem.found.as_deref(), problem.expected.as_deref()),
        (Some("</nam>"), Some("</name>"))
    );
    assert_eq!(labels(&doc), ["ok"]);
}

#[test]
fn a_file_cut_inside_a_tag_is_truncated() {
    let xml = with_objects(&[GOOD_BOX, GOOD_BOX]);
    let cut = &xml[..xml.rfind("<xmax>").unwrap() + 3];
    let doc = read(cut);
    assert_problem(only_problem(&doc), ProblemCode::Truncated, 4, None);
    assert_eq!(labels(&doc), ["ok"]);
}

#[test]
fn a_file_cut_between_tags_is_truncated_at_the_innermost_open_element() {
    let xml = "<annotation>\n<size><width>10</width><height>10</height></size>\n<object>\n<name>a</name>\n<bndbox>\n<xmin>1</xmin>\n";
    let doc = read(xml);
    assert_problem(
        only_problem(&doc),
        ProblemCode::Truncated,
        5,
        Some("bndbox"),
    );
    assert!(doc.annotations.is_empty());
}

#[test]
fn an_empty_file_is_truncated() {
    for xml in ["", "  \n", "<?xml version=\"1.0\"?>\n<!-- nothing -->\n"] {
        let doc = read(xml);
        assert_eq!(only_problem(&doc).code, ProblemCode::Truncated, "{xml:?}");
    }
}

#[test]
fn an_unclosed_comment_is_truncated_at_its_start() {
    let doc = read(&with_objects(&[GOOD_BOX, "<!-- to do"]));
    assert_problem(only_problem(&doc), ProblemCode::Truncated, 4, None);
    assert_eq!(labels(&doc), ["ok"]);
}

#[test]
fn a_lone_ampersand_is_a_syntax_error() {
    let doc = read(&with_objects(&[
        GOOD_BOX,
        "<object><name>salt & pepper</name></object>",
    ]));
    let problem = only_problem(&doc);
    assert_problem(problem, ProblemCode::Syntax, 4, None);
    assert_eq!(problem.expected.as_deref(), Some("&amp;"));
}

#[test]
fn a_closing_tag_without_an_opening_one_is_a_syntax_error() {
    let doc = read("<annotation>\n</object>\n</annotation>");
    assert_problem(only_problem(&doc), ProblemCode::Syntax, 2, None);
}

#[test]
fn a_second_root_element_is_a_syntax_error() {
    let doc = read(&format!(
        "{}<annotation></annotation>",
        with_objects(&[GOOD_BOX])
    ));
    assert_problem(
        only_problem(&doc),
        ProblemCode::Syntax,
        5,
        Some("annotation"),
    );
    assert_eq!(labels(&doc), ["ok"]);
}

#[test]
fn an_undeclared_entity_is_kept_as_written_with_a_warning() {
    let doc = read(&with_objects(&[
        GOOD_BOX,
        "<object><name>a &nbsp; b</name><point><x>1</x><y>1</y></point></object>",
    ]));
    let problem = only_problem(&doc);
    assert_problem(problem, ProblemCode::Syntax, 4, None);
    assert_eq!(problem.severity, Severity::Warning);
    assert_eq!(labels(&doc), ["ok", "a &nbsp; b"]);
}

#[test]
fn a_doctype_is_forbidden_and_nothing_is_parsed() {
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE annotation>\n{}",
        with_objects(&[GOOD_BOX])
    );
    let doc = read(&xml);
    let problem = only_problem(&doc);
    assert_problem(problem, ProblemCode::Forbidden, 2, Some("<!DOCTYPE"));
    assert_eq!(problem.severity, Severity::Error);
    assert!(doc.annotations.is_empty() && doc.filename.is_none() && doc.width.is_none());
}

#[test]
fn an_entity_declaration_anywhere_is_forbidden() {
    // Not even valid where it stands, and in lower case: refused all the same.
    let doc = read(&with_objects(&[GOOD_BOX, "<!entity x \"y\">"]));
    assert_problem(
        only_problem(&doc),
        ProblemCode::Forbidden,
        4,
        Some("<!ENTITY"),
    );
    assert!(doc.annotations.is_empty());
}

#[test]
fn a_billion_laughs_bomb_is_refused_quickly() {
    let mut bomb =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    bomb.push_str(" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
    for i in 2..=9 {
        let prev = format!("&lol{};", i - 1);
        bomb.push_str(&format!(" <!ENTITY lol{i} \"{}\">\n", prev.repeat(10)));
    }
    bomb.push_str("]>\n<annotation><object><name>&lol9;</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>\n");
    let started = Instant::now();
    let doc = read(&bomb);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "took {:?}",
        started.elapsed()
    );
    assert_problem(
        only_problem(&doc),
        ProblemCode::Forbidden,
        2,
        Some("<!DOCTYPE"),
    );
    assert!(doc.annotations.is_empty());
}

#[test]
fn non_utf8_bytes_are_reported_at_their_line() {
    // A label written in GBK: "中文" is D6 D0 CE C4.
    let mut bytes = with_objects(&[GOOD_BOX]).into_bytes();
    bytes.truncate(bytes.len() - "</annotation>\n".len());
    bytes.extend(b"<object><name>");
    bytes.extend([0xD6, 0xD0, 0xCE, 0xC4]);
    bytes.extend(b"</name></object>\n</annotation>\n");
    let doc = parse(&bytes, "labels/a.xml");
    let problem = only_problem(&doc);
    assert_problem(problem, ProblemCode::NotUtf8, 4, None);
    assert_eq!(problem.found.as_deref(), Some("bytes 0xD6 0xD0 0xCE 0xC4"));
    assert!(doc.annotations.is_empty());
}

#[test]
fn utf16_is_named_in_the_problem() {
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("<annotation/>".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let doc = parse(&utf16, "labels/a.xml");
    let problem = only_problem(&doc);
    assert_problem(problem, ProblemCode::NotUtf8, 1, None);
    assert_eq!(problem.found.as_deref(), Some("a UTF-16 byte order mark"));
}

#[test]
fn a_root_other_than_annotation_is_a_layout_mismatch() {
    let doc = read("<?xml version=\"1.0\"?>\n\n<annotations><image/></annotations>");
    let problem = only_problem(&doc);
    assert_problem(problem, ProblemCode::LayoutMismatch, 3, Some("annotations"));
    assert_eq!(problem.expected.as_deref(), Some("<annotation>"));
}

#[test]
fn nesting_beyond_the_limit_is_too_deep_and_stops_the_file() {
    let junk = format!("{}{}", "<junk>".repeat(100), "</junk>".repeat(100));
    let doc = read(&with_objects(&[GOOD_BOX, &junk, GOOD_BOX]));
    let problem = only_problem(&doc);
    assert_problem(problem, ProblemCode::TooDeep, 4, Some("junk"));
    assert_eq!(labels(&doc), ["ok"]);
    // 64 levels are fine: the root, then 63 more.
    let junk = format!("{}{}", "<junk>".repeat(63), "</junk>".repeat(63));
    assert_eq!(read(&with_objects(&[&junk])).problems, []);
}

#[test]
fn a_file_over_the_size_limit_is_too_large() {
    let bytes = vec![b' '; MAX_FILE_BYTES + 1];
    let doc = parse(&bytes, "labels/a.xml");
    assert_problem(only_problem(&doc), ProblemCode::TooLarge, 1, None);
}

#[test]
fn an_object_of_too_many_elements_is_left_out_and_the_rest_kept() {
    let huge = format!(
        "<object><name>big</name>{}<point><x>1</x><y>1</y></point></object>",
        "<a/>".repeat(MAX_ELEMENTS_PER_OBJECT)
    );
    let doc = read(&with_objects(&[&huge, GOOD_BOX]));
    assert_problem(only_problem(&doc), ProblemCode::TooLarge, 3, Some("object"));
    assert_eq!(labels(&doc), ["ok"]);
}

#[test]
fn unknown_elements_are_parsed_but_not_kept() {
    let source = format!(
        "<source>{}</source>",
        "<a>1</a>".repeat(MAX_ELEMENTS_PER_OBJECT + 1)
    );
    let doc = read(&with_objects(&[&source, GOOD_BOX]));
    assert_eq!(doc.problems, []);
    assert_eq!(labels(&doc), ["ok"]);
}

#[test]
fn every_prefix_of_a_good_file_reads_without_panic() {
    for end in 0..ALL_SHAPES.len() {
        let Some(prefix) = ALL_SHAPES.get(..end) else {
            continue;
        };
        let doc = read(prefix);
        let expected = if prefix.contains("</annotation>") {
            0
        } else {
            1
        };
        let file_level = doc
            .problems
            .iter()
            .filter(|p| matches!(p.code, ProblemCode::Truncated | ProblemCode::Syntax))
            .count();
        assert_eq!(
            file_level, expected,
            "prefix of {end} bytes: {:#?}",
            doc.problems
        );
    }
}

#[test]
fn mutated_files_read_without_panic_and_every_problem_has_a_line() {
    // A small deterministic fuzz: flip, drop and insert bytes of the fixtures.
    let mut seed: u64 = 0x5eed;
    let mut next = move |below: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % below
    };
    let alphabet = b"<>/&;!-x1 .\"'\n\xff";
    for fixture in [ALL_SHAPES, EXTENSIONS, EXAMPLE] {
        for _ in 0..300 {
            let mut bytes = fixture.as_bytes().to_vec();
            for _ in 0..1 + next(4) {
                let at = next(bytes.len());
                match next(3) {
                    0 => bytes[at] = alphabet[next(alphabet.len())],
                    1 => drop(bytes.remove(at)),
                    _ => bytes.insert(at, alphabet[next(alphabet.len())]),
                }
            }
            let doc = parse(&bytes, "labels/a.xml");
            assert!(
                doc.problems.iter().all(|p| p.line.is_some()),
                "{:#?}",
                doc.problems
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Objects left out, the others kept

#[test]
fn an_object_without_a_name_is_left_out() {
    let doc = read(&with_objects(&[
        GOOD_BOX,
        "<object><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>",
        GOOD_BOX,
    ]));
    let problem = only_problem(&doc);
    assert_problem(problem, ProblemCode::MissingField, 4, Some("name"));
    assert_eq!(problem.severity, Severity::Error);
    assert_eq!(labels(&doc), ["ok", "ok"]);

    let doc = read(&with_objects(&[
        "<object>\n<name> </name><point><x>1</x><y>1</y></point></object>",
    ]));
    assert_problem(
        only_problem(&doc),
        ProblemCode::MissingField,
        4,
        Some("name"),
    );
}

#[test]
fn an_object_without_a_shape_is_left_out() {
    let doc = read(&with_objects(&[
        GOOD_BOX,
        "<object><name>b</name><pose>Left</pose></object>",
    ]));
    assert_problem(
        only_problem(&doc),
        ProblemCode::MissingField,
        4,
        Some("bndbox"),
    );
    assert_eq!(labels(&doc), ["ok"]);
}

#[test]
fn an_object_with_two_shapes_is_left_out() {
    let doc = read(&with_objects(&[
        "<object><name>b</name>\n<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox>\n<polygon><x1>1</x1></polygon>\n</object>",
    ]));
    let problem = only_problem(&doc);
    assert_problem(problem, ProblemCode::InvalidValue, 5, Some("polygon"));
    assert_eq!(problem.found.as_deref(), Some("<bndbox> and <polygon>"));
    assert!(doc.annotations.is_empty());
}

#[test]
fn a_non_numeric_coordinate_is_the_wrong_type() {
    let doc = read(&with_objects(&[
        GOOD_BOX,
        "<object><name>b</name><bndbox>\n<xmin>abc</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>",
    ]));
    let problem = only_problem(&doc);
    assert_problem(problem, ProblemCode::WrongType, 5, Some("bndbox.xmin"));
    assert_eq!(
        (problem.found.as_deref(), problem.severity),
        (Some("abc"), Severity::Error)
    );
    assert_eq!(labels(&doc), ["ok"]);
}

#[test]
fn nan_infinite_and_absurd_coordinates_are_invalid() {
    for value in ["NaN", "inf", "-infinity", "1e8", "-20000000", "1e400"] {
        let object =
            format!("<object><name>b</name><point><x>{value}</x><y>1</y></point></object>");
        let doc = read(&with_objects(&[&object]));
        let problem = only_problem(&doc);
        assert_problem(problem, ProblemCode::InvalidValue, 3, Some("point.x"));
        assert_eq!(problem.found.as_deref(), Some(value));
        assert!(doc.annotations.is_empty());
    }
}

#[test]
fn every_bad_coordinate_of_an_object_is_reported() {
    let doc = read(&with_objects(&[
        "<object><name>b</name><bndbox>\n<xmin>x</xmin>\n<ymin>NaN</ymin>\n<xmax></xmax>\n</bndbox></object>",
    ]));
    let found: Vec<_> = doc
        .problems
        .iter()
        .map(|p| (p.code, p.line, p.field.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (ProblemCode::MissingField, Some(3), Some("bndbox.ymax")),
            (ProblemCode::WrongType, Some(4), Some("bndbox.xmin")),
            (ProblemCode::InvalidValue, Some(5), Some("bndbox.ymin")),
            (ProblemCode::MissingField, Some(6), Some("bndbox.xmax")),
        ]
    );
}

#[test]
fn a_box_with_max_below_min_is_invalid() {
    let doc = read(&with_objects(&[
        "<object><name>b</name><bndbox><xmin>50</xmin><ymin>10</ymin>\n<xmax>40</xmax><ymax>20</ymax></bndbox></object>",
        GOOD_BOX,
    ]));
    let problem = only_problem(&doc);
    assert_problem(problem, ProblemCode::InvalidValue, 4, Some("bndbox.xmax"));
    assert_eq!(problem.found.as_deref(), Some("xmin 50, xmax 40"));
    assert_eq!(labels(&doc), ["ok"]);

    let doc = read(&with_objects(&[
        "<object><name>b</name><bndbox><xmin>5</xmin><ymin>10</ymin><xmax>40</xmax><ymax>2</ymax></bndbox></object>",
    ]));
    assert_problem(
        only_problem(&doc),
        ProblemCode::InvalidValue,
        3,
        Some("bndbox.ymax"),
    );
}

#[test]
fn a_polygon_needs_three_points() {
    let doc = read(&with_objects(&[
        "<object><name>b</name>\n<polygon><x1>1</x1><y1>1</y1><x2>5</x2><y2>5</y2></polygon></object>",
    ]));
    let problem = only_problem(&doc);
    assert_problem(problem, ProblemCode::InvalidValue, 4, Some("polygon"));
    assert_eq!(problem.found.as_deref(), Some("2 points"));
}

#[test]
fn a_polygon_with_an_odd_coordinate_count_is_invalid() {
    let doc = read(&with_objects(&[
        "<object><name>b</name><polygon><x1>1</x1><y1>1</y1><x2>5</x2><y2>5</y2>\n<x3>9</x3></polygon></object>",
    ]));
    let problem = only_problem(&doc);
    assert_problem(problem, ProblemCode::InvalidValue, 4, Some("polygon.y3"));
    assert!(doc.annotations.is_empty());
}

#[test]
fn a_polygon_with_a_gap_in_its_points_is_invalid() {
    let doc = read(&with_objects(&[
        "<object><name>b</name><polygon><x1>1</x1><y1>1</y1><x3>5</x3><y3>5</y3><x4>9</x4><y4>1</y4></polygon></object>",
    ]));
    let problem = only_problem(&doc);
    assert_problem(problem, ProblemCode::InvalidValue, 3, Some("polygon.x2"));
}

#[test]
fn a_polygon_coordinate_given_twice_is_invalid() {
    let doc = read(&with_objects(&[
        "<object><name>b</name><polygon><x1>1</x1><y1>1</y1>\n<x1>2</x1><x2>5</x2><y2>5</y2><x3>9</x3><y3>1</y3></polygon></object>",
    ]));
    assert_problem(
        only_problem(&doc),
        ProblemCode::InvalidValue,
        4,
        Some("polygon.x1"),
    );
}

#[test]
fn a_line_has_exactly_two_points() {
    let doc = read(&with_objects(&[
        "<object><name>b</name><line><x1>1</x1><y1>1</y1><x2>5</x2><y2>5</y2><x3>9</x3><y3>1</y3></line></object>",
    ]));
    assert_problem(
        only_problem(&doc),
        ProblemCode::InvalidValue,
        3,
        Some("line"),
    );
    let doc = read(&with_objects(&[
        "<object><name>b</name><dashed><x1>1</x1><y1>1</y1></dashed></object>",
    ]));
    assert_problem(
        only_problem(&doc),
        ProblemCode::InvalidValue,
        3,
        Some("dashed"),
    );
}

#[test]
fn a_point_without_coordinates_is_missing_them() {
    let doc = read(&with_objects(&[
        "<object><name>b</name><point><z>1</z></point></object>",
    ]));
    assert_problem(
        only_problem(&doc),
        ProblemCode::MissingField,
        3,
        Some("point.x"),
    );
    let doc = read(&with_objects(&[
        "<object><name>b</name><point><x1>1</x1></point></object>",
    ]));
    assert_problem(
        only_problem(&doc),
        ProblemCode::MissingField,
        3,
        Some("point.y1"),
    );
}

#[test]
fn a_circle_with_a_negative_radius_is_invalid() {
    let doc = read(&with_objects(&[
        "<object><name>b</name><circle><cx>1</cx><cy>1</cy><r>-3</r></circle></object>",
    ]));
    assert_problem(
        only_problem(&doc),
        ProblemCode::InvalidValue,
        3,
        Some("circle.r"),
    );
}

// ---------------------------------------------------------------------------------------------
// Warnings: the object is kept

#[test]
fn a_box_outside_the_image_is_kept_with_a_warning() {
    let doc = read(&with_objects(&[
        "<object><name>b</name><bndbox><xmin>10</xmin><ymin>10</ymin><xmax>120</xmax><ymax>50</ymax></bndbox></object>",
    ]));
    let problem = only_problem(&doc);
    assert_problem(problem, ProblemCode::OutOfBounds, 3, Some("bndbox.xmax"));
    assert_eq!(
        (problem.severity, problem.found.as_deref()),
        (Severity::Warning, Some("xmax 120"))
    );
    assert_eq!(labels(&doc), ["b"]);

    let doc = read(&with_objects(&[
        "<object><name>b</name><bndbox><xmin>-1</xmin><ymin>10</ymin><xmax>20</xmax><ymax>50</ymax></bndbox></object>",
    ]));
    assert_problem(
        only_problem(&doc),
        ProblemCode::OutOfBounds,
        3,
        Some("bndbox.xmin"),
    );
    // On the edge is inside: VOC counts pixels from 1.
    let doc = read(&with_objects(&[
        "<object><name>b</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>100</xmax><ymax>100</ymax></bndbox></object>",
    ]));
    assert_eq!(doc.problems, []);
}

#[test]
fn points_of_other_shapes_outside_the_image_are_kept_with_a_warning() {
    let doc = read(&with_objects(&[
        "<object><name>p</name>\n<polygon><x1>1</x1><y1>1</y1><x2>5</x2><y2>101</y2><x3>9</x3><y3>1</y3></polygon></object>",
        "<object><name>c</name><circle><cx>99</cx><cy>99</cy><r>20</r></circle></object>",
        "<object><name>q</name>\n<point><x>101</x><y>1</y></point></object>",
    ]));
    let found: Vec<_> = doc
        .problems
        .iter()
        .map(|p| (p.code, p.line, p.field.as_deref(), p.found.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (
                ProblemCode::OutOfBounds,
                Some(4),
                Some("polygon"),
                Some("point (5, 101)")
            ),
            (
                ProblemCode::OutOfBounds,
                Some(7),
                Some("point"),
                Some("point (101, 1)")
            ),
        ]
    );
    assert_eq!(labels(&doc), ["p", "c", "q"]);
}

#[test]
fn a_missing_size_is_a_warning_and_skips_bounds() {
    let xml = "<?xml version=\"1.0\"?>\n<annotation>\n<object><name>a</name><point><x>5000</x><y>1</y></point></object>\n</annotation>";
    let doc = read(xml);
    let problem = only_problem(&doc);
    assert_problem(problem, ProblemCode::MissingField, 2, Some("size"));
    assert_eq!(problem.severity, Severity::Warning);
    assert_eq!(labels(&doc), ["a"]);
}

#[test]
fn a_zero_or_bad_size_is_a_warning() {
    let doc = read(
        "<annotation>\n<size>\n<width>0</width>\n<height>10</height><depth>x</depth></size>\n</annotation>",
    );
    let found: Vec<_> = doc
        .problems
        .iter()
        .map(|p| (p.code, p.severity, p.line, p.field.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (
                ProblemCode::MissingField,
                Severity::Warning,
                Some(3),
                Some("size.width")
            ),
            (
                ProblemCode::WrongType,
                Severity::Warning,
                Some(4),
                Some("size.depth")
            ),
        ]
    );
    assert_eq!((doc.width, doc.height, doc.depth), (None, Some(10), None));

    let doc = read("<annotation>\n<size><height>10</height></size>\n</annotation>");
    assert_problem(
        only_problem(&doc),
        ProblemCode::MissingField,
        2,
        Some("size.width"),
    );
}

#[test]
fn flags_other_than_0_or_1_are_warnings() {
    let doc = read(&with_objects(&[
        "<object><name>a</name>\n<difficult>2</difficult>\n<truncated>yes</truncated><point><x>1</x><y>1</y></point></object>",
    ]));
    let found: Vec<_> = doc
        .problems
        .iter()
        .map(|p| (p.code, p.severity, p.line, p.field.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (
                ProblemCode::InvalidValue,
                Severity::Warning,
                Some(4),
                Some("difficult")
            ),
            (
                ProblemCode::InvalidValue,
                Severity::Warning,
                Some(5),
                Some("truncated")
            ),
        ]
    );
    let a = &doc.annotations[0];
    assert!(!a.difficult);
    assert_eq!(a.attributes["truncated"], json!("yes"));

    let doc = read(
        "<annotation>\n<size><width>1</width><height>1</height></size>\n<segmented>true</segmented></annotation>",
    );
    assert_problem(
        only_problem(&doc),
        ProblemCode::InvalidValue,
        3,
        Some("segmented"),
    );
}

#[test]
fn a_confidence_outside_0_to_1_is_dropped_with_a_warning() {
    let doc = read(&with_objects(&[
        "<object><name>a</name><confidence>1.5</confidence><point><x>1</x><y>1</y></point></object>",
    ]));
    assert_problem(
        only_problem(&doc),
        ProblemCode::InvalidValue,
        3,
        Some("confidence"),
    );
    assert_eq!(
        (doc.annotations[0].confidence, doc.annotations.len()),
        (None, 1)
    );
    let doc = read(&with_objects(&[
        "<object><name>a</name><confidence>high</confidence><point><x>1</x><y>1</y></point></object>",
    ]));
    assert_problem(
        only_problem(&doc),
        ProblemCode::WrongType,
        3,
        Some("confidence"),
    );
}

#[test]
fn a_bad_mask_color_is_kept_with_a_warning() {
    let doc = read(&with_objects(&[
        "<object><name>a</name><mask_color>#ff0000</mask_color><point><x>1</x><y>1</y></point></object>",
    ]));
    assert_problem(
        only_problem(&doc),
        ProblemCode::InvalidValue,
        3,
        Some("mask_color"),
    );
    assert_eq!(
        doc.annotations[0].attributes["mask_color"],
        json!("#ff0000")
    );
}

#[test]
fn broken_properties_are_skipped_with_warnings() {
    let doc = read(&with_objects(&[
        "<object><name>a</name><pose>Left</pose><properties>\n<property><value>1</value></property>\n<pose>Right</pose>\n<nested><b>1</b></nested>\n<ok>1</ok></properties><point><x>1</x><y>1</y></point></object>",
    ]));
    let found: Vec<_> = doc
        .problems
        .iter()
        .map(|p| (p.code, p.line, p.field.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (
                ProblemCode::MissingField,
                Some(4),
                Some("properties.property.key")
            ),
            (ProblemCode::InvalidValue, Some(5), Some("properties.pose")),
            (ProblemCode::WrongType, Some(6), Some("properties.nested")),
        ]
    );
    assert_eq!(
        json!(doc.annotations[0].attributes),
        json!({ "pose": "Left", "ok": 1 })
    );
}

#[test]
fn a_repeated_name_uses_the_first_with_a_warning() {
    let doc = read(&with_objects(&[
        "<object><name>a</name>\n<name>b</name><point><x>1</x><y>1</y></point></object>",
    ]));
    assert_problem(
        only_problem(&doc),
        ProblemCode::InvalidValue,
        4,
        Some("name"),
    );
    assert_eq!(labels(&doc), ["a"]);
}

#[test]
fn problems_come_in_file_order() {
    let doc = read(&with_objects(&[
        "<object><name>a</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>200</xmax><ymax>2</ymax></bndbox></object>",
        "<object><name>b</name></object>",
        "<object><name>c</name><difficult>7</difficult><point><x>1</x><y>1</y></point></object>",
    ]));
    let lines: Vec<_> = doc.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [Some(3), Some(4), Some(5)]);
}

// ---------------------------------------------------------------------------------------------
// Detection

fn summary(paths: &[&str]) -> ListingSummary {
    let mut summary = ListingSummary::default();
    for path in paths {
        summary.add(path);
    }
    summary
}

fn heads(path: &str) -> Option<Vec<u8>> {
    match path {
        p if p.ends_with("cvat.xml") => {
            Some(b"<?xml version=\"1.0\"?>\n<annotations><version>1.1</version>".to_vec())
        }
        p if p.ends_with("broken.xml") => Some(b"not xml at all".to_vec()),
        p if p.ends_with("unreadable.xml") => None,
        _ => Some(EXAMPLE.as_bytes()[..40].to_vec()),
    }
}

fn reasons(verdict: &Verdict) -> (f32, Vec<String>) {
    match verdict {
        Verdict::Match {
            confidence,
            reasons,
        } => (*confidence, reasons.clone()),
        Verdict::Reject { reason } => panic!("rejected: {reason}"),
    }
}

fn rejection(verdict: &Verdict) -> &str {
    match verdict {
        Verdict::Reject { reason } => reason,
        Verdict::Match { .. } => panic!("matched: {verdict:?}"),
    }
}

#[test]
fn images_beside_same_name_xml_files_match() {
    let s = summary(&[
        "data/a.jpg",
        "data/a.xml",
        "data/b.PNG",
        "data/b.xml",
        "data/c.jpeg",
        "data/c.xml",
        "data/d.xml",
        "e.bmp",
        "e.xml",
    ]);
    let (confidence, reasons) = reasons(&detect(&s, &heads));
    assert_eq!(confidence, 0.9);
    assert_eq!(
        reasons,
        [
            "5 .xml files, 4 pair with an image of the same name",
            "data/a.xml has root <annotation>"
        ]
    );
}

#[test]
fn weak_pairing_matches_with_low_confidence() {
    let s = summary(&["a.jpg", "a.xml", "x.xml", "y.xml", "z.xml"]);
    let (confidence, reasons) = reasons(&detect(&s, &heads));
    assert_eq!(confidence, 0.5);
    assert_eq!(
        reasons[0],
        "4 .xml files, only 1 pair with an image of the same name"
    );
}

#[test]
fn the_devkit_layout_matches_with_low_confidence() {
    let s = summary(&[
        "VOC2012/Annotations/2007_000027.xml",
        "VOC2012/JPEGImages/2007_000027.jpg",
    ]);
    let (confidence, reasons) = reasons(&detect(&s, &heads));
    assert_eq!(confidence, 0.5);
    assert!(
        reasons[0].contains("1 share a name with an image in another folder"),
        "{reasons:?}"
    );
    assert_eq!(
        reasons[1],
        "VOC2012/Annotations/2007_000027.xml has root <annotation>"
    );
}

#[test]
fn sources_without_paired_xml_are_rejected_with_the_reason() {
    assert_eq!(
        rejection(&detect(&summary(&["a.jpg", "a.txt"]), &heads)),
        "no .xml files"
    );
    assert_eq!(
        rejection(&detect(&summary(&["a.xml", "b.xml"]), &heads)),
        "2 .xml files but no images to pair them with"
    );
    assert_eq!(
        rejection(&detect(&summary(&["a.jpg", "b.xml"]), &heads)),
        "xml files do not pair with images: none of 1 .xml files has an image of the same name"
    );
}

#[test]
fn a_head_with_another_root_is_rejected() {
    let s = summary(&["img/cvat.jpg", "img/cvat.xml"]);
    assert_eq!(
        rejection(&detect(&s, &heads)),
        "img/cvat.xml root is <annotations>, expected <annotation>"
    );
    let s = summary(&["broken.jpg", "broken.xml"]);
    assert_eq!(
        rejection(&detect(&s, &heads)),
        "broken.xml does not start like XML: no root element in its first bytes"
    );
    let s = summary(&["unreadable.jpg", "unreadable.xml"]);
    assert_eq!(
        rejection(&detect(&s, &heads)),
        "could not read unreadable.xml to check its root element"
    );
}

#[test]
fn an_unreadable_head_is_skipped_for_the_next() {
    let s = summary(&["unreadable.jpg", "unreadable.xml", "b.jpg", "b.xml"]);
    let (_, reasons) = reasons(&detect(&s, &heads));
    assert_eq!(reasons[1], "b.xml has root <annotation>");
}

#[test]
fn crate_detection_ranks_voc_first_for_a_voc_source() {
    let s = summary(&["a.jpg", "a.xml"]);
    let all = crate::detect(&s, &heads);
    assert_eq!(all[0].format, "voc");
}
