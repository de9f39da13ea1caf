//! Typed device commands and their encoding for HTTP and V3.

use alloc::vec::Vec;

use serde::Serialize;

use crate::http::HttpRequest;
use crate::port::PortSelector;
use crate::v3;

/// HTTP command 200: switch one port or all.
pub const SWITCH: u16 = 200;
/// HTTP command 511: watts, amps and switch states.
pub const STATUS: u16 = 511;

/// The fields of a switch command, shared by HTTP 200 and V3 20.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SwitchFields {
    /// 0 for every port, else the port number.
    pub port: u8,
    /// 1 on, 0 off.
    pub state: u8,
}

/// A command to send to a device.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Request {
    /// Reads watts, amps and switch states (HTTP 511, V3 90).
    Status,
    /// Switches one port or all (HTTP 200, V3 20).
    Switch {
        /// The port, or every port.
        port: PortSelector,
        /// The requested state.
        on: bool,
    },
}

impl Request {
    /// Returns the HTTP command number.
    pub fn http_command(&self) -> u16 {
        match self {
            Request::Status => STATUS,
            Request::Switch { .. } => SWITCH,
        }
    }

    /// Returns the V3 command number, or `None` when the command has no V3 form.
    pub fn v3_command(&self) -> Option<u16> {
        match self {
            Request::Status => Some(v3::CMD_STATUS),
            Request::Switch { .. } => Some(v3::CMD_SWITCH),
        }
    }

    /// Builds the HTTP request.
    ///
    /// ```
    /// use maxsmart_proto::command::Request;
    /// use maxsmart_proto::port::PortSelector;
    ///
    /// let request = Request::Switch { port: PortSelector::One(1), on: true };
    /// assert_eq!(request.http().target(), "/?cmd=200&json=%7B%22port%22%3A1%2C%22state%22%3A1%7D");
    /// ```
    pub fn http(&self) -> HttpRequest {
        match self {
            Request::Status => HttpRequest::bare(STATUS),
            Request::Switch { port, on } => HttpRequest::new(SWITCH, &switch_fields(*port, *on)),
        }
    }

    /// Builds the V3 datagram, or `None` when the command has no V3 form.
    pub fn v3(&self, serial: Option<&str>) -> Option<Vec<u8>> {
        let datagram = match self {
            Request::Status => v3::encode_request(serial, v3::CMD_STATUS, &v3::NoFields),
            Request::Switch { port, on } => {
                v3::encode_request(serial, v3::CMD_SWITCH, &switch_fields(*port, *on))
            }
        };
        Some(datagram)
    }
}

fn switch_fields(port: PortSelector, on: bool) -> SwitchFields {
    SwitchFields {
        port: port.wire_number(),
        state: u8::from(on),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switch_all_on_over_http_matches_capture() {
        let request = Request::Switch {
            port: PortSelector::All,
            on: true,
        };
        assert_eq!(
            request.http().target().as_bytes(),
            fixture!("requests/http-200-fully-encoded.txt")
        );
    }

    #[test]
    fn switch_all_off_over_v3_matches_capture() {
        let request = Request::Switch {
            port: PortSelector::All,
            on: false,
        };
        assert_eq!(
            request.v3(Some("SWW6000000000004")).unwrap(),
            fixture!("requests/v3-20-all-off.txt")
        );
    }

    #[test]
    fn status_numbers_differ_by_transport() {
        assert_eq!(Request::Status.http_command(), 511);
        assert_eq!(Request::Status.v3_command(), Some(90));
        assert_eq!(
            Request::Status.v3(Some("SWW6000000000004")).unwrap(),
            fixture!("requests/v3-90.txt")
        );
    }
}
