//! Pure types and rules of annohub: ids, time, roles, projects, schemas, stages and validation.
#![forbid(unsafe_code)]

pub mod batch;
pub mod error;
pub mod fields;
pub mod id;
pub mod performance;
pub mod project;
pub mod role;
pub mod schema;
pub mod stages;
pub mod template;
pub mod time;

pub use error::{DomainError, FieldError};
pub use id::Id;
pub use time::Timestamp;
