//! API keys: generation, hashing, and the extractor that turns `apikey` into the caller.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};

use annohub_store::Caller;

use crate::error::ApiError;
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
