//! Overload: a request past the time limit, and one past the in-flight limit, get a 503 envelope.

use std::time::{Duration, Instant};

use axum::http::Method;
use axum::routing::get;
use tower::util::BoxCloneService;

use crate::client::Req;
use crate::support::{Service, TestApp};

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(5)).await;
    "finished"
}

/// The real routes plus a slow one, inside the app's real stack, with the given limits.
async fn app_with_slow_route(timeout: Duration, max_in_flight: usize) -> (TestApp, Service) {
    let app = TestApp::with_config(|c| {
        c.limits.request_timeout = timeout;
        c.limits.max_in_flight = max_in_flight;
    })
    .await;
    let router = annohub::router(app.state.clone()).route("/v2/test-slow", get(slow));
    let service = BoxCloneService::new(annohub::http::stack(router, &app.state.limits));
    (app, service)
}

#[tokio::test]
async fn a_request_over_the_time_limit_is_answered_503() {
    let (_app, service) = app_with_slow_route(Duration::from_millis(200), 16).await;
    let started = Instant::now();
    let resp = Req::on(service, Method::GET, "/v2/test-slow").send().await;
    let body = resp.expect_error(503, "UNAVAILABLE", "longer than");
    assert_eq!(body["status"], "error");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the timeout did not cut the request short"
    );
}

#[tokio::test]
async fn a_request_over_the_in_flight_limit_is_refused_at_once() {
    let (app, service) = app_with_slow_route(Duration::from_secs(30), 1).await;
    let occupying = tokio::spawn(Req::on(service.clone(), Method::GET, "/v2/test-slow").send());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let resp = Req::on(service.clone(), Method::GET, "/v2/listProjects")
        .key(&app.admin.key)
        .send()
        .await;
    resp.expect_error(503, "UNAVAILABLE", "in flight");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "the refusal was not immediate"
    );
    occupying.abort();
}
