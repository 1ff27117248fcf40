//! SQLite: task activity and the performance aggregation over it.

use async_trait::async_trait;
use rusqlite::{OptionalExtension, params};

use annohub_domain::Id;
use annohub_domain::performance::{Activity, ActivityKind, PerformanceQuery, PerformanceTotals};

use super::SqliteStore;
use crate::ActivityStore;
use crate::error::{StoreError, StoreResult};

/// Per-user sums of one project's activity, filtered by window, users and batches.
const PERFORMANCE_SQL: &str = "SELECT a.user_email,
    SUM(CASE WHEN a.kind = 'submit' THEN 1 ELSE 0 END),
    SUM(CASE WHEN a.kind = 'submit' THEN a.annotations ELSE 0 END),
    SUM(CASE WHEN a.kind = 'submit' THEN a.duration_seconds ELSE 0 END),
    SUM(CASE WHEN a.kind = 'review' THEN 1 ELSE 0 END),
    SUM(CASE WHEN a.kind = 'review' AND a.accepted = 1 THEN 1 ELSE 0 END),
    SUM(CASE WHEN a.kind = 'review' AND a.accepted = 0 THEN 1 ELSE 0 END),
    SUM(CASE WHEN a.kind = 'review' THEN a.duration_seconds ELSE 0 END),
    SUM(CASE WHEN a.kind = 'skip' THEN 1 ELSE 0 END)
  FROM task_activity a JOIN projects p ON p.id = a.project_id
  WHERE a.project_id = ?1 AND p.organization_id = ?2
    AND (?3 IS NULL OR a.at >= ?3) AND (?4 IS NULL OR a.at <= ?4)
    AND (?5 IS NULL OR a.user_email IN (SELECT value FROM json_each(?5)))
    AND (?6 IS NULL OR a.batch_id IN (SELECT value FROM json_each(?6)))
  GROUP BY a.user_email ORDER BY a.user_email";

#[async_trait]
impl ActivityStore for SqliteStore {
    async fn record_activity(&self, organization: &Id, activity: &Activity) -> StoreResult<()> {
        let (organization, activity) = (organization.clone(), activity.clone());
        self.write(move |conn| {
            conn.query_row(
                "SELECT 1 FROM projects WHERE id = ?1 AND organization_id = ?2",
                [activity.project_id.as_str(), organization.as_str()],
                |_| Ok(()),
            )
            .optional()?
            .ok_or(StoreError::NotFound("project"))?;
            let (kind, accepted) = match activity.kind {
                ActivityKind::Submit => ("submit", None),
                ActivityKind::Review { accepted } => ("review", Some(accepted)),
                ActivityKind::Skip => ("skip", None),
            };
            conn.execute(
                "INSERT INTO task_activity (project_id, user_email, batch_id, kind, accepted, annotations,
                 duration_seconds, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    activity.project_id.as_str(),
                    activity.user_email,
                    activity.batch_id.as_ref().map(Id::as_str),
                    kind,
                    accepted,
                    activity.annotations,
                    activity.duration_seconds,
                    activity.at.millis()
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn performance(
        &self,
        organization: &Id,
        project: &Id,
        query: &PerformanceQuery,
    ) -> StoreResult<Vec<(String, PerformanceTotals)>> {
        let (organization, project) = (organization.clone(), project.clone());
        let from = query.from.map(|t| t.millis());
        let to = query.to.map(|t| t.millis());
        let users = (!query.users.is_empty())
            .then(|| serde_json::to_string(&query.users))
            .transpose()?;
        let batches = (!query.batches.is_empty())
            .then(|| serde_json::to_string(&query.batches))
            .transpose()?;
        self.read_blocking(move |conn| {
            let mut stmt = conn.prepare_cached(PERFORMANCE_SQL)?;
            let rows = stmt
                .query_map(
                    params![
                        project.as_str(),
                        organization.as_str(),
                        from,
                        to,
                        users,
                        batches
                    ],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            PerformanceTotals {
                                labels_submitted: r.get(1)?,
                                annotations: r.get(2)?,
                                labeling_time_seconds: r.get(3)?,
                                reviews: r.get(4)?,
                                reviews_accepted: r.get(5)?,
                                review_time_seconds: r.get(7)?,
                                reviews_rejected: r.get(6)?,
                                skips: r.get(8)?,
                            },
                        ))
                    },
                )?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }
}
