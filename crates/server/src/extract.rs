//! Request extractors whose rejections use the error envelope: JSON bodies, ids, query strings.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;

use annohub_domain::Id;
use annohub_domain::fields::type_name;

use crate::error::{ApiError, ErrorCode};

/// A JSON object body. Wrong content type → 415, bad JSON or a non-object → 400, too large → 413.
pub struct JsonBody(pub Value);

/// Like [`JsonBody`], but an empty body is allowed and gives `None`.
pub struct OptionalJsonBody(pub Option<Value>);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match OptionalJsonBody::from_request(req, state).await? {
            OptionalJsonBody(Some(value)) => Ok(JsonBody(value)),
            OptionalJsonBody(None) => Err(ApiError::new(
                ErrorCode::MalformedJson,
                "the request body is empty; send a JSON object",
            )),
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for OptionalJsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = is_json_content_type(req.headers());
        let has_content_type = req.headers().contains_key(CONTENT_TYPE);
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(body_rejection)?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJsonBody(None));
        }
        if !is_json {
            let message = if has_content_type {
                "the body must be JSON; send Content-Type: application/json"
            } else {
                "the body has no Content-Type; send Content-Type: application/json"
            };
            return Err(ApiError::new(ErrorCode::UnsupportedMediaType, message));
        }
        let value: Value = serde_json::from_slice(&bytes).map_err(|err| {
            ApiError::new(
                ErrorCode::MalformedJson,
                format!("the body is not valid JSON: {err}"),
            )
        })?;
        if !value.is_object() {
            return Err(ApiError::new(
                ErrorCode::MalformedJson,
                format!("the body must be a JSON object, got {}", type_name(&value)),
            ));
        }
        Ok(OptionalJsonBody(Some(value)))
    }
}

/// True for `application/json` and `application/*+json`, with any parameters.
pub fn is_json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mime = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

/// Maps a failure to read the body: over the limit → 413.
pub fn body_rejection(rejection: BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            "the request body is larger than this route accepts",
        )
    } else {
        ApiError::new(
            ErrorCode::MalformedJson,
            format!("the request body could not be read: {rejection}"),
        )
    }
}

/// The `{projectId}` of the path, checked to be an id.
pub struct ProjectId(pub Id);

impl<S: Send + Sync> FromRequestParts<S> for ProjectId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|e| {
                    let mut err = ApiError::from(annohub_domain::DomainError::InvalidId {
                        field: "projectId".into(),
                        value: String::new(),
                    });
                    err.message = format!(
                        "projectId must be 24 lowercase hex characters ({})",
                        e.body_text()
                    );
                    err
                })?;
        Ok(ProjectId(Id::parse("projectId", &raw)?))
    }
}

/// The query string as ordered pairs, percent-decoded.
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        let pairs: Vec<(String, String)> = axum::extract::Query::try_from_uri(&parts.uri)
            .map(|axum::extract::Query(pairs)| pairs)
            .map_err(|_| {
                ApiError::field("query", format!("the query string {query:?} is not valid"))
            })?;
        Ok(QueryPairs(pairs))
    }
}
