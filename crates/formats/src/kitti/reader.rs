//! KITTI object detection: one sample per frame, keyed by its `image_2` image (else its scan),
//! with the frame's `image_3`, `velodyne` and `calib` files, and its `label_2` objects as
//! annotations. See `crate::kitti` for the tree and the label lines.
//!
//! Frames are taken in rounds of [`SAMPLES_PER_ROUND`]: the images of the labelled frames are
//! probed for their size (the 2D boxes are checked against it), and their label files read
//! together.

use std::collections::HashMap;

use crate::kitti::{self, KittiFolder};
use crate::pointcloud;
use wharf_model::ObjectEntry;
use wharf_model::{Severity, WharfResult};

use crate::read::{
    Files, Listing, PlannedAnnotations, PlannedFile, PlannedSample, ReadSink, SAMPLES_PER_ROUND,
    image_sizes, problems, read_small_files,
};

pub(super) async fn read(
    source: &Files,
    listing: &Listing,
    sink: &mut dyn ReadSink,
) -> WharfResult<()> {
    let tree = kitti::check_tree(listing.paths());
    // Reported in the tree's problems: neither samples nor unused files.
    for label in &tree.orphan_labels {
        sink.annotation_file(label);
    }
    problems(sink, tree.problems).await?;
    for frames in tree.frames.chunks(SAMPLES_PER_ROUND) {
        let labelled: Vec<ObjectEntry> = frames
            .iter()
            .filter(|f| f.file(KittiFolder::Label2).is_some())
            .filter_map(|f| listing.entry(f.file(KittiFolder::Image2)?))
            .cloned()
            .collect();
        let sizes = image_sizes(source, labelled).await;
        let wanted: Vec<String> = frames
            .iter()
            .filter_map(|f| f.file(KittiFolder::Label2).map(str::to_owned))
            .collect();
        let mut texts: HashMap<String, Vec<u8>> = read_small_files(source, wanted, sink)
            .await?
            .into_iter()
            .collect();
        for frame in frames {
            let image = frame.file(KittiFolder::Image2);
            let size = image.and_then(|p| sizes.get(p).copied());
            let files: Vec<PlannedFile> = frame
                .sample_files()
                .filter_map(|p| listing.entry(p))
                .map(|entry| PlannedFile {
                    size_hint: size.filter(|_| Some(entry.path.as_str()) == image),
                    ..PlannedFile::new(entry.clone())
                })
                .collect();
            if let Some(scan) = frame
                .file(KittiFolder::Velodyne)
                .and_then(|p| listing.entry(p))
                && let Err(problem) = pointcloud::kitti_bin_points(scan.size, &scan.path)
            {
                // The frame keeps the scan; only its point count is unknown.
                sink.problem(wharf_model::Problem {
                    severity: Severity::Warning,
                    ..problem
                })
                .await?;
            }
            let mut annotations = Vec::new();
            if let Some(path) = frame.file(KittiFolder::Label2)
                && let Some(bytes) = texts.remove(path)
            {
                let (found, found_problems) = kitti::parse_labels(&bytes, path, size);
                problems(sink, found_problems).await?;
                annotations = found;
            }
            sink.sample(PlannedSample {
                key: frame.key().to_owned(),
                files,
                annotations: PlannedAnnotations::Inline(annotations),
                format: kitti::FORMAT,
                usage: frame.usage.map(str::to_owned),
                hard: false,
                scene: None,
                text: None,
            })
            .await?;
        }
    }
    Ok(())
}
