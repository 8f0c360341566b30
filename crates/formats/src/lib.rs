//! Readers of dataset layouts and annotation formats.
//!
//! # Readers
//!
//! Each layout lives in its own module with the same shape: its detection, which judges a
//! source from a [`ListingSummary`]; parse functions that turn the format's files into
//! Wharf's normalised [`Annotation`](wharf_model::Annotation)s and
//! [`LabelDef`](wharf_model::LabelDef)s; and its reader (`reader.rs`), which pairs the
//! source's files and hands samples to a [`read::ReadSink`]. Parsers take bytes or a
//! `std::io::Read`, and readers read through [`read::SourceFiles`], never a storage client:
//! this crate knows nothing of where files live, so every parser can be tested and fuzzed on
//! its own, and every reader run on files held in memory.
//!
//! # Problems, not panics
//!
//! Bad input never stops a parser and never panics it. Each defect becomes a
//! [`Problem`](wharf_model::Problem) with a stable code, the file, the line or JSON path, what
//! was found and what was expected; the parser goes on with the next record. Only a file that
//! cannot be read at all (not the format, truncated past repair) is one file-level problem.
//!
//! # Layouts and detection
//!
//! Every layout implements [`Layout`] and is listed once in [`LAYOUTS`]. Given no format, every
//! layout judges the same summary of the listing and answers with a [`Verdict`]: a match with a
//! confidence and its reasons, or a rejection that says why, so a user can see why a format
//! was or was not chosen.

pub mod coco;
mod detect;
mod json_stream;
pub mod kitti;
mod layout;
pub mod manifest;
pub mod modelarts_dir;
pub mod plain;
pub mod pointcloud;
pub mod read;
pub mod rosetta;
mod text;
pub mod voc;
pub mod xtreme1;
pub mod yolo;

pub use detect::{Detection, IMAGE_EXTENSIONS, ListingSummary, Verdict, detect, extension_of};
pub use layout::{
    Head, LAYOUTS, Layout, LayoutReader, ReadContext, find as find_layout, names as layout_names,
};
pub use plain::FORMAT as PLAIN;
