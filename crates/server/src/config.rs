//! Runtime limits and settings shared by the HTTP layer and the services.

use std::time::Duration;

use annohub_domain::project::ProjectLimits;

/// Limits that protect the server; all configurable from the command line.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest JSON body, in bytes.
    pub json_body_bytes: usize,
    /// Largest instructions upload, in bytes.
    pub upload_bytes: usize,
    /// Most emails in one `/assigned` call.
    pub max_assignees: usize,
    /// Sizes of project documents.
    pub project: ProjectLimits,
    /// Longest a request may take before it is answered with 503.
    pub request_timeout: Duration,
    /// Most requests served at once; more are answered with 503 at once.
    pub max_in_flight: usize,
    /// Base URL clients reach the server at, for links such as the instructions URL; when not
    /// set, it is taken from the request's `Host` header.
    pub public_url: Option<String>,
    /// Memory kept for serialized project responses, in bytes.
    pub project_cache_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            json_body_bytes: 1024 * 1024,
            upload_bytes: 32 * 1024 * 1024,
            max_assignees: 1000,
            project: ProjectLimits::default(),
            request_timeout: Duration::from_secs(30),
            max_in_flight: 4096,
            public_url: None,
            project_cache_bytes: 32 * 1024 * 1024,
        }
    }
}
