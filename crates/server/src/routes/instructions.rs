//! Instructions routes: multipart PDF upload and download.

use axum::body::Body;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{ProjectData, Success, project_response};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::extract::{ProjectId, QueryPairs};
use crate::services::instructions::{self as service, StorageChoice};
use crate::state::AppState;

use super::dto::{InstructionsFile, InstructionsUpload, ProjectPath};

/// Uploads the project's instructions (PDF only), replacing the previous file.
///
/// The file is streamed to storage and `instructions` becomes the URL of
/// `GET /v2/project/{projectId}/instructions`. The contract's optional query parameters
/// `storageId` and `bucket` select a configured storage; this server has only its default
/// storage, which needs no selecting, so it takes no query parameters: any, those two included,
/// is rejected with 400.
#[utoipa::path(post, path = "/v2/project/{projectId}/instructions", tag = "projects", security(("apikey" = [])),
    params(ProjectPath),
    request_body(content = InstructionsUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The project, with `instructions` set to the download URL", body = Success<ProjectData>,
            headers(("ETag" = String, description = "The project's revision"))),
        (status = 400, description = "Invalid id, unknown query parameter or storage, no part named file, or an unreadable multipart body", body = ErrorBody),
        (status = 403, description = "The caller's role may not upload instructions", body = ErrorBody),
        (status = 404, description = "No such project visible to the caller", body = ErrorBody),
        (status = 413, description = "File over the upload size limit", body = ErrorBody),
        (status = 415, description = "Not multipart/form-data, or the file is empty or not a PDF", body = ErrorBody)))]
pub async fn upload_instructions(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ProjectId(id): ProjectId,
    QueryPairs(pairs): QueryPairs,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    let mut choice = StorageChoice::default();
    for (key, value) in pairs {
        match key.as_str() {
            "storageId" => choice.storage_id = Some(value),
            "bucket" => choice.bucket = Some(value),
            other => {
                return Err(ApiError::field(
                    other,
                    "is not a known query parameter; use storageId or bucket",
                ));
            }
        }
    }
    let multipart = multipart.map_err(|_| {
        ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "send the file as multipart/form-data with a part named file",
        )
    })?;
    let base_url = base_url(&state, &headers);
    let project = service::upload(&state, &caller, &id, choice, multipart, &base_url).await?;
    Ok(project_response(StatusCode::OK, project))
}

/// Downloads the project's instructions PDF.
#[utoipa::path(get, path = "/v2/project/{projectId}/instructions", tag = "projects", security(("apikey" = [])),
    params(ProjectPath),
    responses(
        (status = 200, description = "The PDF", content((InstructionsFile = "application/pdf")),
            headers(("Content-Disposition" = String, description = "`inline; filename=\"<the uploaded file's name>\"`"))),
        (status = 400, description = "Invalid id", body = ErrorBody),
        (status = 404, description = "No such project visible to the caller, or no instructions uploaded", body = ErrorBody)))]
pub async fn download_instructions(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ProjectId(id): ProjectId,
) -> ApiResult<Response> {
    let (file, body) = service::download(&state, &caller, &id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_LENGTH, file.size.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}\"", file.file_name),
            ),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// The URL clients reach this server at: the configured one, else from the `Host` header.
fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.limits.public_url {
        return url.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}
