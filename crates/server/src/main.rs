//! The `annohub` binary: parses the command line and runs it.
#![forbid(unsafe_code)]

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = annohub::cli::Cli::parse();
    match annohub::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("annohub: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
