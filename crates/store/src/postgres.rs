//! The PostgreSQL store (placeholder until the PostgreSQL backend lands).

use crate::error::{StoreError, StoreResult};
use crate::{OpenOptions, Store};

/// Connects to PostgreSQL and migrates the database.
pub async fn open(url: &str, options: &OpenOptions) -> StoreResult<std::sync::Arc<dyn Store>> {
    PgStore::connect(url, options).await?;
    Err(StoreError::Config(
        "the PostgreSQL backend is not built yet".into(),
    ))
}

/// annohub's store on a PostgreSQL database.
pub struct PgStore;

impl PgStore {
    pub async fn connect(_url: &str, _options: &OpenOptions) -> StoreResult<Self> {
        Err(StoreError::Config(
            "the PostgreSQL backend is not built yet".into(),
        ))
    }
}
