//! The embedded SQLite store: a pool of reader connections and one group-committing writer.

mod accounts;
mod activity;
mod projects;
mod writer;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags};

use crate::error::{StoreError, StoreResult};
use crate::migrations::{LEDGER_DDL, SQLITE};
use crate::{Caller, OpenOptions, ProjectAccess, Store};
use annohub_domain::Id;
use writer::Writer;

/// Most idle reader connections kept open.
const MAX_IDLE_READERS: usize = 16;

/// annohub's store on one SQLite database file.
#[derive(Clone)]
pub struct SqliteStore {
    readers: Arc<Readers>,
    writer: Writer,
}

struct Readers {
    path: String,
    idle: Mutex<Vec<Connection>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and migrates it.
    pub fn open(path: &str, options: &OpenOptions) -> StoreResult<Self> {
        if let Some(parent) = Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Config(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        let conn = Connection::open(path)
            .map_err(|e| StoreError::Config(format!("cannot open {path}: {e}")))?;
        let synchronous = if options.sqlite_synchronous_full {
            "FULL"
        } else {
            "NORMAL"
        };
        conn.execute_batch("PRAGMA busy_timeout = 5000")?;
        enable_wal(&conn)?;
        conn.execute_batch(&format!(
            "PRAGMA synchronous = {synchronous}; PRAGMA foreign_keys = ON;"
        ))?;
        migrate(&conn)?;
        let readers = Arc::new(Readers {
            path: path.to_string(),
            idle: Mutex::new(Vec::new()),
        });
        Ok(SqliteStore {
            readers,
            writer: Writer::start(conn),
        })
    }

    /// Runs a short read on a pooled connection, inside one snapshot.
    pub(crate) fn read<T>(
        &self,
        work: impl FnOnce(&Connection) -> StoreResult<T>,
    ) -> StoreResult<T> {
        self.readers.read(work)
    }

    /// Runs a read of a single statement on a pooled connection: one statement sees one
    /// snapshot by itself, so this skips the BEGIN and COMMIT that `read` wraps around its work.
    pub(crate) fn read_one<T>(
        &self,
        work: impl FnOnce(&Connection) -> StoreResult<T>,
    ) -> StoreResult<T> {
        self.readers.read_one(work)
    }

    /// Runs a read that may scan, off the async workers.
    pub(crate) async fn read_blocking<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let readers = self.readers.clone();
        tokio::task::spawn_blocking(move || readers.read(work))
            .await
            .map_err(|e| StoreError::Internal(format!("read task failed: {e}")))?
    }

    pub(crate) async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        self.writer.write(work).await
    }
}

impl Readers {
    fn read<T>(&self, work: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let pooled = self.idle.lock().expect("reader pool lock").pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => self.open_reader()?,
        };
        conn.execute_batch("BEGIN")?;
        let result = work(&conn);
        let ended = conn.execute_batch("COMMIT");
        if ended.is_ok() {
            let mut idle = self.idle.lock().expect("reader pool lock");
            if idle.len() < MAX_IDLE_READERS {
                idle.push(conn);
            }
        }
        result
    }

    fn read_one<T>(&self, work: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let pooled = self.idle.lock().expect("reader pool lock").pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => self.open_reader()?,
        };
        let result = work(&conn);
        let mut idle = self.idle.lock().expect("reader pool lock");
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        result
    }

    fn open_reader(&self) -> StoreResult<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(&self.path, flags)?;
        conn.execute_batch("PRAGMA busy_timeout = 5000; PRAGMA query_only = ON;")?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(conn)
    }
}

/// Switches the database to WAL mode. SQLite answers "database is locked" at once, without
/// waiting on the busy timeout, while another connection is opening the same new file, so this
/// retries for as long as the busy timeout would have waited.
fn enable_wal(conn: &Connection) -> StoreResult<()> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match conn.execute_batch("PRAGMA journal_mode = WAL") {
            Ok(()) => return Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(err) => return Err(err.into()),
        }
    }
}

fn migrate(conn: &Connection) -> StoreResult<()> {
    conn.execute_batch(LEDGER_DDL)?;
    for migration in SQLITE {
        // Checked inside the write lock: another process opening the same file at the same
        // time may have applied it since.
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let already_applied = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?1)",
            [migration.version],
            |row| row.get::<_, bool>(0),
        );
        match already_applied {
            Ok(false) => {}
            Ok(true) => {
                conn.execute_batch("COMMIT")?;
                continue;
            }
            Err(err) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(err.into());
            }
        }
        let applied = conn.execute_batch(migration.sql).and_then(|_| {
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![
                    migration.version,
                    migration.name,
                    annohub_domain::Timestamp::now().millis()
                ],
            )
        });
        match applied {
            Ok(_) => conn.execute_batch("COMMIT")?,
            Err(err) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(StoreError::Config(format!(
                    "migration {} failed: {err}",
                    migration.version
                )));
            }
        }
    }
    Ok(())
}

/// True when `err` is a UNIQUE or PRIMARY KEY violation.
pub(crate) fn is_unique_violation(err: &rusqlite::Error) -> bool {
    matches!(err, rusqlite::Error::SqliteFailure(e, _)
        if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> StoreResult<()> {
        self.read(|conn| Ok(conn.query_row("SELECT 1", [], |_| Ok(()))?))
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn caller_and_project_access(
        &self,
        key_hash: &[u8],
        project: &Id,
    ) -> StoreResult<Option<(Caller, Option<ProjectAccess>)>> {
        self.read_one(|conn| accounts::caller_and_project_access(conn, key_hash, project))
    }
}
