//! The OpenAPI document, served at `/openapi.json`.

use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

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
    ),
    modifiers(&BearerAuth),
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
