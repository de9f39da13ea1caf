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
    #[error("{device}: {source}")]
    Device {
        /// The device's address.
        device: SocketAddr,
        /// The command and code.
        source: DeviceError,
    },
    /// The device's reply could not be decoded.
    #[error("{device}: invalid reply to command {command}: {source}")]
    InvalidResponse {
        /// The device's address.
        device: SocketAddr,
        /// The command that was sent.
        command: u16,
        /// The decoding error.
        source: ParseError,
    },
    /// The firmware does not offer the operation; nothing was sent.
    #[error("{device}: {source}")]
    Unsupported {
        /// The device's address.
        device: SocketAddr,
        /// The operation and firmware.
        source: Unsupported,
    },
    /// An argument was invalid; nothing was sent.
    #[error(transparent)]
    InvalidArgument(#[from] InvalidArgument),
    /// A switch was acknowledged but the state did not change.
    #[error("{device}: port {port} did not turn {} after {checks} check(s)", if *.on { "on" } else { "off" })]
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
    #[error("no device answered discovery at {address}; check the address and the UDP port")]
    NotFound {
        /// The probed address.
        address: SocketAddr,
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
    /// A local socket operation failed.
    #[error("local socket error: {0}")]
    Io(#[from] io::Error),
    /// The device was closed.
    #[error("the device handle is closed")]
    Closed,
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
            OperationError::Device(source) => Error::Device { device, source },
            OperationError::InvalidReply { command, source } => Error::InvalidResponse {
                device,
                command,
                source,
            },
            OperationError::InvalidArgument(source) => Error::InvalidArgument(source),
            OperationError::Unsupported(source) => Error::Unsupported { device, source },
            OperationError::StateUnchanged { port, on, checks } => Error::StateUnchanged {
                device,
                port,
                on,
                checks,
            },
            OperationError::NoDevice { address } => Error::NotFound { address },
            other => Error::Io(io::Error::other(other.to_string())),
        }
    }

    /// Returns whether repeating the operation later could succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::Timeout { .. }
                | Error::Connection { .. }
                | Error::StateUnchanged { .. }
                | Error::NotFound { .. }
                | Error::Io(_)
        )
    }
}
