//! Use cases: input checks, authorization and the store calls behind each route and command.

pub mod accounts;
pub mod instructions;
pub mod performance;
pub mod projects;

use annohub_domain::Id;
use annohub_domain::project::Project;
use annohub_domain::role::{Action, ProjectRole, allows, effective_role};
use annohub_store::Caller;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The project if the caller may see it, with the role the caller acts with. A project of
/// another organization, or one the caller is not assigned to, is "not found".
pub async fn visible_project(
    state: &AppState,
    caller: &Caller,
    id: &Id,
) -> ApiResult<(Project, ProjectRole)> {
    let project = state
        .store
        .get_project(&caller.organization_id, id)
        .await?
        .ok_or_else(|| ApiError::not_found("project"))?;
    let membership = project
        .assigned_to
        .iter()
        .find(|m| m.assignee == caller.email)
        .map(|m| m.role);
    let role = effective_role(caller.org_role, membership)
        .ok_or_else(|| ApiError::not_found("project"))?;
    Ok((project, role))
}

/// 403 unless `role` allows `action`.
pub fn require(role: ProjectRole, action: Action) -> ApiResult<()> {
    if allows(role, action) {
        return Ok(());
    }
    let what = match action {
        Action::View => "view this project",
        Action::UpdateSettings => "change this project",
        Action::Delete => "delete this project",
        Action::Assign(ProjectRole::Manager) => "assign Managers",
        Action::Assign(_) => "assign members",
        Action::ManageTemplates => "create asset builder templates",
        Action::UploadInstructions => "upload instructions",
        Action::ViewTeamPerformance => "see other members' performance",
    };
    Err(ApiError::forbidden(format!(
        "your role in this project ({}) may not {what}; {} is required",
        role.as_str(),
        action.minimum_role().as_str()
    )))
}
