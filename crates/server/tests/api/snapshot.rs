//! Exact snapshots of a test app's whole database and file tree: equal only if nothing changed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};
use sqlx::{Connection as _, PgConnection};

use crate::support::TestApp;

/// Every row of every table, and every entry under `<data-dir>/files`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// Table name → its rows rendered as text, in a stable order.
    pub tables: BTreeMap<String, Vec<String>>,
    /// Sorted: `path/` for a directory, `path <size> <sha256>` for a file.
    pub files: Vec<String>,
}

impl TestApp {
    /// The whole state of the app's database (SQLite file or PostgreSQL database) and files.
    pub async fn full_snapshot(&self) -> Snapshot {
        let tables = if self.database_url.starts_with("sqlite://") {
            let path = self
                .database_url
                .trim_start_matches("sqlite://")
                .to_string();
            tokio::task::spawn_blocking(move || sqlite_tables(Path::new(&path)))
                .await
                .expect("SQLite snapshot")
        } else {
            postgres_tables(&self.database_url).await
        };
        Snapshot {
            tables,
            files: file_tree(&self.dir.path().join("files")),
        }
    }
}

impl Snapshot {
    /// What differs from `other`, one line per added or removed row or file; empty if equal.
    pub fn diff(&self, other: &Snapshot) -> String {
        let mut out = String::new();
        let names: BTreeSet<&String> = self.tables.keys().chain(other.tables.keys()).collect();
        for name in names {
            let empty = Vec::new();
            let (a, b) = (
                self.tables.get(name).unwrap_or(&empty),
                other.tables.get(name).unwrap_or(&empty),
            );
            lines_diff(&mut out, name, a, b);
        }
        lines_diff(&mut out, "files", &self.files, &other.files);
        out
    }
}

fn lines_diff(out: &mut String, what: &str, before: &[String], after: &[String]) {
    if before == after {
        return;
    }
    let (a, b): (BTreeSet<&String>, BTreeSet<&String>) =
        (before.iter().collect(), after.iter().collect());
    for gone in a.difference(&b) {
        out.push_str(&format!("{what}: - {gone}\n"));
    }
    for new in b.difference(&a) {
        out.push_str(&format!("{what}: + {new}\n"));
    }
    if a == b {
        out.push_str(&format!("{what}: same rows in another order or count\n"));
    }
}

/// Asserts that nothing changed between two snapshots, showing what did.
#[track_caller]
pub fn assert_unchanged(before: &Snapshot, after: &Snapshot, context: &str) {
    if before != after {
        panic!(
            "{context} changed the stored state:\n{}",
            before.diff(after)
        );
    }
}

/// Every table of the SQLite file (the schema itself included), opened read-only.
fn sqlite_tables(path: &Path) -> BTreeMap<String, Vec<String>> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).expect("open the SQLite file read-only");
    let mut names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("list the tables");
    names.push("sqlite_master".into());
    let mut tables = BTreeMap::new();
    for name in names {
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        // Every table here has a rowid; without one, fall back to ordering by the rendered text.
        let rows = sqlite_rows(&conn, &format!("SELECT * FROM {quoted} ORDER BY rowid"))
            .or_else(|_| {
                sqlite_rows(&conn, &format!("SELECT * FROM {quoted}")).map(|mut rows| {
                    rows.sort();
                    rows
                })
            })
            .unwrap_or_else(|e| panic!("read table {name}: {e}"));
        tables.insert(name, rows);
    }
    tables
}

fn sqlite_rows(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let columns: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut cells = Vec::with_capacity(columns.len());
        for (i, column) in columns.iter().enumerate() {
            let value = match row.get_ref(i)? {
                ValueRef::Null => "null".to_string(),
                ValueRef::Integer(n) => n.to_string(),
                ValueRef::Real(f) => format!("{f:?}"),
                ValueRef::Text(t) => format!("{:?}", String::from_utf8_lossy(t)),
                ValueRef::Blob(b) => format!("x'{}'", hex::encode(b)),
            };
            cells.push(format!("{column}={value}"));
        }
        out.push(cells.join(", "));
    }
    Ok(out)
}

/// Every table of the public schema, each row as its JSON text, ordered by that text.
/// (`row_to_json`, not `to_jsonb`: JSON columns may hold `\u0000`, which JSONB refuses.)
async fn postgres_tables(url: &str) -> BTreeMap<String, Vec<String>> {
    let mut conn = PgConnection::connect(url)
        .await
        .expect("connect to the test database");
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .expect("list the tables");
    let mut tables = BTreeMap::new();
    for name in names {
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        let rows: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT row_to_json(t)::text FROM {quoted} t ORDER BY 1"
        ))
        .fetch_all(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("read table {name}: {e}"));
        tables.insert(name, rows);
    }
    let _ = conn.close().await;
    tables
}

/// Every directory and file under `root`, relative to it, sorted; files with size and hash.
fn file_tree(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let relative = path.strip_prefix(root).expect("under the root").display();
        if path.is_dir() {
            out.push(format!("{relative}/"));
            walk(root, &path, out);
        } else {
            let bytes = std::fs::read(&path).unwrap_or_default();
            let hash = hex::encode(Sha256::digest(&bytes));
            out.push(format!("{relative} {} {hash}", bytes.len()));
        }
    }
}

#[tokio::test]
async fn snapshots_see_every_change_and_nothing_else() {
    use serde_json::json;
    let app = TestApp::new().await;
    let first = app.full_snapshot().await;
    assert_eq!(first, app.full_snapshot().await, "a snapshot is stable");
    assert!(
        first.tables.contains_key("projects"),
        "{:?}",
        first.tables.keys()
    );
    assert!(
        first.tables["users"].len() == 1,
        "{:?}",
        first.tables["users"]
    );
    app.get(&app.admin.key, "/v2/listProjects")
        .await
        .expect_status(200);
    assert_eq!(first, app.full_snapshot().await, "a read changes nothing");
    let id = app.project_id("Snap").await;
    let created = app.full_snapshot().await;
    assert!(!created.diff(&first).is_empty());
    app.post(
        &app.admin.key,
        &format!("/v2/project/{id}"),
        json!({"idleTimeout": 301}),
    )
    .await
    .expect_status(200);
    let updated = app.full_snapshot().await;
    let diff = created.diff(&updated);
    assert!(
        diff.contains("projects: - ") && diff.contains("projects: + "),
        "{diff}"
    );
    let (content_type, body) = crate::support::multipart("i.pdf", &crate::support::pdf("snap"));
    app.req(
        axum::http::Method::POST,
        &format!("/v2/project/{id}/instructions"),
    )
    .key(&app.admin.key)
    .body(&content_type, body)
    .send()
    .await
    .expect_status(200);
    let uploaded = app.full_snapshot().await;
    let diff = updated.diff(&uploaded);
    assert!(diff.contains("files: + instructions/"), "{diff}");
    assert!(diff.contains("files: + "), "{diff}");
}
