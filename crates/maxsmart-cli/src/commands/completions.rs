//! `maxsmart completions`: shell completion scripts from the command definition.

use clap::{Args, CommandFactory as _};
use clap_complete::Shell;

use crate::cli::Cli;
use crate::exit::CliError;
use crate::output;

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints the completion script for the chosen shell.
///
/// # Errors
///
/// Returns [`CliError::Stdout`] when standard output is closed.
pub fn run(args: &CompletionsArgs) -> Result<(), CliError> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "maxsmart", &mut script);
    output::print(&String::from_utf8_lossy(&script))
}
