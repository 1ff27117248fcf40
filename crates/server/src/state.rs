//! Shared application state: the store, the file storage and the configuration.

use std::net::IpAddr;
use std::sync::Arc;

use annohub_blob::BlobStore;
use annohub_store::Store;

use crate::config::Limits;
use crate::project_cache::ProjectCache;
use crate::rate_limit::RateLimiter;

/// What every handler can reach; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub blobs: Arc<dyn BlobStore>,
    pub limits: Arc<Limits>,
    pub rate_limiter: Option<Arc<RateLimiter>>,
    /// Failed authentications per client address; `None` when unlimited.
    pub auth_failures: Option<Arc<RateLimiter<IpAddr>>>,
    /// Serialized project responses by revision.
    pub project_cache: Arc<ProjectCache>,
}
