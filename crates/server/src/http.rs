//! The HTTP stack around the routes: fallbacks, slash collapsing, request ids, limits, panics.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::Uri;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;
use tower::util::MapRequestLayer;
use tower::{Layer, Service};
use tower_http::catch_panic::CatchPanicLayer;

use crate::config::Limits;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The whole application as one service: collapses `//` in paths before routing.
pub fn app(
    state: AppState,
) -> impl Service<Request, Response = Response, Error = Infallible, Future: Send> + Clone + Send {
    let limits = state.limits.clone();
    stack(crate::routes::router(state), &limits)
}

/// Wraps `router` in everything around the routes: the 404/405 fallbacks, panic catching,
/// the in-flight and time limits, request ids and slash collapsing.
pub fn stack(
    router: Router,
    limits: &Limits,
) -> impl Service<Request, Response = Response, Error = Infallible, Future: Send> + Clone + Send + use<>
{
    let in_flight = Arc::new(Semaphore::new(limits.max_in_flight));
    let timeout = limits.request_timeout;
    let router: Router = router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(CatchPanicLayer::custom(
            |panic: Box<dyn std::any::Any + Send>| {
                let detail = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a payload that is not a string".to_string());
                ApiError::internal(format!("a handler panicked: {detail}")).into_response()
            },
        ))
        .layer(axum::middleware::from_fn(
            move |request: Request, next: Next| {
                let in_flight = in_flight.clone();
                async move { guard(in_flight, timeout, request, next).await }
            },
        ))
        .layer(axum::middleware::from_fn(crate::request_id::layer));
    MapRequestLayer::new(collapse_slashes).layer(router)
}

/// Sheds load past the in-flight limit and bounds each request's time.
async fn guard(
    in_flight: Arc<Semaphore>,
    timeout: std::time::Duration,
    request: Request,
    next: Next,
) -> Response {
    let Ok(_permit) = in_flight.try_acquire() else {
        return ApiError::new(
            ErrorCode::Unavailable,
            "the server is at its limit of requests in flight; retry shortly",
        )
        .into_response();
    };
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            ErrorCode::Unavailable,
            format!(
                "the request took longer than {} s and was abandoned",
                timeout.as_secs()
            ),
        )
        .into_response(),
    }
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::new(ErrorCode::NotFound, format!("no route {}", uri.path()))
}

async fn method_not_allowed(request: Request) -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!(
            "{} is not allowed on {}",
            request.method(),
            request.uri().path()
        ),
    )
}

/// `//v2//project` → `/v2/project`: the SDK produces doubled slashes from a host with a trailing slash.
fn collapse_slashes(mut request: Request) -> Request {
    let path = request.uri().path();
    if !path.contains("//") {
        return request;
    }
    let mut collapsed = String::with_capacity(path.len());
    let mut previous_slash = false;
    for c in path.chars() {
        if c == '/' && previous_slash {
            continue;
        }
        previous_slash = c == '/';
        collapsed.push(c);
    }
    if let Some(query) = request.uri().query() {
        collapsed.push('?');
        collapsed.push_str(query);
    }
    let mut parts = request.uri().clone().into_parts();
    if let Ok(path_and_query) = collapsed.parse() {
        parts.path_and_query = Some(path_and_query);
        if let Ok(uri) = Uri::from_parts(parts) {
            *request.uri_mut() = uri;
        }
    }
    request
}
