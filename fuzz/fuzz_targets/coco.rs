//! Any bytes read as a COCO file: no panic, and every problem names the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf_formats::coco::{self, CocoImage, CocoSink};
use wharf_model::{Annotation, LabelDef, Problem};

struct Check;

impl CocoSink for Check {
    fn labels(&mut self, _labels: Vec<LabelDef>) {}
    fn image(&mut self, _image: &CocoImage) {}
    fn annotation(&mut self, _image: u32, _annotation: Annotation) {}
    fn problem(&mut self, problem: Problem) {
        assert_eq!(problem.file, "fuzz.json");
    }
}

fuzz_target!(|data: &[u8]| {
    coco::read(|| Ok(data), "fuzz.json", &mut Check);
});
