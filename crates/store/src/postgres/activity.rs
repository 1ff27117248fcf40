//! PostgreSQL: task activity and the performance aggregation over it.

use async_trait::async_trait;

use annohub_domain::Id;
use annohub_domain::performance::{Activity, ActivityKind, PerformanceQuery, PerformanceTotals};

use super::PgStore;
use crate::ActivityStore;
use crate::error::{StoreError, StoreResult};

/// Per-user sums of one project's activity, filtered by window, users and batches.
const PERFORMANCE_SQL: &str = "SELECT a.user_email,
    CAST(SUM(CASE WHEN a.kind = 'submit' THEN 1 ELSE 0 END) AS BIGINT),
    CAST(SUM(CASE WHEN a.kind = 'submit' THEN a.annotations ELSE 0 END) AS BIGINT),
    SUM(CASE WHEN a.kind = 'submit' THEN a.duration_seconds ELSE 0 END),
    CAST(SUM(CASE WHEN a.kind = 'review' THEN 1 ELSE 0 END) AS BIGINT),
    CAST(SUM(CASE WHEN a.kind = 'review' AND a.accepted = 1 THEN 1 ELSE 0 END) AS BIGINT),
    CAST(SUM(CASE WHEN a.kind = 'review' AND a.accepted = 0 THEN 1 ELSE 0 END) AS BIGINT),
    SUM(CASE WHEN a.kind = 'review' THEN a.duration_seconds ELSE 0 END),
    CAST(SUM(CASE WHEN a.kind = 'skip' THEN 1 ELSE 0 END) AS BIGINT)
  FROM task_activity a JOIN projects p ON p.id = a.project_id
  WHERE a.project_id = $1 AND p.organization_id = $2
    AND ($3 IS NULL OR a.at >= $3) AND ($4 IS NULL OR a.at <= $4)
    AND ($5 IS NULL OR a.user_email = ANY($5))
    AND ($6 IS NULL OR a.batch_id = ANY($6))
  GROUP BY a.user_email ORDER BY a.user_email";

type PerformanceRow = (String, i64, i64, f64, i64, i64, i64, f64, i64);

#[async_trait]
impl ActivityStore for PgStore {
    async fn record_activity(&self, organization: &Id, activity: &Activity) -> StoreResult<()> {
        let (kind, accepted) = match activity.kind {
            ActivityKind::Submit => ("submit", None),
            ActivityKind::Review { accepted } => ("review", Some(i16::from(accepted))),
            ActivityKind::Skip => ("skip", None),
        };
        // One statement: the row is written only when the project is the organization's.
        let inserted = sqlx::query(
            "INSERT INTO task_activity (project_id, user_email, batch_id, kind, accepted,
             annotations, duration_seconds, at)
             SELECT p.id, $3, $4, $5, $6, $7, $8, $9 FROM projects p
             WHERE p.id = $1 AND p.organization_id = $2",
        )
        .bind(activity.project_id.as_str())
        .bind(organization.as_str())
        .bind(&activity.user_email)
        .bind(activity.batch_id.as_ref().map(Id::as_str))
        .bind(kind)
        .bind(accepted)
        .bind(activity.annotations)
        .bind(activity.duration_seconds)
        .bind(activity.at.millis())
        .execute(&self.pool)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(StoreError::NotFound("project"));
        }
        Ok(())
    }

    async fn performance(
        &self,
        organization: &Id,
        project: &Id,
        query: &PerformanceQuery,
    ) -> StoreResult<Vec<(String, PerformanceTotals)>> {
        let users = (!query.users.is_empty()).then_some(&query.users);
        let batches: Option<Vec<&str>> =
            (!query.batches.is_empty()).then(|| query.batches.iter().map(Id::as_str).collect());
        let rows: Vec<PerformanceRow> = sqlx::query_as(PERFORMANCE_SQL)
            .bind(project.as_str())
            .bind(organization.as_str())
            .bind(query.from.map(|t| t.millis()))
            .bind(query.to.map(|t| t.millis()))
            .bind(users)
            .bind(batches)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let totals = PerformanceTotals {
                    labels_submitted: row.1,
                    annotations: row.2,
                    labeling_time_seconds: row.3,
                    reviews: row.4,
                    reviews_accepted: row.5,
                    reviews_rejected: row.6,
                    review_time_seconds: row.7,
                    skips: row.8,
                };
                (row.0, totals)
            })
            .collect())
    }
}
