//! Crash safety: SIGKILL at random moments under concurrent writes loses no acknowledged write.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng;
use serde_json::{Value, json};

use crate::support::{ADMIN_KEY, DataHome, Server, client, create_project, pdf};

const ROUNDS: usize = 20;
const WORKERS: usize = 6;
const MEMBERS: usize = 4;

/// What the server acknowledged for one project, and what was sent without an answer.
#[derive(Default, Clone)]
struct Expected {
    name: String,
    pending_names: Vec<String>,
    members: HashSet<String>,
    instructions: Option<String>,
    pending_instructions: Vec<String>,
}

type Ledger = Arc<Mutex<HashMap<String, Expected>>>;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_under_load_loses_no_acknowledged_write() {
    let home = DataHome::new();
    let members = set_up_members(&home).await;
    let ledger: Ledger = Arc::default();
    for round in 0..ROUNDS {
        let server = Server::start(&home, &[], &[]);
        verify(&server, &ledger, &home).await;
        let workers: Vec<_> = (0..WORKERS)
            .map(|w| {
                tokio::spawn(work(
                    server.base.clone(),
                    ledger.clone(),
                    members.clone(),
                    round * 100 + w,
                ))
            })
            .collect();
        let delay = rand::rng().random_range(100..1200);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        server.kill();
        for worker in workers {
            worker.await.expect("worker");
        }
        if home.is_sqlite() {
            assert_integrity(&home);
        }
    }
    let server = Server::start(&home, &[], &[]);
    verify(&server, &ledger, &home).await;
    let acknowledged = ledger.lock().unwrap().len();
    assert!(
        acknowledged >= ROUNDS,
        "too few acknowledged creates ({acknowledged}) for the test to mean anything"
    );
}

async fn set_up_members(home: &DataHome) -> Vec<String> {
    let server = Server::start(home, &[], &[]);
    let created = create_project(&server, "setup").await;
    let org = created["organization"].as_str().unwrap().to_string();
    drop(server);
    (0..MEMBERS)
        .map(|i| {
            let email = format!("member{i}@crash.test");
            home.admin(&[
                "user", "create", "--org", &org, "--email", &email, "--role", "member",
            ]);
            email
        })
        .collect()
}

/// Creates, renames, assigns and uploads until the server stops answering.
async fn work(base: String, ledger: Ledger, members: Vec<String>, seed: usize) {
    let http = client();
    for step in 0.. {
        let name = format!("p{seed}-{step}");
        let Ok(response) = http
            .post(format!("{base}/v2/project"))
            .header("apikey", ADMIN_KEY)
            .json(&json!({"name": name}))
            .send()
            .await
        else {
            return;
        };
        if !response.status().is_success() {
            return;
        }
        let Ok(body) = response.json::<Value>().await else {
            return;
        };
        let id = body["data"]["project"]["_id"].as_str().unwrap().to_string();
        ledger.lock().unwrap().insert(
            id.clone(),
            Expected {
                name: name.clone(),
                ..Default::default()
            },
        );

        let renamed = format!("{name}-renamed");
        ledger
            .lock()
            .unwrap()
            .get_mut(&id)
            .unwrap()
            .pending_names
            .push(renamed.clone());
        let sent = http
            .post(format!("{base}/v2/project/{id}"))
            .header("apikey", ADMIN_KEY)
            .json(&json!({"name": renamed}))
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => {
                let mut ledger = ledger.lock().unwrap();
                let entry = ledger.get_mut(&id).unwrap();
                entry.name = renamed;
                entry.pending_names.clear();
            }
            _ => return,
        }

        let member = &members[step % members.len()];
        let sent = http
            .post(format!("{base}/v2/project/{id}/assigned"))
            .header("apikey", ADMIN_KEY)
            .json(&json!({"role": "Labeler", "assignees": [member]}))
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => {
                ledger
                    .lock()
                    .unwrap()
                    .get_mut(&id)
                    .unwrap()
                    .members
                    .insert(member.clone());
            }
            _ => return,
        }

        let marker = format!("{id}-{step}");
        ledger
            .lock()
            .unwrap()
            .get_mut(&id)
            .unwrap()
            .pending_instructions
            .push(marker.clone());
        let mut bytes = pdf(&marker);
        bytes.resize(bytes.len() + 256 * 1024, b' ');
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("guide.pdf"),
        );
        let sent = http
            .post(format!("{base}/v2/project/{id}/instructions"))
            .header("apikey", ADMIN_KEY)
            .multipart(form)
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => {
                let mut ledger = ledger.lock().unwrap();
                let entry = ledger.get_mut(&id).unwrap();
                entry.instructions = Some(marker);
                entry.pending_instructions.clear();
            }
            _ => return,
        }
    }
}

/// Every acknowledged write is there, with its acknowledged content (or a later one that was in flight).
async fn verify(server: &Server, ledger: &Ledger, home: &DataHome) {
    let expected = ledger.lock().unwrap().clone();
    let http = client();
    for (id, want) in &expected {
        let response = http
            .get(server.url(&format!("/v2/project/{id}")))
            .header("apikey", ADMIN_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            200,
            "acknowledged project {id} is missing"
        );
        let project: Value = response.json().await.unwrap();
        let project = &project["data"]["project"];
        let name = project["name"].as_str().unwrap();
        assert!(
            name == want.name || want.pending_names.iter().any(|p| p == name),
            "project {id} has name {name}, expected {}",
            want.name
        );
        let assigned: HashSet<&str> = project["assignedTo"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["assignee"].as_str().unwrap())
            .collect();
        for member in &want.members {
            assert!(
                assigned.contains(member.as_str()),
                "acknowledged member {member} of {id} is missing"
            );
        }
        let download = http
            .get(server.url(&format!("/v2/project/{id}/instructions")))
            .header("apikey", ADMIN_KEY)
            .send()
            .await
            .unwrap();
        let acceptable: Vec<&String> = want
            .instructions
            .iter()
            .chain(want.pending_instructions.iter())
            .collect();
        if download.status() == 200 {
            let body = download.bytes().await.unwrap();
            let text = String::from_utf8_lossy(&body[..body.len().min(200)]).to_string();
            assert!(
                acceptable.iter().any(|m| text.contains(m.as_str())),
                "instructions of {id} are not an acknowledged upload"
            );
        } else {
            assert_eq!(download.status(), 404);
            assert!(
                want.instructions.is_none(),
                "acknowledged instructions of {id} are missing"
            );
        }
    }
    assert_files_match_rows(home).await;
}

/// No stored file without its row, and no row without its file (the start-up sweep removes orphans).
async fn assert_files_match_rows(home: &DataHome) {
    let mut last = (HashSet::new(), HashSet::new());
    for _ in 0..100 {
        let files = stored_files(&home.path().join("files"));
        let rows = file_rows(home);
        if files == rows {
            return;
        }
        last = (files, rows);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "files and rows differ: files without rows {:?}, rows without files {:?}",
        last.0.difference(&last.1).collect::<Vec<_>>(),
        last.1.difference(&last.0).collect::<Vec<_>>()
    );
}

fn stored_files(root: &std::path::Path) -> HashSet<String> {
    let mut found = HashSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.insert(
                    path.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    found
}

fn file_rows(home: &DataHome) -> HashSet<String> {
    match &home.database_url {
        None => {
            let conn = rusqlite::Connection::open(home.path().join("annohub.db")).unwrap();
            let mut stmt = conn.prepare("SELECT object_key FROM files").unwrap();
            stmt.query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        }
        Some(url) => {
            let out = std::process::Command::new("psql")
                .args([url, "-At", "-c", "SELECT object_key FROM files"])
                .output()
                .unwrap();
            String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        }
    }
}

fn assert_integrity(home: &DataHome) {
    let conn = rusqlite::Connection::open(home.path().join("annohub.db")).unwrap();
    let result: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(result, "ok");
}
