//! `metadata.json`: the sensors, the data type and the cameras' calibration, read key by key
//! so that each wrong value is one problem at its JSON path; then compared with the tree.

use serde_json::{Map, Value};
use wharf_model::{Problem, ProblemCode};

use super::SensorTree;
use super::tree::{Kind, sensor_of};

/// Largest `metadata.json` read; the file names a few sensors, anything this big is not one.
pub const MAX_METADATA_BYTES: usize = 16 * 1024 * 1024;
/// How far a camera's heading may be from a unit quaternion before it is reported.
const UNIT_TOLERANCE: f64 = 0.01;

/// `metadata.json`, read. Every key is optional: what is absent or unusable is `None` (or left
/// out of a list) and said in the problems.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// `version`, e.g. `"1.0"`.
    pub version: Option<String>,
    /// `fileTreeType`: 0 for the sensor-oriented tree, the only one read.
    pub file_tree_type: Option<u8>,
    /// `dataType`: 2 (2D) or 3 (3D).
    pub data_type: Option<u8>,
    /// `lidarSequence`: lidar names, without `lidar-`, in the file's order.
    pub lidar_sequence: Option<Vec<String>>,
    /// `cameraSequence`: camera names, without `camera-`, in the file's order.
    pub camera_sequence: Option<Vec<String>>,
    /// `cameraCoefficients`: the entries that are objects, in the file's order.
    pub camera_coefficients: Option<Vec<CameraCoefficients>>,
}

impl Metadata {
    /// The calibration of the camera named `name`, if the file gives one.
    pub fn coefficients_of(&self, name: &str) -> Option<&CameraCoefficients> {
        self.camera_coefficients
            .as_deref()?
            .iter()
            .find(|c| c.name.as_deref() == Some(name))
    }
}

/// One entry of `cameraCoefficients`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CameraCoefficients {
    /// The camera's name, as in `cameraSequence` and after `camera-` in its folder.
    pub name: Option<String>,
    /// Image width in pixels.
    pub width: Option<u32>,
    /// Image height in pixels.
    pub height: Option<u32>,
    pub camera: Option<Camera>,
}

/// A camera's model, pose and lens. A group (`heading`, `intrinsic`, ...) is kept only when all
/// its members are numbers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Camera {
    /// `type`.
    pub kind: Option<CameraType>,
    /// Orientation, a unit quaternion.
    pub heading: Option<Quaternion>,
    pub position: Option<Position>,
    pub intrinsic: Option<Intrinsic>,
    pub skew: Option<f64>,
    pub radial: Option<Radial>,
    pub tangential: Option<Tangential>,
}

/// `camera.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CameraType {
    PinHole,
    Fisheye,
}

impl CameraType {
    pub fn as_str(self) -> &'static str {
        match self {
            CameraType::PinHole => "PinHole",
            CameraType::Fisheye => "Fisheye",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Quaternion {
    pub w: f64,
    pub x: f64,
    pub y: f64,
    pub z: f64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Position {
    pub x: f64,
    pub y: f64,
    pub z: f64,
}

/// Focal lengths and principal point, in pixels.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Intrinsic {
    pub fx: f64,
    pub fy: f64,
    pub cx: f64,
    pub cy: f64,
}

/// Radial distortion coefficients.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Radial {
    pub k1: f64,
    pub k2: f64,
    pub k3: f64,
    pub k4: f64,
}

/// Tangential distortion coefficients.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tangential {
    pub p1: f64,
    pub p2: f64,
}

/// Reads `metadata.json`. Never panics: every defect is a problem, with its JSON path.
pub fn parse_metadata(bytes: &[u8], file: &str) -> (Metadata, Vec<Problem>) {
    let mut reader = Reader {
        file,
        problems: Vec::new(),
    };
    let mut metadata = Metadata::default();
    if let Some(document) = reader.document(bytes) {
        match document.as_object() {
            Some(root) => reader.root(root, &mut metadata),
            None => reader.wrong_type("$", "", &document, "an object"),
        }
    }
    (metadata, reader.problems)
}

/// Compares `metadata.json`, read, with the tree: its `dataType` with the import's, and each
/// sequence with the sensor folders. `file` is the path of `metadata.json`.
pub fn check_metadata(metadata: &Metadata, tree: &SensorTree, file: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    if let Some(data_type @ (2 | 3)) = metadata.data_type
        && data_type != tree.data_type
    {
        let message = format!(
            "$.dataType is {data_type} but the import asks for dataType {}; expected the same data type in both.",
            tree.data_type
        );
        problems.push(
            Problem::error(ProblemCode::InvalidValue, file, message)
                .at_path("$.dataType")
                .field("dataType")
                .found(data_type.to_string())
                .expected(tree.data_type.to_string()),
        );
    }
    let sequences = [
        (
            Kind::Lidar,
            metadata.lidar_sequence.as_deref(),
            &tree.lidars,
        ),
        (
            Kind::Camera,
            metadata.camera_sequence.as_deref(),
            &tree.cameras,
        ),
    ];
    for (kind, sequence, folders) in sequences {
        check_sequence(kind, sequence, folders, tree, file, &mut problems);
    }
    problems
}

fn sequence_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Lidar => "lidarSequence",
        Kind::Camera => "cameraSequence",
    }
}

/// One sequence against the folders of its kind, both ways.
fn check_sequence(
    kind: Kind,
    sequence: Option<&[String]>,
    folders: &[String],
    tree: &SensorTree,
    file: &str,
    out: &mut Vec<Problem>,
) {
    let key = sequence_key(kind);
    let path = format!("$.{key}");
    let prefix = kind.prefix();
    let Some(sequence) = sequence else {
        if !folders.is_empty() {
            let names: Vec<String> = folders.iter().map(|n| format!("\"{n}\"")).collect();
            let message = format!(
                "{file} has no {key}; expected [{}], the names of the {prefix}<name> folders.",
                names.join(", ")
            );
            out.push(
                Problem::warning(ProblemCode::MissingField, file, message)
                    .at_path("$")
                    .field(key)
                    .expected(format!("[{}]", names.join(", "))),
            );
        }
        return;
    };
    if kind == Kind::Lidar && tree.data_type == 2 {
        if !sequence.is_empty() {
            let message = format!(
                "{path} names lidars, but dataType 2 (2D) has none; expected an empty {key} or none."
            );
            out.push(
                Problem::error(ProblemCode::LayoutMismatch, file, message)
                    .at_path(path)
                    .field(key)
                    .found(sequence.join(", "))
                    .expected("[]"),
            );
        }
        return;
    }
    for name in sequence {
        if folders.contains(name) {
            continue;
        }
        let folder = tree.path_of(&format!("{prefix}{name}"));
        let message = match sensor_of(name) {
            Some((k, bare)) if k == kind && folders.iter().any(|f| f == bare) => format!(
                "{path} names '{name}', with the folder's prefix; expected the bare name '{bare}' (the folder is {}).",
                tree.path_of(name)
            ),
            _ => format!(
                "{path} names '{name}' but there is no folder '{folder}'; expected that folder at the root, or '{name}' removed from {key}."
            ),
        };
        out.push(
            Problem::error(ProblemCode::LayoutMismatch, file, message)
                .at_path(path.as_str())
                .field(key)
                .found(name)
                .expected(folder),
        );
    }
    for name in folders {
        let prefixed = format!("{prefix}{name}");
        if sequence.contains(name) || sequence.contains(&prefixed) {
            continue;
        }
        let folder = tree.path_of(&prefixed);
        let message = format!(
            "Folder '{folder}' is not in {key} of {file}; expected '{name}' in {key}, or no such folder."
        );
        out.push(
            Problem::error(ProblemCode::LayoutMismatch, folder.as_str(), message)
                .field(key)
                .found(prefixed.as_str())
                .expected(format!("\"{name}\" in {key}")),
        );
    }
}

/// The problems of one file, each made with the file's name.
struct Reader<'f> {
    file: &'f str,
    problems: Vec<Problem>,
}

impl Reader<'_> {
    /// The file as JSON, when it is JSON at all.
    fn document(&mut self, bytes: &[u8]) -> Option<Value> {
        if bytes.len() > MAX_METADATA_BYTES {
            let message = format!(
                "{} is {} bytes, over the {MAX_METADATA_BYTES}-byte limit; expected a small JSON file naming the sensors.",
                self.file,
                bytes.len()
            );
            self.problems.push(
                Problem::error(ProblemCode::TooLarge, self.file, message)
                    .found(format!("{} bytes", bytes.len()))
                    .expected(format!("at most {MAX_METADATA_BYTES} bytes")),
            );
            return None;
        }
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let line = bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count() as u64
                    + 1;
                let message = format!(
                    "{} is not UTF-8 text (GBK or UTF-16?); expected JSON saved as UTF-8.",
                    self.file
                );
                self.problems.push(
                    Problem::error(ProblemCode::NotUtf8, self.file, message)
                        .at_line(line)
                        .expected("UTF-8"),
                );
                return None;
            }
        };
        match serde_json::from_str::<Value>(text) {
            Ok(value) => Some(value),
            Err(e) => {
                let code = if e.is_eof() {
                    ProblemCode::Truncated
                } else {
                    ProblemCode::Syntax
                };
                let message = format!(
                    "{} is not valid JSON ({e}); expected a JSON object.",
                    self.file
                );
                self.problems.push(
                    Problem::error(code, self.file, message)
                        .at_line(e.line() as u64)
                        .expected("a JSON object"),
                );
                None
            }
        }
    }

    fn root(&mut self, root: &Map<String, Value>, metadata: &mut Metadata) {
        metadata.version = self.version(root);
        metadata.file_tree_type = self.small_int(root, "fileTreeType");
        if let Some(tree_type) = metadata.file_tree_type
            && tree_type != 0
        {
            let shape = if tree_type == 1 {
                " (the scene-oriented tree, which the platform does not offer)"
            } else {
                ""
            };
            let message = format!(
                "$.fileTreeType is {tree_type}{shape}; expected 0, the sensor-oriented tree of lidar-<name>/ and camera-<name>/ folders."
            );
            self.problems.push(
                Problem::error(ProblemCode::LayoutMismatch, self.file, message)
                    .at_path("$.fileTreeType")
                    .field("fileTreeType")
                    .found(tree_type.to_string())
                    .expected("0"),
            );
        }
        metadata.data_type = self.small_int(root, "dataType");
        if let Some(data_type) = metadata.data_type
            && !matches!(data_type, 2 | 3)
        {
            let message = format!(
                "$.dataType is {data_type}; expected 2 (2D, camera folders only) or 3 (3D, lidar and camera folders)."
            );
            self.problems.push(
                Problem::error(ProblemCode::InvalidValue, self.file, message)
                    .at_path("$.dataType")
                    .field("dataType")
                    .found(data_type.to_string())
                    .expected("2 or 3"),
            );
        }
        metadata.lidar_sequence = self.names(root, "lidarSequence");
        metadata.camera_sequence = self.names(root, "cameraSequence");
        let entries = self.coefficients(root);
        self.check_coverage(metadata, entries.as_deref());
        metadata.camera_coefficients =
            entries.map(|entries| entries.into_iter().map(|(_, c)| c).collect());
    }

    /// `version`: a string; a number is taken as its text, with a warning.
    fn version(&mut self, root: &Map<String, Value>) -> Option<String> {
        let value = self.member(root, "$", "version", "a string such as \"1.0\"")?;
        match value {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => {
                let message =
                    format!("$.version is the number {number}; expected a string such as \"1.0\".");
                self.problems.push(
                    Problem::warning(ProblemCode::WrongType, self.file, message)
                        .at_path("$.version")
                        .field("version")
                        .found(number.to_string())
                        .expected("a string"),
                );
                Some(number.to_string())
            }
            other => {
                self.wrong_type("$.version", "version", other, "a string such as \"1.0\"");
                None
            }
        }
    }

    /// A small whole number (`fileTreeType`, `dataType`); a string holding one is taken, with a
    /// warning, as the import request writes these as strings.
    fn small_int(&mut self, root: &Map<String, Value>, key: &str) -> Option<u8> {
        let path = format!("$.{key}");
        let value = self.member(root, "$", key, "a whole number")?;
        let (read, quoted) = match value {
            Value::Number(number) => (number.as_u64(), false),
            Value::String(text) => (text.trim().parse::<u64>().ok(), true),
            other => {
                self.wrong_type(&path, key, other, "a whole number");
                return None;
            }
        };
        let Some(number) = read.and_then(|n| u8::try_from(n).ok()) else {
            let message = format!("{path} is {value}; expected a small whole number.");
            self.problems.push(
                Problem::error(ProblemCode::InvalidValue, self.file, message)
                    .at_path(path)
                    .field(key)
                    .found(value.to_string())
                    .expected("a small whole number"),
            );
            return None;
        };
        if quoted {
            let message = format!("{path} is the string {value}; expected the number {number}.");
            self.problems.push(
                Problem::warning(ProblemCode::WrongType, self.file, message)
                    .at_path(path)
                    .field(key)
                    .found(value.to_string())
                    .expected(number.to_string()),
            );
        }
        Some(number)
    }

    /// A list of sensor names. Absent is not a problem here: [`check_metadata`] knows whether
    /// the tree has sensors of the kind.
    fn names(&mut self, root: &Map<String, Value>, key: &str) -> Option<Vec<String>> {
        let path = format!("$.{key}");
        let list = match root.get(key)? {
            Value::Null => return None,
            Value::Array(list) => list,
            other => {
                self.wrong_type(&path, key, other, "an array of sensor names");
                return None;
            }
        };
        let mut names: Vec<String> = Vec::new();
        for (i, value) in list.iter().enumerate() {
            let at = format!("{path}[{i}]");
            match value {
                Value::String(name) if name.is_empty() => {
                    let message = format!("{at} is empty; expected a sensor name.");
                    self.problems.push(
                        Problem::error(ProblemCode::InvalidValue, self.file, message)
                            .at_path(at)
                            .field(key)
                            .found("\"\"")
                            .expected("a sensor name"),
                    );
                }
                Value::String(name) if names.contains(name) => {
                    let message =
                        format!("{at} repeats '{name}'; expected each sensor named once.");
                    self.problems.push(
                        Problem::error(ProblemCode::DuplicateId, self.file, message)
                            .at_path(at)
                            .field(key)
                            .found(name)
                            .expected("unique names"),
                    );
                }
                Value::String(name) => names.push(name.clone()),
                other => self.wrong_type(&at, key, other, "a sensor name (a string)"),
            }
        }
        Some(names)
    }

    /// `cameraCoefficients`, with each kept entry's index in the file.
    fn coefficients(
        &mut self,
        root: &Map<String, Value>,
    ) -> Option<Vec<(usize, CameraCoefficients)>> {
        let key = "cameraCoefficients";
        let list = match root.get(key)? {
            Value::Null => return None,
            Value::Array(list) => list,
            other => {
                self.wrong_type("$.cameraCoefficients", key, other, "an array");
                return None;
            }
        };
        let mut entries: Vec<(usize, CameraCoefficients)> = Vec::new();
        for (i, value) in list.iter().enumerate() {
            let at = format!("$.{key}[{i}]");
            let Some(entry) = value.as_object() else {
                self.wrong_type(&at, key, value, "an object {name, width, height, camera}");
                continue;
            };
            let coefficients = self.coefficient(entry, &at, &entries);
            entries.push((i, coefficients));
        }
        Some(entries)
    }

    /// One entry; `before` are the entries read before it, whose names it must not repeat.
    fn coefficient(
        &mut self,
        entry: &Map<String, Value>,
        at: &str,
        before: &[(usize, CameraCoefficients)],
    ) -> CameraCoefficients {
        let name = self
            .member(entry, at, "name", "the camera's name")
            .and_then(|value| match value {
                Value::String(name) if !name.is_empty() => Some(name.clone()),
                Value::String(_) => {
                    let message = format!("{at}.name is empty; expected the camera's name.");
                    self.problems.push(
                        Problem::error(ProblemCode::InvalidValue, self.file, message)
                            .at_path(format!("{at}.name"))
                            .field("name")
                            .found("\"\"")
                            .expected("the camera's name"),
                    );
                    None
                }
                other => {
                    self.wrong_type(&format!("{at}.name"), "name", other, "the camera's name");
                    None
                }
            });
        if let Some(name) = &name
            && let Some((first, _)) = before.iter().find(|(_, c)| c.name.as_ref() == Some(name))
        {
            let message = format!(
                "{at}.name repeats '{name}' of $.cameraCoefficients[{first}]; expected one entry per camera."
            );
            self.problems.push(
                Problem::error(ProblemCode::DuplicateId, self.file, message)
                    .at_path(format!("{at}.name"))
                    .field("name")
                    .found(name)
                    .expected("unique camera names"),
            );
        }
        CameraCoefficients {
            name,
            width: self.dimension(entry, at, "width"),
            height: self.dimension(entry, at, "height"),
            camera: self.camera(entry, at),
        }
    }

    /// An image dimension: a whole number of pixels above 0.
    fn dimension(&mut self, entry: &Map<String, Value>, at: &str, key: &str) -> Option<u32> {
        let path = format!("{at}.{key}");
        let value = self.member(entry, at, key, "a whole number of pixels")?;
        let Value::Number(number) = value else {
            self.wrong_type(&path, key, value, "a whole number of pixels");
            return None;
        };
        let pixels = number
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n > 0);
        if pixels.is_none() {
            let message = format!(
                "{path} is {number}; expected the image's {key}, a whole number of pixels above 0."
            );
            self.problems.push(
                Problem::error(ProblemCode::InvalidValue, self.file, message)
                    .at_path(path)
                    .field(key)
                    .found(number.to_string())
                    .expected("a whole number above 0"),
            );
        }
        pixels
    }

    fn camera(&mut self, entry: &Map<String, Value>, at: &str) -> Option<Camera> {
        let path = format!("{at}.camera");
        let value = self.member(entry, at, "camera", "an object with the camera's model")?;
        let Some(camera) = value.as_object() else {
            self.wrong_type(&path, "camera", value, "an object");
            return None;
        };
        let kind = self.camera_type(camera, &path);
        let heading = self
            .group(camera, &path, "heading", ["w", "x", "y", "z"])
            .map(|[w, x, y, z]| Quaternion { w, x, y, z });
        if let Some(q) = heading {
            self.check_unit(&q, &path);
        }
        Some(Camera {
            kind,
            heading,
            position: self
                .group(camera, &path, "position", ["x", "y", "z"])
                .map(|[x, y, z]| Position { x, y, z }),
            intrinsic: self
                .group(camera, &path, "intrinsic", ["fx", "fy", "cx", "cy"])
                .map(|[fx, fy, cx, cy]| Intrinsic { fx, fy, cx, cy }),
            skew: self
                .member(camera, &path, "skew", "a number")
                .and_then(|value| self.number(value, &format!("{path}.skew"), "skew")),
            radial: self
                .group(camera, &path, "radial", ["k1", "k2", "k3", "k4"])
                .map(|[k1, k2, k3, k4]| Radial { k1, k2, k3, k4 }),
            tangential: self
                .group(camera, &path, "tangential", ["p1", "p2"])
                .map(|[p1, p2]| Tangential { p1, p2 }),
        })
    }

    fn camera_type(&mut self, camera: &Map<String, Value>, at: &str) -> Option<CameraType> {
        let path = format!("{at}.type");
        let value = self.member(camera, at, "type", "\"PinHole\" or \"Fisheye\"")?;
        let Value::String(text) = value else {
            self.wrong_type(&path, "type", value, "\"PinHole\" or \"Fisheye\"");
            return None;
        };
        let types = [CameraType::PinHole, CameraType::Fisheye];
        if let Some(kind) = types.into_iter().find(|t| t.as_str() == text) {
            return Some(kind);
        }
        let hint = match types
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(text))
        {
            Some(t) => format!(" (write it '{}', in that case)", t.as_str()),
            None => String::new(),
        };
        let message = format!("{path} is '{text}'; expected 'PinHole' or 'Fisheye'{hint}.");
        self.problems.push(
            Problem::error(ProblemCode::InvalidValue, self.file, message)
                .at_path(path)
                .field("type")
                .found(text)
                .expected("PinHole or Fisheye"),
        );
        None
    }

    fn check_unit(&mut self, q: &Quaternion, at: &str) {
        let norm = (q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z).sqrt();
        if (norm - 1.0).abs() <= UNIT_TOLERANCE {
            return;
        }
        let message = format!(
            "{at}.heading has norm {norm:.4}; expected a unit quaternion (w² + x² + y² + z² = 1), or the camera's orientation is wrong."
        );
        self.problems.push(
            Problem::warning(ProblemCode::InvalidValue, self.file, message)
                .at_path(format!("{at}.heading"))
                .field("heading")
                .found(format!("norm {norm:.4}"))
                .expected("norm 1"),
        );
    }

    /// An object of numbers, kept only when every member is one.
    fn group<const N: usize>(
        &mut self,
        parent: &Map<String, Value>,
        at: &str,
        key: &str,
        members: [&str; N],
    ) -> Option<[f64; N]> {
        let path = format!("{at}.{key}");
        let shape = format!("an object {{{}}} of numbers", members.join(", "));
        let value = self.member(parent, at, key, &shape)?;
        let Some(group) = value.as_object() else {
            self.wrong_type(&path, key, value, &shape);
            return None;
        };
        let mut out = [0.0; N];
        let mut complete = true;
        for (slot, member) in out.iter_mut().zip(members) {
            let read = self
                .member(group, &path, member, "a number")
                .and_then(|value| self.number(value, &format!("{path}.{member}"), member));
            match read {
                Some(number) => *slot = number,
                None => complete = false,
            }
        }
        complete.then_some(out)
    }

    fn number(&mut self, value: &Value, path: &str, key: &str) -> Option<f64> {
        let number = value.as_f64();
        if number.is_none() {
            self.wrong_type(path, key, value, "a number");
        }
        number
    }

    /// `parent[key]`, or a missing-field warning (a `null` counts as missing).
    fn member<'v>(
        &mut self,
        parent: &'v Map<String, Value>,
        at: &str,
        key: &str,
        expected: &str,
    ) -> Option<&'v Value> {
        match parent.get(key) {
            Some(Value::Null) | None => {
                let message = format!("{at}.{key} is missing; expected {expected}.");
                let mut problem = Problem::warning(ProblemCode::MissingField, self.file, message)
                    .at_path(format!("{at}.{key}"))
                    .field(key)
                    .expected(expected);
                if parent.contains_key(key) {
                    problem = problem.found("null");
                }
                self.problems.push(problem);
                None
            }
            Some(value) => Some(value),
        }
    }

    /// Each camera of `cameraSequence` has an entry in `cameraCoefficients`, and each entry
    /// names a camera of the sequence. 2D data needs no calibration and is not checked.
    fn check_coverage(
        &mut self,
        metadata: &Metadata,
        entries: Option<&[(usize, CameraCoefficients)]>,
    ) {
        if metadata.data_type == Some(2) {
            return;
        }
        let entries = entries.unwrap_or(&[]);
        let sequence = metadata.camera_sequence.as_deref();
        for camera in sequence.unwrap_or(&[]) {
            if entries.iter().any(|(_, c)| c.name.as_ref() == Some(camera)) {
                continue;
            }
            let message = format!(
                "$.cameraCoefficients has no entry for camera '{camera}' of $.cameraSequence; expected {{\"name\": \"{camera}\", \"width\", \"height\", \"camera\": {{...}}}} so its images can be matched with the point cloud."
            );
            self.problems.push(
                Problem::warning(ProblemCode::MissingField, self.file, message)
                    .at_path("$.cameraCoefficients")
                    .field("cameraCoefficients")
                    .found(format!("no entry named '{camera}'"))
                    .expected(format!("an entry named '{camera}'")),
            );
        }
        let Some(sequence) = sequence else {
            return;
        };
        for (i, entry) in entries {
            let Some(name) = &entry.name else {
                continue;
            };
            if sequence.contains(name) {
                continue;
            }
            let at = format!("$.cameraCoefficients[{i}].name");
            let message = format!(
                "{at} is '{name}', which is not in $.cameraSequence; expected one of the sequence's cameras."
            );
            self.problems.push(
                Problem::warning(ProblemCode::UnknownReference, self.file, message)
                    .at_path(at)
                    .field("name")
                    .found(name)
                    .expected(format!("one of {}", sequence.join(", "))),
            );
        }
    }

    fn wrong_type(&mut self, path: &str, key: &str, value: &Value, expected: &str) {
        let message = format!("{path} is {}; expected {expected}.", kind_of(value));
        let mut problem = Problem::error(ProblemCode::WrongType, self.file, message)
            .at_path(path)
            .found(value.to_string())
            .expected(expected);
        if !key.is_empty() {
            problem = problem.field(key);
        }
        self.problems.push(problem);
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
