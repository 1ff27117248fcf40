//! Graceful shutdown: SIGTERM under load finishes in-flight requests, refuses new connections,
//! and exits 0 within the grace period.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{ADMIN_KEY, DataHome, Server, client, create_project, pdf};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_finishes_in_flight_requests_and_exits_zero() {
    let home = DataHome::new();
    let mut server = Server::start(&home, &["--shutdown-grace-secs", "10"], &[]);
    let created = create_project(&server, "shutdown").await;
    let id = created["_id"].as_str().unwrap().to_string();
    let address = server.base.trim_start_matches("http://").to_string();

    let terminated = Arc::new(AtomicBool::new(false));
    let load: Vec<_> = (0..4)
        .map(|_| {
            tokio::spawn(steady_load(
                server.url(&format!("/v2/project/{id}")),
                terminated.clone(),
            ))
        })
        .collect();
    let upload = tokio::spawn(slow_upload(
        address.clone(),
        id.clone(),
        Duration::from_millis(1500),
    ));

    tokio::time::sleep(Duration::from_millis(500)).await;
    terminated.store(true, Ordering::SeqCst);
    server.terminate();
    let signalled = Instant::now();

    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        TcpStream::connect(&address).await.is_err(),
        "a new connection was accepted after SIGTERM"
    );

    let status = upload.await.unwrap();
    assert_eq!(
        status, 200,
        "the upload in flight at SIGTERM did not complete"
    );

    let exit = wait_for_exit(&mut server, Duration::from_secs(10));
    assert_eq!(
        exit,
        Some(0),
        "the server did not exit 0 within the grace period"
    );
    assert!(signalled.elapsed() < Duration::from_secs(10));
    for worker in load {
        let (served, failures_before_term) = worker.await.unwrap();
        assert!(served > 0, "the load never got an answer");
        assert_eq!(failures_before_term, 0, "requests failed before SIGTERM");
    }
}

/// Requests with a new connection each until refused; returns (answered, failures before SIGTERM).
/// Every answer must be a 200; after SIGTERM only connection failures are allowed.
async fn steady_load(url: String, terminated: Arc<AtomicBool>) -> (usize, usize) {
    let http = client();
    let (mut served, mut failures_before_term) = (0, 0);
    loop {
        let term_before = terminated.load(Ordering::SeqCst);
        match http.get(&url).header("apikey", ADMIN_KEY).send().await {
            Ok(response) => {
                assert_eq!(
                    response.status(),
                    200,
                    "a request was answered with an error during shutdown"
                );
                served += 1;
            }
            Err(_) if term_before || terminated.load(Ordering::SeqCst) => {
                return (served, failures_before_term);
            }
            Err(_) => failures_before_term += 1,
        }
    }
}

/// Uploads a PDF over raw TCP, spreading the body over `spread`; returns the response status.
async fn slow_upload(address: String, project: String, spread: Duration) -> u16 {
    let boundary = "annohubboundary";
    let mut file = pdf("slow upload");
    file.resize(64 * 1024, b' ');
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"guide.pdf\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let head = format!(
        "POST /v2/project/{project}/instructions HTTP/1.1\r\nHost: {address}\r\napikey: {ADMIN_KEY}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut stream = TcpStream::connect(&address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunks: Vec<&[u8]> = body.chunks(body.len() / 10 + 1).collect();
    let pause = spread / chunks.len() as u32;
    for chunk in chunks {
        stream.write_all(chunk).await.unwrap();
        tokio::time::sleep(pause).await;
    }
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response);
    text.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn wait_for_exit(server: &mut Server, limit: Duration) -> Option<i32> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = server.child.try_wait() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}
