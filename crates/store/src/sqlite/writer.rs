//! The single SQLite writer: one thread, one connection, group commit.
//!
//! Every write runs here, so read-then-write logic never races inside a process. Jobs queued
//! while a commit is in flight are run together in one `BEGIN IMMEDIATE` transaction, each in
//! its own savepoint (a failing job undoes only itself), and all are acknowledged after the one
//! durable COMMIT: many writers share one fsync without giving up durability.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;

use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::error::{StoreError, StoreResult};

/// How many queued jobs share one transaction at most.
const MAX_BATCH: usize = 128;

type Finish = Box<dyn FnOnce(Option<&StoreError>) + Send>;

/// A queued write: run it in the open transaction, or fail it without running.
trait Job: Send {
    fn run(self: Box<Self>, conn: &Connection) -> (bool, Finish);
    fn fail(self: Box<Self>, err: StoreError);
}

struct TypedJob<T, F> {
    work: F,
    reply: oneshot::Sender<StoreResult<T>>,
}

impl<T, F> Job for TypedJob<T, F>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
{
    fn run(self: Box<Self>, conn: &Connection) -> (bool, Finish) {
        let TypedJob { work, reply } = *self;
        let result = match catch_unwind(AssertUnwindSafe(|| work(conn))) {
            Ok(result) => result,
            Err(_) => Err(StoreError::Internal("a write panicked".into())),
        };
        let ok = result.is_ok();
        let finish: Finish = Box::new(move |commit_error| {
            let outcome = match commit_error {
                Some(err) if ok => Err(err.clone()),
                _ => result,
            };
            let _ = reply.send(outcome);
        });
        (ok, finish)
    }

    fn fail(self: Box<Self>, err: StoreError) {
        let _ = self.reply.send(Err(err));
    }
}

/// Handle to the writer thread; cloning shares it.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Box<dyn Job>>,
}

impl Writer {
    /// Starts the writer thread on `conn`.
    pub fn start(conn: Connection) -> Self {
        let (jobs, queue) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("annohub-sqlite-writer".into())
            .spawn(move || run(conn, queue))
            .expect("spawn the SQLite writer thread");
        Writer { jobs }
    }

    /// Runs `work` in a write transaction and returns its result once it is durably committed.
    pub async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Box::new(TypedJob { work, reply }))
            .map_err(|_| StoreError::Unavailable("the SQLite writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Internal("the SQLite writer dropped a write".into()))?
    }
}

fn run(conn: Connection, queue: mpsc::Receiver<Box<dyn Job>>) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        run_batch(&conn, batch);
    }
}

fn run_batch(conn: &Connection, batch: Vec<Box<dyn Job>>) {
    let started = std::time::Instant::now();
    let size = batch.len();
    run_batch_inner(conn, batch);
    tracing::trace!(
        size,
        micros = started.elapsed().as_micros() as u64,
        "write batch committed"
    );
}

fn run_batch_inner(conn: &Connection, batch: Vec<Box<dyn Job>>) {
    if let Err(err) = conn.execute_batch("BEGIN IMMEDIATE") {
        let err = StoreError::from(err);
        for job in batch {
            job.fail(err.clone());
        }
        return;
    }
    let mut finishes = Vec::with_capacity(batch.len());
    for job in batch {
        if let Err(err) = conn.execute_batch("SAVEPOINT job") {
            job.fail(StoreError::from(err));
            continue;
        }
        let (ok, finish) = job.run(conn);
        let undo = if ok {
            "RELEASE job"
        } else {
            "ROLLBACK TO job; RELEASE job"
        };
        if let Err(err) = conn.execute_batch(undo) {
            tracing::error!(error = %err, "savepoint handling failed");
        }
        finishes.push(finish);
    }
    let commit_error = conn.execute_batch("COMMIT").err().map(StoreError::from);
    if let Some(err) = &commit_error {
        tracing::error!(error = %err, "commit failed; every write of the batch is rolled back");
        let _ = conn.execute_batch("ROLLBACK");
    }
    for finish in finishes {
        finish(commit_error.as_ref());
    }
}
