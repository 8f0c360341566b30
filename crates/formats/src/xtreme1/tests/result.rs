use serde_json::json;
use wharf_model::{Annotation, Problem, ProblemCode, Severity, Shape};

use super::{assert_sentences, at_paths};
use crate::xtreme1::*;

const FUSION: &[u8] = include_bytes!("../../../tests/fixtures/xtreme1/fusion_result.json");
const IMAGE: &[u8] = include_bytes!("../../../tests/fixtures/xtreme1/image_result.json");
const FILE: &str = "result/000001.json";

fn read(value: serde_json::Value) -> (Vec<Annotation>, Vec<Problem>) {
    let (annotations, problems) = parse_result(value.to_string().as_bytes(), FILE);
    assert_sentences(&problems);
    (annotations, problems)
}

/// A file of the given objects.
fn objects(list: serde_json::Value) -> (Vec<Annotation>, Vec<Problem>) {
    read(json!({ "objects": list }))
}

fn box3d() -> serde_json::Value {
    json!({
        "type": "3D_BOX",
        "className": "Car",
        "contour": {
            "center3D": {"x": 1, "y": 2, "z": 0.5},
            "size3D": {"x": 4, "y": 2, "z": 1.5},
            "rotation3D": {"x": 0, "y": 0, "z": 0.25}
        }
    })
}

#[test]
fn an_xtreme1_fusion_export_reads_every_shape() {
    let (annotations, problems) = parse_result(FUSION, FILE);
    assert_sentences(&problems);
    // The 3D_SEGMENT_POINTS object is the one left out, with a warning that says why.
    assert_eq!(
        at_paths(&problems),
        [(
            ProblemCode::InvalidValue,
            Severity::Warning,
            "$[1].objects[1].type"
        )]
    );
    assert!(problems[0].message.contains("not imported yet"));
    assert!(problems[0].message.contains("per-point"));
    assert_eq!(annotations.len(), 4);
    assert!(annotations.iter().all(|a| a.source_format == "xtreme1"));

    let car = &annotations[0];
    assert_eq!(car.label, "Car");
    assert_eq!(
        car.shape,
        Shape::Box3d {
            center: [11.82, -2.41, -0.73],
            size: [4.36, 1.84, 1.52],
            rotation: [0.0, 0.0, 1.2217],
        }
    );
    assert_eq!(car.attributes["trackId"], "kq3Zt0aLw9");
    assert_eq!(car.attributes["trackName"], "7");
    assert_eq!(car.attributes["classId"], 880001);
    assert_eq!(car.attributes["classValues"][0]["value"], "no");
    assert_eq!(car.attributes["viewIndex"], 0);
    assert_eq!(car.confidence, None);

    let cuboid = &annotations[1];
    let Shape::Polygon { rings } = &cuboid.shape else {
        panic!("{:?}", cuboid.shape)
    };
    assert_eq!((rings.len(), rings[0].len()), (1, 8));
    assert_eq!(rings[0][0], [402.5, 188.0]);
    assert_eq!(cuboid.attributes["projected_cuboid"], true);
    assert_eq!(cuboid.attributes["viewIndex"], 1);

    // An empty className falls back on modelClass.
    let walker = &annotations[2];
    assert_eq!(walker.label, "pedestrian");
    assert_eq!(
        walker.shape,
        Shape::Box {
            x_min: 120.0,
            y_min: 95.5,
            x_max: 171.25,
            y_max: 260.0
        }
    );
    assert_eq!(walker.confidence, Some(0.83));

    // The second source's objects are concatenated; no name, so the class id names it.
    assert_eq!(annotations[3].label, "class_880002");
    assert_eq!(annotations[3].confidence, Some(0.61));
}

#[test]
fn a_basicai_export_with_instances_reads_boxes_polygons_and_lines() {
    let (annotations, problems) = parse_result(IMAGE, FILE);
    assert_eq!(problems, []);
    let labels: Vec<_> = annotations.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(labels, ["car", "crosswalk", "lane"]);
    assert_eq!(
        annotations[0].shape,
        Shape::Box {
            x_min: 812.4,
            y_min: 430.1,
            x_max: 955.0,
            y_max: 597.75
        }
    );
    assert_eq!(annotations[0].attributes["classValues"][0]["name"], "color");
    assert!(!annotations[0].attributes.contains_key("viewIndex"));
    assert_eq!(
        annotations[1].shape,
        Shape::Polygon {
            rings: vec![vec![
                [100.0, 700.0],
                [620.0, 690.0],
                [640.0, 760.0],
                [90.0, 775.0]
            ]]
        }
    );
    assert_eq!(
        annotations[2].shape,
        Shape::Polyline {
            points: vec![[0.0, 1000.0], [400.0, 720.0], [520.0, 640.0]],
            dashed: false
        }
    );
}

#[test]
fn a_wrong_type_deep_in_a_contour_names_its_path() {
    let mut bad = box3d();
    bad["contour"]["center3D"]["x"] = json!("11.8");
    let (annotations, problems) = objects(json!([box3d(), box3d(), box3d(), bad, box3d()]));
    assert_eq!(annotations.len(), 4);
    assert_eq!(
        at_paths(&problems),
        [(
            ProblemCode::WrongType,
            Severity::Error,
            "$.objects[3].contour.center3D.x"
        )]
    );
    assert_eq!(problems[0].field.as_deref(), Some("x"));
    assert_eq!(problems[0].found.as_deref(), Some("\"11.8\""));
    assert_eq!(problems[0].file, FILE);
}

#[test]
fn broken_objects_are_left_out_each_with_its_problem() {
    let mut no_center = box3d();
    no_center["contour"]
        .as_object_mut()
        .unwrap()
        .remove("center3D");
    let mut no_z = box3d();
    no_z["contour"]["size3D"]
        .as_object_mut()
        .unwrap()
        .remove("z");
    let mut negative = box3d();
    negative["contour"]["size3D"]["y"] = json!(-2);
    let mut center_list = box3d();
    center_list["contour"]["center3D"] = json!([1, 2, 3]);
    let (annotations, problems) = objects(json!([
        {"type": "3D_BOX", "className": "Car"},
        {"type": "3D_BOX", "className": "Car", "contour": "none"},
        no_center,
        no_z,
        negative,
        center_list,
        {"className": "Car", "contour": {}},
        {"type": 3, "contour": {}},
        {"type": "2D_BOX", "className": "Car", "contour": {"points": [{"x": 1, "y": 1}, {"x": 2, "y": 2}, {"x": 3, "y": 3}, {"x": 4, "y": 4}, {"x": 5, "y": 5}, {"x": 6, "y": 6}]}},
        {"type": "POLYGON", "className": "lake", "contour": {"points": [{"x": 1, "y": 1}, {"x": 2, "y": 2}]}},
        {"type": "POLYLINE", "className": "lane", "contour": {"points": [{"x": 1, "y": 1}, [2, 2]]}},
        {"type": "BOUNDING_BOX", "className": "car", "contour": {"points": [{"x": 1}, {"x": 2, "y": 2}]}},
        {"type": "2D_RECT", "className": "car", "contour": {"points": {"x": 1, "y": 1}}},
        {"type": "BOUNDING_BOX", "contour": {"points": [{"x": 1, "y": 1}, {"x": 2, "y": 2}]}},
        "object",
        box3d()
    ]));
    assert_eq!(annotations.len(), 1);
    assert_eq!(
        at_paths(&problems),
        [
            (
                ProblemCode::MissingField,
                Severity::Error,
                "$.objects[0].contour"
            ),
            (
                ProblemCode::WrongType,
                Severity::Error,
                "$.objects[1].contour"
            ),
            (
                ProblemCode::MissingField,
                Severity::Error,
                "$.objects[2].contour.center3D"
            ),
            (
                ProblemCode::MissingField,
                Severity::Error,
                "$.objects[3].contour.size3D.z"
            ),
            (
                ProblemCode::InvalidValue,
                Severity::Error,
                "$.objects[4].contour.size3D.y"
            ),
            (
                ProblemCode::WrongType,
                Severity::Error,
                "$.objects[5].contour.center3D"
            ),
            (
                ProblemCode::MissingField,
                Severity::Error,
                "$.objects[6].type"
            ),
            (ProblemCode::WrongType, Severity::Error, "$.objects[7].type"),
            (
                ProblemCode::InvalidValue,
                Severity::Error,
                "$.objects[8].contour.points"
            ),
            (
                ProblemCode::InvalidValue,
                Severity::Error,
                "$.objects[9].contour.points"
            ),
            (
                ProblemCode::WrongType,
                Severity::Error,
                "$.objects[10].contour.points[1]"
            ),
            (
                ProblemCode::MissingField,
                Severity::Error,
                "$.objects[11].contour.points[0].y"
            ),
            (
                ProblemCode::WrongType,
                Severity::Error,
                "$.objects[12].contour.points"
            ),
            (
                ProblemCode::MissingField,
                Severity::Error,
                "$.objects[13].className"
            ),
            (ProblemCode::WrongType, Severity::Error, "$.objects[14]"),
        ]
    );
    assert_eq!(problems[8].expected.as_deref(), Some("8 points"));
}

#[test]
fn unknown_and_unsupported_types_are_warnings_and_left_out() {
    let (annotations, problems) = objects(json!([
        {"type": "CUBOID", "className": "Car", "contour": {}},
        {"type": "3d_box", "className": "Car", "contour": {}},
        {"type": "3D_SEGMENT_POINTS", "className": "Road"},
        box3d()
    ]));
    assert_eq!(annotations.len(), 1);
    assert_eq!(
        at_paths(&problems),
        [
            (
                ProblemCode::InvalidValue,
                Severity::Warning,
                "$.objects[0].type"
            ),
            (
                ProblemCode::InvalidValue,
                Severity::Warning,
                "$.objects[1].type"
            ),
            (
                ProblemCode::InvalidValue,
                Severity::Warning,
                "$.objects[2].type"
            ),
        ]
    );
    assert!(
        problems[1].message.contains("write 3D_BOX"),
        "{}",
        problems[1].message
    );
}

#[test]
fn labels_fall_back_and_optional_values_are_checked() {
    let mut no_rotation = box3d();
    no_rotation["contour"]
        .as_object_mut()
        .unwrap()
        .remove("rotation3D");
    let mut named_number = box3d();
    named_number["className"] = json!(7);
    named_number["classId"] = json!("ab12");
    let mut too_sure = box3d();
    too_sure["modelConfidence"] = json!(87);
    let mut text_confidence = box3d();
    text_confidence["modelConfidence"] = json!("high");
    let mut track = box3d();
    track["trackId"] = json!(null);
    track["viewIndex"] = json!(2);
    let (annotations, problems) = objects(json!([
        no_rotation,
        named_number,
        too_sure,
        text_confidence,
        track
    ]));
    assert_eq!(annotations.len(), 5);
    assert_eq!(
        at_paths(&problems),
        [
            (
                ProblemCode::MissingField,
                Severity::Warning,
                "$.objects[0].contour.rotation3D"
            ),
            (
                ProblemCode::WrongType,
                Severity::Warning,
                "$.objects[1].className"
            ),
            (
                ProblemCode::InvalidValue,
                Severity::Warning,
                "$.objects[2].modelConfidence"
            ),
            (
                ProblemCode::WrongType,
                Severity::Warning,
                "$.objects[3].modelConfidence"
            ),
        ]
    );
    let Shape::Box3d { rotation, .. } = annotations[0].shape else {
        panic!()
    };
    assert_eq!(rotation, [0.0; 3]);
    assert_eq!(annotations[1].label, "class_ab12");
    assert_eq!(annotations[2].confidence, None);
    assert!(!annotations[4].attributes.contains_key("trackId"));
    assert_eq!(annotations[4].attributes["viewIndex"], 2);
}

#[test]
fn the_top_level_must_hold_objects() {
    let (annotations, problems) = read(json!({"result": {"objects": [box3d()]}}));
    assert_eq!(annotations, []);
    assert_eq!(
        at_paths(&problems),
        [(ProblemCode::MissingField, Severity::Error, "$.objects")]
    );
    assert!(problems[0].message.contains("no longer reads"));

    let (_, problems) = read(json!({"dataId": 1}));
    assert_eq!(
        at_paths(&problems),
        [(ProblemCode::MissingField, Severity::Error, "$.objects")]
    );
    let (_, problems) = read(json!({"objects": {"0": box3d()}}));
    assert_eq!(
        at_paths(&problems),
        [(ProblemCode::WrongType, Severity::Error, "$.objects")]
    );
    let (_, problems) = read(json!([{"objects": []}, 5]));
    assert_eq!(
        at_paths(&problems),
        [(ProblemCode::WrongType, Severity::Error, "$[1]")]
    );
    let (_, problems) = read(json!("objects"));
    assert_eq!(
        at_paths(&problems),
        [(ProblemCode::WrongType, Severity::Error, "$")]
    );
    let (annotations, problems) =
        read(json!({"objects": [box3d()], "instances": [box3d(), box3d()]}));
    assert_eq!(annotations.len(), 1);
    assert_eq!(
        at_paths(&problems),
        [(ProblemCode::InvalidValue, Severity::Warning, "$.instances")]
    );
    let (annotations, problems) = read(json!({"objects": []}));
    assert_eq!((annotations.len(), problems.len()), (0, 0));
}

#[test]
fn unreadable_files_are_one_problem() {
    let problem = |bytes: &[u8]| {
        let (annotations, problems) = parse_result(bytes, FILE);
        assert_eq!(annotations, []);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_sentences(&problems);
        problems.into_iter().next().unwrap()
    };
    let p = problem(b"{\"objects\": [\n  {\"type\": \"3D_BOX\",,}]}");
    assert_eq!((p.code, p.line), (ProblemCode::Syntax, Some(2)));
    let p = problem(b"{\"objects\": [\n");
    assert_eq!(p.code, ProblemCode::Truncated);
    let p = problem(b"{\"objects\": [{\"className\": \"Stra\xDFe\"}]}");
    assert_eq!(
        (p.code, p.found.as_deref()),
        (ProblemCode::NotUtf8, Some("byte 0xDF"))
    );
    let deep = format!(
        "{{\"objects\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let p = problem(deep.as_bytes());
    assert_eq!(p.code, ProblemCode::TooDeep);
    let big = vec![b' '; MAX_JSON_BYTES + 1];
    let p = problem(&big);
    assert_eq!(p.code, ProblemCode::TooLarge);
}

#[test]
fn problems_past_the_limit_are_counted_not_listed() {
    let list: Vec<_> = (0..1500).map(|_| json!({"type": "3D_BOX"})).collect();
    let (_, problems) = objects(json!(list));
    assert_eq!(problems.len(), 1001);
    let last = problems.last().unwrap();
    assert_eq!(last.code, ProblemCode::TooLarge);
    assert!(
        last.message.starts_with("500 more problems"),
        "{}",
        last.message
    );
}

#[test]
fn no_input_panics_the_json_readers() {
    const ALPHABET: &[u8] =
        b"{}[]:,\"0123456789.-e objectstypecontourpointsxyz3D_BOX\\\xC3\xA9\xFF";
    let mut seed = 3u64;
    for round in 0..3000 {
        let bytes: Vec<u8> = (0..round % 160)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ALPHABET[(seed >> 33) as usize % ALPHABET.len()]
            })
            .collect();
        let _ = parse_result(&bytes, FILE);
        let _ = parse_camera_config(&bytes, FILE);
    }
    // Structurally valid JSON of the right keys with every value kind in every place.
    let values = [
        json!(null),
        json!(1),
        json!(-1e308),
        json!("s"),
        json!([]),
        json!({}),
        json!(true),
    ];
    for value in &values {
        for key in [
            "type",
            "contour",
            "className",
            "classId",
            "modelConfidence",
            "points",
        ] {
            let mut outer = box3d();
            outer[key] = value.clone();
            let mut inner = box3d();
            inner["contour"][key] = value.clone();
            let _ = objects(json!([outer, inner]));
            let mut camera = serde_json::Map::new();
            camera.insert(key.to_owned(), value.clone());
            camera.insert("cameraInternal".to_owned(), value.clone());
            camera.insert("cameraExternal".to_owned(), json!([value, 1, 2]));
            let cameras = json!([camera]).to_string();
            let _ = parse_camera_config(cameras.as_bytes(), FILE);
        }
    }
}
