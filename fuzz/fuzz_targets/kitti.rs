//! Any bytes read as a KITTI label file (with and without the image's size), and as a listing
//! whose label and calibration heads they also are: no panic, and every problem of a label file
//! names the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf_formats::{ListingSummary, kitti};

fuzz_target!(|data: &[u8]| {
    for size in [Some((1242, 375)), None] {
        let (_, problems) = kitti::parse_labels(data, "fuzz.txt", size);
        assert!(problems.iter().all(|p| p.file == "fuzz.txt"));
    }
    let text = String::from_utf8_lossy(data);
    let tree = kitti::check_tree(text.lines());
    assert!(tree.frames.iter().all(|f| !f.key().is_empty()));
    let mut summary = ListingSummary::default();
    for path in text.lines() {
        summary.add(path);
    }
    let _ = kitti::detect(&summary, &|_| Some(data.to_vec()));
});
