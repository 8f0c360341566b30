//! Image and sound classification: a label per folder, or a `.txt` sidecar of labels beside an
//! image.

use std::collections::{BTreeSet, HashMap, HashSet};

use wharf_model::{LabelDef, Problem, ProblemCode};

use crate::detect::{IMAGE_EXTENSIONS, extension_of, file_name};

use super::Labelled;
use super::text::{self, MODELARTS_MAX_LABELS, Problems};

/// Audio extensions that are not `.wav`: files a user meant as samples, which ModelArts' sound
/// classification does not take.
const OTHER_AUDIO: &[&str] = &["mp3", "flac", "ogg", "m4a", "aac", "wma", "amr", "opus"];

/// What the listing problems are reported against.
const LISTING: &str = "the source";

/// Reads an image classification directory. An image with a `<stem>.txt` beside it takes the
/// labels listed there, one a line; any other image takes the name of the folder it is in (the
/// last level when folders nest). Every image is returned, labelled or not, in path order;
/// `sidecar` returns a sidecar's bytes, or `None` when it cannot be read.
pub fn image_classification<'a>(
    paths: impl IntoIterator<Item = &'a str>,
    sidecar: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> (Vec<Labelled>, Vec<LabelDef>, Vec<Problem>) {
    let mut paths: Vec<&str> = paths.into_iter().collect();
    paths.sort_unstable();
    paths.dedup();
    let sidecars: HashMap<(&str, &str), &str> = paths
        .iter()
        .filter(|p| extension_of(p) == "txt")
        .map(|p| (folder_and_stem(p), *p))
        .collect();
    let images: Vec<&str> = paths
        .iter()
        .copied()
        .filter(|p| IMAGE_EXTENSIONS.contains(&extension_of(p).as_str()))
        .collect();
    // Folders where some image has a sidecar: there, an image without one is likely a miss.
    let sidecar_folders: HashSet<&str> = images
        .iter()
        .map(|p| folder_and_stem(p))
        .filter(|key| sidecars.contains_key(key))
        .map(|(folder, _)| folder)
        .collect();

    let mut labels = Labels::default();
    let mut problems = Problems::new(LISTING);
    // Sidecars already read, by path: two images of one stem (`a.jpg`, `a.png`) share one.
    let mut read: HashMap<&str, Vec<String>> = HashMap::new();
    let mut out = Vec::with_capacity(images.len());
    for image in images {
        problems.extend(text::file_name_warning(image));
        let key = folder_and_stem(image);
        let names = if let Some(&txt) = sidecars.get(&key) {
            read.entry(txt)
                .or_insert_with(|| read_sidecar(txt, image, sidecar, &mut labels, &mut problems))
                .clone()
        } else {
            match folder_label(image) {
                None => {
                    problems.push(unlabelled_at_root(image, "image", ".txt sidecar"));
                    Vec::new()
                }
                Some(label) => {
                    if sidecar_folders.contains(key.0) {
                        problems.push(no_sidecar_among_sidecars(image, key, label));
                    }
                    labels.add(label, image, None, &mut problems);
                    vec![label.to_owned()]
                }
            }
        };
        out.push(Labelled {
            path: image.to_owned(),
            annotations: names.iter().map(|n| text::class(n)).collect(),
        });
    }
    let defs = labels.finish(&mut problems);
    (out, defs, problems.finish())
}

/// Reads a sound classification directory: `.wav` files, each labelled with the name of the
/// folder it is in (the last level when folders nest). Other audio files are reported and left
/// out; files of other kinds are ignored.
pub fn sound_classification<'a>(
    paths: impl IntoIterator<Item = &'a str>,
) -> (Vec<Labelled>, Vec<LabelDef>, Vec<Problem>) {
    let mut paths: Vec<&str> = paths.into_iter().collect();
    paths.sort_unstable();
    paths.dedup();
    let mut labels = Labels::default();
    let mut problems = Problems::new(LISTING);
    let mut out = Vec::new();
    for path in paths {
        let extension = extension_of(path);
        if OTHER_AUDIO.contains(&extension.as_str()) {
            problems.push(not_wav(path, &extension));
            continue;
        }
        if extension != "wav" {
            continue;
        }
        problems.extend(text::file_name_warning(path));
        let annotations = match folder_label(path) {
            Some(label) => {
                labels.add(label, path, None, &mut problems);
                vec![text::class(label)]
            }
            None => {
                problems.push(unlabelled_at_root(path, "sound", "label folder"));
                Vec::new()
            }
        };
        out.push(Labelled {
            path: path.to_owned(),
            annotations,
        });
    }
    let defs = labels.finish(&mut problems);
    (out, defs, problems.finish())
}

/// The labels seen, each checked against ExeML's naming rule once.
#[derive(Default)]
struct Labels {
    names: BTreeSet<String>,
}

impl Labels {
    fn add(&mut self, label: &str, file: &str, line: Option<u64>, problems: &mut Problems) {
        if self.names.contains(label) {
            return;
        }
        problems.extend(text::exeml_label_warning(label, file, line));
        self.names.insert(label.to_owned());
    }

    /// The label set, in name order, with a warning past ModelArts' label limit.
    fn finish(self, problems: &mut Problems) -> Vec<LabelDef> {
        let count = self.names.len();
        if count > MODELARTS_MAX_LABELS {
            problems.push(
                Problem::warning(
                    ProblemCode::TooLarge,
                    LISTING,
                    format!(
                        "The source has {count} labels, more than the {MODELARTS_MAX_LABELS} ModelArts allows in a dataset: Wharf keeps them all, but check the folder or sidecar names."
                    ),
                )
                .field("labels")
                .found(format!("{count} labels"))
                .expected(format!("at most {MODELARTS_MAX_LABELS} labels")),
            );
        }
        self.names.into_iter().map(LabelDef::named).collect()
    }
}

/// The labels of one sidecar, one a line, blank lines skipped, repeats dropped with a warning.
/// A sidecar that cannot be read or holds no label leaves its image unlabelled: a sidecar takes
/// the place of the folder's name, as in ModelArts.
fn read_sidecar(
    txt: &str,
    image: &str,
    sidecar: &dyn Fn(&str) -> Option<Vec<u8>>,
    labels: &mut Labels,
    problems: &mut Problems,
) -> Vec<String> {
    let Some(bytes) = sidecar(txt) else {
        problems.push(
            Problem::error(
                ProblemCode::Unreadable,
                txt,
                format!(
                    "{txt} could not be read, so {image} is imported without labels: check the file is there and readable."
                ),
            )
            .expected("a readable label file"),
        );
        return Vec::new();
    };
    let content = match text::decode(&bytes, txt, "label file") {
        Ok(content) => content,
        Err(problem) => {
            problems.push(*problem);
            return Vec::new();
        }
    };
    let mut names: Vec<String> = Vec::new();
    for (line, name) in text::lines(content) {
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        if names.iter().any(|n| n == name) {
            problems.push(
                Problem::warning(
                    ProblemCode::DuplicateId,
                    txt,
                    format!(
                        "{txt} line {line} repeats label \"{}\"; it is kept once: delete the line.",
                        text::short(name)
                    ),
                )
                .at_line(line)
                .field("label")
                .found(name)
                .expected("each label once"),
            );
            continue;
        }
        labels.add(name, txt, Some(line), problems);
        names.push(name.to_owned());
    }
    if names.is_empty() {
        problems.push(
            Problem::warning(
                ProblemCode::MissingField,
                txt,
                format!(
                    "{txt} holds no label, so {image} is imported without labels (a .txt beside an image takes the place of its folder's name): write one label a line, or delete the file to label the image by its folder."
                ),
            )
            .field("label")
            .found("an empty file")
            .expected("one label a line"),
        );
    }
    names
}

fn unlabelled_at_root(path: &str, kind: &str, instead: &str) -> Problem {
    Problem::warning(
        ProblemCode::MissingField,
        path,
        format!(
            "The {kind} {path} is at the top of the source, with no folder to name its label and no {instead}, so it is imported unlabelled: move it into a folder named after its label."
        ),
    )
    .field("label")
    .found("a file at the top level")
    .expected(format!("a file inside a folder named after its label, or a {instead}"))
}

fn no_sidecar_among_sidecars(image: &str, (folder, stem): (&str, &str), label: &str) -> Problem {
    Problem::warning(
        ProblemCode::MissingFile,
        image,
        format!(
            "Other images in {folder} have .txt label files but {image} has none, so it takes its folder's name \"{}\" as its label: add {folder}/{stem}.txt if that is wrong.",
            text::short(label)
        ),
    )
    .field("label")
    .found(format!("no {stem}.txt"))
    .expected(format!("{folder}/{stem}.txt"))
}

fn not_wav(path: &str, extension: &str) -> Problem {
    Problem::warning(
        ProblemCode::LayoutMismatch,
        path,
        format!(
            "{path} is a .{extension} file; ModelArts sound classification takes .wav files only, so it is left out: convert it to .wav."
        ),
    )
    .found(format!(".{extension}"))
    .expected(".wav")
}

/// The name of the folder a file is in, the last level when folders nest; `None` at the top.
fn folder_label(path: &str) -> Option<&str> {
    let (folder, _) = path.rsplit_once('/')?;
    let label = file_name(folder);
    (!label.is_empty()).then_some(label)
}

/// `a/b/IMG_1.jpg` → (`a/b`, `IMG_1`).
pub(super) fn folder_and_stem(path: &str) -> (&str, &str) {
    let folder = path.rsplit_once('/').map_or("", |(folder, _)| folder);
    let name = file_name(path);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    (folder, stem)
}
