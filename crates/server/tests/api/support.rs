//! Test harness: a fresh app per test on SQLite, or PostgreSQL from `TEST_DATABASE_URL`.

use std::convert::Infallible;
use std::path::Path;

use axum::body::Body;
use axum::http::{Method, Request, Response, header};
use serde_json::{Value, json};
use tower::util::BoxCloneService;

use annohub::services::accounts;
use annohub::{AppState, ServeConfig};
use annohub_domain::Id;
use annohub_domain::role::OrgRole;

pub use crate::client::{Req, Resp, multipart, pdf};
use crate::pgdb::PgDatabase;

/// The whole application as a cloneable service.
pub type Service = BoxCloneService<Request<Body>, Response<Body>, Infallible>;

/// A user and its API key.
#[derive(Clone, Debug)]
pub struct User {
    pub email: String,
    pub key: String,
}

/// One fresh server: its state, its service and the data directory it owns.
pub struct TestApp {
    pub state: AppState,
    pub service: Service,
    pub org: Id,
    pub admin: User,
    pub dir: tempfile::TempDir,
    /// The database the app runs on (`sqlite://…` or `postgres://…`).
    pub database_url: String,
    // Declared last so it drops after the app's pool; WITH (FORCE) ends what is still open.
    _database: Option<PgDatabase>,
}

impl TestApp {
    /// A fresh app with the default configuration.
    pub async fn new() -> Self {
        Self::with_config(|_| {}).await
    }

    /// A fresh app whose configuration `adjust` may change (limits, typically).
    pub async fn with_config(adjust: impl FnOnce(&mut ServeConfig)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = ServeConfig::for_data_dir(dir.path());
        config.open.pool_size = 8;
        let database = match std::env::var("TEST_DATABASE_URL") {
            Ok(server_url) if !server_url.is_empty() => {
                let database = PgDatabase::create(&server_url).await;
                config.database_url = database.url.clone();
                Some(database)
            }
            _ => None,
        };
        let admin_key = format!("ak_test_{}", Id::generate());
        config.bootstrap_api_key = Some(admin_key.clone());
        adjust(&mut config);
        let state = annohub::server::build_state(&config)
            .await
            .expect("build the app state");
        let caller = state
            .store
            .caller_for_key(&annohub::auth::hash_api_key(&admin_key))
            .await
            .expect("resolve the bootstrap key")
            .expect("the bootstrap admin exists");
        let service = BoxCloneService::new(annohub::app(state.clone()));
        TestApp {
            database_url: config.database_url.clone(),
            state,
            service,
            org: caller.organization_id,
            admin: User {
                email: caller.email,
                key: admin_key,
            },
            dir,
            _database: database,
        }
    }

    /// A new user of the app's organization.
    pub async fn user(&self, email: &str, role: OrgRole) -> User {
        self.user_in(&self.org, email, role).await
    }

    /// A new plain member of the app's organization.
    pub async fn member(&self, email: &str) -> User {
        self.user(email, OrgRole::Member).await
    }

    /// A new user of `org`.
    pub async fn user_in(&self, org: &Id, email: &str, role: OrgRole) -> User {
        let key = accounts::create_user(self.state.store.as_ref(), org.as_str(), email, role, None)
            .await
            .expect("create user");
        User {
            email: email.to_lowercase(),
            key,
        }
    }

    /// A second organization and its admin.
    pub async fn other_org(&self, label: &str) -> (Id, User) {
        let org = accounts::create_organization(self.state.store.as_ref(), label)
            .await
            .expect("create organization");
        let admin = self
            .user_in(&org, &format!("admin@{label}.test"), OrgRole::Admin)
            .await;
        (org, admin)
    }

    /// Starts a request to `path`.
    pub fn req(&self, method: Method, path: &str) -> Req {
        Req::on(self.service.clone(), method, path)
    }

    pub async fn get(&self, key: &str, path: &str) -> Resp {
        self.req(Method::GET, path).key(key).send().await
    }

    pub async fn post(&self, key: &str, path: &str, body: Value) -> Resp {
        self.req(Method::POST, path)
            .key(key)
            .json(&body)
            .send()
            .await
    }

    pub async fn delete(&self, key: &str, path: &str) -> Resp {
        self.req(Method::DELETE, path).key(key).send().await
    }

    /// Creates a project (201 expected) and returns it.
    pub async fn create_project(&self, key: &str, body: Value) -> Value {
        self.post(key, "/v2/project", body)
            .await
            .expect_status(201)
            .project()
    }

    /// Creates a project named `name` as the admin and returns its id.
    pub async fn project_id(&self, name: &str) -> String {
        id_of(
            &self
                .create_project(&self.admin.key, json!({ "name": name }))
                .await,
        )
    }

    /// Adds `emails` to project `id` with `role`, as the admin.
    pub async fn assign(&self, id: &str, role: &str, emails: &[&str]) -> Value {
        let path = format!("/v2/project/{id}/assigned");
        self.post(
            &self.admin.key,
            &path,
            json!({ "role": role, "assignees": emails }),
        )
        .await
        .expect_status(200)
        .project()
    }

    /// `listProjects` as `key` with `query`; 200 expected; returns `data`.
    pub async fn list(&self, key: &str, query: &str) -> Value {
        self.get(key, &format!("/v2/listProjects?{query}"))
            .await
            .expect_status(200)
            .data()
    }

    /// What an admin sees of project `id` (status and body) plus the organization's total: equal
    /// snapshots mean a request changed nothing.
    pub async fn snapshot(&self, id: &str) -> (u16, Value, Option<String>, i64) {
        let resp = self
            .get(&self.admin.key, &format!("/v2/project/{id}"))
            .await;
        let total = self.list(&self.admin.key, "limit=1").await["total"]
            .as_i64()
            .expect("total");
        let etag = resp.header(header::ETAG.as_str());
        (resp.status.as_u16(), resp.json(), etag, total)
    }

    /// Every regular file under `<data-dir>/files`.
    pub fn stored_files(&self) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        collect_files(&self.dir.path().join("files"), &mut out);
        out
    }
}

fn collect_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The `_id` of a project (or any object).
pub fn id_of(object: &Value) -> String {
    object["_id"].as_str().expect("_id").to_string()
}

/// One user per column of the contract's permission table.
pub struct Team {
    pub manager: User,
    pub lead: User,
    pub reviewer: User,
    pub labeler: User,
    /// A member of the organization assigned to nothing.
    pub outsider: User,
    /// The admin of another organization.
    pub stranger: User,
}

impl TestApp {
    /// Creates the users of a [`Team`].
    pub async fn team(&self) -> Team {
        Team {
            manager: self.member("manager@team.test").await,
            lead: self.member("lead@team.test").await,
            reviewer: self.member("reviewer@team.test").await,
            labeler: self.member("labeler@team.test").await,
            outsider: self.member("outsider@team.test").await,
            stranger: self.other_org("elsewhere").await.1,
        }
    }

    /// A project created by the admin with the team assigned; returns its id.
    pub async fn team_project(&self, team: &Team, name: &str) -> String {
        let id = self.project_id(name).await;
        self.assign(&id, "Manager", &[&team.manager.email]).await;
        self.assign(&id, "Lead", &[&team.lead.email]).await;
        self.assign(&id, "Reviewer", &[&team.reviewer.email]).await;
        self.assign(&id, "Labeler", &[&team.labeler.email]).await;
        id
    }
}
