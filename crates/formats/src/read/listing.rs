//! The listing a reader pairs files against.

use std::collections::HashMap;

use wharf_model::ObjectEntry;

use crate::ListingSummary;

/// The listing of a source, kept for the layouts that pair files: every entry, and indexes of
/// the images by file name and by folder and stem.
#[derive(Default)]
pub struct Listing {
    pub summary: ListingSummary,
    pub entries: Vec<ObjectEntry>,
    by_path: HashMap<String, usize>,
    /// Image entries by file name, to find the files COCO records name.
    images_by_name: HashMap<String, Vec<usize>>,
    /// Image entries by folder and stem (`a/b/x` for `a/b/x.jpg`), to pair sidecar files.
    images_by_stem: HashMap<String, usize>,
}

impl Listing {
    /// Adds an entry, in listing order.
    pub fn add(&mut self, entry: ObjectEntry) {
        self.summary.add(&entry.path);
        let at = self.entries.len();
        if entry.is_image() {
            let name = file_name(&entry.path).to_owned();
            self.images_by_stem.insert(stem(&entry.path).to_owned(), at);
            self.images_by_name.entry(name).or_default().push(at);
        }
        self.by_path.insert(entry.path.clone(), at);
        self.entries.push(entry);
    }

    pub fn entry(&self, path: &str) -> Option<&ObjectEntry> {
        self.by_path.get(path).map(|&i| &self.entries[i])
    }

    /// Listed paths with this lowercase extension, in listing order.
    pub fn with_extension<'a>(
        &'a self,
        extension: &'a str,
    ) -> impl Iterator<Item = &'a ObjectEntry> {
        self.entries
            .iter()
            .filter(move |e| crate::extension_of(&e.path) == extension)
    }

    /// Image entries, in listing order.
    pub fn images(&self) -> impl Iterator<Item = &ObjectEntry> {
        self.entries.iter().filter(|e| e.is_image())
    }

    pub fn image_count(&self) -> usize {
        self.images_by_stem.len()
    }

    /// The place in `entries` of the listed image a record names: a path equal to `name`, or
    /// ending in `/name`.
    pub fn resolve(&self, name: &str) -> Option<usize> {
        let name = name.trim_start_matches("./");
        self.images_by_name
            .get(file_name(name))?
            .iter()
            .copied()
            .find(|&i| {
                let path = &self.entries[i].path;
                path == name || path.ends_with(&format!("/{name}"))
            })
    }

    /// The image a sidecar file describes: same folder and stem, or, for a label under a
    /// `labels/` folder, the same place under `images/`.
    pub fn image_for(&self, sidecar: &str) -> Option<&ObjectEntry> {
        let key = stem(sidecar);
        if let Some(&i) = self.images_by_stem.get(key) {
            return Some(&self.entries[i]);
        }
        let moved = match key.rfind("/labels/") {
            Some(i) => format!("{}/images/{}", &key[..i], &key[i + "/labels/".len()..]),
            None => format!("images/{}", key.strip_prefix("labels/")?),
        };
        self.images_by_stem.get(&moved).map(|&i| &self.entries[i])
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.path.as_str())
    }
}

pub fn stem(path: &str) -> &str {
    match path.rfind('.') {
        Some(dot) if dot > path.rfind('/').map_or(0, |s| s + 1) => &path[..dot],
        _ => path,
    }
}

pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(paths: &[&str]) -> Listing {
        let mut listing = Listing::default();
        for p in paths {
            let media_type = if p.ends_with(".jpg") {
                "image/jpeg"
            } else {
                "text/plain"
            };
            listing.add(ObjectEntry {
                path: (*p).to_owned(),
                size: 1,
                fingerprint: String::new(),
                modified_ms: None,
                media_type: media_type.to_owned(),
            });
        }
        listing
    }

    #[test]
    fn sidecars_pair_beside_their_image_or_across_labels_and_images() {
        let l = listing(&[
            "a/x.jpg",
            "a/x.xml",
            "set/images/train/y.jpg",
            "set/labels/train/y.txt",
            "images/z.jpg",
            "labels/z.txt",
            "a/lonely.xml",
        ]);
        let path = |e: Option<&ObjectEntry>| e.map(|e| e.path.clone());
        assert_eq!(path(l.image_for("a/x.xml")).as_deref(), Some("a/x.jpg"));
        assert_eq!(
            path(l.image_for("set/labels/train/y.txt")).as_deref(),
            Some("set/images/train/y.jpg")
        );
        assert_eq!(
            path(l.image_for("labels/z.txt")).as_deref(),
            Some("images/z.jpg")
        );
        assert_eq!(path(l.image_for("a/lonely.xml")), None);
        assert_eq!(
            path(l.resolve("x.jpg").map(|i| &l.entries[i])).as_deref(),
            Some("a/x.jpg")
        );
        assert_eq!(
            path(l.resolve("train/y.jpg").map(|i| &l.entries[i])).as_deref(),
            Some("set/images/train/y.jpg")
        );
        assert_eq!(path(l.resolve("nope.jpg").map(|i| &l.entries[i])), None);
        assert_eq!(stem("a.b/c"), "a.b/c");
    }
}
