//! The bad-input catalogue's harness: cases as data, a rich fixture, and one exacting runner.
//!
//! Every case is a row: method, path, headers, body, expected status, `error.code` and the text
//! the message must contain (the field or value it names). Tokens such as `<p>` (the fixture
//! project's id) are replaced in paths, header values and bodies when the case is sent. Each
//! case must answer 4xx with the error envelope, `x-request-id` equal to `error.requestId`,
//! and leave the whole database and file tree exactly as they were.

mod bodies;
mod fields;
mod graphs;
mod routes;
mod syntax;
mod update;

use axum::http::Method;
use serde_json::{Value, json};

use annohub::services::accounts;
use annohub_domain::Id;

use crate::client::Resp;
use crate::snapshot::Snapshot;
use crate::support::{TestApp, id_of, multipart, pdf};

pub const VF: &str = "VALIDATION_FAILED";
pub const MALFORMED: &str = "MALFORMED_JSON";
pub const INVALID_ID: &str = "INVALID_ID";
pub const NOT_FOUND: &str = "NOT_FOUND";

/// JSON bodies above this many bytes are refused with 413.
pub const JSON_LIMIT: usize = 64 * 1024;
/// Instructions uploads above this many bytes are refused with 413.
pub const UPLOAD_LIMIT: usize = 16 * 1024;

/// A request body.
#[derive(Clone, Debug)]
pub enum Body {
    None,
    /// Sent with `Content-Type: application/json`.
    Json(Value),
    /// Raw bytes with this content type, or none.
    Raw(Option<String>, Vec<u8>),
}

/// One row of the catalogue.
#[derive(Clone, Debug)]
pub struct Case {
    pub method: Method,
    pub path: String,
    /// `apikey: <admin>` unless a row says otherwise.
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
    pub status: u16,
    pub code: &'static str,
    /// Text the message must contain: the field or value at fault.
    pub names: String,
}

/// A row sent as the fixture's admin.
pub fn case(
    method: Method,
    path: &str,
    body: Body,
    status: u16,
    code: &'static str,
    names: &str,
) -> Case {
    Case {
        method,
        path: path.to_string(),
        headers: vec![("apikey", "<admin>".to_string())],
        body,
        status,
        code,
        names: names.to_string(),
    }
}

impl Case {
    /// Sets a header, replacing one of the same name.
    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value.to_string()));
        self
    }

    /// Leaves a header out.
    pub fn without(mut self, name: &str) -> Self {
        self.headers.retain(|(n, _)| *n != name);
        self
    }
}

/// `Content-Type: application/json` with these bytes.
pub fn json_bytes(bytes: &[u8]) -> Body {
    Body::Raw(Some("application/json".into()), bytes.to_vec())
}

/// A multipart upload whose one part, named `name`, holds `contents`.
pub fn upload_part(name: &str, file_name: &str, contents: &[u8]) -> Body {
    let boundary = "badinputboundary0123456789";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(contents);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Body::Raw(
        Some(format!("multipart/form-data; boundary={boundary}")),
        body,
    )
}

/// The data every case runs against: two projects rich in rows and files, several users.
pub struct Fixture {
    pub app: TestApp,
    tokens: Vec<(&'static str, String)>,
}

impl Fixture {
    pub async fn new() -> Self {
        let app = TestApp::with_config(|c| {
            c.limits.json_body_bytes = JSON_LIMIT;
            c.limits.upload_bytes = UPLOAD_LIMIT;
            c.auth_failures_per_minute = None;
        })
        .await;
        app.member("manager@fx.test").await;
        let labeler = app.member("labeler@fx.test").await;
        app.member("free@fx.test").await;
        let revoked = app.member("revoked@fx.test").await;
        accounts::create_key(app.state.store.as_ref(), &revoked.email)
            .await
            .expect("replace the key");
        let project = app
            .create_project(
                &app.admin.key,
                json!({
                    "name": "Fixture", "description": "what bad input must leave alone",
                    "categorySchema": {
                        "tools": [{"tool": "bounding-box", "title": "Car", "schemaId": "car",
                                   "classifications": [{"tool": "text", "schemaId": "plate"}]}],
                        "classifications": [{"tool": "radio", "schemaId": "colour",
                                             "options": [{"value": "red", "schemaId": "red"}]}],
                        "relations": [{"tool": "group", "schemaId": "fleet"}]},
                    "batches": [{"name": "first", "color": "#FF5733"}, {"name": "second"}],
                    "assignedTo": [{"assignee": "manager@fx.test", "role": "Manager"},
                                   {"assignee": "labeler@fx.test", "role": "Labeler"}],
                    "benchmarkEnabled": true, "idleTimeout": 600,
                }),
            )
            .await;
        let id = id_of(&project);
        let template = json!({"name": "tpl", "template": "<p/>", "selectedExternalId": "c1",
            "batchColumn": "", "description": "", "preLabelConfig": {},
            "dataConfig": {"c1": {"type": "image", "storage": "Public"}}});
        app.post(
            &app.admin.key,
            &format!("/v2/project/{id}/assetBuilderTemplates"),
            template,
        )
        .await
        .expect_status(201);
        let (content_type, body) = multipart("guide.pdf", &pdf("fixture"));
        app.req(Method::POST, &format!("/v2/project/{id}/instructions"))
            .key(&app.admin.key)
            .body(&content_type, body)
            .send()
            .await
            .expect_status(200);
        let bare = app
            .create_project(
                &app.admin.key,
                json!({"name": "Bare", "batches": [{"name": "only"}]}),
            )
            .await;
        let project = app
            .get(&app.admin.key, &format!("/v2/project/{id}"))
            .await
            .expect_status(200)
            .project();
        let tokens = vec![
            ("<admin>", app.admin.key.clone()),
            ("<labeler>", labeler.key),
            ("<revoked>", revoked.key),
            ("<p>", id),
            ("<bare>", id_of(&bare)),
            ("<gone>", Id::generate().to_string()),
            ("<batch>", id_of(&project["batches"][0])),
            ("<barebatch>", id_of(&bare["batches"][0])),
            ("<org>", app.org.to_string()),
            (
                "<createdAt>",
                project["createdAt"].as_str().unwrap().to_string(),
            ),
        ];
        Fixture { app, tokens }
    }

    fn fill(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (token, value) in &self.tokens {
            out = out.replace(token, value);
        }
        out
    }

    async fn send(&self, case: &Case) -> Resp {
        let mut req = self.app.req(case.method.clone(), &self.fill(&case.path));
        for (name, value) in &case.headers {
            req = req.header(name, &self.fill(value));
        }
        match &case.body {
            Body::None => req,
            Body::Json(value) => req.body("application/json", self.fill(&value.to_string())),
            Body::Raw(Some(content_type), bytes) => req.body(content_type, bytes.clone()),
            Body::Raw(None, bytes) => req.raw(bytes.clone()),
        }
        .send()
        .await
    }

    /// Sends every case of `table`, checking each; fails listing every case that did not hold.
    pub async fn run(&self, table: &str, cases: Vec<Case>) {
        let mut before: Snapshot = self.app.full_snapshot().await;
        let mut failures = Vec::new();
        for (i, case) in cases.iter().enumerate() {
            let resp = self.send(case).await;
            let label = format!(
                "{table}[{i}] {} {} {}",
                case.method,
                case.path,
                describe(&case.body)
            );
            if let Err(problem) = check(&resp, case) {
                failures.push(format!("{label}\n    {problem}"));
            }
            let after = self.app.full_snapshot().await;
            if after != before {
                failures.push(format!(
                    "{label}\n    changed the stored state:\n{}",
                    before.diff(&after)
                ));
                before = after;
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} {table} cases failed:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }
}

fn describe(body: &Body) -> String {
    let text = match body {
        Body::None => return String::new(),
        Body::Json(value) => value.to_string(),
        Body::Raw(content_type, bytes) => {
            format!(
                "[{}] {}",
                content_type.as_deref().unwrap_or("no type"),
                String::from_utf8_lossy(bytes)
            )
        }
    };
    let short: String = text.chars().take(100).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// The error envelope of the contract, for this case.
fn check(resp: &Resp, case: &Case) -> Result<(), String> {
    let status = resp.status.as_u16();
    let text = resp.text();
    let shown: String = text.chars().take(300).collect();
    if !(400..500).contains(&status) {
        return Err(format!("status {status}, not 4xx: {shown}"));
    }
    if status != case.status {
        return Err(format!(
            "status {status}, expected {}: {shown}",
            case.status
        ));
    }
    let content_type = resp.header("content-type").unwrap_or_default();
    if !content_type.starts_with("application/json") {
        return Err(format!("content type {content_type:?}"));
    }
    let body: Value =
        serde_json::from_str(&text).map_err(|e| format!("not JSON ({e}): {shown}"))?;
    let error = &body["error"];
    let expected = [
        (body["status"] == "fail", "status is not \"fail\""),
        (error["code"] == case.code, "wrong error.code"),
        (
            error["statusCode"] == status,
            "error.statusCode differs from the status",
        ),
        (error["details"].is_array(), "error.details is not an array"),
    ];
    if let Some((_, what)) = expected.iter().find(|(ok, _)| !ok) {
        return Err(format!("{what} (expected {}): {shown}", case.code));
    }
    let message = body["message"].as_str().unwrap_or("");
    if message.is_empty() || !message.contains(&case.names) {
        return Err(format!(
            "message {message:?} does not name {:?}",
            case.names
        ));
    }
    let request_id = resp.header("x-request-id").unwrap_or_default();
    if request_id.is_empty() || error["requestId"] != request_id.as_str() {
        return Err(format!(
            "x-request-id {request_id:?} is not error.requestId {}",
            error["requestId"]
        ));
    }
    Ok(())
}

/// `n` characters.
pub fn long(n: usize) -> String {
    "x".repeat(n)
}
