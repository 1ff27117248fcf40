//! POST /v2/performance/{id}: window, users and batches filters in both shapes; bad bodies.

use serde_json::{Value, json};

use crate::performance::{BATCH_A, BATCH_B, ZERO, fixture, rows, totals};

#[tokio::test]
async fn windows_users_and_batches_filter_in_both_shapes() {
    let f = fixture().await;
    f.record_all().await;
    let key = f.app.admin.key.clone();
    let ann_of = |report: &Value| {
        rows(report)
            .into_iter()
            .find(|r| r.0 == "ann@example.com")
            .unwrap()
            .2
    };
    // The documented shape: a window, inclusive at both ends.
    let report = f
        .report(
            &key,
            json!({"startDate": "2025-02-01T00:00:00Z", "endDate": "2025-03-31T00:00:00Z"}),
        )
        .await;
    assert_eq!(
        (&report["from"], &report["to"]),
        (
            &json!("2025-02-01T00:00:00.000Z"),
            &json!("2025-03-31T00:00:00.000Z")
        )
    );
    assert_eq!(
        ann_of(&report),
        [2.0, 17.0, 50.5, 25.3, 0.0, 0.0, 0.0, 0.0, 1.0]
    );
    assert_eq!(totals(&report), [3.0, 18.0, 54.5, 2.0, 1.0, 1.0, 12.5, 1.0]);
    let instant =
        json!({"startDate": "2025-03-10T12:00:00Z", "endDate": "2025-03-10T12:00:00.000000000Z"});
    assert_eq!(
        totals(&f.report(&key, instant).await),
        [1.0, 7.0, 20.0, 1.0, 1.0, 0.0, 5.0, 0.0]
    );
    // The SDK's shape: microseconds and a batch filter.
    let sdk = json!({"interval": ["2025-03-11T00:00:00.000000Z", "2025-03-31T00:00:00.000000Z"]});
    assert_eq!(
        totals(&f.report(&key, sdk).await),
        [2.0, 11.0, 34.5, 1.0, 0.0, 1.0, 7.5, 1.0]
    );
    let batch_a = f.report(&key, json!({"batches": [BATCH_A]})).await;
    assert_eq!(
        ann_of(&batch_a),
        [2.0, 15.0, 40.5, 20.3, 0.0, 0.0, 0.0, 0.0, 1.0]
    );
    assert_eq!(totals(&batch_a), [3.0, 16.0, 44.5, 1.0, 1.0, 0.0, 5.0, 1.0]);
    // Both shapes at once cover the overlap of the windows.
    let combined = json!({"startDate": "2025-01-01T00:00:00Z", "endDate": "2025-03-10T23:59:59Z",
        "interval": ["2025-03-01T00:00:00.000000Z", "2025-04-01T00:00:00.000000Z"],
        "users": ["ANN@example.com", "bob@example.com"], "batches": [BATCH_B]});
    let report = f.report(&key, combined).await;
    assert_eq!(report["from"], "2025-03-01T00:00:00.000Z");
    assert_eq!(report["to"], "2025-03-10T23:59:59.000Z");
    assert_eq!(
        rows(&report),
        vec![
            (
                "ann@example.com".into(),
                json!("Labeler"),
                [1.0, 7.0, 20.0, 20.0, 0.0, 0.0, 0.0, 0.0, 0.0]
            ),
            ("bob@example.com".into(), json!("Reviewer"), ZERO),
        ]
    );
    assert_eq!(totals(&report), [1.0, 7.0, 20.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    // A users filter also reaches people with activity who are no longer members.
    let dan = f.report(&key, json!({"users": ["dan@example.com"]})).await;
    assert_eq!(
        rows(&dan),
        vec![(
            "dan@example.com".into(),
            Value::Null,
            [1.0, 1.0, 4.0, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0]
        )]
    );
    assert_eq!(totals(&dan), [1.0, 1.0, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
}

#[tokio::test]
async fn bad_bodies_are_rejected() {
    let f = fixture().await;
    let path = format!("/v2/performance/{}", f.id);
    for (body, code, names) in [
        (
            json!({"batches": ["65a0c0ffee00000000000ccc"]}),
            "VALIDATION_FAILED",
            "batches[0]",
        ),
        (
            json!({"batches": [BATCH_A, "65a0c0ffee00000000000ccc"]}),
            "VALIDATION_FAILED",
            "batches[1]",
        ),
        (json!({"batches": ["nope"]}), "INVALID_ID", "batches[0]"),
        (
            json!({"startDate": "2025-02-01T00:00:00Z", "endDate": "2025-01-01T00:00:00Z"}),
            "VALIDATION_FAILED",
            "endDate",
        ),
        (
            json!({"interval": ["2025-02-01T00:00:00Z", "2025-01-01T00:00:00Z"]}),
            "VALIDATION_FAILED",
            "interval",
        ),
        (
            json!({"interval": ["2025-02-01T00:00:00Z"]}),
            "VALIDATION_FAILED",
            "interval",
        ),
        (
            json!({"startDate": "yesterday"}),
            "VALIDATION_FAILED",
            "startDate",
        ),
        (
            json!({"users": ["not-an-email"]}),
            "VALIDATION_FAILED",
            "users[0]",
        ),
        (
            json!({"user": ["ann@example.com"]}),
            "VALIDATION_FAILED",
            "user",
        ),
    ] {
        f.app
            .post(&f.app.admin.key, &path, body)
            .await
            .expect_error(400, code, names);
    }
}
