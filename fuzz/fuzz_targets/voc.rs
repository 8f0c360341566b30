//! Any bytes read as a Pascal VOC file: no panic, and every problem names the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf_formats::voc;

fuzz_target!(|data: &[u8]| {
    let document = voc::parse(data, "fuzz.xml");
    assert!(document.problems.iter().all(|p| p.file == "fuzz.xml"));
});
