//! Conformance cases: recording task activity and the per-user performance sums.

use std::sync::Arc;

use serde_json::json;

use annohub_domain::performance::{Activity, ActivityKind, PerformanceQuery, PerformanceTotals};
use annohub_domain::{Id, Timestamp};
use annohub_store::{Store, StoreError};

use crate::support::{new_project, org};

/// 2025-01-01T00:00:00Z plus `minutes`.
fn at(minutes: i64) -> Timestamp {
    Timestamp::from_millis(1_735_689_600_000 + minutes * 60_000)
}

struct Recorder {
    store: Arc<dyn Store>,
    organization: Id,
    project: Id,
}

impl Recorder {
    async fn record(
        &self,
        user: &str,
        batch: Option<&Id>,
        kind: ActivityKind,
        annotations: i64,
        seconds: f64,
        minute: i64,
    ) {
        let activity = Activity {
            project_id: self.project.clone(),
            user_email: user.to_string(),
            batch_id: batch.cloned(),
            kind,
            annotations,
            duration_seconds: seconds,
            at: at(minute),
        };
        self.store
            .record_activity(&self.organization, &activity)
            .await
            .unwrap();
    }

    async fn report(&self, query: PerformanceQuery) -> Vec<(String, PerformanceTotals)> {
        self.store
            .performance(&self.organization, &self.project, &query)
            .await
            .unwrap()
    }
}

/// A project with two batches and this activity:
/// ann: submit(b1, 5 ann., 30 s, t0), submit(b2, 2, 10.5 s, t10), skip(b1, t20)
/// bob: review accepted(b1, 4 s, t5), review rejected(b2, 6 s, t15), submit(none, 1, 2 s, t30)
async fn recorded(store: Arc<dyn Store>) -> (Recorder, Id, Id) {
    let acme = org(&store, "acme", 0).await;
    let body = json!({"name": "Work", "batches": [{"name": "b1"}, {"name": "b2"}]});
    let project = store
        .create_project(&acme.admin, new_project(body))
        .await
        .unwrap();
    let (b1, b2) = (project.batches[0].id.clone(), project.batches[1].id.clone());
    let recorder = Recorder {
        store,
        organization: acme.id.clone(),
        project: project.id.clone(),
    };
    let (ann, bob) = ("ann@acme.test", "bob@acme.test");
    recorder
        .record(ann, Some(&b1), ActivityKind::Submit, 5, 30.0, 0)
        .await;
    recorder
        .record(ann, Some(&b2), ActivityKind::Submit, 2, 10.5, 10)
        .await;
    recorder
        .record(ann, Some(&b1), ActivityKind::Skip, 0, 0.0, 20)
        .await;
    recorder
        .record(
            bob,
            Some(&b1),
            ActivityKind::Review { accepted: true },
            0,
            4.0,
            5,
        )
        .await;
    recorder
        .record(
            bob,
            Some(&b2),
            ActivityKind::Review { accepted: false },
            0,
            6.0,
            15,
        )
        .await;
    recorder
        .record(bob, None, ActivityKind::Submit, 1, 2.0, 30)
        .await;
    (recorder, b1, b2)
}

fn totals(
    submitted: i64,
    annotations: i64,
    labeling: f64,
    reviews: [i64; 3],
    review_time: f64,
    skips: i64,
) -> PerformanceTotals {
    PerformanceTotals {
        labels_submitted: submitted,
        annotations,
        labeling_time_seconds: labeling,
        reviews: reviews[0],
        reviews_accepted: reviews[1],
        reviews_rejected: reviews[2],
        review_time_seconds: review_time,
        skips,
    }
}

pub async fn performance_sums_by_user(store: Arc<dyn Store>) {
    let (recorder, _, _) = recorded(store).await;
    let report = recorder.report(PerformanceQuery::default()).await;
    assert_eq!(
        report,
        vec![
            (
                "ann@acme.test".to_string(),
                totals(2, 7, 40.5, [0, 0, 0], 0.0, 1)
            ),
            (
                "bob@acme.test".to_string(),
                totals(1, 1, 2.0, [2, 1, 1], 10.0, 0)
            ),
        ]
    );
    let unknown = Activity {
        project_id: Id::generate(),
        user_email: "ann@acme.test".into(),
        batch_id: None,
        kind: ActivityKind::Skip,
        annotations: 0,
        duration_seconds: 0.0,
        at: at(0),
    };
    let err = recorder
        .store
        .record_activity(&recorder.organization, &unknown)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound("project")), "{err:?}");
}

pub async fn performance_filters_by_window_users_and_batches(store: Arc<dyn Store>) {
    let (recorder, b1, b2) = recorded(store).await;
    let ann = "ann@acme.test".to_string();
    let bob = "bob@acme.test".to_string();

    // The window includes both ends.
    let window = recorder
        .report(PerformanceQuery {
            from: Some(at(5)),
            to: Some(at(15)),
            ..Default::default()
        })
        .await;
    assert_eq!(
        window,
        vec![
            (ann.clone(), totals(1, 2, 10.5, [0, 0, 0], 0.0, 0)),
            (bob.clone(), totals(0, 0, 0.0, [2, 1, 1], 10.0, 0)),
        ]
    );
    let open_start = recorder
        .report(PerformanceQuery {
            to: Some(at(4)),
            ..Default::default()
        })
        .await;
    assert_eq!(
        open_start,
        vec![(ann.clone(), totals(1, 5, 30.0, [0, 0, 0], 0.0, 0))]
    );
    let open_end = recorder
        .report(PerformanceQuery {
            from: Some(at(16)),
            ..Default::default()
        })
        .await;
    assert_eq!(
        open_end,
        vec![
            (ann.clone(), totals(0, 0, 0.0, [0, 0, 0], 0.0, 1)),
            (bob.clone(), totals(1, 1, 2.0, [0, 0, 0], 0.0, 0)),
        ]
    );

    let only_bob = recorder
        .report(PerformanceQuery {
            users: vec![bob.clone(), "nobody@acme.test".into()],
            ..Default::default()
        })
        .await;
    assert_eq!(
        only_bob,
        vec![(bob.clone(), totals(1, 1, 2.0, [2, 1, 1], 10.0, 0))]
    );

    let batch_one = recorder
        .report(PerformanceQuery {
            batches: vec![b1.clone()],
            ..Default::default()
        })
        .await;
    assert_eq!(
        batch_one,
        vec![
            (ann.clone(), totals(1, 5, 30.0, [0, 0, 0], 0.0, 1)),
            (bob.clone(), totals(0, 0, 0.0, [1, 1, 0], 4.0, 0)),
        ]
    );
    let both_batches = recorder
        .report(PerformanceQuery {
            batches: vec![b1.clone(), b2.clone()],
            ..Default::default()
        })
        .await;
    assert_eq!(both_batches.len(), 2);
    assert_eq!(
        both_batches[1].1.labels_submitted, 0,
        "bob's batchless submit is left out"
    );

    let combined = recorder
        .report(PerformanceQuery {
            from: Some(at(1)),
            to: Some(at(60)),
            users: vec![ann.clone()],
            batches: vec![b1],
        })
        .await;
    assert_eq!(combined, vec![(ann, totals(0, 0, 0.0, [0, 0, 0], 0.0, 1))]);
    let nothing = recorder
        .report(PerformanceQuery {
            from: Some(at(100)),
            ..Default::default()
        })
        .await;
    assert!(nothing.is_empty());
}
