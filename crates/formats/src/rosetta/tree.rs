//! Reading the sensor-oriented tree from a listing, and saying exactly where it is wrong.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use wharf_model::{Problem, ProblemCode};

use super::{Frame, METADATA_FILE, Scene, SensorTree, join};
use crate::detect::{extension_of, file_name};

/// Most problems reported for one tree; the rest are counted in one last problem.
pub const MAX_TREE_PROBLEMS: usize = 10_000;
/// Incomplete frames of one scene reported one by one; beyond it, one problem for the scene
/// lists this many.
const FRAMES_LISTED: usize = 10;
/// Names listed in one message, at most.
const NAMES_LISTED: usize = 5;

/// The two kinds of sensor folder. Lidars sort first, as in the docs' tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    Lidar,
    Camera,
}

impl Kind {
    pub(super) fn prefix(self) -> &'static str {
        match self {
            Kind::Lidar => "lidar-",
            Kind::Camera => "camera-",
        }
    }

    /// Accepted file extensions, lowercase, the usual one first.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::Lidar => &["pcd"],
            Kind::Camera => &["jpg", "jpeg", "png"],
        }
    }

    fn accepted(self) -> &'static str {
        match self {
            Kind::Lidar => ".pcd point clouds",
            Kind::Camera => ".jpg, .jpeg or .png images",
        }
    }
}

/// `lidar-top` → (Lidar, `top`); `None` for anything else, `lidar-` (no name) included.
pub(super) fn sensor_of(folder: &str) -> Option<(Kind, &str)> {
    [Kind::Lidar, Kind::Camera].into_iter().find_map(|kind| {
        let name = folder.strip_prefix(kind.prefix())?;
        (!name.is_empty()).then_some((kind, name))
    })
}

/// Reads the tree of a source from its listing: `paths` relative to the source, in any order.
/// `data_type` is the import's: 2 (2D, camera folders only) or 3 (3D). Never panics; every
/// defect is a problem in the result, sorted by path.
pub fn check_tree<'a>(paths: impl IntoIterator<Item = &'a str>, data_type: u8) -> SensorTree {
    let mut paths: Vec<&str> = paths
        .into_iter()
        .filter(|p| !p.is_empty() && !p.ends_with('/'))
        .collect();
    paths.sort_unstable();
    paths.dedup();
    let root = zip_root(&paths).unwrap_or("");
    let mut walk = Walk::new(root, data_type);
    for path in &paths {
        walk.add(path);
    }
    walk.finish()
}

/// The single top folder named like the zip, when every path lies in it, it is not a sensor
/// folder itself, and it holds a sensor folder or `metadata.json`.
pub(super) fn zip_root<'p>(paths: &[&'p str]) -> Option<&'p str> {
    let (top, _) = paths.first()?.split_once('/')?;
    if sensor_of(top).is_some() {
        return None;
    }
    let mut holds_tree = false;
    for path in paths {
        let rest = path.strip_prefix(top)?.strip_prefix('/')?;
        holds_tree |= rest == METADATA_FILE
            || rest
                .split_once('/')
                .is_some_and(|(folder, _)| sensor_of(folder).is_some());
    }
    holds_tree.then_some(top)
}

/// Everything seen of one sensor folder.
#[derive(Default)]
struct SensorFiles {
    /// Scene folders holding anything, well placed or not.
    scene_folders: BTreeSet<String>,
    /// Scene → timestamp → path, for files in the right place with the right extension.
    frames: BTreeMap<String, BTreeMap<String, String>>,
}

/// A sensor folder holding a scene: its kind, its name and its files.
type Holder<'s> = (Kind, &'s str, &'s SensorFiles);

/// A top-level folder that is not a sensor folder.
#[derive(Default)]
struct OtherFolder {
    /// It holds `lidar-*` or `camera-*` folders: the tree is one level too deep.
    holds_sensor_folders: bool,
}

/// The listing, read one sorted path at a time.
struct Walk<'r> {
    root: &'r str,
    data_type: u8,
    problems: Vec<Problem>,
    metadata_at_root: bool,
    /// `metadata.json` anywhere else, or at the root in another case.
    metadata_elsewhere: Vec<String>,
    metadata_miscased: Vec<String>,
    others: BTreeMap<String, OtherFolder>,
    lidars_in_2d: BTreeSet<String>,
    sensors: BTreeMap<(Kind, String), SensorFiles>,
}

impl<'r> Walk<'r> {
    fn new(root: &'r str, data_type: u8) -> Self {
        let mut walk = Walk {
            root,
            data_type,
            problems: Vec::new(),
            metadata_at_root: false,
            metadata_elsewhere: Vec::new(),
            metadata_miscased: Vec::new(),
            others: BTreeMap::new(),
            lidars_in_2d: BTreeSet::new(),
            sensors: BTreeMap::new(),
        };
        if !matches!(data_type, 2 | 3) {
            let message = format!(
                "dataType {data_type} is not a Rosetta data type; expected 2 (2D, camera folders only) or 3 (3D, lidar and camera folders)."
            );
            walk.problems.push(
                Problem::error(ProblemCode::InvalidValue, root, message)
                    .field("dataType")
                    .found(data_type.to_string())
                    .expected("2 or 3"),
            );
            // Read as 3D, the laxer of the two: lidar folders are then allowed.
            walk.data_type = 3;
        }
        walk
    }

    /// `path` with the root folder joined in front of a root-relative `entry`.
    fn at(&self, entry: &str) -> String {
        join(self.root, entry)
    }

    fn add(&mut self, path: &str) {
        let relative = if self.root.is_empty() {
            path
        } else {
            // Every path lies under the root, or it would not be one.
            path.get(self.root.len() + 1..).unwrap_or(path)
        };
        let parts: Vec<&str> = relative.split('/').collect();
        let name = file_name(relative);
        if name.eq_ignore_ascii_case(METADATA_FILE) {
            match parts.len() {
                1 if name == METADATA_FILE => self.metadata_at_root = true,
                1 => self.metadata_miscased.push(path.to_owned()),
                _ => self.metadata_elsewhere.push(path.to_owned()),
            }
            return;
        }
        let [top, rest @ ..] = parts.as_slice() else {
            return;
        };
        if rest.is_empty() {
            self.stray_at_root(path);
            return;
        }
        match sensor_of(top) {
            None => {
                let holds = rest.len() >= 2 && sensor_of(rest[0]).is_some();
                self.others
                    .entry((*top).to_owned())
                    .or_default()
                    .holds_sensor_folders |= holds;
            }
            Some((Kind::Lidar, _)) if self.data_type == 2 => {
                self.lidars_in_2d.insert((*top).to_owned());
            }
            Some((kind, sensor)) => self.sensor_file(path, kind, sensor, top, rest),
        }
    }

    fn stray_at_root(&mut self, path: &str) {
        let message = format!(
            "'{path}' is a stray file at the root; expected only lidar-<name>/ and camera-<name>/ folders and {}.",
            self.at(METADATA_FILE)
        );
        self.problems.push(
            Problem::warning(ProblemCode::LayoutMismatch, path, message)
                .found(file_name(path))
                .expected("lidar-<name>/, camera-<name>/ and metadata.json"),
        );
    }

    /// A file under a sensor folder: `rest` is its path below `folder`.
    fn sensor_file(&mut self, path: &str, kind: Kind, sensor: &str, folder: &str, rest: &[&str]) {
        let folder_path = self.at(folder);
        let files = self.sensors.entry((kind, sensor.to_owned())).or_default();
        let name = file_name(path);
        let usual = kind.extensions()[0];
        let extension = extension_of(name);
        let stem = stem_of(name);
        let good_extension = kind.extensions().contains(&extension.as_str());
        let example_name = if good_extension {
            name.to_owned()
        } else {
            format!(
                "{}.{usual}",
                if stem.is_empty() { "<timestamp>" } else { stem }
            )
        };
        match rest {
            [_] => {
                let message = format!(
                    "'{path}' lies directly in the sensor folder; expected {folder_path}/<scene_id>/{example_name}, each file in a scene folder."
                );
                let problem = Problem::error(ProblemCode::LayoutMismatch, path, message)
                    .found(path)
                    .expected(format!("{folder_path}/<scene_id>/{example_name}"));
                self.problems.push(problem);
            }
            [scene, _] => {
                files.scene_folders.insert((*scene).to_owned());
                let expected = format!("{folder_path}/{scene}/{example_name}");
                if !good_extension {
                    let problem = wrong_extension(path, kind, &extension, &expected);
                    self.problems.push(problem);
                    return;
                }
                let frames = files.frames.entry((*scene).to_owned()).or_default();
                if let Some(first) = frames.get(stem) {
                    let message = format!(
                        "'{path}' has the same timestamp '{stem}' as '{first}'; expected one file per timestamp in {folder_path}/{scene}."
                    );
                    let problem = Problem::error(ProblemCode::LayoutMismatch, path, message)
                        .found(path)
                        .expected("one file per timestamp and sensor");
                    self.problems.push(problem);
                    return;
                }
                frames.insert(stem.to_owned(), path.to_owned());
            }
            [scene, ..] => {
                files.scene_folders.insert((*scene).to_owned());
                let message = format!(
                    "'{path}' is nested too deep; expected {folder_path}/{scene}/{example_name}: the sensor folder, a scene folder, then the file, nothing in between."
                );
                let problem = Problem::error(ProblemCode::LayoutMismatch, path, message)
                    .found(path)
                    .expected(format!("{folder_path}/<scene_id>/<timestamp>.{usual}"));
                self.problems.push(problem);
            }
            [] => {}
        }
    }

    fn finish(mut self) -> SensorTree {
        self.check_metadata_file();
        self.check_other_folders();
        // Before the lidars in 2D data are taken: a 2D tree of lidars only has sensor folders.
        self.check_sensors_present();
        self.check_lidars_in_2d();
        self.check_scenes();
        let scenes = self.frames();
        self.check_timestamps(&scenes);
        let names = |kind: Kind| -> Vec<String> {
            self.sensors
                .keys()
                .filter(|(k, _)| *k == kind)
                .map(|(_, name)| name.clone())
                .collect()
        };
        let (lidars, cameras) = (names(Kind::Lidar), names(Kind::Camera));
        let problems = bounded(self.problems, self.root);
        SensorTree {
            root: self.root.to_owned(),
            data_type: self.data_type,
            lidars,
            cameras,
            scenes,
            problems,
        }
    }

    fn check_metadata_file(&mut self) {
        let expected = self.at(METADATA_FILE);
        let missing = !self.metadata_at_root
            && self.metadata_miscased.is_empty()
            && self.metadata_elsewhere.is_empty();
        for path in std::mem::take(&mut self.metadata_miscased) {
            let message = format!(
                "'{path}' must be named exactly '{METADATA_FILE}', in lowercase; expected {expected}."
            );
            self.problems.push(
                Problem::error(ProblemCode::LayoutMismatch, path.as_str(), message)
                    .found(file_name(&path))
                    .expected(expected.as_str()),
            );
        }
        for path in std::mem::take(&mut self.metadata_elsewhere) {
            let message = if self.metadata_at_root {
                format!(
                    "'{path}' is a second {METADATA_FILE} away from the root; expected only {expected}: remove this one."
                )
            } else {
                format!(
                    "'{path}' is not at the root; expected {expected}, next to the sensor folders."
                )
            };
            self.problems.push(
                Problem::error(ProblemCode::LayoutMismatch, path.as_str(), message)
                    .found(path.as_str())
                    .expected(expected.as_str()),
            );
        }
        if missing {
            let message = format!(
                "{expected} is missing; expected it at the root, next to the sensor folders, naming the sensors and the data type."
            );
            self.problems.push(
                Problem::error(ProblemCode::LayoutMismatch, expected.as_str(), message)
                    .expected(expected.as_str()),
            );
        }
    }

    fn check_other_folders(&mut self) {
        for (folder, seen) in std::mem::take(&mut self.others) {
            let path = self.at(&folder);
            let mut message = format!(
                "Folder '{folder}' is not a sensor folder; expected 'lidar-<name>' or 'camera-<name>' (lowercase prefix and a dash)"
            );
            if let Some(fixed) = suggested_name(&folder) {
                message.push_str(&format!(": rename it to '{fixed}'"));
            } else if let Some(kind) = empty_name(&folder) {
                message.push_str(&format!(
                    ": the sensor's name after '{}' is missing",
                    kind.prefix()
                ));
            } else if seen.holds_sensor_folders {
                message.push_str(&format!(
                    ": it holds sensor folders, so move them and {METADATA_FILE} up to the root, or make '{folder}' the only entry at the top"
                ));
            } else if folder == "__MACOSX" {
                message.push_str(": it is macOS archive metadata, so zip without it");
            }
            message.push('.');
            self.problems.push(
                Problem::error(ProblemCode::LayoutMismatch, path, message)
                    .found(folder.as_str())
                    .expected("lidar-<name> or camera-<name>"),
            );
        }
    }

    fn check_lidars_in_2d(&mut self) {
        for folder in std::mem::take(&mut self.lidars_in_2d) {
            let message = format!(
                "Folder '{folder}' is a lidar folder, but dataType 2 (2D) takes camera folders only; expected only camera-<name> folders: remove it, or import as dataType 3 (3D)."
            );
            self.problems.push(
                Problem::error(ProblemCode::LayoutMismatch, self.at(&folder), message)
                    .found(folder.as_str())
                    .expected("camera-<name> folders only"),
            );
        }
    }

    /// At least one sensor folder, and one of the kind the data type needs.
    fn check_sensors_present(&mut self) {
        let has = |kind| self.sensors.keys().any(|(k, _)| *k == kind);
        let (lidars, cameras) = (has(Kind::Lidar), has(Kind::Camera));
        let root = if self.root.is_empty() {
            "The source".to_owned()
        } else {
            format!("Folder '{}'", self.root)
        };
        let layout = if self.data_type == 2 {
            "camera-<name>/<scene_id>/<timestamp>.jpg"
        } else {
            "lidar-<name>/<scene_id>/<timestamp>.pcd and camera-<name>/<scene_id>/<timestamp>.jpg"
        };
        let message = if !lidars && !cameras && self.lidars_in_2d.is_empty() {
            format!(
                "{root} holds no sensor folders; expected {layout} folders next to {METADATA_FILE} at the root."
            )
        } else if self.data_type == 3 && !lidars {
            format!(
                "{root} holds no lidar folder, which dataType 3 (3D) needs; expected at least one lidar-<name>/<scene_id>/<timestamp>.pcd, or import as dataType 2 (2D)."
            )
        } else if self.data_type == 2 && !cameras {
            format!(
                "{root} holds no camera folder, which dataType 2 (2D) needs; expected at least one camera-<name>/<scene_id>/<timestamp>.jpg."
            )
        } else {
            return;
        };
        self.problems
            .push(Problem::error(ProblemCode::LayoutMismatch, self.root, message).expected(layout));
    }

    /// Every scene in every sensor folder.
    fn check_scenes(&mut self) {
        let all: BTreeSet<&String> = self
            .sensors
            .values()
            .flat_map(|s| &s.scene_folders)
            .collect();
        for scene in all {
            let (with, without): (Vec<_>, Vec<_>) = self
                .sensors
                .iter()
                .partition(|(_, files)| files.scene_folders.contains(scene));
            let holders = listed(with.iter().map(|((k, n), _)| folder_name(*k, n)));
            for ((kind, name), _) in without {
                let folder = folder_name(*kind, name);
                let path = self.at(&format!("{folder}/{scene}"));
                let message = format!(
                    "Scene '{scene}' is in {holders} but missing from {folder}; expected folder {path} with the same timestamps."
                );
                self.problems.push(
                    Problem::error(ProblemCode::LayoutMismatch, path.as_str(), message)
                        .expected(path.as_str()),
                );
            }
        }
    }

    /// The frames of every scene, and a problem for each frame some sensor lacks.
    fn frames(&mut self) -> Vec<Scene> {
        let mut scenes: BTreeMap<&String, BTreeMap<&String, Frame>> = BTreeMap::new();
        for ((kind, name), files) in &self.sensors {
            for (scene, frames) in &files.frames {
                let entry = scenes.entry(scene).or_default();
                for (timestamp, path) in frames {
                    let frame = entry.entry(timestamp).or_insert_with(|| Frame {
                        timestamp: timestamp.clone(),
                        ..Frame::default()
                    });
                    let list = match kind {
                        Kind::Lidar => &mut frame.lidar,
                        Kind::Camera => &mut frame.cameras,
                    };
                    list.push((name.clone(), path.clone()));
                }
            }
        }
        let mut problems = Vec::new();
        let mut out = Vec::new();
        for (scene, frames) in scenes {
            let mut frames: Vec<Frame> = frames.into_values().collect();
            frames.sort_by(|a, b| compare_ids(&a.timestamp, &b.timestamp));
            problems.extend(self.incomplete_frames(scene, &frames));
            out.push(Scene {
                id: scene.clone(),
                frames,
            });
        }
        self.problems.extend(problems);
        out.sort_by(|a, b| compare_ids(&a.id, &b.id));
        out
    }

    /// Frames of `scene` missing from a sensor that has the scene: one problem each, or one for
    /// the scene when there are more than [`FRAMES_LISTED`].
    fn incomplete_frames(&self, scene: &str, frames: &[Frame]) -> Vec<Problem> {
        let holders: Vec<Holder<'_>> = self
            .sensors
            .iter()
            .filter(|(_, files)| files.scene_folders.contains(scene))
            .map(|((kind, name), files)| (*kind, name.as_str(), files))
            .collect();
        let lacking_of = |frame: &Frame| -> Vec<Holder<'_>> {
            holders
                .iter()
                .filter(|(kind, name, _)| {
                    let list = match kind {
                        Kind::Lidar => &frame.lidar,
                        Kind::Camera => &frame.cameras,
                    };
                    !list.iter().any(|(n, _)| n == name)
                })
                .copied()
                .collect()
        };
        let incomplete: Vec<(&Frame, Vec<Holder<'_>>)> = frames
            .iter()
            .map(|frame| (frame, lacking_of(frame)))
            .filter(|(_, lacking)| !lacking.is_empty())
            .collect();
        if incomplete.len() <= FRAMES_LISTED {
            return incomplete
                .iter()
                .map(|(frame, lacking)| self.incomplete_frame(scene, frame, lacking))
                .collect();
        }
        let Some((kind, name)) = incomplete
            .iter()
            .flat_map(|(_, lacking)| lacking.iter().map(|(k, n, _)| (*k, *n)))
            .min()
        else {
            return Vec::new();
        };
        let path = self.at(&format!("{}/{scene}", folder_name(kind, name)));
        let shown: Vec<String> = incomplete
            .iter()
            .take(FRAMES_LISTED)
            .map(|(frame, lacking)| {
                let sensors = lacking.iter().map(|(k, n, _)| folder_name(*k, n));
                format!("{} (not in {})", frame.timestamp, listed(sensors))
            })
            .collect();
        let message = format!(
            "Scene '{scene}' has {} frames missing from some sensor folders: {} and {} more; expected every sensor folder of the scene to hold the same timestamps.",
            incomplete.len(),
            shown.join(", "),
            incomplete.len() - FRAMES_LISTED
        );
        vec![
            Problem::error(ProblemCode::LayoutMismatch, path, message)
                .found(format!("{} incomplete frames", incomplete.len()))
                .expected("the same timestamps in every sensor folder"),
        ]
    }

    fn incomplete_frame(&self, scene: &str, frame: &Frame, lacking: &[Holder<'_>]) -> Problem {
        let present = frame.lidar.iter().chain(&frame.cameras);
        let first = present.clone().next().map_or("", |(_, path)| path.as_str());
        let holders = listed(
            frame
                .lidar
                .iter()
                .map(|(n, _)| folder_name(Kind::Lidar, n))
                .chain(
                    frame
                        .cameras
                        .iter()
                        .map(|(n, _)| folder_name(Kind::Camera, n)),
                ),
        );
        let missing = listed(lacking.iter().map(|(k, n, _)| folder_name(*k, n)));
        let expected: Vec<String> = lacking
            .iter()
            .map(|(kind, name, files)| {
                let extension = usual_extension(*kind, files, scene);
                let folder = folder_name(*kind, name);
                self.at(&format!("{folder}/{scene}/{}.{extension}", frame.timestamp))
            })
            .collect();
        let message = format!(
            "Frame '{}' of scene '{scene}' is in {holders} but missing from {missing}; expected {}.",
            frame.timestamp,
            expected.join(" and ")
        );
        Problem::error(ProblemCode::LayoutMismatch, first, message)
            .found(format!("missing from {missing}"))
            .expected(expected.join(", "))
    }

    /// One warning per scene whose timestamps are not all digits.
    fn check_timestamps(&mut self, scenes: &[Scene]) {
        for scene in scenes {
            let odd: Vec<&Frame> = scene
                .frames
                .iter()
                .filter(|f| !all_digits(&f.timestamp))
                .collect();
            let Some(first) = odd.first() else {
                continue;
            };
            let Some((_, path)) = first.lidar.iter().chain(&first.cameras).next() else {
                continue;
            };
            let others = match odd.len() {
                1 => String::new(),
                n => format!(" (and {} more in the scene)", n - 1),
            };
            let message = format!(
                "Timestamp '{}' of scene '{}'{others} is not all digits; expected integer milliseconds such as 1700000000123. Frames are still matched by file name.",
                first.timestamp, scene.id
            );
            self.problems.push(
                Problem::warning(ProblemCode::LayoutMismatch, path.as_str(), message)
                    .found(first.timestamp.as_str())
                    .expected("integer milliseconds"),
            );
        }
    }
}

fn wrong_extension(path: &str, kind: Kind, extension: &str, expected: &str) -> Problem {
    let (found, has) = if extension.is_empty() {
        ("no extension".to_owned(), "no extension".to_owned())
    } else {
        (format!(".{extension}"), format!("'.{extension}'"))
    };
    let hint = match (kind, extension) {
        (Kind::Lidar, "bin" | "ply" | "las" | "laz" | "txt") => {
            " Convert the point cloud to PCD.".to_owned()
        }
        (Kind::Camera, "pcd" | "bin" | "ply") => {
            " Point clouds belong in a lidar-<name> folder.".to_owned()
        }
        (Kind::Lidar, e) if crate::IMAGE_EXTENSIONS.contains(&e) => {
            " Images belong in a camera-<name> folder.".to_owned()
        }
        (Kind::Camera, e) if crate::IMAGE_EXTENSIONS.contains(&e) => {
            " Convert the image to JPEG or PNG.".to_owned()
        }
        _ => String::new(),
    };
    let message = format!(
        "'{path}' has {has} where a {}<name> folder holds only {}; expected {expected}.{hint}",
        kind.prefix(),
        kind.accepted()
    );
    Problem::error(ProblemCode::LayoutMismatch, path, message)
        .found(found)
        .expected(expected)
}

/// The extension of the sensor's other files in the scene, for naming a missing one.
fn usual_extension(kind: Kind, files: &SensorFiles, scene: &str) -> String {
    files
        .frames
        .get(scene)
        .and_then(|frames| frames.values().next())
        .map(|path| extension_of(path))
        .unwrap_or_else(|| kind.extensions()[0].to_owned())
}

/// `Lidar_top` → `lidar-top`, `CAMERA front` → `camera-front`: a name that is nearly a sensor
/// folder, fixed.
fn suggested_name(folder: &str) -> Option<String> {
    [Kind::Lidar, Kind::Camera].into_iter().find_map(|kind| {
        let word = kind.prefix().trim_end_matches('-');
        let head = folder.get(..word.len())?;
        if !head.eq_ignore_ascii_case(word) {
            return None;
        }
        let rest = &folder[word.len()..];
        let name = rest.strip_prefix(['-', '_', ' ', '.'])?;
        let fixed = format!("{}{name}", kind.prefix());
        (!name.is_empty() && fixed != folder).then_some(fixed)
    })
}

/// `lidar-` and `camera-` with nothing after the dash.
fn empty_name(folder: &str) -> Option<Kind> {
    [Kind::Lidar, Kind::Camera]
        .into_iter()
        .find(|kind| folder == kind.prefix())
}

fn folder_name(kind: Kind, name: &str) -> String {
    format!("{}{name}", kind.prefix())
}

/// `a`, `a and b`, `a, b and c`, `a, b, c, d, e and 3 more`.
fn listed(names: impl Iterator<Item = String>) -> String {
    let names: Vec<String> = names.collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        _ if names.len() > NAMES_LISTED => format!(
            "{} and {} more",
            names[..NAMES_LISTED].join(", "),
            names.len() - NAMES_LISTED
        ),
        [head @ .., last] => format!("{} and {last}", head.join(", ")),
    }
}

/// The name without its last extension; a name starting with a dot has no stem.
fn stem_of(name: &str) -> &str {
    match name.rsplit_once('.') {
        Some((stem, _)) => stem,
        None => name,
    }
}

pub(super) fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Ids in reading order: all-digit ids first, by value (of any length), then the others
/// lexically.
pub(super) fn compare_ids(a: &str, b: &str) -> Ordering {
    match (all_digits(a), all_digits(b)) {
        (true, true) => {
            let (x, y) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
            x.len().cmp(&y.len()).then(x.cmp(y)).then(a.cmp(b))
        }
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

/// Sorted by path (stably, so each path's problems keep their order), at most
/// [`MAX_TREE_PROBLEMS`], the rest counted in one last problem.
fn bounded(mut problems: Vec<Problem>, root: &str) -> Vec<Problem> {
    problems.sort_by(|a, b| a.file.cmp(&b.file));
    if problems.len() > MAX_TREE_PROBLEMS {
        let more = problems.len() - MAX_TREE_PROBLEMS;
        problems.truncate(MAX_TREE_PROBLEMS);
        let message = format!(
            "{more} more problems of the tree are not listed; expected at most {MAX_TREE_PROBLEMS} to be reported: fix those listed and check again."
        );
        problems.push(
            Problem::error(ProblemCode::LayoutMismatch, root, message)
                .found(format!("{more} more problems")),
        );
    }
    problems
}
