//! Which image a label file describes.
//!
//! A label file pairs with an image of the same stem in the same folder (`x.txt` beside
//! `x.jpg`), or in a sibling folder tree: the label's last folder named `labels`,
//! `Annotations` or `labelTxt` (DOTA; also `labelTxt-v1.0` and the like), in any case, stands
//! for the image's last folder named `images`, in any case. So `labels/train/x.txt` pairs with
//! `images/train/x.jpg` (Ultralytics' own rule), `train/labels/x.txt` with `train/images/x.jpg`
//! (Roboflow), `Annotations/x.txt` with `Images/x.jpg`, and `labelTxt/P0001.txt` with
//! `images/P0001.png`. File names keep their case: only the folder names are compared without
//! it.

use crate::detect::file_name;

/// Names of the folders that hold label files beside an `images` folder, lowercase.
const LABEL_FOLDERS: &[&str] = &["labels", "annotations"];

/// DOTA's label folder, and its versioned names (`labelTxt-v1.5`), lowercase.
const DOTA_LABEL_FOLDER: &str = "labeltxt";

/// Stands for the swapped folder in a pairing key; no listed path holds it.
const SWAPPED: &str = "\0";

/// How a label file pairs with its image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pairing {
    /// `x.txt` beside `x.jpg`.
    Beside,
    /// `labels/…/x.txt` for `images/…/x.jpg`.
    Labels,
    /// `Annotations/…/x.txt` for `Images/…/x.jpg`.
    Annotations,
    /// DOTA's `labelTxt/…/x.txt` for `images/…/x.png`.
    LabelTxt,
}

impl Pairing {
    /// How the pairing reads in a detection reason.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Beside => "x.txt beside x.jpg",
            Self::Labels => "labels/…/x.txt for images/…/x.jpg",
            Self::Annotations => "Annotations/…/x.txt for Images/…/x.jpg",
            Self::LabelTxt => "labelTxt/…/x.txt for images/…/x.png, as DOTA",
        }
    }
}

/// A path without its extension.
pub fn stem(path: &str) -> &str {
    let name = file_name(path);
    match name.rfind('.') {
        Some(dot) if dot > 0 => &path[..path.len() - name.len() + dot],
        _ => path,
    }
}

/// The key under which an image pairs with a label file of a sibling folder tree: its stem
/// with its last `images` folder made a marker. `None` when it lies in no `images` folder.
pub fn image_key(image: &str) -> Option<String> {
    swap_last_folder(stem(image), |folder| folder.eq_ignore_ascii_case("images"))
        .map(|(key, _)| key)
}

/// The key a label file looks its image up by (see [`image_key`]), and how it pairs. `None`
/// when it lies in no label folder.
pub fn label_key(label: &str) -> Option<(String, Pairing)> {
    swap_last_folder(stem(label), |folder| label_folder(folder).is_some())
        .and_then(|(key, folder)| Some((key, label_folder(&folder)?)))
}

fn label_folder(folder: &str) -> Option<Pairing> {
    let folder = folder.to_ascii_lowercase();
    if folder == LABEL_FOLDERS[0] {
        Some(Pairing::Labels)
    } else if folder == LABEL_FOLDERS[1] {
        Some(Pairing::Annotations)
    } else if folder.starts_with(DOTA_LABEL_FOLDER) {
        Some(Pairing::LabelTxt)
    } else {
        None
    }
}

/// `stem` with its last folder that `matches` replaced by [`SWAPPED`], and that folder's name.
/// The file name itself is never a folder.
fn swap_last_folder(stem: &str, matches: impl Fn(&str) -> bool) -> Option<(String, String)> {
    let (folders, name) = stem.rsplit_once('/')?;
    let mut parts: Vec<&str> = folders.split('/').collect();
    let at = parts.iter().rposition(|folder| matches(folder))?;
    let folder = parts[at].to_owned();
    parts[at] = SWAPPED;
    Some((format!("{}/{name}", parts.join("/")), folder))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(image: &str, label: &str) -> Option<Pairing> {
        let (key, pairing) = label_key(label)?;
        (image_key(image)? == key).then_some(pairing)
    }

    #[test]
    fn sibling_folders_pair_in_any_case_at_any_depth() {
        use Pairing::*;
        assert_eq!(
            pairs("images/train/x.jpg", "labels/train/x.txt"),
            Some(Labels)
        );
        assert_eq!(
            pairs("set/train/images/x.jpg", "set/train/labels/x.txt"),
            Some(Labels)
        );
        assert_eq!(
            pairs("Images/x.JPG", "Annotations/x.txt"),
            Some(Annotations)
        );
        assert_eq!(
            pairs("export/IMAGES/val/x.png", "export/annotations/val/x.txt"),
            Some(Annotations)
        );
        assert_eq!(
            pairs("train/images/P0001.png", "train/labelTxt/P0001.txt"),
            Some(LabelTxt)
        );
        assert_eq!(
            pairs("images/P0001.png", "labelTxt-v1.5/P0001.txt"),
            Some(LabelTxt)
        );
        assert_eq!(
            pairs("data/images/images/x.jpg", "data/images/labels/x.txt"),
            Some(Labels),
            "the last images folder is swapped, as Ultralytics does"
        );
    }

    #[test]
    fn what_does_not_pair() {
        assert_eq!(pairs("images/train/x.jpg", "labels/val/x.txt"), None);
        assert_eq!(pairs("images/x.jpg", "labels/X.txt"), None);
        assert_eq!(image_key("x.jpg"), None);
        assert_eq!(image_key("images.jpg"), None);
        assert_eq!(label_key("labels.txt"), None);
        assert_eq!(label_key("notes/x.txt"), None);
    }

    #[test]
    fn stems_keep_dots_in_folders() {
        assert_eq!(stem("a.b/c"), "a.b/c");
        assert_eq!(stem("a/.hidden"), "a/.hidden");
        assert_eq!(stem("a/x.tar.gz"), "a/x.tar");
    }
}
