//! SQLite: projects, members, batches, templates and the instructions file.

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use annohub_domain::batch::Batch;
use annohub_domain::project::{Member, NewProject, Project, ProjectPatch, ProjectSummary};
use annohub_domain::role::ProjectRole;
use annohub_domain::template::NewTemplate;
use annohub_domain::{DomainError, Id, Timestamp};

use super::{SqliteStore, is_unique_violation};
use crate::error::{StoreError, StoreResult};
use crate::rows::{project_from_columns, template_value};
use crate::{Caller, ListQuery, ProjectAccess, ProjectPage, ProjectStore, StoredFile};

#[async_trait]
impl ProjectStore for SqliteStore {
    async fn create_project(&self, owner: &Caller, project: NewProject) -> StoreResult<Project> {
        // Everything but the statements is done here, off the single writer thread.
        let created = created_project(owner, project);
        let row = ProjectRow::of(&created)?;
        let batches = created.batches.clone();
        let (owner, others) = (owner.clone(), others_than_owner(&created));
        self.write(move |conn| insert_project(conn, &owner, &row, &others, &batches))
            .await?;
        Ok(created)
    }

    async fn get_project(&self, organization: &Id, id: &Id) -> StoreResult<Option<Project>> {
        self.read(|conn| load_project(conn, organization, id))
    }

    async fn project_access(
        &self,
        organization: &Id,
        id: &Id,
        user: &Id,
    ) -> StoreResult<Option<ProjectAccess>> {
        self.read_one(|conn| {
            let access = conn
                .prepare_cached(
                    "SELECT p.revision, m.role FROM projects p
                     LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = ?3
                     WHERE p.id = ?1 AND p.organization_id = ?2 AND p.deleted = 0",
                )?
                .query_row([id.as_str(), organization.as_str(), user.as_str()], |r| {
                    Ok(ProjectAccess {
                        revision: r.get(0)?,
                        membership: r
                            .get::<_, Option<String>>(1)?
                            .and_then(|role| ProjectRole::parse(&role)),
                    })
                })
                .optional()?;
            Ok(access)
        })
    }

    async fn list_projects(&self, query: &ListQuery) -> StoreResult<ProjectPage> {
        let query = query.clone();
        self.read_blocking(move |conn| list_projects(conn, &query))
            .await
    }

    async fn update_project(
        &self,
        organization: &Id,
        id: &Id,
        patch: ProjectPatch,
        if_match: Option<i64>,
    ) -> StoreResult<Project> {
        let (organization, id) = (organization.clone(), id.clone());
        self.write(move |conn| {
            let current = live_row(conn, &organization, &id, if_match)?;
            let settings = patch.settings.apply(&current.settings);
            let name = patch.name.unwrap_or(current.name);
            let description = patch.description.unwrap_or(current.description);
            let schema = patch.category_schema.unwrap_or(current.category_schema);
            let stages = patch.stages.unwrap_or(current.stages);
            conn.execute(
                "UPDATE projects SET name = ?1, name_lower = ?2, description = ?3, category_schema = ?4, stages = ?5,
                 settings = ?6 WHERE id = ?7",
                params![
                    name,
                    name.to_lowercase(),
                    description,
                    schema.to_string(),
                    stages.to_string(),
                    serde_json::to_string(&settings)?,
                    id.as_str()
                ],
            )?;
            if let Some(batches) = &patch.batches {
                conn.execute("DELETE FROM batches WHERE project_id = ?1", [id.as_str()])?;
                insert_batches(conn, &id, batches)?;
            }
            if let Some(members) = &patch.assigned_to {
                replace_members(conn, &organization, &id, members)?;
            }
            touch(conn, &id)?;
            load_project(conn, &organization, &id)?.ok_or(StoreError::NotFound("project"))
        })
        .await
    }

    async fn delete_project(
        &self,
        organization: &Id,
        id: &Id,
        if_match: Option<i64>,
    ) -> StoreResult<String> {
        let (organization, id) = (organization.clone(), id.clone());
        self.write(move |conn| {
            let current = live_row(conn, &organization, &id, if_match)?;
            conn.execute(
                "UPDATE projects SET deleted = 1 WHERE id = ?1",
                [id.as_str()],
            )?;
            touch(conn, &id)?;
            conn.execute(
                "UPDATE organizations SET project_count = project_count - 1 WHERE id = ?1",
                [organization.as_str()],
            )?;
            conn.execute(
                "UPDATE users SET project_count = project_count - 1
                 WHERE id IN (SELECT user_id FROM project_members WHERE project_id = ?1)",
                [id.as_str()],
            )?;
            Ok(current.name)
        })
        .await
    }

    async fn assign_members(
        &self,
        organization: &Id,
        id: &Id,
        role: ProjectRole,
        emails: &[String],
        if_match: Option<i64>,
    ) -> StoreResult<Project> {
        let (organization, id, emails) = (organization.clone(), id.clone(), emails.to_vec());
        self.write(move |conn| {
            live_row(conn, &organization, &id, if_match)?;
            let users = resolve_users(conn, &organization, &emails, "assignees")?;
            for user_id in users {
                upsert_member(conn, &id, &user_id, role)?;
            }
            touch(conn, &id)?;
            load_project(conn, &organization, &id)?.ok_or(StoreError::NotFound("project"))
        })
        .await
    }

    async fn add_template(
        &self,
        organization: &Id,
        id: &Id,
        template: NewTemplate,
    ) -> StoreResult<Value> {
        let (organization, id) = (organization.clone(), id.clone());
        self.write(move |conn| {
            live_row(conn, &organization, &id, None)?;
            let template_id = Id::generate();
            conn.execute(
                "INSERT INTO asset_builder_templates (id, project_id, name, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    template_id.as_str(),
                    id.as_str(),
                    template.name,
                    Value::Object(template.fields.clone()).to_string(),
                    Timestamp::now().millis()
                ],
            )
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Conflict(format!("a template named {:?} already exists in this project", template.name))
                } else {
                    e.into()
                }
            })?;
            touch(conn, &id)?;
            Ok(template_value(template_id.as_str(), template.fields))
        })
        .await
    }

    async fn set_instructions(
        &self,
        organization: &Id,
        id: &Id,
        file: StoredFile,
        url: &str,
    ) -> StoreResult<(Project, Option<String>)> {
        let (organization, id, url) = (organization.clone(), id.clone(), url.to_string());
        self.write(move |conn| {
            let mut current = live_row(conn, &organization, &id, None)?;
            let previous: Option<String> = conn
                .query_row(
                    "SELECT object_key FROM files WHERE project_id = ?1 AND purpose = 'instructions'",
                    [id.as_str()],
                    |r| r.get(0),
                )
                .optional()?;
            conn.execute("DELETE FROM files WHERE project_id = ?1 AND purpose = 'instructions'", [id.as_str()])?;
            conn.execute(
                "INSERT INTO files (id, project_id, purpose, object_key, file_name, size, created_at)
                 VALUES (?1, ?2, 'instructions', ?3, ?4, ?5, ?6)",
                params![Id::generate().as_str(), id.as_str(), file.object_key, file.file_name, file.size, Timestamp::now().millis()],
            )?;
            current.settings.instructions = Some(url);
            conn.execute(
                "UPDATE projects SET settings = ?1 WHERE id = ?2",
                params![serde_json::to_string(&current.settings)?, id.as_str()],
            )?;
            touch(conn, &id)?;
            let project = load_project(conn, &organization, &id)?.ok_or(StoreError::NotFound("project"))?;
            Ok((project, previous))
        })
        .await
    }

    async fn instructions_file(
        &self,
        organization: &Id,
        id: &Id,
    ) -> StoreResult<Option<StoredFile>> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT f.object_key, f.file_name, f.size FROM files f JOIN projects p ON p.id = f.project_id
                     WHERE p.id = ?1 AND p.organization_id = ?2 AND p.deleted = 0 AND f.purpose = 'instructions'",
                    [id.as_str(), organization.as_str()],
                    |r| Ok(StoredFile { object_key: r.get(0)?, file_name: r.get(1)?, size: r.get(2)? }),
                )
                .optional()?)
        })
    }

    async fn file_object_keys(&self) -> StoreResult<Vec<String>> {
        self.read_blocking(|conn| {
            let mut stmt = conn.prepare("SELECT object_key FROM files")?;
            let keys = stmt
                .query_map([], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok(keys)
        })
        .await
    }
}

/// The project a create makes, as a read right after it returns it: the creator is Manager,
/// members who joined in the same millisecond are ordered by email, as `load_project` orders them.
fn created_project(owner: &Caller, project: NewProject) -> Project {
    let now = Timestamp::now();
    let mut members = project.assigned_to;
    members.retain(|m| m.assignee != owner.email);
    members.push(Member {
        assignee: owner.email.clone(),
        role: ProjectRole::Manager,
    });
    members.sort_by(|a, b| a.assignee.cmp(&b.assignee));
    Project {
        id: Id::generate(),
        name: project.name,
        description: project.description,
        project_type: project.project_type,
        owner: owner.email.clone(),
        organization: owner.organization_id.clone(),
        category_schema: project.category_schema,
        stages: project.stages,
        assigned_to: members,
        batches: project.batches,
        queue_version: NEW_QUEUE_VERSION,
        asset_count: 0,
        settings: project.settings,
        asset_builder_templates: Vec::new(),
        deleted: false,
        created_at: now,
        updated_at: now,
        revision: NEW_REVISION,
    }
}

/// The column defaults of a new project row, which `created_project` reports without reading.
const NEW_QUEUE_VERSION: i64 = 2;
const NEW_REVISION: i64 = 1;

fn others_than_owner(project: &Project) -> Vec<Member> {
    project
        .assigned_to
        .iter()
        .filter(|m| m.assignee != project.owner)
        .cloned()
        .collect()
}

/// A new project's columns, serialized before it reaches the writer.
struct ProjectRow {
    id: Id,
    name: String,
    description: String,
    project_type: &'static str,
    category_schema: String,
    stages: String,
    settings: String,
    created_at: i64,
}

impl ProjectRow {
    fn of(project: &Project) -> StoreResult<Self> {
        Ok(ProjectRow {
            id: project.id.clone(),
            name: project.name.clone(),
            description: project.description.clone(),
            project_type: project.project_type.as_str(),
            category_schema: project.category_schema.to_string(),
            stages: project.stages.to_string(),
            settings: serde_json::to_string(&project.settings)?,
            created_at: project.created_at.millis(),
        })
    }
}

fn insert_project(
    conn: &Connection,
    owner: &Caller,
    row: &ProjectRow,
    others: &[Member],
    batches: &[Batch],
) -> StoreResult<()> {
    let organization = &owner.organization_id;
    conn.prepare_cached(
        "INSERT INTO projects (id, organization_id, name, name_lower, description, type, owner_email, category_schema,
         stages, settings, queue_version, revision, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
    )?
    .execute(params![
        row.id.as_str(),
        organization.as_str(),
        row.name,
        row.name.to_lowercase(),
        row.description,
        row.project_type,
        owner.email,
        row.category_schema,
        row.stages,
        row.settings,
        NEW_QUEUE_VERSION,
        NEW_REVISION,
        row.created_at
    ])?;
    conn.prepare_cached(
        "UPDATE organizations SET project_count = project_count + 1 WHERE id = ?1",
    )?
    .execute([organization.as_str()])?;
    conn.prepare_cached(
        "INSERT INTO project_members (project_id, user_id, role, added_at) VALUES (?1, ?2, 'Manager', ?3)",
    )?
    .execute(params![row.id.as_str(), owner.user_id.as_str(), row.created_at])?;
    conn.prepare_cached("UPDATE users SET project_count = project_count + 1 WHERE id = ?1")?
        .execute([owner.user_id.as_str()])?;
    if !others.is_empty() {
        let emails: Vec<String> = others.iter().map(|m| m.assignee.clone()).collect();
        let user_ids = resolve_users(conn, organization, &emails, "assignedTo")?;
        for (user_id, member) in user_ids.iter().zip(others) {
            insert_member(conn, &row.id, user_id, member.role, row.created_at)?;
        }
    }
    insert_batches(conn, &row.id, batches)
}

/// The stored row of a live project, checked against `if_match`.
fn live_row(
    conn: &Connection,
    organization: &Id,
    id: &Id,
    if_match: Option<i64>,
) -> StoreResult<Project> {
    let project = project_row(conn, organization, id)?.ok_or(StoreError::NotFound("project"))?;
    match if_match {
        Some(revision) if revision != project.revision => Err(StoreError::PreconditionFailed),
        _ => Ok(project),
    }
}

/// Moves the revision (the ETag) and `updatedAt` on after any write to the project.
fn touch(conn: &Connection, id: &Id) -> StoreResult<()> {
    conn.execute(
        "UPDATE projects SET revision = revision + 1, updated_at = MAX(updated_at, ?1) WHERE id = ?2",
        params![Timestamp::now().millis(), id.as_str()],
    )?;
    Ok(())
}

fn insert_batches(conn: &Connection, project: &Id, batches: &[Batch]) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO batches (project_id, id, position, name, description, color) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (position, batch) in batches.iter().enumerate() {
        stmt.execute(params![
            project.as_str(),
            batch.id.as_str(),
            position as i64,
            batch.name,
            batch.description,
            batch.color
        ])?;
    }
    Ok(())
}

/// User ids for `emails` in `organization`, or a validation error on `field` listing the unknown.
fn resolve_users(
    conn: &Connection,
    organization: &Id,
    emails: &[String],
    field: &str,
) -> StoreResult<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM users WHERE email = ?1 AND organization_id = ?2")?;
    let mut found = Vec::with_capacity(emails.len());
    let mut unknown = Vec::new();
    for email in emails {
        match stmt
            .query_row([email.as_str(), organization.as_str()], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
        {
            Some(id) => found.push(id),
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

fn upsert_member(
    conn: &Connection,
    project: &Id,
    user_id: &str,
    role: ProjectRole,
) -> StoreResult<()> {
    let existing: Option<String> = conn
        .prepare_cached("SELECT role FROM project_members WHERE project_id = ?1 AND user_id = ?2")?
        .query_row([project.as_str(), user_id], |r| r.get(0))
        .optional()?;
    if existing.is_some() {
        conn.prepare_cached(
            "UPDATE project_members SET role = ?1 WHERE project_id = ?2 AND user_id = ?3",
        )?
        .execute(params![role.as_str(), project.as_str(), user_id])?;
    } else {
        insert_member(conn, project, user_id, role, Timestamp::now().millis())?;
    }
    Ok(())
}

/// Adds a membership that does not exist yet, counting it for the user.
fn insert_member(
    conn: &Connection,
    project: &Id,
    user_id: &str,
    role: ProjectRole,
    added_at: i64,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO project_members (project_id, user_id, role, added_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![project.as_str(), user_id, role.as_str(), added_at])?;
    conn.prepare_cached("UPDATE users SET project_count = project_count + 1 WHERE id = ?1")?
        .execute([user_id])?;
    Ok(())
}

/// Makes the project's members exactly `members`.
fn replace_members(
    conn: &Connection,
    organization: &Id,
    project: &Id,
    members: &[Member],
) -> StoreResult<()> {
    let emails: Vec<String> = members.iter().map(|m| m.assignee.clone()).collect();
    let user_ids = resolve_users(conn, organization, &emails, "assignedTo")?;
    let current: Vec<String> = conn
        .prepare_cached("SELECT user_id FROM project_members WHERE project_id = ?1")?
        .query_map([project.as_str()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for gone in current.iter().filter(|u| !user_ids.contains(u)) {
        conn.execute(
            "DELETE FROM project_members WHERE project_id = ?1 AND user_id = ?2",
            [project.as_str(), gone],
        )?;
        conn.execute(
            "UPDATE users SET project_count = project_count - 1 WHERE id = ?1",
            [gone],
        )?;
    }
    for (user_id, member) in user_ids.iter().zip(members) {
        upsert_member(conn, project, user_id, member.role)?;
    }
    Ok(())
}

/// The project's own row, without members, batches or templates.
fn project_row(conn: &Connection, organization: &Id, id: &Id) -> StoreResult<Option<Project>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, description, type, owner_email, category_schema, stages, settings, queue_version, asset_count,
         revision, created_at, updated_at FROM projects WHERE id = ?1 AND organization_id = ?2 AND deleted = 0",
    )?;
    let row = stmt
        .query_row([id.as_str(), organization.as_str()], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
            ))
        })
        .optional()?;
    row.map(|row| project_from_columns(organization, id, row))
        .transpose()
}

/// A whole live project of `organization`.
pub(crate) fn load_project(
    conn: &Connection,
    organization: &Id,
    id: &Id,
) -> StoreResult<Option<Project>> {
    let Some(mut project) = project_row(conn, organization, id)? else {
        return Ok(None);
    };
    project.assigned_to = conn
        .prepare_cached(
            "SELECT u.email, m.role FROM project_members m JOIN users u ON u.id = m.user_id
             WHERE m.project_id = ?1 ORDER BY m.added_at, u.email",
        )?
        .query_map([id.as_str()], |r| {
            Ok(Member {
                assignee: r.get(0)?,
                role: ProjectRole::parse(&r.get::<_, String>(1)?).unwrap_or(ProjectRole::Labeler),
            })
        })?
        .collect::<Result<_, _>>()?;
    project.batches = conn
        .prepare_cached("SELECT id, name, description, color FROM batches WHERE project_id = ?1 ORDER BY position")?
        .query_map([id.as_str()], |r| {
            Ok(Batch { id: Id::from_trusted(r.get(0)?), name: r.get(1)?, description: r.get(2)?, color: r.get(3)? })
        })?
        .collect::<Result<_, _>>()?;
    let templates: Vec<(String, String)> = conn
        .prepare_cached("SELECT id, body FROM asset_builder_templates WHERE project_id = ?1 ORDER BY created_at, id")?
        .query_map([id.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    project.asset_builder_templates = templates
        .into_iter()
        .map(|(template_id, body)| Ok(template_value(&template_id, serde_json::from_str(&body)?)))
        .collect::<StoreResult<_>>()?;
    Ok(Some(project))
}

fn list_projects(conn: &Connection, query: &ListQuery) -> StoreResult<ProjectPage> {
    let pattern = query.search_pattern();
    let member_join = if query.member.is_some() {
        "JOIN project_members m ON m.project_id = p.id AND m.user_id = ?2"
    } else {
        ""
    };
    let admin_filter = if query.member.is_some() {
        ""
    } else {
        "AND ?2 IS NULL"
    };
    let search = if pattern.is_some() {
        "AND p.name_lower LIKE ?3 ESCAPE '\\'"
    } else {
        "AND ?3 IS NULL"
    };
    let from = format!(
        "FROM projects p {member_join} WHERE p.organization_id = ?1 AND p.deleted = 0 {admin_filter} {search}"
    );
    let member = query.member.as_ref().map(Id::as_str);
    let args = params![query.organization_id.as_str(), member, pattern];
    let total: i64 = match (&query.member, &pattern) {
        (None, None) => conn
            .prepare_cached("SELECT project_count FROM organizations WHERE id = ?1")?
            .query_row([query.organization_id.as_str()], |r| r.get(0))
            .optional()?
            .unwrap_or(0),
        (Some(user), None) => conn
            .prepare_cached("SELECT project_count FROM users WHERE id = ?1")?
            .query_row([user.as_str()], |r| r.get(0))
            .optional()?
            .unwrap_or(0),
        _ => conn
            .prepare_cached(&format!("SELECT COUNT(*) {from}"))?
            .query_row(args, |r| r.get(0))?,
    };
    let sql = format!(
        "SELECT p.id, p.name, p.description, p.created_at {from} ORDER BY {} LIMIT {} OFFSET {}",
        query.order_by(),
        query.limit,
        query.offset()
    );
    let projects = conn
        .prepare_cached(&sql)?
        .query_map(args, |r| {
            Ok(ProjectSummary {
                id: Id::from_trusted(r.get(0)?),
                name: r.get(1)?,
                description: r.get(2)?,
                organization: query.organization_id.clone(),
                created_at: Timestamp::from_millis(r.get(3)?),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(ProjectPage { projects, total })
}
