//! Labeling performance: the report's query, the activity it is computed from, and its rows.

use serde::Serialize;
use serde_json::Value;

use crate::error::{DomainError, DomainResult};
use crate::fields::{Fields, normalize_email, type_name};
use crate::id::Id;
use crate::role::ProjectRole;
use crate::time::Timestamp;

/// What a performance report covers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PerformanceQuery {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    /// Only these users (lowercased emails); empty means everyone.
    pub users: Vec<String>,
    /// Only activity in these batches; empty means all.
    pub batches: Vec<Id>,
}

impl PerformanceQuery {
    /// Parses `{startDate, endDate, users}` and/or `{interval: [start, end], batches}`;
    /// when both windows are given the report covers their overlap.
    pub fn parse(body: Option<Value>) -> DomainResult<Self> {
        let Some(body) = body else {
            return Ok(Self::default());
        };
        let mut fields = Fields::from_value(body, "")?;
        let mut from = timestamp(&mut fields, "startDate")?;
        let mut to = timestamp(&mut fields, "endDate")?;
        let mut window_field = "endDate";
        if let Some(interval) = fields.array("interval")? {
            window_field = "interval";
            if interval.len() != 2 {
                return Err(fields.error(
                    "interval",
                    format!("must be [start, end], got {} values", interval.len()),
                ));
            }
            let start = interval_bound(&interval[0], "interval[0]")?;
            let end = interval_bound(&interval[1], "interval[1]")?;
            from = from.max(Some(start));
            to = Some(to.map_or(end, |t| t.min(end)));
        }
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(DomainError::field(
                window_field,
                "must not end before it starts (the window given by startDate, endDate and interval is empty)",
            ));
        }
        let users = match fields.array("users")? {
            None => Vec::new(),
            Some(items) => items
                .iter()
                .enumerate()
                .map(|(i, u)| match u {
                    Value::String(s) => normalize_email(&format!("users[{i}]"), s),
                    other => Err(DomainError::field(
                        format!("users[{i}]"),
                        format!("must be an email, got {}", type_name(other)),
                    )),
                })
                .collect::<DomainResult<_>>()?,
        };
        let batches = match fields.array("batches")? {
            None => Vec::new(),
            Some(items) => items
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    let field = format!("batches[{i}]");
                    match b {
                        Value::String(s) => Id::parse(&field, s),
                        other => Err(DomainError::field(
                            field,
                            format!("must be a batch id, got {}", type_name(other)),
                        )),
                    }
                })
                .collect::<DomainResult<_>>()?,
        };
        fields.finish()?;
        Ok(PerformanceQuery {
            from,
            to,
            users,
            batches,
        })
    }
}

fn timestamp(fields: &mut Fields, key: &str) -> DomainResult<Option<Timestamp>> {
    match fields.take(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Timestamp::parse(key, &s).map(Some),
        Some(other) => Err(fields.error(
            key,
            format!("must be an RFC 3339 timestamp, got {}", type_name(&other)),
        )),
    }
}

fn interval_bound(value: &Value, field: &str) -> DomainResult<Timestamp> {
    match value {
        Value::String(s) => Timestamp::parse(field, s),
        other => Err(DomainError::field(
            field,
            format!("must be an RFC 3339 timestamp, got {}", type_name(other)),
        )),
    }
}

/// One unit of work recorded against a project.
#[derive(Clone, Debug, PartialEq)]
pub struct Activity {
    pub project_id: Id,
    pub user_email: String,
    pub batch_id: Option<Id>,
    pub kind: ActivityKind,
    /// Labels (annotations) produced, for submissions.
    pub annotations: i64,
    /// Active time spent, in seconds.
    pub duration_seconds: f64,
    pub at: Timestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActivityKind {
    Submit,
    Review { accepted: bool },
    Skip,
}

/// The counters of one user, or of everyone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PerformanceTotals {
    /// Submitted labels (tasks).
    pub labels_submitted: i64,
    /// Annotations in those labels.
    pub annotations: i64,
    /// Active labeling time.
    pub labeling_time_seconds: f64,
    /// Reviews done.
    pub reviews: i64,
    /// Reviews that accepted the label.
    pub reviews_accepted: i64,
    /// Reviews that rejected the label.
    pub reviews_rejected: i64,
    /// Active review time.
    pub review_time_seconds: f64,
    /// Skipped tasks.
    pub skips: i64,
}

impl PerformanceTotals {
    pub fn add(&mut self, other: &PerformanceTotals) {
        self.labels_submitted += other.labels_submitted;
        self.annotations += other.annotations;
        self.labeling_time_seconds += other.labeling_time_seconds;
        self.reviews += other.reviews;
        self.reviews_accepted += other.reviews_accepted;
        self.reviews_rejected += other.reviews_rejected;
        self.review_time_seconds += other.review_time_seconds;
        self.skips += other.skips;
    }
}

/// One user's row of the report.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserPerformance {
    /// The user's email.
    pub user: String,
    /// The user's current project role, or null for a former member with activity.
    pub role: Option<ProjectRole>,
    /// Submitted labels (tasks).
    pub labels_submitted: i64,
    /// Annotations in those labels.
    pub annotations: i64,
    /// Active labeling time.
    pub labeling_time_seconds: f64,
    /// `labelingTimeSeconds / labelsSubmitted`, to one decimal (0 without submissions).
    pub avg_labeling_time_seconds: f64,
    /// Reviews done.
    pub reviews: i64,
    /// Reviews that accepted the label.
    pub reviews_accepted: i64,
    /// Reviews that rejected the label.
    pub reviews_rejected: i64,
    /// Active review time.
    pub review_time_seconds: f64,
    /// Skipped tasks.
    pub skips: i64,
}

impl UserPerformance {
    pub fn new(user: String, role: Option<ProjectRole>, t: &PerformanceTotals) -> Self {
        let avg = if t.labels_submitted > 0 {
            t.labeling_time_seconds / t.labels_submitted as f64
        } else {
            0.0
        };
        UserPerformance {
            user,
            role,
            labels_submitted: t.labels_submitted,
            annotations: t.annotations,
            labeling_time_seconds: t.labeling_time_seconds,
            avg_labeling_time_seconds: (avg * 10.0).round() / 10.0,
            reviews: t.reviews,
            reviews_accepted: t.reviews_accepted,
            reviews_rejected: t.reviews_rejected,
            review_time_seconds: t.review_time_seconds,
            skips: t.skips,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_shapes_combine_to_their_overlap() {
        let q = PerformanceQuery::parse(Some(json!({
            "startDate": "2025-01-01T00:00:00Z", "endDate": "2025-03-01T00:00:00Z",
            "interval": ["2025-02-01T00:00:00.000000Z", "2025-04-01T00:00:00.000000Z"],
            "users": ["Ann@Example.com"]})))
        .unwrap();
        assert_eq!(q.from.unwrap().to_string(), "2025-02-01T00:00:00.000Z");
        assert_eq!(q.to.unwrap().to_string(), "2025-03-01T00:00:00.000Z");
        assert_eq!(q.users, vec!["ann@example.com"]);
    }

    #[test]
    fn reversed_window_and_bad_values_are_rejected() {
        assert!(
            PerformanceQuery::parse(Some(
                json!({"startDate": "2025-02-01T00:00:00Z", "endDate": "2025-01-01T00:00:00Z"})
            ))
            .is_err()
        );
        assert!(
            PerformanceQuery::parse(Some(json!({"interval": ["2025-02-01T00:00:00Z"]}))).is_err()
        );
        assert!(PerformanceQuery::parse(Some(json!({"batches": ["nope"]}))).is_err());
        assert_eq!(
            PerformanceQuery::parse(None).unwrap(),
            PerformanceQuery::default()
        );
    }
}
