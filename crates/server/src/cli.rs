//! The `annohub` command line: `serve` and the admin commands, which share the services.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use annohub_domain::role::OrgRole;
use annohub_store::OpenOptions;

use crate::config::Limits;
use crate::server::{ServeConfig, default_database_url, serve, shutdown_signal};
use crate::services::accounts;

/// Self-hostable server for the Ango Hub v2 project API.
#[derive(Parser, Debug)]
#[command(name = "annohub", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Runs the server.
    Serve(ServeArgs),
    /// Manages organizations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Manages users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manages API keys.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Prints the OpenAPI 3.1 document.
    Openapi,
}

/// Where the data lives; shared by `serve` and the admin commands.
#[derive(Args, Debug, Clone)]
pub struct DataArgs {
    /// Directory for the embedded database and uploaded files.
    #[arg(long, env = "ANNOHUB_DATA_DIR", default_value = "./annohub-data")]
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://USER@HOST:PORT/DB` (default: sqlite://<data-dir>/annohub.db).
    #[arg(long, env = "ANNOHUB_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Most PostgreSQL connections per process.
    #[arg(long, env = "ANNOHUB_POOL_SIZE", default_value_t = 16)]
    pub pool_size: u32,
    /// SQLite durability: `full` syncs every commit (an acknowledged write survives power
    /// loss); `normal` is faster but may lose the last commits on power loss.
    #[arg(long, env = "ANNOHUB_SQLITE_SYNCHRONOUS", value_enum, default_value_t = Synchronous::Full)]
    pub sqlite_synchronous: Synchronous,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Synchronous {
    Full,
    Normal,
}

impl DataArgs {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| default_database_url(&self.data_dir))
    }

    pub fn open_options(&self) -> OpenOptions {
        OpenOptions {
            sqlite_synchronous_full: self.sqlite_synchronous == Synchronous::Full,
            pool_size: self.pool_size,
        }
    }
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "ANNOHUB_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    #[command(flatten)]
    pub data: DataArgs,
    /// Largest JSON body in bytes.
    #[arg(long, env = "ANNOHUB_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Largest instructions upload in bytes.
    #[arg(long, env = "ANNOHUB_MAX_UPLOAD_BYTES", default_value_t = 32 * 1024 * 1024)]
    pub max_upload_bytes: usize,
    /// Most emails in one /assigned call.
    #[arg(long, env = "ANNOHUB_MAX_ASSIGNEES", default_value_t = 1000)]
    pub max_assignees: usize,
    /// Deepest categorySchema nesting.
    #[arg(long, env = "ANNOHUB_MAX_SCHEMA_DEPTH", default_value_t = 8)]
    pub max_schema_depth: usize,
    /// Most items in one categorySchema (nested items and options included).
    #[arg(long, env = "ANNOHUB_MAX_SCHEMA_ITEMS", default_value_t = 10_000)]
    pub max_schema_items: usize,
    /// Seconds a request may take before it is answered with 503.
    #[arg(long, env = "ANNOHUB_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Most requests served at once; more get 503 immediately.
    #[arg(long, env = "ANNOHUB_MAX_IN_FLIGHT", default_value_t = 4096)]
    pub max_in_flight: usize,
    /// Requests per minute per API key; 0 (the default) turns rate limiting off.
    #[arg(long, env = "ANNOHUB_RATE_LIMIT_PER_MINUTE", default_value_t = 0)]
    pub rate_limit_per_minute: u32,
    /// Failed authentications per minute per client address before 429; 0 turns the limit off.
    #[arg(long, env = "ANNOHUB_AUTH_FAILURES_PER_MINUTE", default_value_t = 60)]
    pub auth_failures_per_minute: u32,
    /// Base URL clients reach the server at (for instructions links); default: from the Host header.
    #[arg(long, env = "ANNOHUB_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Seconds in-flight requests get to finish after SIGTERM/SIGINT.
    #[arg(long, env = "ANNOHUB_SHUTDOWN_GRACE_SECS", default_value_t = 30)]
    pub shutdown_grace_secs: u64,
    /// Stored files without a database row are removed at start once this many seconds old.
    /// Keep it above the longest upload when several instances share the storage.
    #[arg(long, env = "ANNOHUB_ORPHAN_MIN_AGE_SECS", default_value_t = 0)]
    pub orphan_min_age_secs: u64,
    /// Log lines as `text` or `json`.
    #[arg(long, env = "ANNOHUB_LOG_FORMAT", default_value = "text")]
    pub log_format: String,
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Creates an organization and prints its id.
    Create {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Creates a user and prints its API key.
    Create {
        /// Organization id.
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = ["admin", "member"])]
        role: String,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Prints a new API key for the user and revokes the old one.
    Create {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

impl ServeArgs {
    pub fn config(&self) -> ServeConfig {
        let mut config = ServeConfig::for_data_dir(&self.data.data_dir);
        config.database_url = self.data.database_url();
        config.open = self.data.open_options();
        let mut limits = Limits {
            json_body_bytes: self.max_body_bytes,
            upload_bytes: self.max_upload_bytes,
            max_assignees: self.max_assignees,
            request_timeout: Duration::from_secs(self.request_timeout_secs),
            max_in_flight: self.max_in_flight,
            public_url: self.public_url.clone(),
            ..Limits::default()
        };
        limits.project.schema.max_depth = self.max_schema_depth;
        limits.project.schema.max_items = self.max_schema_items;
        config.limits = limits;
        config.rate_limit_per_minute =
            (self.rate_limit_per_minute > 0).then_some(self.rate_limit_per_minute);
        config.auth_failures_per_minute =
            (self.auth_failures_per_minute > 0).then_some(self.auth_failures_per_minute);
        config.bootstrap_api_key = std::env::var("ANNOHUB_BOOTSTRAP_API_KEY")
            .ok()
            .filter(|k| !k.is_empty());
        config.orphan_min_age = Duration::from_secs(self.orphan_min_age_secs);
        config.shutdown_grace = Duration::from_secs(self.shutdown_grace_secs);
        config
    }
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => {
            init_logging(&args.log_format);
            let listener = tokio::net::TcpListener::bind(&args.listen)
                .await
                .with_context(|| format!("cannot listen on {}", args.listen))?;
            serve(args.config(), listener, shutdown_signal()).await
        }
        Command::Org {
            command: OrgCommand::Create { name, data },
        } => {
            let store = open(&data).await?;
            println!(
                "{}",
                accounts::create_organization(store.as_ref(), &name).await?
            );
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    org,
                    email,
                    role,
                    name,
                    data,
                },
        } => {
            let store = open(&data).await?;
            let role = OrgRole::parse(&role).context("role must be admin or member")?;
            println!(
                "{}",
                accounts::create_user(store.as_ref(), &org, &email, role, name.as_deref()).await?
            );
            Ok(())
        }
        Command::Key {
            command: KeyCommand::Create { email, data },
        } => {
            let store = open(&data).await?;
            println!("{}", accounts::create_key(store.as_ref(), &email).await?);
            Ok(())
        }
        Command::Openapi => {
            println!("{}", crate::openapi::document_json());
            Ok(())
        }
    }
}

async fn open(data: &DataArgs) -> anyhow::Result<std::sync::Arc<dyn annohub_store::Store>> {
    annohub_store::open(&data.database_url(), &data.open_options())
        .await
        .context("opening the database")
}

fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ANNOHUB_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}
