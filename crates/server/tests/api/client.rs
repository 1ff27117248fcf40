//! The in-process client: building requests, reading responses, asserting the error envelope.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::support::Service;

/// A request being built.
pub struct Req {
    service: Service,
    builder: axum::http::request::Builder,
    body: Body,
}

impl Req {
    /// A request to `path` on `service` (any clone of an app's service).
    pub fn on(service: Service, method: Method, path: &str) -> Self {
        Req {
            service,
            builder: Request::builder().method(method).uri(path),
            body: Body::empty(),
        }
    }

    pub fn key(self, key: &str) -> Self {
        self.header("apikey", key)
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.builder = self.builder.header(name, value);
        self
    }

    /// A JSON body with `Content-Type: application/json`.
    pub fn json(self, body: &Value) -> Self {
        self.body("application/json", body.to_string().into_bytes())
    }

    /// A raw body with this content type.
    pub fn body(mut self, content_type: &str, bytes: impl Into<Bytes>) -> Self {
        self.builder = self.builder.header(header::CONTENT_TYPE, content_type);
        self.body = Body::from(bytes.into());
        self
    }

    /// A raw body without a content type.
    pub fn raw(mut self, bytes: impl Into<Bytes>) -> Self {
        self.body = Body::from(bytes.into());
        self
    }

    pub async fn send(self) -> Resp {
        let request = self.builder.body(self.body).expect("request");
        let response = self.service.oneshot(request).await.expect("infallible");
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("read the body").to_bytes();
        Resp {
            status: parts.status,
            headers: parts.headers,
            bytes,
        }
    }
}

/// A multipart body with one file part named `file`: `(content type, bytes)`.
pub fn multipart(file_name: &str, contents: &[u8]) -> (String, Vec<u8>) {
    let boundary = "annohubtestboundary7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(contents);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A small PDF-looking file.
pub fn pdf(tag: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% annohub test {tag}\n1 0 obj << >> endobj\n%%EOF\n").into_bytes()
}

/// A finished response.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Bytes,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("ASCII header").to_string())
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect_status(self, status: u16) -> Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text()
        );
        self
    }

    /// `data` of a success envelope.
    #[track_caller]
    pub fn data(&self) -> Value {
        let body = self.json();
        assert!(self.status.is_success(), "not a success: {body}");
        assert_eq!(body["status"], "success", "{body}");
        let content_type = self.header("content-type").unwrap_or_default();
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        body["data"].clone()
    }

    /// `data.project`.
    #[track_caller]
    pub fn project(&self) -> Value {
        let project = self.data()["project"].clone();
        assert!(project.is_object(), "no data.project in {}", self.text());
        project
    }

    /// The `ETag` header, which must be there.
    #[track_caller]
    pub fn etag(&self) -> String {
        self.header("etag").expect("an ETag header")
    }

    /// Asserts the error envelope: status, `status` fail/error, `error.code`,
    /// `error.statusCode`, `error.requestId` equal to `x-request-id`, and a `message` naming
    /// `names` (a field or value; `""` to skip).
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str, names: &str) -> Value {
        let body = self.json();
        assert_eq!(self.status.as_u16(), status, "status of {body}");
        let content_type = self.header("content-type").unwrap_or_default();
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        let expected = if status >= 500 { "error" } else { "fail" };
        assert_eq!(body["status"], expected, "{body}");
        assert_eq!(body["error"]["code"], code, "{body}");
        assert_eq!(body["error"]["statusCode"], status, "{body}");
        assert!(body["error"]["details"].is_array(), "{body}");
        let message = body["message"].as_str().expect("message");
        assert!(!message.is_empty());
        assert!(
            message.contains(names),
            "message {message:?} does not name {names:?}"
        );
        let request_id = self.header("x-request-id").expect("x-request-id header");
        assert!(!request_id.is_empty());
        assert_eq!(body["error"]["requestId"], request_id.as_str(), "{body}");
        body
    }
}
