//! API keys: generation, hashing, and the extractor that turns `apikey` into the caller.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use sha2::{Digest, Sha256};

use annohub_domain::Id;
use annohub_store::{Caller, ProjectAccess, StoreResult};

use crate::error::{ApiError, ErrorCode};
use crate::extract::ProjectId;
use crate::state::AppState;

pub const API_KEY_HEADER: &str = "apikey";

/// A new random API key: 32 random bytes (256 bits) as hex, with a recognisable prefix.
pub fn generate_api_key() -> String {
    let bytes: [u8; 32] = rand::random();
    format!("ak_{}", hex::encode(bytes))
}

/// The only form in which keys are stored or compared.
pub fn hash_api_key(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// The authenticated caller of a `/v2` route.
pub struct Auth(pub Caller);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = authenticate(parts, state, |hash| async move {
            state.store.caller_for_key(&hash).await
        })
        .await?;
        Ok(Auth(caller))
    }
}

/// The caller together with the `{projectId}` of the path and the caller's access to that
/// project, read in one statement: the hot path of `GET /v2/project/{id}`.
pub struct AuthWithProject {
    pub caller: Caller,
    pub project: Id,
    /// `None` when the project does not exist in the caller's organization.
    pub access: Option<ProjectAccess>,
}

impl FromRequestParts<AppState> for AuthWithProject {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let project = match ProjectId::from_request_parts(parts, state).await {
            Ok(ProjectId(id)) => id,
            Err(invalid_id) => {
                // Authentication is answered first, as on every other route.
                Auth::from_request_parts(parts, state).await?;
                return Err(invalid_id);
            }
        };
        let (caller, access) = authenticate(parts, state, |hash| {
            let project = project.clone();
            async move { state.store.caller_and_project_access(&hash, &project).await }
        })
        .await?;
        Ok(AuthWithProject {
            caller,
            project,
            access,
        })
    }
}

/// Checks the `apikey` header with `lookup`, refusing addresses with too many failures and
/// counting each new failure.
async fn authenticate<T, F, Fut>(parts: &Parts, state: &AppState, lookup: F) -> Result<T, ApiError>
where
    F: FnOnce([u8; 32]) -> Fut,
    Fut: Future<Output = StoreResult<Option<T>>>,
{
    let client = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    if let Some(limiter) = &state.auth_failures
        && limiter.is_exhausted(&client, Instant::now())
    {
        return Err(too_many_failures());
    }
    let key = parts
        .headers
        .get(API_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty());
    let found = match key {
        Some(key) => lookup(hash_api_key(key)).await?,
        None => None,
    };
    found.ok_or_else(|| {
        if let Some(limiter) = &state.auth_failures {
            limiter.check(client, Instant::now());
        }
        match key {
            None => {
                ApiError::unauthorized("the apikey header is missing; send apikey: <your API key>")
            }
            Some(_) => ApiError::unauthorized("the API key is unknown or has been revoked"),
        }
    })
}

fn too_many_failures() -> ApiError {
    let mut err = ApiError::new(
        ErrorCode::RateLimited,
        "too many failed authentications from this address; retry in a minute",
    );
    err.retry_after = Some(60);
    err
}
