//! Vector collections.
//!
//! A collection holds rows of typed fields, one of them the primary key and some of them
//! vectors, in the shape Milvus and Zilliz Cloud give collections
//! ([`CollectionSchema`](wharf_model::CollectionSchema)), so that the files their tools write
//! and their clients' requests map onto it one to one. This crate knows the rules a schema
//! must follow ([`schema`]); it knows nothing of the catalog that keeps collections, nor of
//! HTTP.

pub mod schema;

pub use schema::{MAX_PARTITIONS, check_collection_name, check_partition_name, check_schema};
