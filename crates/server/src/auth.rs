//! API keys: generation, hashing, and the extractor that turns `apikey` into the caller.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use sha2::{Digest, Sha256};

use annohub_store::Caller;

use crate::error::{ApiError, ErrorCode};
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
        match authenticate(parts, state).await {
            Err(err) if err.code == ErrorCode::Unauthorized => {
                if let Some(limiter) = &state.auth_failures {
                    limiter.check(client, Instant::now());
                }
                Err(err)
            }
            other => other,
        }
    }
}

fn too_many_failures() -> ApiError {
    let mut err = ApiError::new(
        ErrorCode::RateLimited,
        "too many failed authentications from this address; retry in a minute",
    );
    err.retry_after = Some(60);
    err
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<Auth, ApiError> {
    {
        let key = parts
            .headers
            .get(API_KEY_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized("the apikey header is missing; send apikey: <your API key>")
            })?;
        let caller = state.store.caller_for_key(&hash_api_key(key)).await?;
        caller
            .map(Auth)
            .ok_or_else(|| ApiError::unauthorized("the API key is unknown or has been revoked"))
    }
}
