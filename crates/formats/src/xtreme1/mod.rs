//! Xtreme1 and BasicAI "sensor oriented" trees, and their result JSON.
//!
//! # The tree
//!
//! Sensors are folders, one per sensor, and a frame ("data") is the files of one base name
//! across them:
//!
//! ```text
//! lidar_point_cloud_0/000001.pcd     LiDAR: the frames are the .pcd files here
//! lidar_point_cloud_1/000001.pcd     a second LiDAR, same frame
//! camera_image_0/000001.jpg          camera 0 (camera_image_0 … camera_image_9)
//! camera_config/000001.json          one entry per camera, entry i for camera_image_i
//! lidar_config/000001.json           BasicAI only; Xtreme1 ignores it, and so does this reader
//! result/000001.json                 the frame's objects (optional)
//! scene_1/lidar_point_cloud_0/…      the same again: a scene (a sequence of frames)
//! ```
//!
//! An image dataset has `image_<N>/` in place of the LiDAR and camera folders, and `result/`.
//! [`check_tree`] gathers the frames and reports what is out of place; [`parse_camera_config`]
//! and [`parse_result`] read the JSON files; [`detect`] judges a listing.
//!
//! # Decisions, and why
//!
//! - **Xtreme1's code is the reference, not its docs.** Older docs name the folders
//!   `point_cloud/` and `image0/`; the code no longer matches them, and uploads built on them
//!   fail with "The format of the compressed package is incorrect". Such folders are errors
//!   that give the current name. Likewise the index is one digit, as Xtreme1's full-match
//!   `lidar_point_cloud_\d` has it: `lidar_point_cloud_10/` is an error, not a tenth LiDAR.
//! - **Frames come from point clouds** (from images in image trees), as in Xtreme1: a camera
//!   image, camera config or result with no point cloud of its base name is an error, since
//!   Xtreme1 would drop it silently. Only `.pcd` point clouds are frames (Xtreme1 reads no
//!   `.bin` or LAS); see [`crate::pointcloud`] for their headers.
//! - **A scene is a folder named `scene_*`, in any case, at any depth**: Xtreme1 takes every
//!   folder holding sensor folders as a scene or, without the prefix, as a folder of single
//!   frames. So `Sence_01/` or `scene-0061/` (nuScenes' names) quietly lose their sequence in
//!   Xtreme1; here they are read as single frames with a warning that says why. A tree under
//!   one wrapping folder (an unzipped archive) reads the same way.
//! - **Camera folders should run from `_0` without a gap**: Xtreme1's viewer pairs cameras with
//!   camera config entries by position after dropping the missing ones, so a gap shifts every
//!   camera after it. A warning, since the files are still read.
//! - **Duplicate base names** in one folder (`a.jpg` and `a.png`) make Xtreme1 skip the frame;
//!   so does this reader, with an error per duplicate. Duplicate scene names, and frames of one
//!   name in several non-scene folders (all land at the dataset's root), keep the first.
//! - **Results**: `{"objects": [...]}` or an array of them, as Xtreme1 reads them. BasicAI's
//!   newer exports call the list `instances`; it is read the same way. The old
//!   `{"result": {"objects": ...}}` of Xtreme1's early samples is refused with a message
//!   saying so, as Xtreme1 refuses it.
//! - **Shapes**: `3D_BOX` → [`Shape::Box3d`](wharf_model::Shape::Box3d) (`center3D`,
//!   `size3D`, `rotation3D`); `2D_RECT` and `BOUNDING_BOX` → a box over their points;
//!   `2D_BOX`, a cuboid projected on a camera image, → its 8 corners as one polygon ring with
//!   the attribute `projected_cuboid: true` (Wharf has no projected cuboid shape; the corners
//!   keep all there is); `POLYGON` and `POLYLINE` as they are. `3D_SEGMENT_POINTS` is skipped
//!   with a warning: it labels points of the cloud by index, and the model has no per-point
//!   shape yet. Unknown types are skipped with a warning, as Xtreme1 drops them.
//! - **Labels**: `className`, else `modelClass`, else `class_<classId>`; an object with none
//!   is an error. `trackId`, `trackName`, `classId`, `classValues` and `viewIndex` become
//!   attributes, `modelConfidence` the confidence. `null`, which Xtreme1 exports write for
//!   absent values, counts as absent everywhere.
//! - **Camera matrices are normalised to row-major**, applying Xtreme1's own rule
//!   (`rowMajor: false`, or a translation in the last row), with a warning when only the
//!   layout said so. A camera whose matrix is not 16 numbers is left out, as Xtreme1 drops it.
//! - **Bounded work.** JSON files over [`MAX_JSON_BYTES`] are refused, nesting past
//!   serde_json's 128 levels is a `TooDeep` problem, never a stack overflow; past 1 000
//!   problems a file (or tree) only their count is reported, and per folder and kind of problem
//!   only the first 10 files are listed.

mod camera;
mod detection;
mod json;
mod reader;
mod result;
mod tree;

#[cfg(test)]
mod tests;

pub use camera::{CameraConfig, parse_camera_config};
pub use detection::{Xtreme1Layout, detect};
pub use json::MAX_JSON_BYTES;
pub use result::parse_result;
pub use tree::{TreeKind, Xtreme1Frame, Xtreme1Scene, Xtreme1Tree, check_tree};

/// `source_format` of the annotations read here.
pub const FORMAT: &str = "xtreme1";
