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

/// `data.performance`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PerformanceData {
    pub performance: PerformanceReport,
}

/// Per-user labeling performance of a project.
#[utoipa::path(post, path = "/v2/performance/{projectId}", tag = "performance", security(("apikey" = [])),
    params(("projectId" = String, Path, description = "Project id")),
    request_body(content = Option<Object>, description = "Optional: `{startDate, endDate, users}` and/or `{interval: [start, end], batches}`", content_type = "application/json"),
    responses(
        (status = 200, description = "The report", body = Success<PerformanceData>),
        (status = 400, description = "Bad window, users or batches", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked API key", body = ErrorBody),
        (status = 404, description = "No such project visible to the caller", body = ErrorBody)))]
pub async fn project_performance(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ProjectId(id): ProjectId,
    OptionalJsonBody(body): OptionalJsonBody,
) -> ApiResult<Response> {
    let performance = report(&state, &caller, &id, body).await?;
    Ok(success(StatusCode::OK, PerformanceData { performance }))
}
