//! Facts about point cloud files, read from their first bytes: never a point is decoded.
//!
//! Point clouds are the large files of a LiDAR dataset (a frame is often 2–20 MB); an import
//! only needs to know what one holds and whether it is whole. Two formats are covered:
//!
//! - **PCD** (Point Cloud Library). A text header of `KEY values` lines, `#` comments allowed,
//!   ends with the `DATA` line; the points follow, as text (`ascii`), packed records
//!   (`binary`) or LZF-compressed columns (`binary_compressed`). [`read_pcd_header`] reads the
//!   header from the file's head, [`pcd_header_len`] says where it ends, and
//!   [`check_pcd_size`] compares a binary file's size with what its header promises.
//! - **KITTI velodyne `.bin`**: no header at all, four `float32` a point (x, y, z,
//!   reflectance), so the size alone gives the point count: [`kitti_bin_points`].
//!
//! Decisions, and why:
//!
//! - **The header is read from a head, not the file.** The caller passes the first bytes (a
//!   few KiB is plenty: PCL writes some 200 bytes). A header that does not end in them is one
//!   `MissingField` problem naming `DATA` and the number of bytes looked at: either the file is
//!   not a PCD or its header is absurdly long.
//! - **Strict about what PCL is strict about.** Keys are upper case, `SIZE`, `TYPE` and
//!   `COUNT` give one value per field, `TYPE` is `I`, `U` or `F`, `SIZE` is 1, 2, 4 or 8 and
//!   `POINTS` is `WIDTH × HEIGHT`. Files that break these rules are refused by PCL, and so by
//!   the tools (Xtreme1's converter among them) that read PCDs through it. `COUNT` may be left
//!   out (1 for every field), `VERSION` and `VIEWPOINT` too. The legacy key `COLUMNS` (PCD 0.5)
//!   is read as `FIELDS`, as PCL does.
//! - **A repeated key or an unknown key is an error**, not the last one winning: the header is
//!   then ambiguous, or the bytes are not a PCD header at all.
//! - **Counts above 2^40 are refused** ([`MAX_POINTS`]): a trillion points is no real scan, and
//!   refusing keeps every size computation far from overflow.
//! - **Size checks need the file size, not the file.** Only `binary` bodies have a size the
//!   header fixes; a `binary_compressed` file must at least hold its two 32-bit length words,
//!   an `ascii` one cannot be checked without reading it.
//!
//! Every function reports a [`Problem`](wharf_model::Problem) with the file, the header line
//! and key, what was found and what was expected; none panics, whatever the bytes.

mod kitti;
mod pcd;

#[cfg(test)]
mod tests;

pub use kitti::{KITTI_POINT_BYTES, kitti_bin_points};
pub use pcd::{
    MAX_POINTS, PcdData, PcdHeader, check_pcd_size, pcd_expected_body_bytes, pcd_header_len,
    read_pcd_header,
};
