//! Pascal VOC: one `.xml` label file per image, in the devkit's folders or beside the images.
//!
//! # Layouts
//!
//! - **The devkit tree** (`VOCdevkit/VOC2012/`, or any root): `Annotations/x.xml` labels the
//!   image its `<filename>` names in the sibling `JPEGImages/` (or `images/`) folder;
//!   `ImageSets/Main/{train,val,test,trainval}.txt` give the samples' usage;
//!   `SegmentationClass/x.png` and `SegmentationObject/x.png` are files of image `x`'s sample.
//! - **ModelArts' side-by-side layout**: `x.xml` beside `x.jpg`.
//! - **Annotations only**: `.xml` files whose images are not in the source.
//!
//! # How an XML finds its image
//!
//! In the image folders beside its `Annotations/` folder: the `<filename>`, then the same stem
//! with any image extension (the `<filename>`'s, then the XML's own); then beside the XML, an
//! image of the XML's stem (ModelArts pairs by name and does not read `<filename>`). The first
//! found is its image.
//!
//! # Decisions, and why
//!
//! - **Sizes come from the image.** Every labelled image's header is read; its size is the
//!   sample's, and shapes are checked against it. A `<size>` that disagrees is a warning that
//!   names both sizes. When the header cannot be read, `<size>` stands in.
//! - **An XML whose image is not in the source keeps its labels** when the source holds no
//!   images where it would look (no image folder beside its `Annotations/`, or, side by side,
//!   no images at all): the XML becomes a sample of its own, carrying its annotations, usage and
//!   masks, with a warning that names the missing image. Where images are present and its own
//!   is not, the image is missing: an error, and its labels are left out.
//! - **One label file per image.** A second XML naming an image already labelled is an error,
//!   and its labels are left out: merging two files' objects would hide which is right.
//! - **Splits.** `train` is usage `train`, `val` is `eval`, `test` is `test`, as ModelArts
//!   manifests spell them. `trainval.txt` counts (as `train`) only for images no `train.txt` or
//!   `val.txt` names. An image in two splits keeps the first (train, val, test, trainval), with
//!   a warning; ids a list names that match no sample are counted in one warning per list.
//! - **Structure is never a sample.** Per-class lists (`cat_train.txt`), the other tasks' lists
//!   and every mask are structure; a mask whose image is not in the source is reported.
//!
//! XML files are read in rounds of [`SAMPLES_PER_ROUND`], their images' headers probed
//! together; images no XML labels follow, in listing order.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::voc::devkit::{self, IMAGE_FOLDERS, Split};
use crate::voc::{self, LabelledImage};
use wharf_model::ObjectEntry;
use wharf_model::{Problem, ProblemCode, WharfResult};

use crate::read::{
    Files, Listing, PlannedFile, PlannedSample, ReadSink, SAMPLES_PER_ROUND, file_name,
    image_sizes, problems, read_small_files, stem,
};

/// Reads a VOC source: see the module doc.
pub(super) async fn read(
    source: &Files,
    listing: &Listing,
    sink: &mut dyn ReadSink,
) -> WharfResult<()> {
    let tree = Tree::index(listing);
    let mut masks = masks_by_id(listing);
    let mut splits = Splits::read(source, listing, sink).await?;
    let mut labelled: HashMap<&str, String> = HashMap::new();
    // Side by side, an XML's image is found by name alone: a missing one is known unread.
    let (xml_files, without_images): (Vec<String>, Vec<String>) = listing
        .with_extension("xml")
        .filter(|e| !devkit::is_structure(&e.path))
        .map(|e| e.path.clone())
        .partition(|xml| {
            let side_by_side = devkit::annotations_root(xml).is_none();
            !(side_by_side && tree.any_image && tree.image_of(listing, xml, None).is_none())
        });
    for xml in without_images {
        sink.annotation_file(&xml);
        sink.problem(no_image_beside(&xml)).await?;
    }
    for round in xml_files.chunks(SAMPLES_PER_ROUND) {
        let read: Vec<(String, voc::VocFile)> =
            read_small_files(source, round.iter().cloned(), sink)
                .await?
                .into_iter()
                .map(|(path, bytes)| {
                    let file = voc::read(&bytes, &path);
                    (path, file)
                })
                .collect();
        let images: Vec<Option<&ObjectEntry>> = read
            .iter()
            .map(|(path, file)| tree.image_of(listing, path, file.filename()))
            .collect();
        let found: Vec<ObjectEntry> = images.iter().flatten().map(|e| (*e).clone()).collect();
        let sizes = image_sizes(source, found).await;
        for ((path, file), image) in read.into_iter().zip(images) {
            let Some(image) = image else {
                let Some(sample) = tree.without_image(listing, &path, file, sink).await? else {
                    continue;
                };
                sink.sample(with_structure(sample, &[&path], &mut splits, &mut masks))
                    .await?;
                continue;
            };
            if let Some(first) = labelled.get(image.path.as_str()) {
                sink.problem(labelled_twice(&path, &image.path, first))
                    .await?;
                continue;
            }
            labelled.insert(&image.path, path.clone());
            let size = sizes.get(image.path.as_str()).copied();
            let actual = size.map(|(width, height)| LabelledImage {
                path: &image.path,
                width,
                height,
            });
            let document = file.check(actual);
            problems(sink, document.problems).await?;
            // The reader checked the shapes against the header already: `<size>` only stands
            // in for a header that cannot be read.
            let declared_size = document
                .width
                .zip(document.height)
                .filter(|_| size.is_none());
            let mut sample =
                PlannedSample::of_file(image.clone(), document.annotations, voc::FORMAT);
            sample.files[0].size_hint = size;
            sample.files[0].declared_size = declared_size;
            let ids = [image.path.as_str(), path.as_str()];
            sink.sample(with_structure(sample, &ids, &mut splits, &mut masks))
                .await?;
        }
    }
    for image in listing.images() {
        if devkit::is_structure(&image.path) || labelled.contains_key(image.path.as_str()) {
            continue;
        }
        let sample = PlannedSample::of_file(image.clone(), Vec::new(), voc::FORMAT);
        sink.sample(with_structure(
            sample,
            &[&image.path],
            &mut splits,
            &mut masks,
        ))
        .await?;
    }
    let mut unplaced: Vec<String> = masks.into_values().flatten().map(|m| m.path).collect();
    unplaced.sort();
    for mask in unplaced {
        sink.problem(mask_without_image(&mask)).await?;
    }
    problems(sink, splits.unmatched()).await
}

/// A sample with the usage its split lists give and the masks of its id as extra files. The id
/// is its image's, else its label file's (split lists name the label files' ids, which are the
/// images' in the devkit).
fn with_structure(
    mut sample: PlannedSample,
    paths: &[&str],
    splits: &mut Splits,
    masks: &mut HashMap<String, Vec<ObjectEntry>>,
) -> PlannedSample {
    let keys: Vec<String> = paths
        .iter()
        .map(|path| {
            let (root, id) = devkit::place(path);
            devkit::join(root, id)
        })
        .collect();
    sample.usage = keys
        .iter()
        .find_map(|key| splits.usage(key))
        .map(str::to_owned);
    if let Some(found) = keys.iter().find_map(|key| masks.remove(key)) {
        sample.files.extend(found.into_iter().map(PlannedFile::new));
    }
    sample
}

/// The segmentation masks of the listing by `<root>/<id>`, each id's in path order.
fn masks_by_id(listing: &Listing) -> HashMap<String, Vec<ObjectEntry>> {
    let mut masks: HashMap<String, Vec<ObjectEntry>> = HashMap::new();
    for entry in listing.images() {
        if let Some((root, id)) = devkit::mask(&entry.path) {
            masks
                .entry(devkit::join(root, id))
                .or_default()
                .push(entry.clone());
        }
    }
    for found in masks.values_mut() {
        found.sort_by(|a, b| a.path.cmp(&b.path));
    }
    masks
}

/// Where the listing holds images, to tell a missing image from an annotations-only source.
struct Tree {
    /// Roots that hold images, in an image folder or beside their XML files.
    roots_with_images: HashSet<String>,
    /// Whether the source holds any image that is not a mask.
    any_image: bool,
}

impl Tree {
    fn index(listing: &Listing) -> Self {
        let mut roots_with_images = HashSet::new();
        let mut any_image = false;
        for entry in listing.images() {
            if devkit::is_structure(&entry.path) {
                continue;
            }
            any_image = true;
            roots_with_images.insert(devkit::place(&entry.path).0.to_owned());
        }
        Self {
            roots_with_images,
            any_image,
        }
    }

    /// The image an XML labels: see the module doc for where it is looked for.
    fn image_of<'l>(
        &self,
        listing: &'l Listing,
        xml: &str,
        filename: Option<&str>,
    ) -> Option<&'l ObjectEntry> {
        let image = |path: &str| {
            listing
                .entry(path)
                .filter(|e| e.is_image() && !devkit::is_structure(&e.path))
        };
        let same_stem = |folder: &str, stem: &str| {
            listing
                .image_for(&format!("{folder}/{stem}.xml"))
                .filter(|e| !devkit::is_structure(&e.path))
        };
        let (_, xml_id) = devkit::place(xml);
        let named = filename.map(|f| f.trim_start_matches("./"));
        let named_stem = named.map(|f| stem(file_name(f)));
        if let Some(root) = devkit::annotations_root(xml) {
            for folder in IMAGE_FOLDERS.iter().map(|f| devkit::join(root, f)) {
                let by_name = named.and_then(|name| {
                    image(&format!("{folder}/{name}"))
                        .or_else(|| image(&format!("{folder}/{}", file_name(name))))
                });
                let found = by_name
                    .or_else(|| named_stem.and_then(|s| same_stem(&folder, s)))
                    .or_else(|| same_stem(&folder, xml_id));
                if found.is_some() {
                    return found;
                }
            }
        }
        listing
            .image_for(xml)
            .filter(|e| !devkit::is_structure(&e.path))
    }

    /// Whether the source holds images where an XML's image would be, so that its absence is
    /// a missing file rather than an annotations-only source.
    fn expects_image(&self, xml: &str) -> bool {
        match devkit::annotations_root(xml) {
            Some(root) => self.roots_with_images.contains(root),
            None => self.any_image,
        }
    }

    /// An XML whose image is not found: a sample of its own in an annotations-only source,
    /// else a missing image, its labels left out.
    async fn without_image(
        &self,
        listing: &Listing,
        xml: &str,
        file: voc::VocFile,
        sink: &mut dyn ReadSink,
    ) -> WharfResult<Option<PlannedSample>> {
        let named = file
            .filename()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{}.jpg", devkit::place(xml).1));
        let looked_in = match devkit::annotations_root(xml) {
            Some(root) => format!("{} or beside it", devkit::join(root, IMAGE_FOLDERS[0])),
            None => "beside it".to_owned(),
        };
        let document = file.check(None);
        if self.expects_image(xml) {
            let message = format!(
                "'{xml}' labels the image '{named}', which is not in {looked_in}; its {} annotations are left out",
                document.annotations.len()
            );
            let problem = Problem::error(ProblemCode::MissingFile, xml, message)
                .field("filename")
                .found(&named)
                .expected(format!("'{named}' in {looked_in}"));
            sink.problem(problem).await?;
            return Ok(None);
        }
        problems(sink, document.problems).await?;
        let message = format!(
            "'{xml}' labels the image '{named}', which is not in the source; its {} annotations are imported on a sample of the XML file itself",
            document.annotations.len()
        );
        let problem = Problem::warning(ProblemCode::MissingFile, xml, message)
            .field("filename")
            .found(&named)
            .expected(format!("'{named}' in {looked_in}"));
        sink.problem(problem).await?;
        let Some(entry) = listing.entry(xml) else {
            return Ok(None);
        };
        Ok(Some(PlannedSample::of_file(
            entry.clone(),
            document.annotations,
            voc::FORMAT,
        )))
    }
}

fn no_image_beside(xml: &str) -> Problem {
    let message =
        format!("'{xml}' has no image of the same name beside it; its labels are left out");
    Problem::error(ProblemCode::MissingFile, xml, message)
        .expected(format!("an image such as {}.jpg", stem(xml)))
}

fn labelled_twice(xml: &str, image: &str, first: &str) -> Problem {
    let message = format!(
        "'{xml}' labels '{image}', which '{first}' already labels; its labels are left out, keep one label file per image"
    );
    Problem::error(ProblemCode::DuplicateId, xml, message)
        .field("filename")
        .found(image)
        .expected(format!("one label file for '{image}'"))
}

fn mask_without_image(mask: &str) -> Problem {
    let (root, id) = devkit::mask(mask).unwrap_or(("", mask));
    let images = devkit::join(root, IMAGE_FOLDERS[0]);
    let message = format!(
        "the mask '{mask}' has no image '{id}' in {images}/ nor a label file of that id; it is left out"
    );
    Problem::warning(ProblemCode::NotUsed, mask, message)
        .expected(format!("an image such as {images}/{id}.jpg"))
}

/// The usage the split lists give each `<root>/<id>`.
struct Splits {
    usage: HashMap<String, Assigned>,
    /// The lists read, in the order read.
    lists: Vec<String>,
}

/// The split an id was given, by which list and line, and whether a sample took it.
struct Assigned {
    split: Split,
    list: usize,
    line: u64,
    matched: bool,
}

impl Splits {
    /// Reads every `ImageSets/Main/<split>.txt`, root by root, in [`Split::ORDER`].
    async fn read(source: &Files, listing: &Listing, sink: &mut dyn ReadSink) -> WharfResult<Self> {
        let mut lists: Vec<(&str, Split, &str)> = listing
            .entries
            .iter()
            .filter_map(|e| {
                let (root, split) = devkit::split_list(&e.path)?;
                Some((root, split, e.path.as_str()))
            })
            .collect();
        lists.sort();
        let mut splits = Splits {
            usage: HashMap::new(),
            lists: Vec::new(),
        };
        let roots: HashMap<&str, (&str, Split)> = lists
            .iter()
            .map(|(root, split, path)| (*path, (*root, *split)))
            .collect();
        let paths: Vec<String> = lists
            .iter()
            .map(|(_, _, path)| (*path).to_owned())
            .collect();
        for (path, bytes) in read_small_files(source, paths, sink).await? {
            let Some(&(root, split)) = roots.get(path.as_str()) else {
                continue;
            };
            let (listed, found) = devkit::parse_split_list(&bytes, &path);
            problems(sink, found).await?;
            let list = splits.lists.len();
            for devkit::Listed { id, line } in listed {
                let key = devkit::join(root, &id);
                let Some(first) = splits.usage.get(&key) else {
                    let assigned = Assigned {
                        split,
                        list,
                        line,
                        matched: false,
                    };
                    splits.usage.insert(key, assigned);
                    continue;
                };
                let expected_overlap =
                    split == Split::TrainVal && matches!(first.split, Split::Train | Split::Val);
                if first.split == split || expected_overlap {
                    continue;
                }
                let problem = in_two_splits(&path, line, &id, first, &splits.lists[first.list]);
                sink.problem(problem).await?;
            }
            splits.lists.push(path);
        }
        Ok(splits)
    }

    /// The usage of a sample's `<root>/<id>`, noting that the id was found.
    fn usage(&mut self, key: &str) -> Option<&'static str> {
        let assigned = self.usage.get_mut(key)?;
        assigned.matched = true;
        Some(assigned.split.usage())
    }

    /// One warning per list naming ids that match no sample.
    fn unmatched(self) -> Vec<Problem> {
        let mut per_list: BTreeMap<usize, (u64, u64, String)> = BTreeMap::new();
        for (key, assigned) in &self.usage {
            if assigned.matched {
                continue;
            }
            let entry = per_list
                .entry(assigned.list)
                .or_insert((0, u64::MAX, String::new()));
            entry.0 += 1;
            if assigned.line < entry.1 {
                entry.1 = assigned.line;
                entry.2 = file_name(key).to_owned();
            }
        }
        per_list
            .into_iter()
            .map(|(list, (count, line, id))| {
                let file = &self.lists[list];
                let message = format!(
                    "{count} image ids of '{file}' (the first '{id}', line {line}) have no image or label file in the source; their split is not applied"
                );
                Problem::warning(ProblemCode::MissingFile, file, message)
                    .at_line(line)
                    .found(id)
                    .expected("an image in JPEGImages/ or a label file in Annotations/ for each id")
            })
            .collect()
    }
}

fn in_two_splits(file: &str, line: u64, id: &str, first: &Assigned, first_file: &str) -> Problem {
    let message = format!(
        "'{id}' is also in '{first_file}' (line {}); an image has one split, it stays {}",
        first.line,
        first.split.usage()
    );
    Problem::warning(ProblemCode::DuplicateId, file, message)
        .at_line(line)
        .found(id)
        .expected("each image id in one of train.txt, val.txt and test.txt")
}
