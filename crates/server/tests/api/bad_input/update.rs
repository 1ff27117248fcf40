//! Catalogue rows for update: the shared field rows, changed read-only fields, If-Match.

use axum::http::Method;
use serde_json::{Value, json};

use super::fields::{merge, out_of_range, shared_rules, with, wrong_types};
use super::{Body, Case, Fixture, INVALID_ID, VF, case};

fn update(body: Value, names: &str) -> Case {
    case(
        Method::POST,
        "/v2/project/<p>",
        Body::Json(body),
        400,
        VF,
        names,
    )
}

fn update_cases() -> Vec<Case> {
    let base = json!({"description": "would change"});
    let mut cases = Vec::new();
    for (key, value, names) in wrong_types().into_iter().chain(out_of_range()) {
        cases.push(update(with(&base, key, value), names));
    }
    for (extra, names) in shared_rules() {
        cases.push(update(merge(&base, &extra), names));
    }
    let changed: Vec<(&str, Value)> = vec![
        ("_id", json!("<gone>")),
        ("_id", json!(5)),
        ("owner", json!("free@fx.test")),
        ("organization", json!("<gone>")),
        ("type", json!("pct")),
        ("type", json!("video")),
        ("type", json!(null)),
        ("queueVersion", json!(3)),
        ("queueVersion", json!("2")),
        ("assetCount", json!(7)),
        ("deleted", json!(true)),
        ("createdAt", json!("2020-01-01T00:00:00.000Z")),
        ("createdAt", json!("yesterday")),
        ("updatedAt", json!("2020-01-01T00:00:00.000Z")),
        ("assetBuilderTemplates", json!([])),
    ];
    for (key, value) in changed {
        cases.push(update(
            with(&base, key, value),
            &format!("{key} is read-only"),
        ));
    }
    cases.extend([
        update(json!({"name": ""}), "name must not be empty"),
        update(
            json!({"_id": "<p>", "owner": "admin@localhost", "deleted": true}),
            "deleted is read-only",
        ),
        case(
            Method::POST,
            "/v2/project/<p>",
            Body::Json(with(
                &base,
                "batches",
                json!([{"name": "b", "_id": "<p>x"}]),
            )),
            400,
            INVALID_ID,
            "batches[0]._id",
        ),
        case(
            Method::POST,
            "/v2/project/<p>",
            Body::Json(base.clone()),
            412,
            "PRECONDITION_FAILED",
            "If-Match",
        )
        .header("if-match", "\"999999\""),
        case(
            Method::POST,
            "/v2/project/<p>",
            Body::Json(base.clone()),
            412,
            "PRECONDITION_FAILED",
            "If-Match",
        )
        .header("if-match", "garbage"),
    ]);
    cases
}

#[tokio::test]
async fn update_rejects_every_bad_field_and_changes_nothing() {
    Fixture::new().await.run("update", update_cases()).await;
}
