//! The OpenAPI 3.1 document, generated from the route and type annotations.
//!
//! Each handler documents what is particular to it; [`CommonResponses`] adds what every route
//! shares (the request id, 503 from load shedding and timeouts, and on `/v2` routes 401, 429,
//! 500 and the rate-limit headers), so that no route can forget them.

use std::sync::OnceLock;

use serde_json::Value;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::ObjectBuilder;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Required, Type};
use utoipa::{Modify, OpenApi};

use crate::routes;
use crate::routes::dto;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "annohub",
        description = "Self-hostable server for the Ango Hub v2 project API.\n\n\
            Every `/v2` route needs the header `apikey: <key>`. Bodies are JSON objects (UTF-8) \
            except the instructions upload; every answer, errors included, is JSON except the \
            instructions download. Errors use one envelope, `ErrorBody`, whose `error.code` comes \
            from a closed catalogue. Paths are matched after collapsing repeated slashes; an \
            unknown path answers 404, and a known path called with another method 405 with \
            `Allow`.\n\n\
            Limits are described at their defaults (all configurable): JSON bodies 1 MiB, \
            instructions uploads 32 MiB, 1000 emails per `/assigned` call, `categorySchema` \
            nesting 8 levels and 10 000 items. Rate limiting per API key is off by default; when \
            on, `/v2` answers carry `RateLimit-Limit`, `RateLimit-Remaining` and \
            `RateLimit-Reset`, and 429 carries `Retry-After`. Failed authentications are limited \
            per client address (60 per minute by default), also with 429."
    ),
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
    components(schemas(dto::DataConfigColumn, dto::Email)),
    modifiers(&ApiKeyScheme, &CommonResponses, &OptionalPerformanceBody),
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
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "apikey",
                "The caller's API key. Missing, unknown or revoked → 401.",
            ))),
        );
    }
}

/// Headers of `/v2` responses when rate limiting is configured.
const RATE_LIMIT_HEADERS: [(&str, &str); 3] = [
    (
        "RateLimit-Limit",
        "Requests allowed per minute for this API key (only when rate limiting is configured).",
    ),
    (
        "RateLimit-Remaining",
        "Requests left in the current window (only when rate limiting is configured).",
    ),
    (
        "RateLimit-Reset",
        "Seconds until the window resets (only when rate limiting is configured).",
    ),
];

/// Adds to every operation what the HTTP stack does for every route.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let api_route = path.starts_with("/v2/");
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.delete,
                &mut item.put,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                add_common(operation, api_route);
            }
        }
    }
}

/// The performance body is optional: no body (or a blank one) reports on everything.
struct OptionalPerformanceBody;

impl Modify for OptionalPerformanceBody {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(body) = openapi
            .paths
            .paths
            .get_mut("/v2/performance/{projectId}")
            .and_then(|item| item.post.as_mut())
            .and_then(|operation| operation.request_body.as_mut())
        {
            body.required = Some(Required::False);
        }
    }
}

fn error_response(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        "application/json",
        Content::new(Some(RefOr::Ref(Ref::from_schema_name("ErrorBody")))),
    )
}

fn integer_header(description: &str) -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(0)),
        )
        .description(Some(description))
        .build()
}

fn add_common(operation: &mut Operation, api_route: bool) {
    let responses = &mut operation.responses.responses;
    if api_route {
        responses.entry("401".into()).or_insert_with(|| {
            error_response("Missing, unknown or revoked API key")
                .build()
                .into()
        });
        responses.entry("429".into()).or_insert_with(|| {
            error_response(
                "Too many requests: over this API key's rate limit (off by default, see \
                 --rate-limit-per-minute), or too many failed authentications from this client \
                 address (see --auth-failures-per-minute)",
            )
            .header(
                "Retry-After",
                integer_header("Seconds to wait before retrying."),
            )
            .build()
            .into()
        });
        responses.entry("500".into()).or_insert_with(|| {
            error_response(
                "Internal error; the message is generic and the request id finds the detail in \
                 the server log",
            )
            .build()
            .into()
        });
    }
    responses.entry("503".into()).or_insert_with(|| {
        error_response(
            "Unavailable: the database is unreachable, the server is shutting down or at its \
             limit of requests in flight, or the request took longer than the request timeout",
        )
        .build()
        .into()
    });
    let mut sorted: Vec<(String, RefOr<Response>)> =
        std::mem::take(responses).into_iter().collect();
    sorted.sort_by(|(a, _), (b, _)| a.cmp(b));
    for (status, mut response) in sorted {
        if let RefOr::T(response) = &mut response
            && let Some(etag) = response.headers.get_mut("ETag")
        {
            *etag = dto::etag_header();
        }
        responses.insert(status, response);
    }
}

/// The headers the HTTP stack adds to responses, as `components.headers`: `(name, header,
/// always sent)`.
fn stack_headers() -> Vec<(&'static str, utoipa::openapi::header::Header, bool)> {
    let request_id = HeaderBuilder::new()
        .schema(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^[!-~]{1,128}$")),
        )
        .description(Some(
            "The request's id: the client's `x-request-id` when it is 1 to 128 printable ASCII \
             characters, otherwise a generated one. Also in error bodies and the server log.",
        ))
        .build();
    let mut headers = vec![("x-request-id", request_id, true)];
    for (name, description) in RATE_LIMIT_HEADERS {
        headers.push((name, integer_header(description), false));
    }
    headers
}

/// What utoipa 5 cannot say: response headers that are always sent are `required`, and the
/// headers of the HTTP stack are shared components referenced from every response (`/v2`
/// routes carry the rate-limit ones too).
fn finish(document: &mut Value) {
    let stack = stack_headers();
    let mut components = serde_json::Map::new();
    for (name, header, required) in &stack {
        let mut value = serde_json::to_value(header).expect("a header serializes");
        if *required {
            value["required"] = Value::Bool(true);
        }
        components.insert((*name).into(), value);
    }
    document["components"]["headers"] = Value::Object(components);
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let api_route = path.starts_with("/v2/");
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for operation in item.values_mut().filter_map(Value::as_object_mut) {
            let Some(responses) = operation
                .get_mut("responses")
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            for response in responses.values_mut().filter_map(Value::as_object_mut) {
                let headers = response
                    .entry("headers")
                    .or_insert_with(|| Value::Object(Default::default()));
                let Some(headers) = headers.as_object_mut() else {
                    continue;
                };
                for header in headers.values_mut().filter_map(Value::as_object_mut) {
                    header.insert("required".into(), Value::Bool(true));
                }
                for (name, _, required) in &stack {
                    if *required || api_route {
                        headers.insert(
                            (*name).into(),
                            serde_json::json!({"$ref": format!("#/components/headers/{name}")}),
                        );
                    }
                }
            }
        }
    }
}

/// `(name, operationId, pass the ETag as If-Match)` of what a response with a project leads to.
const FROM_PROJECT: [(&str, &str, bool); 7] = [
    ("GetProject", "get_project", false),
    ("UpdateProject", "update_project", true),
    ("DeleteProject", "delete_project", true),
    ("AssignMembers", "assign_members", true),
    ("CreateTemplate", "create_template", false),
    ("UploadInstructions", "upload_instructions", false),
    ("ProjectPerformance", "project_performance", false),
];

/// The links between operations: what a response lets a client do next, with the values to take
/// from it (the project's id, and its `ETag` for `If-Match`). Written as JSON because utoipa 5
/// serializes its `Link` with snake_case keys (`operation_id`).
fn add_links(document: &mut Value) {
    let link = |operation_id: &str, project_id: &str, etag: bool| {
        let mut parameters = serde_json::Map::new();
        parameters.insert("projectId".into(), Value::from(project_id));
        if etag {
            parameters.insert(
                "header.If-Match".into(),
                Value::from("$response.header.ETag"),
            );
        }
        serde_json::json!({"operationId": operation_id, "parameters": parameters})
    };
    const PROJECT_ID: &str = "$response.body#/data/project/_id";
    /// `(name, operationId)` of a link.
    type Extra = (&'static str, &'static str);
    // (path, method, status, links beyond those of every project response)
    let producers: [(&str, &str, &str, &[Extra]); 5] = [
        ("/v2/project", "post", "201", &[]),
        ("/v2/project/{projectId}", "get", "200", &[]),
        ("/v2/project/{projectId}", "post", "200", &[]),
        ("/v2/project/{projectId}/assigned", "post", "200", &[]),
        (
            "/v2/project/{projectId}/instructions",
            "post",
            "200",
            &[("DownloadInstructions", "download_instructions")],
        ),
    ];
    for (path, method, status, extra) in producers {
        let links = &mut document["paths"][path][method]["responses"][status]["links"];
        for (name, operation_id, etag) in FROM_PROJECT {
            links[name] = link(operation_id, PROJECT_ID, etag);
        }
        for (name, operation_id) in extra {
            links[*name] = link(operation_id, PROJECT_ID, false);
        }
    }
}

/// The document as a JSON value.
pub fn document() -> Value {
    let mut document =
        serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serializes");
    finish(&mut document);
    add_links(&mut document);
    document
}

/// The document as pretty JSON (computed once).
pub fn document_json() -> String {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT
        .get_or_init(|| {
            serde_json::to_string_pretty(&document()).expect("the OpenAPI document serializes")
        })
        .clone()
}
