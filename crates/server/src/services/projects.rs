//! Project use cases: list, create, get, update, delete, assign members, add templates.

use bytes::Bytes;
use serde_json::Value;

use annohub_domain::fields::{Fields, normalize_email};
use annohub_domain::project::{NewProject, Project, ProjectPatch};
use annohub_domain::role::{Action, OrgRole, ProjectRole, effective_role};
use annohub_domain::template::validate_template;
use annohub_domain::{DomainError, Id};
use annohub_store::{Caller, ListQuery, ProjectAccess, ProjectPage, SortField, SortKey};

use super::{require, visible_project};
use crate::error::{ApiError, ApiResult};
use crate::routes::project_body;
use crate::state::AppState;

/// Turns `listProjects` query pairs into a store query for `caller`.
pub fn parse_list_query(caller: &Caller, pairs: Vec<(String, String)>) -> ApiResult<ListQuery> {
    let mut query = ListQuery {
        organization_id: caller.organization_id.clone(),
        member: (caller.org_role != OrgRole::Admin).then(|| caller.user_id.clone()),
        search: None,
        sort: vec![SortKey {
            field: SortField::CreatedAt,
            descending: true,
        }],
        page: 1,
        limit: 10,
    };
    for (key, value) in pairs {
        match key.as_str() {
            "page" => query.page = parse_integer("page", &value, 1, 1_000_000)?,
            "limit" => query.limit = parse_integer("limit", &value, 1, 100)?,
            "sort" => query.sort = parse_sort(&value)?,
            "search" if value.chars().count() > 256 => {
                return Err(ApiError::field("search", "must be at most 256 characters"));
            }
            "search" if value.contains('\0') => {
                return Err(ApiError::field("search", "must not contain NUL characters"));
            }
            "search" => query.search = (!value.is_empty()).then_some(value),
            other => {
                return Err(ApiError::field(
                    other,
                    "is not a known query parameter; use page, limit, sort or search",
                ));
            }
        }
    }
    Ok(query)
}

fn parse_integer(field: &str, value: &str, min: u32, max: u32) -> ApiResult<u32> {
    match value.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ApiError::field(
            field,
            format!("must be a whole number from {min} to {max}, got {value:?}"),
        )),
    }
}

fn parse_sort(value: &str) -> ApiResult<Vec<SortKey>> {
    let mut keys = Vec::new();
    for part in value.split(',') {
        let (descending, name) = match part.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, part.strip_prefix('+').unwrap_or(part)),
        };
        let field = match name {
            "createdAt" => SortField::CreatedAt,
            "updatedAt" => SortField::UpdatedAt,
            "name" => SortField::Name,
            _ => {
                return Err(ApiError::field(
                    "sort",
                    format!(
                        "{name:?} is not a sort field; use createdAt, updatedAt or name, with - for descending"
                    ),
                ));
            }
        };
        if keys.iter().any(|k: &SortKey| k.field == field) {
            return Err(ApiError::field("sort", format!("{name} is listed twice")));
        }
        keys.push(SortKey { field, descending });
    }
    Ok(keys)
}

pub async fn list_projects(state: &AppState, query: &ListQuery) -> ApiResult<ProjectPage> {
    Ok(state.store.list_projects(query).await?)
}

pub async fn create_project(state: &AppState, caller: &Caller, body: Value) -> ApiResult<Project> {
    let project = NewProject::parse(body, state.limits.project)?;
    Ok(state.store.create_project(caller, project).await?)
}

/// The project's serialized response and revision, from the cache while its revision holds.
/// `access` is the caller's access as read with its key.
pub async fn get_project_body(
    state: &AppState,
    caller: &Caller,
    id: &Id,
    access: Option<ProjectAccess>,
) -> ApiResult<(Bytes, i64)> {
    let access = access.ok_or_else(|| ApiError::not_found("project"))?;
    effective_role(caller.org_role, access.membership)
        .ok_or_else(|| ApiError::not_found("project"))?;
    if let Some(body) = state.project_cache.get(id, access.revision) {
        return Ok((body, access.revision));
    }
    let (project, _) = visible_project(state, caller, id).await?;
    let revision = project.revision;
    let body = project_body(project);
    state.project_cache.put(id.clone(), revision, body.clone());
    Ok((body, revision))
}

pub async fn update_project(
    state: &AppState,
    caller: &Caller,
    id: &Id,
    body: Value,
    if_match: Option<i64>,
) -> ApiResult<Project> {
    let patch = ProjectPatch::parse(body, state.limits.project)?;
    let (current, role) = visible_project(state, caller, id).await?;
    require(role, Action::UpdateSettings)?;
    patch.check_read_only(&current)?;
    let changes_nothing = ProjectPatch {
        read_only: Vec::new(),
        ..patch.clone()
    } == ProjectPatch::default();
    if changes_nothing {
        return match if_match {
            Some(revision) if revision != current.revision => {
                Err(annohub_store::StoreError::PreconditionFailed.into())
            }
            _ => Ok(current),
        };
    }
    Ok(state
        .store
        .update_project(&caller.organization_id, id, patch, if_match)
        .await?)
}

pub async fn delete_project(
    state: &AppState,
    caller: &Caller,
    id: &Id,
    if_match: Option<i64>,
) -> ApiResult<String> {
    let (_, role) = visible_project(state, caller, id).await?;
    require(role, Action::Delete)?;
    Ok(state
        .store
        .delete_project(&caller.organization_id, id, if_match)
        .await?)
}

/// Body of `/assigned`: the role and the emails to give it.
pub fn parse_assignment(
    body: Value,
    max_assignees: usize,
) -> ApiResult<(ProjectRole, Vec<String>)> {
    let mut fields = Fields::from_value(body, "")?;
    let role = fields
        .take("role")
        .ok_or_else(|| fields.error("role", "is required"))?;
    let role = ProjectRole::parse_field("role", &role)?;
    let assignees = fields
        .array("assignees")?
        .ok_or_else(|| fields.error("assignees", "is required"))?;
    fields.finish()?;
    if assignees.is_empty() || assignees.len() > max_assignees {
        return Err(ApiError::field(
            "assignees",
            format!(
                "must list 1 to {max_assignees} emails, got {}",
                assignees.len()
            ),
        ));
    }
    let mut emails: Vec<String> = Vec::with_capacity(assignees.len());
    for (i, value) in assignees.iter().enumerate() {
        let field = format!("assignees[{i}]");
        let email = value
            .as_str()
            .ok_or_else(|| DomainError::field(&field, "must be an email address string"))
            .and_then(|s| normalize_email(&field, s))?;
        if !emails.contains(&email) {
            emails.push(email);
        }
    }
    Ok((role, emails))
}

pub async fn assign_members(
    state: &AppState,
    caller: &Caller,
    id: &Id,
    body: Value,
    if_match: Option<i64>,
) -> ApiResult<Project> {
    let (role, emails) = parse_assignment(body, state.limits.max_assignees)?;
    let (project, caller_role) = visible_project(state, caller, id).await?;
    require(caller_role, Action::Assign(role))?;
    // Changing a Manager's role takes the power to grant it: a Lead may not demote a Manager.
    let changes_a_manager = project
        .assigned_to
        .iter()
        .any(|m| m.role == ProjectRole::Manager && emails.contains(&m.assignee));
    if changes_a_manager {
        require(caller_role, Action::Assign(ProjectRole::Manager))?;
    }
    Ok(state
        .store
        .assign_members(&caller.organization_id, id, role, &emails, if_match)
        .await?)
}

pub async fn create_template(
    state: &AppState,
    caller: &Caller,
    id: &Id,
    body: Value,
) -> ApiResult<Value> {
    let template = validate_template(body)?;
    let (_, role) = visible_project(state, caller, id).await?;
    require(role, Action::ManageTemplates)?;
    Ok(state
        .store
        .add_template(&caller.organization_id, id, template)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use annohub_domain::Id;

    fn caller(role: OrgRole) -> Caller {
        Caller {
            user_id: Id::generate(),
            email: "a@b.c".into(),
            organization_id: Id::generate(),
            org_role: role,
        }
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn list_query_defaults_and_member_scope() {
        let q = parse_list_query(&caller(OrgRole::Member), vec![]).unwrap();
        assert_eq!((q.page, q.limit), (1, 10));
        assert!(q.member.is_some());
        assert_eq!(
            q.sort,
            vec![SortKey {
                field: SortField::CreatedAt,
                descending: true
            }]
        );
        assert!(
            parse_list_query(&caller(OrgRole::Admin), vec![])
                .unwrap()
                .member
                .is_none()
        );
    }

    #[test]
    fn list_query_rejects_bad_values_instead_of_clamping() {
        let admin = caller(OrgRole::Admin);
        for bad in [
            ("page", "0"),
            ("limit", "101"),
            ("limit", "abc"),
            ("sort", "colour"),
            ("pgae", "1"),
            ("sort", "name,-name"),
        ] {
            assert!(
                parse_list_query(&admin, pairs(&[bad])).is_err(),
                "{bad:?} accepted"
            );
        }
        let q = parse_list_query(
            &admin,
            pairs(&[("sort", "name,-updatedAt"), ("limit", "100")]),
        )
        .unwrap();
        assert_eq!(q.sort.len(), 2);
        assert!(q.sort[1].descending);
    }

    #[test]
    fn assignment_body_is_checked() {
        let (role, emails) = parse_assignment(
            serde_json::json!({"role": "Lead", "assignees": ["A@x.io", "a@x.io", "b@x.io"]}),
            10,
        )
        .unwrap();
        assert_eq!(role, ProjectRole::Lead);
        assert_eq!(emails, vec!["a@x.io", "b@x.io"]);
        assert!(
            parse_assignment(
                serde_json::json!({"role": "Boss", "assignees": ["a@x.io"]}),
                10
            )
            .is_err()
        );
        assert!(
            parse_assignment(serde_json::json!({"role": "Lead", "assignees": []}), 10).is_err()
        );
        assert!(
            parse_assignment(serde_json::json!({"role": "Lead", "assignees": [1]}), 10).is_err()
        );
    }
}
