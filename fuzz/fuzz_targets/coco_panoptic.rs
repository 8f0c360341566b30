//! Any bytes as the `segments_info` of a COCO panoptic record, inside an otherwise sound
//! file, so that the fuzzer spends its time on segments rather than on the JSON around them:
//! no panic, every problem names the file, and every segment kept is a mask of the record's
//! PNG in the folder named after the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf_formats::coco::{self, CocoImage, CocoSink};
use wharf_model::{Annotation, LabelDef, Problem, Shape};

const FILE: &str = "annotations/panoptic_fuzz.json";

struct Check;

impl CocoSink for Check {
    fn labels(&mut self, _labels: Vec<LabelDef>) {}
    fn image(&mut self, _image: &CocoImage) {}
    fn annotation(&mut self, _image: u32, annotation: Annotation) {
        if let Shape::SegmentMask { file, .. } = &annotation.shape {
            assert_eq!(file, "annotations/panoptic_fuzz/a.png");
        }
    }
    fn problem(&mut self, problem: Problem) {
        assert_eq!(problem.file, FILE);
    }
}

fuzz_target!(|data: &[u8]| {
    let mut file = br#"{"images": [{"id": 1, "file_name": "a.jpg", "width": 64, "height": 48}],
 "categories": [{"id": 1, "name": "person", "isthing": 1}, {"id": 2, "name": "sky", "isthing": 0}],
 "annotations": [{"image_id": 1, "file_name": "a.png", "segments_info": "#
        .to_vec();
    file.extend_from_slice(data);
    file.extend_from_slice(b"}]}");
    coco::read(|| Ok(file.as_slice()), FILE, &mut Check);
});
