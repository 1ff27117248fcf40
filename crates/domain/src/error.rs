//! Domain errors: validation failures that name the offending field.

use serde::Serialize;

/// One offending field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldError {
    /// Dotted path of the offending field, e.g. `categorySchema.tools[0].tool`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A rule of the domain was broken by the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A field is missing, mistyped, out of range or unknown.
    #[error("{}", summary(.0))]
    Validation(Vec<FieldError>),
    /// An id is not 24 lowercase hex characters.
    #[error("{field} must be 24 lowercase hex characters, got {value:?}")]
    InvalidId { field: String, value: String },
}

fn summary(errors: &[FieldError]) -> String {
    match errors.first() {
        Some(first) if errors.len() == 1 => format!("{} {}", first.field, first.message),
        Some(first) => format!(
            "{} {} (and {} more)",
            first.field,
            first.message,
            errors.len() - 1
        ),
        None => "validation failed".to_string(),
    }
}

impl DomainError {
    /// A validation error about a single field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        DomainError::Validation(vec![FieldError::new(field, message)])
    }
}

pub type DomainResult<T> = Result<T, DomainError>;
