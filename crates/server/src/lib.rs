//! annohub's server: HTTP routes, services, authentication, configuration and the CLI.
#![forbid(unsafe_code)]

pub mod auth;
pub mod cli;
pub mod config;
pub mod error;
pub mod extract;
pub mod http;
pub mod openapi;
pub mod project_cache;
pub mod rate_limit;
pub mod request_id;
pub mod routes;
pub mod server;
pub mod services;
pub mod state;

pub use http::app;
pub use routes::router;
pub use server::{ServeConfig, serve};
pub use state::AppState;
