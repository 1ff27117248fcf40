//! Secrets and limits seen from outside: keys never logged, immediate revocation, per-key rate
//! limiting and the limit on failed authentications per address.

use serde_json::Value;

use crate::support::{ADMIN_KEY, DataHome, Server, client, create_project};

async fn organization_of_admin(server: &Server) -> String {
    let created = create_project(server, "org probe").await;
    created["organization"].as_str().unwrap().to_string()
}

async fn status_with_key(server: &Server, key: &str) -> u16 {
    client()
        .get(server.url("/v2/listProjects"))
        .header("apikey", key)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn keys_never_reach_logs_or_error_bodies_and_revocation_is_immediate() {
    let home = DataHome::new();
    let server = Server::start(&home, &[], &[("ANNOHUB_LOG", "debug")]);
    let org = organization_of_admin(&server).await;
    let first = home.admin(&[
        "user",
        "create",
        "--org",
        &org,
        "--email",
        "sam@secrets.test",
        "--role",
        "member",
    ]);
    assert_eq!(status_with_key(&server, &first).await, 200);
    let second = home.admin(&["key", "create", "--email", "sam@secrets.test"]);
    assert_ne!(first, second);
    assert_eq!(
        status_with_key(&server, &first).await,
        401,
        "the replaced key still works"
    );
    assert_eq!(status_with_key(&server, &second).await, 200);

    let bogus = "ak_this_is_not_a_key_but_must_not_be_echoed_0000000000000000";
    let response = client()
        .get(server.url("/v2/listProjects"))
        .header("apikey", bogus)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body = response.text().await.unwrap();
    assert!(
        !body.contains(bogus),
        "an error body echoes the key: {body}"
    );
    let bad_json = client()
        .post(server.url("/v2/project"))
        .header("apikey", &second)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!bad_json.contains(&second));

    server.terminate();
    let logs = server.stderr();
    assert!(
        logs.contains("request"),
        "debug logs were not captured: {logs}"
    );
    for secret in [ADMIN_KEY, first.as_str(), second.as_str(), bogus] {
        assert!(!logs.contains(secret), "a key appears in the log");
    }
}

#[tokio::test]
async fn per_key_rate_limit_sends_headers_and_retry_after() {
    let home = DataHome::new();
    let server = Server::start(&home, &["--rate-limit-per-minute", "3"], &[]);
    let http = client();
    for expected_remaining in ["2", "1", "0"] {
        let response = http
            .get(server.url("/v2/listProjects"))
            .header("apikey", ADMIN_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["ratelimit-limit"], "3");
        assert_eq!(
            response.headers()["ratelimit-remaining"],
            expected_remaining
        );
        assert!(response.headers().contains_key("ratelimit-reset"));
    }
    let refused = http
        .get(server.url("/v2/listProjects"))
        .header("apikey", ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 429);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "RATE_LIMITED");
    assert_eq!(
        status_with_key(&server, "ak_other_key").await,
        401,
        "other keys have their own budget"
    );
}

#[tokio::test]
async fn repeated_failed_authentication_from_one_address_is_refused() {
    let home = DataHome::new();
    let server = Server::start(&home, &["--auth-failures-per-minute", "5"], &[]);
    for _ in 0..5 {
        assert_eq!(status_with_key(&server, "ak_guess").await, 401);
    }
    let refused = client()
        .get(server.url("/v2/listProjects"))
        .header("apikey", "ak_guess")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["retry-after"], "60");
    assert_eq!(
        status_with_key(&server, ADMIN_KEY).await,
        429,
        "the address is blocked while its window lasts"
    );
}
