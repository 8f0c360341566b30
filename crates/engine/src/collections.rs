//! Collections as the native API (and, later, the platforms' adapters) make them: a name and
//! a schema checked with Milvus' rules before the catalog keeps them.

use serde::Deserialize;
use utoipa::ToSchema;
use wharf_catalog::{Catalog, NewCollection};
use wharf_model::{Collection, CollectionSchema, WharfResult};

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
