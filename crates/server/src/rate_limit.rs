//! Rate limiting: per API key (off by default) and of failed authentications per client address.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::{API_KEY_HEADER, hash_api_key};
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// Buckets kept before idle ones are dropped.
const MAX_BUCKETS: usize = 100_000;

/// A fixed-window limiter: `per_minute` events per key per one-minute window.
pub struct RateLimiter<K = [u8; 32]> {
    per_minute: u32,
    windows: Mutex<HashMap<K, Window>>,
}

#[derive(Clone, Copy)]
struct Window {
    started: Instant,
    used: u32,
}

/// The verdict for one request.
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the window resets.
    pub reset: u64,
}

impl<K: Hash + Eq> RateLimiter<K> {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// True when `key` has used up its window, without counting anything.
    pub fn is_exhausted(&self, key: &K, now: Instant) -> bool {
        let windows = self.windows.lock().expect("rate limiter lock");
        windows.get(key).is_some_and(|w| {
            now.duration_since(w.started) < Duration::from_secs(60) && w.used >= self.per_minute
        })
    }

    /// Counts one event of `key` and says whether it may go on.
    pub fn check(&self, key: K, now: Instant) -> Decision {
        let window_length = Duration::from_secs(60);
        let mut windows = self.windows.lock().expect("rate limiter lock");
        if windows.len() >= MAX_BUCKETS {
            windows.retain(|_, w| now.duration_since(w.started) < window_length);
        }
        let window = windows.entry(key).or_insert(Window {
            started: now,
            used: 0,
        });
        if now.duration_since(window.started) >= window_length {
            *window = Window {
                started: now,
                used: 0,
            };
        }
        let allowed = window.used < self.per_minute;
        if allowed {
            window.used += 1;
        }
        let reset = (window_length.saturating_sub(now.duration_since(window.started)))
            .as_secs()
            .max(1);
        Decision {
            allowed,
            limit: self.per_minute,
            remaining: self.per_minute - window.used,
            reset,
        }
    }
}

fn set_headers(headers: &mut HeaderMap, decision: &Decision) {
    headers.insert("ratelimit-limit", HeaderValue::from(decision.limit));
    headers.insert("ratelimit-remaining", HeaderValue::from(decision.remaining));
    headers.insert("ratelimit-reset", HeaderValue::from(decision.reset));
}

/// Middleware for `/v2` routes: applies the limiter when one is configured.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(limiter) = &state.rate_limiter else {
        return next.run(request).await;
    };
    let Some(key) = request
        .headers()
        .get(API_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
    else {
        return next.run(request).await;
    };
    let decision = limiter.check(hash_api_key(key.trim()), Instant::now());
    let mut response = if decision.allowed {
        next.run(request).await
    } else {
        let mut err = ApiError::new(
            ErrorCode::RateLimited,
            format!(
                "rate limit of {} requests per minute exceeded; retry after {} s",
                decision.limit, decision.reset
            ),
        );
        err.retry_after = Some(decision.reset);
        err.into_response()
    };
    set_headers(response.headers_mut(), &decision);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_the_limit_then_refuses_until_the_window_resets() {
        let limiter = RateLimiter::new(2);
        let t0 = Instant::now();
        assert!(limiter.check([1; 32], t0).allowed);
        assert_eq!(limiter.check([1; 32], t0).remaining, 0);
        let refused = limiter.check([1; 32], t0);
        assert!(!refused.allowed);
        assert!(
            limiter.check([2; 32], t0).allowed,
            "keys are limited separately"
        );
        assert!(limiter.check([1; 32], t0 + Duration::from_secs(61)).allowed);
    }

    #[test]
    fn exhaustion_is_seen_without_counting() {
        let limiter: RateLimiter<u8> = RateLimiter::new(1);
        let t0 = Instant::now();
        assert!(!limiter.is_exhausted(&7, t0));
        limiter.check(7, t0);
        assert!(limiter.is_exhausted(&7, t0));
        assert!(!limiter.is_exhausted(&7, t0 + Duration::from_secs(61)));
    }
}
