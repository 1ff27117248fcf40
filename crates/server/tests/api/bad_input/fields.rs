//! Catalogue rows for create, and the field rows update shares: types, range, length, enums.

use axum::http::Method;
use serde_json::{Value, json};

use super::{Body, Case, Fixture, INVALID_ID, VF, case, long};

fn create(body: Value, names: &str) -> Case {
    case(
        Method::POST,
        "/v2/project",
        Body::Json(body),
        400,
        VF,
        names,
    )
}

/// Every writable field with a value of the wrong type, and what the message must name.
pub(super) fn wrong_types() -> Vec<(&'static str, Value, &'static str)> {
    let mut rows = vec![
        ("name", json!(5), "name must be a string"),
        ("name", json!(null), "name must be a string"),
        ("name", json!(["a"]), "name must be a string"),
        ("description", json!(5), "description must be a string"),
        ("description", json!(null), "description"),
        (
            "categorySchema",
            json!("tools"),
            "categorySchema must be an object",
        ),
        (
            "categorySchema",
            json!([]),
            "categorySchema must be an object",
        ),
        ("categorySchema", json!(null), "categorySchema"),
        ("stages", json!({}), "stages must be an array"),
        ("stages", json!("Start"), "stages must be an array"),
        ("stages", json!([5]), "stages[0] must be an object"),
        ("batches", json!({}), "batches must be an array"),
        ("batches", json!([5]), "batches[0] must be an object"),
        (
            "batches",
            json!([{"name": 5}]),
            "batches[0].name must be a string",
        ),
        (
            "batches",
            json!([{"name": "b", "description": 5}]),
            "batches[0].description",
        ),
        (
            "batches",
            json!([{"name": "b", "color": 5}]),
            "batches[0].color",
        ),
        (
            "batches",
            json!([{"name": "b", "_id": 5}]),
            "batches[0]._id",
        ),
        ("assignedTo", json!({}), "assignedTo must be an array"),
        (
            "assignedTo",
            json!(["free@fx.test"]),
            "assignedTo[0] must be an object",
        ),
        (
            "assignedTo",
            json!([{"assignee": 5, "role": "Lead"}]),
            "assignedTo[0].assignee",
        ),
        (
            "assignedTo",
            json!([{"assignee": "free@fx.test", "role": 5}]),
            "assignedTo[0].role",
        ),
        (
            "benchmarkRatio",
            json!("10"),
            "benchmarkRatio must be a number",
        ),
        ("benchmarkRatio", json!(null), "benchmarkRatio"),
        (
            "instructions",
            json!(5),
            "instructions must be a string or null",
        ),
        ("instructions", json!({}), "instructions"),
        ("ocrLanguage", json!(5), "ocrLanguage must be a string"),
        ("ocrLanguage", json!(null), "ocrLanguage"),
        (
            "idleTimeout",
            json!("300"),
            "idleTimeout must be an integer",
        ),
        (
            "idleTimeout",
            json!(1.5),
            "idleTimeout must be a whole number",
        ),
        ("idleTimeout", json!(null), "idleTimeout"),
        (
            "projectPlugins",
            json!([]),
            "projectPlugins must be an object",
        ),
        ("projectPlugins", json!("on"), "projectPlugins"),
        ("pluginPresets", json!({}), "pluginPresets must be an array"),
        (
            "pluginPresets",
            json!([5]),
            "pluginPresets[0] must be an object",
        ),
        ("errorSchema", json!([]), "errorSchema must be an object"),
    ];
    for key in [
        "benchmarkEnabled",
        "benchmarkCutoff",
        "errorCodesEnabled",
        "exportStorageEnabled",
        "taskSkipEnabled",
        "unassignSkippedTask",
        "gcSyncEnabled",
    ] {
        rows.push((key, json!("true"), key));
        rows.push((key, json!(1), key));
        rows.push((key, json!(null), key));
    }
    for key in [
        "exportStorageId",
        "exportStorageBucket",
        "exportStoragePath",
    ] {
        rows.push((key, json!(5), key));
        rows.push((key, json!(true), key));
        rows.push((key, json!(["a"]), key));
    }
    rows
}

/// Values out of range or too long, valid on create and update alike.
pub(super) fn out_of_range() -> Vec<(&'static str, Value, &'static str)> {
    vec![
        (
            "benchmarkRatio",
            json!(101),
            "benchmarkRatio must be between 0 and 100",
        ),
        (
            "benchmarkRatio",
            json!(-1),
            "benchmarkRatio must be between 0 and 100",
        ),
        ("benchmarkRatio", json!(100.5), "benchmarkRatio"),
        (
            "idleTimeout",
            json!(-1),
            "idleTimeout must be between 0 and 86400",
        ),
        (
            "idleTimeout",
            json!(86_401),
            "idleTimeout must be between 0 and 86400",
        ),
        ("idleTimeout", json!(1e20), "idleTimeout"),
        (
            "name",
            json!(long(257)),
            "name must be at most 256 characters",
        ),
        (
            "name",
            json!(format!("{}é", long(256))),
            "name must be at most 256 characters",
        ),
        ("name", json!("   "), "name must not be empty"),
        (
            "name",
            json!("\u{0}"),
            "name must not contain NUL characters",
        ),
        (
            "description",
            json!("a\u{0}b"),
            "description must not contain NUL characters",
        ),
        (
            "batches",
            json!([{"name": "b\u{0}"}]),
            "batches[0].name must not contain NUL",
        ),
        (
            "batches",
            json!([{"name": "b", "description": "\u{0}"}]),
            "batches[0].description",
        ),
        (
            "assignedTo",
            json!([{"assignee": "free\u{0}@fx.test", "role": "Lead"}]),
            "assignedTo[0].assignee",
        ),
        (
            "description",
            json!(long(10_001)),
            "description must be at most 10000 characters",
        ),
        (
            "instructions",
            json!(long(2049)),
            "instructions must be at most 2048 characters",
        ),
        (
            "ocrLanguage",
            json!(long(33)),
            "ocrLanguage must be at most 32 characters",
        ),
        ("ocrLanguage", json!(""), "ocrLanguage must not be empty"),
        ("exportStorageId", json!(long(1025)), "exportStorageId"),
        ("batches", json!([{"name": long(257)}]), "batches[0].name"),
        (
            "batches",
            json!([{"name": "b", "description": long(10_001)}]),
            "batches[0].description",
        ),
    ]
}

/// Rows valid on both routes: enums, batches, members.
pub(super) fn shared_rules() -> Vec<(Value, &'static str)> {
    vec![
        (
            json!({"benchmarkRation": 5}),
            "benchmarkRation is not a known field",
        ),
        (json!({"Name": "a"}), "Name is not a known field"),
        (json!({"labelSet": {}}), "labelSet"),
        (
            json!({"batches": [{"name": "b"}, {"name": "b"}]}),
            "batches[1].name",
        ),
        (
            json!({"batches": [{"name": "b", "color": "blue"}]}),
            "batches[0].color",
        ),
        (
            json!({"batches": [{"name": "b", "color": "#ABCDEFF"}]}),
            "batches[0].color",
        ),
        (
            json!({"batches": [{"name": ""}]}),
            "batches[0].name must not be empty",
        ),
        (
            json!({"batches": [{"description": "no name"}]}),
            "batches[0].name is required",
        ),
        (
            json!({"batches": [{"name": "b", "colour": "#FFFFFF"}]}),
            "batches[0].colour",
        ),
        (
            json!({"batches": [{"name": "b", "_id": "<batch>"}, {"name": "c", "_id": "<batch>"}]}),
            "batches[1]._id",
        ),
        (
            json!({"assignedTo": [{"assignee": "nobody", "role": "Lead"}]}),
            "assignedTo[0].assignee",
        ),
        (
            json!({"assignedTo": [{"assignee": "free@fx.test", "role": "Owner"}]}),
            "assignedTo[0].role",
        ),
        (
            json!({"assignedTo": [{"assignee": "free@fx.test", "role": "labeler"}]}),
            "assignedTo[0].role",
        ),
        (
            json!({"assignedTo": [{"assignee": "free@fx.test"}]}),
            "assignedTo[0].role is required",
        ),
        (
            json!({"assignedTo": [{"role": "Lead"}]}),
            "assignedTo[0].assignee is required",
        ),
        (
            json!({"assignedTo": [{"assignee": "free@fx.test", "role": "Lead", "since": 1}]}),
            "assignedTo[0].since",
        ),
        (
            json!({"assignedTo": [{"assignee": "free@fx.test", "role": "Lead"},
                                  {"assignee": "FREE@fx.test", "role": "Labeler"}]}),
            "assignedTo[1].assignee",
        ),
        (
            json!({"assignedTo": [{"assignee": "ghost@nowhere.test", "role": "Lead"}]}),
            "ghost@nowhere.test",
        ),
    ]
}

pub(super) fn with(base: &Value, key: &str, value: Value) -> Value {
    let mut body = base.clone();
    body[key] = value;
    body
}

pub(super) fn merge(base: &Value, extra: &Value) -> Value {
    let mut body = base.clone();
    for (k, v) in extra.as_object().expect("an object") {
        body[k] = v.clone();
    }
    body
}

fn create_cases() -> Vec<Case> {
    let base = json!({"name": "Would be created"});
    let mut cases = vec![
        create(json!({}), "name is required"),
        create(json!({"description": "no name"}), "name is required"),
        create(
            json!({"name": "a", "type": "video"}),
            "type must be one of ango, pct, iframe",
        ),
        create(json!({"name": "a", "type": "Ango"}), "type"),
        create(json!({"name": "a", "type": 5}), "type"),
        create(json!({"name": "a", "type": null}), "type"),
    ];
    for (key, value, names) in wrong_types().into_iter().chain(out_of_range()) {
        cases.push(create(with(&base, key, value), names));
    }
    for (extra, names) in shared_rules() {
        cases.push(create(merge(&base, &extra), names));
    }
    for key in annohub_domain::project::READ_ONLY_FIELDS {
        let value = match *key {
            "queueVersion" => json!(2),
            "assetCount" => json!(0),
            "deleted" => json!(false),
            "assetBuilderTemplates" => json!([]),
            _ => json!("<gone>"),
        };
        cases.push(create(
            with(&base, key, value),
            &format!("{key} is read-only"),
        ));
    }
    for bad_id in ["xyz", "ABCDEF0123456789ABCDEF01", ""] {
        let body = with(&base, "batches", json!([{"name": "b", "_id": bad_id}]));
        cases.push(case(
            Method::POST,
            "/v2/project",
            Body::Json(body),
            400,
            INVALID_ID,
            "batches[0]._id",
        ));
    }
    cases
}

#[tokio::test]
async fn create_rejects_every_bad_field_and_creates_nothing() {
    Fixture::new().await.run("create", create_cases()).await;
}
