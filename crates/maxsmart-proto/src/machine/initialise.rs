//! Learning everything about one device: protocol, firmware, watt format, ports and names.

use alloc::string::String;
use alloc::vec;
use core::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::{
    DeviceContext, DiscoveryCollector, DiscoveryOptions, Exchange, Input, Operation, Protocol,
    RetryPolicy, Transmit,
};
use crate::command::{Request, STATUS};
use crate::discovery::DiscoveryReply;
use crate::error::{OperationError, ParseError};
use crate::firmware::FirmwareFamily;
use crate::instant::Instant;
use crate::names::Names;
use crate::status::{self, Status, WattFormat};
use crate::v3;

/// Timeouts of the steps of [`Initialise`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitialiseOptions {
    /// The HTTP status probe. It is short and not retried, because firmware 5.x has no HTTP
    /// server and every second spent here delays the V3 probe.
    pub http_probe: RetryPolicy,
    /// The V3 status probe, sent when HTTP is refused or times out.
    pub v3_probe: RetryPolicy,
    /// Whether to send unicast discovery when no discovery reply was given, to learn the
    /// serial, firmware and names.
    pub discover: bool,
    /// The rounds and listening window of unicast discovery. `first_only` is forced on.
    pub discovery: DiscoveryOptions,
}

impl Default for InitialiseOptions {
    /// Returns a 1.5 s HTTP probe without retry, a V3 probe of two 1 s attempts, and unicast
    /// discovery of two rounds 500 ms apart with a 1 s window.
    ///
    /// python-maxsmart 2.1.0 gives its HTTP probe 0.8 s and its V3 probe 1 s; these values
    /// leave a little more room for a slow LAN.
    fn default() -> Self {
        InitialiseOptions {
            http_probe: RetryPolicy {
                timeout: Duration::from_millis(1500),
                attempts: 1,
                backoff: Duration::ZERO,
                max_backoff: Duration::ZERO,
            },
            v3_probe: RetryPolicy {
                timeout: Duration::from_secs(1),
                attempts: 2,
                backoff: Duration::from_millis(250),
                max_backoff: Duration::from_millis(250),
            },
            discover: true,
            discovery: DiscoveryOptions {
                window: Duration::from_secs(1),
                first_only: true,
                ..DiscoveryOptions::default()
            },
        }
    }
}

/// Everything [`Initialise`] learned about a device.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceInfo {
    /// The protocol whose status probe succeeded.
    pub protocol: Protocol,
    /// The serial number from discovery, or the one the context already had.
    pub serial: Option<String>,
    /// The firmware version from discovery, or the one the context already had.
    pub firmware: Option<String>,
    /// The firmware family of that version.
    pub family: FirmwareFamily,
    /// The watt encoding used to read the probe's status.
    pub watt_format: WattFormat,
    /// The port count: the length of the `switch` array.
    pub port_count: u8,
    /// The device name and port names from discovery; all `None` without discovery.
    pub names: Names,
    /// The MAC address from discovery.
    pub mac: Option<String>,
    /// The status read by the probe, a first snapshot for a poller.
    pub status: Status,
    /// The discovery reply, when one was given or received.
    pub discovery: Option<DiscoveryReply>,
}

impl DeviceInfo {
    /// Builds the info of a device from a status read over `protocol` and, when one was
    /// received, its discovery reply.
    ///
    /// The serial number and firmware come from `discovery`, or else from `context`; the
    /// names and MAC address come from `discovery` alone. The port count is the length of the
    /// status's `switch` array.
    ///
    /// # Errors
    ///
    /// Returns [`OperationError::InvalidReply`] for the status command of `protocol` when
    /// the status lists no port, because every later port number would be out of range.
    pub fn from_status(
        context: &DeviceContext,
        protocol: Protocol,
        status: Status,
        discovery: Option<DiscoveryReply>,
    ) -> Result<DeviceInfo, OperationError> {
        let port_count = status.port_count();
        if port_count == 0 {
            return Err(OperationError::InvalidReply {
                command: protocol.status_command(),
                error: ParseError::InvalidValue {
                    field: "data.switch",
                    value: String::from("[]"),
                    expected: "at least one port",
                },
            });
        }
        let hint = discovery.as_ref().and_then(DiscoveryReply::port_count_hint);
        if hint.is_some_and(|hint| hint != port_count) {
            tracing::debug!(?hint, port_count, "serial suggests another port count");
        }
        let names = match &discovery {
            Some(reply) => Names::from_discovery(reply, port_count),
            None => Names {
                device: None,
                ports: vec![None; usize::from(port_count)],
            },
        };
        let reported = discovery.as_ref();
        let serial = reported.map(|reply| reply.serial.clone());
        let firmware = reported.and_then(|reply| reply.firmware.clone());
        let firmware = firmware.or_else(|| context.firmware.clone());
        Ok(DeviceInfo {
            protocol,
            serial: serial.or_else(|| context.serial.clone()),
            family: FirmwareFamily::from_optional(firmware.as_deref()),
            firmware,
            watt_format: status.watt_format,
            port_count,
            names,
            mac: reported.and_then(|reply| reply.mac.clone()),
            status,
            discovery,
        })
    }

    /// Records the protocol, serial, firmware and port count in `context`.
    ///
    /// The context's watt-format override is left alone: the detected format is decided
    /// again for every reply, and only the caller sets the override.
    pub fn apply_to(&self, context: &mut DeviceContext) {
        context.protocol = self.protocol;
        context.port_count = Some(self.port_count);
        if self.serial.is_some() {
            context.serial.clone_from(&self.serial);
        }
        if self.firmware.is_some() {
            context.firmware.clone_from(&self.firmware);
        }
    }
}

/// Detects how to talk to a device and what it offers.
///
/// The steps are:
///
/// 1. Unicast discovery to the device's UDP address, unless a discovery reply was given or
///    [`InitialiseOptions::discover`] is off. Silence here is not an error.
/// 2. An HTTP 511 status probe, skipped for firmware 5.x, which has no HTTP server.
/// 3. A V3 90 status probe when HTTP was refused, failed or timed out.
///
/// The output is a [`DeviceInfo`]; apply it with [`DeviceInfo::apply_to`]. When the device
/// sent nothing at all, the result is [`OperationError::NoDevice`]. When the device answered
/// discovery but its HTTP connection failed and the V3 probe got no reply, the result is the
/// HTTP transport failure, which explains more than the silence. A device that replies over HTTP
/// with a failure code or an undecodable body ends the operation with that error, without
/// trying V3.
///
/// # Calling contract
///
/// Drive it like any [`Operation`]: send every transmit, then feed HTTP responses and
/// datagrams from the device's address, and call [`Operation::handle_timeout`] at
/// [`Operation::poll_timeout`]. Inputs from other IP addresses are ignored.
#[derive(Debug)]
pub struct Initialise {
    context: DeviceContext,
    options: InitialiseOptions,
    discovery: Option<DiscoveryReply>,
    stage: Stage,
    heard_from_device: bool,
    /// The transport failure of the HTTP probe, such as a refused connection.
    http_failure: Option<OperationError>,
    output: Option<Result<DeviceInfo, OperationError>>,
}

#[derive(Debug)]
enum Stage {
    Discover(DiscoveryCollector),
    HttpProbe(Exchange),
    V3Probe(Exchange),
    Done,
}

impl Initialise {
    /// Creates the operation for the device at `context`'s addresses.
    ///
    /// `discovery` is a reply already received for this device, such as one from a
    /// [`DiscoveryCollector`]; without it the operation sends unicast discovery itself.
    pub fn new(
        context: &DeviceContext,
        discovery: Option<DiscoveryReply>,
        options: InitialiseOptions,
    ) -> Self {
        let mut initialise = Initialise {
            context: context.clone(),
            heard_from_device: discovery.is_some(),
            discovery,
            options,
            stage: Stage::Done,
            http_failure: None,
            output: None,
        };
        initialise.stage = if initialise.discovery.is_none() && initialise.options.discover {
            let options = DiscoveryOptions {
                first_only: true,
                ..initialise.options.discovery.clone()
            };
            let targets = vec![initialise.context.udp_address];
            Stage::Discover(DiscoveryCollector::new(targets, options))
        } else {
            initialise.first_probe()
        };
        initialise
    }

    fn firmware(&self) -> Option<String> {
        let reported = self
            .discovery
            .as_ref()
            .and_then(|reply| reply.firmware.clone());
        reported.or_else(|| self.context.firmware.clone())
    }

    fn serial(&self) -> Option<String> {
        let reported = self.discovery.as_ref().map(|reply| reply.serial.clone());
        reported.or_else(|| self.context.serial.clone())
    }

    fn family(&self) -> FirmwareFamily {
        FirmwareFamily::from_optional(self.firmware().as_deref())
    }

    fn first_probe(&self) -> Stage {
        if self.family().has_http() {
            self.http_probe()
        } else {
            tracing::debug!("firmware has no HTTP server, probing V3 first");
            self.v3_probe()
        }
    }

    fn http_probe(&self) -> Stage {
        let transmit = Transmit::Http {
            to: self.context.http_address,
            target: Request::Status.http().target(),
        };
        Stage::HttpProbe(Exchange::new(STATUS, transmit, self.options.http_probe))
    }

    fn v3_probe(&self) -> Stage {
        let payload = v3::encode_request(self.serial().as_deref(), v3::CMD_STATUS, &v3::NoFields);
        let transmit = Transmit::Udp {
            to: self.context.udp_address,
            payload,
        };
        Stage::V3Probe(Exchange::new(
            v3::CMD_STATUS,
            transmit,
            self.options.v3_probe,
        ))
    }

    fn is_from_device(&self, input: &Input<'_>) -> bool {
        let from = match input {
            Input::HttpResponse { from, .. }
            | Input::HttpFailed { from, .. }
            | Input::Datagram { from, .. } => from,
        };
        from.ip() == self.context.udp_address.ip() || from.ip() == self.context.http_address.ip()
    }

    /// Moves to the next step when the current one has a result.
    fn advance(&mut self) {
        match &mut self.stage {
            Stage::Discover(collector) => {
                let Some(result) = collector.poll_output() else {
                    return;
                };
                match result.ok().and_then(|found| found.into_iter().next()) {
                    Some(device) => {
                        tracing::debug!(serial = %device.reply.serial, "discovery reply received");
                        self.heard_from_device = true;
                        self.discovery = Some(device.reply);
                    }
                    None => tracing::debug!("no discovery reply, probing without it"),
                }
                self.stage = self.first_probe();
            }
            Stage::HttpProbe(exchange) => match exchange.poll_output() {
                None => {}
                Some(Ok(data)) => self.finish_probe(Protocol::Http, STATUS, data),
                Some(Err(error)) if is_silence(&error) => {
                    tracing::debug!(%error, "http probe failed, trying V3");
                    if matches!(error, OperationError::Transport { .. }) {
                        self.http_failure = Some(error);
                    }
                    self.stage = self.v3_probe();
                }
                Some(Err(error)) => self.finish(Err(error)),
            },
            Stage::V3Probe(exchange) => match exchange.poll_output() {
                None => {}
                Some(Ok(data)) => self.finish_probe(Protocol::UdpV3, v3::CMD_STATUS, data),
                Some(Err(error)) if is_silence(&error) && !self.heard_from_device => {
                    self.finish(Err(OperationError::NoDevice {
                        address: self.context.udp_address,
                    }));
                }
                Some(Err(error)) if is_silence(&error) => {
                    // The device answered discovery, so it exists, and most families serve
                    // HTTP: a refused or broken HTTP connection explains more than V3 silence.
                    let http_failure = self.http_failure.take();
                    self.finish(Err(http_failure.unwrap_or(error)));
                }
                Some(Err(error)) => self.finish(Err(error)),
            },
            Stage::Done => {}
        }
    }

    fn finish_probe(&mut self, protocol: Protocol, command: u16, data: Option<Value>) {
        let family = self.family();
        let expected = family.expected_watt_format(protocol == Protocol::UdpV3);
        let parsed =
            status::parse_status_expecting(data.as_ref(), expected, self.context.watt_format);
        let result = parsed
            .map_err(|error| OperationError::InvalidReply { command, error })
            .and_then(|status| {
                DeviceInfo::from_status(&self.context, protocol, status, self.discovery.clone())
            });
        if let Ok(info) = &result {
            tracing::trace!(?protocol, %family, port_count = info.port_count, "device initialised");
        }
        self.finish(result);
    }

    fn finish(&mut self, result: Result<DeviceInfo, OperationError>) {
        self.stage = Stage::Done;
        self.output = Some(result);
    }
}

/// Returns whether a probe received no reply from the device: a timeout, or a transport
/// failure such as the refused connection of firmware without HTTP.
fn is_silence(error: &OperationError) -> bool {
    matches!(
        error,
        OperationError::Timeout { .. } | OperationError::Transport { .. }
    )
}

impl Operation for Initialise {
    type Output = DeviceInfo;

    fn poll_transmit(&mut self, now: Instant) -> Option<Transmit> {
        match &mut self.stage {
            Stage::Discover(collector) => collector.poll_transmit(now),
            Stage::HttpProbe(exchange) | Stage::V3Probe(exchange) => exchange.poll_transmit(now),
            Stage::Done => None,
        }
    }

    fn handle_input(&mut self, now: Instant, input: Input<'_>) {
        if !self.is_from_device(&input) {
            tracing::debug!("ignoring input from another address");
            return;
        }
        match &mut self.stage {
            Stage::Discover(collector) => collector.handle_input(now, input),
            Stage::HttpProbe(exchange) | Stage::V3Probe(exchange) => {
                exchange.handle_input(now, input);
            }
            Stage::Done => return,
        }
        self.advance();
    }

    fn handle_timeout(&mut self, now: Instant) {
        match &mut self.stage {
            Stage::Discover(collector) => collector.handle_timeout(now),
            Stage::HttpProbe(exchange) | Stage::V3Probe(exchange) => exchange.handle_timeout(now),
            Stage::Done => return,
        }
        self.advance();
    }

    fn poll_timeout(&self) -> Option<Instant> {
        match &self.stage {
            Stage::Discover(collector) => collector.poll_timeout(),
            Stage::HttpProbe(exchange) | Stage::V3Probe(exchange) => exchange.poll_timeout(),
            Stage::Done => None,
        }
    }

    fn poll_output(&mut self) -> Option<Result<DeviceInfo, OperationError>> {
        self.output.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::parse_reply;
    use crate::machine::TransportFailure;
    use alloc::vec::Vec;
    use core::net::SocketAddr;

    fn at(millis: u64) -> Instant {
        Instant::from_elapsed(Duration::from_millis(millis))
    }

    fn context() -> DeviceContext {
        DeviceContext::new("127.0.0.20".parse().unwrap())
    }

    fn http() -> SocketAddr {
        "127.0.0.20:80".parse().unwrap()
    }

    fn udp() -> SocketAddr {
        "127.0.0.20:8888".parse().unwrap()
    }

    fn drain(operation: &mut Initialise, now: Instant) -> Vec<Transmit> {
        core::iter::from_fn(|| operation.poll_transmit(now)).collect()
    }

    fn reply(body: &[u8]) -> Option<DiscoveryReply> {
        Some(parse_reply(body).unwrap())
    }

    fn http_response(operation: &mut Initialise, now: Instant, body: &[u8]) {
        operation.handle_input(now, Input::HttpResponse { from: http(), body });
    }

    fn datagram(operation: &mut Initialise, now: Instant, payload: &[u8]) {
        operation.handle_input(
            now,
            Input::Datagram {
                from: udp(),
                payload,
            },
        );
    }

    fn skip_to_timeout(operation: &mut Initialise) -> Instant {
        let deadline = operation.poll_timeout().expect("a pending deadline");
        operation.handle_timeout(deadline);
        deadline
    }

    #[test]
    fn strip_130_with_given_reply_uses_http() {
        let given = reply(fixture!("v1.30/v1.30-strip-discovery-renamed.json"));
        let mut operation = Initialise::new(&context(), given, InitialiseOptions::default());
        let sent = drain(&mut operation, at(0));
        assert_eq!(
            sent,
            [Transmit::Http {
                to: http(),
                target: "/?cmd=511".into()
            }]
        );
        assert_eq!(operation.poll_timeout(), Some(at(1500)));
        http_response(
            &mut operation,
            at(20),
            fixture!("v1.30/v1.30-strip-511.json"),
        );
        let info = operation.poll_output().unwrap().unwrap();
        assert_eq!(info.protocol, Protocol::Http);
        assert_eq!(info.family, FirmwareFamily::V1_30);
        assert_eq!(info.watt_format, WattFormat::Watts);
        assert_eq!(info.port_count, 6);
        assert_eq!(info.names.device.as_deref(), Some("Salon"));
        assert_eq!(info.names.port(4), Some("Congélateur"));
        assert_eq!(info.status.ports[1].watts, Some(15.2));

        let mut target = context();
        info.apply_to(&mut target);
        assert_eq!(target.port_count, Some(6));
        assert_eq!(target.firmware.as_deref(), Some("1.30"));
        assert_eq!(target.protocol, Protocol::Http);
        assert!(target.serial.is_some());
        assert_eq!(target.watt_format, None);
    }

    #[test]
    fn unicast_discovery_without_given_reply() {
        let mut operation = Initialise::new(&context(), None, InitialiseOptions::default());
        let sent = drain(&mut operation, at(0));
        assert_eq!(
            sent,
            [Transmit::Udp {
                to: udp(),
                payload: b"00dv=all;".to_vec()
            }]
        );

        let stranger: SocketAddr = "127.0.0.21:8888".parse().unwrap();
        operation.handle_input(
            at(5),
            Input::Datagram {
                from: stranger,
                payload: fixture!("v1.30/v1.30-plug-discovery.json"),
            },
        );
        assert!(drain(&mut operation, at(5)).is_empty());

        datagram(
            &mut operation,
            at(10),
            fixture!("v1.30/v1.30-plug-discovery.json"),
        );
        assert_eq!(drain(&mut operation, at(10)).len(), 1);

        http_response(
            &mut operation,
            at(30),
            fixture!("v1.30/v1.30-plug-511.json"),
        );
        let info = operation.poll_output().unwrap().unwrap();
        assert_eq!(info.port_count, 1);
        assert_eq!(info.serial.as_deref(), Some("SWP1000000000001"));
        assert_eq!(info.names.ports, [None]);
        assert_eq!(info.names.device.as_deref(), Some("Chambre"));
        assert_eq!(info.status.ports[0].watts, Some(35.4));
    }

    #[test]
    fn silent_discovery_still_probes_http() {
        let mut operation = Initialise::new(&context(), None, InitialiseOptions::default());
        let _ = drain(&mut operation, at(0));
        let second_round = skip_to_timeout(&mut operation);
        assert_eq!(drain(&mut operation, second_round).len(), 1);
        let window_end = skip_to_timeout(&mut operation);
        assert_eq!(window_end, at(1500));
        let probe = drain(&mut operation, window_end);
        assert!(matches!(probe[..], [Transmit::Http { .. }]));
        http_response(
            &mut operation,
            at(1600),
            fixture!("v2.11/v2.11-strip-511.json"),
        );
        let info = operation.poll_output().unwrap().unwrap();
        assert_eq!(info.family, FirmwareFamily::Unknown);
        assert_eq!(info.watt_format, WattFormat::Milliwatts);
        assert_eq!(info.status.ports[4].watts, Some(122.5));
        assert_eq!(info.discovery, None);
        assert_eq!(info.names.ports.len(), 6);
    }

    #[test]
    fn udp_only_firmware_skips_http() {
        let given = reply(fixture!("v5.11/v5.11-strip-discovery.json"));
        let mut operation = Initialise::new(&context(), given, InitialiseOptions::default());
        let sent = drain(&mut operation, at(0));
        assert_eq!(
            sent,
            [Transmit::Udp {
                to: udp(),
                payload: br#"V3{"sn":"SWW6000000000004","cmd":90}"#.to_vec()
            }]
        );
        datagram(
            &mut operation,
            at(8),
            fixture!("v5.11/v5.11-strip-v3-90.txt"),
        );
        let info = operation.poll_output().unwrap().unwrap();
        assert_eq!(info.protocol, Protocol::UdpV3);
        assert_eq!(info.watt_format, WattFormat::Milliwatts);
        assert_eq!(info.status.ports[1].watts, Some(60.35));
    }

    #[test]
    fn refused_http_falls_back_to_v3_plug() {
        let options = InitialiseOptions {
            discover: false,
            ..InitialiseOptions::default()
        };
        let mut operation = Initialise::new(&context(), None, options);
        let _ = drain(&mut operation, at(0));
        operation.handle_input(
            at(2),
            Input::HttpFailed {
                from: http(),
                failure: TransportFailure::ConnectionRefused,
            },
        );
        let sent = drain(&mut operation, at(2));
        assert_eq!(
            sent,
            [Transmit::Udp {
                to: udp(),
                payload: br#"V3{"cmd":90}"#.to_vec()
            }]
        );
        datagram(
            &mut operation,
            at(9),
            fixture!("other/maxsmart2-plug-v3-90.txt"),
        );
        let info = operation.poll_output().unwrap().unwrap();
        assert_eq!(info.protocol, Protocol::UdpV3);
        assert_eq!(info.port_count, 1);
        assert_eq!(info.status.ports[0].amps, Some(0.154));
    }

    #[test]
    fn late_http_reply_after_fallback_is_ignored() {
        let given = reply(fixture!("v2.11/v2.11-strip-discovery.json"));
        let mut operation = Initialise::new(&context(), given, InitialiseOptions::default());
        let _ = drain(&mut operation, at(0));
        let timed_out = skip_to_timeout(&mut operation);
        assert!(matches!(
            drain(&mut operation, timed_out)[..],
            [Transmit::Udp { .. }]
        ));
        http_response(
            &mut operation,
            at(1600),
            fixture!("v2.11/v2.11-strip-511.json"),
        );
        assert!(operation.poll_output().is_none());
        datagram(
            &mut operation,
            at(1700),
            fixture!("other/vendor-v3-90-no-prefix.txt"),
        );
        let info = operation.poll_output().unwrap().unwrap();
        assert_eq!(info.protocol, Protocol::UdpV3);
        assert_eq!(info.status.ports[2].watts, Some(4.1));
    }

    #[test]
    fn total_silence_is_no_device() {
        let options = InitialiseOptions {
            discover: false,
            ..InitialiseOptions::default()
        };
        let mut operation = Initialise::new(&context(), None, options);
        let mut now = at(0);
        let mut sent = 0;
        for _ in 0..10 {
            sent += drain(&mut operation, now).len();
            if let Some(result) = operation.poll_output() {
                assert_eq!(result, Err(OperationError::NoDevice { address: udp() }));
                assert_eq!(sent, 3, "one HTTP probe and two V3 attempts");
                return;
            }
            now = skip_to_timeout(&mut operation);
        }
        panic!("initialisation did not end");
    }

    #[test]
    fn silent_probes_after_discovery_report_the_timeout() {
        let given = reply(fixture!("v1.30/v1.30-strip-discovery.json"));
        let mut operation = Initialise::new(&context(), given, InitialiseOptions::default());
        let mut now = at(0);
        for _ in 0..10 {
            let _ = drain(&mut operation, now);
            if let Some(result) = operation.poll_output() {
                assert_eq!(
                    result,
                    Err(OperationError::Timeout {
                        command: 90,
                        attempts: 2
                    })
                );
                return;
            }
            now = skip_to_timeout(&mut operation);
        }
        panic!("initialisation did not end");
    }

    #[test]
    fn refused_http_and_silent_v3_report_http() {
        let given = reply(fixture!("v1.30/v1.30-strip-discovery.json"));
        let mut operation = Initialise::new(&context(), given, InitialiseOptions::default());
        let _ = drain(&mut operation, at(0));
        operation.handle_input(
            at(2),
            Input::HttpFailed {
                from: http(),
                failure: TransportFailure::ConnectionRefused,
            },
        );
        let mut now = at(2);
        for _ in 0..10 {
            let _ = drain(&mut operation, now);
            if let Some(result) = operation.poll_output() {
                assert_eq!(
                    result,
                    Err(OperationError::Transport {
                        command: STATUS,
                        attempts: 1,
                        failure: TransportFailure::ConnectionRefused
                    })
                );
                return;
            }
            now = skip_to_timeout(&mut operation);
        }
        panic!("initialisation did not end");
    }

    #[test]
    fn http_code_400_ends_without_v3() {
        let given = reply(fixture!("v1.30/v1.30-strip-discovery.json"));
        let mut operation = Initialise::new(&context(), given, InitialiseOptions::default());
        let _ = drain(&mut operation, at(0));
        http_response(&mut operation, at(3), br#"{"response":511,"code":400}"#);
        assert!(matches!(
            operation.poll_output(),
            Some(Err(OperationError::Device(_)))
        ));
        assert!(drain(&mut operation, at(4)).is_empty());
        assert_eq!(operation.poll_timeout(), None);
    }

    #[test]
    fn empty_or_missing_switch_is_an_invalid_reply() {
        for body in [
            &br#"{"response":511,"code":200,"data":{"watt":[],"switch":[]}}"#[..],
            &br#"{"response":511,"code":200,"data":{"watt":["1.00"]}}"#[..],
            &br#"{"response":511,"code":200}"#[..],
        ] {
            let given = reply(fixture!("v1.30/v1.30-strip-discovery.json"));
            let mut operation = Initialise::new(&context(), given, InitialiseOptions::default());
            let _ = drain(&mut operation, at(0));
            http_response(&mut operation, at(3), body);
            assert!(
                matches!(
                    operation.poll_output(),
                    Some(Err(OperationError::InvalidReply { command: 511, .. }))
                ),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    fn plug_status(switch: &str) -> Status {
        let body = alloc::format!(
            r#"{{"response":511,"code":200,"data":{{"watt":["1.00"],"switch":{switch}}}}}"#
        );
        let data = crate::http::parse_reply(body.as_bytes(), 511).unwrap();
        status::parse_status(data.as_ref(), None).unwrap()
    }

    #[test]
    fn status_without_ports_is_rejected() {
        let error = DeviceInfo::from_status(&context(), Protocol::UdpV3, plug_status("[]"), None)
            .unwrap_err();
        let OperationError::InvalidReply { command, error } = error else {
            panic!("expected an invalid reply, got {error:?}");
        };
        assert_eq!(command, 90);
        assert!(matches!(
            error,
            ParseError::InvalidValue {
                field: "data.switch",
                ..
            }
        ));
    }

    #[test]
    fn info_from_status_takes_names_from_discovery() {
        let given = reply(fixture!("v1.30/v1.30-plug-discovery.json")).unwrap();
        let mut context = context();
        context.serial = Some("SWP1000000000099".into());
        let info = DeviceInfo::from_status(
            &context,
            Protocol::Http,
            plug_status("[1]"),
            Some(given.clone()),
        )
        .unwrap();
        assert_eq!(info.port_count, 1);
        assert_eq!(info.serial.as_deref(), Some("SWP1000000000001"));
        assert_eq!(info.names.device.as_deref(), Some("Chambre"));
        assert_eq!(info.mac, given.mac);
        assert_eq!(info.firmware.as_deref(), Some("1.30"));
        assert_eq!(info.family, FirmwareFamily::V1_30);
        assert_eq!(info.discovery, Some(given));
    }

    #[test]
    fn info_from_status_without_discovery_keeps_context() {
        let mut context = context();
        context.serial = Some("SWP1000000000099".into());
        context.firmware = Some("2.11".into());
        let info =
            DeviceInfo::from_status(&context, Protocol::Http, plug_status("[0]"), None).unwrap();
        assert_eq!(info.serial.as_deref(), Some("SWP1000000000099"));
        assert_eq!(info.firmware.as_deref(), Some("2.11"));
        assert_eq!(info.names.device, None);
        assert_eq!(info.names.ports, [None]);
        assert_eq!(info.mac, None);
        assert_eq!(info.discovery, None);
    }
}
