//! Collections as the native API (and, later, the platforms' adapters) make them: a name and
//! a schema checked with Milvus' rules before the catalog keeps them.

use serde::Deserialize;
use utoipa::ToSchema;
use wharf_catalog::{Catalog, NewCollection};
use wharf_model::{Collection, CollectionSchema, WharfError, WharfResult};

/// What a client asks for when it makes a collection.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCollection {
    /// Letters, digits and `_`, starting with a letter or `_`, as Milvus names collections.
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub schema: CollectionSchema,
}

/// Checks a collection's name and schema as Milvus does, then makes it.
pub async fn create_collection(
    catalog: &Catalog,
    workspace_id: &str,
    request: CreateCollection,
) -> WharfResult<Collection> {
    wharf_vectors::check_collection_name(&request.name)?;
    wharf_vectors::check_schema(&request.schema)?;
    catalog
        .create_collection(
            workspace_id,
            NewCollection {
                name: request.name,
                description: request.description,
                schema: request.schema,
            },
        )
        .await
}

/// Adds a partition to a collection: its name checked as Milvus checks one, and no more than
/// Milvus' most partitions a collection.
pub async fn create_partition(
    catalog: &Catalog,
    workspace_id: &str,
    collection: &str,
    name: &str,
) -> WharfResult<Collection> {
    wharf_vectors::check_partition_name(name)?;
    let found = catalog.get_collection(workspace_id, collection).await?;
    if found.partitions.len() >= wharf_vectors::MAX_PARTITIONS {
        return Err(WharfError::invalid(format!(
            "collection '{}' has {} partitions, the most a collection has; drop one before making '{name}'",
            found.name,
            found.partitions.len()
        )));
    }
    catalog
        .create_partition(workspace_id, &found.id, name)
        .await
}
