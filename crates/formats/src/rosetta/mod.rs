//! Rosetta's "sensor oriented" file tree (`fileTreeType` 0), as Stardust's Rosetta Open API
//! imports it (`POST /dataset/import/async`, `POST /dataset/annotation/import/async`).
//!
//! # The layout
//!
//! ```text
//! <root>/
//! ├── lidar-<lidarName>/<scene_id>/<timestamp>.pcd       (dataType 3 only)
//! ├── camera-<cameraName>/<scene_id>/<timestamp>.jpg     (.jpeg and .png too)
//! └── metadata.json
//! ```
//!
//! One folder per sensor, named with a lowercase `lidar-` or `camera-` prefix and the sensor's
//! name; in it one folder per scene; in that one file per sampling instant, named by its
//! timestamp (usually integer milliseconds). A *frame* is one scene and one timestamp: the point
//! cloud(s) and the image(s) of that instant, one file in every sensor folder. `metadata.json`
//! names the sensors (`lidarSequence`, `cameraSequence`), the data type (`dataType` 2 for 2D,
//! 3 for 3D) and each camera's calibration (`cameraCoefficients`). 2D data has camera folders
//! only. (Stardust `docs-api`, `src/en/datasets/file-tree.md`; the import pages include it under
//! a broken name, so the rendered pages end with an empty "File tree" heading.)
//!
//! # The diagnosis
//!
//! The platform answers any defect of this tree with error 5710, "File tree misalignment", and
//! nothing about which file or folder is at fault: with tens of thousands of files a user
//! cannot fix anything from that. [`check_tree`] is the diagnosis the platform does not give:
//! every misplaced file or folder is one
//! [`LayoutMismatch`](wharf_model::ProblemCode::LayoutMismatch) problem whose `file` is the
//! exact path at fault (or, for something missing, the exact path where it was expected) and
//! whose message says what is wrong and what was expected there. The path is what makes the
//! report actionable: it can be found, renamed or moved as it is written. The problems are
//! neutral; the Rosetta dialect answers them with the platform's code and words.
//!
//! # Decisions, and why
//!
//! - **A zip-named top folder is accepted.** The docs draw the tree inside a `top_folder` "same
//!   name as the zip file"; a source unpacked from such a zip has every path under one folder.
//!   When every path starts with one folder `X/` that is not itself a sensor folder and `X/`
//!   holds a sensor folder or `metadata.json`, `X/` is the root ([`SensorTree::root`]), and
//!   detection says so.
//! - **Non-numeric timestamps are warned, not refused.** The docs say a timestamp is "typically"
//!   integer milliseconds; frames are matched by file stem, which works with any name. One warning
//!   per scene says it, and timestamps sort numerically only when all are digits.
//! - **Frames are matched by scene and timestamp stem, exactly.** `0001.jpg` and `0001.pcd` are
//!   one frame; `1.jpg` and `0001.pcd` are two, each missing from the other sensor.
//! - **Incomplete frames are kept** in [`SensorTree::scenes`] with the files they have; the
//!   problems say what is missing, the caller decides what to import.
//! - **Extensions match in any case** (`.PCD`, `.JPG`): the docs only name the extension.
//! - **Folder markers are ignored.** Object stores list empty "folders" as keys ending in `/`;
//!   they hold nothing and are skipped, as are empty paths.
//! - **Bounded report.** Past [`MAX_TREE_PROBLEMS`] problems, the rest are counted in one last
//!   problem: a tree with a systematic mistake (say, no scene level anywhere) would otherwise
//!   produce one identical problem per file.
//! - **metadata.json is read apart** ([`parse_metadata`]), then compared with the tree
//!   ([`check_metadata`]): sensors named in a sequence without a folder, folders missing from
//!   the sequences, and a `dataType` other than the import's.

mod detection;
mod metadata;
mod reader;
mod tree;

#[cfg(test)]
mod tests;

use wharf_model::Problem;

pub use detection::{RosettaLayout, detect};
pub use metadata::{
    Camera, CameraCoefficients, CameraType, Intrinsic, MAX_METADATA_BYTES, Metadata, Position,
    Quaternion, Radial, Tangential, check_metadata, parse_metadata,
};
pub use tree::{MAX_TREE_PROBLEMS, check_tree};

/// How the problem that heads a misfit tree's diagnosis begins; the problems after it name
/// each folder or file out of place. A platform dialect words the misfit its own way.
pub const TREE_MISFIT: &str = "The sensor tree does not fit its layout";

/// The layout's name.
pub const FORMAT: &str = "rosetta";

/// The name of the file that describes the tree, at its root.
pub const METADATA_FILE: &str = "metadata.json";

/// The sensor-oriented tree of a source, read from its listing by [`check_tree`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SensorTree {
    /// The folder holding the sensor folders: `""` for the source itself, or the single top
    /// folder named like the zip (without a trailing `/`).
    pub root: String,
    /// The data type the tree was checked for: 2 (2D) or 3 (3D).
    pub data_type: u8,
    /// Lidar names (the folder name without `lidar-`), sorted.
    pub lidars: Vec<String>,
    /// Camera names (the folder name without `camera-`), sorted.
    pub cameras: Vec<String>,
    /// Scenes by id, numerically when all digits; incomplete frames included.
    pub scenes: Vec<Scene>,
    /// Every defect of the tree, sorted by path.
    pub problems: Vec<Problem>,
}

impl SensorTree {
    /// The path of a root-level entry, with the root folder in front when there is one.
    pub fn path_of(&self, entry: &str) -> String {
        join(&self.root, entry)
    }
}

/// One scene: its frames, by timestamp.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scene {
    pub id: String,
    /// By timestamp: numerically when all digits, lexically otherwise.
    pub frames: Vec<Frame>,
}

/// The files of one instant of a scene.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frame {
    /// The file stem shared by the frame's files.
    pub timestamp: String,
    /// `(lidar name, path)`, by lidar name.
    pub lidar: Vec<(String, String)>,
    /// `(camera name, path)`, by camera name.
    pub cameras: Vec<(String, String)>,
}

/// `root/entry`, or `entry` when the root is the source itself.
fn join(root: &str, entry: &str) -> String {
    if root.is_empty() {
        entry.to_owned()
    } else {
        format!("{root}/{entry}")
    }
}
