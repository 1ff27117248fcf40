//! The OpenAPI 3.1 document, generated from the route and type annotations.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "annohub", description = "Self-hostable server for the Ango Hub v2 project API."),
    paths(
        routes::projects::list_projects,
        routes::projects::create_project,
        routes::projects::get_project,
        routes::projects::update_project,
        routes::projects::delete_project,
        routes::projects::assign_members,
        routes::projects::create_template,
        routes::instructions::upload_instructions,
        routes::instructions::download_instructions,
        routes::performance::project_performance,
        routes::health::healthz,
        routes::health::readyz,
        routes::health::openapi_json,
    ),
    modifiers(&ApiKeyScheme),
    tags((name = "projects", description = "Project management"), (name = "performance", description = "Labeling performance"),
         (name = "health", description = "Liveness, readiness and this document"))
)]
struct ApiDoc;

struct ApiKeyScheme;

impl Modify for ApiKeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "apikey",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("apikey"))),
        );
    }
}

/// The document as pretty JSON.
pub fn document_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serializes")
}
