//! PostgreSQL: reading whole projects (locked or not) and pages of project summaries.

use sqlx::{PgConnection, Postgres, QueryBuilder};

use annohub_domain::batch::Batch;
use annohub_domain::project::{Member, Project, ProjectSummary};
use annohub_domain::role::ProjectRole;
use annohub_domain::{Id, Timestamp};

use crate::error::{StoreError, StoreResult};
pub(super) use crate::rows::template_value;
use crate::rows::{ProjectColumns, project_from_columns};
use crate::{ListQuery, ProjectPage};

/// The project's own columns; the JSON documents come back as the text they were stored as.
const SELECT_LIVE_PROJECT: &str = "SELECT name, description, type, owner_email,
    CAST(category_schema AS TEXT), CAST(stages AS TEXT), CAST(settings AS TEXT), queue_version,
    asset_count, revision, created_at, updated_at
    FROM projects WHERE id = $1 AND organization_id = $2 AND deleted = 0";

/// Starts a read-only transaction that sees one snapshot for all its statements.
pub(super) const BEGIN_SNAPSHOT: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// The live project's own row, locked until the transaction ends, checked against `if_match`.
///
/// Every read-then-write transaction on a project starts here, so writers of one project take
/// turns and each sees the previous one's result.
pub(super) async fn lock_live_project(
    conn: &mut PgConnection,
    organization: &Id,
    id: &Id,
    if_match: Option<i64>,
) -> StoreResult<Project> {
    let row: Option<ProjectColumns> = sqlx::query_as(&format!("{SELECT_LIVE_PROJECT} FOR UPDATE"))
        .bind(id.as_str())
        .bind(organization.as_str())
        .fetch_optional(conn)
        .await?;
    let project = row
        .map(|row| project_from_columns(organization, id, row))
        .transpose()?
        .ok_or(StoreError::NotFound("project"))?;
    match if_match {
        Some(revision) if revision != project.revision => Err(StoreError::PreconditionFailed),
        _ => Ok(project),
    }
}

/// A whole live project of `organization`, with members, batches and templates.
pub(super) async fn load_project(
    conn: &mut PgConnection,
    organization: &Id,
    id: &Id,
) -> StoreResult<Option<Project>> {
    let row: Option<ProjectColumns> = sqlx::query_as(SELECT_LIVE_PROJECT)
        .bind(id.as_str())
        .bind(organization.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let mut project = project_from_columns(organization, id, row)?;
    let members: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.email, m.role FROM project_members m JOIN users u ON u.id = m.user_id
         WHERE m.project_id = $1 ORDER BY m.added_at, u.email",
    )
    .bind(id.as_str())
    .fetch_all(&mut *conn)
    .await?;
    project.assigned_to = members
        .into_iter()
        .map(|(assignee, role)| Member {
            assignee,
            role: ProjectRole::parse(&role).unwrap_or(ProjectRole::Labeler),
        })
        .collect();
    let batches: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT id, name, description, color FROM batches WHERE project_id = $1 ORDER BY position",
    )
    .bind(id.as_str())
    .fetch_all(&mut *conn)
    .await?;
    project.batches = batches
        .into_iter()
        .map(|(batch_id, name, description, color)| Batch {
            id: Id::from_trusted(batch_id),
            name,
            description,
            color,
        })
        .collect();
    let templates: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, CAST(body AS TEXT) FROM asset_builder_templates WHERE project_id = $1
         ORDER BY created_at, id",
    )
    .bind(id.as_str())
    .fetch_all(&mut *conn)
    .await?;
    project.asset_builder_templates = templates
        .into_iter()
        .map(|(template_id, body)| Ok(template_value(&template_id, serde_json::from_str(&body)?)))
        .collect::<StoreResult<_>>()?;
    Ok(Some(project))
}

/// `load_project` for a project the transaction has just written, which must exist.
pub(super) async fn reload_project(
    conn: &mut PgConnection,
    organization: &Id,
    id: &Id,
) -> StoreResult<Project> {
    load_project(conn, organization, id)
        .await?
        .ok_or(StoreError::NotFound("project"))
}

/// One page of live projects; `total` comes from the maintained counts unless searching.
pub(super) async fn list_projects(
    conn: &mut PgConnection,
    query: &ListQuery,
) -> StoreResult<ProjectPage> {
    let pattern = query.search_pattern();
    let total: i64 = match (&query.member, &pattern) {
        (None, None) => sqlx::query_scalar("SELECT project_count FROM organizations WHERE id = $1")
            .bind(query.organization_id.as_str())
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or(0),
        (Some(user), None) => sqlx::query_scalar("SELECT project_count FROM users WHERE id = $1")
            .bind(user.as_str())
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or(0),
        _ => {
            let mut count = QueryBuilder::new("SELECT COUNT(*) ");
            push_matching_projects(&mut count, query, pattern.as_deref());
            count.build_query_scalar().fetch_one(&mut *conn).await?
        }
    };
    let mut page = QueryBuilder::new("SELECT p.id, p.name, p.description, p.created_at ");
    push_matching_projects(&mut page, query, pattern.as_deref());
    page.push(" ORDER BY ")
        .push(query.order_by())
        .push(" LIMIT ")
        .push_bind(i64::from(query.limit))
        .push(" OFFSET ")
        .push_bind(query.offset());
    let rows: Vec<(String, String, String, i64)> =
        page.build_query_as().fetch_all(&mut *conn).await?;
    let projects = rows
        .into_iter()
        .map(|(id, name, description, created_at)| ProjectSummary {
            id: Id::from_trusted(id),
            name,
            description,
            organization: query.organization_id.clone(),
            created_at: Timestamp::from_millis(created_at),
        })
        .collect();
    Ok(ProjectPage { projects, total })
}

/// `FROM … WHERE …` selecting the live projects `query` matches, as `p`.
fn push_matching_projects<'q>(
    builder: &mut QueryBuilder<'q, Postgres>,
    query: &'q ListQuery,
    pattern: Option<&'q str>,
) {
    builder.push("FROM projects p ");
    if let Some(member) = &query.member {
        builder
            .push("JOIN project_members m ON m.project_id = p.id AND m.user_id = ")
            .push_bind(member.as_str());
    }
    builder
        .push(" WHERE p.organization_id = ")
        .push_bind(query.organization_id.as_str())
        .push(" AND p.deleted = 0");
    if let Some(pattern) = pattern {
        builder
            .push(" AND p.name_lower LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\'");
    }
}
