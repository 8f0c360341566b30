//! Any bytes read as a Pascal VOC file, checked without an image and against one whose header
//! gave a size: no panic, and every problem names the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf_formats::voc::{self, LabelledImage};

fuzz_target!(|data: &[u8]| {
    let document = voc::parse(data, "fuzz.xml");
    assert!(document.problems.iter().all(|p| p.file == "fuzz.xml"));
    let image = LabelledImage {
        path: "fuzz.jpg",
        width: 64,
        height: 48,
    };
    let checked = voc::read(data, "fuzz.xml").check(Some(image));
    assert!(checked.problems.iter().all(|p| p.file == "fuzz.xml"));
});
