//! A panicking handler: a generic JSON 500 with the request id; the panic text only in the log.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::Method;
use axum::routing::get;
use tower::util::BoxCloneService;

use crate::client::Req;
use crate::support::{Service, TestApp};

const SECRET: &str = "db-password=hunter2 at /srv/secret/path";

/// Log lines written by the tracing subscriber of the test's thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

async fn panics_with_a_str() -> &'static str {
    panic!("db-password=hunter2 at /srv/secret/path")
}

async fn panics_with_a_string() -> &'static str {
    panic!("{SECRET} ({})", 42)
}

/// The app's real routes plus two that panic, one with a `&str` and one with a `String`,
/// inside the app's real stack; at most one request in flight.
async fn panicking_app() -> (TestApp, Service) {
    let app = TestApp::with_config(|c| c.limits.max_in_flight = 1).await;
    let router = annohub::router(app.state.clone())
        .route("/v2/test-panic", get(panics_with_a_str))
        .route("/v2/test-panic-formatted", get(panics_with_a_string));
    let service = BoxCloneService::new(annohub::http::stack(router, &app.state.limits));
    (app, service)
}

#[tokio::test]
async fn a_panic_becomes_a_generic_500_with_the_request_id() {
    let (app, service) = panicking_app().await;
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    for (path, request_id) in [
        ("/v2/test-panic", "trace-1"),
        ("//v2//test-panic-formatted", "trace-2"),
    ] {
        let resp = Req::on(service.clone(), Method::GET, path)
            .header("x-request-id", request_id)
            .send()
            .await;
        let body = resp.expect_error(500, "INTERNAL", "internal server error");
        assert_eq!(body["status"], "error");
        assert_eq!(body["error"]["requestId"], request_id);
        assert_eq!(body["error"]["details"], serde_json::json!([]));
        let text = resp.text();
        for leak in ["hunter2", "password", "/srv", "panic", "42"] {
            assert!(!text.contains(leak), "the answer leaks {leak:?}: {text}");
        }
        let log = logs.text();
        let line = log
            .lines()
            .find(|l| l.contains(request_id) && l.contains("a handler panicked"))
            .unwrap_or_else(|| panic!("no log line for {request_id} in:\n{log}"));
        assert!(line.contains(SECRET), "the log keeps the detail: {line}");
    }
    // The panics released their in-flight slot, and the real routes still answer.
    for _ in 0..3 {
        let resp = Req::on(service.clone(), Method::GET, "/v2/listProjects")
            .key(&app.admin.key)
            .send()
            .await;
        resp.expect_status(200);
    }
    // Without a request id of its own, the 500 still carries the generated one.
    let resp = Req::on(service.clone(), Method::GET, "/v2/test-panic")
        .send()
        .await;
    resp.expect_error(500, "INTERNAL", "");
}
