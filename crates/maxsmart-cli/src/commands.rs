//! One module per subcommand, and the dispatch from the parsed command line.

pub mod completions;
pub mod demo;
pub mod discover;
pub mod health;
pub mod ids;
pub mod names;
pub mod rename;
pub mod stats;
pub mod status;
pub mod switch;
pub mod time;
pub mod watch;

use crate::cli::{Command, GlobalOptions};
use crate::exit::CliError;

/// Runs `command` with the global options.
///
/// # Errors
///
/// Returns the subcommand's error; [`CliError::exit_code`] maps it to the exit code.
pub async fn run(command: &Command, global: &GlobalOptions) -> Result<(), CliError> {
    match command {
        Command::Demo => demo::run(global).await,
        Command::Discover(args) => discover::run(global, args).await,
        Command::Status(args) => status::run(global, args).await,
        Command::On(args) => switch::run(global, args, true).await,
        Command::Off(args) => switch::run(global, args, false).await,
        Command::Watch(args) => watch::run(global, args).await,
        Command::Stats(args) => stats::run(global, args).await,
        Command::Time(args) => time::run(global, args).await,
        Command::Names(args) => names::run(global, args).await,
        Command::Rename(args) => rename::run(global, args).await,
        Command::Ids(args) => ids::run(global, args).await,
        Command::Health(args) => health::run(global, args).await,
        Command::Completions(args) => completions::run(args),
    }
}
