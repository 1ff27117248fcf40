//! Instructions: multipart PDF upload, download, replacement, non-PDF and oversized rejections.

use axum::http::Method;
use serde_json::json;

use crate::support::{Resp, TestApp, multipart, pdf};

async fn upload(app: &TestApp, id: &str, file_name: &str, contents: &[u8]) -> Resp {
    let (content_type, body) = multipart(file_name, contents);
    app.req(Method::POST, &format!("/v2/project/{id}/instructions"))
        .key(&app.admin.key)
        .header("host", "annohub.test:8080")
        .body(&content_type, body)
        .send()
        .await
}

async fn download(app: &TestApp, key: &str, id: &str) -> Resp {
    app.get(key, &format!("/v2/project/{id}/instructions"))
        .await
}

#[tokio::test]
async fn an_uploaded_pdf_is_linked_and_downloadable_by_members() {
    let app = TestApp::new().await;
    let id = app.project_id("Docs").await;
    let labeler = app.member("lab@example.com").await;
    app.assign(&id, "Labeler", &[&labeler.email]).await;
    download(&app, &app.admin.key, &id)
        .await
        .expect_error(404, "NOT_FOUND", "instructions");
    let etag = app
        .get(&app.admin.key, &format!("/v2/project/{id}"))
        .await
        .etag();
    let file = pdf("first");
    let resp = upload(&app, &id, "guide line.pdf", &file)
        .await
        .expect_status(200);
    assert_ne!(resp.etag(), etag);
    let project = resp.project();
    let url = format!("http://annohub.test:8080/v2/project/{id}/instructions");
    assert_eq!(project["instructions"], url.as_str());
    assert_eq!(
        app.get(&app.admin.key, &format!("/v2/project/{id}"))
            .await
            .project()["instructions"],
        url.as_str()
    );
    for key in [&app.admin.key, &labeler.key] {
        let got = download(&app, key, &id).await.expect_status(200);
        assert_eq!(
            got.header("content-type").as_deref(),
            Some("application/pdf")
        );
        assert_eq!(got.bytes.as_ref(), file.as_slice());
    }
    assert_eq!(app.stored_files().len(), 1);
}

#[tokio::test]
async fn a_new_upload_replaces_and_removes_the_old_file() {
    let app = TestApp::new().await;
    let id = app.project_id("Docs").await;
    upload(&app, &id, "a.pdf", &pdf("a"))
        .await
        .expect_status(200);
    let first = app.stored_files();
    assert_eq!(first.len(), 1);
    let second = pdf("b, longer than the first one");
    upload(&app, &id, "b.pdf", &second).await.expect_status(200);
    assert_eq!(
        download(&app, &app.admin.key, &id)
            .await
            .expect_status(200)
            .bytes
            .as_ref(),
        second.as_slice()
    );
    let now = app.stored_files();
    assert_eq!(now.len(), 1, "{now:?}");
    assert_ne!(now, first);
}

#[tokio::test]
async fn rejected_uploads_keep_the_previous_file() {
    let app = TestApp::with_config(|c| c.limits.upload_bytes = 4096).await;
    let id = app.project_id("Docs").await;
    let kept = pdf("kept");
    upload(&app, &id, "kept.pdf", &kept)
        .await
        .expect_status(200);
    let before = app.snapshot(&id).await;
    let files = app.stored_files();
    let big = [pdf("big").as_slice(), &[b'x'; 8192]].concat();
    for (name, contents, status, code) in [
        (
            "renamed.pdf",
            b"just some text, not a PDF".to_vec(),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        ("short.pdf", b"%PD".to_vec(), 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("empty.pdf", Vec::new(), 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("big.pdf", big, 413, "PAYLOAD_TOO_LARGE"),
    ] {
        upload(&app, &id, name, &contents)
            .await
            .expect_error(status, code, "");
        assert_eq!(app.snapshot(&id).await, before, "{name}");
        assert_eq!(app.stored_files(), files, "{name} left a file behind");
        let got = download(&app, &app.admin.key, &id).await.expect_status(200);
        assert_eq!(got.bytes.as_ref(), kept.as_slice());
    }
}

#[tokio::test]
async fn the_upload_limit_is_its_own_not_the_json_limit() {
    let app = TestApp::with_config(|c| {
        c.limits.json_body_bytes = 1024;
        c.limits.upload_bytes = 64 * 1024;
    })
    .await;
    let id = app.project_id("Docs").await;
    let file = [pdf("three kilobytes").as_slice(), &[b' '; 3000]].concat();
    upload(&app, &id, "ok.pdf", &file).await.expect_status(200);
    assert_eq!(
        download(&app, &app.admin.key, &id).await.bytes.len(),
        file.len()
    );
}

#[tokio::test]
async fn the_request_must_be_multipart_with_a_file_part() {
    let app = TestApp::new().await;
    let id = app.project_id("Docs").await;
    let path = format!("/v2/project/{id}/instructions");
    let before = app.snapshot(&id).await;
    app.req(Method::POST, &path)
        .key(&app.admin.key)
        .json(&json!({"file": "%PDF-1.4"}))
        .send()
        .await
        .expect_error(415, "UNSUPPORTED_MEDIA_TYPE", "multipart");
    app.req(Method::POST, &path)
        .key(&app.admin.key)
        .send()
        .await
        .expect_error(415, "UNSUPPORTED_MEDIA_TYPE", "multipart");
    let boundary = "b0undary";
    let other_part = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"notes\"\r\n\r\nhello\r\n--{boundary}--\r\n"
    );
    app.req(Method::POST, &path)
        .key(&app.admin.key)
        .body(
            &format!("multipart/form-data; boundary={boundary}"),
            other_part,
        )
        .send()
        .await
        .expect_error(400, "VALIDATION_FAILED", "file");
    for (query, field) in [
        ("storageId=s3", "storageId"),
        ("bucket=b", "bucket"),
        ("folder=x", "folder"),
    ] {
        let (content_type, body) = multipart("a.pdf", &pdf("q"));
        app.req(Method::POST, &format!("{path}?{query}"))
            .key(&app.admin.key)
            .body(&content_type, body)
            .send()
            .await
            .expect_error(400, "VALIDATION_FAILED", field);
    }
    assert_eq!(app.snapshot(&id).await, before);
    assert!(app.stored_files().is_empty());
}

/// A multipart body of the given `(part name, file name, contents)` parts.
fn parts_body(parts: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "annohubpartsboundary";
    let mut body = Vec::new();
    for (name, file_name, contents) in parts {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(contents);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn an_extra_or_repeated_part_is_refused_naming_it_and_nothing_is_stored() {
    let app = TestApp::new().await;
    let id = app.project_id("Parts").await;
    let before = app.snapshot(&id).await;
    let files = app.stored_files();
    let good = pdf("good");
    for (parts, names) in [
        (
            vec![
                ("file", "a.pdf", good.as_slice()),
                ("notes", "n.txt", b"hi".as_slice()),
            ],
            "notes",
        ),
        (
            vec![
                ("notes", "n.txt", b"hi".as_slice()),
                ("file", "a.pdf", good.as_slice()),
            ],
            "notes",
        ),
        (
            vec![
                ("file", "a.pdf", good.as_slice()),
                ("file", "b.pdf", good.as_slice()),
            ],
            "file",
        ),
    ] {
        let (content_type, body) = parts_body(&parts);
        app.req(Method::POST, &format!("/v2/project/{id}/instructions"))
            .key(&app.admin.key)
            .body(&content_type, body)
            .send()
            .await
            .expect_error(400, "VALIDATION_FAILED", names);
        assert_eq!(app.snapshot(&id).await, before, "{names}");
        assert_eq!(app.stored_files(), files, "{names} left a file behind");
    }
}
