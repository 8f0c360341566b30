//! KITTI velodyne scans: `float32` x, y, z, reflectance a point, and nothing else.

// A `Problem` is this function's one error, met once per file: returned as it is rather than
// boxed, which keeps the signature the callers expect.
#![allow(clippy::result_large_err)]

use wharf_model::{Problem, ProblemCode};

/// Bytes of one point of a KITTI `.bin` scan: four little-endian `float32`.
pub const KITTI_POINT_BYTES: u64 = 16;

/// The points in a KITTI velodyne `.bin` file of `file_size` bytes. A size that is not a
/// multiple of [`KITTI_POINT_BYTES`] is an `InvalidValue` problem: the file is cut short, or it
/// is not a KITTI scan (a file of x, y, z only has 12 bytes a point, and the message says so
/// when the size fits that).
pub fn kitti_bin_points(file_size: u64, file: &str) -> Result<u64, Problem> {
    let points = file_size / KITTI_POINT_BYTES;
    let left_over = file_size % KITTI_POINT_BYTES;
    if left_over == 0 {
        return Ok(points);
    }
    let hint = if file_size.is_multiple_of(12) {
        " Its size fits 12 bytes a point: it may hold x, y, z without reflectance."
    } else {
        ""
    };
    let message = format!(
        "The file is {file_size} bytes, not a multiple of 16: a KITTI velodyne scan has 16 bytes a point (float32 x, y, z, reflectance), so {left_over} bytes are left over after {points} points; the file is cut short or is not a KITTI scan.{hint}"
    );
    Err(Problem::error(ProblemCode::InvalidValue, file, message)
        .found(format!("{file_size} bytes"))
        .expected("a multiple of 16 bytes"))
}
