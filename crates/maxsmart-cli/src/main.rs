//! The `maxsmart` command: discover, read and switch MaxSmart and Revogi power strips.

mod cli;
mod commands;
mod exit;
mod limits;
mod output;
mod ports;
mod session;
mod spinner;
mod table;
mod text;

use std::io::IsTerminal as _;
use std::process::ExitCode;

use crate::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse_args();
    init_logging(cli.global.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::from(exit::FAILURE);
        }
    };
    let result = runtime.block_on(commands::run(&cli.command, &cli.global));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            tracing::debug!(?error, "command failed");
            // Messages quote names and replies from the device, so they are printed through
            // the same filter as tables.
            eprintln!("error: {}", text::printable(&error.to_string()));
            if let Some(hint) = error.hint() {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(error.exit_code())
        }
    }
}

/// Sends logs to standard error; `RUST_LOG` overrides the level that `-v` sets.
fn init_logging(verbosity: u8) {
    let level = match verbosity {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
