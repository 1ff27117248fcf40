//! Several instances on one PostgreSQL database: interleaved writes through both are all kept,
//! both answer identically, conditional writes stay exclusive, and a restart loses nothing.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use futures::future::join_all;
use serde_json::{Value, json};

use crate::support::{ADMIN_KEY, DataHome, Server, client, create_project};

const WORKERS: usize = 8;
const STEPS: usize = 12;

#[derive(Default, Clone, Debug)]
struct Expected {
    name: String,
    members: HashSet<String>,
    deleted: bool,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_database_agree_and_lose_nothing() {
    let home = DataHome::new();
    if home.is_sqlite() {
        eprintln!("skipped: the several-instances test needs PostgreSQL; set TEST_DATABASE_URL");
        return;
    }
    let a = Server::start(&home, &[], &[]);
    let b = Server::start(&home, &[], &[]);
    let members = create_members(&home, &a).await;
    let bases = [a.base.clone(), b.base.clone()];
    let ledger: Arc<Mutex<HashMap<String, Expected>>> = Arc::default();
    let workers = (0..WORKERS).map(|w| drive(bases.clone(), w, members.clone(), ledger.clone()));
    join_all(workers).await;

    let expected = ledger.lock().unwrap().clone();
    assert_eq!(expected.len(), WORKERS * STEPS);
    check(&[&a, &b], &expected).await;
    exactly_one_conditional_write_wins(&a, &b).await;

    a.terminate();
    drop(a);
    let a = Server::start(&home, &[], &[]);
    check(&[&a, &b], &expected).await;
}

async fn create_members(home: &DataHome, server: &Server) -> Vec<String> {
    let project = create_project(server, "org probe").await;
    let org = project["organization"].as_str().unwrap().to_string();
    (0..4)
        .map(|i| {
            let email = format!("m{i}@instances.test");
            home.admin(&[
                "user", "create", "--org", &org, "--email", &email, "--role", "member",
            ]);
            email
        })
        .collect()
}

async fn post(base: &str, path: &str, body: Value) -> Value {
    let response = client()
        .post(format!("{base}{path}"))
        .header("apikey", ADMIN_KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

/// Each step goes to the other instance than the one before.
async fn drive(
    bases: [String; 2],
    worker: usize,
    members: Vec<String>,
    ledger: Arc<Mutex<HashMap<String, Expected>>>,
) {
    for step in 0..STEPS {
        let base = |turn: usize| bases[(worker + step + turn) % 2].as_str();
        let name = format!("w{worker}-s{step}");
        let created = post(base(0), "/v2/project", json!({"name": name})).await;
        let id = created["data"]["project"]["_id"]
            .as_str()
            .unwrap()
            .to_string();
        let renamed = format!("{name}-renamed");
        post(
            base(1),
            &format!("/v2/project/{id}"),
            json!({"name": renamed}),
        )
        .await;
        let member = &members[(worker + step) % members.len()];
        post(
            base(0),
            &format!("/v2/project/{id}/assigned"),
            json!({"role": "Reviewer", "assignees": [member]}),
        )
        .await;
        let deleted = step % 4 == 3;
        if deleted {
            let response = client()
                .delete(format!("{}/v2/project/{id}", base(1)))
                .header("apikey", ADMIN_KEY)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
        }
        let mut expected = Expected {
            name: renamed,
            deleted,
            ..Default::default()
        };
        expected.members.insert(member.clone());
        ledger.lock().unwrap().insert(id, expected);
    }
}

/// Status and body, without the request id (which differs per request by design).
async fn get(server: &Server, path: &str) -> (u16, Value) {
    let response = client()
        .get(server.url(path))
        .header("apikey", ADMIN_KEY)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let mut body: Value = response.json().await.unwrap_or(Value::Null);
    if let Some(error) = body.get_mut("error").and_then(Value::as_object_mut) {
        error.remove("requestId");
    }
    (status, body)
}

async fn check(servers: &[&Server], expected: &HashMap<String, Expected>) {
    let mut listings = Vec::new();
    for server in servers {
        let mut ids = Vec::new();
        for page in 1.. {
            let (status, body) =
                get(server, &format!("/v2/listProjects?page={page}&limit=100")).await;
            assert_eq!(status, 200);
            let projects = body["data"]["projects"].as_array().unwrap().clone();
            ids.extend(
                projects
                    .iter()
                    .map(|p| p["_id"].as_str().unwrap().to_string()),
            );
            if projects.len() < 100 {
                listings.push((ids, body["data"]["total"].as_i64().unwrap()));
                break;
            }
        }
    }
    assert!(
        listings.windows(2).all(|w| w[0] == w[1]),
        "the instances list different projects"
    );
    for (id, want) in expected {
        let mut answers = Vec::new();
        for server in servers {
            answers.push(get(server, &format!("/v2/project/{id}")).await);
        }
        assert!(
            answers.windows(2).all(|w| w[0] == w[1]),
            "the instances disagree about {id}: {answers:?}"
        );
        let (status, body) = &answers[0];
        if want.deleted {
            assert_eq!(*status, 404, "deleted project {id} is visible");
            continue;
        }
        assert_eq!(*status, 200, "acknowledged project {id} is missing");
        let project = &body["data"]["project"];
        assert_eq!(project["name"], want.name.as_str());
        let assigned: HashSet<String> = project["assignedTo"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["assignee"].as_str().unwrap().to_string())
            .collect();
        assert!(
            want.members.is_subset(&assigned),
            "members of {id} were lost"
        );
    }
}

async fn exactly_one_conditional_write_wins(a: &Server, b: &Server) {
    let created = create_project(a, "contended").await;
    let id = created["_id"].as_str().unwrap().to_string();
    let etag = client()
        .get(a.url(&format!("/v2/project/{id}")))
        .header("apikey", ADMIN_KEY)
        .send()
        .await
        .unwrap()
        .headers()["etag"]
        .to_str()
        .unwrap()
        .to_string();
    let attempts = (0..10).map(|i| {
        let url = if i % 2 == 0 {
            a.url(&format!("/v2/project/{id}"))
        } else {
            b.url(&format!("/v2/project/{id}"))
        };
        let etag = etag.clone();
        async move {
            client()
                .post(url)
                .header("apikey", ADMIN_KEY)
                .header("if-match", etag)
                .json(&json!({"description": format!("writer {i}")}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let statuses = join_all(attempts).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 412).count(),
        9,
        "{statuses:?}"
    );
}
