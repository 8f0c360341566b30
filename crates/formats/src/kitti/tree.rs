//! Gathering a KITTI tree's files into frames: one frame per frame id and split folder.

use std::collections::BTreeMap;

use wharf_model::{Problem, ProblemCode};

use crate::detect::{IMAGE_EXTENSIONS, extension_of};
use crate::text::ProblemList;

/// The folders of a KITTI object tree, in the order a frame lists its files: the one that
/// keys the frame first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KittiFolder {
    /// The left colour camera: the benchmark's images, which the labels' 2D boxes lie on.
    Image2,
    /// The LiDAR scans, `.bin`.
    Velodyne,
    /// The right colour camera.
    Image3,
    /// The left grey camera.
    Image0,
    /// The right grey camera.
    Image1,
    /// The scan cropped to the camera's view, which OpenPCDet and MMDetection3D write beside
    /// `velodyne/`.
    VelodyneReduced,
    /// The frame's camera and LiDAR calibration, `.txt`.
    Calib,
    /// The frame's objects, `.txt`.
    Label2,
}

impl KittiFolder {
    pub const ALL: [KittiFolder; 8] = [
        KittiFolder::Image2,
        KittiFolder::Velodyne,
        KittiFolder::Image3,
        KittiFolder::Image0,
        KittiFolder::Image1,
        KittiFolder::VelodyneReduced,
        KittiFolder::Calib,
        KittiFolder::Label2,
    ];

    pub fn name(self) -> &'static str {
        match self {
            KittiFolder::Image2 => "image_2",
            KittiFolder::Velodyne => "velodyne",
            KittiFolder::Image3 => "image_3",
            KittiFolder::Image0 => "image_0",
            KittiFolder::Image1 => "image_1",
            KittiFolder::VelodyneReduced => "velodyne_reduced",
            KittiFolder::Calib => "calib",
            KittiFolder::Label2 => "label_2",
        }
    }

    /// The folder a name gives, in any case.
    pub fn of(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// Whether the folder holds sensor data (a frame needs one such file to exist).
    pub fn is_data(self) -> bool {
        !matches!(self, KittiFolder::Calib | KittiFolder::Label2)
    }

    /// The extension the benchmark's files of the folder have.
    fn default_extension(self) -> &'static str {
        match self {
            KittiFolder::Velodyne | KittiFolder::VelodyneReduced => "bin",
            KittiFolder::Calib | KittiFolder::Label2 => "txt",
            _ => "png",
        }
    }

    /// Whether a file of this lowercase extension is one of the folder's files.
    fn accepts(self, extension: &str) -> bool {
        match self {
            KittiFolder::Velodyne | KittiFolder::VelodyneReduced => extension == "bin",
            KittiFolder::Calib | KittiFolder::Label2 => extension == "txt",
            _ => IMAGE_EXTENSIONS.contains(&extension),
        }
    }
}

/// A file of a KITTI folder: `<group>/<folder>/<frame id>.<extension>`.
pub(super) struct Located<'a> {
    /// The folders above the KITTI folder, without `data_object_*` ones (see the module doc).
    pub group: String,
    pub folder: KittiFolder,
    /// The KITTI folder's own path.
    pub folder_path: &'a str,
    pub id: &'a str,
    pub extension: String,
}

pub(super) fn locate(path: &str) -> Option<Located<'_>> {
    let (folder_path, name) = path.rsplit_once('/')?;
    let (parent, folder_name) = folder_path.rsplit_once('/').unwrap_or(("", folder_path));
    let folder = KittiFolder::of(folder_name)?;
    let extension = extension_of(name);
    if !folder.accepts(&extension) {
        return None;
    }
    let (id, _) = name.rsplit_once('.')?;
    Some(Located {
        group: group_of(parent),
        folder,
        folder_path,
        id,
        extension,
    })
}

/// The split folder of a KITTI folder's parent, without `data_object_*` folders.
fn group_of(parent: &str) -> String {
    parent
        .split('/')
        .filter(|c| !c.is_empty() && !c.to_ascii_lowercase().starts_with("data_object_"))
        .collect::<Vec<_>>()
        .join("/")
}

/// An image of the frames before a frame (`prev_2/000000_01.png`): the frame's group and id.
fn locate_previous(path: &str) -> Option<(String, &str)> {
    let (folder_path, name) = path.rsplit_once('/')?;
    let (parent, folder_name) = folder_path.rsplit_once('/').unwrap_or(("", folder_path));
    if !PREVIOUS_FOLDERS
        .iter()
        .any(|f| f.eq_ignore_ascii_case(folder_name))
        || !IMAGE_EXTENSIONS.contains(&extension_of(name).as_str())
    {
        return None;
    }
    let (id, step) = name.rsplit_once('.')?.0.split_once('_')?;
    if !is_frame_id(id) || step.is_empty() || !step.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((group_of(parent), id))
}

/// The folders of the images before each frame, from the left and right colour cameras.
const PREVIOUS_FOLDERS: [&str; 2] = ["prev_2", "prev_3"];

/// The usage of a split folder's frames, as Wharf stores usages (lower case).
pub fn usage_of(group: &str) -> Option<&'static str> {
    wharf_model::usage::of_split_name(group.rsplit('/').next().unwrap_or(group))
}

/// Six ASCII digits, as KITTI numbers its object frames.
pub(super) fn is_frame_id(id: &str) -> bool {
    id.len() == 6 && id.bytes().all(|b| b.is_ascii_digit())
}

/// A KITTI tree read from a listing: its frames, and what is out of place.
#[derive(Debug, Clone, Default)]
pub struct KittiTree {
    /// By split folder, then frame id.
    pub frames: Vec<KittiFrame>,
    /// Label files of no frame: already reported in `problems`, and read by nobody.
    pub orphan_labels: Vec<String>,
    pub problems: Vec<Problem>,
}

/// One frame: the files of one frame id in one split folder.
#[derive(Debug, Clone, PartialEq)]
pub struct KittiFrame {
    /// The split folder (`training`), `""` at the top.
    pub group: String,
    pub id: String,
    pub usage: Option<&'static str>,
    /// The frame's files by folder; at least one is sensor data.
    pub files: BTreeMap<KittiFolder, String>,
    /// The images of the frames before it (`prev_2/`, `prev_3/`), in path order.
    pub previous: Vec<String>,
}

impl KittiFrame {
    /// The file that keys the frame: its `image_2` image, else its scan, else another image.
    pub fn key(&self) -> &str {
        self.files
            .iter()
            .find(|(f, _)| f.is_data())
            .map_or("", |(_, path)| path.as_str())
    }

    /// The frame's files as a sample holds them: the key first, then the frame's other files
    /// and the images before it; the label file left out (it is read into annotations).
    pub fn sample_files(&self) -> impl Iterator<Item = &str> {
        self.files
            .iter()
            .filter(|(f, _)| **f != KittiFolder::Label2)
            .map(|(_, path)| path.as_str())
            .chain(self.previous.iter().map(String::as_str))
    }

    pub fn file(&self, folder: KittiFolder) -> Option<&str> {
        self.files.get(&folder).map(String::as_str)
    }
}

/// The KITTI folders of one split folder.
#[derive(Default)]
struct Group {
    /// The first path and extension seen of each folder, to name expected files.
    folders: BTreeMap<KittiFolder, (String, String)>,
    frames: BTreeMap<String, BTreeMap<KittiFolder, String>>,
    /// The images before each frame, by frame id.
    previous: BTreeMap<String, Vec<String>>,
}

/// Gathers the files of KITTI folders into frames; other paths are not looked at. Of two files
/// of one frame in one folder (`000000.png` and `000000.jpg`), the first is taken. The images
/// before a frame (`prev_2/000000_01.png`) are files of their frame; those of no frame are
/// left to the import's unused files.
pub fn check_tree<'a>(paths: impl IntoIterator<Item = &'a str>) -> KittiTree {
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for path in paths {
        if let Some((group, id)) = locate_previous(path) {
            let group = groups.entry(group).or_default();
            group
                .previous
                .entry(id.to_owned())
                .or_default()
                .push(path.to_owned());
            continue;
        }
        let Some(at) = locate(path) else {
            continue;
        };
        let group = groups.entry(at.group).or_default();
        group
            .folders
            .entry(at.folder)
            .or_insert_with(|| (at.folder_path.to_owned(), at.extension));
        group
            .frames
            .entry(at.id.to_owned())
            .or_default()
            .entry(at.folder)
            .or_insert_with(|| path.to_owned());
    }
    let mut tree = KittiTree::default();
    let mut problems = ProblemList::new("the KITTI tree");
    for (name, mut group) in groups {
        let expected = |folder: KittiFolder, id: &str| match group.folders.get(&folder) {
            Some((path, extension)) => format!("{path}/{id}.{extension}"),
            None => {
                let extension = folder.default_extension();
                let at = if name.is_empty() { "" } else { "/" };
                format!("{name}{at}{}/{id}.{extension}", folder.name())
            }
        };
        for (id, files) in group.frames {
            if !files.keys().any(|f| f.is_data()) {
                // A calibration alone is left to the import's unused files.
                if let Some(label) = files.get(&KittiFolder::Label2) {
                    let frame_folders = [KittiFolder::Image2, KittiFolder::Velodyne];
                    let mut wanted: Vec<String> = frame_folders
                        .into_iter()
                        .filter(|f| group.folders.contains_key(f))
                        .map(|f| expected(f, &id))
                        .collect();
                    if wanted.is_empty() {
                        wanted = frame_folders.map(|f| expected(f, &id)).to_vec();
                    }
                    let wanted = wanted.join(" or ");
                    problems.push(orphan_label(label, &id, &name, &wanted));
                    tree.orphan_labels.push(label.clone());
                }
                continue;
            }
            let mut previous = group.previous.remove(&id).unwrap_or_default();
            previous.sort();
            let frame = KittiFrame {
                usage: usage_of(&name),
                group: name.clone(),
                id,
                files,
                previous,
            };
            let missing: Vec<(KittiFolder, String)> = group
                .folders
                .keys()
                .filter(|f| !frame.files.contains_key(f))
                .map(|f| (*f, expected(*f, &frame.id)))
                .collect();
            if !missing.is_empty() {
                problems.push(incomplete(&frame, &missing));
            }
            tree.frames.push(frame);
        }
    }
    tree.problems = problems.finish();
    tree
}

/// How a message names a split folder.
fn shown_group(group: &str) -> String {
    if group.is_empty() {
        "the top folder".to_owned()
    } else {
        format!("{group}/")
    }
}

fn orphan_label(label: &str, id: &str, group: &str, wanted: &str) -> Problem {
    Problem::error(
        ProblemCode::MissingFile,
        label,
        format!(
            "'{label}' labels frame {id}, but {} holds no image or point cloud of that frame, so its objects are left out; add {wanted}.",
            shown_group(group)
        ),
    )
    .field(KittiFolder::Label2.name())
    .found(label)
    .expected(wanted)
}

/// A frame that lacks files its split folder holds for other frames: imported with the files
/// it has.
fn incomplete(frame: &KittiFrame, missing: &[(KittiFolder, String)]) -> Problem {
    let paths: Vec<&str> = missing.iter().map(|(_, p)| p.as_str()).collect();
    let what = |folder: KittiFolder| match folder {
        KittiFolder::Image2 => "its image",
        KittiFolder::Velodyne => "its point cloud",
        KittiFolder::VelodyneReduced => "its reduced point cloud",
        KittiFolder::Calib => "its calibration",
        KittiFolder::Label2 => "its labels",
        _ => "a camera image",
    };
    let mut lacking: Vec<&str> = missing.iter().map(|(f, _)| what(*f)).collect();
    lacking.dedup();
    let has: Vec<&str> = frame.files.values().map(String::as_str).collect();
    Problem::warning(
        ProblemCode::MissingFile,
        frame.key(),
        format!(
            "Frame {} of {} lacks {} ({}), which the split folder holds for other frames; it is imported with the files it has, keyed by {}.",
            frame.id,
            shown_group(&frame.group),
            lacking.join(", "),
            paths.join(", "),
            frame.key()
        ),
    )
    .field(missing[0].0.name())
    .found(has.join(", "))
    .expected(paths.join(", "))
}
