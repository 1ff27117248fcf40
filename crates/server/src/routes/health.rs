//! Liveness, readiness and the OpenAPI document.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The answer of a health check.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Health {
    /// `ok`.
    #[schema(value_type = HealthStatus)]
    pub status: &'static str,
}

/// `status` of a passing health check.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum HealthStatus {
    Ok,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "The process is alive", body = Health)))]
pub async fn healthz() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"status":"ok"}"#,
    )
        .into_response()
}

/// Readiness: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "health", responses(
    (status = 200, description = "The database answers", body = Health),
    (status = 503, description = "The database is unreachable or the server is shutting down", body = crate::error::ErrorBody)))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, axum::Json(Health { status: "ok" })).into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            ApiError::new(ErrorCode::Unavailable, "the database is unreachable").into_response()
        }
    }
}

/// The OpenAPI 3.1 document of this server.
#[utoipa::path(get, path = "/openapi.json", tag = "health", responses((status = 200, description = "OpenAPI document", body = Object, content_type = "application/json")))]
pub async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::document_json(),
    )
        .into_response()
}
