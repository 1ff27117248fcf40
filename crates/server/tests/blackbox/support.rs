//! Harness for black-box tests: the real `annohub` binary on a free port, on SQLite or on a
//! fresh PostgreSQL database when `TEST_DATABASE_URL` is set.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ADMIN_KEY: &str = "ak_blackbox_admin_key_00000000000000000000000000000000";

/// Where a test's data lives: a data directory and, for PostgreSQL, its own database.
pub struct DataHome {
    pub dir: tempfile::TempDir,
    pub database_url: Option<String>,
    drop_database: Option<(String, String)>,
}

impl DataHome {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            None => DataHome {
                dir,
                database_url: None,
                drop_database: None,
            },
            Some(server_url) => {
                let name = format!("annohub_bb_{}", hex::encode(rand::random::<[u8; 6]>()));
                psql(&server_url, &format!("CREATE DATABASE {name}"));
                let url = replace_database(&server_url, &name);
                DataHome {
                    dir,
                    database_url: Some(url),
                    drop_database: Some((server_url, name)),
                }
            }
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.is_none()
    }

    /// `--data-dir` and, on PostgreSQL, `--database-url`.
    pub fn args(&self) -> Vec<String> {
        let mut args = vec!["--data-dir".to_string(), self.path().display().to_string()];
        if let Some(url) = &self.database_url {
            args.extend(["--database-url".to_string(), url.clone()]);
        }
        args
    }

    /// Runs an admin command (`org create …`) and returns its stdout, trimmed.
    pub fn admin(&self, words: &[&str]) -> String {
        let output = Command::new(binary())
            .args(words)
            .args(self.args())
            .output()
            .expect("run annohub");
        assert!(
            output.status.success(),
            "annohub {words:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout)
            .expect("utf-8")
            .trim()
            .to_string()
    }
}

impl Drop for DataHome {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.drop_database {
            psql(
                server,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            );
        }
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("database URL with a path");
    format!("{base}/{name}")
}

fn psql(url: &str, sql: &str) {
    let status = Command::new("psql")
        .args([url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .status()
        .expect("psql");
    assert!(status.success(), "psql {sql} failed");
}

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_annohub"))
}

/// A running server process.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub stderr_path: PathBuf,
}

impl Server {
    /// Starts `annohub serve` on the data home with extra flags and waits until it listens.
    pub fn start(home: &DataHome, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let stdout_path = home
            .path()
            .join(format!("stdout-{}.log", rand::random::<u32>()));
        let stderr_path = home
            .path()
            .join(format!("stderr-{}.log", rand::random::<u32>()));
        let child = Command::new(binary())
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(home.args())
            .args(extra)
            .env("ANNOHUB_BOOTSTRAP_API_KEY", ADMIN_KEY)
            .envs(env.iter().copied())
            .stdout(Stdio::from(std::fs::File::create(&stdout_path).unwrap()))
            .stderr(Stdio::from(std::fs::File::create(&stderr_path).unwrap()))
            .spawn()
            .expect("spawn annohub");
        // Owned by `Server` from here on, so that its Drop reaps the process on every path.
        let mut server = Server {
            child,
            base: String::new(),
            stderr_path,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let out = std::fs::read_to_string(&stdout_path).unwrap_or_default();
            if let Some(address) = out
                .lines()
                .find_map(|l| l.strip_prefix("annohub listening on "))
            {
                server.base = address.trim().to_string();
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "server did not start: {}",
                server.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL, and reap.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client that opens a new connection per request (no pooling), so that a refused
/// connection is distinguishable from a request cut off mid-way.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// A small valid PDF whose bytes carry `marker`.
pub fn pdf(marker: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {marker}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
}

/// Creates a project as the admin and returns it (`data.project`).
pub async fn create_project(server: &Server, name: &str) -> serde_json::Value {
    let response: serde_json::Value = client()
        .post(server.url("/v2/project"))
        .header("apikey", ADMIN_KEY)
        .json(&serde_json::json!({ "name": name }))
        .send()
        .await
        .expect("create project")
        .json()
        .await
        .expect("JSON body");
    response["data"]["project"].clone()
}
