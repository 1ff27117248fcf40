//! PostgreSQL: organizations, users and API keys.

use async_trait::async_trait;
use sqlx::PgConnection;

use annohub_domain::role::OrgRole;
use annohub_domain::{Id, Timestamp};

use super::{BOOTSTRAP_LOCK, PgStore, is_unique_violation};
use crate::error::{StoreError, StoreResult};
use crate::{AccountStore, Caller};

#[async_trait]
impl AccountStore for PgStore {
    async fn create_organization(&self, name: &str) -> StoreResult<Id> {
        let mut conn = self.pool.acquire().await?;
        insert_organization(&mut conn, name).await
    }

    async fn create_user(
        &self,
        organization: &Id,
        email: &str,
        name: Option<&str>,
        role: OrgRole,
        key_hash: &[u8],
    ) -> StoreResult<Id> {
        let mut tx = self.pool.begin().await?;
        let id = insert_user(&mut tx, organization, email, name, role, key_hash).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn replace_api_key(&self, email: &str, key_hash: &[u8]) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        // Locking the user first makes concurrent replacements take turns, so the second one
        // revokes the first one's key instead of breaking the one-active-key index.
        let user_id: String =
            sqlx::query_scalar("SELECT id FROM users WHERE email = $1 FOR NO KEY UPDATE")
                .bind(email)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound("user"))?;
        let now = Timestamp::now().millis();
        sqlx::query(
            "UPDATE api_keys SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO api_keys (hash, user_id, created_at) VALUES ($1, $2, $3)")
            .bind(key_hash)
            .bind(&user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn caller_for_key(&self, key_hash: &[u8]) -> StoreResult<Option<Caller>> {
        let row: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT u.id, u.email, u.organization_id, u.role FROM api_keys k
             JOIN users u ON u.id = k.user_id WHERE k.hash = $1 AND k.revoked_at IS NULL",
        )
        .bind(key_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(user_id, email, organization_id, role)| Caller {
            user_id: Id::from_trusted(user_id),
            email,
            organization_id: Id::from_trusted(organization_id),
            org_role: OrgRole::parse(&role).unwrap_or(OrgRole::Member),
        }))
    }

    async fn bootstrap(&self, key_hash: &[u8]) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(BOOTSTRAP_LOCK)
            .execute(&mut *tx)
            .await?;
        let organizations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organizations")
            .fetch_one(&mut *tx)
            .await?;
        if organizations > 0 {
            return Ok(false);
        }
        let organization = insert_organization(&mut tx, "Default").await?;
        insert_user(
            &mut tx,
            &organization,
            "admin@localhost",
            Some("Administrator"),
            OrgRole::Admin,
            key_hash,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

async fn insert_organization(conn: &mut PgConnection, name: &str) -> StoreResult<Id> {
    let id = Id::generate();
    sqlx::query("INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)")
        .bind(id.as_str())
        .bind(name)
        .bind(Timestamp::now().millis())
        .execute(conn)
        .await?;
    Ok(id)
}

async fn insert_user(
    conn: &mut PgConnection,
    organization: &Id,
    email: &str,
    name: Option<&str>,
    role: OrgRole,
    key_hash: &[u8],
) -> StoreResult<Id> {
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM organizations WHERE id = $1)")
            .bind(organization.as_str())
            .fetch_one(&mut *conn)
            .await?;
    if !exists {
        return Err(StoreError::NotFound("organization"));
    }
    let id = Id::generate();
    let now = Timestamp::now().millis();
    sqlx::query(
        "INSERT INTO users (id, organization_id, email, name, role, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.as_str())
    .bind(organization.as_str())
    .bind(email)
    .bind(name)
    .bind(role.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::Conflict(format!("a user with email {email} already exists"))
        } else {
            e.into()
        }
    })?;
    sqlx::query("INSERT INTO api_keys (hash, user_id, created_at) VALUES ($1, $2, $3)")
        .bind(key_hash)
        .bind(id.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}
