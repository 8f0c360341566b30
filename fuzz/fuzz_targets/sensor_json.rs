//! Any bytes read as the sensor trees' JSON files (Rosetta's `metadata.json`, Xtreme1's result
//! and camera config): no panic, and every problem names the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf_formats::{rosetta, xtreme1};

fuzz_target!(|data: &[u8]| {
    let (_, problems) = rosetta::parse_metadata(data, "metadata.json");
    assert!(problems.iter().all(|p| p.file == "metadata.json"));
    let (_, problems) = xtreme1::parse_result(data, "result.json");
    assert!(problems.iter().all(|p| p.file == "result.json"));
    let (_, problems) = xtreme1::parse_camera_config(data, "camera_config.json");
    assert!(problems.iter().all(|p| p.file == "camera_config.json"));
});
