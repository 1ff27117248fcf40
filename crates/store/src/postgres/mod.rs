//! The PostgreSQL store: the connection pool, the checks made at connect, and migrations.

mod accounts;
mod activity;
mod members;
mod projects;
mod rows;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, Executor, PgConnection, PgPool};

use crate::error::{StoreError, StoreResult};
use crate::migrations::{LEDGER_DDL, POSTGRES};
use crate::{OpenOptions, Store};

/// The oldest server accepted, as `server_version_num`.
const MIN_SERVER_VERSION: i32 = 150_000;

/// How long a request waits for a pooled connection before the database counts as unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// Advisory lock held while migrating, so instances starting together migrate one at a time.
const MIGRATION_LOCK: i64 = 0x616e_6e6f_6875_6201;

/// Advisory lock held while bootstrapping, so only one instance creates the first admin.
pub(crate) const BOOTSTRAP_LOCK: i64 = 0x616e_6e6f_6875_6202;

/// Connects to PostgreSQL and migrates the database.
pub async fn open(url: &str, options: &OpenOptions) -> StoreResult<Arc<dyn Store>> {
    Ok(Arc::new(PgStore::connect(url, options).await?))
}

/// annohub's store on a PostgreSQL database.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Checks the server and migrates over one connection, then opens a pool of
    /// `options.pool_size` connections.
    pub async fn connect(url: &str, options: &OpenOptions) -> StoreResult<Self> {
        let shown = redact_password(url);
        let connect_options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config(format!("invalid PostgreSQL URL {shown}: {e}")))?
            .application_name("annohub");
        // One plain connection first: an unreachable server fails at once with a clear message
        // instead of after the pool's retries.
        let mut setup = tokio::time::timeout(
            ACQUIRE_TIMEOUT,
            PgConnection::connect_with(&connect_options),
        )
        .await
        .map_err(|_| {
            StoreError::Unavailable(format!(
                "cannot connect to PostgreSQL at {shown}: no answer within {} seconds",
                ACQUIRE_TIMEOUT.as_secs()
            ))
        })?
        .map_err(|e| connect_error(&shown, e))?;
        check_server_version(&mut setup, &shown).await?;
        migrate(&mut setup).await?;
        setup.close().await?;
        let pool = PgPoolOptions::new()
            .max_connections(options.pool_size.max(1))
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(connect_options)
            .await
            .map_err(|e| connect_error(&shown, e))?;
        Ok(PgStore { pool })
    }
}

fn connect_error(shown_url: &str, err: sqlx::Error) -> StoreError {
    let message = format!("cannot connect to PostgreSQL at {shown_url}: {err}");
    match StoreError::from(err) {
        StoreError::Unavailable(_) => StoreError::Unavailable(message),
        _ => StoreError::Config(message),
    }
}

async fn check_server_version(conn: &mut PgConnection, shown_url: &str) -> StoreResult<()> {
    let version: i32 =
        sqlx::query_scalar("SELECT CAST(current_setting('server_version_num') AS INTEGER)")
            .fetch_one(conn)
            .await?;
    if version < MIN_SERVER_VERSION {
        return Err(StoreError::Config(format!(
            "the PostgreSQL server at {shown_url} runs version {}.{}, but annohub needs \
             PostgreSQL 15 or newer",
            version / 10_000,
            version % 10_000
        )));
    }
    Ok(())
}

/// Applies the migrations not yet in the ledger, all in one transaction under an advisory lock.
async fn migrate(conn: &mut PgConnection) -> StoreResult<()> {
    let mut tx = conn.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *tx)
        .await?;
    tx.execute(LEDGER_DDL).await?;
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations")
        .fetch_all(&mut *tx)
        .await?;
    for migration in POSTGRES {
        if applied.contains(&migration.version) {
            continue;
        }
        // A plain string runs as a simple query, so one migration may hold many statements.
        tx.execute(migration.sql).await.map_err(|err| {
            StoreError::Config(format!("migration {} failed: {err}", migration.version))
        })?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(migration.version)
        .bind(migration.name)
        .bind(annohub_domain::Timestamp::now().millis())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// True when `err` is a UNIQUE or PRIMARY KEY violation (SQLSTATE 23505).
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}

/// `url` with the password (in the user info or a `password` parameter) replaced by `***`.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => authority.to_string(),
        },
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|param| match param.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => param.to_string(),
                })
                .collect();
            format!("{path}?{}", params.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

#[async_trait]
impl Store for PgStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_appear_in_shown_urls() {
        assert_eq!(
            redact_password("postgres://ann:s3cret@db:5432/annohub"),
            "postgres://ann:***@db:5432/annohub"
        );
        assert_eq!(
            redact_password("postgresql://ann@db/annohub?sslmode=require&password=s3cret"),
            "postgresql://ann@db/annohub?sslmode=require&password=***"
        );
        assert_eq!(
            redact_password("postgres://postgres@127.0.0.1:5432/postgres"),
            "postgres://postgres@127.0.0.1:5432/postgres"
        );
        assert_eq!(
            redact_password("postgres://ann:p%40ss@db"),
            "postgres://ann:***@db"
        );
    }

    #[tokio::test]
    async fn an_unreachable_server_is_unavailable_and_named_without_its_password() {
        // Port 1 on localhost refuses connections at once.
        let result = PgStore::connect(
            "postgres://ann:s3cret@127.0.0.1:1/annohub",
            &OpenOptions::default(),
        )
        .await;
        let Err(StoreError::Unavailable(message)) = result else {
            panic!("expected Unavailable");
        };
        assert!(
            message.contains("postgres://ann:***@127.0.0.1:1/annohub"),
            "{message}"
        );
        assert!(!message.contains("s3cret"), "{message}");
    }
}
