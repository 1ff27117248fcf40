//! SQLite: organizations, users and API keys.

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};

use annohub_domain::role::{OrgRole, ProjectRole};
use annohub_domain::{Id, Timestamp};

use super::{SqliteStore, is_unique_violation};
use crate::error::{StoreError, StoreResult};
use crate::{AccountStore, Caller, ProjectAccess};

#[async_trait]
impl AccountStore for SqliteStore {
    async fn create_organization(&self, name: &str) -> StoreResult<Id> {
        let name = name.to_string();
        self.write(move |conn| insert_organization(conn, &name))
            .await
    }

    async fn create_user(
        &self,
        organization: &Id,
        email: &str,
        name: Option<&str>,
        role: OrgRole,
        key_hash: &[u8],
    ) -> StoreResult<Id> {
        let (organization, email, name, key_hash) = (
            organization.clone(),
            email.to_string(),
            name.map(str::to_string),
            key_hash.to_vec(),
        );
        self.write(move |conn| {
            insert_user(
                conn,
                &organization,
                &email,
                name.as_deref(),
                role,
                &key_hash,
            )
        })
        .await
    }

    async fn replace_api_key(&self, email: &str, key_hash: &[u8]) -> StoreResult<()> {
        let (email, key_hash) = (email.to_string(), key_hash.to_vec());
        self.write(move |conn| {
            let user_id: String = conn
                .query_row("SELECT id FROM users WHERE email = ?1", [&email], |r| {
                    r.get(0)
                })
                .optional()?
                .ok_or(StoreError::NotFound("user"))?;
            let now = Timestamp::now().millis();
            conn.execute(
                "UPDATE api_keys SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL",
                params![now, user_id],
            )?;
            conn.execute(
                "INSERT INTO api_keys (hash, user_id, created_at) VALUES (?1, ?2, ?3)",
                params![key_hash, user_id, now],
            )?;
            Ok(())
        })
        .await
    }

    async fn caller_for_key(&self, key_hash: &[u8]) -> StoreResult<Option<Caller>> {
        self.read_one(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT u.id, u.email, u.organization_id, u.role FROM api_keys k JOIN users u ON u.id = k.user_id
                 WHERE k.hash = ?1 AND k.revoked_at IS NULL",
            )?;
            let caller = stmt
                .query_row([key_hash], |row| {
                    Ok(Caller {
                        user_id: Id::from_trusted(row.get(0)?),
                        email: row.get(1)?,
                        organization_id: Id::from_trusted(row.get(2)?),
                        org_role: OrgRole::parse(&row.get::<_, String>(3)?).unwrap_or(OrgRole::Member),
                    })
                })
                .optional()?;
            Ok(caller)
        })
    }

    async fn bootstrap(&self, key_hash: &[u8]) -> StoreResult<bool> {
        let key_hash = key_hash.to_vec();
        self.write(move |conn| {
            let organizations: i64 =
                conn.query_row("SELECT COUNT(*) FROM organizations", [], |r| r.get(0))?;
            if organizations > 0 {
                return Ok(false);
            }
            let organization = insert_organization(conn, "Default")?;
            insert_user(
                conn,
                &organization,
                "admin@localhost",
                Some("Administrator"),
                OrgRole::Admin,
                &key_hash,
            )?;
            Ok(true)
        })
        .await
    }
}

fn insert_organization(conn: &Connection, name: &str) -> StoreResult<Id> {
    let id = Id::generate();
    conn.execute(
        "INSERT INTO organizations (id, name, created_at) VALUES (?1, ?2, ?3)",
        params![id.as_str(), name, Timestamp::now().millis()],
    )?;
    Ok(id)
}

fn insert_user(
    conn: &Connection,
    organization: &Id,
    email: &str,
    name: Option<&str>,
    role: OrgRole,
    key_hash: &[u8],
) -> StoreResult<Id> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM organizations WHERE id = ?1)",
        [organization.as_str()],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(StoreError::NotFound("organization"));
    }
    let id = Id::generate();
    let now = Timestamp::now().millis();
    conn.execute(
        "INSERT INTO users (id, organization_id, email, name, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id.as_str(), organization.as_str(), email, name, role.as_str(), now],
    )
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::Conflict(format!("a user with email {email} already exists"))
        } else {
            e.into()
        }
    })?;
    conn.execute(
        "INSERT INTO api_keys (hash, user_id, created_at) VALUES (?1, ?2, ?3)",
        params![key_hash, id.as_str(), now],
    )?;
    Ok(id)
}

/// The key's user and its access to `project`, in one statement (one read transaction).
pub(super) fn caller_and_project_access(
    conn: &Connection,
    key_hash: &[u8],
    project: &Id,
) -> StoreResult<Option<(Caller, Option<ProjectAccess>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.email, u.organization_id, u.role, p.revision, m.role
         FROM api_keys k JOIN users u ON u.id = k.user_id
         LEFT JOIN projects p ON p.id = ?2 AND p.organization_id = u.organization_id AND p.deleted = 0
         LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = u.id
         WHERE k.hash = ?1 AND k.revoked_at IS NULL",
    )?;
    let found = stmt
        .query_row(params![key_hash, project.as_str()], |row| {
            let caller = Caller {
                user_id: Id::from_trusted(row.get(0)?),
                email: row.get(1)?,
                organization_id: Id::from_trusted(row.get(2)?),
                org_role: OrgRole::parse(&row.get::<_, String>(3)?).unwrap_or(OrgRole::Member),
            };
            let access = row.get::<_, Option<i64>>(4)?.map(|revision| ProjectAccess {
                revision,
                membership: row
                    .get::<_, Option<String>>(5)
                    .ok()
                    .flatten()
                    .and_then(|role| ProjectRole::parse(&role)),
            });
            Ok((caller, access))
        })
        .optional()?;
    Ok(found)
}
