//! The HTTP surface: route table, success envelopes and the small helpers handlers share.

pub mod dto;
pub mod health;
pub mod instructions;
pub mod performance;
pub mod projects;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use serde::Serialize;

use annohub_domain::project::Project;

use crate::state::AppState;

/// The success envelope: `{"status": "success", "data": {...}}`.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Success<T> {
    /// Always `success`.
    #[schema(value_type = SuccessStatus)]
    pub status: &'static str,
    pub data: T,
}

/// `status` of a success.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum SuccessStatus {
    Success,
}

/// Renders `data` in the success envelope.
pub fn success<T: Serialize>(status: StatusCode, data: T) -> Response {
    (
        status,
        axum::Json(Success {
            status: "success",
            data,
        }),
    )
        .into_response()
}

/// `data.project`.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectData {
    /// The whole project.
    #[schema(value_type = dto::ProjectDoc)]
    pub project: Project,
}

/// A project in the envelope, with its `ETag`.
pub fn project_response(status: StatusCode, project: Project) -> Response {
    let revision = project.revision;
    project_body_response(status, project_body(project), revision)
}

/// The serialized success envelope of a project.
pub fn project_body(project: Project) -> Bytes {
    let envelope = Success {
        status: "success",
        data: ProjectData { project },
    };
    Bytes::from(serde_json::to_vec(&envelope).expect("a project serializes"))
}

/// An already serialized project envelope, with the `ETag` of `revision`.
pub fn project_body_response(status: StatusCode, body: Bytes, revision: i64) -> Response {
    let mut response = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    if let Ok(value) = HeaderValue::from_str(&etag(revision)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// The ETag of a project revision.
pub fn etag(revision: i64) -> String {
    format!("\"{revision}\"")
}

/// The revision `If-Match` requires: `None` when absent or `*`; a value that is not one of
/// our ETags can never match, so it maps to an impossible revision.
pub fn if_match(headers: &HeaderMap) -> Option<i64> {
    let raw = headers.get(header::IF_MATCH)?.to_str().unwrap_or("");
    let raw = raw.trim();
    if raw == "*" {
        return None;
    }
    let tag = raw.strip_prefix("W/").unwrap_or(raw).trim_matches('"');
    Some(tag.parse().unwrap_or(-1))
}

/// Every route of the API.
pub fn router(state: AppState) -> Router {
    let upload_limit = state.limits.upload_bytes;
    let v2 = Router::new()
        .route("/v2/listProjects", get(projects::list_projects))
        .route("/v2/project", post(projects::create_project))
        .route(
            "/v2/project/{projectId}",
            get(projects::get_project)
                .post(projects::update_project)
                .delete(projects::delete_project),
        )
        .route(
            "/v2/project/{projectId}/assigned",
            post(projects::assign_members),
        )
        .route(
            "/v2/project/{projectId}/assetBuilderTemplates",
            post(projects::create_template),
        )
        .route(
            "/v2/project/{projectId}/instructions",
            post(instructions::upload_instructions)
                .layer(DefaultBodyLimit::max(upload_limit))
                .get(instructions::download_instructions),
        )
        .route(
            "/v2/performance/{projectId}",
            post(performance::project_performance),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::rate_limit::layer,
        ));
    Router::new()
        .merge(v2)
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/openapi.json", get(health::openapi_json))
        .layer(DefaultBodyLimit::max(state.limits.json_body_bytes))
        .with_state(state)
}
