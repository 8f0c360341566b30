//! The OpenAPI document, served at `/openapi.json`.

use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, Schema};

use crate::routes::*;

#[derive(OpenApi)]
#[openapi(
    info(title = "Wharf", description = "Imports datasets from object storage into a versioned catalog."),
    paths(
        health, openapi_document,
        create_dataset, list_datasets, get_dataset, update_dataset, delete_dataset,
        list_versions, get_version, update_version, list_samples, get_sample, list_labels,
        create_import, validate_source, list_jobs, get_job, cancel_job, list_job_errors,
        create_connection, list_connections, get_connection, delete_connection,
        create_project, list_projects,
        create_collection, list_collections, get_collection, drop_collection,
        create_partition, drop_partition,
    ),
    modifiers(&BearerAuth, &FormatNames),
    security(("api_key" = []))
)]
pub(crate) struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "api_key",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// `format` takes the names of the layouts Wharf reads: the enum comes from the one registry
/// of layouts, so a layout added there is in the document too.
struct FormatNames;

impl utoipa::Modify for FormatNames {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let names: Vec<serde_json::Value> = wharf_engine::LAYOUTS
            .iter()
            .map(|layout| serde_json::Value::from(layout.name()))
            .collect();
        for schema in ["ImportOptions", "ValidateRequest"] {
            if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(schema)
                && let Some(RefOr::T(Schema::Object(format))) = object.properties.get_mut("format")
            {
                format.enum_values = Some(names.clone());
            }
        }
    }
}
