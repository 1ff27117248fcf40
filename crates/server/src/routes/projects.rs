//! Project routes: thin handlers that parse the request and call the project services.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;

use annohub_domain::project::ProjectSummary;

use super::{ProjectData, Success, if_match, project_body_response, project_response, success};
use crate::auth::{Auth, AuthWithProject};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{JsonBody, ProjectId, QueryPairs};
use crate::services::projects as service;
use crate::state::AppState;

use super::dto::{
    AssignBody, CreateProjectBody, IfMatchHeader, ListProjectsQuery, ProjectPath, TemplateBody,
    TemplateDoc, UpdateProjectBody,
};

/// `data` of `listProjects`.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectList {
    /// One page, in the requested order.
    pub projects: Vec<ProjectSummary>,
    /// How many projects match, over all pages.
    #[schema(minimum = 0)]
    pub total: i64,
}

/// `data.message`.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageData {
    /// `Project <name> deleted`.
    pub message: String,
}

/// `data.template`.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateData {
    /// The stored template: its new `_id` and every field it was sent with.
    #[schema(value_type = TemplateDoc)]
    pub template: Value,
}

/// Lists the projects the caller can see, newest first.
#[utoipa::path(get, path = "/v2/listProjects", tag = "projects", params(ListProjectsQuery),
    security(("apikey" = [])),
    responses(
        (status = 200, description = "A page of projects", body = Success<ProjectList>),
        (status = 400, description = "Bad page, limit, sort or search, or an unknown query parameter", body = ErrorBody)))]
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
    request_body(content = CreateProjectBody, content_type = "application/json"),
    responses(
        (status = 201, description = "The new project", body = Success<ProjectData>,
            headers(("ETag" = String, description = "The project's revision"))),
        (status = 400, description = "Malformed JSON, or a field missing, mistyped, out of range, unknown or read-only; or an assignee who is not a user of the organization", body = ErrorBody),
        (status = 413, description = "Body over the JSON size limit", body = ErrorBody),
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
    params(ProjectPath),
    responses(
        (status = 200, description = "The project", body = Success<ProjectData>,
            headers(("ETag" = String, description = "The project's revision"))),
        (status = 400, description = "Invalid id", body = ErrorBody),
        (status = 404, description = "No such project visible to the caller", body = ErrorBody)))]
pub async fn get_project(
    State(state): State<AppState>,
    auth: AuthWithProject,
) -> ApiResult<Response> {
    let AuthWithProject {
        caller,
        project,
        access,
    } = auth;
    let (body, revision) = service::get_project_body(&state, &caller, &project, access).await?;
    Ok(project_body_response(StatusCode::OK, body, revision))
}

/// Partial update: only the fields present change; nested values are replaced whole.
#[utoipa::path(post, path = "/v2/project/{projectId}", tag = "projects", security(("apikey" = [])),
    params(ProjectPath, IfMatchHeader),
    request_body(content = UpdateProjectBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The updated project", body = Success<ProjectData>,
            headers(("ETag" = String, description = "The project's revision"))),
        (status = 400, description = "Invalid id, malformed JSON, or a field mistyped, out of range, unknown or read-only; or an assignee who is not a user of the organization", body = ErrorBody),
        (status = 403, description = "The caller's role may not change the project", body = ErrorBody),
        (status = 404, description = "No such project visible to the caller", body = ErrorBody),
        (status = 412, description = "If-Match does not match the current ETag; nothing changed", body = ErrorBody),
        (status = 413, description = "Body over the JSON size limit", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody)))]
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
    params(ProjectPath, IfMatchHeader),
    responses(
        (status = 200, description = "Deleted (softly: afterwards the project is not found)", body = Success<MessageData>),
        (status = 400, description = "Invalid id", body = ErrorBody),
        (status = 403, description = "The caller's role may not delete the project", body = ErrorBody),
        (status = 404, description = "No such project visible to the caller", body = ErrorBody),
        (status = 412, description = "If-Match does not match the current ETag; nothing changed", body = ErrorBody)))]
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
    params(ProjectPath, IfMatchHeader),
    request_body(content = AssignBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The project with its members", body = Success<ProjectData>,
            headers(("ETag" = String, description = "The project's revision"))),
        (status = 400, description = "Invalid id, malformed JSON, bad role, bad emails, or emails that are not users of the organization", body = ErrorBody),
        (status = 403, description = "The caller's role may not grant this role", body = ErrorBody),
        (status = 404, description = "No such project visible to the caller", body = ErrorBody),
        (status = 412, description = "If-Match does not match the current ETag; nothing changed", body = ErrorBody),
        (status = 413, description = "Body over the JSON size limit", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody)))]
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
    params(ProjectPath),
    request_body(content = TemplateBody, content_type = "application/json"),
    responses(
        (status = 201, description = "The stored template", body = Success<TemplateData>),
        (status = 400, description = "Invalid id, malformed JSON, or a field missing, mistyped, unknown or not a column of dataConfig", body = ErrorBody),
        (status = 403, description = "The caller's role may not manage templates", body = ErrorBody),
        (status = 404, description = "No such project visible to the caller", body = ErrorBody),
        (status = 409, description = "The project has a template of that name", body = ErrorBody),
        (status = 413, description = "Body over the JSON size limit", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody)))]
pub async fn create_template(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ProjectId(id): ProjectId,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let template = service::create_template(&state, &caller, &id, body).await?;
    Ok(success(StatusCode::CREATED, TemplateData { template }))
}
