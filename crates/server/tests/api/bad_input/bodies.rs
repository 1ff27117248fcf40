//! Catalogue rows for the sub-resource bodies: assignments, templates, performance queries.

use axum::http::Method;
use serde_json::{Value, json};

use super::{Body, Case, Fixture, INVALID_ID, VF, case, long};

fn post(path: &str, body: Value, names: &str) -> Case {
    case(Method::POST, path, Body::Json(body), 400, VF, names)
}

fn assign_cases() -> Vec<Case> {
    let path = "/v2/project/<p>/assigned";
    let many: Vec<String> = (0..1001).map(|i| format!("u{i}@fx.test")).collect();
    vec![
        post(path, json!({}), "role is required"),
        post(
            path,
            json!({"assignees": ["free@fx.test"]}),
            "role is required",
        ),
        post(path, json!({"role": "Lead"}), "assignees is required"),
        post(
            path,
            json!({"role": "Owner", "assignees": ["free@fx.test"]}),
            "role must be one of",
        ),
        post(
            path,
            json!({"role": "lead", "assignees": ["free@fx.test"]}),
            "role",
        ),
        post(
            path,
            json!({"role": 5, "assignees": ["free@fx.test"]}),
            "role",
        ),
        post(
            path,
            json!({"role": null, "assignees": ["free@fx.test"]}),
            "role",
        ),
        post(
            path,
            json!({"role": "Lead", "assignees": "free@fx.test"}),
            "assignees must be an array",
        ),
        post(
            path,
            json!({"role": "Lead", "assignees": []}),
            "assignees must list 1 to 1000 emails, got 0",
        ),
        post(
            path,
            json!({"role": "Lead", "assignees": many}),
            "assignees must list 1 to 1000 emails, got 1001",
        ),
        post(
            path,
            json!({"role": "Lead", "assignees": [5]}),
            "assignees[0]",
        ),
        post(
            path,
            json!({"role": "Lead", "assignees": [null]}),
            "assignees[0]",
        ),
        post(
            path,
            json!({"role": "Lead", "assignees": ["free@fx.test", "not-an-email"]}),
            "assignees[1]",
        ),
        post(
            path,
            json!({"role": "Lead", "assignees": ["a@b@c"]}),
            "assignees[0]",
        ),
        post(
            path,
            json!({"role": "Lead", "assignees": ["a b@fx.test"]}),
            "assignees[0]",
        ),
        post(
            path,
            json!({"role": "Lead", "assignees": [""]}),
            "assignees[0]",
        ),
        post(
            path,
            json!({"role": "Lead", "assignees": ["free\u{0}@fx.test"]}),
            "assignees[0]",
        ),
        post(
            path,
            json!({"role": "Lead", "assignees": ["ghost@nowhere.test"]}),
            "ghost@nowhere.test",
        ),
        post(
            path,
            json!({"role": "Lead", "assignees": ["free@fx.test", "ghost@nowhere.test", "labeler@fx.test"]}),
            "ghost@nowhere.test",
        ),
        post(
            path,
            json!({"role": "Lead", "assignees": ["free@fx.test"], "roles": "x"}),
            "roles is not a known field",
        ),
        case(
            Method::POST,
            path,
            Body::Json(json!({"role": "Lead", "assignees": ["free@fx.test"]})),
            412,
            "PRECONDITION_FAILED",
            "If-Match",
        )
        .header("if-match", "\"999999\""),
    ]
}

fn template_cases() -> Vec<Case> {
    let path = "/v2/project/<p>/assetBuilderTemplates";
    let sdk = |changes: Value| {
        let mut body = json!({"name": "sdk", "template": "<p/>", "selectedExternalId": "c1",
            "batchColumn": "", "description": "", "preLabelConfig": {},
            "dataConfig": {"c1": {"type": "image", "storage": "Public"}, "b": {"type": "text"}}});
        for (k, v) in changes.as_object().expect("an object") {
            body[k] = v.clone();
        }
        body
    };
    vec![
        post(path, json!({}), "name is required"),
        post(path, json!({"config": {}}), "name is required"),
        post(path, json!({"name": 5}), "name must be a string"),
        post(path, json!({"name": ""}), "name must not be empty"),
        post(path, json!({"name": "t\u{0}"}), "name must not contain NUL"),
        post(
            path,
            json!({"name": long(257)}),
            "name must be at most 256 characters",
        ),
        post(
            path,
            json!({"name": "t", "config": "x"}),
            "config must be an object",
        ),
        post(
            path,
            json!({"name": "t", "colour": 1}),
            "colour is not a known field",
        ),
        post(
            path,
            sdk(json!({"template": ""})),
            "template must not be empty",
        ),
        post(
            path,
            sdk(json!({"template": 5})),
            "template must be a string",
        ),
        post(path, sdk(json!({"description": 5})), "description"),
        post(
            path,
            sdk(json!({"dataConfig": {}})),
            "dataConfig must not be empty",
        ),
        post(
            path,
            sdk(json!({"dataConfig": []})),
            "dataConfig must be an object",
        ),
        post(
            path,
            sdk(json!({"dataConfig": {"c1": "image"}})),
            "dataConfig.c1 must be an object",
        ),
        post(
            path,
            sdk(json!({"dataConfig": {"c1": {"type": "img"}}})),
            "dataConfig.c1.type must be one of",
        ),
        post(
            path,
            sdk(json!({"dataConfig": {"c1": {"storage": "Public"}}})),
            "dataConfig.c1.type is required",
        ),
        post(
            path,
            sdk(json!({"dataConfig": {"c1": {"type": "image"}}})),
            "dataConfig.c1.storage is required",
        ),
        post(
            path,
            sdk(json!({"dataConfig": {"c1": {"type": "pdf", "storage": ""}}})),
            "dataConfig.c1.storage",
        ),
        post(
            path,
            sdk(json!({"selectedExternalId": "nope"})),
            "selectedExternalId must name a column",
        ),
        post(
            path,
            sdk(json!({"selectedExternalId": 5})),
            "selectedExternalId must be a string",
        ),
        post(
            path,
            sdk(json!({"batchColumn": "nope"})),
            "batchColumn must name a column",
        ),
        post(
            path,
            sdk(json!({"preLabelConfig": "x"})),
            "preLabelConfig must be an object",
        ),
        post(
            path,
            json!({"name": "t", "selectedExternalId": "c1"}),
            "selectedExternalId",
        ),
        case(
            Method::POST,
            path,
            Body::Json(json!({"name": "tpl", "config": {}})),
            409,
            "CONFLICT",
            "tpl",
        ),
        case(
            Method::POST,
            path,
            Body::Json(sdk(json!({"name": "tpl"}))),
            409,
            "CONFLICT",
            "tpl",
        ),
    ]
}

fn performance_cases() -> Vec<Case> {
    let path = "/v2/performance/<p>";
    let (jan, feb) = ("2025-01-01T00:00:00Z", "2025-02-01T00:00:00.000000Z");
    vec![
        post(
            path,
            json!({"startDate": feb, "endDate": jan}),
            "endDate must not end before it starts",
        ),
        post(
            path,
            json!({"interval": [feb, jan]}),
            "interval must not end before it starts",
        ),
        post(
            path,
            json!({"startDate": feb, "interval": [jan, jan]}),
            "interval",
        ),
        post(
            path,
            json!({"interval": [jan]}),
            "interval must be [start, end], got 1 values",
        ),
        post(path, json!({"interval": [jan, feb, feb]}), "interval"),
        post(path, json!({"interval": jan}), "interval must be an array"),
        post(path, json!({"interval": [1, 2]}), "interval[0]"),
        post(path, json!({"interval": [jan, "tomorrow"]}), "interval[1]"),
        post(
            path,
            json!({"startDate": "yesterday"}),
            "startDate must be an RFC 3339 timestamp",
        ),
        post(path, json!({"startDate": "2025-01-01"}), "startDate"),
        post(path, json!({"endDate": "2025-13-01T00:00:00Z"}), "endDate"),
        post(path, json!({"endDate": "2025-01-01T00:00:00"}), "endDate"),
        post(path, json!({"startDate": 1_735_689_600}), "startDate"),
        post(
            path,
            json!({"users": "ann@fx.test"}),
            "users must be an array",
        ),
        post(path, json!({"users": [5]}), "users[0]"),
        post(path, json!({"users": ["nope"]}), "users[0]"),
        post(path, json!({"users": ["ann\u{0}@fx.test"]}), "users[0]"),
        post(
            path,
            json!({"batches": "<batch>"}),
            "batches must be an array",
        ),
        post(path, json!({"batches": [5]}), "batches[0]"),
        case(
            Method::POST,
            path,
            Body::Json(json!({"batches": ["nope"]})),
            400,
            INVALID_ID,
            "batches[0]",
        ),
        case(
            Method::POST,
            path,
            Body::Json(json!({"batches": ["<batch>", "BAD"]})),
            400,
            INVALID_ID,
            "batches[1]",
        ),
        post(path, json!({"batches": ["<gone>"]}), "batches[0]"),
        post(
            path,
            json!({"batches": ["<batch>", "<barebatch>"]}),
            "batches[1]",
        ),
        post(
            path,
            json!({"users": ["ann@fx.test"], "colour": 1}),
            "colour is not a known field",
        ),
        post(path, json!({"start": jan}), "start is not a known field"),
    ]
}

#[tokio::test]
async fn bad_assignments() {
    Fixture::new().await.run("assign", assign_cases()).await;
}

#[tokio::test]
async fn templates_violating_the_sdk_rules() {
    Fixture::new()
        .await
        .run("templates", template_cases())
        .await;
}

#[tokio::test]
async fn bad_performance_windows_users_and_batches() {
    Fixture::new()
        .await
        .run("performance", performance_cases())
        .await;
}
