//! POST /v2/project/{id}/assigned: adding, re-roling, unknown emails, role limits, body rules.

use serde_json::{Value, json};

use crate::support::TestApp;

fn members(project: &Value) -> Vec<(String, String)> {
    project["assignedTo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["assignee"].as_str().unwrap().to_string(),
                m["role"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, r)| (a.to_string(), r.to_string()))
        .collect()
}

#[tokio::test]
async fn assigning_adds_members_and_reassigning_changes_the_role() {
    let app = TestApp::new().await;
    let ann = app.member("ann@example.com").await;
    app.member("bob@example.com").await;
    let id = app.project_id("Team").await;
    let path = format!("/v2/project/{id}/assigned");
    let resp = app
        .post(
            &app.admin.key,
            &path,
            json!({"role": "Labeler",
            "assignees": ["Ann@Example.com", "bob@example.com", "ANN@example.com"]}),
        )
        .await
        .expect_status(200);
    assert!(resp.header("etag").is_some());
    assert_eq!(
        members(&resp.project()),
        pairs(&[
            ("admin@localhost", "Manager"),
            ("ann@example.com", "Labeler"),
            ("bob@example.com", "Labeler")
        ])
    );
    let project = app
        .post(
            &app.admin.key,
            &path,
            json!({"role": "Reviewer", "assignees": ["ann@example.com"]}),
        )
        .await
        .expect_status(200)
        .project();
    assert_eq!(
        members(&project),
        pairs(&[
            ("admin@localhost", "Manager"),
            ("ann@example.com", "Reviewer"),
            ("bob@example.com", "Labeler")
        ])
    );
    assert_eq!(
        members(
            &app.get(&app.admin.key, &format!("/v2/project/{id}"))
                .await
                .project()
        ),
        members(&project)
    );
    // The member now sees the project, as a Reviewer.
    assert_eq!(app.list(&ann.key, "").await["total"], 1);
    app.get(&ann.key, &format!("/v2/project/{id}"))
        .await
        .expect_status(200);
}

#[tokio::test]
async fn unknown_emails_are_listed_and_nothing_changes() {
    let app = TestApp::new().await;
    app.member("ann@example.com").await;
    let (_, stranger) = app.other_org("other").await;
    let id = app.project_id("Closed").await;
    let path = format!("/v2/project/{id}/assigned");
    let before = app.snapshot(&id).await;
    let body = json!({"role": "Lead",
        "assignees": ["ann@example.com", "Ghost@example.com", stranger.email]});
    let envelope = app.post(&app.admin.key, &path, body).await.expect_error(
        400,
        "VALIDATION_FAILED",
        "ghost@example.com",
    );
    let message = envelope["message"].as_str().unwrap();
    assert!(message.contains(&stranger.email), "{message}");
    assert!(!message.contains("ann@example.com"), "{message}");
    assert_eq!(app.snapshot(&id).await, before);
}

#[tokio::test]
async fn a_lead_assigns_up_to_lead_but_not_manager() {
    let app = TestApp::new().await;
    let lead = app.member("lead@example.com").await;
    for email in [
        "a@example.com",
        "b@example.com",
        "c@example.com",
        "d@example.com",
    ] {
        app.member(email).await;
    }
    let id = app.project_id("Led").await;
    app.assign(&id, "Lead", &[&lead.email]).await;
    let path = format!("/v2/project/{id}/assigned");
    for (role, email) in [
        ("Labeler", "a@example.com"),
        ("Reviewer", "b@example.com"),
        ("Lead", "c@example.com"),
    ] {
        let project = app
            .post(
                &lead.key,
                &path,
                json!({"role": role, "assignees": [email]}),
            )
            .await
            .expect_status(200)
            .project();
        assert!(members(&project).contains(&(email.to_string(), role.to_string())));
    }
    let before = app.snapshot(&id).await;
    app.post(
        &lead.key,
        &path,
        json!({"role": "Manager", "assignees": ["d@example.com"]}),
    )
    .await
    .expect_error(403, "FORBIDDEN", "Manager");
    app.post(
        &lead.key,
        &path,
        json!({"role": "Manager", "assignees": [lead.email]}),
    )
    .await
    .expect_error(403, "FORBIDDEN", "Manager");
    assert_eq!(app.snapshot(&id).await, before);
}

#[tokio::test]
async fn the_body_is_checked() {
    let app = TestApp::new().await;
    app.member("ann@example.com").await;
    let id = app.project_id("Rules").await;
    let path = format!("/v2/project/{id}/assigned");
    let many =
        |n: usize| -> Vec<String> { (0..n).map(|i| format!("user{i}@example.com")).collect() };
    let before = app.snapshot(&id).await;
    for (body, names) in [
        (
            json!({"role": "Labeler", "assignees": many(1001)}),
            "assignees",
        ),
        (json!({"role": "Labeler", "assignees": []}), "assignees"),
        (json!({"role": "Labeler"}), "assignees"),
        (
            json!({"role": "Labeler", "assignees": "ann@example.com"}),
            "assignees",
        ),
        (json!({"role": "Labeler", "assignees": [5]}), "assignees[0]"),
        (
            json!({"role": "Labeler", "assignees": ["not-an-email"]}),
            "assignees[0]",
        ),
        (
            json!({"role": "Boss", "assignees": ["ann@example.com"]}),
            "role",
        ),
        (
            json!({"role": "labeler", "assignees": ["ann@example.com"]}),
            "role",
        ),
        (json!({"assignees": ["ann@example.com"]}), "role"),
        (
            json!({"role": "Labeler", "assignees": ["ann@example.com"], "projectId": id}),
            "projectId",
        ),
    ] {
        app.post(&app.admin.key, &path, body)
            .await
            .expect_error(400, "VALIDATION_FAILED", names);
    }
    // A thousand emails is within the limit: the failure is about who they are, not how many.
    app.post(
        &app.admin.key,
        &path,
        json!({"role": "Labeler", "assignees": many(1000)}),
    )
    .await
    .expect_error(400, "VALIDATION_FAILED", "user999@example.com");
    assert_eq!(app.snapshot(&id).await, before);
}

#[tokio::test]
async fn only_a_manager_changes_a_managers_role() {
    let app = TestApp::new().await;
    let lead = app.member("lead@example.com").await;
    let boss = app.member("boss@example.com").await;
    let deputy = app.member("deputy@example.com").await;
    let id = app.project_id("Hierarchy").await;
    app.assign(&id, "Lead", &[&lead.email]).await;
    app.assign(&id, "Manager", &[&boss.email, &deputy.email])
        .await;
    let path = format!("/v2/project/{id}/assigned");
    let before = app.snapshot(&id).await;
    for role in ["Labeler", "Reviewer", "Lead"] {
        app.post(
            &lead.key,
            &path,
            json!({"role": role, "assignees": [boss.email]}),
        )
        .await
        .expect_error(403, "FORBIDDEN", "Manager");
    }
    assert_eq!(app.snapshot(&id).await, before);
    let project = app
        .post(
            &boss.key,
            &path,
            json!({"role": "Reviewer", "assignees": [deputy.email]}),
        )
        .await
        .expect_status(200)
        .project();
    assert!(members(&project).contains(&("deputy@example.com".into(), "Reviewer".into())));
}
