//! Any bytes read as YOLO label, names and data.yaml files: no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf_formats::yolo;

fuzz_target!(|data: &[u8]| {
    let (classes, _) = yolo::parse_class_names(data, "classes.txt");
    let _ = yolo::parse_data_yaml(data, "data.yaml");
    let _ = yolo::parse_darknet_data(data, "obj.data");
    let _ = yolo::parse_labels(data, "x.txt", &classes, Some((640, 480)));
    let _ = yolo::parse_labels(data, "x.txt", &[], None);
});
