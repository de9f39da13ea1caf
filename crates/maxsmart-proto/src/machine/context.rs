//! The per-device facts the state machines use, and the operations built from them.

use alloc::boxed::Box;
use alloc::string::String;
use core::net::{IpAddr, SocketAddr};

use serde::Serialize;

use super::{DiscoveredDevice, Exchange, Query, RetryPolicy, Switch, Transmit, VerifyPolicy};
use crate::command::Request;
use crate::discovery::UDP_PORT;
use crate::error::{InvalidArgument, OperationError, Unsupported};
use crate::firmware::{Feature, FirmwareFamily, Support};
use crate::http::HTTP_PORT;
use crate::port::PortSelector;
use crate::status::{self, Status, WattFormat};

/// The transport that carries commands to a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// HTTP `GET` on TCP port 80 (firmware 1.x, 2.11, 3.x).
    Http,
    /// V3 datagrams on UDP port 8888 (firmware 5.x and MaxSmart 2.0 plugs).
    UdpV3,
}

impl Protocol {
    /// Returns the number of the status command in this protocol: 511 over HTTP, 90 over
    /// V3.
    pub fn status_command(self) -> u16 {
        match self {
            Protocol::Http => crate::command::STATUS,
            Protocol::UdpV3 => crate::v3::CMD_STATUS,
        }
    }
}

/// The addresses, protocol and learned facts of one device.
///
/// Operations are built from the context and carry a copy of what they need, so the
/// context can change while an operation runs.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceContext {
    /// The address of the device's HTTP server.
    pub http_address: SocketAddr,
    /// The address V3 datagrams are sent to.
    pub udp_address: SocketAddr,
    /// The transport commands use.
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

    /// Creates a context for a device found by discovery: its address, serial and firmware.
    ///
    /// The protocol is V3 for firmware 5.x, which has no HTTP server, and HTTP otherwise;
    /// [`Initialise`](super::Initialise) confirms it with a probe.
    pub fn from_discovery(device: &DiscoveredDevice) -> Self {
        let mut context = DeviceContext::new(device.address.ip());
        context.serial = Some(device.reply.serial.clone());
        context.firmware = device.reply.firmware.clone();
        if !context.family().has_http() {
            context.protocol = Protocol::UdpV3;
        }
        context
    }

    /// Returns the firmware family of the reported version.
    pub fn family(&self) -> FirmwareFamily {
        FirmwareFamily::from_optional(self.firmware.as_deref())
    }

    /// Returns the port count, or 6 while it is unknown.
    pub fn port_limit(&self) -> u8 {
        self.port_count.unwrap_or(6)
    }

    /// Returns the watt format the device's family sends over its protocol, if known.
    pub fn expected_watt_format(&self) -> Option<WattFormat> {
        self.family()
            .expected_watt_format(self.protocol == Protocol::UdpV3)
    }

    /// Checks that the firmware and protocol offer `feature`.
    ///
    /// Operations that no source shows on this firmware are allowed and return
    /// [`Support::Unverified`]; the device decides.
    ///
    /// # Errors
    ///
    /// Returns [`Unsupported`] naming the operation and the firmware when a source shows the
    /// firmware lacks it, or the protocol has no such command.
    pub fn check_feature(&self, feature: Feature) -> Result<Support, Unsupported> {
        let capability = self.family().capability(feature);
        let (support, operation) = match self.protocol {
            Protocol::Http => (capability.http, feature.name()),
            Protocol::UdpV3 => (capability.v3, v3_operation_name(feature)),
        };
        if !support.is_allowed() {
            tracing::debug!(operation, firmware = %self.firmware_label(), "operation rejected");
            return Err(Unsupported {
                operation,
                firmware: self.firmware_label(),
            });
        }
        Ok(support)
    }

    /// Builds the exchange that sends `request` over the device's protocol.
    ///
    /// The exchange follows [`DeviceContext::retry`], except that a request that is not
    /// [idempotent](Request::is_idempotent) is sent once, with the policy's timeout and no
    /// retry. When its acknowledgement is lost, the result is a timeout although the device
    /// may have carried it out. Read the device's state before sending it again.
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::Unsupported`] when the request has no form in that protocol.
    pub fn exchange(&self, request: &Request) -> Result<Exchange, OperationError> {
        let policy = if request.is_idempotent() {
            self.retry
        } else {
            RetryPolicy {
                attempts: 1,
                ..self.retry
            }
        };
        match self.protocol {
            Protocol::Http => {
                let transmit = Transmit::Http {
                    to: self.http_address,
                    target: request.http().target(),
                };
                Ok(Exchange::new(request.http_command(), transmit, policy))
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
                Ok(Exchange::new(command, transmit, policy))
            }
        }
    }

    /// Builds an operation that reads the watts, amps and switch state of every port.
    ///
    /// The watt format is decided per reply by
    /// [`decide_watt_format`](crate::status::decide_watt_format) from
    /// [`DeviceContext::watt_format`] (the override), the reply's JSON types and the format
    /// the firmware family sends.
    pub fn read_status(&self) -> Query<Status> {
        let forced = self.watt_format;
        let expected = self.expected_watt_format();
        let exchange = self
            .exchange(&Request::Status)
            .expect("status requests have an HTTP and a V3 form");
        Query::new(
            exchange,
            Box::new(move |data| status::parse_status_expecting(data.as_ref(), expected, forced)),
        )
    }

    /// Builds an operation that switches `port` and reads the state back.
    ///
    /// # Errors
    ///
    /// Returns [`InvalidArgument::PortOutOfRange`] for a port the device does not have; nothing
    /// is sent then. While the port count is unknown, ports up to 6 are accepted.
    pub fn switch(&self, port: PortSelector, on: bool) -> Result<Switch, InvalidArgument> {
        let mut port = port.validate(self.port_count.unwrap_or(6))?;
        if port == PortSelector::All && self.port_count == Some(1) {
            // NOTE: whether a 1-port plug accepts port 0 is unknown, so "all" goes out as
            // port 1, which every plug accepts and which means the same thing.
            port = PortSelector::One(1);
        }
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

/// Returns the operation name used when the V3 protocol lacks a command.
fn v3_operation_name(feature: Feature) -> &'static str {
    match feature {
        Feature::Status => "status over UDP V3",
        Feature::Switch => "switch over UDP V3",
        Feature::SwitchStates => "switch states over UDP V3",
        Feature::Rename => "rename over UDP V3",
        Feature::Statistics => "statistics over UDP V3",
        Feature::DeviceTime => "device time over UDP V3",
        Feature::HardwareIds => "hardware ids over UDP V3",
        Feature::FactoryReset => "factory reset over UDP V3",
        Feature::MasterSlave => "master/slave over UDP V3",
        Feature::Timer => "timer over UDP V3",
        Feature::Price => "price over UDP V3",
        Feature::Rules => "rules over UDP V3",
        Feature::RandomMode => "random mode over UDP V3",
        Feature::ReadRandomMode => "random mode query over UDP V3",
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
    fn discovery_of_udp_only_firmware_selects_v3() {
        let reply = crate::discovery::parse_reply(fixture!("v5.11/v5.11-strip-discovery.json"));
        let device = DiscoveredDevice {
            address: "127.0.0.9:8888".parse().unwrap(),
            reply: reply.unwrap(),
        };
        let context = DeviceContext::from_discovery(&device);
        assert_eq!(context.protocol, Protocol::UdpV3);
        assert_eq!(context.family(), FirmwareFamily::V5x);
        assert_eq!(context.serial.as_deref(), Some("SWW6000000000004"));
        assert_eq!(context.http_address, "127.0.0.9:80".parse().unwrap());
        assert_eq!(context.expected_watt_format(), Some(WattFormat::Milliwatts));
    }

    #[test]
    fn feature_check_names_operation_and_firmware() {
        let mut context = context(Protocol::Http);
        context.firmware = Some("2.11".into());
        assert_eq!(
            context.check_feature(Feature::Rename),
            Err(Unsupported {
                operation: "rename",
                firmware: "2.11".into()
            })
        );
        assert_eq!(
            context.check_feature(Feature::Statistics),
            Ok(Support::Unverified)
        );
        context.protocol = Protocol::UdpV3;
        let error = context.check_feature(Feature::Statistics).unwrap_err();
        assert_eq!(error.operation, "statistics over UDP V3");
        assert_eq!(
            alloc::format!("{error}"),
            "statistics over UDP V3 is not supported by firmware 2.11"
        );
    }

    #[test]
    fn switch_all_on_a_plug_sends_port_one() {
        let mut context = context(Protocol::Http);
        context.port_count = Some(1);
        let mut switch = context.switch(PortSelector::All, true).unwrap();
        let Some(Transmit::Http { target, .. }) = switch.poll_transmit(Instant::ZERO) else {
            panic!("expected an HTTP request");
        };
        assert_eq!(
            target,
            "/?cmd=200&json=%7B%22port%22%3A1%2C%22state%22%3A1%7D"
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
