//! `ApiError`: every failure as the contract's error envelope, with the request id.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use annohub_blob::BlobError;
use annohub_domain::{DomainError, FieldError};
use annohub_store::StoreError;

use crate::request_id;

/// The closed catalogue of error codes (see the contract for when each is used).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    MalformedJson,
    ValidationFailed,
    InvalidId,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PreconditionFailed,
    PayloadTooLarge,
    UnsupportedMediaType,
    RateLimited,
    Internal,
    Unavailable,
}

impl ErrorCode {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::MalformedJson | ErrorCode::ValidationFailed | ErrorCode::InvalidId => {
                StatusCode::BAD_REQUEST
            }
            ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::Conflict => StatusCode::CONFLICT,
            ErrorCode::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// A failed request.
#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub details: Vec<FieldError>,
    /// Seconds, for `Retry-After`.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            details: Vec::new(),
            retry_after: None,
        }
    }

    /// A validation failure of one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        DomainError::field(field, message).into()
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthorized, message)
    }

    /// A 500 whose detail goes to the log, never to the client.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::new(
            ErrorCode::Internal,
            "internal server error; the request id identifies it in the server log",
        )
    }
}

/// The error envelope.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// `fail` for 4xx, `error` for 5xx.
    #[schema(value_type = ErrorStatus)]
    pub status: &'static str,
    /// One sentence naming the offending field or value.
    pub message: String,
    /// What went wrong, for programs.
    pub error: ErrorDetail,
}

/// `status` of an error.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum ErrorStatus {
    Fail,
    Error,
}

/// What went wrong, for programs.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ErrorDetail {
    /// The HTTP status, repeated.
    #[schema(minimum = 400, maximum = 599)]
    pub status_code: u16,
    /// The error's code, from the closed catalogue.
    pub code: ErrorCode,
    /// The offending fields, when the error is about fields (may be empty).
    pub details: Vec<FieldError>,
    /// The `x-request-id` of the request, also in the server log.
    pub request_id: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.code.status();
        let body = ErrorBody {
            status: if status.is_server_error() {
                "error"
            } else {
                "fail"
            },
            message: self.message,
            error: ErrorDetail {
                status_code: status.as_u16(),
                code: self.code,
                details: self.details,
                request_id: request_id::current().unwrap_or_default(),
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        let message = err.to_string();
        match err {
            DomainError::Validation(details) => ApiError {
                code: ErrorCode::ValidationFailed,
                message,
                details,
                retry_after: None,
            },
            DomainError::InvalidId { field, .. } => ApiError {
                code: ErrorCode::InvalidId,
                details: vec![FieldError::new(
                    field,
                    "must be 24 lowercase hex characters",
                )],
                message,
                retry_after: None,
            },
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(what) => ApiError::not_found(what),
            StoreError::Conflict(message) => ApiError::new(ErrorCode::Conflict, message),
            StoreError::PreconditionFailed => ApiError::new(
                ErrorCode::PreconditionFailed,
                "If-Match does not match the project's current ETag; fetch it again and retry",
            ),
            StoreError::Validation(err) => err.into(),
            StoreError::Unavailable(detail) => {
                tracing::error!(error = %detail, "database unavailable");
                ApiError::new(
                    ErrorCode::Unavailable,
                    "the database is unavailable; retry later",
                )
            }
            StoreError::Config(detail) | StoreError::Internal(detail) => ApiError::internal(detail),
        }
    }
}

impl From<BlobError> for ApiError {
    fn from(err: BlobError) -> Self {
        match err {
            BlobError::NotFound => ApiError::not_found("file"),
            other => ApiError::internal(other),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
