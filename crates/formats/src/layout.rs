//! Layouts, and the one registry of them.
//!
//! A *layout* is a way a dataset is laid out in a folder: which files hold the data, which hold
//! the annotations, and which only give the layout its shape (split lists, class-name files,
//! caches). Each layout is one module of this crate that implements [`Layout`]; [`LAYOUTS`]
//! lists them all, and everything that needs the list of formats takes it from there: detection,
//! `--format` and its help, the API's checks and its OpenAPI enum.
//!
//! # Lifecycle of a read
//!
//! 1. The source is listed once into a [`ListingSummary`].
//! 2. Every layout judges the summary ([`Layout::detect`]), with the heads of a few files, and
//!    answers with a [`Verdict`] and its reasons; the best match is read, or the one the user
//!    named ([`find`]). A layout named by the user that does not match is refused with what
//!    the source does look like.
//! 3. The layout's reader turns its files into samples and annotations. Readers need the
//!    source's files, so they live with the engine (`wharf-engine`'s `read` module, one per
//!    layout); the parsers they call are this crate's.
//! 4. Every listed file the reader did not use is judged once more: a file of the layout's
//!    structure ([`Layout::is_structure`]) is neither a sample nor a problem; a media file
//!    becomes a sample without annotations; anything else is reported as skipped, with why.

use crate::{ListingSummary, Verdict};

/// The first bytes of a listed file, when detection may look at them.
pub type Head<'a> = dyn Fn(&str) -> Option<Vec<u8>> + 'a;

/// One way of laying a dataset out. See the module doc for where each method is used.
pub trait Layout: Sync {
    /// The name users give to `--format` and `options.format`, lowercase.
    fn name(&self) -> &'static str;

    /// Other names accepted for it (compared without regard to case).
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }

    /// What the layout is, in a few words, for `--format`'s help.
    fn description(&self) -> &'static str;

    /// Whether the source looks like this layout, and why (or why not).
    fn detect(&self, summary: &ListingSummary, head: &Head<'_>) -> Verdict;

    /// Whether a listed file only gives the layout its shape (a split list, a class-name file,
    /// a cache, a mask referenced by annotations), so that it must not become a sample of its
    /// own. Files the layout's reader opened as annotation files need not be named here.
    fn is_structure(&self, path: &str) -> bool;
}

/// Every layout, in the order detection lists ties.
pub static LAYOUTS: &[&dyn Layout] = &[
    &crate::coco::CocoLayout,
    &crate::voc::VocLayout,
    &crate::yolo::YoloLayout,
    &crate::rosetta::RosettaLayout,
    &crate::kitti::KittiLayout,
    &crate::xtreme1::Xtreme1Layout,
    &crate::manifest::ManifestLayout,
    &crate::modelarts_dir::ModelartsDirLayout,
    &crate::plain::PlainLayout,
];

/// The layout a user named, by name or alias, in any case.
pub fn find(name: &str) -> Option<&'static dyn Layout> {
    let name = name.trim();
    LAYOUTS.iter().copied().find(|layout| {
        layout.name().eq_ignore_ascii_case(name)
            || layout
                .aliases()
                .iter()
                .any(|alias| alias.eq_ignore_ascii_case(name))
    })
}

/// The names of every layout, for messages and enums.
pub fn names() -> impl Iterator<Item = &'static str> {
    LAYOUTS.iter().map(|layout| layout.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_lowercase_and_found_in_any_case_or_by_alias() {
        let mut seen = std::collections::HashSet::new();
        for layout in LAYOUTS {
            let name = layout.name();
            assert_eq!(name, name.to_ascii_lowercase());
            for alias in std::iter::once(&name).chain(layout.aliases()) {
                assert!(seen.insert(alias.to_ascii_lowercase()), "{alias} twice");
                assert_eq!(
                    find(&alias.to_ascii_uppercase()).map(|l| l.name()),
                    Some(name)
                );
            }
        }
        assert!(find("pascal").is_none());
    }
}
