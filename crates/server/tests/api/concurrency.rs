//! Concurrent writes: no lost member additions, field updates or template names.

use futures::future::join_all;
use serde_json::{Value, json};

use crate::support::{Resp, Service, TestApp};

/// Sends one JSON POST on a clone of the service, from a spawned task.
fn spawn_post(
    service: &Service,
    key: &str,
    path: String,
    body: Value,
) -> tokio::task::JoinHandle<Resp> {
    let (service, key) = (service.clone(), key.to_string());
    tokio::spawn(async move {
        crate::support::Req::on(service, axum::http::Method::POST, &path)
            .key(&key)
            .json(&body)
            .send()
            .await
    })
}

async fn statuses(handles: Vec<tokio::task::JoinHandle<Resp>>) -> Vec<Resp> {
    join_all(handles)
        .await
        .into_iter()
        .map(|r| r.expect("task"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_assignments_all_land() {
    let app = TestApp::new().await;
    let emails: Vec<String> = (0..100)
        .map(|i| format!("user{i:03}@example.com"))
        .collect();
    for email in &emails {
        app.member(email).await;
    }
    for round in 0..3 {
        let id = app.project_id(&format!("round {round}")).await;
        let handles = emails
            .iter()
            .enumerate()
            .map(|(i, email)| {
                let role = ["Labeler", "Reviewer", "Lead"][i % 3];
                let body = json!({"role": role, "assignees": [email]});
                spawn_post(
                    &app.service,
                    &app.admin.key,
                    format!("/v2/project/{id}/assigned"),
                    body,
                )
            })
            .collect();
        for resp in statuses(handles).await {
            resp.expect_status(200);
        }
        let project = app
            .get(&app.admin.key, &format!("/v2/project/{id}"))
            .await
            .project();
        let members = project["assignedTo"].as_array().unwrap();
        assert_eq!(
            members.len(),
            101,
            "round {round}: the creator and 100 members"
        );
        for (i, email) in emails.iter().enumerate() {
            let role = ["Labeler", "Reviewer", "Lead"][i % 3];
            assert!(
                members.contains(&json!({"assignee": email, "role": role})),
                "round {round}: {email} missing"
            );
        }
        let seen = app.list(&app.admin.key, "").await["total"]
            .as_i64()
            .unwrap();
        assert_eq!(seen, round + 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_updates_of_different_fields_all_survive() {
    let app = TestApp::new().await;
    for round in 0..3 {
        let id = app.project_id(&format!("fields {round}")).await;
        let path = format!("/v2/project/{id}");
        let changes = [
            json!({"description": "new description"}),
            json!({"ocrLanguage": "deu"}),
            json!({"idleTimeout": 42}),
            json!({"benchmarkRatio": 33}),
            json!({"benchmarkEnabled": true}),
            json!({"taskSkipEnabled": false}),
            json!({"gcSyncEnabled": true}),
            json!({"errorSchema": {"k": 1}}),
            json!({"batches": [{"name": "b"}]}),
            json!({"stages": crate::update::sdk_stages()["stages"]}),
            json!({"categorySchema": crate::update::sdk_label_set()["categorySchema"]}),
            json!({"exportStoragePath": "exports/"}),
        ];
        let handles = changes
            .iter()
            .map(|c| spawn_post(&app.service, &app.admin.key, path.clone(), c.clone()))
            .collect();
        for resp in statuses(handles).await {
            resp.expect_status(200);
        }
        let project = app.get(&app.admin.key, &path).await.project();
        for change in &changes {
            for (key, value) in change.as_object().unwrap() {
                if key == "batches" {
                    assert_eq!(project[key][0]["name"], "b", "round {round}");
                } else {
                    assert_eq!(&project[key], value, "round {round}: {key} was lost");
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_templates_keep_names_unique() {
    let app = TestApp::new().await;
    let id = app.project_id("templates").await;
    let path = format!("/v2/project/{id}/assetBuilderTemplates");
    let same: Vec<_> = (0..20)
        .map(|_| {
            spawn_post(
                &app.service,
                &app.admin.key,
                path.clone(),
                json!({"name": "same", "config": {}}),
            )
        })
        .collect();
    let distinct: Vec<_> = (0..20)
        .map(|i| {
            spawn_post(
                &app.service,
                &app.admin.key,
                path.clone(),
                json!({"name": format!("t{i}"), "config": {}}),
            )
        })
        .collect();
    let same = statuses(same).await;
    assert_eq!(same.iter().filter(|r| r.status == 201).count(), 1);
    for resp in same.iter().filter(|r| r.status != 201) {
        resp.expect_error(409, "CONFLICT", "same");
    }
    for resp in statuses(distinct).await {
        resp.expect_status(201);
    }
    let project = app
        .get(&app.admin.key, &format!("/v2/project/{id}"))
        .await
        .project();
    assert_eq!(
        project["assetBuilderTemplates"].as_array().unwrap().len(),
        21
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_writes_with_one_if_match_let_exactly_one_through() {
    let app = TestApp::new().await;
    let id = app.project_id("race").await;
    let path = format!("/v2/project/{id}");
    for round in 0..3 {
        let etag = app.get(&app.admin.key, &path).await.etag();
        let handles: Vec<_> = (0..10)
            .map(|i| {
                let (service, key, path, etag) = (
                    app.service.clone(),
                    app.admin.key.clone(),
                    path.clone(),
                    etag.clone(),
                );
                tokio::spawn(async move {
                    crate::support::Req::on(service, axum::http::Method::POST, &path)
                        .key(&key)
                        .header("if-match", &etag)
                        .json(&json!({"description": format!("writer {i}")}))
                        .send()
                        .await
                })
            })
            .collect();
        let results = statuses(handles).await;
        let winners: Vec<&Resp> = results.iter().filter(|r| r.status == 200).collect();
        assert_eq!(winners.len(), 1, "round {round}");
        for resp in results.iter().filter(|r| r.status != 200) {
            resp.expect_error(412, "PRECONDITION_FAILED", "If-Match");
        }
        let stored = app.get(&app.admin.key, &path).await.project();
        assert_eq!(stored["description"], winners[0].project()["description"]);
    }
}
