//! The performance route.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use super::{Success, success};
use crate::auth::Auth;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{OptionalJsonBody, ProjectId};
use crate::services::performance::{PerformanceReport, project_performance as report};
use crate::state::AppState;

use super::dto::{PerformanceBody, ProjectPath};

/// `data.performance`.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PerformanceData {
    /// The report.
    pub performance: PerformanceReport,
}

/// Per-user labeling performance of a project.
#[utoipa::path(post, path = "/v2/performance/{projectId}", tag = "performance", security(("apikey" = [])),
    params(ProjectPath),
    request_body(content = PerformanceBody, content_type = "application/json",
        description = "Optional: no body (or an empty one) reports on everything"),
    responses(
        (status = 200, description = "The report", body = Success<PerformanceData>),
        (status = 400, description = "Invalid id, malformed JSON, an empty window, bad users, or batches that are not the project's", body = ErrorBody),
        (status = 404, description = "No such project visible to the caller", body = ErrorBody),
        (status = 413, description = "Body over the JSON size limit", body = ErrorBody),
        (status = 415, description = "A non-empty body that is not JSON", body = ErrorBody)))]
pub async fn project_performance(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ProjectId(id): ProjectId,
    OptionalJsonBody(body): OptionalJsonBody,
) -> ApiResult<Response> {
    let performance = report(&state, &caller, &id, body).await?;
    Ok(success(StatusCode::OK, PerformanceData { performance }))
}
