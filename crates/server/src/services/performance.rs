//! The performance report: one row per member (zeros when idle) plus anyone with activity.

use serde::Serialize;
use serde_json::Value;

use annohub_domain::performance::{PerformanceQuery, PerformanceTotals, UserPerformance};
use annohub_domain::role::{Action, allows};
use annohub_domain::{DomainError, Id, Timestamp};
use annohub_store::Caller;

use super::visible_project;
use crate::error::ApiResult;
use crate::state::AppState;

/// `data.performance` of the response.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PerformanceReport {
    /// The project's id.
    #[schema(value_type = String, pattern = "^[0-9a-f]{24}$")]
    pub project_id: Id,
    /// Start of the window, or null for all time.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub from: Option<Timestamp>,
    /// End of the window, or null for all time.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub to: Option<Timestamp>,
    /// One row per current member (zeros when idle) plus anyone with activity in the window;
    /// Labelers and Reviewers get only their own row.
    pub users: Vec<UserPerformance>,
    /// The sums over `users`.
    pub totals: PerformanceTotals,
}

pub async fn project_performance(
    state: &AppState,
    caller: &Caller,
    id: &Id,
    body: Option<Value>,
) -> ApiResult<PerformanceReport> {
    let query = PerformanceQuery::parse(body)?;
    let (project, role) = visible_project(state, caller, id).await?;
    for (i, batch) in query.batches.iter().enumerate() {
        if !project.batches.iter().any(|b| &b.id == batch) {
            return Err(DomainError::field(
                format!("batches[{i}]"),
                format!("{batch} is not a batch of this project"),
            )
            .into());
        }
    }
    let activity = state
        .store
        .performance(&caller.organization_id, id, &query)
        .await?;
    let team_view = allows(role, Action::ViewTeamPerformance);
    let wanted = |email: &str| {
        (query.users.is_empty() || query.users.iter().any(|u| u == email))
            && (team_view || email == caller.email)
    };
    let mut users: Vec<UserPerformance> = Vec::new();
    for member in project.assigned_to.iter().filter(|m| wanted(&m.assignee)) {
        let totals = activity
            .iter()
            .find(|(email, _)| email == &member.assignee)
            .map(|(_, t)| t.clone());
        users.push(UserPerformance::new(
            member.assignee.clone(),
            Some(member.role),
            &totals.unwrap_or_default(),
        ));
    }
    for (email, totals) in &activity {
        if wanted(email) && !users.iter().any(|u| &u.user == email) {
            users.push(UserPerformance::new(email.clone(), None, totals));
        }
    }
    let mut totals = PerformanceTotals::default();
    for (email, t) in &activity {
        if users.iter().any(|u| &u.user == email) {
            totals.add(t);
        }
    }
    Ok(PerformanceReport {
        project_id: id.clone(),
        from: query.from,
        to: query.to,
        users,
        totals,
    })
}
