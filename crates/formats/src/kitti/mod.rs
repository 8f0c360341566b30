//! KITTI object detection (the 2D/3D object benchmark's tree) and its label files.
//!
//! # The tree
//!
//! ```text
//! training/image_2/000000.png     left colour camera: the frame's main file
//! training/image_3/000000.png     right colour camera (image_0/, image_1/: the grey ones)
//! training/velodyne/000000.bin    the LiDAR scan: float32 x, y, z, reflectance a point
//! training/calib/000000.txt       P0..P3, R0_rect, Tr_velo_to_cam, Tr_imu_to_velo
//! training/label_2/000000.txt     the frame's objects, one a line
//! training/prev_2/000000_01.png   the images before the frame (prev_3/: the right camera's)
//! testing/…                       the same folders, without label_2/
//! training/velodyne_reduced/…     the scans cropped to the camera (OpenPCDet, MMDetection3D)
//! devkit/…, ImageSets/train.txt   structure: the devkit, and split lists naming frame ids
//! kitti_infos_train.pkl, kitti_gt_database/…   structure: the training tools' caches
//! ```
//!
//! A frame is the files of one frame id (`000000`) across the folders of one split folder.
//! [`check_tree`] gathers them, [`parse_labels`] reads a label file, [`detect`] judges a
//! listing.
//!
//! # Label lines
//!
//! `type truncated occluded alpha left top right bottom height width length x y z rotation_y`,
//! and a 16th value, `score`, in results. Each object becomes one annotation labelled `type`:
//!
//! - **A 3D box in camera coordinates**: [`Shape::Box3d`](wharf_model::Shape::Box3d) with
//!   `center` the box's true centre, `size` `[length, height, width]` (its extents along the
//!   camera's x, y and z axes when `rotation_y` is 0, as the devkit draws it) and `rotation`
//!   `[0, rotation_y, 0]`. KITTI's location is the centre of the box's bottom face and the
//!   camera's y axis points down, so the centre is `[x, y - height / 2, z]`: stored as a centre,
//!   like every other 3D box in Wharf, rather than a bottom that readers would have to know
//!   about. The labels are in the rectified camera frame, not the LiDAR's (converting needs the
//!   frame's calibration, and would change the numbers users compare with KITTI's tools), so
//!   every 3D box carries the attribute `coordinates: "camera"`.
//! - **`bounds`** is the 2D box on the `image_2` image, `[left, top, right, bottom]`, in pixels.
//! - **Attributes** `truncated` (0..1), `occluded` (0 visible … 3 unknown) and `alpha` (the
//!   observation angle). KITTI writes -1 and -10 for "not given" (DontCare regions, results):
//!   those values are left out rather than stored as if measured.
//! - **`score`** becomes the confidence when it is within 0..1. KITTI only says "higher is
//!   better", so a score outside 0..1 (a logit) is kept as the attribute `score`, with a
//!   warning, rather than dropped or squeezed into a confidence.
//! - **2D-only objects**: dimensions `-1 -1 -1` with location `-1000 -1000 -1000` is KITTI's
//!   "no 3D box", which every `DontCare` line and 2D results have. Such an object is a
//!   [`Shape::Box`](wharf_model::Shape::Box) of its 2D box.
//! - **`DontCare` regions are kept**, as 2D boxes labelled `DontCare`: they are annotations the
//!   dataset holds (KITTI's evaluation ignores detections inside them), and dropping them would
//!   lose what a user must know to evaluate or retrain. A filter on labels leaves them out.
//!
//! # Decisions, and why
//!
//! - **Problems, not guesses.** A line without 15 or 16 values, a value that is not a finite
//!   number, a 2D box whose right or bottom edge comes before its left or top, or a 3D width
//!   or length not above 0 is an error that costs that line only. A value out of its range
//!   (truncation, occlusion, alpha, rotation_y) is a warning, and an attribute out of range is
//!   left out; a 2D box reaching out of the image (its size read from the header) or of no
//!   width is kept with a warning, as written: Wharf stores boxes where the source puts them.
//!   A height not above 0, which KITTI allows in bird's-eye-view results, keeps a flat box
//!   (height 0, centred at the location's y) with a warning.
//! - **The frame's key is its `image_2` image**, else its scan (a LiDAR-only tree), else another
//!   camera image. The other files of the frame (`image_3`, `velodyne`, `calib`, ...) are files
//!   of the same sample; the label file is read into annotations. A frame lacking a file that
//!   its split folder holds for other frames (a scan, a label, a calibration) is imported with
//!   what it has and a warning naming the missing path. A label file of a frame with no image
//!   or scan is an error: its objects have nothing to belong to.
//! - **Usage from the split folder**: `training/` → `train`, `testing/` → `test` (and `train`,
//!   `test`, `val`/`validation` → `eval` for trees split that way). Split lists such as
//!   `ImageSets/train.txt` are structure and are not read for usage: their lists overlap
//!   (`trainval.txt` holds `train.txt`), and they are the training tool's choice, not the
//!   dataset's.
//! - **Archives unzipped side by side** (`data_object_image_2/training/image_2/…`,
//!   `data_object_label_2/training/label_2/…`, as the benchmark's zip files are named) read as
//!   one tree: `data_object_*` folders are not part of a frame's split folder.
//! - **Detection needs a folder only KITTI names so**: `image_2/` alone is also an Xtreme1
//!   image folder, so a match needs `label_2/`, `velodyne/` or `calib/`, and Xtreme1 in turn
//!   refuses a tree that has them (`kitti_signature`). Label files whose first lines are not
//!   KITTI lines keep the match below what is read unasked. The tracking benchmark's tree
//!   (`image_02/0000/000000.png`, one label file per sequence) is another format and is not
//!   read here. The images before a frame (`prev_2/000000_01.png`, the benchmark's
//!   "3 temporally preceding frames") are files of the frame's sample, after its own.
//! - **Bounded work.** Label files over 16 MiB are refused, lines over 4 KiB skipped, and a file
//!   is read for 100 000 object lines at most; past 1 000 problems a file (or tree), only their
//!   count is reported. Scans are never opened: their point count is their size over 16.

mod detection;
mod labels;
mod reader;
mod tree;

#[cfg(test)]
mod tests;

pub(crate) use detection::kitti_signature;
pub use detection::{KittiLayout, detect};
pub use labels::parse_labels;
pub use tree::{KittiFolder, KittiFrame, KittiTree, check_tree, usage_of};

/// `source_format` of the annotations read here, and the layout's name.
pub const FORMAT: &str = "kitti";
