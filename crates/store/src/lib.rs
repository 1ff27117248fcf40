//! annohub persistence: per-aggregate store traits and their SQLite and PostgreSQL implementations.
#![forbid(unsafe_code)]

pub mod error;
pub mod migrations;
pub mod model;
pub mod postgres;
mod rows;
pub mod sqlite;

use async_trait::async_trait;
use serde_json::Value;

use annohub_domain::Id;
use annohub_domain::performance::{Activity, PerformanceQuery, PerformanceTotals};
use annohub_domain::project::{NewProject, Project, ProjectPatch};
use annohub_domain::role::{OrgRole, ProjectRole};
use annohub_domain::template::NewTemplate;

pub use error::{StoreError, StoreResult};
pub use model::{Caller, ListQuery, ProjectAccess, ProjectPage, SortField, SortKey, StoredFile};

/// Organizations, users and API keys.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates an organization and returns its id.
    async fn create_organization(&self, name: &str) -> StoreResult<Id>;
    /// Creates a user of `organization` with its first API key (given as its SHA-256 hash).
    /// `Conflict` when the email is taken, `NotFound` when the organization does not exist.
    async fn create_user(
        &self,
        organization: &Id,
        email: &str,
        name: Option<&str>,
        role: OrgRole,
        key_hash: &[u8],
    ) -> StoreResult<Id>;
    /// Revokes the user's active key and makes `key_hash` its only active key.
    async fn replace_api_key(&self, email: &str, key_hash: &[u8]) -> StoreResult<()>;
    /// The user holding this active key, if any.
    async fn caller_for_key(&self, key_hash: &[u8]) -> StoreResult<Option<Caller>>;
    /// On a database without organizations, creates organization `Default` and the admin user
    /// `admin@localhost` holding `key_hash`. Returns whether it did.
    async fn bootstrap(&self, key_hash: &[u8]) -> StoreResult<bool>;
}

/// Projects and what hangs off them: members, batches, templates, the instructions file.
#[async_trait]
pub trait ProjectStore: Send + Sync {
    /// Creates a project owned by `owner`, who becomes its Manager.
    async fn create_project(&self, owner: &Caller, project: NewProject) -> StoreResult<Project>;
    /// A live (not deleted) project of `organization`.
    async fn get_project(&self, organization: &Id, id: &Id) -> StoreResult<Option<Project>>;
    /// The revision of a live project of `organization` and `user`'s role in it, if any: the
    /// cheap check that lets a cached copy of the project be served.
    async fn project_access(
        &self,
        organization: &Id,
        id: &Id,
        user: &Id,
    ) -> StoreResult<Option<ProjectAccess>>;
    /// A page of live projects with the exact number matching.
    async fn list_projects(&self, query: &ListQuery) -> StoreResult<ProjectPage>;
    /// Applies a partial update; with `if_match`, only while the revision is still that one.
    async fn update_project(
        &self,
        organization: &Id,
        id: &Id,
        patch: ProjectPatch,
        if_match: Option<i64>,
    ) -> StoreResult<Project>;
    /// Soft-deletes a project and returns its name.
    async fn delete_project(
        &self,
        organization: &Id,
        id: &Id,
        if_match: Option<i64>,
    ) -> StoreResult<String>;
    /// Adds each email with `role`, or changes its role. Every email must be a user of the
    /// organization, else `Validation` listing the unknown ones and nothing changes.
    async fn assign_members(
        &self,
        organization: &Id,
        id: &Id,
        role: ProjectRole,
        emails: &[String],
        if_match: Option<i64>,
    ) -> StoreResult<Project>;
    /// Adds an asset builder template; `Conflict` when its name is taken in the project.
    async fn add_template(
        &self,
        organization: &Id,
        id: &Id,
        template: NewTemplate,
    ) -> StoreResult<Value>;
    /// Records `file` as the project's instructions and sets `instructions` to `url`.
    /// Returns the project and the object key of the file it replaced.
    async fn set_instructions(
        &self,
        organization: &Id,
        id: &Id,
        file: StoredFile,
        url: &str,
    ) -> StoreResult<(Project, Option<String>)>;
    /// The project's current instructions file.
    async fn instructions_file(
        &self,
        organization: &Id,
        id: &Id,
    ) -> StoreResult<Option<StoredFile>>;
    /// Every object key that a file row refers to.
    async fn file_object_keys(&self) -> StoreResult<Vec<String>>;
}

/// Task activity and the performance report computed from it.
#[async_trait]
pub trait ActivityStore: Send + Sync {
    /// Records one unit of work; the project must belong to `organization`.
    async fn record_activity(&self, organization: &Id, activity: &Activity) -> StoreResult<()>;
    /// Per-user counters of the project's activity matching `query`, by email.
    async fn performance(
        &self,
        organization: &Id,
        project: &Id,
        query: &PerformanceQuery,
    ) -> StoreResult<Vec<(String, PerformanceTotals)>>;
}

/// Everything the server needs from a database.
#[async_trait]
pub trait Store: AccountStore + ProjectStore + ActivityStore {
    /// Succeeds when the database answers.
    async fn ping(&self) -> StoreResult<()>;
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    /// The user holding this active key and its access to `project` (`None` when the project
    /// is not a live project of the user's organization), read together. The default reads
    /// them one after the other; a backend may answer both in one statement.
    async fn caller_and_project_access(
        &self,
        key_hash: &[u8],
        project: &Id,
    ) -> StoreResult<Option<(Caller, Option<ProjectAccess>)>> {
        let Some(caller) = self.caller_for_key(key_hash).await? else {
            return Ok(None);
        };
        let access = self
            .project_access(&caller.organization_id, project, &caller.user_id)
            .await?;
        Ok(Some((caller, access)))
    }
}

/// Opens the store a database URL names (`sqlite://PATH` or `postgres://…`), running migrations.
pub async fn open(url: &str, options: &OpenOptions) -> StoreResult<std::sync::Arc<dyn Store>> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        Ok(std::sync::Arc::new(sqlite::SqliteStore::open(
            path, options,
        )?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        postgres::open(url, options).await
    } else {
        Err(StoreError::Config(format!(
            "unsupported database URL {url:?}: use sqlite://PATH or postgres://USER@HOST/DB"
        )))
    }
}

/// How to open a store.
#[derive(Clone, Debug)]
pub struct OpenOptions {
    /// SQLite `synchronous=FULL` (true) or `NORMAL` (false).
    pub sqlite_synchronous_full: bool,
    /// Most connections in the PostgreSQL pool.
    pub pool_size: u32,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            sqlite_synchronous_full: true,
            pool_size: 16,
        }
    }
}
