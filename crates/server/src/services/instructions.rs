//! Instructions PDFs: streamed upload with PDF detection and size limit, download, orphan sweep.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::extract::multipart::{Field, Multipart};
use axum::http::StatusCode;
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;

use annohub_blob::BlobError;
use annohub_domain::Id;
use annohub_domain::fields::truncate;
use annohub_domain::project::Project;
use annohub_domain::role::Action;
use annohub_store::{Caller, StoredFile};

use super::{require, visible_project};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::state::AppState;

const PDF_MAGIC: &[u8] = b"%PDF-";

/// Where the upload should go, from the query string.
#[derive(Default)]
pub struct StorageChoice {
    pub storage_id: Option<String>,
    pub bucket: Option<String>,
}

/// Replaces the project's instructions with the uploaded PDF.
pub async fn upload(
    state: &AppState,
    caller: &Caller,
    id: &Id,
    choice: StorageChoice,
    mut multipart: Multipart,
    base_url: &str,
) -> ApiResult<Project> {
    let (_, role) = visible_project(state, caller, id).await?;
    require(role, Action::UploadInstructions)?;
    if let Some(storage) = &choice.storage_id {
        return Err(ApiError::field(
            "storageId",
            format!(
                "unknown storage {storage:?}; this server has only its default storage, so leave storageId out"
            ),
        ));
    }
    if let Some(bucket) = &choice.bucket {
        return Err(ApiError::field(
            "bucket",
            format!(
                "unknown bucket {bucket:?}; this server has only its default storage, so leave bucket out"
            ),
        ));
    }
    // The body is one part named `file`; any other part is refused, as unknown fields of JSON
    // bodies are (but only once `file` is known to be there, so that its absence is named first).
    let mut unknown_part = None;
    let field = loop {
        match multipart.next_field().await.map_err(multipart_error)? {
            Some(field) if field.name() == Some("file") => break field,
            Some(other) => {
                unknown_part.get_or_insert_with(|| other.name().unwrap_or("").to_string());
            }
            None => {
                return Err(ApiError::field(
                    "file",
                    "is required: send the PDF as a multipart part named file",
                ));
            }
        }
    };
    if let Some(name) = unknown_part {
        return Err(extra_part(&name));
    }
    let file_name = sanitize_file_name(field.file_name().unwrap_or("instructions.pdf"));
    let object_key = format!("instructions/{id}/{}.pdf", Id::generate());
    let failure = Arc::new(Mutex::new(None));
    let size = state
        .blobs
        .put_stream(&object_key, pdf_stream(field, failure.clone()))
        .await
        .map_err(|err| {
            failure
                .lock()
                .expect("failure slot")
                .take()
                .unwrap_or_else(|| err.into())
        })?;
    // Nothing may follow the file: read on to make sure, and keep nothing if something does.
    let trailing = match multipart.next_field().await {
        Ok(None) => None,
        Ok(Some(extra)) => Some(extra_part(extra.name().unwrap_or(""))),
        Err(err) => Some(multipart_error(err)),
    };
    if let Some(err) = trailing {
        if let Err(delete) = state.blobs.delete(&object_key).await {
            tracing::warn!(key = %object_key, error = %delete, "could not remove a refused upload");
        }
        return Err(err);
    }
    let url = format!(
        "{}/v2/project/{id}/instructions",
        base_url.trim_end_matches('/')
    );
    let file = StoredFile {
        object_key: object_key.clone(),
        file_name,
        size: size as i64,
    };
    match state
        .store
        .set_instructions(&caller.organization_id, id, file, &url)
        .await
    {
        Ok((project, previous)) => {
            if let Some(previous) = previous
                && let Err(err) = state.blobs.delete(&previous).await
            {
                tracing::warn!(key = %previous, error = %err, "could not remove the replaced instructions file");
            }
            Ok(project)
        }
        Err(err) => {
            let _ = state.blobs.delete(&object_key).await;
            Err(err.into())
        }
    }
}

/// The multipart field as a byte stream that fails unless it starts with `%PDF-`; the
/// reason for a failure is left in `failure` as the API error to answer with.
fn pdf_stream(
    field: Field<'_>,
    failure: Arc<Mutex<Option<ApiError>>>,
) -> BoxStream<'_, Result<Bytes, BlobError>> {
    let state = (field, Vec::<u8>::new(), false, failure);
    futures::stream::unfold(Some(state), |state| async move {
        let (mut field, mut head, mut checked, failure) = state?;
        let fail = |err: ApiError, failure: &Arc<Mutex<Option<ApiError>>>| {
            let message = err.message.clone();
            *failure.lock().expect("failure slot") = Some(err);
            Some((Err(BlobError::Source(message)), None))
        };
        loop {
            match field.chunk().await {
                Err(err) => return fail(multipart_error(err), &failure),
                Ok(None) if checked => return None,
                Ok(None) => {
                    let err = if head.is_empty() {
                        ApiError::new(
                            ErrorCode::UnsupportedMediaType,
                            "the uploaded file is empty; upload a PDF",
                        )
                    } else {
                        not_a_pdf()
                    };
                    return fail(err, &failure);
                }
                Ok(Some(chunk)) if checked => {
                    return Some((Ok(chunk), Some((field, head, checked, failure))));
                }
                Ok(Some(chunk)) => {
                    head.extend_from_slice(&chunk);
                    if head.len() < PDF_MAGIC.len() {
                        continue;
                    }
                    if !head.starts_with(PDF_MAGIC) {
                        return fail(not_a_pdf(), &failure);
                    }
                    checked = true;
                    let first = Bytes::from(std::mem::take(&mut head));
                    return Some((Ok(first), Some((field, head, checked, failure))));
                }
            }
        }
    })
    .boxed()
}

/// A multipart part other than the one `file`.
fn extra_part(name: &str) -> ApiError {
    if name == "file" {
        return ApiError::field(
            "file",
            "must be sent once: the body has two parts named file",
        );
    }
    let field = if name.is_empty() {
        "(unnamed part)".to_string()
    } else {
        truncate(name)
    };
    ApiError::field(
        &field,
        "is not a known part: the body is one part, named file, holding the PDF",
    )
}

fn not_a_pdf() -> ApiError {
    ApiError::new(
        ErrorCode::UnsupportedMediaType,
        "the uploaded file is not a PDF (it does not start with %PDF-)",
    )
}

/// Maps a multipart failure: over the size limit → 413, anything else → 400.
pub fn multipart_error(err: axum::extract::multipart::MultipartError) -> ApiError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            "the upload is larger than the instructions size limit",
        )
    } else {
        ApiError::field(
            "file",
            format!("the multipart body could not be read: {}", err.body_text()),
        )
    }
}

/// A file name safe to echo in a header: ASCII letters, digits, `.`, `-`, `_` only.
fn sanitize_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(200)
        .collect();
    if cleaned.is_empty() {
        "instructions.pdf".into()
    } else {
        cleaned
    }
}

/// The project's instructions file and its bytes.
pub async fn download(
    state: &AppState,
    caller: &Caller,
    id: &Id,
) -> ApiResult<(StoredFile, BoxStream<'static, Result<Bytes, BlobError>>)> {
    visible_project(state, caller, id).await?;
    let file = state
        .store
        .instructions_file(&caller.organization_id, id)
        .await?
        .ok_or_else(|| ApiError::not_found("instructions file"))?;
    let body = state.blobs.get(&file.object_key).await?;
    Ok((file, body))
}

/// Removes stored objects that no file row refers to and that are older than `min_age`
/// (an upload in flight on another instance has an object but no row yet). Returns how many.
pub async fn sweep_orphans(state: &AppState, min_age: Duration) -> anyhow::Result<usize> {
    let mut removed = state.blobs.remove_incomplete_uploads(min_age).await?;
    let referenced: HashSet<String> = state.store.file_object_keys().await?.into_iter().collect();
    let now = SystemTime::now();
    for object in state.blobs.list().await? {
        let age = now.duration_since(object.last_modified).unwrap_or_default();
        if !referenced.contains(&object.key) && age >= min_age {
            state.blobs.delete(&object.key).await?;
            removed += 1;
        }
    }
    Ok(removed)
}
