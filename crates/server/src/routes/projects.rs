//! Project routes: thin handlers that parse the request and call the project services.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;

use annohub_domain::project::ProjectSummary;

use super::{ProjectData, Success, if_match, project_body_response, project_response, success};
use crate::auth::Auth;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{JsonBody, ProjectId, QueryPairs};
use crate::services::projects as service;
use crate::state::AppState;

/// `data` of `listProjects`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProjectList {
    pub projects: Vec<ProjectSummary>,
    /// How many projects match, over all pages.
    pub total: i64,
}

/// `data.message`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MessageData {
    pub message: String,
}

/// `data.template`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TemplateData {
    /// The stored template: its new `_id` and every field it was sent with.
    #[schema(value_type = Object)]
    pub template: Value,
}

/// Query of `listProjects`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListParams {
    /// Page number, 1-based (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u32>,
    /// Items per page, 1..=100 (default 10).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// Comma-separated fields among createdAt, updatedAt, name; `-` prefix for descending (default -createdAt).
    sort: Option<String>,
    /// Case-insensitive substring of the name.
    #[param(max_length = 256)]
    search: Option<String>,
}

/// Lists the projects the caller can see, newest first.
#[utoipa::path(get, path = "/v2/listProjects", tag = "projects", params(ListParams),
    security(("apikey" = [])),
    responses(
        (status = 200, description = "A page of projects", body = Success<ProjectList>),
        (status = 400, description = "Bad page, limit, sort or search", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked API key", body = ErrorBody)))]
pub async fn list_projects(
    State(state): State<AppState>,
    Auth(caller): Auth,
    QueryPairs(pairs): QueryPairs,
) -> ApiResult<Response> {
    let query = service::parse_list_query(&caller, pairs)?;
    let page = service::list_projects(&state, &query).await?;
    Ok(success(
        StatusCode::OK,
        ProjectList {
            projects: page.projects,
            total: page.total,
        },
    ))
}

/// Creates a project; the caller becomes its Manager.
#[utoipa::path(post, path = "/v2/project", tag = "projects", security(("apikey" = [])),
    request_body(content = Object, description = "`name` and any writable project field", content_type = "application/json"),
    responses(
        (status = 201, description = "The new project", body = Success<ProjectData>),
        (status = 400, description = "Validation failed", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked API key", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody)))]
pub async fn create_project(
    State(state): State<AppState>,
    Auth(caller): Auth,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let project = service::create_project(&state, &caller, body).await?;
    Ok(project_response(StatusCode::CREATED, project))
}

/// The whole project, with an `ETag`.
#[utoipa::path(get, path = "/v2/project/{projectId}", tag = "projects", security(("apikey" = [])),
    params(("projectId" = String, Path, description = "Project id (24 lowercase hex characters)")),
    responses(
        (status = 200, description = "The project", body = Success<ProjectData>, headers(("ETag" = String, description = "Changes on every write"))),
        (status = 400, description = "Invalid id", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked API key", body = ErrorBody),
        (status = 404, description = "No such project visible to the caller", body = ErrorBody)))]
pub async fn get_project(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ProjectId(id): ProjectId,
) -> ApiResult<Response> {
    let (body, revision) = service::get_project_body(&state, &caller, &id).await?;
    Ok(project_body_response(StatusCode::OK, body, revision))
}

/// Partial update: only the fields present change; nested values are replaced whole.
#[utoipa::path(post, path = "/v2/project/{projectId}", tag = "projects", security(("apikey" = [])),
    params(("projectId" = String, Path, description = "Project id"),
           ("If-Match" = Option<String>, Header, description = "Only update while the ETag is still this one")),
    request_body(content = Object, description = "Any writable project fields", content_type = "application/json"),
    responses(
        (status = 200, description = "The updated project", body = Success<ProjectData>),
        (status = 400, description = "Validation failed, unknown or read-only field", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked API key", body = ErrorBody),
        (status = 403, description = "The caller's role may not change the project", body = ErrorBody),
        (status = 404, description = "No such project visible to the caller", body = ErrorBody),
        (status = 412, description = "If-Match does not match", body = ErrorBody)))]
pub async fn update_project(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ProjectId(id): ProjectId,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let project = service::update_project(&state, &caller, &id, body, if_match(&headers)).await?;
    Ok(project_response(StatusCode::OK, project))
}

/// Soft delete: the project disappears from every route.
#[utoipa::path(delete, path = "/v2/project/{projectId}", tag = "projects", security(("apikey" = [])),
    params(("projectId" = String, Path, description = "Project id"),
           ("If-Match" = Option<String>, Header, description = "Only delete while the ETag is still this one")),
    responses(
        (status = 200, description = "Deleted", body = Success<MessageData>),
        (status = 400, description = "Invalid id", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked API key", body = ErrorBody),
        (status = 403, description = "The caller's role may not delete the project", body = ErrorBody),
        (status = 404, description = "No such project visible to the caller", body = ErrorBody),
        (status = 412, description = "If-Match does not match", body = ErrorBody)))]
pub async fn delete_project(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ProjectId(id): ProjectId,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let name = service::delete_project(&state, &caller, &id, if_match(&headers)).await?;
    Ok(success(
        StatusCode::OK,
        MessageData {
            message: format!("Project {name} deleted"),
        },
    ))
}

/// Adds members with a role, or changes the role of existing ones.
#[utoipa::path(post, path = "/v2/project/{projectId}/assigned", tag = "projects", security(("apikey" = [])),
    params(("projectId" = String, Path, description = "Project id"),
           ("If-Match" = Option<String>, Header, description = "Only assign while the ETag is still this one")),
    request_body(content = Object, description = "`{\"role\": \"Labeler|Reviewer|Lead|Manager\", \"assignees\": [emails]}`", content_type = "application/json"),
    responses(
        (status = 200, description = "The project with its members", body = Success<ProjectData>),
        (status = 400, description = "Bad role, bad or unknown emails", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked API key", body = ErrorBody),
        (status = 403, description = "The caller's role may not grant this role", body = ErrorBody),
        (status = 404, description = "No such project visible to the caller", body = ErrorBody),
        (status = 412, description = "If-Match does not match", body = ErrorBody)))]
pub async fn assign_members(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ProjectId(id): ProjectId,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let project = service::assign_members(&state, &caller, &id, body, if_match(&headers)).await?;
    Ok(project_response(StatusCode::OK, project))
}

/// Creates an asset builder template.
#[utoipa::path(post, path = "/v2/project/{projectId}/assetBuilderTemplates", tag = "projects", security(("apikey" = [])),
    params(("projectId" = String, Path, description = "Project id")),
    request_body(content = Object, description = "`{name, config}` or the SDK's `{name, template, selectedExternalId, dataConfig, description, batchColumn, preLabelConfig}`", content_type = "application/json"),
    responses(
        (status = 201, description = "The stored template", body = Success<TemplateData>),
        (status = 400, description = "Validation failed", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked API key", body = ErrorBody),
        (status = 403, description = "The caller's role may not manage templates", body = ErrorBody),
        (status = 404, description = "No such project visible to the caller", body = ErrorBody),
        (status = 409, description = "A template of that name exists", body = ErrorBody)))]
pub async fn create_template(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ProjectId(id): ProjectId,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let template = service::create_template(&state, &caller, &id, body).await?;
    Ok(success(StatusCode::CREATED, TemplateData { template }))
}
