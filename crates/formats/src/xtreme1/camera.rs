//! `camera_config/<frame>.json`: the cameras of one frame.

// A `Problem` is the error of the look-ups below, met once per bad camera: returned as it is.
#![allow(clippy::result_large_err)]

use serde_json::{Map, Value};
use wharf_model::{Problem, ProblemCode};

use super::json::{
    Report, admit, as_number, index_path, key_path, kind_of, missing, number, present, shown,
    wrong_type,
};

/// One camera of a frame: its intrinsics and its LiDAR → camera transform.
#[derive(Debug, Clone, PartialEq)]
pub struct CameraConfig {
    /// The camera's position in the file's array (or the `N` of a legacy `3d_img<N>` key): the
    /// camera of `camera_image_<index>`. Kept because a camera left out for an error would
    /// otherwise shift the pairing of every camera after it.
    pub index: usize,
    pub fx: f64,
    pub fy: f64,
    pub cx: f64,
    pub cy: f64,
    /// The 4×4 LiDAR → camera transform, row-major: the file's matrix, transposed when it was
    /// column-major (see `transposed`).
    pub external: [f64; 16],
    /// The image size the intrinsics are for, when the file gives it.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Whether the file's matrix was column-major and `external` is its transpose: said by
    /// `rowMajor: false`, or seen from the layout as Xtreme1 does (elements 3, 7 and 11 zero
    /// and one of 12, 13, 14 not).
    pub transposed: bool,
}

/// Reads a camera config file: a JSON array, one element per camera, element `i` for
/// `camera_image_<i>`. Each element has `cameraInternal` (or `camera_internal`)
/// `{fx, fy, cx, cy}`, `cameraExternal` (or `camera_external`) of 16 numbers, and optionally
/// `width`, `height` and `rowMajor` (default true). Also read, as Xtreme1's front end reads them:
/// an object keyed `3d_img<N>` (legacy), and, with a warning, a single camera object not
/// wrapped in an array. A camera with a missing or malformed intrinsic or matrix is left out
/// with an error; its `index` keeps the others paired right.
pub fn parse_camera_config(bytes: &[u8], file: &str) -> (Vec<CameraConfig>, Vec<Problem>) {
    let value = match admit(bytes, file, "a camera config") {
        Ok(value) => value,
        Err(problem) => return (Vec::new(), vec![problem]),
    };
    let mut report = Report::new(file);
    let mut cameras = Vec::new();
    match &value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                cameras.extend(camera(&mut report, item, index, &index_path("$", index)));
            }
        }
        Value::Object(map) if !map.is_empty() && map.keys().all(|k| legacy_index(k).is_some()) => {
            let mut legacy: Vec<(usize, &String, &Value)> = map
                .iter()
                .filter_map(|(key, item)| Some((legacy_index(key)?, key, item)))
                .collect();
            legacy.sort_by_key(|(index, _, _)| *index);
            for (index, key, item) in legacy {
                cameras.extend(camera(&mut report, item, index, &format!("$[\"{key}\"]")));
            }
        }
        Value::Object(map)
            if either(map, INTERNAL).is_some() || either(map, EXTERNAL).is_some() =>
        {
            let message = "The file holds one camera object, not an array of cameras: it is read as the camera of camera_image_0; wrap it in [ ] as Xtreme1 expects.";
            report.push(
                report
                    .warning(ProblemCode::WrongType, "$", message)
                    .found("an object")
                    .expected("an array, one element per camera"),
            );
            cameras.extend(camera(&mut report, &value, 0, "$"));
        }
        other => {
            let problem = wrong_type(
                &report,
                "$",
                "$",
                other,
                "an array of cameras, one per camera_image_<N> folder",
            );
            report.push(problem);
        }
    }
    (cameras, report.finish())
}

/// The camel-case key Xtreme1 writes and the snake-case one it also reads.
const INTERNAL: [&str; 2] = ["cameraInternal", "camera_internal"];
const EXTERNAL: [&str; 2] = ["cameraExternal", "camera_external"];

/// The value of the first of `keys` present, with the key.
fn either<'v>(
    map: &'v Map<String, Value>,
    keys: [&'static str; 2],
) -> Option<(&'static str, &'v Value)> {
    keys.into_iter()
        .find_map(|key| present(map, key).map(|value| (key, value)))
}

/// `3d_img<N>` → N.
fn legacy_index(key: &str) -> Option<usize> {
    let digits = key.strip_prefix("3d_img")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn camera(report: &mut Report, value: &Value, index: usize, path: &str) -> Option<CameraConfig> {
    match read_camera(report, value, index, path) {
        Ok(camera) => Some(camera),
        Err(problem) => {
            report.push(problem);
            None
        }
    }
}

fn read_camera(
    report: &mut Report,
    value: &Value,
    index: usize,
    path: &str,
) -> Result<CameraConfig, Problem> {
    let Value::Object(map) = value else {
        return Err(wrong_type(
            report,
            path,
            "camera",
            value,
            "an object with cameraInternal and cameraExternal",
        ));
    };
    let (internal_key, internal) = either(map, INTERNAL).ok_or_else(|| {
        missing(
            report,
            &key_path(path, INTERNAL[0]),
            INTERNAL[0],
            "the intrinsics {fx, fy, cx, cy}",
        )
    })?;
    let internal_path = key_path(path, internal_key);
    let Value::Object(internal) = internal else {
        return Err(wrong_type(
            report,
            &internal_path,
            internal_key,
            internal,
            "an object {fx, fy, cx, cy}",
        ));
    };
    let fx = number(report, internal, "fx", &internal_path)?;
    let fy = number(report, internal, "fy", &internal_path)?;
    let cx = number(report, internal, "cx", &internal_path)?;
    let cy = number(report, internal, "cy", &internal_path)?;
    for (key, focal) in [("fx", fx), ("fy", fy)] {
        if focal <= 0.0 {
            let at = key_path(&internal_path, key);
            let message = format!("{at} is {focal}: a focal length in pixels is above 0.");
            return Err(report
                .error(ProblemCode::InvalidValue, &at, message)
                .field(key)
                .found(focal.to_string())
                .expected("a number above 0"));
        }
    }
    let (external_key, external) = either(map, EXTERNAL).ok_or_else(|| {
        missing(
            report,
            &key_path(path, EXTERNAL[0]),
            EXTERNAL[0],
            "the LiDAR → camera matrix, 16 numbers",
        )
    })?;
    let external_path = key_path(path, external_key);
    let matrix = matrix(report, external, external_key, &external_path)?;
    let row_major = match present(map, "rowMajor") {
        None => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(other) => {
            let at = key_path(path, "rowMajor");
            let message = format!(
                "{at} is {}, not true or false; the matrix is taken as row-major unless its layout says otherwise.",
                kind_of(other)
            );
            let problem = report
                .warning(ProblemCode::WrongType, &at, message)
                .field("rowMajor")
                .found(shown(other))
                .expected("true or false");
            report.push(problem);
            None
        }
    };
    // Xtreme1's `isMatrixColumnMajor`: a translation in the last row, none in the last column.
    let laid_out_by_column = matrix[3] == 0.0
        && matrix[7] == 0.0
        && matrix[11] == 0.0
        && (matrix[12] != 0.0 || matrix[13] != 0.0 || matrix[14] != 0.0);
    let transposed = row_major == Some(false) || laid_out_by_column;
    if laid_out_by_column && row_major != Some(false) {
        let message = format!(
            "{external_path} has its translation in the last row, so it is column-major: Xtreme1 transposes it, and so does Wharf; add \"rowMajor\": false to say so."
        );
        let problem = report
            .warning(ProblemCode::InvalidValue, &external_path, message)
            .field("rowMajor")
            .found(row_major.map_or("rowMajor absent".to_owned(), |b| format!("rowMajor {b}")))
            .expected("rowMajor false for a column-major matrix");
        report.push(problem);
    }
    let external = if transposed {
        std::array::from_fn(|i| matrix[(i % 4) * 4 + i / 4])
    } else {
        matrix
    };
    if external[12..] != [0.0, 0.0, 0.0, 1.0] {
        let message = format!(
            "The last row of {external_path} (as a row-major matrix) is not 0 0 0 1: a LiDAR → camera transform is rigid; check the matrix and rowMajor."
        );
        let problem = report
            .warning(ProblemCode::InvalidValue, &external_path, message)
            .field(external_key)
            .found(format!("{:?}", &external[12..]))
            .expected("a last row of 0 0 0 1");
        report.push(problem);
    }
    Ok(CameraConfig {
        index,
        fx,
        fy,
        cx,
        cy,
        external,
        width: size(report, map, "width", path),
        height: size(report, map, "height", path),
        transposed,
    })
}

/// The 16 numbers of the transform.
fn matrix(report: &Report, value: &Value, key: &str, path: &str) -> Result<[f64; 16], Problem> {
    let Value::Array(items) = value else {
        return Err(wrong_type(
            report,
            path,
            key,
            value,
            "an array of 16 numbers",
        ));
    };
    let mut out = [0.0; 16];
    if items.len() != out.len() {
        let message = format!(
            "{path} has {} numbers; a 4×4 matrix has 16, and Xtreme1 drops a camera without them.",
            items.len()
        );
        return Err(report
            .error(ProblemCode::InvalidValue, path, message)
            .field(key)
            .found(format!("{} numbers", items.len()))
            .expected("16 numbers"));
    }
    for (i, (slot, item)) in out.iter_mut().zip(items).enumerate() {
        *slot = as_number(report, item, &index_path(path, i), key)?;
    }
    Ok(out)
}

/// An optional image width or height: a whole number of pixels above 0.
fn size(report: &mut Report, map: &Map<String, Value>, key: &str, path: &str) -> Option<u32> {
    let value = present(map, key)?;
    let at = key_path(path, key);
    match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
        Some(n) if n > 0 => Some(n),
        _ => {
            let code = if value.is_number() {
                ProblemCode::InvalidValue
            } else {
                ProblemCode::WrongType
            };
            let message = format!(
                "{at} is {}, not a whole number of pixels above 0; it is ignored.",
                shown(value)
            );
            let problem = report
                .warning(code, &at, message)
                .field(key)
                .found(shown(value))
                .expected("a whole number of pixels above 0");
            report.push(problem);
            None
        }
    }
}
