//! Error types: one enum per concern.

use alloc::string::String;
use core::fmt;

use serde::Serialize;

/// A device reply that could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The reply held no bytes at all.
    #[error("reply is empty")]
    Empty,
    /// The reply is not a JSON document.
    #[error("reply is not valid JSON ({reason}): {excerpt}")]
    InvalidJson {
        /// The JSON parser's description of the problem.
        reason: String,
        /// The start of the reply, for the log.
        excerpt: String,
    },
    /// A required field is absent or `null`.
    #[error("field `{field}` is missing")]
    MissingField {
        /// The JSON path of the field, such as `data.switch`.
        field: &'static str,
    },
    /// A field contains a value of the wrong type or out of range.
    #[error("field `{field}` has invalid value {value}, expected {expected}")]
    InvalidValue {
        /// The JSON path of the field.
        field: &'static str,
        /// The offending value as JSON text, cut to a readable length.
        value: String,
        /// The expected type or range.
        expected: &'static str,
    },
    /// A request names a command number this crate does not know.
    #[error("command {command} is unknown")]
    UnknownCommand {
        /// The command number from the request.
        command: u16,
    },
    /// The reply belongs to another command than the one sent.
    #[error("reply is for command {actual}, expected a reply to command {expected}")]
    UnexpectedResponse {
        /// The command that was sent.
        expected: u16,
        /// The command number in the reply's `response` field.
        actual: u16,
    },
}

/// A reply in which the device reports that it did not carry out the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("device rejected command {command} with code {code}")]
pub struct DeviceError {
    /// The command the device rejected.
    pub command: u16,
    /// The code from the reply: 400 for a failure, anything else is undocumented.
    pub code: u16,
}

/// An argument rejected before anything was sent to the device.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidArgument {
    /// A port number outside `1..=port_count`.
    #[error(
        "port {port} is out of range for a device with {port_count} port(s); use 1 to {port_count}"
    )]
    PortOutOfRange {
        /// The requested port.
        port: u8,
        /// The number of ports the device has.
        port_count: u8,
    },
    /// A name longer than the device accepts. The message shows only the start of the name.
    #[error(
        "name {} has {length} characters, the device accepts at most {max}",
        NameExcerpt(name)
    )]
    NameTooLong {
        /// The rejected name, in full.
        name: String,
        /// Its length in characters.
        length: usize,
        /// The maximum length in characters.
        max: usize,
    },
    /// A name the device cannot store. The message shows only the start of the name.
    #[error("name {} is invalid: {reason}", NameExcerpt(name))]
    InvalidName {
        /// The rejected name, in full.
        name: String,
        /// The reason for the rejection.
        reason: &'static str,
    },
    /// A value outside the range a command accepts.
    #[error("{field} {value} is out of range: {expected}")]
    OutOfRange {
        /// The argument's name.
        field: &'static str,
        /// The rejected value.
        value: String,
        /// The accepted range.
        expected: &'static str,
    },
    /// A value that breaks a rule of the command, such as two master ports.
    #[error("{field} {value} is invalid, expected {expected}")]
    InvalidValue {
        /// The argument's name.
        field: &'static str,
        /// The rejected value.
        value: String,
        /// The accepted values.
        expected: &'static str,
    },
    /// A serial number that is empty, longer than 32 characters or not printable ASCII.
    #[error(
        "serial number {serial:?} is invalid: expected 1 to 32 printable ASCII characters \
         without spaces, such as SWP6000000000001"
    )]
    InvalidSerial {
        /// The rejected serial number.
        serial: String,
    },
}

/// The operation is not available on this device's firmware or protocol.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation} is not supported by firmware {firmware}")]
pub struct Unsupported {
    /// The operation that was requested, such as `rename`.
    pub operation: &'static str,
    /// The firmware version, or `unknown`.
    pub firmware: String,
}

/// The failure of an operation driven by a state machine.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum OperationError {
    /// No valid reply arrived within the timeout, after every retry.
    #[error("command {command} timed out after {attempts} attempt(s)")]
    Timeout {
        /// The command that went unanswered.
        command: u16,
        /// How many times it was sent.
        attempts: u32,
    },
    /// The transport failed on the last attempt (connection refused, reset, closed early).
    #[error("command {command} failed after {attempts} attempt(s): {failure}")]
    Transport {
        /// The command being sent.
        command: u16,
        /// How many times it was sent.
        attempts: u32,
        /// The failure the transport reported.
        failure: TransportFailure,
    },
    /// The device replied with a failure code.
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// The reply could not be decoded.
    ///
    /// The message includes the decoding error, so [`core::error::Error::source`] returns
    /// `None` and a reporter that walks the chain prints it once.
    #[error("invalid reply to command {command}: {error}")]
    InvalidReply {
        /// The command that was sent.
        command: u16,
        /// The decoding error.
        error: ParseError,
    },
    /// The argument was rejected before sending.
    #[error(transparent)]
    InvalidArgument(#[from] InvalidArgument),
    /// The firmware does not offer the operation.
    #[error(transparent)]
    Unsupported(#[from] Unsupported),
    /// A switch command was acknowledged but the state read back did not change.
    #[error(
        "{} did not turn {} after {checks} check(s)",
        SwitchedPort(*.port),
        if *.on { "on" } else { "off" }
    )]
    StateUnchanged {
        /// The port that was switched; 0 means every port.
        port: u8,
        /// The state that was requested.
        on: bool,
        /// How many times the state was read back.
        checks: u32,
    },
    /// No device replied to a discovery or detection probe.
    #[error("no device answered at {address}")]
    NoDevice {
        /// The probed address.
        address: core::net::SocketAddr,
    },
}

impl OperationError {
    /// Returns whether repeating the whole operation later could succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            OperationError::Timeout { .. }
                | OperationError::Transport { .. }
                | OperationError::StateUnchanged { .. }
                | OperationError::NoDevice { .. }
        )
    }
}

/// The maximum number of characters of a rejected name that a message quotes.
const NAME_EXCERPT_CHARS: usize = 40;

/// A name quoted in a message: its first [`NAME_EXCERPT_CHARS`] characters in quotes, with
/// escapes, followed by `...` when the name is longer.
struct NameExcerpt<'a>(&'a str);

impl fmt::Display for NameExcerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(NAME_EXCERPT_CHARS) {
            Some((end, _)) => write!(f, "{:?}...", &self.0[..end]),
            None => write!(f, "{:?}", self.0),
        }
    }
}

/// Names the port of a switch in a message: 0 stands for every port.
struct SwitchedPort(u8);

impl fmt::Display for SwitchedPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("every port"),
            port => write!(f, "port {port}"),
        }
    }
}

/// The reason the transport could not deliver a request or its response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TransportFailure {
    /// The device refused the TCP connection (firmware 5.x has no HTTP server).
    ConnectionRefused,
    /// The connection closed before a complete response arrived.
    ConnectionClosed,
    /// The response was not HTTP or its body could not be read.
    InvalidResponse,
    /// Sending failed locally (no route, socket error).
    SendFailed,
}

impl fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            TransportFailure::ConnectionRefused => "connection refused",
            TransportFailure::ConnectionClosed => "connection closed before a complete response",
            TransportFailure::InvalidResponse => "invalid HTTP response",
            TransportFailure::SendFailed => "sending failed",
        };
        f.write_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn unchanged_state_names_every_port_for_port_zero() {
        let all = OperationError::StateUnchanged {
            port: 0,
            on: false,
            checks: 2,
        };
        assert_eq!(
            all.to_string(),
            "every port did not turn off after 2 check(s)"
        );
        let one = OperationError::StateUnchanged {
            port: 3,
            on: true,
            checks: 1,
        };
        assert_eq!(one.to_string(), "port 3 did not turn on after 1 check(s)");
    }

    #[test]
    fn long_name_message_shows_an_excerpt() {
        let name: String = core::iter::repeat_n('x', 300).collect();
        let error = InvalidArgument::NameTooLong {
            name: name.clone(),
            length: 300,
            max: 21,
        };
        let expected = alloc::format!(
            "name \"{}\"... has 300 characters, the device accepts at most 21",
            &name[..40]
        );
        assert_eq!(error.to_string(), expected);
        let InvalidArgument::NameTooLong { name: kept, .. } = error else {
            unreachable!("constructed above");
        };
        assert_eq!(kept.len(), 300);
    }

    #[test]
    fn short_name_message_quotes_it_whole() {
        let name: String = core::iter::repeat_n('é', 40).collect();
        let error = InvalidArgument::InvalidName {
            name: name.clone(),
            reason: "it contains a control character",
        };
        assert_eq!(
            error.to_string(),
            alloc::format!("name \"{name}\" is invalid: it contains a control character")
        );
    }

    #[test]
    fn invalid_reply_prints_its_cause_once() {
        let error = OperationError::InvalidReply {
            command: 90,
            error: ParseError::Empty,
        };
        assert_eq!(
            error.to_string(),
            "invalid reply to command 90: reply is empty"
        );
        assert!(core::error::Error::source(&error).is_none());
    }
}
