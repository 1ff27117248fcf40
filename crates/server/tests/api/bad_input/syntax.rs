//! Catalogue rows for every route: bodies that are not JSON objects, content types, size, keys.

use axum::http::Method;
use serde_json::json;

use super::{Body, Case, Fixture, JSON_LIMIT, MALFORMED, case, json_bytes, long, upload_part};
use crate::support::pdf;

const UNSUPPORTED: &str = "UNSUPPORTED_MEDIA_TYPE";
const TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
const UNAUTHORIZED: &str = "UNAUTHORIZED";

/// The routes that take a JSON body.
const JSON_ROUTES: [&str; 5] = [
    "/v2/project",
    "/v2/project/<p>",
    "/v2/project/<p>/assigned",
    "/v2/project/<p>/assetBuilderTemplates",
    "/v2/performance/<p>",
];

/// Every route and method of the API, with a body it would accept from the admin.
fn endpoints() -> Vec<(Method, &'static str, Body)> {
    vec![
        (Method::GET, "/v2/listProjects", Body::None),
        (
            Method::POST,
            "/v2/project",
            Body::Json(json!({"name": "new"})),
        ),
        (Method::GET, "/v2/project/<p>", Body::None),
        (
            Method::POST,
            "/v2/project/<p>",
            Body::Json(json!({"description": "changed"})),
        ),
        (Method::DELETE, "/v2/project/<p>", Body::None),
        (
            Method::POST,
            "/v2/project/<p>/assigned",
            Body::Json(json!({"role": "Lead", "assignees": ["free@fx.test"]})),
        ),
        (
            Method::POST,
            "/v2/project/<p>/assetBuilderTemplates",
            Body::Json(json!({"name": "new", "config": {}})),
        ),
        (
            Method::POST,
            "/v2/project/<p>/instructions",
            upload_part("file", "new.pdf", &pdf("new")),
        ),
        (Method::GET, "/v2/project/<p>/instructions", Body::None),
        (Method::POST, "/v2/performance/<p>", Body::Json(json!({}))),
    ]
}

fn raw(content_type: Option<&str>, bytes: &[u8]) -> Body {
    Body::Raw(content_type.map(String::from), bytes.to_vec())
}

fn syntax_cases() -> Vec<Case> {
    let valid = br#"{"name": "typed"}"#;
    let too_big = format!(r#"{{"pad": "{}"}}"#, long(JSON_LIMIT + 1)).into_bytes();
    let too_deep = format!(
        r#"{{"projectPlugins": {}{}}}"#,
        "[".repeat(300),
        "]".repeat(300)
    );
    let form = "application/x-www-form-urlencoded";
    let rows: Vec<(Body, u16, &str, &str)> = vec![
        (json_bytes(b"{\"name\": "), 400, MALFORMED, "JSON"),
        (json_bytes(b"{\"name\": \"a\",}"), 400, MALFORMED, "JSON"),
        (json_bytes(b"{'name': 'a'}"), 400, MALFORMED, "JSON"),
        (json_bytes(b"{\"name\": \"a\"} {}"), 400, MALFORMED, "JSON"),
        (
            json_bytes(b"{\"name\": \"\xff\xfe\"}"),
            400,
            MALFORMED,
            "JSON",
        ),
        (json_bytes(too_deep.as_bytes()), 400, MALFORMED, "JSON"),
        (json_bytes(b"[]"), 400, MALFORMED, "array"),
        (json_bytes(br#"[{"name": "a"}]"#), 400, MALFORMED, "array"),
        (json_bytes(b"42"), 400, MALFORMED, "number"),
        (json_bytes(b"\"text\""), 400, MALFORMED, "string"),
        (json_bytes(b"true"), 400, MALFORMED, "boolean"),
        (json_bytes(b"null"), 400, MALFORMED, "null"),
        (
            raw(Some("text/plain"), valid),
            415,
            UNSUPPORTED,
            "Content-Type",
        ),
        (
            raw(Some(form), b"name=typed"),
            415,
            UNSUPPORTED,
            "Content-Type",
        ),
        (raw(None, valid), 415, UNSUPPORTED, "Content-Type"),
        (
            raw(Some("multipart/form-data; boundary=x"), valid),
            415,
            UNSUPPORTED,
            "Content-Type",
        ),
        (json_bytes(&too_big), 413, TOO_LARGE, "body"),
        (raw(Some("text/plain"), &too_big), 413, TOO_LARGE, "body"),
    ];
    let mut cases = Vec::new();
    for path in JSON_ROUTES {
        for (body, status, code, names) in &rows {
            cases.push(case(Method::POST, path, body.clone(), *status, code, names));
        }
        // The performance report alone takes an optional body.
        if !path.starts_with("/v2/performance") {
            for empty in [&b""[..], b" \n\t"] {
                cases.push(case(
                    Method::POST,
                    path,
                    json_bytes(empty),
                    400,
                    MALFORMED,
                    "empty",
                ));
            }
        }
    }
    let upload = "/v2/project/<p>/instructions";
    for body in [
        Body::Json(json!({"file": "guide.pdf"})),
        raw(Some("text/plain"), b"%PDF-1.4"),
        raw(Some(form), b"file=%25PDF-1.4"),
        raw(None, b"%PDF-1.4"),
        raw(Some("multipart/form-data"), b"%PDF-1.4"),
        raw(Some("application/pdf"), &pdf("bare")),
    ] {
        cases.push(case(
            Method::POST,
            upload,
            body,
            415,
            UNSUPPORTED,
            "multipart",
        ));
    }
    cases
}

fn auth_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (method, path, body) in endpoints() {
        let row = |names: &str| case(method.clone(), path, body.clone(), 401, UNAUTHORIZED, names);
        cases.extend([
            row("apikey").without("apikey"),
            row("apikey")
                .without("apikey")
                .header("authorization", "Bearer <admin>"),
            row("apikey").header("apikey", ""),
            row("apikey").header("apikey", "   "),
            row("API key").header("apikey", "ak_00000000000000000000000000000000"),
            row("API key").header("apikey", "<admin>x"),
            row("API key").header("apikey", "<revoked>"),
        ]);
    }
    cases
}

#[tokio::test]
async fn bodies_that_are_not_json_objects_or_not_json_or_too_large() {
    Fixture::new().await.run("syntax", syntax_cases()).await;
}

#[tokio::test]
async fn missing_empty_unknown_and_revoked_keys_on_every_route() {
    Fixture::new().await.run("auth", auth_cases()).await;
}
