//! Tests of the VOC reader: fixtures for every shape and extension, then a corpus of broken
//! files, each asserting the exact problem code and line.

use std::time::{Duration, Instant};

use serde_json::json;
use wharf_model::{AnnotationPart, Problem, ProblemCode, Severity, Shape};

use super::object::json_value;
use super::*;
use crate::{ListingSummary, Verdict};

const EXAMPLE: &str = include_str!("../../tests/fixtures/voc/modelarts_example.xml");
const ALL_SHAPES: &str = include_str!("../../tests/fixtures/voc/all_shapes.xml");
const EXTENSIONS: &str = include_str!("../../tests/fixtures/voc/modelarts_extensions.xml");
const PERSON_LAYOUT: &str = include_str!("../../tests/fixtures/voc/voc2012_person_layout.xml");

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

fn bndbox(x_min: f64, y_min: f64, x_max: f64, y_max: f64) -> Shape {
    Shape::Box {
        x_min,
        y_min,
        x_max,
        y_max,
    }
}

#[test]
fn parts_actions_and_the_reference_point_of_voc2012_are_kept() {
    let doc = read(PERSON_LAYOUT);
    let [person, train] = doc.annotations.as_slice() else {
        panic!("{:?}", doc.annotations)
    };
    assert_eq!(
        (person.label.as_str(), &person.shape),
        ("person", &bndbox(180.0, 54.0, 357.0, 333.0))
    );
    assert_eq!(
        person.parts,
        [
            AnnotationPart {
                label: "head".into(),
                shape: bndbox(223.0, 60.0, 277.0, 127.0)
            },
            AnnotationPart {
                label: "hand".into(),
                shape: bndbox(180.0, 192.0, 209.0, 222.0)
            },
            AnnotationPart {
                label: "foot".into(),
                shape: bndbox(278.0, 310.0, 310.0, 340.0)
            },
        ]
    );
    assert_eq!(
        json!(person.attributes),
        json!({
            "actions": ["phoning", "walking"], "point": [248.0, 96.0],
            "pose": "Frontal", "truncated": 0,
        })
    );
    assert!(!person.difficult && train.difficult && train.parts.is_empty());
    // The foot reaches below the 500×333 image: reported on its own line, the part kept.
    let problem = only_problem(&doc);
    assert_eq!(
        (problem.code, problem.line, problem.field.as_deref()),
        (ProblemCode::OutOfBounds, Some(38), Some("bndbox.ymax"))
    );
    assert!(problem.message.contains("'person's foot'"), "{problem:?}");
}

#[test]
fn a_broken_part_is_left_out_and_its_object_kept() {
    let doc = read(&with_objects(&[
        "<object><name>person</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>50</xmax><ymax>50</ymax></bndbox>\n<part><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></part>\n<part><name>hand</name><bndbox><xmin>x</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></part>\n<part><name>foot</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></part></object>",
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
                ProblemCode::MissingField,
                Severity::Error,
                Some(4),
                Some("part.name")
            ),
            (
                ProblemCode::WrongType,
                Severity::Error,
                Some(5),
                Some("bndbox.xmin")
            ),
        ]
    );
    let parts: Vec<&str> = doc.annotations[0]
        .parts
        .iter()
        .map(|p| p.label.as_str())
        .collect();
    assert_eq!(parts, ["foot"]);
}

#[test]
fn a_bad_reference_point_or_action_flag_is_a_warning() {
    let doc = read(&with_objects(&[
        "<object><name>person</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>50</xmax><ymax>50</ymax></bndbox>\n<point><x>a</x><y>3</y></point>\n<actions><jumping>yes</jumping><reading>1</reading></actions></object>",
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
                Some("point.x")
            ),
            (
                ProblemCode::InvalidValue,
                Severity::Warning,
                Some(5),
                Some("jumping")
            ),
        ]
    );
    assert_eq!(
        json!(doc.annotations[0].attributes),
        json!({ "actions": ["reading"] })
    );
}

#[test]
fn shapes_are_checked_against_the_image_header_when_it_disagrees_with_size() {
    let xml = with_objects(&[
        "<object><name>wide</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>90</xmax><ymax>20</ymax></bndbox></object>",
    ]);
    let image = LabelledImage {
        path: "JPEGImages/a.jpg",
        width: 50,
        height: 100,
    };
    let file = super::read(xml.as_bytes(), "labels/a.xml");
    assert_eq!(file.filename(), None);
    let doc = file.check(Some(image));
    let found: Vec<_> = doc
        .problems
        .iter()
        .map(|p| {
            (
                p.code,
                p.line,
                p.field.as_deref(),
                p.found.as_deref(),
                p.expected.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                ProblemCode::InvalidValue,
                Some(2),
                Some("size"),
                Some("100×100"),
                Some("50×100, the size in the header of 'JPEGImages/a.jpg'")
            ),
            (
                ProblemCode::OutOfBounds,
                Some(3),
                Some("bndbox.xmax"),
                Some("xmax 90"),
                Some("0 ≤ x ≤ 50 and 0 ≤ y ≤ 100")
            ),
        ]
    );
    assert!(
        doc.problems[0]
            .message
            .contains("<size> says 100×100 but the image 'JPEGImages/a.jpg' is 50×100"),
        "{:?}",
        doc.problems[0]
    );
    // The same size: nothing to say; no header: checked against <size>, as parse does.
    let same = LabelledImage {
        width: 100,
        ..image
    };
    assert_eq!(
        super::read(xml.as_bytes(), "labels/a.xml")
            .check(Some(same))
            .problems,
        []
    );
    assert_eq!(
        super::read(xml.as_bytes(), "labels/a.xml").check(None),
        parse(xml.as_bytes(), "labels/a.xml")
    );
}

// ---------------------------------------------------------------------------------------------
// The devkit's folders and split lists

#[test]
fn devkit_paths_give_roots_ids_splits_and_masks() {
    use devkit::{Split, annotations_root, is_structure, mask, place, split_list};
    assert_eq!(
        place("VOC2012/JPEGImages/2008_000008.jpg"),
        ("VOC2012", "2008_000008")
    );
    assert_eq!(
        place("VOC2012/Annotations/2008_000008.xml"),
        ("VOC2012", "2008_000008")
    );
    assert_eq!(place("data/x.y.jpg"), ("data", "x.y"));
    assert_eq!(place("x.jpg"), ("", "x"));
    assert_eq!(annotations_root("a/b/Annotations/x.xml"), Some("a/b"));
    assert_eq!(annotations_root("Annotations/x.xml"), Some(""));
    assert_eq!(annotations_root("data/x.xml"), None);
    assert_eq!(
        split_list("VOC2012/ImageSets/Main/val.txt"),
        Some(("VOC2012", Split::Val))
    );
    assert_eq!(
        split_list("ImageSets/Main/trainval.txt"),
        Some(("", Split::TrainVal))
    );
    for not_a_split in [
        "VOC2012/ImageSets/Main/cat_train.txt",
        "VOC2012/ImageSets/Segmentation/train.txt",
        "VOC2012/MyImageSets/Main/train.txt",
        "train.txt",
    ] {
        assert_eq!(split_list(not_a_split), None, "{not_a_split}");
    }
    assert_eq!(
        mask("VOC2012/SegmentationObject/2008_000008.png"),
        Some(("VOC2012", "2008_000008"))
    );
    assert_eq!(mask("VOC2012/JPEGImages/2008_000008.png"), None);
    assert!(is_structure("VOC2012/ImageSets/Action/jumping_val.txt"));
    assert!(is_structure("SegmentationClass/x.png"));
    assert!(!is_structure("VOC2012/JPEGImages/x.jpg"));
    assert!(!is_structure("ImageSets"));
    let usages: Vec<_> = Split::ORDER.iter().map(|s| s.usage()).collect();
    assert_eq!(usages, ["train", "eval", "test", "train"]);
    use crate::Layout;
    assert!(VocLayout.is_structure("VOC2012/ImageSets/Main/cat_train.txt"));
    assert!(VocLayout.is_structure("VOC2012/SegmentationObject/x.png"));
    assert!(!VocLayout.is_structure("VOC2012/README.txt"));
}

#[test]
fn split_lists_give_one_id_a_line() {
    let (listed, problems) = devkit::parse_split_list(
        b"2008_000008\r\n\n  2008_000015  \n2008_000019 1\n",
        "ImageSets/Main/train.txt",
    );
    let ids: Vec<_> = listed.iter().map(|l| (l.id.as_str(), l.line)).collect();
    assert_eq!(
        ids,
        [("2008_000008", 1), ("2008_000015", 3), ("2008_000019", 4)]
    );
    let [problem] = problems.as_slice() else {
        panic!("{problems:?}")
    };
    assert_eq!(
        (problem.code, problem.severity, problem.line),
        (ProblemCode::InvalidValue, Severity::Warning, Some(4))
    );
    let (listed, problems) = devkit::parse_split_list(b"a\nb\xff\n", "train.txt");
    assert!(listed.is_empty());
    assert_eq!(
        (problems[0].code, problems[0].line),
        (ProblemCode::NotUtf8, Some(2))
    );
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
fn the_devkit_tree_matches_with_high_confidence_naming_its_folders() {
    let s = summary(&[
        "VOCdevkit/VOC2012/Annotations/2007_000027.xml",
        "VOCdevkit/VOC2012/Annotations/2007_000032.xml",
        "VOCdevkit/VOC2012/ImageSets/Main/train.txt",
        "VOCdevkit/VOC2012/ImageSets/Main/cat_train.txt",
        "VOCdevkit/VOC2012/ImageSets/Segmentation/val.txt",
        "VOCdevkit/VOC2012/JPEGImages/2007_000027.jpg",
        "VOCdevkit/VOC2012/JPEGImages/2007_000032.jpg",
        "VOCdevkit/VOC2012/SegmentationClass/2007_000032.png",
        "VOCdevkit/VOC2012/SegmentationObject/2007_000032.png",
        "VOCdevkit/README.txt",
    ]);
    let (confidence, reasons) = reasons(&detect(&s, &heads));
    assert_eq!(confidence, 0.95);
    assert_eq!(
        reasons,
        [
            "a Pascal VOC devkit tree under VOCdevkit/VOC2012/: Annotations/ (2 .xml files looked at), JPEGImages/, ImageSets/ (Main, Segmentation), SegmentationClass/, SegmentationObject/",
            "VOCdevkit/VOC2012/Annotations/2007_000027.xml has root <annotation>",
        ]
    );
    let all = crate::detect(&s, &heads);
    assert_eq!(all[0].format, "voc");
}

#[test]
fn a_devkit_tree_at_the_top_without_images_matches_as_annotations_only() {
    let s = summary(&[
        "Annotations/a.xml",
        "ImageSets/Main/train.txt",
        "SegmentationClass/a.png",
    ]);
    let (confidence, reasons) = reasons(&detect(&s, &heads));
    assert_eq!(confidence, 0.9);
    assert_eq!(
        reasons[..2],
        [
            "a Pascal VOC devkit tree at the top of the source: Annotations/ (1 .xml files looked at), ImageSets/ (Main), SegmentationClass/",
            "no JPEGImages/, images/, Images/ folder: annotations only, each .xml file is imported as a sample of its own",
        ]
    );
}

#[test]
fn xml_files_without_images_match_as_annotations_only() {
    let s = summary(&["labels/a.xml", "labels/b.xml", "notes.txt"]);
    let (confidence, reasons) = reasons(&detect(&s, &heads));
    assert_eq!(confidence, 0.7);
    assert_eq!(
        reasons,
        [
            "2 .xml files and no images: annotations only, each file is imported as a sample of its own",
            "labels/a.xml has root <annotation>",
        ]
    );
    assert_eq!(crate::detect(&s, &heads)[0].format, "voc");
    // Other XML is still not VOC.
    assert_eq!(
        rejection(&detect(&summary(&["cvat.xml"]), &heads)),
        "1 .xml files and no images; cvat.xml root is <annotations>, expected <annotation>"
    );
}

#[test]
fn annotations_beside_an_unrelated_image_folder_still_pair_by_name() {
    let s = summary(&["set/Annotations/a.xml", "set/pictures/a.jpg"]);
    let (confidence, reasons) = reasons(&detect(&s, &heads));
    assert_eq!(confidence, 0.5);
    assert!(
        reasons[0].contains("1 share a name with an image in another folder"),
        "{reasons:?}"
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
