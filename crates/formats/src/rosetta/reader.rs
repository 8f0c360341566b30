//! The Rosetta sensor tree (`fileTreeType` 0), whose samples are frames: the files of one
//! instant from several sensors, grouped by scene. `lidar-<name>/<scene>/<ts>.pcd`,
//! `camera-<name>/<scene>/<ts>.jpg` and `metadata.json`; every folder or file out of place is
//! named, headed by a summary, as neutral problems (the Rosetta dialect words them as the
//! platform's error 5710).
//!
//! A frame's key is its first point cloud, or its first image in a 2D tree.

use crate::rosetta;
use wharf_model::{Problem, ProblemCode, Severity, WharfResult};

use crate::read::{
    Files, Listing, PlannedAnnotations, PlannedFile, PlannedSample, ReadOptions, ReadSink,
    problems, read_small_files,
};

pub(super) async fn read(
    source: &Files,
    listing: &Listing,
    options: &ReadOptions,
    sink: &mut dyn ReadSink,
) -> WharfResult<()> {
    let metadata_path = listing
        .summary
        .well_known()
        .iter()
        .find(|p| crate::read::file_name(p) == rosetta::METADATA_FILE)
        .cloned();
    let metadata = match &metadata_path {
        Some(path) => read_small_files(source, [path.clone()], sink)
            .await?
            .pop()
            .map(|(path, bytes)| rosetta::parse_metadata(&bytes, &path)),
        None => None,
    };
    let has_lidar = listing
        .paths()
        .any(|p| p.split('/').any(|c| c.starts_with("lidar-")));
    let described = metadata
        .as_ref()
        .and_then(|(m, _)| m.data_type)
        .filter(|t| matches!(t, 2 | 3));
    // A dataset's own data type says which tree to expect; else metadata.json, else the folders.
    let asked = match options.data_type.as_deref() {
        Some("image") => Some(2),
        Some("point_cloud") => Some(3),
        _ => None,
    };
    let data_type = asked.or(described).unwrap_or(if has_lidar { 3 } else { 2 });
    let tree = rosetta::check_tree(listing.paths(), data_type);
    let mut found = tree.problems.clone();
    if let (Some(asked), Some(described), Some(path)) = (asked, described, &metadata_path)
        && asked != described
    {
        let name = |t: u8| if t == 2 { "2 (2D)" } else { "3 (3D)" };
        found.push(
            Problem::error(
                ProblemCode::LayoutMismatch,
                path.as_str(),
                format!(
                    "{path} says dataType {}, but the data is imported as dataType {}",
                    name(described),
                    name(asked)
                ),
            )
            .field("dataType")
            .found(name(described))
            .expected(name(asked)),
        );
    }
    if let (Some((metadata, metadata_problems)), Some(path)) = (metadata, &metadata_path) {
        found.extend(metadata_problems);
        found.extend(rosetta::check_metadata(&metadata, &tree, path));
    }
    let misplaced = found
        .iter()
        .filter(|p| p.code == ProblemCode::LayoutMismatch && p.severity == Severity::Error)
        .count();
    if misplaced > 0 {
        sink.problem(Problem::error(
            ProblemCode::LayoutMismatch,
            tree.root.as_str(),
            format!(
                "{}: the {misplaced} problem(s) below name each folder or file out of place and what was expected",
                rosetta::TREE_MISFIT
            ),
        ))
        .await?;
    }
    problems(sink, found).await?;
    for scene in &tree.scenes {
        for frame in &scene.frames {
            let paths = frame.lidar.iter().chain(&frame.cameras).map(|(_, p)| p);
            let files: Vec<PlannedFile> = paths
                .filter_map(|p| listing.entry(p))
                .map(|e| PlannedFile::new(e.clone()))
                .collect();
            let Some(first) = files.first() else {
                continue;
            };
            sink.sample(PlannedSample {
                key: first.entry.path.clone(),
                files,
                annotations: PlannedAnnotations::Inline(Vec::new()),
                format: rosetta::FORMAT,
                usage: None,
                hard: false,
                scene: Some(scene.id.clone()),
                text: None,
            })
            .await?;
        }
    }
    Ok(())
}
