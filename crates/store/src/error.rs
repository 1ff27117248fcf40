//! Store errors, independent of the database driver behind them.

use annohub_domain::DomainError;

/// What went wrong in the store.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// The resource does not exist, is deleted, or belongs to another organization.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A uniqueness rule would break.
    #[error("{0}")]
    Conflict(String),
    /// `If-Match` named a revision that is no longer current.
    #[error("the project changed since the given ETag")]
    PreconditionFailed,
    /// Input that only the database could check (e.g. unknown emails).
    #[error(transparent)]
    Validation(#[from] DomainError),
    /// The database cannot be reached.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Bad configuration, such as an unsupported URL or too old a server.
    #[error("{0}")]
    Config(String),
    /// Anything else: a bug or a backend failure.
    #[error("{0}")]
    Internal(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match &err {
            rusqlite::Error::SqliteFailure(e, _)
                if matches!(
                    e.code,
                    ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked | ErrorCode::CannotOpen
                ) =>
            {
                StoreError::Unavailable(err.to_string())
            }
            _ => StoreError::Internal(format!("sqlite: {err}")),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        let unavailable = match &err {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => true,
            sqlx::Error::Database(db) => db.code().is_some_and(|code| is_unavailable_state(&code)),
            _ => false,
        };
        if unavailable {
            StoreError::Unavailable(err.to_string())
        } else {
            StoreError::Internal(format!("postgres: {err}"))
        }
    }
}

/// SQLSTATEs meaning the server cannot serve us now: connection exceptions (class 08), too many
/// connections, and shutdown or startup in progress.
fn is_unavailable_state(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "53300" | "57P01" | "57P02" | "57P03")
}

impl From<serde_json::Error> for StoreError {
    fn from(err: serde_json::Error) -> Self {
        StoreError::Internal(format!("stored JSON: {err}"))
    }
}
