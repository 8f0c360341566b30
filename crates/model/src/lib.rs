//! Wharf's domain, shared by every other crate.
//!
//! The catalog stores these types, the engine moves them through their lifecycle, and the
//! server and the command line show them. They carry no behaviour beyond small conversions, so
//! that every crate can depend on this one without pulling in storage, SQL or HTTP.

mod annotation;
mod collection;
mod dataset;
mod error;
mod job;
pub mod json;
mod object;
mod problem;
mod project;
pub mod usage;
mod validation;

pub use annotation::{Annotation, AnnotationPart, LabelDef, RleCounts, Shape};
pub use collection::{Collection, CollectionSchema, FieldSchema, FieldType};
pub use dataset::{
    Connection, Dataset, DatasetFile, Label, Page, Sample, Version, VersionState, Workspace,
};
pub use error::{ErrorCode, WharfError, WharfResult};
pub use job::{
    ImportOptions, Job, JobCounters, JobError, JobKind, JobResult, JobState, TableColumn,
    TextLabelPlacement, TextLabels,
};
pub use object::ObjectEntry;
pub use problem::{Problem, ProblemCode, Severity};
pub use project::{Dialect, DialectKeyPair, Project, Task};
pub use validation::{FormatVerdict, ValidationReport};
