//! Organization and project roles, and the one table that says which role may do what.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};

/// A user's role in its organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OrgRole {
    Admin,
    Member,
}

impl OrgRole {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgRole::Admin => "admin",
            OrgRole::Member => "member",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "admin" => Some(OrgRole::Admin),
            "member" => Some(OrgRole::Member),
            _ => None,
        }
    }
}

/// A user's role in one project; each includes the powers of the ones before it.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
pub enum ProjectRole {
    Labeler,
    Reviewer,
    Lead,
    Manager,
}

impl ProjectRole {
    pub const ALL: [ProjectRole; 4] = [
        ProjectRole::Labeler,
        ProjectRole::Reviewer,
        ProjectRole::Lead,
        ProjectRole::Manager,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectRole::Labeler => "Labeler",
            ProjectRole::Reviewer => "Reviewer",
            ProjectRole::Lead => "Lead",
            ProjectRole::Manager => "Manager",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// Parses a role sent by a client; `field` names it in the error.
    pub fn parse_field(field: &str, value: &serde_json::Value) -> DomainResult<Self> {
        value.as_str().and_then(Self::parse).ok_or_else(|| {
            DomainError::field(
                field,
                format!("must be one of Labeler, Reviewer, Lead, Manager, got {value}"),
            )
        })
    }
}

/// What a caller wants to do to a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    View,
    UpdateSettings,
    Delete,
    /// Give members this role.
    Assign(ProjectRole),
    ManageTemplates,
    UploadInstructions,
    /// See every member's performance row, not only one's own.
    ViewTeamPerformance,
}

impl Action {
    /// The least project role that may perform the action.
    pub fn minimum_role(self) -> ProjectRole {
        match self {
            Action::View => ProjectRole::Labeler,
            Action::Assign(ProjectRole::Manager) => ProjectRole::Manager,
            Action::Assign(_) | Action::ViewTeamPerformance => ProjectRole::Lead,
            Action::UpdateSettings
            | Action::Delete
            | Action::ManageTemplates
            | Action::UploadInstructions => ProjectRole::Manager,
        }
    }
}

/// The role a caller acts with in a project: organization admins act as Manager everywhere;
/// members act with their assignment, and without one cannot see the project at all.
pub fn effective_role(org_role: OrgRole, membership: Option<ProjectRole>) -> Option<ProjectRole> {
    match org_role {
        OrgRole::Admin => Some(ProjectRole::Manager),
        OrgRole::Member => membership,
    }
}

/// Whether a caller acting with `role` may perform `action`.
pub fn allows(role: ProjectRole, action: Action) -> bool {
    role >= action.minimum_role()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_assigns_up_to_lead_only() {
        assert!(allows(ProjectRole::Lead, Action::Assign(ProjectRole::Lead)));
        assert!(!allows(
            ProjectRole::Lead,
            Action::Assign(ProjectRole::Manager)
        ));
        assert!(!allows(
            ProjectRole::Reviewer,
            Action::Assign(ProjectRole::Labeler)
        ));
        assert!(allows(
            ProjectRole::Manager,
            Action::Assign(ProjectRole::Manager)
        ));
    }

    #[test]
    fn only_managers_change_settings() {
        assert!(allows(ProjectRole::Manager, Action::UpdateSettings));
        assert!(!allows(ProjectRole::Lead, Action::UpdateSettings));
        assert!(!allows(ProjectRole::Lead, Action::Delete));
        assert!(allows(ProjectRole::Labeler, Action::View));
    }

    #[test]
    fn admins_act_as_manager_and_strangers_see_nothing() {
        assert_eq!(
            effective_role(OrgRole::Admin, None),
            Some(ProjectRole::Manager)
        );
        assert_eq!(effective_role(OrgRole::Member, None), None);
        assert_eq!(
            effective_role(OrgRole::Member, Some(ProjectRole::Reviewer)),
            Some(ProjectRole::Reviewer)
        );
    }
}
