//! Account use cases shared by the CLI and the server's start-up: organizations, users, keys.

use annohub_domain::fields::normalize_email;
use annohub_domain::role::OrgRole;
use annohub_domain::{DomainError, Id};
use annohub_store::{Store, StoreError};

use crate::auth::{generate_api_key, hash_api_key};

pub async fn create_organization(store: &dyn Store, name: &str) -> Result<Id, StoreError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 256 {
        return Err(DomainError::field("name", "must be 1 to 256 characters").into());
    }
    store.create_organization(name).await
}

/// Creates a user and returns its first API key (shown once, stored only as a hash).
pub async fn create_user(
    store: &dyn Store,
    organization: &str,
    email: &str,
    role: OrgRole,
    name: Option<&str>,
) -> Result<String, StoreError> {
    let organization = Id::parse("org", organization)?;
    let email = normalize_email("email", email)?;
    let key = generate_api_key();
    store
        .create_user(&organization, &email, name, role, &hash_api_key(&key))
        .await?;
    Ok(key)
}

/// Gives the user a new API key, revoking the previous one at once.
pub async fn create_key(store: &dyn Store, email: &str) -> Result<String, StoreError> {
    let email = normalize_email("email", email)?;
    let key = generate_api_key();
    store.replace_api_key(&email, &hash_api_key(&key)).await?;
    Ok(key)
}

/// On an empty database, creates organization `Default` and `admin@localhost`; returns the
/// admin's key when it did. `preset_key` (from `ANNOHUB_BOOTSTRAP_API_KEY`) replaces the random one.
pub async fn bootstrap(
    store: &dyn Store,
    preset_key: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let key = preset_key
        .map(str::to_string)
        .unwrap_or_else(generate_api_key);
    Ok(store.bootstrap(&hash_api_key(&key)).await?.then_some(key))
}
