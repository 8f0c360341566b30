//! Which split an image belongs to, kept as its sample's usage (`train`, `eval`, `test`, the
//! values ModelArts manifests use).
//!
//! # Where splits come from, first match first
//!
//! 1. `data.yaml`'s `train`, `val` and `test` (and `obj.data`'s `train` and `valid`): each a
//!    folder of images, an image, a `.txt` list of images, or a list of those.
//! 2. The image's own folders: the deepest one named `train`/`training`, `val`/`valid`/
//!    `validation`, or `test`/`testing` (any case), so `images/val/x.jpg` and
//!    `valid/images/x.jpg` are both `eval`.
//!
//! # Finding what a path names
//!
//! Ultralytics resolves a split against `path` (the dataset root on the machine that made the
//! dataset), Darknet against its own working folder; neither exists in a bucket. A written path
//! is therefore looked for (see [`locate`]) beside the file that writes it (or under its
//! `path`, when that names a folder of the source), then as written from the source's root,
//! then with its leading folders dropped one at a time: `/home/me/coco8/images/train` finds
//! `images/train`, Darknet's `data/train.txt` finds `train.txt`, Roboflow's `../train/images`
//! finds `train/images`. A folder is not found by its last name alone, which would match
//! unrelated folders (`images`).
//!
//! An image listed in two split lists keeps the first split (train, then val, then test), with
//! a warning that counts them. A folder declared for two splits keeps the first silently:
//! Ultralytics' own small sets (coco128) validate on their training folder.

use std::collections::HashMap;

use wharf_model::{Problem, ProblemCode};

use super::text::{self, Problems, short};
use super::{DarknetData, DataYaml};
use crate::detect::{IMAGE_EXTENSIONS, extension_of, file_name};

use wharf_model::usage;
pub use wharf_model::usage::{EVAL, TEST, TRAIN};

/// Split lists that need no configuration to be known as such: at a dataset's root, they list
/// image paths, whatever the listing says of images of the same stem.
const SPLIT_LISTS: &[&str] = &["train.txt", "val.txt", "valid.txt", "test.txt"];

/// The usage the folders of `path` give: the deepest folder named as a split.
pub fn usage_from_folders(path: &str) -> Option<&'static str> {
    let (folders, _) = path.rsplit_once('/')?;
    folders.rsplit('/').find_map(usage::of_split_name)
}

/// A split list at the source's root (`train.txt`, `val.txt`, `valid.txt`, `test.txt`).
pub fn is_root_split_list(path: &str) -> bool {
    !path.contains('/')
        && SPLIT_LISTS
            .iter()
            .any(|name| path.eq_ignore_ascii_case(name))
}

/// What a listed path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    File,
    /// A folder some listed file lies under.
    Folder,
}

/// The folder of a path, `""` at the root.
pub fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(folder, _)| folder)
}

/// `relative` taken from the folder `base`, with `.` and `..` resolved; `None` when it climbs
/// above the source's root. A leading `/` is read as relative: the source has no other root.
fn join(base: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// The listed file or folder a path written in a dataset file names, looked for as the module
/// doc says: from `base`, from the root, then with its leading folders dropped.
pub fn locate(
    base: &str,
    written: &str,
    place_of: &dyn Fn(&str) -> Option<Place>,
) -> Option<(String, Place)> {
    let found = |path: Option<String>| {
        let path = path.filter(|p| !p.is_empty())?;
        place_of(&path).map(|place| (path, place))
    };
    if let Some(hit) = found(join(base, written)).or_else(|| found(join("", written))) {
        return Some(hit);
    }
    let parts: Vec<&str> = written
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .collect();
    // From nothing dropped: `..` and `.` are left out of `parts`, so `../train/images` is
    // tried as `train/images`.
    (0..parts.len()).find_map(|dropped| {
        let rest = parts[dropped..].join("/");
        let hit = found(join(base, &rest)).or_else(|| found(Some(rest)))?;
        let alone = parts.len() - dropped == 1;
        (hit.1 == Place::File || !alone).then_some(hit)
    })
}

/// A split a configuration file declares: where it says the split's images are.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitDeclaration {
    pub usage: &'static str,
    /// The key that declares it (`train`, `val`, `valid`, `test`).
    pub key: &'static str,
    /// The path as written.
    pub written: String,
    /// The configuration file, and the line of the key.
    pub file: String,
    pub line: Option<u64>,
    /// The folder the path is taken from first.
    pub base: String,
}

/// The splits a `data.yaml` declares. Its `path` is the base when it names a folder of the
/// source, else the file's own folder.
pub fn data_yaml_splits(
    data: &DataYaml,
    file: &str,
    place_of: &dyn Fn(&str) -> Option<Place>,
) -> Vec<SplitDeclaration> {
    let folder = folder_of(file);
    let base = data
        .path
        .as_deref()
        .and_then(|root| join(folder, root))
        .filter(|root| !root.is_empty() && place_of(root) == Some(Place::Folder))
        .unwrap_or_else(|| folder.to_owned());
    let keyed = [
        ("train", TRAIN, &data.train),
        ("val", EVAL, &data.val),
        ("test", TEST, &data.test),
    ];
    keyed
        .into_iter()
        .flat_map(|(key, usage, paths)| paths.iter().map(move |written| (key, usage, written)))
        .map(|(key, usage, written)| SplitDeclaration {
            usage,
            key,
            written: written.clone(),
            file: file.to_owned(),
            line: data.key_lines.get(key).copied(),
            base: base.clone(),
        })
        .collect()
}

/// The splits an `obj.data` declares: its `train` and `valid` lists.
pub fn darknet_splits(data: &DarknetData, file: &str) -> Vec<SplitDeclaration> {
    [("train", TRAIN, &data.train), ("valid", EVAL, &data.valid)]
        .into_iter()
        .filter_map(|(key, usage, written)| {
            Some(SplitDeclaration {
                usage,
                key,
                written: written.clone()?,
                file: file.to_owned(),
                line: data.key_lines.get(key).copied(),
                base: folder_of(file).to_owned(),
            })
        })
        .collect()
}

/// A split list to read: the listed `.txt` file and the usage of the images it lists.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitList {
    pub path: String,
    pub usage: &'static str,
}

/// Every image's split, as the configuration files and the folders say.
#[derive(Debug, Default)]
pub struct Splits {
    /// Folders declared as a split, with their usage: an image takes the deepest one above it.
    folders: Vec<(String, &'static str)>,
    /// Images declared one by one or by a list.
    images: HashMap<String, &'static str>,
    lists: Vec<SplitList>,
}

impl Splits {
    /// Takes a declaration: finds what it names, and keeps it as a folder, an image or a list
    /// to read. A path that names nothing usable is a warning at the key's line.
    pub fn declare(
        &mut self,
        declaration: &SplitDeclaration,
        place_of: &dyn Fn(&str) -> Option<Place>,
    ) -> Option<Problem> {
        let Some((path, place)) = locate(&declaration.base, &declaration.written, place_of) else {
            return Some(not_found(declaration));
        };
        let extension = extension_of(&path);
        match place {
            Place::Folder => {
                if !self.folders.iter().any(|(folder, _)| *folder == path) {
                    self.folders.push((path, declaration.usage));
                }
            }
            Place::File if extension == "txt" => {
                if !self.lists.iter().any(|list| list.path == path) {
                    self.lists.push(SplitList {
                        path,
                        usage: declaration.usage,
                    });
                }
            }
            Place::File if IMAGE_EXTENSIONS.contains(&extension.as_str()) => {
                self.images.entry(path).or_insert(declaration.usage);
            }
            Place::File => return Some(not_a_split(declaration, &path)),
        }
        None
    }

    /// The `.txt` lists the declarations named, to be read with [`Splits::add_list`].
    pub fn lists(&self) -> &[SplitList] {
        &self.lists
    }

    /// Whether `path` is one of the declared lists.
    pub fn is_list(&self, path: &str) -> bool {
        self.lists.iter().any(|list| list.path == path)
    }

    /// Reads a split list: one image path a line, `./x.jpg` from the list's folder (as
    /// Ultralytics reads it), anything else found as [`locate`] finds it. `is_file` says
    /// whether a path is a listed file. A line naming no listed file is a warning.
    pub fn add_list(
        &mut self,
        list: &SplitList,
        bytes: &[u8],
        is_file: &dyn Fn(&str) -> bool,
    ) -> Vec<Problem> {
        let file = list.path.as_str();
        let text = match text::decode(bytes, file) {
            Ok(text) => text,
            Err(problem) => return vec![*problem],
        };
        let base = folder_of(file);
        let place_of = |path: &str| is_file(path).then_some(Place::File);
        let mut problems = Problems::new(file);
        let mut elsewhere: Option<(u64, &'static str, usize)> = None;
        for (line, written) in text::lines(text) {
            let written = written.trim();
            if written.is_empty() {
                continue;
            }
            let Some((path, _)) = locate(base, written, &place_of) else {
                problems.push(missing_image(file, line, written, list.usage));
                continue;
            };
            let usage = *self.images.entry(path).or_insert(list.usage);
            if usage != list.usage {
                elsewhere.get_or_insert((line, usage, 0)).2 += 1;
            }
        }
        if let Some((line, kept, count)) = elsewhere {
            problems.push(in_two_splits(file, line, kept, count, list.usage));
        }
        problems.finish()
    }

    /// The usage of an image: declared, else from its folders' names.
    pub fn usage_of(&self, image: &str) -> Option<&'static str> {
        if let Some(usage) = self.images.get(image) {
            return Some(usage);
        }
        let declared = self
            .folders
            .iter()
            .filter(|(folder, _)| {
                image
                    .strip_prefix(folder.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
            })
            .max_by_key(|(folder, _)| folder.len());
        declared
            .map(|(_, usage)| *usage)
            .or_else(|| usage_from_folders(image))
    }
}

fn not_found(declaration: &SplitDeclaration) -> Problem {
    let file = &declaration.file;
    let key = declaration.key;
    let written = short(&declaration.written);
    let at = line_text(declaration.line);
    let from = if declaration.base.is_empty() {
        "the source's root".to_owned()
    } else {
        format!("`{}`", declaration.base)
    };
    let problem = Problem::warning(
        ProblemCode::MissingFile,
        file.as_str(),
        format!(
            "{file}{at}: {key} names `{written}`, which is not in the source (looked for from {from}, then with its leading folders dropped); its images take their usage from their folders' names, if any"
        ),
    )
    .field(key)
    .found(&declaration.written)
    .expected("a folder of images, an image, or a .txt list of images in the source");
    match declaration.line {
        Some(line) => problem.at_line(line),
        None => problem,
    }
}

fn not_a_split(declaration: &SplitDeclaration, path: &str) -> Problem {
    let file = &declaration.file;
    let key = declaration.key;
    let at = line_text(declaration.line);
    let problem = Problem::warning(
        ProblemCode::InvalidValue,
        file.as_str(),
        format!(
            "{file}{at}: {key} names `{}`, which is neither a folder, an image nor a .txt list of images, so it gives no usage",
            short(path)
        ),
    )
    .field(key)
    .found(path)
    .expected("a folder of images, an image, or a .txt list of images");
    match declaration.line {
        Some(line) => problem.at_line(line),
        None => problem,
    }
}

fn line_text(line: Option<u64>) -> String {
    line.map(|l| format!(" line {l}")).unwrap_or_default()
}

fn missing_image(file: &str, line: u64, written: &str, usage: &str) -> Problem {
    Problem::warning(
        ProblemCode::MissingFile,
        file,
        format!(
            "{file} line {line}: `{}` is not in the source, so no sample takes the usage {usage} from this line",
            short(written)
        ),
    )
    .at_line(line)
    .field("path")
    .found(written)
    .expected(format!(
        "the path of a listed image, from the list's folder (`./{}`) or the dataset's root",
        file_name(written)
    ))
}

fn in_two_splits(file: &str, line: u64, kept: &str, count: usize, usage: &str) -> Problem {
    Problem::warning(
        ProblemCode::DuplicateId,
        file,
        format!(
            "{file} line {line}: {count} images listed here (the first at this line) are already in the {kept} split; they keep the usage {kept}, not {usage}: list each image in one split"
        ),
    )
    .at_line(line)
    .field("path")
    .found(format!("{count} images in two splits"))
    .expected("each image in one split")
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// A `place_of` over a listing of `files`.
    fn places(files: &[&str]) -> impl Fn(&str) -> Option<Place> + use<> {
        let files: HashSet<String> = files.iter().map(|f| (*f).to_owned()).collect();
        let folders: HashSet<String> = files
            .iter()
            .flat_map(|f| {
                f.match_indices('/')
                    .map(|(at, _)| f[..at].to_owned())
                    .collect::<Vec<_>>()
            })
            .collect();
        move |path: &str| {
            if files.contains(path) {
                Some(Place::File)
            } else if folders.contains(path) {
                Some(Place::Folder)
            } else {
                None
            }
        }
    }

    #[test]
    fn folder_names_give_the_usage_deepest_first() {
        assert_eq!(usage_from_folders("images/train/x.jpg"), Some(TRAIN));
        assert_eq!(usage_from_folders("valid/images/x.jpg"), Some(EVAL));
        assert_eq!(usage_from_folders("Test/Images/x.jpg"), Some(TEST));
        assert_eq!(usage_from_folders("train/images/val/x.jpg"), Some(EVAL));
        assert_eq!(usage_from_folders("images/x.jpg"), None);
        assert_eq!(usage_from_folders("train.jpg"), None);
        assert!(is_root_split_list("Train.txt"));
        assert!(!is_root_split_list("data/train.txt"));
        assert!(!is_root_split_list("README.txt"));
    }

    #[test]
    fn written_paths_are_found_from_the_base_the_root_or_their_end() {
        let place_of = places(&[
            "ds/images/train/a.jpg",
            "ds/train.txt",
            "train/images/b.jpg",
            "images/c.jpg",
        ]);
        let found = |base: &str, written: &str| locate(base, written, &place_of);
        let folder = |path: &str| Some((path.to_owned(), Place::Folder));
        let file = |path: &str| Some((path.to_owned(), Place::File));
        assert_eq!(found("ds", "images/train"), folder("ds/images/train"));
        assert_eq!(found("ds", "./images/train/"), folder("ds/images/train"));
        assert_eq!(found("", "ds/images/train"), folder("ds/images/train"));
        assert_eq!(
            found("ds", "/home/me/datasets/ds/images/train"),
            folder("ds/images/train")
        );
        assert_eq!(found("", "../train/images"), folder("train/images"));
        assert_eq!(found("ds", "data/train.txt"), file("ds/train.txt"));
        assert_eq!(
            found("ds", "../../x/images"),
            None,
            "images alone is too vague"
        );
        assert_eq!(found("ds", "images/val"), None);
        assert_eq!(found("", "a/../images/c.jpg"), file("images/c.jpg"));
    }

    #[test]
    fn data_yaml_splits_are_folders_lists_or_images_with_their_usage() {
        let place_of = places(&[
            "coco8/data.yaml",
            "coco8/images/train/a.jpg",
            "coco8/images/val/b.jpg",
            "coco8/test.txt",
            "coco8/images/other/c.jpg",
            "coco8/images/other/d.jpg",
        ]);
        let (data, _) = super::super::parse_data_yaml(
            b"path: ../datasets/coco8\ntrain: images/train\nval: [images/val, /abs/coco8/images/other/d.jpg]\ntest: test.txt\nnames: [a]\n",
            "coco8/data.yaml",
        );
        let declarations = data_yaml_splits(&data, "coco8/data.yaml", &place_of);
        assert_eq!(declarations.len(), 4);
        assert_eq!(declarations[1].line, Some(3));
        let mut splits = Splits::default();
        for declaration in &declarations {
            assert_eq!(splits.declare(declaration, &place_of), None);
        }
        assert_eq!(
            splits.lists(),
            [SplitList {
                path: "coco8/test.txt".into(),
                usage: TEST
            }]
        );
        let is_file = |p: &str| place_of(p) == Some(Place::File);
        let problems = splits.add_list(
            &splits.lists()[0].clone(),
            b"./images/other/c.jpg\n\n./images/other/gone.jpg\n",
            &is_file,
        );
        assert_eq!(
            problems
                .iter()
                .map(|p| (p.code, p.line))
                .collect::<Vec<_>>(),
            [(ProblemCode::MissingFile, Some(3))]
        );
        let usage = |image: &str| splits.usage_of(image);
        assert_eq!(usage("coco8/images/train/a.jpg"), Some(TRAIN));
        assert_eq!(usage("coco8/images/val/b.jpg"), Some(EVAL));
        assert_eq!(usage("coco8/images/other/c.jpg"), Some(TEST));
        assert_eq!(usage("coco8/images/other/d.jpg"), Some(EVAL));
        assert_eq!(usage("coco8/images/x.jpg"), None);
        assert_eq!(
            usage("coco8/images/test/x.jpg"),
            Some(TEST),
            "by folder name"
        );
    }

    #[test]
    fn a_path_naming_nothing_or_no_split_is_a_warning_at_its_line() {
        let place_of = places(&["data.yaml", "images/a.jpg", "notes.json"]);
        let (data, _) = super::super::parse_data_yaml(
            b"names: [a]\ntrain: images/train\nval: notes.json\n",
            "data.yaml",
        );
        let mut splits = Splits::default();
        let problems: Vec<Problem> = data_yaml_splits(&data, "data.yaml", &place_of)
            .iter()
            .filter_map(|d| splits.declare(d, &place_of))
            .collect();
        let found: Vec<_> = problems
            .iter()
            .map(|p| (p.code, p.line, p.field.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                (ProblemCode::MissingFile, Some(2), Some("train")),
                (ProblemCode::InvalidValue, Some(3), Some("val")),
            ]
        );
        assert!(
            problems[0].message.starts_with(
                "data.yaml line 2: train names `images/train`, which is not in the source"
            ),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn a_folder_declared_twice_keeps_its_first_split() {
        let place_of = places(&["data.yaml", "images/train/a.jpg"]);
        let (data, _) = super::super::parse_data_yaml(
            b"path: .\ntrain: images/train\nval: images/train\nnames: [a]\n",
            "data.yaml",
        );
        let mut splits = Splits::default();
        for declaration in data_yaml_splits(&data, "data.yaml", &place_of) {
            assert_eq!(splits.declare(&declaration, &place_of), None);
        }
        assert_eq!(splits.usage_of("images/train/a.jpg"), Some(TRAIN));
    }

    #[test]
    fn darknet_lists_and_images_in_two_splits() {
        let place_of = places(&[
            "data/obj.data",
            "data/train.txt",
            "data/valid.txt",
            "data/obj_train_data/a.jpg",
            "data/obj_train_data/b.jpg",
        ]);
        let (data, _) = super::super::parse_darknet_data(
            b"classes = 1\nnames = data/obj.names\ntrain = data/train.txt\nvalid = data/valid.txt\n",
            "data/obj.data",
        );
        let mut splits = Splits::default();
        for declaration in darknet_splits(&data, "data/obj.data") {
            assert_eq!(splits.declare(&declaration, &place_of), None);
        }
        let lists = splits.lists().to_vec();
        assert_eq!(lists.len(), 2);
        assert!(splits.is_list("data/valid.txt"));
        let is_file = |p: &str| place_of(p) == Some(Place::File);
        let listed = b"data/obj_train_data/a.jpg\ndata/obj_train_data/b.jpg\n";
        assert!(splits.add_list(&lists[0], listed, &is_file).is_empty());
        let problems = splits.add_list(&lists[1], b"x\ndata/obj_train_data/b.jpg\n", &is_file);
        let found: Vec<_> = problems.iter().map(|p| (p.code, p.line)).collect();
        assert_eq!(
            found,
            [
                (ProblemCode::MissingFile, Some(1)),
                (ProblemCode::DuplicateId, Some(2))
            ]
        );
        assert_eq!(splits.usage_of("data/obj_train_data/b.jpg"), Some(TRAIN));
    }
}
