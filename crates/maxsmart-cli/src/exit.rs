//! Exit codes and the error type that maps onto them.

use maxsmart_tokio::Error;

/// Any failure not listed below.
pub const FAILURE: u8 = 1;
/// Invalid command-line use, such as a missing host.
pub const USAGE: u8 = 2;
/// The device could not be reached: timeout, refused connection, no discovery reply.
pub const UNREACHABLE: u8 = 3;
/// The device answered but rejected the command or sent an invalid reply.
pub const DEVICE: u8 = 4;

/// A failure of the command, with the exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The command line is incomplete or inconsistent.
    #[error("{0}")]
    Usage(String),
    /// A client operation failed.
    #[error(transparent)]
    Client(#[from] Error),
    /// The embedded simulator could not start.
    #[error("cannot start the simulator: {0}")]
    Simulator(std::io::Error),
}

impl CliError {
    /// Returns the process exit code for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => USAGE,
            CliError::Client(error) => match error {
                Error::Timeout { .. } | Error::Connection { .. } | Error::NotFound { .. } => {
                    UNREACHABLE
                }
                Error::InvalidArgument(_) => USAGE,
                Error::Device { .. }
                | Error::InvalidResponse { .. }
                | Error::Unsupported { .. }
                | Error::StateUnchanged { .. } => DEVICE,
                _ => FAILURE,
            },
            CliError::Simulator(_) => FAILURE,
        }
    }
}
