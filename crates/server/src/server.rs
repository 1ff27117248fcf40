//! Starting and stopping the server: store, bootstrap, orphan sweep, listener, graceful shutdown.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

use annohub_blob::LocalBlobStore;
use annohub_store::OpenOptions;

use crate::config::Limits;
use crate::project_cache::ProjectCache;
use crate::rate_limit::RateLimiter;
use crate::services::{accounts, instructions};
use crate::state::AppState;

/// Everything `serve` needs besides the listener.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub open: OpenOptions,
    pub limits: Limits,
    /// Requests per minute per API key; `None` turns rate limiting off.
    pub rate_limit_per_minute: Option<u32>,
    /// Failed authentications per minute per client address; `None` turns the limit off.
    pub auth_failures_per_minute: Option<u32>,
    /// The admin key to bootstrap an empty database with, instead of a random one.
    pub bootstrap_api_key: Option<String>,
    /// Stored files without a database row are removed at start once this old.
    pub orphan_min_age: Duration,
    /// How long in-flight requests may take to finish after a shutdown signal.
    pub shutdown_grace: Duration,
}

impl ServeConfig {
    /// Defaults for a data directory: SQLite at `<data-dir>/annohub.db`.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        let data_dir = data_dir.into();
        ServeConfig {
            database_url: default_database_url(&data_dir),
            data_dir,
            open: OpenOptions::default(),
            limits: Limits::default(),
            rate_limit_per_minute: None,
            auth_failures_per_minute: Some(60),
            bootstrap_api_key: None,
            orphan_min_age: Duration::ZERO,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// `sqlite://<data-dir>/annohub.db`.
pub fn default_database_url(data_dir: &std::path::Path) -> String {
    format!("sqlite://{}", data_dir.join("annohub.db").display())
}

/// Opens the store and file storage, bootstrapping an empty database.
pub async fn build_state(config: &ServeConfig) -> anyhow::Result<AppState> {
    let store = annohub_store::open(&config.database_url, &config.open)
        .await
        .context("opening the database")?;
    if let Some(key) =
        accounts::bootstrap(store.as_ref(), config.bootstrap_api_key.as_deref()).await?
    {
        if config.bootstrap_api_key.is_some() {
            println!("admin API key: taken from ANNOHUB_BOOTSTRAP_API_KEY");
        } else {
            println!("admin API key: {key}");
        }
        tracing::info!("created organization Default and user admin@localhost");
    }
    let blobs =
        LocalBlobStore::open(config.data_dir.join("files")).context("opening the file storage")?;
    Ok(AppState {
        store,
        blobs: Arc::new(blobs),
        limits: Arc::new(config.limits.clone()),
        rate_limiter: config
            .rate_limit_per_minute
            .map(|n| Arc::new(RateLimiter::new(n))),
        project_cache: Arc::new(ProjectCache::new(config.limits.project_cache_bytes)),
        auth_failures: config
            .auth_failures_per_minute
            .map(|n| Arc::new(RateLimiter::new(n))),
    })
}

/// Serves until `shutdown` resolves, then stops accepting and lets in-flight requests finish
/// within the grace period.
pub async fn serve(
    config: ServeConfig,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let state = build_state(&config).await?;
    let sweep_state = state.clone();
    let orphan_min_age = config.orphan_min_age;
    tokio::spawn(async move {
        match instructions::sweep_orphans(&sweep_state, orphan_min_age).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                removed = n,
                "removed stored files that no database row refers to"
            ),
            Err(err) => tracing::warn!(error = %err, "orphan file sweep failed"),
        }
    });
    let address = listener.local_addr()?;
    println!("annohub listening on http://{address}");
    tracing::info!(%address, backend = state.store.backend(), "listening");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let grace = config.shutdown_grace;
    tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutting down: no new connections, finishing requests in flight");
        let _ = stop_tx.send(true);
    });
    let mut stopping = stop_rx.clone();
    let app = crate::http::app(state);
    let server =
        axum::serve(listener, tower::make::Shared::new(app)).with_graceful_shutdown(async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        });
    let mut deadline = stop_rx;
    tokio::select! {
        result = server => result.context("serving")?,
        _ = async {
            let _ = deadline.wait_for(|stop| *stop).await;
            tokio::time::sleep(grace).await;
        } => tracing::warn!("grace period over; closing connections still open"),
    }
    Ok(())
}

/// Resolves on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("install the SIGTERM handler");
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
