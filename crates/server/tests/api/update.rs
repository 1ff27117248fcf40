//! POST /v2/project/{id}: ETag and If-Match, round trips, read-only fields, SDK payloads.

use std::time::Duration;

use axum::http::Method;
use serde_json::{Value, json};

use crate::support::TestApp;

/// What `create_label_set` of imerit-ango 1.4.10 puts on the wire (generated with the SDK).
pub fn sdk_label_set() -> Value {
    json!({"categorySchema": {"tools": [{"tool": "bounding-box", "title": "Car", "required": false,
        "columnField": false, "color": "#960D9A", "shortcutKey": "1", "classifications": [{"treeOptions": [],
        "tool": "radio", "title": "Color", "required": true, "columnField": false, "color": "#EC2D98",
        "shortcutKey": "", "classifications": [], "options": [
            {"value": "red", "schemaId": "6f4a4d59a712481387a67611b9d42439"},
            {"value": "blue", "schemaId": "f54e3ec7235e455cbaa72b8075b971e1"}],
        "schemaId": "02540eefad2a420a80385310f8e9d68e", "regex": null, "parentOptionId": null,
        "frameSpecific": false, "showDropdown": false, "richText": false, "exportName": null,
        "displayName": null, "abbreviatedName": null, "attributeType": null, "defaultValue": null}],
        "options": [], "schemaId": "565e88e2b69a4e6fbfd859c540fd5d94"}],
      "classifications": [{"treeOptions": [], "tool": "text", "title": "Notes", "required": false,
        "columnField": false, "color": "#67A821", "shortcutKey": "", "classifications": [], "options": [],
        "schemaId": "a4a0b57de13a4d98878d168c2a084925", "regex": "^[a-z ]*$", "parentOptionId": null,
        "frameSpecific": false, "showDropdown": false, "richText": false, "exportName": null,
        "displayName": null, "abbreviatedName": null, "attributeType": null, "defaultValue": null}],
      "relations": [{"tool": "one-to-one", "title": "Drives on", "required": false, "columnField": false,
        "color": "#D4AAAA", "shortcutKey": "", "classifications": [], "options": [],
        "schemaId": "39a256ffc92e46c6b16e022ebc82b98b"}]}})
}

/// A workflow as `update_workflow_stages` sends it, with the keys the web app adds.
pub fn sdk_stages() -> Value {
    json!({"stages": [
        {"id": "Start", "name": "Start", "type": "Start", "next": ["a1"], "autoForward": false,
         "position": {"x": 0, "y": 0}},
        {"id": "a1", "name": "Label", "type": "Label", "next": ["r1"], "assignedTo": [],
         "readOnly": false},
        {"id": "r1", "name": "Review", "type": "Review", "next": ["Complete", "a1"],
         "consensusConfig": null},
        {"id": "Complete", "name": "Complete", "type": "Complete", "next": []}]})
}

#[tokio::test]
async fn if_match_guards_updates_and_every_write_moves_the_etag() {
    let app = TestApp::new().await;
    let id = app.project_id("Guarded").await;
    let path = format!("/v2/project/{id}");
    let first = app.get(&app.admin.key, &path).await;
    let (old_etag, old) = (first.etag(), first.project());
    tokio::time::sleep(Duration::from_millis(3)).await;
    let resp = app
        .req(Method::POST, &path)
        .key(&app.admin.key)
        .header("if-match", &old_etag)
        .json(&json!({"description": "v2"}))
        .send()
        .await
        .expect_status(200);
    let new_etag = resp.etag();
    assert_ne!(new_etag, old_etag);
    let updated = resp.project();
    assert_eq!(updated["description"], "v2");
    assert!(updated["updatedAt"].as_str() > old["updatedAt"].as_str());
    assert_eq!(updated["createdAt"], old["createdAt"]);
    assert_eq!(app.get(&app.admin.key, &path).await.etag(), new_etag);
    // The stale ETag now fails and changes nothing, in strong, weak and foreign forms.
    let before = app.snapshot(&id).await;
    for stale in [old_etag.clone(), format!("W/{old_etag}"), "\"nope\"".into()] {
        app.req(Method::POST, &path)
            .key(&app.admin.key)
            .header("if-match", &stale)
            .json(&json!({"description": "lost", "benchmarkRatio": 50}))
            .send()
            .await
            .expect_error(412, "PRECONDITION_FAILED", "If-Match");
    }
    assert_eq!(app.snapshot(&id).await, before);
    // A write through another route also moves the ETag, and `*` matches anything.
    let member = app.member("m@example.com").await;
    let assigned = app
        .post(
            &app.admin.key,
            &format!("{path}/assigned"),
            json!({"role": "Labeler", "assignees": [member.email]}),
        )
        .await
        .expect_status(200);
    assert_ne!(assigned.etag(), new_etag);
    app.req(Method::POST, &path)
        .key(&app.admin.key)
        .header("if-match", "*")
        .json(&json!({"name": "Starred"}))
        .send()
        .await
        .expect_status(200);
}

#[tokio::test]
async fn the_whole_object_posted_back_with_one_change_is_accepted() {
    let app = TestApp::new().await;
    let lab = app.member("lab@example.com").await;
    let mut body = sdk_label_set();
    body["name"] = json!("Round trip");
    body["batches"] = json!([{"name": "b1", "color": "#00ff00"}]);
    let id = crate::support::id_of(&app.create_project(&app.admin.key, body).await);
    let path = format!("/v2/project/{id}");
    app.assign(&id, "Labeler", &[&lab.email]).await;
    app.post(
        &app.admin.key,
        &format!("{path}/assetBuilderTemplates"),
        json!({"name": "t", "config": {"a": [1, null]}}),
    )
    .await
    .expect_status(201);
    let fetched = app.get(&app.admin.key, &path).await;
    let etag = fetched.etag();
    tokio::time::sleep(Duration::from_millis(3)).await;
    let mut whole = fetched.project();
    whole["name"] = json!("Renamed");
    let resp = app
        .req(Method::POST, &path)
        .key(&app.admin.key)
        .header("if-match", &etag)
        .json(&whole)
        .send()
        .await
        .expect_status(200);
    let mut updated = resp.project();
    assert_eq!(updated["name"], "Renamed");
    assert_ne!(updated["updatedAt"], whole["updatedAt"]);
    updated["updatedAt"] = whole["updatedAt"].clone();
    assert_eq!(updated, whole);
    // Timestamps may come back with more digits (the SDK sends microseconds), emails in any case.
    let mut again = app.get(&app.admin.key, &path).await.project();
    again["createdAt"] = json!(again["createdAt"].as_str().unwrap().replace('Z', "000Z"));
    again["owner"] = json!("ADMIN@localhost");
    again["description"] = json!("still fine");
    app.post(&app.admin.key, &path, again)
        .await
        .expect_status(200);
}

#[tokio::test]
async fn changing_a_read_only_field_is_rejected_by_name() {
    let app = TestApp::new().await;
    let id = app.project_id("Fixed").await;
    let path = format!("/v2/project/{id}");
    let project = app.get(&app.admin.key, &path).await.project();
    let before = app.snapshot(&id).await;
    for (field, value) in [
        ("_id", json!("65a0c0ffee0000000000beef")),
        ("owner", json!("someone@example.com")),
        ("organization", json!("65a0c0ffee0000000000beef")),
        ("type", json!("pct")),
        ("queueVersion", json!(3)),
        ("assetCount", json!(1)),
        ("deleted", json!(true)),
        ("createdAt", json!("2020-01-01T00:00:00.000Z")),
        ("updatedAt", json!("2020-01-01T00:00:00.000Z")),
        ("assetBuilderTemplates", json!([{"name": "sneaky"}])),
    ] {
        let mut whole = project.clone();
        whole[field] = value.clone();
        whole["description"] = json!("should not land");
        app.post(&app.admin.key, &path, whole).await.expect_error(
            400,
            "VALIDATION_FAILED",
            &format!("{field} is read-only"),
        );
        app.post(&app.admin.key, &path, json!({ field: value }))
            .await
            .expect_error(400, "VALIDATION_FAILED", field);
    }
    assert_eq!(app.snapshot(&id).await, before);
}

#[tokio::test]
async fn the_sdk_update_payloads_are_stored_unchanged() {
    let app = TestApp::new().await;
    let id = app.project_id("SDK").await;
    let path = format!("/v2/project/{id}");
    let label_set = sdk_label_set();
    let project = app
        .post(&app.admin.key, &path, label_set.clone())
        .await
        .expect_status(200)
        .project();
    assert_eq!(project["categorySchema"], label_set["categorySchema"]);
    let stages = sdk_stages();
    let project = app
        .post(&app.admin.key, &path, stages.clone())
        .await
        .expect_status(200)
        .project();
    assert_eq!(project["stages"], stages["stages"]);
    assert_eq!(
        project["categorySchema"], label_set["categorySchema"],
        "untouched"
    );
    let benchmark =
        json!({"benchmarkEnabled": true, "benchmarkRatio": 25, "benchmarkCutoff": true});
    let project = app
        .post(&app.admin.key, &path, benchmark)
        .await
        .expect_status(200)
        .project();
    assert_eq!(
        (
            &project["benchmarkEnabled"],
            &project["benchmarkRatio"],
            &project["benchmarkCutoff"]
        ),
        (&json!(true), &json!(25), &json!(true))
    );
    // Only benchmarkEnabled, as the SDK sends it without the optional arguments.
    let project = app
        .post(&app.admin.key, &path, json!({"benchmarkEnabled": false}))
        .await
        .expect_status(200)
        .project();
    assert_eq!(project["benchmarkEnabled"], false);
    assert_eq!(project["benchmarkRatio"], 25);
    let stored = app.get(&app.admin.key, &path).await.project();
    assert_eq!(stored["categorySchema"], label_set["categorySchema"]);
    assert_eq!(stored["stages"], stages["stages"]);
    assert_eq!(stored["name"], "SDK");
}

#[tokio::test]
async fn partial_updates_touch_only_what_is_sent_and_replace_nested_values() {
    let app = TestApp::new().await;
    let body = json!({"name": "P", "description": "d", "ocrLanguage": "fra",
        "batches": [{"name": "a"}, {"name": "b"}], "projectPlugins": {"x": 1}});
    let created = app.create_project(&app.admin.key, body).await;
    let id = crate::support::id_of(&created);
    let path = format!("/v2/project/{id}");
    let updated = app
        .post(
            &app.admin.key,
            &path,
            json!({"batches": [{"name": "c"}], "idleTimeout": 0,
                "instructions": "https://x.test/i.pdf"}),
        )
        .await
        .expect_status(200)
        .project();
    for (key, value) in created.as_object().unwrap() {
        match key.as_str() {
            "batches" => assert_eq!(updated[key].as_array().unwrap().len(), 1),
            "idleTimeout" => assert_eq!(updated[key], 0),
            "instructions" => assert_eq!(updated[key], "https://x.test/i.pdf"),
            "updatedAt" => {}
            _ => assert_eq!(&updated[key], value, "{key} changed"),
        }
    }
    assert_eq!(updated["batches"][0]["name"], "c");
    let cleared = app
        .post(
            &app.admin.key,
            &path,
            json!({"instructions": null, "exportStorageId": null}),
        )
        .await
        .expect_status(200)
        .project();
    assert_eq!(cleared["instructions"], Value::Null);
    // An empty update is a no-op that answers the project.
    let etag = app.get(&app.admin.key, &path).await.etag();
    let resp = app
        .post(&app.admin.key, &path, json!({}))
        .await
        .expect_status(200);
    assert_eq!(resp.etag(), etag);
}

#[tokio::test]
async fn invalid_updates_change_nothing() {
    let app = TestApp::new().await;
    let id = app.project_id("Strict").await;
    let path = format!("/v2/project/{id}");
    let before = app.snapshot(&id).await;
    for (body, names) in [
        (
            json!({"benchmarkRation": 5, "description": "x"}),
            "benchmarkRation",
        ),
        (json!({"name": ""}), "name"),
        (json!({"benchmarkRatio": 101}), "benchmarkRatio"),
        (
            json!({"description": "x", "stages": [{"id": "s", "type": "Start", "next": []}]}),
            "stages",
        ),
        (
            json!({"description": "x", "categorySchema": {"tools": [{"tool": "lasso"}]}}),
            "lasso",
        ),
        (
            json!({"description": "x",
                "assignedTo": [{"assignee": "ghost@example.com", "role": "Lead"}]}),
            "ghost@example.com",
        ),
    ] {
        app.post(&app.admin.key, &path, body)
            .await
            .expect_error(400, "VALIDATION_FAILED", names);
    }
    assert_eq!(app.snapshot(&id).await, before);
}

#[tokio::test]
async fn assigned_to_in_an_update_replaces_the_members() {
    let app = TestApp::new().await;
    let ann = app.member("ann@example.com").await;
    let bob = app.member("bob@example.com").await;
    let id = app.project_id("Members").await;
    app.assign(&id, "Labeler", &[&ann.email]).await;
    let members = json!([{"assignee": "admin@localhost", "role": "Manager"},
                         {"assignee": "BOB@example.com", "role": "Reviewer"}]);
    let project = app
        .post(
            &app.admin.key,
            &format!("/v2/project/{id}"),
            json!({"assignedTo": members}),
        )
        .await
        .expect_status(200)
        .project();
    assert_eq!(
        project["assignedTo"],
        json!([{"assignee": "admin@localhost", "role": "Manager"},
               {"assignee": "bob@example.com", "role": "Reviewer"}])
    );
    assert_eq!(app.list(&ann.key, "").await["total"], 0);
    assert_eq!(app.list(&bob.key, "").await["total"], 1);
}
