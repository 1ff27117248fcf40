//! POST /v2/project (defaults, writable fields), GET, and soft DELETE of a project.

use serde_json::{Value, json};

use crate::support::{TestApp, id_of};

/// True for `2025-01-15T10:30:00.000Z`.
pub fn is_timestamp(value: &Value) -> bool {
    let Some(s) = value.as_str() else {
        return false;
    };
    let b = s.as_bytes();
    let digits = |range: std::ops::Range<usize>| range.into_iter().all(|i| b[i].is_ascii_digit());
    b.len() == 24
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b[19] == b'.'
        && digits(20..23)
        && b[23] == b'Z'
}

pub fn default_stages() -> Value {
    json!([{"id": "Start", "name": "Start", "type": "Start", "next": ["Label"]},
           {"id": "Label", "name": "Labeling", "type": "Label", "next": ["Complete"]},
           {"id": "Complete", "name": "Complete", "type": "Complete", "next": []}])
}

#[tokio::test]
async fn create_applies_the_contract_defaults_exactly() {
    let app = TestApp::new().await;
    let resp = app
        .post(&app.admin.key, "/v2/project", json!({"name": "  Cars  "}))
        .await
        .expect_status(201);
    assert!(
        resp.header("etag").is_some(),
        "a created project has an ETag"
    );
    let project = resp.project();
    let id = id_of(&project);
    assert!(annohub_domain::id::is_valid_id(&id), "{id}");
    assert!(
        is_timestamp(&project["createdAt"]),
        "{}",
        project["createdAt"]
    );
    assert_eq!(project["createdAt"], project["updatedAt"]);
    let expected = json!({
        "_id": id, "name": "Cars", "description": "", "type": "ango",
        "owner": "admin@localhost", "organization": app.org.as_str(),
        "categorySchema": {"tools": [], "classifications": [], "relations": []},
        "stages": default_stages(),
        "assignedTo": [{"assignee": "admin@localhost", "role": "Manager"}],
        "batches": [], "queueVersion": 2, "assetCount": 0,
        "benchmarkEnabled": false, "benchmarkRatio": 10, "benchmarkCutoff": false,
        "instructions": null, "ocrLanguage": "eng", "idleTimeout": 300,
        "projectPlugins": {}, "pluginPresets": [], "errorCodesEnabled": false, "errorSchema": {},
        "exportStorageId": null, "exportStorageBucket": null, "exportStoragePath": null,
        "exportStorageEnabled": false, "taskSkipEnabled": true, "unassignSkippedTask": false,
        "gcSyncEnabled": false, "assetBuilderTemplates": [], "deleted": false,
        "createdAt": project["createdAt"], "updatedAt": project["updatedAt"],
    });
    assert_eq!(project, expected);
    // What GET returns is what was stored.
    let fetched = app.get(&app.admin.key, &format!("/v2/project/{id}")).await;
    assert_eq!(fetched.expect_status(200).project(), expected);
}

#[tokio::test]
async fn a_member_who_creates_a_project_owns_it_as_manager() {
    let app = TestApp::new().await;
    let ann = app.member("Ann@Example.com").await;
    let project = app
        .create_project(&ann.key, json!({"name": "Mine", "type": "pct"}))
        .await;
    assert_eq!(project["owner"], "ann@example.com");
    assert_eq!(project["type"], "pct");
    assert_eq!(
        project["assignedTo"],
        json!([{"assignee": "ann@example.com", "role": "Manager"}])
    );
    let listed = app.list(&ann.key, "").await;
    assert_eq!(listed["total"], 1);
}

#[tokio::test]
async fn create_keeps_every_writable_field_as_sent() {
    let app = TestApp::new().await;
    app.member("lab@example.com").await;
    let schema = json!({"tools": [{"tool": "bounding-box", "title": "Car", "schemaId": "t1",
        "required": null, "color": "#AA00ff", "frameSpecific": true, "regex": null,
        "classifications": [{"tool": "radio", "schemaId": "c1",
            "options": [{"value": "red", "schemaId": "o1"}, {"value": "blue", "schemaId": "o2"}]}]}],
        "classifications": [{"tool": "text", "schemaId": "c2", "shortcutKey": "t"}],
        "relations": [{"tool": "group", "schemaId": "r1"}]});
    let stages = json!([{"id": "s", "name": "Begin", "type": "Start", "next": ["r"], "position": {"x": 1}},
        {"id": "r", "name": "Check", "type": "Review", "next": ["c", "a"], "readOnly": false},
        {"id": "a", "name": "Trash", "type": "Archive", "next": []},
        {"id": "c", "name": "Done", "type": "Complete", "next": [], "autoForward": true}]);
    let body = json!({
        "name": "Full", "description": "all fields", "type": "iframe",
        "categorySchema": schema, "stages": stages,
        "assignedTo": [{"assignee": "LAB@example.com", "role": "Labeler"}],
        "batches": [{"_id": "65a0c0ffee0000000000beef", "name": "b1", "description": "first", "color": "#123456"}],
        "benchmarkEnabled": true, "benchmarkRatio": 12.5, "benchmarkCutoff": true,
        "instructions": "https://example.com/guide.pdf", "ocrLanguage": "deu", "idleTimeout": 86400,
        "projectPlugins": {"p": {"on": true}}, "pluginPresets": [{"id": "x"}],
        "errorCodesEnabled": true, "errorSchema": {"codes": [1]},
        "exportStorageId": "s3", "exportStorageBucket": "bkt", "exportStoragePath": "out/",
        "exportStorageEnabled": true, "taskSkipEnabled": false, "unassignSkippedTask": true,
        "gcSyncEnabled": true,
    });
    let project = app.create_project(&app.admin.key, body.clone()).await;
    for (key, sent) in body.as_object().unwrap() {
        if key != "assignedTo" {
            assert_eq!(&project[key], sent, "field {key}");
        }
    }
    assert_eq!(
        project["assignedTo"],
        json!([{"assignee": "admin@localhost", "role": "Manager"},
               {"assignee": "lab@example.com", "role": "Labeler"}])
    );
}

#[tokio::test]
async fn missing_schema_and_batch_ids_are_generated() {
    let app = TestApp::new().await;
    let project = app
        .create_project(
            &app.admin.key,
            json!({"name": "Gen", "categorySchema": {"tools": [{"tool": "point",
                "classifications": [{"tool": "checkbox", "options": [{"value": "a"}]}]}]},
                "batches": [{"name": "one"}]}),
        )
        .await;
    let tool = &project["categorySchema"]["tools"][0];
    assert!(tool["schemaId"].as_str().is_some_and(|s| !s.is_empty()));
    let option = &tool["classifications"][0]["options"][0];
    assert!(option["schemaId"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(project["categorySchema"]["classifications"], json!([]));
    let batch = &project["batches"][0];
    assert!(annohub_domain::id::is_valid_id(
        batch["_id"].as_str().unwrap()
    ));
    assert_eq!(batch["description"], "");
}

#[tokio::test]
async fn get_answers_the_project_with_an_etag_and_rejects_bad_ids() {
    let app = TestApp::new().await;
    let id = app.project_id("One").await;
    let resp = app.get(&app.admin.key, &format!("/v2/project/{id}")).await;
    let etag = resp.etag();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    assert_eq!(resp.project()["_id"], id.as_str());
    for bad in [
        "123",
        "65A0C0FFEE0000000000BEEF",
        "65a0c0ffee0000000000beeg",
        "zz",
    ] {
        app.get(&app.admin.key, &format!("/v2/project/{bad}"))
            .await
            .expect_error(400, "INVALID_ID", "projectId");
    }
    app.get(&app.admin.key, "/v2/project/65a0c0ffee0000000000beef")
        .await
        .expect_error(404, "NOT_FOUND", "project");
}

#[tokio::test]
async fn delete_is_soft_and_the_project_disappears_everywhere() {
    let app = TestApp::new().await;
    let keep = app.project_id("Keep").await;
    let id = app.project_id("Gone").await;
    let labeler = app.member("lab@example.com").await;
    app.assign(&id, "Labeler", &[&labeler.email]).await;
    assert_eq!(app.list(&app.admin.key, "").await["total"], 2);
    assert_eq!(app.list(&labeler.key, "").await["total"], 1);
    let path = format!("/v2/project/{id}");
    let resp = app.delete(&app.admin.key, &path).await.expect_status(200);
    assert_eq!(
        resp.json(),
        json!({"status": "success", "data": {"message": "Project Gone deleted"}})
    );
    app.get(&app.admin.key, &path)
        .await
        .expect_error(404, "NOT_FOUND", "project");
    app.get(&labeler.key, &path)
        .await
        .expect_error(404, "NOT_FOUND", "project");
    let listed = app.list(&app.admin.key, "").await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["projects"][0]["_id"], keep.as_str());
    assert_eq!(app.list(&labeler.key, "").await["total"], 0);
    app.delete(&app.admin.key, &path)
        .await
        .expect_error(404, "NOT_FOUND", "project");
    app.post(&app.admin.key, &path, json!({"name": "Back"}))
        .await
        .expect_error(404, "NOT_FOUND", "project");
    let assigned = format!("{path}/assigned");
    app.post(
        &app.admin.key,
        &assigned,
        json!({"role": "Lead", "assignees": [labeler.email]}),
    )
    .await
    .expect_error(404, "NOT_FOUND", "project");
    app.post(&app.admin.key, &format!("/v2/performance/{id}"), json!({}))
        .await
        .expect_error(404, "NOT_FOUND", "project");
    app.post(
        &app.admin.key,
        &format!("{path}/assetBuilderTemplates"),
        json!({"name": "t"}),
    )
    .await
    .expect_error(404, "NOT_FOUND", "project");
    app.get(&labeler.key, &format!("{path}/instructions"))
        .await
        .expect_error(404, "NOT_FOUND", "project");
}

#[tokio::test]
async fn delete_honours_if_match() {
    let app = TestApp::new().await;
    let id = app.project_id("Guarded").await;
    let path = format!("/v2/project/{id}");
    let etag = app.get(&app.admin.key, &path).await.etag();
    app.post(&app.admin.key, &path, json!({"description": "moved on"}))
        .await
        .expect_status(200);
    let before = app.snapshot(&id).await;
    app.req(axum::http::Method::DELETE, &path)
        .key(&app.admin.key)
        .header("if-match", &etag)
        .send()
        .await
        .expect_error(412, "PRECONDITION_FAILED", "If-Match");
    assert_eq!(app.snapshot(&id).await, before);
    let current = app.get(&app.admin.key, &path).await.etag();
    app.req(axum::http::Method::DELETE, &path)
        .key(&app.admin.key)
        .header("if-match", &current)
        .send()
        .await
        .expect_status(200);
}
