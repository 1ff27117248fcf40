//! Request ids: taken from `x-request-id` or made up, echoed in the response, error bodies and logs.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static CURRENT: String;
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The id of the request being served on this task, if any.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

fn fresh() -> String {
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let prefix = PREFIX.get_or_init(|| format!("{:08x}", rand::random::<u32>()));
    format!("{prefix}-{:x}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

fn acceptable(value: &HeaderValue) -> Option<String> {
    let s = value.to_str().ok()?;
    (!s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_graphic()))
        .then(|| s.to_string())
}

/// Middleware: scopes the request id over the handler and sets the response header.
pub async fn layer(request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(HEADER)
        .and_then(acceptable)
        .unwrap_or_else(fresh);
    let span = tracing::info_span!("request", request_id = %id);
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let started = std::time::Instant::now();
    let mut response = CURRENT
        .scope(id.clone(), next.run(request).instrument(span.clone()))
        .await;
    let status = response.status();
    span.in_scope(|| {
        let millis = started.elapsed().as_secs_f64() * 1000.0;
        if status.is_server_error() {
            tracing::error!(%method, path, status = status.as_u16(), millis, "request failed");
        } else {
            tracing::debug!(%method, path, status = status.as_u16(), millis, "request served");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}
