//! The Xtreme1 / BasicAI folder tree: which files make which frames.

use std::collections::{BTreeMap, BTreeSet};

use wharf_model::{Problem, ProblemCode, Severity};

use crate::detect::{IMAGE_EXTENSIONS, extension_of, file_name};

/// The dataset type a tree is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeKind {
    /// `lidar_point_cloud_<N>/`, with optional `camera_image_<N>/` and `camera_config/`
    /// (Xtreme1's LiDAR Fusion and LiDAR Basic).
    LidarFusion,
    /// `image_<N>/` (Xtreme1's Image).
    Image,
}

/// A checked tree: its frames by scene, and everything out of place.
#[derive(Debug, Clone, PartialEq)]
pub struct Xtreme1Tree {
    pub kind: TreeKind,
    /// Frames outside any scene first (`name: None`), if there are any, then the scenes by name.
    pub scenes: Vec<Xtreme1Scene>,
    /// `LayoutMismatch` problems, each naming the file or folder at fault, in path order.
    pub problems: Vec<Problem>,
}

/// The frames of one `scene_*` folder, or those outside any scene.
#[derive(Debug, Clone, PartialEq)]
pub struct Xtreme1Scene {
    /// The scene folder's name (`scene_1`); `None` for frames that are no scene's: those at
    /// the root, and those under folders not named `scene_*` (Xtreme1 imports them as single
    /// frames, and so does this reader, with a warning).
    pub name: Option<String>,
    /// Frames by name.
    pub frames: Vec<Xtreme1Frame>,
}

/// One frame ("data"): the files of one base name across the sensor folders of a scene.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Xtreme1Frame {
    /// The base name, e.g. `000001` for `lidar_point_cloud_0/000001.pcd`.
    pub name: String,
    /// Paths of the `.pcd` files, by folder index (`lidar_point_cloud_0` first). Empty in
    /// image trees.
    pub point_clouds: Vec<String>,
    /// Paths of the images, by folder index: `camera_image_<N>` in fusion trees, `image_<N>`
    /// in image trees. With a gap in the folder indices a position is not the index: the path
    /// names the folder.
    pub images: Vec<String>,
    /// `camera_config/<name>.json`.
    pub camera_config: Option<String>,
    /// `result/<name>.json`.
    pub result: Option<String>,
}

/// Problems listed one by one per folder and kind of problem; past this, one more says how many
/// were left unlisted.
const MAX_LISTED_PER_FOLDER: usize = 10;
/// Problems listed for a whole tree.
const MAX_PROBLEMS: usize = 1000;

/// Checks a listing (paths relative to the source, `/`-separated) against the Xtreme1 tree and
/// gathers its frames. Hidden files and folders (`.DS_Store`) and `__MACOSX/` are skipped
/// silently; a path ending in `/` is a folder marker and skipped too.
pub fn check_tree<'a>(paths: impl IntoIterator<Item = &'a str>) -> Xtreme1Tree {
    let mut groups: BTreeMap<String, Group<'a>> = BTreeMap::new();
    let mut strays: BTreeMap<String, Strays<'a>> = BTreeMap::new();
    for path in paths {
        match locate(path) {
            Place::Skipped => {}
            Place::Stray { parent } => {
                let strays = strays.entry(parent).or_insert(Strays {
                    first: path,
                    count: 0,
                });
                strays.count += 1;
            }
            Place::Sensor(located) => {
                let folder = groups
                    .entry(located.group)
                    .or_default()
                    .folders
                    .entry(located.folder_name.to_owned())
                    .or_insert_with(|| FolderFiles {
                        folder: located.folder,
                        path: located.folder_path,
                        files: Vec::new(),
                        nested: Vec::new(),
                    });
                if located.depth == 1 {
                    folder.files.push(path);
                } else {
                    folder.nested.push(path);
                }
            }
        }
    }
    let kind = kind_of(groups.values());
    let mut builder = Builder {
        kind,
        problems: Problems::default(),
        root: BTreeMap::new(),
        scenes: BTreeMap::new(),
        defining_folders: 0,
    };
    for (path, group) in groups {
        builder.group(&path, group);
    }
    for (parent, strays) in strays {
        builder.strays(&parent, &strays);
    }
    builder.finish()
}

/// Where a path lies in the tree.
pub(super) enum Place<'a> {
    /// Hidden, `__MACOSX`, or a folder marker.
    Skipped,
    /// Under no sensor folder; `parent` is the folder holding it (`""` for the root).
    Stray {
        parent: String,
    },
    Sensor(Located<'a>),
}

/// A path under a sensor folder (or one meant as such).
pub(super) struct Located<'a> {
    /// The folder holding the sensor folder: a scene, the root (`""`), or another folder.
    pub group: String,
    pub folder_name: &'a str,
    /// The sensor folder's path.
    pub folder_path: String,
    pub folder: Folder,
    /// Levels below the sensor folder: 1 for a file directly in it.
    pub depth: usize,
}

pub(super) fn locate(path: &str) -> Place<'_> {
    if path.ends_with('/') {
        return Place::Skipped;
    }
    let parts: Vec<&str> = path
        .split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    if parts.is_empty()
        || parts
            .iter()
            .any(|part| part.starts_with('.') || *part == "__MACOSX")
    {
        return Place::Skipped;
    }
    let folders = &parts[..parts.len() - 1];
    let Some((at, folder)) = folders
        .iter()
        .enumerate()
        .find_map(|(at, name)| classify(name).map(|folder| (at, folder)))
    else {
        return Place::Stray {
            parent: folders.join("/"),
        };
    };
    Place::Sensor(Located {
        group: parts[..at].join("/"),
        folder_name: parts[at],
        folder_path: parts[..=at].join("/"),
        folder,
        depth: parts.len() - at - 1,
    })
}

/// A folder name the layout gives a meaning to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Folder {
    LidarPointCloud(u8),
    CameraImage(u8),
    Image(u8),
    CameraConfig,
    LidarConfig,
    Result,
    /// Meant as a sensor folder, but not a name Xtreme1 matches: its files are left out.
    Misnamed(Misnamed),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Misnamed {
    /// `point_cloud`: older Xtreme1 docs' name of `lidar_point_cloud_0`.
    ObsoletePointCloud,
    /// `image0`, `image1`: older docs' names of `camera_image_<N>` (fusion) or `image_<N>`.
    ObsoleteImage(String),
    /// `lidar_point_cloud_10`: an index of more than one digit.
    LongIndex { prefix: &'static str },
    /// `lidar_point_cloud`, `camera_image1`, `image_left`: no `_<digit>` at the end.
    NoIndex { prefix: &'static str },
    /// `Lidar_Point_Cloud_0`, `Camera_Config`, `results`: a known name, spelt otherwise.
    Spelling { suggestion: String },
}

/// The prefixes of the indexed sensor folders.
const INDEXED: [&str; 3] = ["lidar_point_cloud", "camera_image", "image"];

pub(super) fn classify(name: &str) -> Option<Folder> {
    if let Some(index) = indexed(name, "lidar_point_cloud_") {
        return Some(Folder::LidarPointCloud(index));
    }
    if let Some(index) = indexed(name, "camera_image_") {
        return Some(Folder::CameraImage(index));
    }
    if let Some(index) = indexed(name, "image_") {
        return Some(Folder::Image(index));
    }
    match name {
        "camera_config" => return Some(Folder::CameraConfig),
        "lidar_config" => return Some(Folder::LidarConfig),
        // Xtreme1 finds the result folder whatever its case.
        _ if name.eq_ignore_ascii_case("result") => return Some(Folder::Result),
        _ => {}
    }
    near_miss(name).map(Folder::Misnamed)
}

/// `prefix` then one digit, exactly.
fn indexed(name: &str, prefix: &str) -> Option<u8> {
    match name.strip_prefix(prefix)?.as_bytes() {
        [digit @ b'0'..=b'9'] => Some(digit - b'0'),
        _ => None,
    }
}

fn near_miss(name: &str) -> Option<Misnamed> {
    let lower = name.to_ascii_lowercase();
    if lower == "point_cloud" {
        return Some(Misnamed::ObsoletePointCloud);
    }
    if let Some(digits) = lower.strip_prefix("image")
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(Misnamed::ObsoleteImage(digits.to_owned()));
    }
    for prefix in INDEXED {
        // `image` alone is a common word; only `image_…` is taken for a sensor folder.
        let Some(rest) = lower.strip_prefix(prefix) else {
            continue;
        };
        if prefix == "image" && !rest.starts_with('_') {
            continue;
        }
        let digits = rest.strip_prefix('_').unwrap_or("");
        return Some(match digits.len() {
            1 if digits.bytes().all(|b| b.is_ascii_digit()) => Misnamed::Spelling {
                suggestion: lower.clone(),
            },
            2.. if digits.bytes().all(|b| b.is_ascii_digit()) => Misnamed::LongIndex { prefix },
            _ => Misnamed::NoIndex { prefix },
        });
    }
    let suggestion = match lower.as_str() {
        "camera_config" | "camera_configs" => "camera_config",
        "lidar_config" | "lidar_configs" => "lidar_config",
        "results" => "result",
        _ => return None,
    };
    Some(Misnamed::Spelling {
        suggestion: suggestion.to_owned(),
    })
}

/// Fusion when any group has point cloud or camera folders; image when it has only `image_<N>`.
fn kind_of<'g, 'a: 'g>(groups: impl Iterator<Item = &'g Group<'a>> + Clone) -> TreeKind {
    let any = |test: fn(&Folder) -> bool| {
        groups
            .clone()
            .any(|group| group.folders.values().any(|f| test(&f.folder)))
    };
    if any(|f| matches!(f, Folder::LidarPointCloud(_) | Folder::CameraImage(_))) {
        TreeKind::LidarFusion
    } else if any(|f| matches!(f, Folder::Image(_))) {
        TreeKind::Image
    } else {
        TreeKind::LidarFusion
    }
}

/// The sensor folders of one folder of the tree.
#[derive(Default)]
struct Group<'a> {
    /// By folder name.
    folders: BTreeMap<String, FolderFiles<'a>>,
}

struct FolderFiles<'a> {
    folder: Folder,
    path: String,
    /// Files directly in the folder.
    files: Vec<&'a str>,
    /// Files in subfolders of it.
    nested: Vec<&'a str>,
}

/// Files under no sensor folder, per folder: the first, and how many.
struct Strays<'a> {
    first: &'a str,
    count: u64,
}

/// A frame as it is gathered: files by folder index.
#[derive(Default)]
struct FrameFiles {
    point_clouds: BTreeMap<u8, String>,
    images: BTreeMap<u8, String>,
    camera_config: Option<String>,
    result: Option<String>,
}

impl FrameFiles {
    fn into_frame(self, name: String) -> Xtreme1Frame {
        Xtreme1Frame {
            name,
            point_clouds: self.point_clouds.into_values().collect(),
            images: self.images.into_values().collect(),
            camera_config: self.camera_config,
            result: self.result,
        }
    }

    /// The file a problem about the whole frame names.
    fn first_path(&self) -> Option<&str> {
        self.point_clouds
            .values()
            .chain(self.images.values())
            .next()
            .map(String::as_str)
    }
}

/// What a frame took from a group, to report duplicates across groups.
struct Placed {
    group: String,
    frame: Xtreme1Frame,
}

struct Builder {
    kind: TreeKind,
    problems: Problems,
    /// Frames outside any scene, by name.
    root: BTreeMap<String, Placed>,
    /// Scenes by name: the group they came from and their frames.
    scenes: BTreeMap<String, (String, Vec<Xtreme1Frame>)>,
    /// Folders that define frames (`lidar_point_cloud_<N>` or `image_<N>`) met.
    defining_folders: usize,
}

impl Builder {
    fn group(&mut self, path: &str, group: Group) {
        let scene = self.scene_of(path);
        let mut frames: BTreeMap<String, FrameFiles> = BTreeMap::new();
        let mut duplicates: BTreeSet<String> = BTreeSet::new();
        let mut others: Vec<(&FolderFiles, Vec<(&str, String)>)> = Vec::new();
        self.gaps(&group);
        for folder in group.folders.values() {
            for nested in &folder.nested {
                self.problems.per_file(
                    &folder.path,
                    "nested",
                    Problem::error(
                        ProblemCode::LayoutMismatch,
                        *nested,
                        format!(
                            "`{nested}` lies in a subfolder of `{}/`: Xtreme1 reads only the files directly in a sensor folder; move it up.",
                            folder.path
                        ),
                    )
                    .expected(format!("a file directly in `{}/`", folder.path)),
                );
            }
            if !self.usable(folder) {
                continue;
            }
            let accepted = self.accepted_files(folder, &mut duplicates);
            match folder.folder {
                Folder::LidarPointCloud(index) if self.kind == TreeKind::LidarFusion => {
                    self.defining_folders += 1;
                    for (file, stem) in accepted {
                        frames
                            .entry(stem)
                            .or_default()
                            .point_clouds
                            .insert(index, file.to_owned());
                    }
                }
                Folder::Image(index) if self.kind == TreeKind::Image => {
                    self.defining_folders += 1;
                    for (file, stem) in accepted {
                        frames
                            .entry(stem)
                            .or_default()
                            .images
                            .insert(index, file.to_owned());
                    }
                }
                _ => others.push((folder, accepted)),
            }
        }
        // Frames are defined by their point clouds (or images, in image trees); the other
        // folders attach to them.
        for (folder, accepted) in others {
            for (file, stem) in accepted {
                if duplicates.contains(&stem) {
                    continue;
                }
                let Some(frame) = frames.get_mut(&stem) else {
                    self.orphan(folder, file, &stem);
                    continue;
                };
                match folder.folder {
                    Folder::CameraImage(index) => {
                        frame.images.insert(index, file.to_owned());
                    }
                    Folder::CameraConfig => frame.camera_config = Some(file.to_owned()),
                    Folder::Result => frame.result = Some(file.to_owned()),
                    _ => {}
                }
            }
        }
        frames.retain(|stem, _| !duplicates.contains(stem));
        self.place(path, scene, frames);
    }

    /// The scene a group's frames go to: its name when it is a `scene_*` folder, `None` for
    /// the root and, with a warning, for any other folder.
    fn scene_of(&mut self, path: &str) -> Option<String> {
        if path.is_empty() {
            return None;
        }
        let name = file_name(path);
        if name.to_ascii_lowercase().starts_with("scene_") {
            return Some(name.to_owned());
        }
        let lower = name.to_ascii_lowercase();
        let hint = if ["scen", "sence", "scne"].iter().any(|s| lower.contains(s)) {
            " It looks like a misspelt scene folder: rename it"
        } else {
            " If it is a sequence, rename it"
        };
        let message = format!(
            "`{path}/` holds sensor folders but its name does not start with `scene_`: Xtreme1 imports its frames as single frames, not as a scene.{hint} `scene_{name}`."
        );
        self.problems.push(
            Problem::warning(ProblemCode::LayoutMismatch, path, message)
                .found(name)
                .expected("a folder name starting with `scene_` (any case)"),
        );
        None
    }

    /// Whether a folder's files are read; reports why not when they are not.
    fn usable(&mut self, folder: &FolderFiles) -> bool {
        let path = &folder.path;
        let name = file_name(path);
        let (severity, message, expected) = match (&folder.folder, self.kind) {
            (Folder::Misnamed(misnamed), kind) => {
                let (message, expected) = misnamed_message(name, misnamed, kind);
                (Severity::Error, message, expected)
            }
            (Folder::Image(index), TreeKind::LidarFusion) => (
                Severity::Error,
                format!(
                    "`{path}/` is an image-dataset folder in a LiDAR tree: Xtreme1 ignores it there; camera images go in `camera_image_{index}/`."
                ),
                format!("camera_image_{index}"),
            ),
            (Folder::CameraConfig | Folder::LidarConfig, TreeKind::Image) => (
                Severity::Warning,
                format!(
                    "`{path}/` belongs to LiDAR trees; this is an image tree, so its files are ignored."
                ),
                "image_<N>/ and result/ only".to_owned(),
            ),
            // BasicAI reads `lidar_config/`, Xtreme1 ignores it; no frame field holds it.
            (Folder::LidarConfig, _) => return false,
            _ => return true,
        };
        let problem = match severity {
            Severity::Error => Problem::error(ProblemCode::LayoutMismatch, path.as_str(), message),
            Severity::Warning => {
                Problem::warning(ProblemCode::LayoutMismatch, path.as_str(), message)
            }
        };
        self.problems.push(problem.found(name).expected(expected));
        false
    }

    /// The files of a folder Xtreme1 reads, with their base names; reports the others and the
    /// base names met twice (Xtreme1 then skips the frame).
    fn accepted_files<'f>(
        &mut self,
        folder: &'f FolderFiles,
        duplicates: &mut BTreeSet<String>,
    ) -> Vec<(&'f str, String)> {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        let mut accepted = Vec::new();
        for file in &folder.files {
            let file: &str = file;
            let extension = extension_of(file);
            if !self.accepts(folder, file, &extension) {
                continue;
            }
            let name = file_name(file);
            let stem = name
                .rsplit_once('.')
                .map_or(name, |(stem, _)| stem)
                .to_owned();
            if let Some(first) = seen.get(&stem) {
                let message = format!(
                    "`{file}` has the base name of `{first}`: Xtreme1 skips frame `{stem}` for its duplicate files; keep one file per base name in `{}/`.",
                    folder.path
                );
                self.problems.per_file(
                    &folder.path,
                    "duplicate",
                    Problem::error(ProblemCode::LayoutMismatch, file, message)
                        .found(name)
                        .expected(format!("one file named `{stem}.*`")),
                );
                duplicates.insert(stem);
                continue;
            }
            seen.insert(stem.clone(), file);
            accepted.push((file, stem));
        }
        accepted
    }

    /// Whether a file of `folder` has an extension Xtreme1 reads there; reports it otherwise.
    fn accepts(&mut self, folder: &FolderFiles, file: &str, extension: &str) -> bool {
        let (wanted, expected) = match folder.folder {
            Folder::LidarPointCloud(_) => (extension == "pcd", "a .pcd point cloud"),
            Folder::CameraImage(_) | Folder::Image(_) => (
                IMAGE_EXTENSIONS.contains(&extension),
                "an image (.jpg, .png, .bmp, .webp, .tiff)",
            ),
            Folder::CameraConfig | Folder::Result => (extension == "json", "a .json file"),
            Folder::LidarConfig | Folder::Misnamed(_) => (true, ""),
        };
        if wanted {
            return true;
        }
        let path = &folder.path;
        if folder.folder == Folder::Result && file_name(file).contains("_segmentation") {
            let message = format!(
                "`{file}` is a segmentation side file: Xtreme1 does not import them, and neither does Wharf yet; it is ignored."
            );
            self.problems.per_file(
                path,
                "segmentation",
                Problem::warning(ProblemCode::LayoutMismatch, file, message)
                    .found(file_name(file))
                    .expected("result/<frame>.json"),
            );
            return false;
        }
        let found = if extension.is_empty() {
            "no extension".to_owned()
        } else {
            format!(".{extension}")
        };
        let message = format!(
            "`{file}` is not {expected}, the only files Xtreme1 reads in `{path}/`; it is ignored."
        );
        self.problems.per_file(
            path,
            "extension",
            Problem::error(ProblemCode::LayoutMismatch, file, message)
                .found(found)
                .expected(expected),
        );
        false
    }

    /// A file of a camera, config or result folder whose base name is no frame's.
    fn orphan(&mut self, folder: &FolderFiles, file: &str, stem: &str) {
        let (what, frames_from) = match (&folder.folder, self.kind) {
            (Folder::CameraImage(_), _) => ("camera image", "point cloud"),
            (Folder::CameraConfig, _) => ("camera config", "point cloud"),
            (_, TreeKind::LidarFusion) => ("result", "point cloud"),
            (_, TreeKind::Image) => ("result", "image"),
        };
        let defining = match self.kind {
            TreeKind::LidarFusion => "lidar_point_cloud_<N>/",
            TreeKind::Image => "image_<N>/",
        };
        let message = format!(
            "`{file}` is a {what} with no frame: no {frames_from} named `{stem}` is in a `{defining}` folder beside `{}/`, and Xtreme1 makes frames only from {frames_from}s, so it is ignored.",
            folder.path
        );
        self.problems.per_file(
            &folder.path,
            "orphan",
            Problem::error(ProblemCode::LayoutMismatch, file, message)
                .found(file_name(file))
                .expected(format!("a {frames_from} named `{stem}` in `{defining}`")),
        );
    }

    /// Warns of indexed folders that do not run from `_0` without a gap.
    fn gaps(&mut self, group: &Group) {
        for prefix in INDEXED {
            let mut indices: Vec<(u8, &str)> = group
                .folders
                .values()
                .filter_map(|f| match (&f.folder, prefix) {
                    (Folder::LidarPointCloud(i), "lidar_point_cloud")
                    | (Folder::CameraImage(i), "camera_image")
                    | (Folder::Image(i), "image") => Some((*i, f.path.as_str())),
                    _ => None,
                })
                .collect();
            indices.sort_unstable();
            let Some((expected, (index, path))) = (0u8..)
                .zip(indices)
                .find(|(expected, (index, _))| expected != index)
            else {
                continue;
            };
            let pairing = if prefix == "camera_image" {
                " Xtreme1 pairs the cameras with the entries of `camera_config` by position, so a gap shifts every camera after it."
            } else {
                ""
            };
            let message = format!(
                "`{path}/` has no `{prefix}_{expected}/` before it: folders should run from `{prefix}_0` without a gap.{pairing}"
            );
            self.problems.push(
                Problem::warning(ProblemCode::LayoutMismatch, path, message)
                    .found(format!("{prefix}_{index}"))
                    .expected(format!("{prefix}_{expected}")),
            );
        }
    }

    /// Adds a group's frames to their scene.
    fn place(&mut self, group: &str, scene: Option<String>, frames: BTreeMap<String, FrameFiles>) {
        if frames.is_empty() {
            return;
        }
        let Some(scene) = scene else {
            for (name, files) in frames {
                if let Some(earlier) = self.root.get(&name) {
                    let file = files.first_path().unwrap_or(group).to_owned();
                    let earlier_group = if earlier.group.is_empty() {
                        "the root".to_owned()
                    } else {
                        format!("`{}/`", earlier.group)
                    };
                    let message = format!(
                        "Frame `{name}` of `{group}/` has the name of a frame of {earlier_group}: both are frames outside any scene, and Xtreme1 keeps only the first of a name; rename one, or make the folders scenes (`scene_…`)."
                    );
                    self.problems.per_file(
                        group,
                        "frame name",
                        Problem::error(ProblemCode::LayoutMismatch, file, message)
                            .found(name.as_str())
                            .expected("frame names unique outside scenes"),
                    );
                    continue;
                }
                let frame = files.into_frame(name.clone());
                self.root.insert(
                    name,
                    Placed {
                        group: group.to_owned(),
                        frame,
                    },
                );
            }
            return;
        };
        if let Some((earlier, _)) = self.scenes.get(&scene) {
            let message = format!(
                "`{group}/` is a second scene named `{scene}` (the first is `{earlier}/`): Xtreme1 refuses duplicate scene names, so its frames are left out; rename one."
            );
            self.problems.push(
                Problem::error(ProblemCode::LayoutMismatch, group, message)
                    .found(scene.as_str())
                    .expected("scene names unique in the source"),
            );
            return;
        }
        let frames = frames
            .into_iter()
            .map(|(name, files)| files.into_frame(name))
            .collect();
        self.scenes.insert(scene, (group.to_owned(), frames));
    }

    /// Reports the files of one folder that lie under no sensor folder.
    fn strays(&mut self, parent: &str, strays: &Strays) {
        let extension = extension_of(strays.first);
        let first = strays.first;
        if file_name(parent) == "data" && extension == "json" {
            let message = format!(
                "`{parent}/` holds the data info files of an Xtreme1 or BasicAI export (`{first}`, {} files); an import does not read them, they are ignored.",
                strays.count
            );
            self.problems.push(
                Problem::warning(ProblemCode::LayoutMismatch, first, message)
                    .found(format!("{} files in `{parent}/`", strays.count))
                    .expected("sensor folders and result/"),
            );
            return;
        }
        let hint = match (extension.as_str(), self.kind) {
            ("pcd", _) => Some("point clouds go in `lidar_point_cloud_<N>/`"),
            (e, TreeKind::LidarFusion) if IMAGE_EXTENSIONS.contains(&e) => {
                Some("camera images go in `camera_image_<N>/`")
            }
            (e, TreeKind::Image) if IMAGE_EXTENSIONS.contains(&e) => {
                Some("images go in `image_<N>/`")
            }
            ("json", _) => Some("results go in `result/`, camera parameters in `camera_config/`"),
            _ => None,
        };
        let place = if parent.is_empty() {
            "at the top of the source".to_owned()
        } else {
            format!("in `{parent}/`")
        };
        let many = match strays.count {
            1 => String::new(),
            n => format!(" (one of {n} such files {place})"),
        };
        let message = match hint {
            Some(hint) => format!(
                "`{first}`{many} lies outside any sensor folder, so it is ignored: {hint}, a folder at the top or in a scene folder."
            ),
            None => format!("`{first}`{many} lies outside any sensor folder; it is ignored."),
        };
        let expected = "a file in a sensor folder (lidar_point_cloud_<N>/, camera_image_<N>/, image_<N>/, camera_config/, result/)";
        // Data files out of place are lost frames; anything else (a README) is only noted.
        let problem = match hint {
            Some(_) => Problem::error(ProblemCode::LayoutMismatch, first, message),
            None => Problem::warning(ProblemCode::LayoutMismatch, first, message),
        };
        self.problems.push(problem.found(place).expected(expected));
    }

    fn finish(mut self) -> Xtreme1Tree {
        if self.root.is_empty() && self.scenes.is_empty() {
            let message = if self.defining_folders == 0 {
                match self.kind {
                    TreeKind::LidarFusion => "The source has no `lidar_point_cloud_<N>/` or `image_<N>/` folder, at the top or in `scene_*` folders, so it holds no frames; Xtreme1 refuses such a package.".to_owned(),
                    TreeKind::Image => "The source has no usable `image_<N>/` folder, so it holds no frames.".to_owned(),
                }
            } else {
                let (folders, files) = match self.kind {
                    TreeKind::LidarFusion => ("`lidar_point_cloud_<N>/`", ".pcd point cloud"),
                    TreeKind::Image => ("`image_<N>/`", "image"),
                };
                format!("No {folders} folder holds a usable {files}, so the source has no frames.")
            };
            self.problems.push(
                Problem::error(ProblemCode::LayoutMismatch, "", message)
                    .expected("at least one frame"),
            );
        }
        let mut scenes = Vec::new();
        if !self.root.is_empty() {
            scenes.push(Xtreme1Scene {
                name: None,
                frames: self.root.into_values().map(|placed| placed.frame).collect(),
            });
        }
        scenes.extend(
            self.scenes
                .into_iter()
                .map(|(name, (_, frames))| Xtreme1Scene {
                    name: Some(name),
                    frames,
                }),
        );
        Xtreme1Tree {
            kind: self.kind,
            scenes,
            problems: self.problems.finish(),
        }
    }
}

/// Message and expected name for a misnamed sensor folder.
pub(super) fn misnamed_message(
    name: &str,
    misnamed: &Misnamed,
    kind: TreeKind,
) -> (String, String) {
    match misnamed {
        Misnamed::ObsoletePointCloud => (
            format!(
                "`{name}/` is the point cloud folder's name in older Xtreme1 docs, which Xtreme1 no longer matches: rename it `lidar_point_cloud_0`."
            ),
            "lidar_point_cloud_0".to_owned(),
        ),
        Misnamed::ObsoleteImage(digits) => {
            let current = match kind {
                TreeKind::LidarFusion => format!("camera_image_{digits}"),
                TreeKind::Image => format!("image_{digits}"),
            };
            (
                format!(
                    "`{name}/` is an image folder's name in older Xtreme1 docs, which Xtreme1 no longer matches: rename it `{current}`."
                ),
                current,
            )
        }
        Misnamed::LongIndex { prefix } => (
            format!(
                "`{name}/` has an index of more than one digit: Xtreme1 matches `{prefix}_<digit>` with a single digit (0–9), at most 10 such folders, and ignores this one."
            ),
            format!("{prefix}_0 … {prefix}_9"),
        ),
        Misnamed::NoIndex { prefix } => (
            format!(
                "`{name}/` is not `{prefix}_<digit>`, the only form Xtreme1 matches: rename it, e.g. `{prefix}_0`."
            ),
            format!("{prefix}_0"),
        ),
        Misnamed::Spelling { suggestion } => (
            format!(
                "`{name}/` is not spelt as Xtreme1 matches it, in lower case: rename it `{suggestion}`."
            ),
            suggestion.clone(),
        ),
    }
}

/// A tree's problems: bounded per folder and kind, and in all.
#[derive(Default)]
struct Problems {
    list: Vec<Problem>,
    /// Per (folder, kind): problems listed, and the first past the limit with the count.
    per_folder: BTreeMap<(String, &'static str), (usize, Option<Problem>, u64)>,
    unlisted: u64,
}

impl Problems {
    fn push(&mut self, problem: Problem) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(problem);
        } else {
            self.unlisted += 1;
        }
    }

    /// A problem about one file of a folder, of which a folder may have thousands.
    fn per_file(&mut self, folder: &str, kind: &'static str, problem: Problem) {
        let entry = self
            .per_folder
            .entry((folder.to_owned(), kind))
            .or_insert((0, None, 0));
        if entry.0 < MAX_LISTED_PER_FOLDER {
            entry.0 += 1;
            self.push(problem);
        } else {
            entry.1.get_or_insert(problem);
            entry.2 += 1;
        }
    }

    fn finish(mut self) -> Vec<Problem> {
        for ((folder, _), (_, first, count)) in std::mem::take(&mut self.per_folder) {
            let Some(first) = first else { continue };
            let message = format!(
                "{count} more files of `{folder}/` have the same problem as those above (the first is `{}`); they are not listed one by one.",
                first.file
            );
            self.push(Problem {
                file: folder,
                message,
                found: Some(format!("{count} more files")),
                ..first
            });
        }
        self.list.sort_by(|a, b| a.file.cmp(&b.file));
        if self.unlisted > 0 {
            let message = format!(
                "{} more problems in the tree are not listed; fix the ones above and check again.",
                self.unlisted
            );
            self.list.push(
                Problem::warning(ProblemCode::TooLarge, "", message)
                    .found(format!("{} problems", MAX_PROBLEMS as u64 + self.unlisted))
                    .expected(format!("at most {MAX_PROBLEMS} listed")),
            );
        }
        self.list
    }
}
