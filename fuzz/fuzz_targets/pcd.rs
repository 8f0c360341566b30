//! Any bytes read as the head of a PCD point cloud: no panic, and a refusal names the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf_formats::pointcloud;

fuzz_target!(|data: &[u8]| {
    if let Err(problem) = pointcloud::read_pcd_header(data, "fuzz.pcd") {
        assert_eq!(problem.file, "fuzz.pcd");
    }
    let _ = pointcloud::pcd_header_len(data);
});
