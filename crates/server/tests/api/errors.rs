//! The error envelope: framework rejections, auth, bad ids, limits, slashes, request ids.

use axum::http::Method;
use serde_json::json;

use annohub::services::accounts;

use crate::support::TestApp;

/// Every `/v2` route of a project, with a valid body for the writes.
fn project_routes(id: &str) -> Vec<(Method, String)> {
    vec![
        (Method::GET, format!("/v2/project/{id}")),
        (Method::POST, format!("/v2/project/{id}")),
        (Method::DELETE, format!("/v2/project/{id}")),
        (Method::POST, format!("/v2/project/{id}/assigned")),
        (
            Method::POST,
            format!("/v2/project/{id}/assetBuilderTemplates"),
        ),
        (Method::POST, format!("/v2/project/{id}/instructions")),
        (Method::GET, format!("/v2/project/{id}/instructions")),
        (Method::POST, format!("/v2/performance/{id}")),
    ]
}

#[tokio::test]
async fn bodies_that_are_not_json_objects_are_malformed() {
    let app = TestApp::new().await;
    let id = app.project_id("Target").await;
    let before = app.snapshot(&id).await;
    for path in [
        "/v2/project".to_string(),
        format!("/v2/project/{id}"),
        format!("/v2/project/{id}/assigned"),
        format!("/v2/project/{id}/assetBuilderTemplates"),
        format!("/v2/performance/{id}"),
    ] {
        for (body, names) in [
            (&b"{\"name\": "[..], "JSON"),
            (b"[{\"name\": \"a\"}]", "array"),
            (b"\"a\"", "string"),
            (b"null", "null"),
            (b"{\"name\": \"a\"} trailing", "JSON"),
        ] {
            app.req(Method::POST, &path)
                .key(&app.admin.key)
                .body("application/json", body.to_vec())
                .send()
                .await
                .expect_error(400, "MALFORMED_JSON", names);
        }
    }
    // Only the performance report takes an optional body.
    for path in ["/v2/project".to_string(), format!("/v2/project/{id}")] {
        app.req(Method::POST, &path)
            .key(&app.admin.key)
            .body("application/json", " \n")
            .send()
            .await
            .expect_error(400, "MALFORMED_JSON", "empty");
    }
    assert_eq!(app.snapshot(&id).await, before);
}

#[tokio::test]
async fn json_routes_want_a_json_content_type() {
    let app = TestApp::new().await;
    let body = br#"{"name": "typed"}"#.to_vec();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        app.req(Method::POST, "/v2/project")
            .key(&app.admin.key)
            .body(content_type, body.clone())
            .send()
            .await
            .expect_error(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type");
    }
    app.req(Method::POST, "/v2/project")
        .key(&app.admin.key)
        .raw(body.clone())
        .send()
        .await
        .expect_error(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type");
    assert_eq!(app.list(&app.admin.key, "").await["total"], 0);
    for content_type in [
        "application/json; charset=utf-8",
        "application/vnd.annohub+json",
        "Application/JSON",
    ] {
        app.req(Method::POST, "/v2/project")
            .key(&app.admin.key)
            .body(content_type, body.clone())
            .send()
            .await
            .expect_status(201);
    }
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405() {
    let app = TestApp::new().await;
    let id = app.project_id("Routes").await;
    for path in [
        "/v2/nothing",
        "/nothing",
        "/v2/project/x/y/z",
        "/v2/listprojects",
    ] {
        app.get(&app.admin.key, path)
            .await
            .expect_error(404, "NOT_FOUND", path);
        // Without a key too: an unknown route is not an auth question.
        app.req(Method::GET, path)
            .send()
            .await
            .expect_error(404, "NOT_FOUND", path);
    }
    for (method, path) in [
        (Method::PUT, format!("/v2/project/{id}")),
        (Method::PATCH, format!("/v2/project/{id}")),
        (Method::GET, "/v2/project".to_string()),
        (Method::DELETE, "/v2/listProjects".to_string()),
        (Method::POST, "/v2/listProjects".to_string()),
        (Method::GET, format!("/v2/project/{id}/assigned")),
        (
            Method::GET,
            format!("/v2/project/{id}/assetBuilderTemplates"),
        ),
        (Method::DELETE, format!("/v2/project/{id}/instructions")),
        (Method::GET, format!("/v2/performance/{id}")),
        (Method::POST, "/healthz".to_string()),
    ] {
        app.req(method.clone(), &path)
            .key(&app.admin.key)
            .json(&json!({}))
            .send()
            .await
            .expect_error(405, "METHOD_NOT_ALLOWED", method.as_str());
    }
    app.get(&app.admin.key, &format!("/v2/project/{id}"))
        .await
        .expect_status(200);
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_and_change_nothing() {
    let app = TestApp::with_config(|c| c.limits.json_body_bytes = 1024).await;
    let id = app.project_id("Small").await;
    let before = app.snapshot(&id).await;
    let big = json!({"name": "big", "description": "x".repeat(2000)});
    for path in ["/v2/project".to_string(), format!("/v2/project/{id}")] {
        app.post(&app.admin.key, &path, big.clone())
            .await
            .expect_error(413, "PAYLOAD_TOO_LARGE", "");
    }
    assert_eq!(app.snapshot(&id).await, before);
    let fits = json!({"name": "fits", "description": "x".repeat(900)});
    app.post(&app.admin.key, "/v2/project", fits)
        .await
        .expect_status(201);
}

#[tokio::test]
async fn doubled_slashes_are_collapsed_never_redirected() {
    let app = TestApp::new().await;
    let created = app
        .post(&app.admin.key, "//v2//project", json!({"name": "slashes"}))
        .await
        .expect_status(201)
        .project();
    let id = crate::support::id_of(&created);
    app.get(&app.admin.key, &format!("//v2/project//{id}"))
        .await
        .expect_status(200);
    let listed = app.list(&app.admin.key, "").await;
    assert_eq!(listed["total"], 1);
    let data = app
        .get(&app.admin.key, "//v2//listProjects?search=slash&limit=1")
        .await
        .expect_status(200)
        .data();
    assert_eq!(data["total"], 1);
    let data = app
        .get(&app.admin.key, "//v2//listProjects?search=nomatch")
        .await
        .expect_status(200)
        .data();
    assert_eq!(data["total"], 0, "the query survives the collapsing");
    app.req(Method::DELETE, &format!("///v2///project///{id}"))
        .key(&app.admin.key)
        .send()
        .await
        .expect_status(200);
}

#[tokio::test]
async fn get_and_delete_carry_a_json_content_type_and_no_body_like_the_sdk() {
    let app = TestApp::new().await;
    let id = app.project_id("Sdk").await;
    for path in ["/v2/listProjects".to_string(), format!("/v2/project/{id}")] {
        app.req(Method::GET, &path)
            .key(&app.admin.key)
            .body("application/json", Vec::new())
            .send()
            .await
            .expect_status(200);
    }
    let resp = app
        .req(Method::DELETE, &format!("/v2/project/{id}"))
        .key(&app.admin.key)
        .body("application/json", Vec::new())
        .send()
        .await
        .expect_status(200);
    assert_eq!(resp.data()["message"], "Project Sdk deleted");
}

#[tokio::test]
async fn every_v2_route_needs_a_valid_key() {
    let app = TestApp::new().await;
    let id = app.project_id("Locked").await;
    let ann = app.member("ann@example.com").await;
    let replacement = accounts::create_key(app.state.store.as_ref(), &ann.email)
        .await
        .unwrap();
    let mut routes = project_routes(&id);
    routes.push((Method::GET, "/v2/listProjects".into()));
    routes.push((Method::POST, "/v2/project".into()));
    let before = app.snapshot(&id).await;
    for (method, path) in routes {
        for key in [None, Some(""), Some("ak_unknown"), Some(ann.key.as_str())] {
            let mut req = app.req(method.clone(), &path).json(&json!({"name": "x"}));
            if let Some(key) = key {
                req = req.key(key);
            }
            req.send().await.expect_error(401, "UNAUTHORIZED", "");
        }
    }
    assert_eq!(app.snapshot(&id).await, before);
    assert_eq!(app.list(&replacement, "").await["total"], 0);
    for path in ["/healthz", "/readyz"] {
        let resp = app.req(Method::GET, path).send().await.expect_status(200);
        assert_eq!(resp.json(), json!({"status": "ok"}));
    }
}

#[tokio::test]
async fn malformed_project_ids_are_400_on_every_route() {
    let app = TestApp::new().await;
    for bad in [
        "123",
        "65A0C0FFEE0000000000BEEF",
        "65a0c0ffee0000000000beef0",
        "not-an-id",
    ] {
        for (method, path) in project_routes(bad) {
            app.req(method, &path)
                .key(&app.admin.key)
                .json(&json!({}))
                .send()
                .await
                .expect_error(400, "INVALID_ID", "projectId");
        }
    }
}

#[tokio::test]
async fn request_ids_are_echoed_in_headers_and_error_bodies() {
    let app = TestApp::new().await;
    let resp = app
        .req(Method::GET, "/v2/project/65a0c0ffee0000000000beef")
        .key(&app.admin.key)
        .header("x-request-id", "trace-123")
        .send()
        .await;
    let body = resp.expect_error(404, "NOT_FOUND", "project");
    assert_eq!(body["error"]["requestId"], "trace-123");
    let a = app.get(&app.admin.key, "/v2/listProjects").await;
    let b = app.get(&app.admin.key, "/v2/listProjects").await;
    let (a, b) = (
        a.header("x-request-id").unwrap(),
        b.header("x-request-id").unwrap(),
    );
    assert!(!a.is_empty() && a != b, "{a} {b}");
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let app = TestApp::with_config(|c| c.rate_limit_per_minute = Some(2)).await;
    for remaining in ["1", "0"] {
        let resp = app
            .get(&app.admin.key, "/v2/listProjects")
            .await
            .expect_status(200);
        assert_eq!(resp.header("ratelimit-limit").as_deref(), Some("2"));
        assert_eq!(
            resp.header("ratelimit-remaining").as_deref(),
            Some(remaining)
        );
        assert!(resp.header("ratelimit-reset").is_some());
    }
    let resp = app.get(&app.admin.key, "/v2/listProjects").await;
    resp.expect_error(429, "RATE_LIMITED", "");
    let retry: u64 = resp
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // Another key has its own budget.
    let ann = app.member("ann@example.com").await;
    app.get(&ann.key, "/v2/listProjects")
        .await
        .expect_status(200);
}

#[tokio::test]
async fn repeated_failed_authentications_are_throttled() {
    let app = TestApp::with_config(|c| c.auth_failures_per_minute = Some(3)).await;
    for _ in 0..3 {
        app.get("ak_wrong", "/v2/listProjects")
            .await
            .expect_error(401, "UNAUTHORIZED", "");
    }
    let resp = app.get("ak_wrong", "/v2/listProjects").await;
    resp.expect_error(429, "RATE_LIMITED", "");
    assert!(resp.header("retry-after").is_some());
}
