//! Conformance harness: fresh databases per case on each backend, and shared fixtures.

use std::future::Future;
use std::io::Write;
use std::sync::{Arc, Once};

use serde_json::{Value, json};
use sqlx::{Connection, PgConnection};

use annohub_domain::project::{NewProject, Project, ProjectLimits, ProjectPatch};
use annohub_domain::role::OrgRole;
use annohub_domain::{DomainError, Id};
use annohub_store::{Caller, ListQuery, OpenOptions, SortField, SortKey, Store, StoreError};

/// Connections per store instance: small, so parallel cases stay under `max_connections`.
const TEST_POOL_SIZE: u32 = 8;

fn test_options() -> OpenOptions {
    OpenOptions {
        pool_size: TEST_POOL_SIZE,
        ..OpenOptions::default()
    }
}

/// Runs `case` on `instances` stores opened on one fresh SQLite file.
pub async fn on_sqlite<F, Fut>(instances: usize, case: F)
where
    F: FnOnce(Vec<Arc<dyn Store>>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("annohub.db").display());
    let stores = open_together(&url, instances).await;
    case(stores).await;
}

/// Runs `case` on `instances` stores opened on one fresh PostgreSQL database, then drops it;
/// skipped (with one notice) when `TEST_DATABASE_URL` is not set.
pub async fn on_postgres<F, Fut>(instances: usize, case: F)
where
    F: FnOnce(Vec<Arc<dyn Store>>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Ok(server_url) = std::env::var("TEST_DATABASE_URL") else {
        announce_postgres_skipped();
        return;
    };
    let database = format!("annohub_test_{}", Id::generate());
    let mut admin = PgConnection::connect(&server_url)
        .await
        .expect("connect to TEST_DATABASE_URL");
    create_database(&mut admin, &database).await;
    let url = with_database(&server_url, &database);
    let stores = open_together(&url, instances).await;
    // Run the case as its own task so that a failing case still drops its database.
    let outcome = tokio::spawn(case(stores)).await;
    sqlx::query(&format!("DROP DATABASE \"{database}\" WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .expect("drop the test database");
    if let Err(err) = outcome {
        std::panic::resume_unwind(err.into_panic());
    }
}

/// Opens `instances` stores on `url` at the same time, like server processes starting together
/// on a fresh database: each must find the schema migrated exactly once. (Spawning them also
/// keeps `annohub_store::open` usable from `tokio::spawn`, i.e. its future `Send`.)
async fn open_together(url: &str, instances: usize) -> Vec<Arc<dyn Store>> {
    let opening: Vec<_> = (0..instances)
        .map(|_| {
            let url = url.to_string();
            tokio::spawn(async move { annohub_store::open(&url, &test_options()).await })
        })
        .collect();
    let mut stores = Vec::with_capacity(instances);
    for open in opening {
        let store = open
            .await
            .expect("open task")
            .unwrap_or_else(|err| panic!("opening {url} while another instance opens it: {err}"));
        stores.push(store);
    }
    stores
}

/// Creates the database with an ICU `en-US` default collation when the server has ICU, so the
/// cases see a linguistic default collation as production servers often have; plain otherwise.
async fn create_database(admin: &mut PgConnection, database: &str) {
    let with_icu = format!(
        "CREATE DATABASE \"{database}\" TEMPLATE template0 LOCALE_PROVIDER icu \
         ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
    );
    if sqlx::query(&with_icu).execute(&mut *admin).await.is_err() {
        sqlx::query(&format!("CREATE DATABASE \"{database}\""))
            .execute(&mut *admin)
            .await
            .expect("create the test database");
    }
}

fn announce_postgres_skipped() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Written to the process's stderr directly: the test harness captures `eprintln!`.
        let _ = writeln!(
            std::io::stderr(),
            "NOTE: PostgreSQL conformance cases skipped because TEST_DATABASE_URL is not set \
             (e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres)"
        );
    });
}

/// `url` naming `database` instead of the database it named.
fn with_database(url: &str, database: &str) -> String {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[authority_start..]
        .find(['/', '?'])
        .map_or(url.len(), |i| authority_start + i);
    let query = url[authority_end..]
        .find('?')
        .map_or("", |i| &url[authority_end + i..]);
    format!("{}/{database}{query}", &url[..authority_end])
}

/// An organization with an admin and `members` plain members.
pub struct Org {
    pub id: Id,
    pub admin: Caller,
    pub members: Vec<Caller>,
}

/// Creates an organization whose users' emails end in `@{label}.test`.
pub async fn org(store: &Arc<dyn Store>, label: &str, members: usize) -> Org {
    let id = store.create_organization(label).await.expect("create org");
    let admin = user(store, &id, &format!("admin@{label}.test"), OrgRole::Admin).await;
    let mut users = Vec::with_capacity(members);
    for i in 0..members {
        let email = format!("member{i:03}@{label}.test");
        users.push(user(store, &id, &email, OrgRole::Member).await);
    }
    Org {
        id,
        admin,
        members: users,
    }
}

/// Creates a user and returns it as its API key resolves it.
pub async fn user(store: &Arc<dyn Store>, org: &Id, email: &str, role: OrgRole) -> Caller {
    let key = key_for(email);
    store
        .create_user(org, email, None, role, &key)
        .await
        .expect("create user");
    store
        .caller_for_key(&key)
        .await
        .expect("resolve key")
        .expect("key is active")
}

/// A key hash unique to `email`.
pub fn key_for(email: &str) -> Vec<u8> {
    format!("key of {email}").into_bytes()
}

/// Parses a create body the way the server does.
pub fn new_project(body: Value) -> NewProject {
    NewProject::parse(body, ProjectLimits::default()).expect("valid create body")
}

/// Parses an update body the way the server does.
pub fn patch(body: Value) -> ProjectPatch {
    ProjectPatch::parse(body, ProjectLimits::default()).expect("valid update body")
}

/// Creates a project named `name` owned by `owner`.
pub async fn project(store: &Arc<dyn Store>, owner: &Caller, name: &str) -> Project {
    store
        .create_project(owner, new_project(json!({ "name": name })))
        .await
        .expect("create project")
}

/// The project as stored now; panics when it is not there.
pub async fn reload(store: &Arc<dyn Store>, project: &Project) -> Project {
    store
        .get_project(&project.organization, &project.id)
        .await
        .expect("get project")
        .expect("project exists")
}

/// A query for everything `caller` may list, newest first, one big page.
pub fn list_for(caller: &Caller) -> ListQuery {
    ListQuery {
        organization_id: caller.organization_id.clone(),
        member: (caller.org_role == OrgRole::Member).then(|| caller.user_id.clone()),
        search: None,
        sort: vec![SortKey {
            field: SortField::CreatedAt,
            descending: true,
        }],
        page: 1,
        limit: 100,
    }
}

/// The total `caller` would see, checked against a counting scan (an empty search).
pub async fn total_for(store: &Arc<dyn Store>, caller: &Caller) -> i64 {
    let maintained = store.list_projects(&list_for(caller)).await.expect("list");
    let scanned = store
        .list_projects(&ListQuery {
            search: Some(String::new()),
            ..list_for(caller)
        })
        .await
        .expect("list with empty search");
    assert_eq!(
        maintained.total, scanned.total,
        "maintained count differs from a scan for {}",
        caller.email
    );
    maintained.total
}

/// The field and message of a single-field validation error.
pub fn validation(err: StoreError) -> (String, String) {
    match err {
        StoreError::Validation(DomainError::Validation(fields)) if fields.len() == 1 => {
            (fields[0].field.clone(), fields[0].message.clone())
        }
        other => panic!("expected a single-field validation error, got {other:?}"),
    }
}

#[test]
fn database_names_replace_the_path_only() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u:p@h/db?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}
