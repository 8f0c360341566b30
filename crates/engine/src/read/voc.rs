//! Pascal VOC: one `.xml` label file per image.
//!
//! Every image is a sample, labelled when its label file is there. Images are taken in rounds
//! of [`SAMPLES_PER_ROUND`], whose label files are read together; a label file without an
//! image is reported and left out.

use std::collections::HashMap;

use wharf_formats::voc;
use wharf_model::{Problem, ProblemCode, WharfResult};
use wharf_storage::{ObjectEntry, Source};

use super::{
    Listing, PlannedAnnotations, PlannedSample, ReadSink, SAMPLES_PER_ROUND, VOC, problems,
    read_small_files, stem,
};

/// Pascal VOC: every image with a same-name `.xml` beside it.
pub(super) async fn read(
    source: &Source,
    listing: &Listing,
    sink: &mut impl ReadSink,
) -> WharfResult<()> {
    let mut sidecars: HashMap<String, String> = HashMap::new();
    for xml in listing.with_extension("xml") {
        match listing.image_for(&xml.path) {
            Some(image) => {
                sidecars.insert(image.path.clone(), xml.path.clone());
            }
            None => {
                sink.annotation_file(&xml.path);
                sink.problem(
                    Problem::error(
                        ProblemCode::MissingFile,
                        &xml.path,
                        format!(
                            "'{}' has no image of the same name beside it; its labels are left out",
                            xml.path
                        ),
                    )
                    .expected(format!("an image such as {}.jpg", stem(&xml.path))),
                )
                .await?
            }
        }
    }
    let images: Vec<&ObjectEntry> = listing.images().collect();
    for round in images.chunks(SAMPLES_PER_ROUND) {
        let wanted: Vec<String> = round
            .iter()
            .filter_map(|i| sidecars.get(&i.path).cloned())
            .collect();
        let mut documents: HashMap<String, voc::VocDocument> = HashMap::new();
        for (path, bytes) in read_small_files(source, wanted, sink).await? {
            let document = voc::parse(&bytes, &path);
            documents.insert(path, document);
        }
        for image in round {
            let mut planned = PlannedSample::of_file((*image).clone(), Vec::new(), VOC);
            if let Some(document) = sidecars.get(&image.path).and_then(|p| documents.remove(p)) {
                problems(sink, document.problems).await?;
                planned.files[0].size_hint = document.width.zip(document.height);
                planned.annotations = PlannedAnnotations::Inline(document.annotations);
            }
            sink.sample(planned).await?;
        }
    }
    Ok(())
}
