//! YOLO: a `.txt` label file per image, with class names in `data.yaml`, `classes.txt` or
//! `obj.names`, and the splits in `data.yaml`, `obj.data` or the folders' names.
//!
//! # Reading
//!
//! 1. The configuration files are read: class names (the first file that names any), the
//!    `task` that says how four-point lines are read, and the splits every `data.yaml` and
//!    `obj.data` declares, with the split lists they name.
//! 2. Label files are paired with their images as `crate::yolo::pairing` says. Files of
//!    the layout's structure (split lists, names, caches) never pair, whatever their stem.
//! 3. Every image is a sample, labelled when its label file is there, with its split as its
//!    usage. Images are taken in rounds of [`SAMPLES_PER_ROUND`], whose label files are read
//!    together.
//!
//! What is left (a `README.txt`, a label file without an image) is judged by `leftovers`.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::Layout;
use crate::yolo::{
    self, FourPoints, LabelContext, YoloLayout,
    pairing::{image_key, label_key},
    splits::{Place, SplitDeclaration, Splits},
};
use wharf_model::ObjectEntry;
use wharf_model::{LabelDef, WharfResult};

use crate::read::{
    Files, Listing, PlannedAnnotations, PlannedSample, ReadSink, SAMPLES_PER_ROUND, image_sizes,
    problems, read_small_files,
};

/// Reads the layout: see the module doc. Normalised coordinates are scaled to pixels with the
/// image's size, read from its header.
pub(super) async fn read(
    source: &Files,
    listing: &Listing,
    sink: &mut dyn ReadSink,
) -> WharfResult<()> {
    let folders = OnceLock::new();
    let place_of = |path: &str| listed_place(listing, &folders, path);
    let config = Config::read(source, listing, &place_of, sink).await?;
    sink.labels(config.classes.clone()).await?;
    let splits = splits(source, listing, &config.splits, &place_of, sink).await?;
    let label_files = pair_label_files(listing, &splits);
    let context = LabelContext {
        classes: &config.classes,
        image_size: None,
        four_points: config.four_points,
    };
    let images: Vec<&ObjectEntry> = listing.images().collect();
    for round in images.chunks(SAMPLES_PER_ROUND) {
        let labelled: Vec<ObjectEntry> = round
            .iter()
            .filter(|i| label_files.contains_key(&i.path))
            .map(|i| (*i).clone())
            .collect();
        let sizes = image_sizes(source, labelled).await;
        let wanted: Vec<String> = round
            .iter()
            .filter_map(|i| label_files.get(&i.path).cloned())
            .collect();
        let mut texts: HashMap<String, Vec<u8>> = read_small_files(source, wanted, sink)
            .await?
            .into_iter()
            .collect();
        for image in round {
            let mut planned = PlannedSample::of_file((*image).clone(), Vec::new(), yolo::FORMAT);
            let size = sizes.get(&image.path).copied();
            planned.files[0].size_hint = size;
            planned.usage = splits.usage_of(&image.path).map(str::to_owned);
            if let Some(path) = label_files.get(&image.path)
                && let Some(bytes) = texts.remove(path)
            {
                let context = LabelContext {
                    image_size: size,
                    ..context
                };
                let (annotations, found) = yolo::parse_label_file(&bytes, path, &context);
                problems(sink, found).await?;
                planned.annotations = PlannedAnnotations::Inline(annotations);
            }
            sink.sample(planned).await?;
        }
    }
    Ok(())
}

/// What the configuration files say.
struct Config {
    classes: Vec<LabelDef>,
    four_points: FourPoints,
    splits: Vec<SplitDeclaration>,
}

impl Config {
    /// Reads every `data.yaml`, names file and `obj.data` of the listing, reporting their
    /// problems. The first file that names classes gives them, the first `data.yaml` with a
    /// `task` gives it; every file's splits count.
    async fn read(
        source: &Files,
        listing: &Listing,
        place_of: &(impl Fn(&str) -> Option<Place> + Sync),
        sink: &mut dyn ReadSink,
    ) -> WharfResult<Self> {
        let files: Vec<String> = listing
            .summary
            .well_known()
            .iter()
            .filter(|path| YoloLayout.is_structure(path))
            .cloned()
            .collect();
        let mut config = Config {
            classes: Vec::new(),
            four_points: FourPoints::default(),
            splits: Vec::new(),
        };
        let mut task = None;
        for (path, bytes) in read_small_files(source, files, sink).await? {
            let name = crate::read::file_name(&path).to_ascii_lowercase();
            let (classes, found) = if name.ends_with(".yaml") || name.ends_with(".yml") {
                let (data, found) = yolo::parse_data_yaml(&bytes, &path);
                config
                    .splits
                    .extend(yolo::splits::data_yaml_splits(&data, &path, place_of));
                task = task.or(data.task);
                (data.names, found)
            } else if name == "obj.data" {
                let (data, found) = yolo::parse_darknet_data(&bytes, &path);
                config
                    .splits
                    .extend(yolo::splits::darknet_splits(&data, &path));
                (Vec::new(), found)
            } else {
                yolo::parse_class_names(&bytes, &path)
            };
            problems(sink, found).await?;
            if config.classes.is_empty() {
                config.classes = classes;
            }
        }
        config.four_points = FourPoints::of_task(task.as_deref());
        Ok(config)
    }
}

/// Whether a path the configuration files write is a listed file or folder. The folders are
/// gathered the first time one is asked for: most sources declare no split.
fn listed_place(
    listing: &Listing,
    folders: &OnceLock<HashSet<String>>,
    path: &str,
) -> Option<Place> {
    if listing.entry(path).is_some() {
        return Some(Place::File);
    }
    folders
        .get_or_init(|| folders_of(listing))
        .contains(path)
        .then_some(Place::Folder)
}

fn folders_of(listing: &Listing) -> HashSet<String> {
    let mut folders: HashSet<String> = HashSet::new();
    for entry in &listing.entries {
        let path = entry.path.as_str();
        // Deepest first: once a folder is known, so are the folders above it.
        for (at, _) in path.rmatch_indices('/') {
            if folders.contains(&path[..at]) {
                break;
            }
            folders.insert(path[..at].to_owned());
        }
    }
    folders
}

/// The splits the configuration declares, with the split lists they name read.
async fn splits(
    source: &Files,
    listing: &Listing,
    declarations: &[SplitDeclaration],
    place_of: &(impl Fn(&str) -> Option<Place> + Sync),
    sink: &mut dyn ReadSink,
) -> WharfResult<Splits> {
    let mut splits = Splits::default();
    for declaration in declarations {
        if let Some(problem) = splits.declare(declaration, place_of) {
            sink.problem(problem).await?;
        }
    }
    let lists = splits.lists().to_vec();
    let paths: Vec<String> = lists.iter().map(|list| list.path.clone()).collect();
    for (path, bytes) in read_small_files(source, paths, sink).await? {
        let Some(list) = lists.iter().find(|list| list.path == path) else {
            continue;
        };
        let found = splits.add_list(list, &bytes, &|p| listing.entry(p).is_some());
        problems(sink, found).await?;
    }
    Ok(splits)
}

/// The label file of every labelled image, by the image's path. A file of the layout's
/// structure, or a split list, is never a label file. When two label files pair with one
/// image, the first listed is read and the other is left over, to be reported.
fn pair_label_files(listing: &Listing, splits: &Splits) -> HashMap<String, String> {
    // Images by pairing key, made the first time a label file is neither beside its image nor
    // under `labels/` for `images/` (which the listing pairs itself).
    let mut by_key: Option<HashMap<String, &str>> = None;
    let mut label_files = HashMap::new();
    for text in listing.with_extension("txt") {
        if YoloLayout.is_structure(&text.path) || splits.is_list(&text.path) {
            continue;
        }
        let image = listing
            .image_for(&text.path)
            .map(|e| e.path.as_str())
            .or_else(|| {
                let (key, _) = label_key(&text.path)?;
                let by_key = by_key.get_or_insert_with(|| {
                    listing
                        .images()
                        .filter_map(|image| Some((image_key(&image.path)?, image.path.as_str())))
                        .collect()
                });
                by_key.get(&key).copied()
            });
        if let Some(image) = image {
            label_files
                .entry(image.to_owned())
                .or_insert_with(|| text.path.clone());
        }
    }
    label_files
}
