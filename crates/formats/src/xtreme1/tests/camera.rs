use serde_json::json;
use wharf_model::{ProblemCode, Severity};

use super::{assert_sentences, at_paths};
use crate::xtreme1::*;

const CAMERAS: &[u8] = include_bytes!("../../../tests/fixtures/xtreme1/camera_config.json");
const FILE: &str = "camera_config/000001.json";

fn read(value: serde_json::Value) -> (Vec<CameraConfig>, Vec<wharf_model::Problem>) {
    let (cameras, problems) = parse_camera_config(value.to_string().as_bytes(), FILE);
    assert_sentences(&problems);
    (cameras, problems)
}

/// A good camera, row-major, of intrinsics `fx`.
fn good(fx: f64) -> serde_json::Value {
    json!({
        "cameraInternal": {"fx": fx, "fy": fx, "cx": 640, "cy": 360},
        "cameraExternal": [1, 0, 0, 0.5, 0, 1, 0, 0, 0, 0, 1, -1.2, 0, 0, 0, 1],
        "width": 1280,
        "height": 720
    })
}

#[test]
fn both_key_styles_and_column_major_matrices_are_read() {
    let (cameras, problems) = parse_camera_config(CAMERAS, FILE);
    assert_eq!(problems, []);
    assert_eq!(cameras.len(), 2);
    let kitti = &cameras[0];
    assert_eq!(
        (
            kitti.index,
            kitti.fx,
            kitti.cy,
            kitti.width,
            kitti.height,
            kitti.transposed
        ),
        (0, 721.5377, 172.854, Some(1242), Some(375), false)
    );
    assert_eq!(kitti.external[3], -0.0041);
    assert_eq!(kitti.external[12..], [0.0, 0.0, 0.0, 1.0]);

    // `camera_internal`/`camera_external`, `rowMajor: false`: transposed to row-major.
    let nuscenes = &cameras[1];
    assert_eq!(
        (nuscenes.index, nuscenes.fx, nuscenes.transposed),
        (1, 1266.4, true)
    );
    assert_eq!(
        nuscenes.external,
        [
            0.0, -1.0, 0.0, 0.12, 0.0, 0.0, -1.0, -0.33, 1.0, 0.0, 0.0, -1.05, 0.0, 0.0, 0.0, 1.0
        ]
    );
}

#[test]
fn a_column_major_layout_is_transposed_with_a_warning() {
    let (cameras, problems) = read(json!([{
        "cameraInternal": {"fx": 1000, "fy": 1000, "cx": 960, "cy": 540},
        "cameraExternal": [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0.3, -0.1, 1.6, 1]
    }]));
    assert_eq!(
        at_paths(&problems),
        [(
            ProblemCode::InvalidValue,
            Severity::Warning,
            "$[0].cameraExternal"
        )]
    );
    assert!(cameras[0].transposed);
    assert_eq!(cameras[0].external[3], 0.3);
    assert_eq!(cameras[0].external[11], 1.6);
    assert_eq!((cameras[0].width, cameras[0].height), (None, None));
}

#[test]
fn a_matrix_of_the_wrong_length_drops_that_camera_and_keeps_the_pairing() {
    let mut short = good(1000.0);
    short["cameraExternal"] = json!([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
    let (cameras, problems) = read(json!([short, good(900.0)]));
    assert_eq!(
        at_paths(&problems),
        [(
            ProblemCode::InvalidValue,
            Severity::Error,
            "$[0].cameraExternal"
        )]
    );
    assert_eq!(problems[0].found.as_deref(), Some("12 numbers"));
    assert_eq!(problems[0].expected.as_deref(), Some("16 numbers"));
    assert_eq!(cameras.len(), 1);
    assert_eq!((cameras[0].index, cameras[0].fx), (1, 900.0));
}

#[test]
fn wrong_types_and_missing_keys_name_their_json_path() {
    let mut text_in_matrix = good(1.0);
    text_in_matrix["cameraExternal"][5] = json!("1");
    let mut fx_text = good(1.0);
    fx_text["cameraInternal"]["fx"] = json!("721.5");
    let mut no_internal = good(1.0);
    no_internal
        .as_object_mut()
        .unwrap()
        .remove("cameraInternal");
    let mut no_cy = good(1.0);
    no_cy["cameraInternal"]
        .as_object_mut()
        .unwrap()
        .remove("cy");
    let mut no_external = good(1.0);
    no_external
        .as_object_mut()
        .unwrap()
        .remove("cameraExternal");
    let mut zero_focal = good(1.0);
    zero_focal["cameraInternal"]["fy"] = json!(0);
    let (cameras, problems) = read(json!([
        text_in_matrix,
        fx_text,
        no_internal,
        no_cy,
        no_external,
        zero_focal,
        [1, 2],
        {"cameraInternal": [1, 2, 3, 4], "cameraExternal": []}
    ]));
    assert_eq!(cameras, []);
    assert_eq!(
        at_paths(&problems),
        [
            (
                ProblemCode::WrongType,
                Severity::Error,
                "$[0].cameraExternal[5]"
            ),
            (
                ProblemCode::WrongType,
                Severity::Error,
                "$[1].cameraInternal.fx"
            ),
            (
                ProblemCode::MissingField,
                Severity::Error,
                "$[2].cameraInternal"
            ),
            (
                ProblemCode::MissingField,
                Severity::Error,
                "$[3].cameraInternal.cy"
            ),
            (
                ProblemCode::MissingField,
                Severity::Error,
                "$[4].cameraExternal"
            ),
            (
                ProblemCode::InvalidValue,
                Severity::Error,
                "$[5].cameraInternal.fy"
            ),
            (ProblemCode::WrongType, Severity::Error, "$[6]"),
            (
                ProblemCode::WrongType,
                Severity::Error,
                "$[7].cameraInternal"
            ),
        ]
    );
    assert_eq!(problems[1].found.as_deref(), Some("\"721.5\""));
}

#[test]
fn optional_values_that_are_wrong_are_warnings() {
    let mut camera = good(1000.0);
    camera["width"] = json!(-5);
    camera["height"] = json!("720");
    camera["rowMajor"] = json!("yes");
    camera["cameraExternal"][13] = json!(0.4);
    camera["cameraExternal"][7] = json!(0.1);
    let (cameras, problems) = read(json!([camera]));
    assert_eq!(
        at_paths(&problems),
        [
            (ProblemCode::WrongType, Severity::Warning, "$[0].rowMajor"),
            (
                ProblemCode::InvalidValue,
                Severity::Warning,
                "$[0].cameraExternal"
            ),
            (ProblemCode::InvalidValue, Severity::Warning, "$[0].width"),
            (ProblemCode::WrongType, Severity::Warning, "$[0].height"),
        ]
    );
    assert!(
        problems[1].message.contains("0 0 0 1"),
        "{}",
        problems[1].message
    );
    assert_eq!((cameras[0].width, cameras[0].height), (None, None));
}

#[test]
fn legacy_keys_and_a_lone_camera_are_read() {
    let (cameras, problems) = read(json!({"3d_img1": good(2.0), "3d_img0": good(1.0)}));
    assert_eq!(problems, []);
    let read_back: Vec<_> = cameras.iter().map(|c| (c.index, c.fx)).collect();
    assert_eq!(read_back, [(0, 1.0), (1, 2.0)]);

    let mut legacy_bad = good(1.0);
    legacy_bad["cameraInternal"]["cx"] = json!(null);
    let (_, problems) = read(json!({"3d_img0": legacy_bad}));
    assert_eq!(
        at_paths(&problems),
        [(
            ProblemCode::MissingField,
            Severity::Error,
            "$[\"3d_img0\"].cameraInternal.cx"
        )]
    );

    let (cameras, problems) = read(good(3.0));
    assert_eq!(
        at_paths(&problems),
        [(ProblemCode::WrongType, Severity::Warning, "$")]
    );
    assert_eq!((cameras[0].index, cameras[0].fx), (0, 3.0));
}

#[test]
fn files_that_are_not_camera_arrays_are_refused() {
    let (cameras, problems) = read(json!({"cameras": []}));
    assert_eq!(cameras, []);
    assert_eq!(
        at_paths(&problems),
        [(ProblemCode::WrongType, Severity::Error, "$")]
    );
    let (cameras, problems) = read(json!([]));
    assert_eq!((cameras.len(), problems.len()), (0, 0));

    let (_, problems) = parse_camera_config(b"[{\"cameraInternal\": {\"fx\": 1,}}]", FILE);
    assert_eq!(
        (problems[0].code, problems[0].line),
        (ProblemCode::Syntax, Some(1))
    );
    let (_, problems) = parse_camera_config(b"[\n{\"cameraInternal\": ", FILE);
    assert_eq!(
        (problems[0].code, problems[0].line),
        (ProblemCode::Truncated, Some(2))
    );
    let (_, problems) = parse_camera_config(b"[\"\xE9\"]", FILE);
    assert_eq!(problems[0].code, ProblemCode::NotUtf8);
    let (_, problems) = parse_camera_config(b"\xEF\xBB\xBF[]", FILE);
    assert_eq!(problems, []);
    assert_sentences(&problems);
}
