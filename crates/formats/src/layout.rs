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
//! 3. The layout's [`LayoutReader`] turns its files into samples and annotations, through
//!    [`SourceFiles`](crate::read::SourceFiles) and into a [`ReadSink`] (see [`crate::read`]).
//!    A reader is made when the layout is known: before the listing when the user named the
//!    layout, so that it may start on the files it is shown as they are listed
//!    ([`LayoutReader::listed`]; COCO parses its first file while a large bucket is still
//!    being listed), else once detection chose it. [`LayoutReader::read`] then reads the
//!    source with the complete listing.
//! 4. Every listed file the reader did not use is judged once more: a file of the layout's
//!    structure ([`Layout::is_structure`]) is neither a sample nor a problem; a media file
//!    becomes a sample without annotations; anything else is reported as skipped, with why.
//!
//! Adding a layout is adding its module (its detection, its parsers, its reader) and one line
//! to [`LAYOUTS`].

use futures::FutureExt;
use futures::future::BoxFuture;
use wharf_model::{ObjectEntry, WharfResult};

use crate::read::{Files, Listing, ReadOptions, ReadSink};
use crate::{ListingSummary, Verdict};

/// The first bytes of a listed file, when detection may look at them.
pub type Head<'a> = dyn Fn(&str) -> Option<Vec<u8>> + Sync + 'a;

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

    /// A reader of a source in this layout.
    fn reader(&self, context: ReadContext) -> Box<dyn LayoutReader>;
}

/// What a reader is made with.
#[derive(Clone)]
pub struct ReadContext {
    pub files: Files,
    pub options: ReadOptions,
    /// Whether the sink keeps annotations (an import) or only counts them (a validation).
    pub keeps_annotations: bool,
}

/// One read of one source in one layout. See the module doc for its lifecycle.
pub trait LayoutReader: Send {
    /// An object of the source, shown while the source is still being listed, in listing
    /// order; only a reader made before the listing is shown any.
    fn listed<'a>(&'a mut self, _entry: &'a ObjectEntry) -> BoxFuture<'a, ()> {
        async {}.boxed()
    }

    /// Reads the source, whose complete listing is `listing`, into `sink`.
    fn read<'a>(
        self: Box<Self>,
        listing: &'a Listing,
        head: &'a Head<'a>,
        sink: &'a mut dyn ReadSink,
    ) -> BoxFuture<'a, WharfResult<()>>;
}

/// How most layouts read: once the listing is complete.
pub(crate) type ReadListing = for<'a> fn(
    &'a ReadContext,
    &'a Listing,
    &'a Head<'a>,
    &'a mut dyn ReadSink,
) -> BoxFuture<'a, WharfResult<()>>;

/// The reader of a layout that reads once the listing is complete.
pub(crate) struct AfterListing {
    context: ReadContext,
    read: ReadListing,
}

impl AfterListing {
    pub(crate) fn boxed(context: ReadContext, read: ReadListing) -> Box<dyn LayoutReader> {
        Box::new(Self { context, read })
    }
}

impl LayoutReader for AfterListing {
    fn read<'a>(
        self: Box<Self>,
        listing: &'a Listing,
        head: &'a Head<'a>,
        sink: &'a mut dyn ReadSink,
    ) -> BoxFuture<'a, WharfResult<()>> {
        async move { (self.read)(&self.context, listing, head, sink).await }.boxed()
    }
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
