//! POST /v2/project/{id}/assetBuilderTemplates: both shapes, SDK field rules, name conflicts.

use serde_json::{Value, json};

use crate::support::TestApp;

/// What `create_asset_builder_template` of imerit-ango 1.4.10 sends (generated with the SDK).
fn sdk_template() -> Value {
    json!({"description": "", "name": "docs", "template": "<div>{{c1}}</div>", "batchColumn": "c2",
        "selectedExternalId": "c1", "dataConfig": {
            "c1": {"type": "image", "includeInExport": false, "storage": "Public"},
            "c2": {"type": "text", "includeInExport": false}},
        "preLabelConfig": {}})
}

#[tokio::test]
async fn both_shapes_are_stored_with_an_id_and_appear_in_the_project() {
    let app = TestApp::new().await;
    let id = app.project_id("Templates").await;
    let path = format!("/v2/project/{id}/assetBuilderTemplates");
    let documented =
        json!({"name": "plain", "config": {"columns": ["a", "b"], "nested": {"x": null}}});
    let sdk = sdk_template();
    let mut stored = Vec::new();
    for body in [documented, sdk] {
        let resp = app
            .post(&app.admin.key, &path, body.clone())
            .await
            .expect_status(201);
        let template = resp.data()["template"].clone();
        let template_id = template["_id"].as_str().expect("template _id").to_string();
        assert!(
            annohub_domain::id::is_valid_id(&template_id),
            "{template_id}"
        );
        for (key, value) in body.as_object().unwrap() {
            assert_eq!(&template[key], value, "template field {key}");
        }
        assert_eq!(
            template.as_object().unwrap().len(),
            body.as_object().unwrap().len() + 1
        );
        stored.push(template);
    }
    let project = app
        .get(&app.admin.key, &format!("/v2/project/{id}"))
        .await
        .project();
    assert_eq!(project["assetBuilderTemplates"], Value::Array(stored));
}

#[tokio::test]
async fn the_sdk_fields_are_checked() {
    let app = TestApp::new().await;
    let id = app.project_id("Rules").await;
    let path = format!("/v2/project/{id}/assetBuilderTemplates");
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut body = sdk_template();
        edit(&mut body);
        body
    };
    let cases: Vec<(Value, &str)> = vec![
        (with(&|b| b["template"] = json!("")), "template"),
        (with(&|b| b["template"] = json!(5)), "template"),
        (with(&|b| b["dataConfig"] = json!({})), "dataConfig"),
        (
            with(&|b| b["dataConfig"]["c1"]["type"] = json!("img")),
            "dataConfig.c1.type",
        ),
        (
            with(&|b| {
                b["dataConfig"]["c1"]
                    .as_object_mut()
                    .unwrap()
                    .remove("type");
            }),
            "dataConfig.c1.type",
        ),
        (
            with(&|b| {
                b["dataConfig"]["c1"]
                    .as_object_mut()
                    .unwrap()
                    .remove("storage");
            }),
            "dataConfig.c1.storage",
        ),
        (
            with(&|b| b["dataConfig"]["c2"] = json!({"type": "video"})),
            "dataConfig.c2.storage",
        ),
        (
            with(&|b| b["dataConfig"]["c2"] = json!("text")),
            "dataConfig.c2",
        ),
        (
            with(&|b| b["selectedExternalId"] = json!("nope")),
            "selectedExternalId",
        ),
        (with(&|b| b["batchColumn"] = json!("nope")), "batchColumn"),
        (
            with(&|b| {
                b.as_object_mut().unwrap().remove("name");
            }),
            "name",
        ),
        (with(&|b| b["name"] = json!("")), "name"),
        (with(&|b| b["colour"] = json!("red")), "colour"),
        (json!({"name": "x", "config": "not an object"}), "config"),
    ];
    for (body, names) in cases {
        app.post(&app.admin.key, &path, body)
            .await
            .expect_error(400, "VALIDATION_FAILED", names);
    }
    // An empty batchColumn means "no batch column" and is fine.
    app.post(
        &app.admin.key,
        &path,
        with(&|b| b["batchColumn"] = json!("")),
    )
    .await
    .expect_status(201);
    let project = app
        .get(&app.admin.key, &format!("/v2/project/{id}"))
        .await
        .project();
    assert_eq!(
        project["assetBuilderTemplates"].as_array().unwrap().len(),
        1
    );
}

#[tokio::test]
async fn a_duplicate_name_is_a_conflict_and_changes_nothing() {
    let app = TestApp::new().await;
    let id = app.project_id("Unique").await;
    let other = app.project_id("Other").await;
    let path = format!("/v2/project/{id}/assetBuilderTemplates");
    app.post(&app.admin.key, &path, sdk_template())
        .await
        .expect_status(201);
    let before = app.snapshot(&id).await;
    app.post(&app.admin.key, &path, json!({"name": "docs", "config": {}}))
        .await
        .expect_error(409, "CONFLICT", "docs");
    assert_eq!(app.snapshot(&id).await, before);
    // Names are unique per project only.
    app.post(
        &app.admin.key,
        &format!("/v2/project/{other}/assetBuilderTemplates"),
        sdk_template(),
    )
    .await
    .expect_status(201);
}
