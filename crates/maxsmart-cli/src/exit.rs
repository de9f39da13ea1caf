//! Exit codes and the error type that maps onto them.

use std::io;
use std::path::PathBuf;

use maxsmart_tokio::Error;

/// Any failure not listed below, such as a local file that cannot be written or `watch`
/// polling that ends on its own.
pub const FAILURE: u8 = 1;
/// Invalid command-line use: a missing host, an unknown port, a name that is too long.
pub const USAGE: u8 = 2;
/// The device could not be reached: timeout, refused connection, no discovery reply.
pub const UNREACHABLE: u8 = 3;
/// The device replied but rejected the command, lacks it, or sent an invalid reply.
pub const DEVICE: u8 = 4;

/// A failure of the command, with the exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The command line is incomplete or inconsistent. The message names the fix.
    #[error("{0}")]
    Usage(String),
    /// A client operation failed while the command did `action`.
    #[error("{action}: {source}")]
    Client {
        /// The failed step, such as `cannot switch port 1 on`.
        action: String,
        /// The client's error, which names the device.
        source: Error,
    },
    /// The device replied with data the command cannot use, after the request was sent.
    /// The message names what is missing.
    #[error("{0}")]
    DeviceReply(String),
    /// This computer's clock reads a time the devices cannot hold.
    #[error("{0}")]
    LocalClock(String),
    /// Broadcast discovery ended without any reply.
    #[error(
        "no device answered discovery on UDP port {port}; check that the devices are powered \
         and on this network segment, or ask one address with --host"
    )]
    NothingFound {
        /// The UDP port the request went to.
        port: u16,
    },
    /// The embedded simulator could not start.
    #[error("cannot start the simulator on 127.0.0.1: {0}")]
    Simulator(io::Error),
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// Standard output could not be written.
    #[error("cannot write to standard output: {0}")]
    Stdout(io::Error),
    /// The client's polling of the device ended without being stopped, so `watch` gets no
    /// more polls.
    #[error(
        "polling {serial} ended unexpectedly: {reason}; run the command again, with -vv to \
         log the cause if it repeats"
    )]
    PollingEnded {
        /// The serial number of the device polled.
        serial: String,
        /// The client's reason, such as a panic of the polling task.
        reason: String,
    },
}

impl CliError {
    /// Wraps a client error with what the command was doing.
    pub fn client(action: impl Into<String>) -> impl FnOnce(Error) -> CliError {
        let action = action.into();
        move |source| CliError::Client { action, source }
    }

    /// Returns the process exit code for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => USAGE,
            CliError::Client { source, .. } => client_exit_code(source),
            CliError::DeviceReply(_) => DEVICE,
            CliError::NothingFound { .. } => UNREACHABLE,
            CliError::LocalClock(_)
            | CliError::Simulator(_)
            | CliError::File { .. }
            | CliError::Stdout(_)
            | CliError::PollingEnded { .. } => FAILURE,
        }
    }

    /// Returns advice for errors whose message does not already say what to try.
    pub fn hint(&self) -> Option<&'static str> {
        let CliError::Client { source, .. } = self else {
            return None;
        };
        match source {
            Error::Device { .. } => Some(
                "the device rejected the command; its firmware may not support it \
                 (`maxsmart health` lists what the firmware is known to support)",
            ),
            Error::InvalidResponse { .. } | Error::InvalidDiscoveryReply { .. } => Some(
                "the reply could not be decoded; run again with -vv to log it, and report it \
                 together with the firmware version from `maxsmart discover`",
            ),
            Error::NotFound { .. } => Some(
                "a slow device may need more time to reply; raise --timeout, such as --timeout 10",
            ),
            Error::StateUnchanged { .. } => Some(
                "the device acknowledged the command but the port kept its state; check for \
                 a rule or timer on the device, then try again",
            ),
            _ => None,
        }
    }

    /// Returns whether the failure is a closed standard output, as in `maxsmart ... | head`.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Stdout(error) if error.kind() == io::ErrorKind::BrokenPipe)
    }
}

fn client_exit_code(error: &Error) -> u8 {
    match error {
        Error::Timeout { .. } | Error::Connection { .. } | Error::NotFound { .. } => UNREACHABLE,
        Error::InvalidArgument(_) => USAGE,
        Error::Device { .. }
        | Error::InvalidResponse { .. }
        | Error::InvalidDiscoveryReply { .. }
        | Error::Unsupported { .. }
        | Error::StateUnchanged { .. } => DEVICE,
        _ => FAILURE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct() {
        let codes = [FAILURE, USAGE, UNREACHABLE, DEVICE];
        for (index, code) in codes.iter().enumerate() {
            assert!(!codes[index + 1..].contains(code), "{code} repeats");
        }
    }

    #[test]
    fn not_found_is_unreachable() {
        let error = CliError::client("cannot discover")(Error::NotFound {
            address: "192.0.2.10:8888".parse().unwrap(),
        });
        assert_eq!(error.exit_code(), UNREACHABLE);
        assert_eq!(
            error.hint(),
            Some(
                "a slow device may need more time to reply; raise --timeout, such as --timeout 10"
            )
        );
        assert!(
            error.to_string().starts_with("cannot discover: "),
            "{error}"
        );
        assert!(error.to_string().contains("192.0.2.10:8888"), "{error}");
    }

    #[test]
    fn reply_and_clock_errors_have_their_codes() {
        let reply = CliError::DeviceReply(String::from("no series for port 6"));
        assert_eq!(reply.exit_code(), DEVICE);
        let clock = CliError::LocalClock(String::from("the clock reads 1969"));
        assert_eq!(clock.exit_code(), FAILURE);
    }

    #[test]
    fn broken_pipe_is_recognised() {
        let error = CliError::Stdout(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(error.is_broken_pipe());
        assert!(!CliError::Usage(String::from("x")).is_broken_pipe());
    }
}
