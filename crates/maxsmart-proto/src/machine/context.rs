//! What the state machines know about one device, and the operations built from it.

use alloc::boxed::Box;
use alloc::string::String;
use core::net::{IpAddr, SocketAddr};

use serde::Serialize;

use super::{Exchange, Query, RetryPolicy, Switch, Transmit, VerifyPolicy};
use crate::command::Request;
use crate::discovery::UDP_PORT;
use crate::error::{InvalidArgument, OperationError, Unsupported};
use crate::http::HTTP_PORT;
use crate::port::PortSelector;
use crate::status::{self, Status, WattFormat};

/// How commands reach a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// HTTP `GET` on TCP port 80 (firmware 1.x, 2.11, 3.x).
    Http,
    /// V3 datagrams on UDP port 8888 (firmware 5.x and MaxSmart 2.0 plugs).
    UdpV3,
}

/// The addresses, protocol and learned facts of one device.
///
/// Operations are built from the context and carry a copy of what they need, so the
/// context can change while an operation runs.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceContext {
    /// Where HTTP requests go.
    pub http_address: SocketAddr,
    /// Where V3 datagrams go.
    pub udp_address: SocketAddr,
    /// How commands are sent.
    pub protocol: Protocol,
    /// The serial number, sent in V3 requests when known.
    pub serial: Option<String>,
    /// The firmware version from discovery, such as `1.30`.
    pub firmware: Option<String>,
    /// The port count, learned from the length of the `switch` array.
    pub port_count: Option<u8>,
    /// A watt format that overrides detection.
    pub watt_format: Option<WattFormat>,
    /// Timeouts and retries of each request.
    pub retry: RetryPolicy,
    /// How switching is verified.
    pub verify: VerifyPolicy,
}

impl DeviceContext {
    /// Creates a context for the device at `ip` on the standard ports, speaking HTTP.
    pub fn new(ip: IpAddr) -> Self {
        DeviceContext {
            http_address: SocketAddr::new(ip, HTTP_PORT),
            udp_address: SocketAddr::new(ip, UDP_PORT),
            protocol: Protocol::Http,
            serial: None,
            firmware: None,
            port_count: None,
            watt_format: None,
            retry: RetryPolicy::default(),
            verify: VerifyPolicy::default(),
        }
    }

    /// Builds the exchange that sends `request` over the device's protocol.
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] when the request has no form in that protocol.
    pub fn exchange(&self, request: &Request) -> Result<Exchange, OperationError> {
        match self.protocol {
            Protocol::Http => {
                let transmit = Transmit::Http {
                    to: self.http_address,
                    target: request.http().target(),
                };
                Ok(Exchange::new(request.http_command(), transmit, self.retry))
            }
            Protocol::UdpV3 => {
                let unsupported = || Unsupported {
                    operation: "this command over UDP V3",
                    firmware: self.firmware_label(),
                };
                let command = request.v3_command().ok_or_else(unsupported)?;
                let payload = request.v3(self.serial.as_deref()).ok_or_else(unsupported)?;
                let transmit = Transmit::Udp {
                    to: self.udp_address,
                    payload,
                };
                Ok(Exchange::new(command, transmit, self.retry))
            }
        }
    }

    /// Builds an operation that reads the watts, amps and switch state of every port.
    pub fn read_status(&self) -> Query<Status> {
        let forced = self.watt_format;
        let exchange = self
            .exchange(&Request::Status)
            .expect("status requests have an HTTP and a V3 form");
        Query::new(
            exchange,
            Box::new(move |data| status::parse_status(data.as_ref(), forced)),
        )
    }

    /// Builds an operation that switches `port` and reads the state back.
    ///
    /// # Errors
    ///
    /// Returns [`InvalidArgument::PortOutOfRange`] for a port the device does not have; nothing
    /// is sent then. While the port count is unknown, ports up to 6 are accepted.
    pub fn switch(&self, port: PortSelector, on: bool) -> Result<Switch, InvalidArgument> {
        let port = port.validate(self.port_count.unwrap_or(6))?;
        let command = self
            .exchange(&Request::Switch { port, on })
            .expect("switch requests have an HTTP and a V3 form");
        Ok(Switch::new(self.clone(), command, port, on))
    }

    /// Records what a status reply revealed: the port count.
    pub fn learn_from_status(&mut self, status: &Status) {
        self.port_count = Some(status.port_count());
    }

    /// Returns the firmware version, or `unknown`.
    pub fn firmware_label(&self) -> String {
        self.firmware
            .clone()
            .unwrap_or_else(|| String::from("unknown"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instant::Instant;
    use crate::machine::Operation;

    fn context(protocol: Protocol) -> DeviceContext {
        let mut context = DeviceContext::new("127.0.0.9".parse().unwrap());
        context.protocol = protocol;
        context.serial = Some("SWW6000000000004".into());
        context
    }

    #[test]
    fn http_status_targets_port_80() {
        let mut query = context(Protocol::Http).read_status();
        let transmit = query.poll_transmit(Instant::ZERO).unwrap();
        assert_eq!(
            transmit,
            Transmit::Http {
                to: "127.0.0.9:80".parse().unwrap(),
                target: "/?cmd=511".into()
            }
        );
    }

    #[test]
    fn v3_status_carries_the_serial() {
        let mut query = context(Protocol::UdpV3).read_status();
        let transmit = query.poll_transmit(Instant::ZERO).unwrap();
        assert_eq!(
            transmit,
            Transmit::Udp {
                to: "127.0.0.9:8888".parse().unwrap(),
                payload: br#"V3{"sn":"SWW6000000000004","cmd":90}"#.to_vec()
            }
        );
    }

    #[test]
    fn switch_beyond_learned_port_count_is_rejected() {
        let mut context = context(Protocol::Http);
        context.port_count = Some(1);
        let error = context.switch(PortSelector::One(2), true).unwrap_err();
        assert_eq!(
            error,
            InvalidArgument::PortOutOfRange {
                port: 2,
                port_count: 1
            }
        );
    }
}
