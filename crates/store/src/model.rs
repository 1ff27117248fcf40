//! Values the store takes and returns besides the domain's own types.

use annohub_domain::Id;
use annohub_domain::project::ProjectSummary;
use annohub_domain::role::{OrgRole, ProjectRole};

/// The user behind an API key.
#[derive(Clone, Debug, PartialEq)]
pub struct Caller {
    pub user_id: Id,
    pub email: String,
    pub organization_id: Id,
    pub org_role: OrgRole,
}

/// Fields a project list can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortField {
    CreatedAt,
    UpdatedAt,
    Name,
}

impl SortField {
    pub fn column(self) -> &'static str {
        match self {
            SortField::CreatedAt => "created_at",
            SortField::UpdatedAt => "updated_at",
            SortField::Name => "name",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortKey {
    pub field: SortField,
    pub descending: bool,
}

/// One page of `listProjects`.
#[derive(Clone, Debug)]
pub struct ListQuery {
    pub organization_id: Id,
    /// Only projects this user is assigned to (for organization members); `None` for admins.
    pub member: Option<Id>,
    /// Case-insensitive substring of the name.
    pub search: Option<String>,
    /// Never empty; ties are broken by id in the direction of the last key.
    pub sort: Vec<SortKey>,
    /// 1-based.
    pub page: u32,
    pub limit: u32,
}

impl ListQuery {
    /// `ORDER BY` for projects aliased `p`, with the id tie-break.
    pub fn order_by(&self) -> String {
        let mut parts: Vec<String> = self
            .sort
            .iter()
            .map(|k| {
                format!(
                    "p.{} {}",
                    k.field.column(),
                    if k.descending { "DESC" } else { "ASC" }
                )
            })
            .collect();
        let last_desc = self.sort.last().is_some_and(|k| k.descending);
        parts.push(format!("p.id {}", if last_desc { "DESC" } else { "ASC" }));
        parts.join(", ")
    }

    pub fn offset(&self) -> i64 {
        (i64::from(self.page) - 1) * i64::from(self.limit)
    }

    /// The `LIKE` pattern for the search, with `%`, `_` and `\` escaped.
    pub fn search_pattern(&self) -> Option<String> {
        self.search.as_ref().map(|s| {
            let mut pattern = String::from("%");
            for c in s.to_lowercase().chars() {
                if matches!(c, '%' | '_' | '\\') {
                    pattern.push('\\');
                }
                pattern.push(c);
            }
            pattern.push('%');
            pattern
        })
    }
}

/// Projects of one page and how many match in all.
#[derive(Clone, Debug)]
pub struct ProjectPage {
    pub projects: Vec<ProjectSummary>,
    pub total: i64,
}

/// A file kept in blob storage and recorded in the database.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredFile {
    pub object_key: String,
    /// The name the client uploaded it under (shown, never used as a path).
    pub file_name: String,
    pub size: i64,
}

/// A project's current revision and one user's membership in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProjectAccess {
    pub revision: i64,
    pub membership: Option<ProjectRole>,
}
