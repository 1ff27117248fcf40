//! A PostgreSQL database per test, from `TEST_DATABASE_URL`, dropped by its guard.

use sqlx::{Connection, PgConnection};

use annohub_domain::Id;

/// A PostgreSQL database made for one test and dropped (WITH (FORCE)) when the guard goes.
pub struct PgDatabase {
    server_url: String,
    name: String,
    /// The URL of the new database.
    pub url: String,
}

impl PgDatabase {
    /// Creates a database with a random name on the server `server_url` names.
    pub async fn create(server_url: &str) -> Self {
        let name = format!("annohub_http_{}", Id::generate());
        let mut admin = PgConnection::connect(server_url)
            .await
            .expect("connect to TEST_DATABASE_URL");
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .expect("create the test database");
        let _ = admin.close().await;
        PgDatabase {
            server_url: server_url.to_string(),
            url: with_database(server_url, &name),
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (server_url, name) = (self.server_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let mut admin = PgConnection::connect(&server_url).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .execute(&mut admin)
                    .await?;
                admin.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}: {dropped:?}", self.name);
        }
    }
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

#[test]
fn database_urls_replace_the_path_only() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u:p@h/db?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
}
