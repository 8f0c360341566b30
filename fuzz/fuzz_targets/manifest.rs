//! Any bytes read as a ModelArts manifest: no panic, and every problem names the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf_formats::manifest::{self, ManifestSample, ManifestSink};
use wharf_model::Problem;

struct Check;

impl ManifestSink for Check {
    fn sample(&mut self, _sample: ManifestSample) {}
    fn problem(&mut self, problem: Problem) {
        assert_eq!(problem.file, "fuzz.manifest");
    }
}

fuzz_target!(|data: &[u8]| {
    manifest::read(data, "fuzz.manifest", &mut Check);
});
