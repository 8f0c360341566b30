//! Wharf's job engine.
//!
//! # Jobs and workers
//!
//! An import is a row in the catalog, not a task in a process. [`submit_import`] checks the
//! request (without touching the source, so it answers at once whatever the source's size) and
//! queues the job. Workers — inside `wharf serve` or as separate `wharf worker` processes, on
//! one machine or many sharing a PostgreSQL catalog — claim jobs with a lease and keep it alive
//! with heartbeats. A worker that dies stops heartbeating; when its lease expires, any worker
//! claims the job again and resumes it.
//!
//! # Checkpoints and exactly-once writes
//!
//! The import streams the source listing in batches. Each batch is written with its counts in
//! one transaction (see `wharf_catalog::jobs`), which is the checkpoint: after a crash, what is
//! in the catalog and what the counters say agree exactly. A resumed attempt lists the source
//! again and skips, without counting, every object the job already wrote or confirmed, so no
//! sample is written twice and the final counts add up.

mod collections;
mod credentials;
mod filter;
mod import;
mod read;
mod submit;
mod validate;
mod worker;

pub use collections::{CreateCollection, create_collection, create_partition};
pub use read::check_format;
pub use submit::{ImportRequest, check_origin, submit_import};
pub use validate::{ValidateRequest, validate, validate_request};
pub use wharf_formats::{LAYOUTS, Layout};
pub use worker::{Engine, EngineConfig};
