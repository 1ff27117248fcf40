//! PostgreSQL: projects, members, batches, templates and the instructions file.

use async_trait::async_trait;
use serde_json::Value;
use sqlx::PgConnection;

use annohub_domain::batch::Batch;
use annohub_domain::project::{Member, NewProject, Project, ProjectPatch};
use annohub_domain::role::ProjectRole;
use annohub_domain::template::NewTemplate;
use annohub_domain::{Id, Timestamp};

use super::members::{
    adjust_project_counts, member_ids, replace_members, resolve_users, upsert_members,
};
use super::rows::{
    BEGIN_SNAPSHOT, list_projects, load_project, lock_live_project, reload_project, template_value,
};
use super::{PgStore, is_unique_violation};
use crate::error::{StoreError, StoreResult};
use crate::{Caller, ListQuery, ProjectAccess, ProjectPage, ProjectStore, StoredFile};

#[async_trait]
impl ProjectStore for PgStore {
    async fn create_project(&self, owner: &Caller, project: NewProject) -> StoreResult<Project> {
        let mut tx = self.pool.begin().await?;
        let created = insert_project(&mut tx, owner, project).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn get_project(&self, organization: &Id, id: &Id) -> StoreResult<Option<Project>> {
        let mut tx = self.pool.begin_with(BEGIN_SNAPSHOT).await?;
        let project = load_project(&mut tx, organization, id).await?;
        tx.commit().await?;
        Ok(project)
    }

    async fn project_access(
        &self,
        organization: &Id,
        id: &Id,
        user: &Id,
    ) -> StoreResult<Option<ProjectAccess>> {
        let row: Option<(i64, Option<String>)> = sqlx::query_as(
            "SELECT p.revision, m.role FROM projects p
             LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = $3
             WHERE p.id = $1 AND p.organization_id = $2 AND p.deleted = 0",
        )
        .bind(id.as_str())
        .bind(organization.as_str())
        .bind(user.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(revision, role)| ProjectAccess {
            revision,
            membership: role.and_then(|r| ProjectRole::parse(&r)),
        }))
    }

    async fn list_projects(&self, query: &ListQuery) -> StoreResult<ProjectPage> {
        let mut tx = self.pool.begin_with(BEGIN_SNAPSHOT).await?;
        let page = list_projects(&mut tx, query).await?;
        tx.commit().await?;
        Ok(page)
    }

    async fn update_project(
        &self,
        organization: &Id,
        id: &Id,
        patch: ProjectPatch,
        if_match: Option<i64>,
    ) -> StoreResult<Project> {
        let mut tx = self.pool.begin().await?;
        let current = lock_live_project(&mut tx, organization, id, if_match).await?;
        let settings = patch.settings.apply(&current.settings);
        let name = patch.name.unwrap_or(current.name);
        let description = patch.description.unwrap_or(current.description);
        let schema = patch.category_schema.unwrap_or(current.category_schema);
        let stages = patch.stages.unwrap_or(current.stages);
        sqlx::query(
            "UPDATE projects SET name = $1, name_lower = $2, description = $3,
             category_schema = CAST($4 AS JSON), stages = CAST($5 AS JSON),
             settings = CAST($6 AS JSON) WHERE id = $7",
        )
        .bind(&name)
        .bind(name.to_lowercase())
        .bind(&description)
        .bind(schema.to_string())
        .bind(stages.to_string())
        .bind(serde_json::to_string(&settings)?)
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
        if let Some(batches) = &patch.batches {
            sqlx::query("DELETE FROM batches WHERE project_id = $1")
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?;
            insert_batches(&mut tx, id, batches).await?;
        }
        if let Some(members) = &patch.assigned_to {
            replace_members(&mut tx, organization, id, members).await?;
        }
        touch(&mut tx, id).await?;
        let project = reload_project(&mut tx, organization, id).await?;
        tx.commit().await?;
        Ok(project)
    }

    async fn delete_project(
        &self,
        organization: &Id,
        id: &Id,
        if_match: Option<i64>,
    ) -> StoreResult<String> {
        let mut tx = self.pool.begin().await?;
        let current = lock_live_project(&mut tx, organization, id, if_match).await?;
        sqlx::query("UPDATE projects SET deleted = 1 WHERE id = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        touch(&mut tx, id).await?;
        sqlx::query("UPDATE organizations SET project_count = project_count - 1 WHERE id = $1")
            .bind(organization.as_str())
            .execute(&mut *tx)
            .await?;
        let members = member_ids(&mut tx, id).await?;
        adjust_project_counts(&mut tx, members.into_iter().map(|m| (m, -1)).collect()).await?;
        tx.commit().await?;
        Ok(current.name)
    }

    async fn assign_members(
        &self,
        organization: &Id,
        id: &Id,
        role: ProjectRole,
        emails: &[String],
        if_match: Option<i64>,
    ) -> StoreResult<Project> {
        let mut tx = self.pool.begin().await?;
        lock_live_project(&mut tx, organization, id, if_match).await?;
        let users = resolve_users(&mut tx, organization, emails, "assignees").await?;
        let wanted: Vec<(String, ProjectRole)> = users.into_iter().map(|u| (u, role)).collect();
        let added = upsert_members(&mut tx, id, &wanted).await?;
        adjust_project_counts(&mut tx, added.into_iter().map(|u| (u, 1)).collect()).await?;
        touch(&mut tx, id).await?;
        let project = reload_project(&mut tx, organization, id).await?;
        tx.commit().await?;
        Ok(project)
    }

    async fn add_template(
        &self,
        organization: &Id,
        id: &Id,
        template: NewTemplate,
    ) -> StoreResult<Value> {
        let mut tx = self.pool.begin().await?;
        lock_live_project(&mut tx, organization, id, None).await?;
        let template_id = Id::generate();
        sqlx::query(
            "INSERT INTO asset_builder_templates (id, project_id, name, body, created_at)
             VALUES ($1, $2, $3, CAST($4 AS JSON), $5)",
        )
        .bind(template_id.as_str())
        .bind(id.as_str())
        .bind(&template.name)
        .bind(Value::Object(template.fields.clone()).to_string())
        .bind(Timestamp::now().millis())
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict(format!(
                    "a template named {:?} already exists in this project",
                    template.name
                ))
            } else {
                e.into()
            }
        })?;
        touch(&mut tx, id).await?;
        tx.commit().await?;
        Ok(template_value(template_id.as_str(), template.fields))
    }

    async fn set_instructions(
        &self,
        organization: &Id,
        id: &Id,
        file: StoredFile,
        url: &str,
    ) -> StoreResult<(Project, Option<String>)> {
        let mut tx = self.pool.begin().await?;
        let mut current = lock_live_project(&mut tx, organization, id, None).await?;
        let previous: Option<String> = sqlx::query_scalar(
            "DELETE FROM files WHERE project_id = $1 AND purpose = 'instructions'
             RETURNING object_key",
        )
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO files (id, project_id, purpose, object_key, file_name, size, created_at)
             VALUES ($1, $2, 'instructions', $3, $4, $5, $6)",
        )
        .bind(Id::generate().as_str())
        .bind(id.as_str())
        .bind(&file.object_key)
        .bind(&file.file_name)
        .bind(file.size)
        .bind(Timestamp::now().millis())
        .execute(&mut *tx)
        .await?;
        current.settings.instructions = Some(url.to_string());
        sqlx::query("UPDATE projects SET settings = CAST($1 AS JSON) WHERE id = $2")
            .bind(serde_json::to_string(&current.settings)?)
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        touch(&mut tx, id).await?;
        let project = reload_project(&mut tx, organization, id).await?;
        tx.commit().await?;
        Ok((project, previous))
    }

    async fn instructions_file(
        &self,
        organization: &Id,
        id: &Id,
    ) -> StoreResult<Option<StoredFile>> {
        let row: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT f.object_key, f.file_name, f.size FROM files f JOIN projects p ON p.id = f.project_id
             WHERE p.id = $1 AND p.organization_id = $2 AND p.deleted = 0
               AND f.purpose = 'instructions'",
        )
        .bind(id.as_str())
        .bind(organization.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(object_key, file_name, size)| StoredFile {
            object_key,
            file_name,
            size,
        }))
    }

    async fn file_object_keys(&self) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT object_key FROM files")
            .fetch_all(&self.pool)
            .await?)
    }
}

async fn insert_project(
    conn: &mut PgConnection,
    owner: &Caller,
    project: NewProject,
) -> StoreResult<Project> {
    let id = Id::generate();
    let organization = &owner.organization_id;
    sqlx::query(
        "INSERT INTO projects (id, organization_id, name, name_lower, description, type,
         owner_email, category_schema, stages, settings, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, CAST($8 AS JSON), CAST($9 AS JSON),
         CAST($10 AS JSON), $11, $11)",
    )
    .bind(id.as_str())
    .bind(organization.as_str())
    .bind(&project.name)
    .bind(project.name.to_lowercase())
    .bind(&project.description)
    .bind(project.project_type.as_str())
    .bind(&owner.email)
    .bind(project.category_schema.to_string())
    .bind(project.stages.to_string())
    .bind(serde_json::to_string(&project.settings)?)
    .bind(Timestamp::now().millis())
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE organizations SET project_count = project_count + 1 WHERE id = $1")
        .bind(organization.as_str())
        .execute(&mut *conn)
        .await?;
    let mut members = project.assigned_to;
    members.retain(|m| m.assignee != owner.email);
    members.insert(
        0,
        Member {
            assignee: owner.email.clone(),
            role: ProjectRole::Manager,
        },
    );
    replace_members(conn, organization, &id, &members).await?;
    insert_batches(conn, &id, &project.batches).await?;
    reload_project(conn, organization, &id).await
}

/// Moves the revision (the ETag) and `updatedAt` on after any write to the project.
async fn touch(conn: &mut PgConnection, id: &Id) -> StoreResult<()> {
    sqlx::query(
        "UPDATE projects SET revision = revision + 1, updated_at = GREATEST(updated_at, $1)
         WHERE id = $2",
    )
    .bind(Timestamp::now().millis())
    .bind(id.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

async fn insert_batches(
    conn: &mut PgConnection,
    project: &Id,
    batches: &[Batch],
) -> StoreResult<()> {
    if batches.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = batches.iter().map(|b| b.id.as_str()).collect();
    let positions: Vec<i64> = (0..batches.len() as i64).collect();
    let names: Vec<&str> = batches.iter().map(|b| b.name.as_str()).collect();
    let descriptions: Vec<&str> = batches.iter().map(|b| b.description.as_str()).collect();
    let colors: Vec<Option<&str>> = batches.iter().map(|b| b.color.as_deref()).collect();
    sqlx::query(
        "INSERT INTO batches (project_id, id, position, name, description, color)
         SELECT $1, b.id, b.position, b.name, b.description, b.color
         FROM UNNEST(CAST($2 AS TEXT[]), CAST($3 AS BIGINT[]), CAST($4 AS TEXT[]),
                     CAST($5 AS TEXT[]), CAST($6 AS TEXT[]))
              AS b(id, position, name, description, color)",
    )
    .bind(project.as_str())
    .bind(&ids)
    .bind(&positions)
    .bind(&names)
    .bind(&descriptions)
    .bind(&colors)
    .execute(conn)
    .await?;
    Ok(())
}
