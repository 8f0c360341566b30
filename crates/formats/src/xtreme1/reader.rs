//! The Xtreme1 / BasicAI tree, whose samples are frames: the files of one instant from several
//! sensors, grouped by scene. `lidar_point_cloud_N`, `camera_image_N` or `image_N`,
//! `camera_config` and `result`, optionally in `scene_*` folders; results carry the
//! annotations.
//!
//! A frame's key is its first point cloud, or its first image in a 2D tree.

use std::collections::HashMap;

use crate::xtreme1;
use wharf_model::WharfResult;

use crate::read::{
    Files, Listing, PlannedAnnotations, PlannedFile, PlannedSample, ReadSink, problems,
    read_small_files,
};

pub(super) async fn read(
    source: &Files,
    listing: &Listing,
    sink: &mut dyn ReadSink,
) -> WharfResult<()> {
    let tree = xtreme1::check_tree(listing.paths());
    problems(sink, tree.problems).await?;
    let configs: Vec<String> = tree
        .scenes
        .iter()
        .flat_map(|s| &s.frames)
        .filter_map(|f| f.camera_config.clone())
        .collect();
    for (path, bytes) in read_small_files(source, configs, sink).await? {
        problems(sink, xtreme1::parse_camera_config(&bytes, &path).1).await?;
    }
    for scene in &tree.scenes {
        for frames in scene.frames.chunks(crate::read::SAMPLES_PER_ROUND) {
            let results: Vec<String> = frames.iter().filter_map(|f| f.result.clone()).collect();
            let mut read: HashMap<String, Vec<u8>> = read_small_files(source, results, sink)
                .await?
                .into_iter()
                .collect();
            for frame in frames {
                let paths = frame
                    .point_clouds
                    .iter()
                    .chain(&frame.images)
                    .chain(&frame.camera_config)
                    .chain(&frame.result);
                let files: Vec<PlannedFile> = paths
                    .filter_map(|p| listing.entry(p))
                    .map(|e| PlannedFile::new(e.clone()))
                    .collect();
                let Some(first) = files.first() else {
                    continue;
                };
                let mut annotations = Vec::new();
                if let Some((path, bytes)) = frame
                    .result
                    .as_ref()
                    .and_then(|p| read.remove(p).map(|b| (p, b)))
                {
                    let (found, found_problems) = xtreme1::parse_result(&bytes, path);
                    problems(sink, found_problems).await?;
                    annotations = found;
                }
                sink.sample(PlannedSample {
                    key: first.entry.path.clone(),
                    files,
                    annotations: PlannedAnnotations::Inline(annotations),
                    format: xtreme1::FORMAT,
                    usage: None,
                    hard: false,
                    scene: scene.name.clone(),
                    text: None,
                })
                .await?;
            }
        }
    }
    Ok(())
}
