//! PostgreSQL: project membership rows and the per-user project counts that follow them.

use std::collections::{HashMap, HashSet};

use sqlx::PgConnection;

use annohub_domain::project::Member;
use annohub_domain::role::ProjectRole;
use annohub_domain::{DomainError, Id, Timestamp};

use crate::error::{StoreError, StoreResult};

/// User ids for `emails` in `organization`, in the same order, or a validation error on `field`
/// listing the emails that are not users of the organization.
pub(super) async fn resolve_users(
    conn: &mut PgConnection,
    organization: &Id,
    emails: &[String],
    field: &str,
) -> StoreResult<Vec<String>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT email, id FROM users WHERE organization_id = $1 AND email = ANY($2)",
    )
    .bind(organization.as_str())
    .bind(emails)
    .fetch_all(conn)
    .await?;
    let ids: HashMap<String, String> = rows.into_iter().collect();
    let mut found = Vec::with_capacity(emails.len());
    let mut unknown = Vec::new();
    for email in emails {
        match ids.get(email) {
            Some(id) => found.push(id.clone()),
            None => unknown.push(email.as_str()),
        }
    }
    if unknown.is_empty() {
        Ok(found)
    } else {
        Err(StoreError::Validation(DomainError::field(
            field,
            format!("are not users of this organization: {}", unknown.join(", ")),
        )))
    }
}

/// Adds each user with its role, or changes the role of a current member; returns the users
/// that were not members before. The first role given for a user wins.
pub(super) async fn upsert_members(
    conn: &mut PgConnection,
    project: &Id,
    members: &[(String, ProjectRole)],
) -> StoreResult<Vec<String>> {
    let mut seen = HashSet::new();
    let (user_ids, roles): (Vec<&str>, Vec<&str>) = members
        .iter()
        .filter(|(user_id, _)| seen.insert(user_id.as_str()))
        .map(|(user_id, role)| (user_id.as_str(), role.as_str()))
        .unzip();
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    // `xmax = 0` holds only for rows this statement inserted, not for ones it updated.
    let upserted: Vec<(String, bool)> = sqlx::query_as(
        "INSERT INTO project_members (project_id, user_id, role, added_at)
         SELECT $1, m.user_id, m.role, $4
         FROM UNNEST(CAST($2 AS TEXT[]), CAST($3 AS TEXT[])) AS m(user_id, role)
         ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role
         RETURNING user_id, (xmax = 0) AS inserted",
    )
    .bind(project.as_str())
    .bind(&user_ids)
    .bind(&roles)
    .bind(Timestamp::now().millis())
    .fetch_all(conn)
    .await?;
    Ok(upserted
        .into_iter()
        .filter_map(|(user_id, inserted)| inserted.then_some(user_id))
        .collect())
}

/// Makes the project's members exactly `members` and moves the users' counts accordingly.
pub(super) async fn replace_members(
    conn: &mut PgConnection,
    organization: &Id,
    project: &Id,
    members: &[Member],
) -> StoreResult<()> {
    let emails: Vec<String> = members.iter().map(|m| m.assignee.clone()).collect();
    let user_ids = resolve_users(conn, organization, &emails, "assignedTo").await?;
    let removed: Vec<String> = sqlx::query_scalar(
        "DELETE FROM project_members WHERE project_id = $1 AND NOT (user_id = ANY($2))
         RETURNING user_id",
    )
    .bind(project.as_str())
    .bind(&user_ids)
    .fetch_all(&mut *conn)
    .await?;
    let wanted: Vec<(String, ProjectRole)> = user_ids
        .into_iter()
        .zip(members.iter().map(|m| m.role))
        .collect();
    let added = upsert_members(conn, project, &wanted).await?;
    let deltas = removed
        .into_iter()
        .map(|user_id| (user_id, -1))
        .chain(added.into_iter().map(|user_id| (user_id, 1)));
    adjust_project_counts(conn, deltas.collect()).await
}

/// The user ids of the project's members.
pub(super) async fn member_ids(conn: &mut PgConnection, project: &Id) -> StoreResult<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT user_id FROM project_members WHERE project_id = $1")
            .bind(project.as_str())
            .fetch_all(conn)
            .await?,
    )
}

/// Adds each delta to its user's `project_count`.
///
/// The user rows are locked in id order first: two transactions moving the counts of the same
/// users then wait for each other instead of deadlocking.
pub(super) async fn adjust_project_counts(
    conn: &mut PgConnection,
    mut deltas: Vec<(String, i64)>,
) -> StoreResult<()> {
    if deltas.is_empty() {
        return Ok(());
    }
    deltas.sort();
    let (user_ids, amounts): (Vec<String>, Vec<i64>) = deltas.into_iter().unzip();
    sqlx::query("SELECT id FROM users WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE")
        .bind(&user_ids)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE users SET project_count = project_count + d.amount
         FROM UNNEST(CAST($1 AS TEXT[]), CAST($2 AS BIGINT[])) AS d(id, amount)
         WHERE users.id = d.id",
    )
    .bind(&user_ids)
    .bind(&amounts)
    .execute(conn)
    .await?;
    Ok(())
}
