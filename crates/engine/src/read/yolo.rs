//! YOLO: a `.txt` label file per image (`x.jpg` + `x.txt`, or `images/…/x.jpg` +
//! `labels/…/x.txt`), with class names in `data.yaml`, `classes.txt` or `obj.names`.
//!
//! Every image is a sample, labelled when its label file is there. Images are taken in rounds
//! of [`SAMPLES_PER_ROUND`], whose label files are read together.

use std::collections::{HashMap, HashSet};

use futures::{FutureExt, StreamExt};
use wharf_formats::yolo;
use wharf_model::{LabelDef, WharfResult};
use wharf_storage::{ObjectEntry, Source};

use super::{
    FILES_AT_ONCE, Listing, PlannedAnnotations, PlannedSample, ReadSink, SAMPLES_PER_ROUND, YOLO,
    problems, read_small_files,
};

/// YOLO: class names from `data.yaml`, `classes.txt` or `obj.names`, and a label file per
/// image. Normalised coordinates are scaled to pixels with the image's size, read from its
/// header.
pub(super) async fn read(
    source: &Source,
    listing: &Listing,
    sink: &mut impl ReadSink,
) -> WharfResult<()> {
    let names_files: Vec<String> = listing.summary.well_known().to_vec();
    let mut classes: Vec<LabelDef> = Vec::new();
    for (path, bytes) in read_small_files(source, names_files.iter().cloned(), sink).await? {
        let name = super::file_name(&path).to_ascii_lowercase();
        let (found, found_problems) = if name.ends_with(".yaml") || name.ends_with(".yml") {
            let (data, problems) = yolo::parse_data_yaml(&bytes, &path);
            (data.names, problems)
        } else if name.ends_with(".names") || name == "classes.txt" {
            yolo::parse_class_names(&bytes, &path)
        } else {
            continue;
        };
        problems(sink, found_problems).await?;
        if classes.is_empty() {
            classes = found;
        }
    }
    sink.labels(classes.clone()).await?;
    let names: HashSet<&String> = names_files.iter().collect();
    let sidecars: HashMap<String, String> = listing
        .with_extension("txt")
        .filter(|t| !names.contains(&t.path))
        .filter_map(|t| Some((listing.image_for(&t.path)?.path.clone(), t.path.clone())))
        .collect();
    let images: Vec<&ObjectEntry> = listing.images().collect();
    for round in images.chunks(SAMPLES_PER_ROUND) {
        let labelled: Vec<ObjectEntry> = round
            .iter()
            .filter(|i| sidecars.contains_key(&i.path))
            .map(|i| (*i).clone())
            .collect();
        let sizes: HashMap<String, (u32, u32)> = futures::stream::iter(labelled)
            .map(|image| {
                async move {
                    let size = source.probe_image(&image).await.ok().flatten();
                    size.map(|s| (image.path.clone(), (s.width, s.height)))
                }
                .boxed()
            })
            .buffer_unordered(FILES_AT_ONCE)
            .filter_map(futures::future::ready)
            .collect()
            .await;
        let wanted: Vec<String> = round
            .iter()
            .filter_map(|i| sidecars.get(&i.path).cloned())
            .collect();
        let mut texts: HashMap<String, Vec<u8>> = read_small_files(source, wanted, sink)
            .await?
            .into_iter()
            .collect();
        for image in round {
            let mut planned = PlannedSample::of_file((*image).clone(), Vec::new(), YOLO);
            let size = sizes.get(&image.path).copied();
            planned.files[0].size_hint = size;
            if let Some(bytes) = sidecars.get(&image.path).and_then(|p| texts.remove(p)) {
                let path = &sidecars[&image.path];
                let (annotations, found) = yolo::parse_labels(&bytes, path, &classes, size);
                problems(sink, found).await?;
                planned.annotations = PlannedAnnotations::Inline(annotations);
            }
            sink.sample(planned).await?;
        }
    }
    Ok(())
}
