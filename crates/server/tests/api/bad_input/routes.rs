//! Catalogue rows for ids on every route, listing queries and instruction uploads.

use axum::http::Method;
use serde_json::json;

use super::{
    Body, Case, Fixture, INVALID_ID, NOT_FOUND, UPLOAD_LIMIT, VF, case, long, upload_part,
};
use crate::support::pdf;

/// Ids that are not 24 lowercase hex characters, as they appear in a path.
const BAD_IDS: [&str; 8] = [
    "123",
    "%FF%FE",
    "65a0c0ffee0000000000bee%00",
    "65A0C0FFEE0000000000BEEF",
    "65a0c0ffee0000000000beef0",
    "65a0c0ffee0000000000beeg",
    "<p>%20",
    "%3Cscript%3E",
];

/// Every route that takes a project id, with a body it would accept.
fn project_routes() -> Vec<(Method, &'static str, Body)> {
    vec![
        (Method::GET, "/v2/project/:id", Body::None),
        (
            Method::POST,
            "/v2/project/:id",
            Body::Json(json!({"description": "x"})),
        ),
        (Method::DELETE, "/v2/project/:id", Body::None),
        (
            Method::POST,
            "/v2/project/:id/assigned",
            Body::Json(json!({"role": "Lead", "assignees": ["free@fx.test"]})),
        ),
        (
            Method::POST,
            "/v2/project/:id/assetBuilderTemplates",
            Body::Json(json!({"name": "t", "config": {}})),
        ),
        (
            Method::POST,
            "/v2/project/:id/instructions",
            upload_part("file", "i.pdf", &pdf("i")),
        ),
        (Method::GET, "/v2/project/:id/instructions", Body::None),
        (Method::POST, "/v2/performance/:id", Body::Json(json!({}))),
    ]
}

fn id_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (method, path, body) in project_routes() {
        for bad in BAD_IDS {
            let path = path.replace(":id", bad);
            cases.push(case(
                method.clone(),
                &path,
                body.clone(),
                400,
                INVALID_ID,
                "projectId",
            ));
        }
        let path = path.replace(":id", "<gone>");
        cases.push(case(
            method.clone(),
            &path,
            body.clone(),
            404,
            NOT_FOUND,
            "project",
        ));
    }
    cases.extend([
        // GET and DELETE never parse a body: garbage there changes nothing about the answer.
        case(
            Method::DELETE,
            "/v2/project/<gone>",
            super::json_bytes(b"{"),
            404,
            NOT_FOUND,
            "project",
        ),
        case(
            Method::GET,
            "/v2/project/<bare>/instructions",
            Body::None,
            404,
            NOT_FOUND,
            "instructions",
        ),
        case(
            Method::DELETE,
            "/v2/project/<p>",
            Body::None,
            412,
            "PRECONDITION_FAILED",
            "If-Match",
        )
        .header("if-match", "\"999999\""),
        case(
            Method::DELETE,
            "/v2/project/<p>",
            Body::None,
            403,
            "FORBIDDEN",
            "role",
        )
        .header("apikey", "<labeler>"),
        case(
            Method::POST,
            "/v2/project/<p>",
            Body::Json(json!({"description": "x"})),
            403,
            "FORBIDDEN",
            "role",
        )
        .header("apikey", "<labeler>"),
    ]);
    cases
}

fn list_cases() -> Vec<Case> {
    let list = |query: &str, names: &str| {
        case(
            Method::GET,
            &format!("/v2/listProjects?{query}"),
            Body::None,
            400,
            VF,
            names,
        )
    };
    vec![
        list("page=0", "page must be a whole number from 1"),
        list("page=-1", "page"),
        list("page=1.5", "page"),
        list("page=x", "page"),
        list("page=", "page"),
        list("page=99999999999", "page"),
        list("limit=0", "limit must be a whole number from 1 to 100"),
        list("limit=101", "limit must be a whole number from 1 to 100"),
        list("limit=ten", "limit"),
        list("sort=colour", "sort"),
        list("sort=-", "sort"),
        list("sort=name,-name", "sort"),
        list("sort=name,", "sort"),
        list("pgae=1", "pgae is not a known query parameter"),
        list(
            &format!("search={}", long(257)),
            "search must be at most 256 characters",
        ),
        list("search=%00", "search"),
    ]
}

fn upload_cases() -> Vec<Case> {
    let upload = |query: &str, body: Body, status: u16, code: &'static str, names: &str| {
        case(
            Method::POST,
            &format!("/v2/project/<bare>/instructions{query}"),
            body,
            status,
            code,
            names,
        )
    };
    let pdf_part = || upload_part("file", "i.pdf", &pdf("x"));
    let media = "UNSUPPORTED_MEDIA_TYPE";
    let mut too_big = pdf("big");
    too_big.resize(UPLOAD_LIMIT * 2, b'x');
    let text = b"These are the instructions, in plain text.";
    let garbage = Body::Raw(
        Some("multipart/form-data; boundary=badinputboundary0123456789".into()),
        b"--other\r\nnot multipart at all".to_vec(),
    );
    vec![
        upload(
            "",
            upload_part("file", "guide.pdf", text),
            415,
            media,
            "not a PDF",
        ),
        upload(
            "",
            upload_part("file", "guide.pdf", b"%PDF"),
            415,
            media,
            "not a PDF",
        ),
        upload(
            "",
            upload_part("file", "guide.pdf", b"%pdf-1.4 lower case"),
            415,
            media,
            "not a PDF",
        ),
        upload(
            "",
            upload_part("file", "guide.pdf", b""),
            415,
            media,
            "empty",
        ),
        upload(
            "",
            upload_part("document", "guide.pdf", &pdf("x")),
            400,
            VF,
            "file is required",
        ),
        upload("", garbage, 400, VF, "file"),
        upload(
            "",
            upload_part("file", "big.pdf", &too_big),
            413,
            "PAYLOAD_TOO_LARGE",
            "upload",
        ),
        upload("?storageId=s3", pdf_part(), 400, VF, "storageId"),
        upload("?bucket=b", pdf_part(), 400, VF, "bucket"),
        upload("?colour=red", pdf_part(), 400, VF, "colour"),
        case(
            Method::POST,
            "/v2/project/<p>/instructions",
            pdf_part(),
            403,
            "FORBIDDEN",
            "role",
        )
        .header("apikey", "<labeler>"),
    ]
}

#[tokio::test]
async fn invalid_and_unknown_ids_on_every_route() {
    Fixture::new().await.run("ids", id_cases()).await;
}

#[tokio::test]
async fn bad_list_queries() {
    Fixture::new().await.run("list", list_cases()).await;
}

#[tokio::test]
async fn bad_instruction_uploads() {
    Fixture::new().await.run("uploads", upload_cases()).await;
}
