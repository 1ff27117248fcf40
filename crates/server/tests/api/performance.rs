//! POST /v2/performance/{id}: the aggregation over recorded activity, zero rows, own-row views.

use axum::http::Method;
use serde_json::{Value, json};

use annohub_domain::performance::{Activity, ActivityKind};
use annohub_domain::{Id, Timestamp};

use crate::support::{TestApp, User};

pub const BATCH_A: &str = "65a0c0ffee00000000000aaa";
pub const BATCH_B: &str = "65a0c0ffee00000000000bbb";

pub struct Fixture {
    pub app: TestApp,
    pub id: String,
    pub ann: User,
    pub bob: User,
    pub cat: User,
}

/// ann Labeler, bob Reviewer, cat Lead, with two batches and no activity yet.
pub async fn fixture() -> Fixture {
    let app = TestApp::new().await;
    let ann = app.member("ann@example.com").await;
    let bob = app.member("bob@example.com").await;
    let cat = app.member("cat@example.com").await;
    let project = app
        .create_project(
            &app.admin.key,
            json!({"name": "Perf",
                "batches": [{"_id": BATCH_A, "name": "A"}, {"_id": BATCH_B, "name": "B"}]}),
        )
        .await;
    let id = crate::support::id_of(&project);
    app.assign(&id, "Labeler", &[&ann.email]).await;
    app.assign(&id, "Reviewer", &[&bob.email]).await;
    app.assign(&id, "Lead", &[&cat.email]).await;
    Fixture {
        app,
        id,
        ann,
        bob,
        cat,
    }
}

impl Fixture {
    /// ann: 3 submits and a skip; bob: 2 reviews; dan (not a member): 1 submit.
    pub async fn record_all(&self) {
        use ActivityKind::{Review, Skip, Submit};
        let (yes, no) = (Review { accepted: true }, Review { accepted: false });
        let activity = [
            (
                "ann@example.com",
                BATCH_A,
                Submit,
                5,
                10.0,
                "2025-01-10T12:00:00Z",
            ),
            (
                "ann@example.com",
                BATCH_B,
                Submit,
                7,
                20.0,
                "2025-03-10T12:00:00Z",
            ),
            (
                "ann@example.com",
                BATCH_A,
                Submit,
                10,
                30.5,
                "2025-03-11T12:00:00Z",
            ),
            (
                "ann@example.com",
                BATCH_A,
                Skip,
                0,
                2.0,
                "2025-03-12T12:00:00Z",
            ),
            (
                "bob@example.com",
                BATCH_A,
                yes,
                0,
                5.0,
                "2025-03-10T12:00:00Z",
            ),
            (
                "bob@example.com",
                BATCH_B,
                no,
                0,
                7.5,
                "2025-03-15T12:00:00Z",
            ),
            (
                "dan@example.com",
                BATCH_A,
                Submit,
                1,
                4.0,
                "2025-03-20T12:00:00Z",
            ),
        ];
        for (who, batch, kind, annotations, seconds, at) in activity {
            let activity = Activity {
                project_id: Id::parse("id", &self.id).unwrap(),
                user_email: who.to_string(),
                batch_id: Some(Id::parse("batch", batch).unwrap()),
                kind,
                annotations,
                duration_seconds: seconds,
                at: Timestamp::parse("at", at).unwrap(),
            };
            let store = &self.app.state.store;
            store
                .record_activity(&self.app.org, &activity)
                .await
                .expect("record activity");
        }
    }

    pub async fn report(&self, key: &str, body: Value) -> Value {
        let path = format!("/v2/performance/{}", self.id);
        self.app
            .post(key, &path, body)
            .await
            .expect_status(200)
            .data()["performance"]
            .clone()
    }
}

/// `[labelsSubmitted, annotations, labelingTimeSeconds, avgLabelingTimeSeconds, reviews,
/// reviewsAccepted, reviewsRejected, reviewTimeSeconds, skips]` of a row.
pub fn counters(row: &Value) -> [f64; 9] {
    [
        "labelsSubmitted",
        "annotations",
        "labelingTimeSeconds",
        "avgLabelingTimeSeconds",
        "reviews",
        "reviewsAccepted",
        "reviewsRejected",
        "reviewTimeSeconds",
        "skips",
    ]
    .map(|k| row[k].as_f64().unwrap_or_else(|| panic!("{k} in {row}")))
}

/// The rows of a report by user: `(user, role, counters)`.
pub fn rows(report: &Value) -> Vec<(String, Value, [f64; 9])> {
    report["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["user"].as_str().unwrap().to_string(),
                r["role"].clone(),
                counters(r),
            )
        })
        .collect()
}

pub fn totals(report: &Value) -> [f64; 8] {
    let t = &report["totals"];
    [
        "labelsSubmitted",
        "annotations",
        "labelingTimeSeconds",
        "reviews",
        "reviewsAccepted",
        "reviewsRejected",
        "reviewTimeSeconds",
        "skips",
    ]
    .map(|k| t[k].as_f64().unwrap_or_else(|| panic!("totals.{k} in {t}")))
}

pub const ZERO: [f64; 9] = [0.0; 9];

#[tokio::test]
async fn every_member_has_a_zero_row_without_activity() {
    let f = fixture().await;
    for body in [None, Some(json!({}))] {
        let path = format!("/v2/performance/{}", f.id);
        let mut req = f.app.req(Method::POST, &path).key(&f.app.admin.key);
        req = match &body {
            Some(b) => req.json(b),
            // The SDK's GET-style calls carry the JSON content type and no body.
            None => req.body("application/json", Vec::new()),
        };
        let report = req.send().await.expect_status(200).data()["performance"].clone();
        assert_eq!(report["projectId"], f.id.as_str());
        assert_eq!(
            (&report["from"], &report["to"]),
            (&Value::Null, &Value::Null)
        );
        assert_eq!(
            rows(&report),
            vec![
                ("admin@localhost".into(), json!("Manager"), ZERO),
                ("ann@example.com".into(), json!("Labeler"), ZERO),
                ("bob@example.com".into(), json!("Reviewer"), ZERO),
                ("cat@example.com".into(), json!("Lead"), ZERO),
            ]
        );
        assert_eq!(totals(&report), [0.0; 8]);
    }
}

#[tokio::test]
async fn activity_is_summed_per_user_with_former_members_included() {
    let f = fixture().await;
    f.record_all().await;
    let report = f.report(&f.app.admin.key, json!({})).await;
    assert_eq!(
        rows(&report),
        vec![
            ("admin@localhost".into(), json!("Manager"), ZERO),
            (
                "ann@example.com".into(),
                json!("Labeler"),
                [3.0, 22.0, 60.5, 20.2, 0.0, 0.0, 0.0, 0.0, 1.0]
            ),
            (
                "bob@example.com".into(),
                json!("Reviewer"),
                [0.0, 0.0, 0.0, 0.0, 2.0, 1.0, 1.0, 12.5, 0.0]
            ),
            ("cat@example.com".into(), json!("Lead"), ZERO),
            (
                "dan@example.com".into(),
                Value::Null,
                [1.0, 1.0, 4.0, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0]
            ),
        ]
    );
    assert_eq!(totals(&report), [4.0, 23.0, 64.5, 2.0, 1.0, 1.0, 12.5, 1.0]);
}

#[tokio::test]
async fn labelers_and_reviewers_see_only_their_own_row() {
    let f = fixture().await;
    f.record_all().await;
    let own = f.report(&f.ann.key, json!({})).await;
    assert_eq!(
        rows(&own),
        vec![(
            "ann@example.com".into(),
            json!("Labeler"),
            [3.0, 22.0, 60.5, 20.2, 0.0, 0.0, 0.0, 0.0, 1.0]
        )]
    );
    assert_eq!(totals(&own), [3.0, 22.0, 60.5, 0.0, 0.0, 0.0, 0.0, 1.0]);
    // Asking for someone else gives nothing more.
    let asked = f
        .report(
            &f.bob.key,
            json!({"users": ["ann@example.com", "bob@example.com"]}),
        )
        .await;
    assert_eq!(
        rows(&asked),
        vec![(
            "bob@example.com".into(),
            json!("Reviewer"),
            [0.0, 0.0, 0.0, 0.0, 2.0, 1.0, 1.0, 12.5, 0.0]
        )]
    );
    assert_eq!(totals(&asked), [0.0, 0.0, 0.0, 2.0, 1.0, 1.0, 12.5, 0.0]);
    let lead = f.report(&f.cat.key, json!({})).await;
    assert_eq!(rows(&lead).len(), 5);
    assert_eq!(totals(&lead), [4.0, 23.0, 64.5, 2.0, 1.0, 1.0, 12.5, 1.0]);
}
