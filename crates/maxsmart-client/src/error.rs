//! The client's error type.

use std::io;
use std::net::SocketAddr;

use maxsmart_proto::error::Unsupported;
use maxsmart_proto::machine::TransportFailure;
use maxsmart_proto::{DeviceError, InvalidArgument, OperationError, ParseError};

/// The failure of a client operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The device did not reply in time, after every retry.
    #[error(
        "{device}: command {command} timed out after {attempts} attempt(s); check that the device is on and reachable"
    )]
    Timeout {
        /// The device's address.
        device: SocketAddr,
        /// The command that went unanswered.
        command: u16,
        /// How many times it was sent.
        attempts: u32,
    },
    /// The connection to the device failed on every attempt.
    #[error("{device}: command {command} failed: {failure}; check the address, port and protocol")]
    Connection {
        /// The device's address.
        device: SocketAddr,
        /// The command being sent.
        command: u16,
        /// The failure the transport reported.
        failure: TransportFailure,
    },
    /// The device replied with a failure code.
    #[error("{device}: {error}")]
    Device {
        /// The device's address.
        device: SocketAddr,
        /// The command and code, shown in the message rather than as the error's source.
        error: DeviceError,
    },
    /// The device's reply could not be decoded.
    ///
    /// The message includes the decoding error, so [`std::error::Error::source`] returns
    /// `None` and a reporter that walks the chain prints it once.
    #[error("{device}: invalid reply to command {command}: {error}")]
    InvalidResponse {
        /// The device's address.
        device: SocketAddr,
        /// The command that was sent.
        command: u16,
        /// The decoding error.
        error: ParseError,
    },
    /// The firmware does not offer the operation; nothing was sent.
    #[error("{device}: {error}")]
    Unsupported {
        /// The device's address.
        device: SocketAddr,
        /// The operation and firmware, shown in the message rather than as the error's source.
        error: Unsupported,
    },
    /// An argument was invalid; nothing was sent.
    #[error(transparent)]
    InvalidArgument(#[from] InvalidArgument),
    /// A switch was acknowledged but the state did not change.
    #[error(
        "{device}: {} did not turn {} after {checks} check(s)",
        port_label(*.port),
        if *.on { "on" } else { "off" }
    )]
    StateUnchanged {
        /// The device's address.
        device: SocketAddr,
        /// The port; 0 means every port.
        port: u8,
        /// The requested state.
        on: bool,
        /// How many times the state was read back.
        checks: u32,
    },
    /// No device replied to discovery at this address.
    #[error(
        "no device answered discovery at {address}; check the address and the UDP port, or \
         raise the timeout for a slow device"
    )]
    NotFound {
        /// The probed address.
        address: SocketAddr,
    },
    /// Datagrams came from the address asked, but none was a valid discovery reply.
    ///
    /// The message includes the decoding error, so [`std::error::Error::source`] returns
    /// `None`.
    #[error(
        "{address}: invalid reply to discovery ({replies} datagram(s) could not be decoded): \
         {error}"
    )]
    InvalidDiscoveryReply {
        /// The address asked.
        address: SocketAddr,
        /// How many datagrams from that address could not be decoded.
        replies: u32,
        /// The decoding error of the last of them.
        error: ParseError,
    },
    /// No device with this serial number replied to discovery.
    #[error(
        "no device with serial number {serial} replied to discovery; check that it is powered and on a reachable network"
    )]
    SerialNotFound {
        /// The serial number searched for.
        serial: String,
    },
    /// The operation needs the device's serial number, which is unknown.
    #[error(
        "{device}: the serial number is unknown; set it with DeviceBuilder::serial or build the device from discovery"
    )]
    SerialUnknown {
        /// The device's address.
        device: SocketAddr,
    },
    /// A protocol state machine stopped without a result, which is a bug in this library.
    #[error("{device}: the operation stopped without a result; this is a bug, please report it")]
    Stalled {
        /// The device's address.
        device: SocketAddr,
    },
    /// A local operation failed before anything reached a device, such as opening a UDP
    /// socket or listing the network interfaces.
    #[error(
        "{action} failed: {error}; check this host's network interfaces and its open-file \
         limit, then retry"
    )]
    Io {
        /// The failed local step, with the address involved, such as
        /// `opening a UDP socket for 192.0.2.10:8888`.
        action: String,
        /// The operating system's error.
        error: io::Error,
    },
    /// An operation failed in a way this version of the client does not classify, for a
    /// protocol core newer than the client.
    #[error("{device}: {error}")]
    Operation {
        /// The device's address.
        device: SocketAddr,
        /// The protocol core's error, boxed to keep [`Error`] small.
        error: Box<OperationError>,
    },
}

impl Error {
    /// Converts an operation error from the protocol core, naming the device.
    pub(crate) fn from_operation(device: SocketAddr, error: OperationError) -> Self {
        match error {
            OperationError::Timeout { command, attempts } => Error::Timeout {
                device,
                command,
                attempts,
            },
            OperationError::Transport {
                command, failure, ..
            } => Error::Connection {
                device,
                command,
                failure,
            },
            OperationError::Device(error) => Error::Device { device, error },
            OperationError::InvalidReply { command, error } => Error::InvalidResponse {
                device,
                command,
                error,
            },
            OperationError::InvalidArgument(source) => Error::InvalidArgument(source),
            OperationError::Unsupported(error) => Error::Unsupported { device, error },
            OperationError::StateUnchanged { port, on, checks } => Error::StateUnchanged {
                device,
                port,
                on,
                checks,
            },
            OperationError::NoDevice { address } => Error::NotFound { address },
            error => Error::Operation {
                device,
                error: Box::new(error),
            },
        }
    }

    /// Wraps a local I/O failure with what was being done and the address involved.
    pub(crate) fn io(action: impl Into<String>, error: io::Error) -> Self {
        Error::Io {
            action: action.into(),
            error,
        }
    }

    /// Returns whether repeating the operation later could succeed: after a timeout, a
    /// connection failure, an unchanged state, a silent device or a local I/O failure.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::Timeout { .. }
                | Error::Connection { .. }
                | Error::StateUnchanged { .. }
                | Error::NotFound { .. }
                | Error::Io { .. }
        )
    }
}

/// Names the port of a switch: 0 stands for every port.
fn port_label(port: u8) -> String {
    match port {
        0 => String::from("every port"),
        port => format!("port {port}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device() -> SocketAddr {
        "127.0.0.42:80".parse().unwrap()
    }

    #[test]
    fn unchanged_switch_of_every_port_says_so() {
        let error = Error::from_operation(
            device(),
            OperationError::StateUnchanged {
                port: 0,
                on: true,
                checks: 3,
            },
        );
        assert_eq!(
            error.to_string(),
            "127.0.0.42:80: every port did not turn on after 3 check(s)"
        );
        let one = Error::from_operation(
            device(),
            OperationError::StateUnchanged {
                port: 4,
                on: false,
                checks: 1,
            },
        );
        assert_eq!(
            one.to_string(),
            "127.0.0.42:80: port 4 did not turn off after 1 check(s)"
        );
    }

    #[test]
    fn invalid_response_prints_its_cause_once() {
        let error = Error::from_operation(
            device(),
            OperationError::InvalidReply {
                command: 511,
                error: ParseError::MissingField {
                    field: "data.switch",
                },
            },
        );
        assert_eq!(
            error.to_string(),
            "127.0.0.42:80: invalid reply to command 511: field `data.switch` is missing"
        );
        assert!(std::error::Error::source(&error).is_none());
    }

    #[test]
    fn device_error_prints_its_code_once() {
        let error = Error::from_operation(
            device(),
            OperationError::Device(DeviceError {
                command: 200,
                code: 400,
            }),
        );
        assert_eq!(
            error.to_string(),
            "127.0.0.42:80: device rejected command 200 with code 400"
        );
        assert!(std::error::Error::source(&error).is_none());
        assert!(!error.is_retryable());
    }

    #[test]
    fn io_error_message_and_retry() {
        let error = Error::io(
            "opening a UDP socket for 127.0.0.42:8888",
            io::Error::from(io::ErrorKind::AddrNotAvailable),
        );
        let message = error.to_string();
        assert!(
            message.starts_with("opening a UDP socket for 127.0.0.42:8888 failed: "),
            "{message}"
        );
        assert!(message.ends_with("then retry"), "{message}");
        assert!(std::error::Error::source(&error).is_none());
        assert!(error.is_retryable());
    }
}
