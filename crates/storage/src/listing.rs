//! What a listing yields.

use wharf_model::{ObjectEntry, WharfError};

/// One item of a listing: an object with its facts, or an object the listing found but whose
/// facts could not be read. The second fails that item only, never the listing.
#[derive(Debug, Clone, PartialEq)]
pub enum Listed {
    Object(ObjectEntry),
    Unreadable { path: String, error: WharfError },
}

impl Listed {
    pub fn path(&self) -> &str {
        match self {
            Listed::Object(entry) => &entry.path,
            Listed::Unreadable { path, .. } => path,
        }
    }
}

pub(crate) fn media_type_of(path: &str) -> String {
    mime_guess::from_path(path)
        .first_or_octet_stream()
        .essence_str()
        .to_owned()
}
