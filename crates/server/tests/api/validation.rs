//! POST /v2/project validation: every writable field's rules, each error naming the field.

use serde_json::{Value, json};

use crate::support::TestApp;

/// `levels` nested classifications, the outermost one a top-level classification.
fn nested_schema(levels: usize) -> Value {
    let mut item = json!({"tool": "text"});
    for _ in 1..levels {
        item = json!({"tool": "radio", "classifications": [item]});
    }
    json!({"classifications": [item]})
}

#[tokio::test]
async fn create_validates_every_writable_field() {
    let app = TestApp::new().await;
    let long = |n: usize| "x".repeat(n);
    let start_complete = |extra: Value| {
        let mut stages = vec![
            json!({"id": "s", "type": "Start", "next": ["c"]}),
            json!({"id": "c", "type": "Complete", "next": []}),
        ];
        stages.extend(extra.as_array().cloned().unwrap_or_default());
        Value::Array(stages)
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({}), "VALIDATION_FAILED", "name is required"),
        (
            json!({"name": "   "}),
            "VALIDATION_FAILED",
            "name must not be empty",
        ),
        (json!({"name": long(257)}), "VALIDATION_FAILED", "name"),
        (json!({"name": 5}), "VALIDATION_FAILED", "name"),
        (
            json!({"name": "a", "description": long(10_001)}),
            "VALIDATION_FAILED",
            "description",
        ),
        (
            json!({"name": "a", "type": "video"}),
            "VALIDATION_FAILED",
            "type",
        ),
        (
            json!({"name": "a", "benchmarkRation": 5}),
            "VALIDATION_FAILED",
            "benchmarkRation",
        ),
        (
            json!({"name": "a", "_id": "65a0c0ffee0000000000beef"}),
            "VALIDATION_FAILED",
            "_id is read-only",
        ),
        (
            json!({"name": "a", "owner": "x@y.z"}),
            "VALIDATION_FAILED",
            "owner",
        ),
        (
            json!({"name": "a", "queueVersion": 2}),
            "VALIDATION_FAILED",
            "queueVersion",
        ),
        (
            json!({"name": "a", "categorySchema": {"tools": [{"tool": "lasso"}]}}),
            "VALIDATION_FAILED",
            "categorySchema.tools[0].tool must be one of bounding-box",
        ),
        (
            json!({"name": "a", "categorySchema": {"classifications": [{"tool": "bounding-box"}]}}),
            "VALIDATION_FAILED",
            "categorySchema.classifications[0].tool",
        ),
        (
            json!({"name": "a", "categorySchema": {"tools": [{"tool": "point", "schemaId": "x"},
            {"tool": "point", "schemaId": "x"}]}}),
            "VALIDATION_FAILED",
            "categorySchema.tools[1].schemaId",
        ),
        (
            json!({"name": "a", "categorySchema": {"tools": [{"tool": "point", "schemaId": "x",
            "classifications": [{"tool": "text", "schemaId": "x"}]}]}}),
            "VALIDATION_FAILED",
            "categorySchema.tools[0].classifications[0].schemaId",
        ),
        (
            json!({"name": "a", "categorySchema": {"tools": [{"tool": "point", "options":
            [{"value": "a", "schemaId": "o"}, {"value": "b", "schemaId": "o"}]}]}}),
            "VALIDATION_FAILED",
            "options[1].schemaId",
        ),
        (
            json!({"name": "a", "categorySchema": {"tools": [{"tool": "point", "color": "red"}]}}),
            "VALIDATION_FAILED",
            "categorySchema.tools[0].color",
        ),
        (
            json!({"name": "a", "categorySchema": {"tools": [], "shapes": []}}),
            "VALIDATION_FAILED",
            "categorySchema.shapes",
        ),
        (
            json!({"name": "a", "categorySchema": nested_schema(9)}),
            "VALIDATION_FAILED",
            "nests deeper",
        ),
        (
            json!({"name": "a", "stages": {}}),
            "VALIDATION_FAILED",
            "stages",
        ),
        (
            json!({"name": "a", "stages": [{"id": "c", "type": "Complete", "next": []}]}),
            "VALIDATION_FAILED",
            "exactly one Start",
        ),
        (
            json!({"name": "a", "stages": start_complete(json!([{"id": "t", "type": "Start", "next": ["c"]}]))}),
            "VALIDATION_FAILED",
            "exactly one Start",
        ),
        (
            json!({"name": "a", "stages": [{"id": "s", "type": "Start", "next": ["l"]},
            {"id": "l", "type": "Label", "next": []}]}),
            "VALIDATION_FAILED",
            "Complete",
        ),
        (
            json!({"name": "a", "stages": [{"id": "s", "type": "Start", "next": ["x"]},
            {"id": "c", "type": "Complete", "next": []}]}),
            "VALIDATION_FAILED",
            "stages[0].next[0]",
        ),
        (
            json!({"name": "a", "stages": [{"id": "s", "type": "Start", "next": ["c"]},
            {"id": "c", "type": "Complete", "next": ["s"]}]}),
            "VALIDATION_FAILED",
            "stages[1].next",
        ),
        (
            json!({"name": "a", "stages": start_complete(json!([{"id": "a", "type": "Archive", "next": ["c"]}]))}),
            "VALIDATION_FAILED",
            "stages[2].next",
        ),
        (
            json!({"name": "a", "stages": [{"id": "s", "type": "Start", "next": []},
            {"id": "c", "type": "Complete", "next": []}]}),
            "VALIDATION_FAILED",
            "stages[0].next",
        ),
        (
            json!({"name": "a", "stages": start_complete(json!([{"id": "r", "type": "Review", "next": ["c", "s", "c"]}]))}),
            "VALIDATION_FAILED",
            "stages[2].next",
        ),
        (
            json!({"name": "a", "stages": start_complete(json!([{"id": "c", "type": "Label", "next": []}]))}),
            "VALIDATION_FAILED",
            "stages[2].id",
        ),
        (
            json!({"name": "a", "stages": start_complete(json!([{"id": "x", "type": "Begin", "next": []}]))}),
            "VALIDATION_FAILED",
            "stages[2].type",
        ),
        (
            json!({"name": "a", "batches": [{"description": "x"}]}),
            "VALIDATION_FAILED",
            "batches[0].name",
        ),
        (
            json!({"name": "a", "batches": [{"name": "b"}, {"name": "b"}]}),
            "VALIDATION_FAILED",
            "batches[1].name",
        ),
        (
            json!({"name": "a", "batches": [{"name": "b", "color": "red"}]}),
            "VALIDATION_FAILED",
            "batches[0].color",
        ),
        (
            json!({"name": "a", "batches": [{"name": "b", "colour": "#000000"}]}),
            "VALIDATION_FAILED",
            "batches[0].colour",
        ),
        (
            json!({"name": "a", "batches": [{"name": "b", "_id": "B1"}]}),
            "INVALID_ID",
            "batches[0]._id",
        ),
        (
            json!({"name": "a", "batches": {}}),
            "VALIDATION_FAILED",
            "batches",
        ),
        (
            json!({"name": "a", "benchmarkRatio": 100.5}),
            "VALIDATION_FAILED",
            "benchmarkRatio",
        ),
        (
            json!({"name": "a", "benchmarkRatio": -1}),
            "VALIDATION_FAILED",
            "benchmarkRatio",
        ),
        (
            json!({"name": "a", "benchmarkRatio": "10"}),
            "VALIDATION_FAILED",
            "benchmarkRatio",
        ),
        (
            json!({"name": "a", "benchmarkEnabled": "yes"}),
            "VALIDATION_FAILED",
            "benchmarkEnabled",
        ),
        (
            json!({"name": "a", "benchmarkCutoff": 1}),
            "VALIDATION_FAILED",
            "benchmarkCutoff",
        ),
        (
            json!({"name": "a", "idleTimeout": 86_401}),
            "VALIDATION_FAILED",
            "idleTimeout",
        ),
        (
            json!({"name": "a", "idleTimeout": 1.5}),
            "VALIDATION_FAILED",
            "idleTimeout",
        ),
        (
            json!({"name": "a", "ocrLanguage": ""}),
            "VALIDATION_FAILED",
            "ocrLanguage",
        ),
        (
            json!({"name": "a", "ocrLanguage": long(33)}),
            "VALIDATION_FAILED",
            "ocrLanguage",
        ),
        (
            json!({"name": "a", "instructions": long(2049)}),
            "VALIDATION_FAILED",
            "instructions",
        ),
        (
            json!({"name": "a", "projectPlugins": []}),
            "VALIDATION_FAILED",
            "projectPlugins",
        ),
        (
            json!({"name": "a", "pluginPresets": [1]}),
            "VALIDATION_FAILED",
            "pluginPresets[0]",
        ),
        (
            json!({"name": "a", "errorSchema": "x"}),
            "VALIDATION_FAILED",
            "errorSchema",
        ),
        (
            json!({"name": "a", "exportStorageId": 5}),
            "VALIDATION_FAILED",
            "exportStorageId",
        ),
        (
            json!({"name": "a", "taskSkipEnabled": null}),
            "VALIDATION_FAILED",
            "taskSkipEnabled",
        ),
        (
            json!({"name": "a", "assignedTo": [{"assignee": "nobody@example.com", "role": "Labeler"}]}),
            "VALIDATION_FAILED",
            "nobody@example.com",
        ),
        (
            json!({"name": "a", "assignedTo": [{"assignee": "admin@localhost", "role": "Owner"}]}),
            "VALIDATION_FAILED",
            "assignedTo[0].role",
        ),
    ];
    for (body, code, names) in cases {
        let resp = app.post(&app.admin.key, "/v2/project", body.clone()).await;
        let envelope = resp.expect_error(400, code, names);
        let field = &envelope["error"]["details"][0]["field"];
        assert!(
            field.is_string(),
            "details name the field for {body}: {envelope}"
        );
    }
    // Nothing was created by any of them; the deepest allowed schema and a two-way Review pass.
    assert_eq!(app.list(&app.admin.key, "").await["total"], 0);
    app.create_project(
        &app.admin.key,
        json!({"name": "deep", "categorySchema": nested_schema(8)}),
    )
    .await;
    let review = start_complete(json!([{"id": "r", "type": "Review", "next": ["c", "s"]}]));
    let created = app
        .create_project(&app.admin.key, json!({"name": "review", "stages": review}))
        .await;
    assert_eq!(created["stages"], review);
    // Bounds are inclusive, and lengths count characters, not bytes.
    let edges = json!({"name": "é".repeat(256), "benchmarkRatio": 0, "idleTimeout": 0,
        "ocrLanguage": "x".repeat(32)});
    app.create_project(&app.admin.key, edges).await;
    let edges = json!({"name": "b", "benchmarkRatio": 100, "idleTimeout": 86_400,
        "description": "d".repeat(10_000)});
    app.create_project(&app.admin.key, edges).await;
}
