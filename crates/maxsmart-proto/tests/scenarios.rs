//! Scenario tests: every state machine driven by one generic loop against a fake device,
//! under a virtual clock, with no sockets.

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use maxsmart_proto::command::Request;
use maxsmart_proto::discovery::UDP_PORT;
use maxsmart_proto::http::HTTP_PORT;
use maxsmart_proto::machine::{
    DeviceContext, DiscoveryCollector, DiscoveryOptions, Initialise, InitialiseOptions, Input,
    Operation, PollConfig, PollEvent, Poller, Protocol, Transmit, TransportFailure,
};
use maxsmart_proto::names::NameTarget;
use maxsmart_proto::port::PortSelector;
use maxsmart_proto::stats::StatisticsKind;
use maxsmart_proto::status::WattFormat;
use maxsmart_proto::{Instant, OperationError, http, v3};

/// Something the fake network delivers to the machine.
#[derive(Debug, Clone)]
enum Delivery {
    Http(Vec<u8>),
    Refused,
    Datagram(Vec<u8>),
}

/// A device built from the crate's own request decoders and the fixtures' reply shapes.
struct FakeDevice {
    ip: IpAddr,
    serial: &'static str,
    firmware: &'static str,
    speaks_http: bool,
    integer_watts: bool,
    switches: Vec<bool>,
    /// Requests to drop before replying, to simulate silence.
    drop_next: u32,
    /// Whether every reply is sent twice, the second copy 50 ms later.
    duplicate: bool,
    received: u32,
}

impl FakeDevice {
    fn strip_130() -> Self {
        FakeDevice {
            ip: [127, 0, 0, 50].into(),
            serial: "SWP6000000000001",
            firmware: "1.30",
            speaks_http: true,
            integer_watts: false,
            switches: vec![false; 6],
            drop_next: 0,
            duplicate: false,
            received: 0,
        }
    }

    fn plug_130() -> Self {
        FakeDevice {
            serial: "SWP1000000000001",
            switches: vec![false],
            ..FakeDevice::strip_130()
        }
    }

    fn strip_511() -> Self {
        FakeDevice {
            serial: "SWW6000000000004",
            firmware: "5.11",
            speaks_http: false,
            integer_watts: true,
            ..FakeDevice::strip_130()
        }
    }

    fn status_data(&self) -> String {
        let switch: Vec<String> = self
            .switches
            .iter()
            .map(|on| u8::from(*on).to_string())
            .collect();
        let watt: Vec<String> = self
            .switches
            .iter()
            .map(|on| match (self.integer_watts, on) {
                (true, true) => "15200".into(),
                (true, false) => "0".into(),
                (false, true) => "\"15.20\"".into(),
                (false, false) => "\"0.00\"".into(),
            })
            .collect();
        format!(
            r#"{{"watt":[{}],"switch":[{}]}}"#,
            watt.join(","),
            switch.join(",")
        )
    }

    fn answer(&mut self, request: &Request, response: u16) -> String {
        match request {
            Request::Status => {
                format!(
                    r#"{{"response":{response},"code":200,"data":{}}}"#,
                    self.status_data()
                )
            }
            Request::Switch { port, on } => {
                match port {
                    PortSelector::All => self.switches.iter_mut().for_each(|state| *state = *on),
                    PortSelector::One(port) => self.switches[usize::from(*port) - 1] = *on,
                }
                format!(r#"{{"response":{response},"code":200}}"#)
            }
            _ => format!(r#"{{"response":{response},"code":200}}"#),
        }
    }

    fn discovery_reply(&self) -> Vec<u8> {
        format!(
            r#"{{"response":0,"data":{{"sn":"{}","name":"Desk","ver":"{}","mac":"02:00:00:00:00:50"}}}}"#,
            self.serial, self.firmware
        )
        .into_bytes()
    }

    /// Returns the deliveries a transmit causes, each with its delay.
    fn receive(&mut self, transmit: &Transmit) -> Vec<(Duration, SocketAddr, Delivery)> {
        self.received += 1;
        let (to, delivery) = match transmit {
            Transmit::Http { to, target } => {
                if !self.speaks_http {
                    return vec![(Duration::from_millis(1), *to, Delivery::Refused)];
                }
                let request = http::parse_target(target).unwrap();
                let typed = Request::from_http(&request).unwrap();
                let body = self.answer(&typed, request.command);
                (*to, Delivery::Http(body.into_bytes()))
            }
            Transmit::Udp { to, payload } if payload.starts_with(b"00") => {
                (*to, Delivery::Datagram(self.discovery_reply()))
            }
            Transmit::Udp { to, payload } => {
                let request = v3::parse_request(payload).unwrap();
                let typed = Request::from_v3(&request).unwrap();
                let body = self.answer(&typed, request.command);
                (*to, Delivery::Datagram(format!("V3{body}").into_bytes()))
            }
        };
        if to.ip() != self.ip && !to.ip().is_unspecified() {
            return Vec::new();
        }
        if self.drop_next > 0 {
            self.drop_next -= 1;
            return Vec::new();
        }
        let from = match delivery {
            Delivery::Http(_) | Delivery::Refused => SocketAddr::new(self.ip, HTTP_PORT),
            Delivery::Datagram(_) => SocketAddr::new(self.ip, UDP_PORT),
        };
        let mut out = vec![(Duration::from_millis(20), from, delivery.clone())];
        if self.duplicate {
            out.push((Duration::from_millis(70), from, delivery));
        }
        out
    }
}

/// A virtual network and clock that drive any operation with the one runtime loop.
struct Network {
    now: Instant,
    pending: VecDeque<(Instant, SocketAddr, Delivery)>,
}

impl Network {
    fn new() -> Self {
        Network {
            now: Instant::ZERO,
            pending: VecDeque::new(),
        }
    }

    /// Runs one turn: sends, then delivers the next input or fires the next timeout.
    /// Returns false when nothing is pending and the operation has no deadline.
    fn turn<O: Operation>(&mut self, operation: &mut O, device: &mut FakeDevice) -> bool {
        while let Some(transmit) = operation.poll_transmit(self.now) {
            for (delay, from, delivery) in device.receive(&transmit) {
                self.pending.push_back((self.now + delay, from, delivery));
            }
        }
        self.pending
            .make_contiguous()
            .sort_by_key(|(when, _, _)| *when);
        let next_delivery = self.pending.front().map(|(when, _, _)| *when);
        let deadline = operation.poll_timeout();
        match (next_delivery, deadline) {
            (Some(delivery), deadline) if deadline.is_none_or(|deadline| delivery <= deadline) => {
                let (when, from, delivery) = self.pending.pop_front().unwrap();
                self.now = self.now.max(when);
                let input = match &delivery {
                    Delivery::Http(body) => Input::HttpResponse { from, body },
                    Delivery::Refused => Input::HttpFailed {
                        from,
                        failure: TransportFailure::ConnectionRefused,
                    },
                    Delivery::Datagram(payload) => Input::Datagram { from, payload },
                };
                operation.handle_input(self.now, input);
                true
            }
            (_, Some(deadline)) => {
                self.now = self.now.max(deadline);
                operation.handle_timeout(self.now);
                true
            }
            (_, None) => false,
        }
    }

    fn run<O: Operation>(
        &mut self,
        operation: &mut O,
        device: &mut FakeDevice,
    ) -> Result<O::Output, OperationError> {
        for _ in 0..1000 {
            if let Some(result) = operation.poll_output() {
                return result;
            }
            assert!(
                self.turn(operation, device),
                "operation stalled without output"
            );
        }
        panic!("operation did not finish in 1000 turns");
    }
}

fn initialised(device: &mut FakeDevice, network: &mut Network) -> DeviceContext {
    let mut context = DeviceContext::new(device.ip);
    let mut initialise = Initialise::new(&context, None, InitialiseOptions::default());
    let info = network.run(&mut initialise, device).unwrap();
    info.apply_to(&mut context);
    context
}

#[test]
fn discovery_initialise_switch_and_poll_a_strip() {
    let mut device = FakeDevice::strip_130();
    let mut network = Network::new();

    let target = SocketAddr::new(device.ip, UDP_PORT);
    let mut collector = DiscoveryCollector::new(vec![target], DiscoveryOptions::default());
    let found = network.run(&mut collector, &mut device).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].reply.serial, "SWP6000000000001");

    let context = DeviceContext::from_discovery(&found[0]);
    let mut initialise = Initialise::new(
        &context,
        Some(found[0].reply.clone()),
        InitialiseOptions::default(),
    );
    let info = network.run(&mut initialise, &mut device).unwrap();
    assert_eq!(info.protocol, Protocol::Http);
    assert_eq!(info.port_count, 6);
    assert_eq!(info.watt_format, WattFormat::Watts);
    let mut context = context;
    info.apply_to(&mut context);

    let mut poller = Poller::new(&context, PollConfig::default(), network.now);
    poller.set_baseline(info.status.clone());
    let mut switch = context.switch(PortSelector::One(3), true).unwrap();
    let status = network.run(&mut switch, &mut device).unwrap();
    assert!(status.port(3).unwrap().on);
    assert_eq!(status.port(3).unwrap().watts, Some(15.2));
    poller.command_sent(network.now);

    let start = network.now;
    let mut events = Vec::new();
    while network.now < start + Duration::from_secs(12) {
        assert!(network.turn(&mut poller, &mut device));
        events.extend(std::iter::from_fn(|| poller.poll_event()));
    }
    assert_eq!(events[0], PollEvent::PortSwitched { port: 3, on: true });
    assert!(matches!(
        events[1],
        PollEvent::PowerChanged { port: 3, watts, .. } if watts == 15.2
    ));
    let polls = events
        .iter()
        .filter(|event| matches!(event, PollEvent::Polled { .. }))
        .count();
    assert_eq!(polls, 5, "four burst polls 2 s apart, then one after 5 s");
}

#[test]
fn udp_only_strip_switches_over_v3_despite_duplicates() {
    let mut device = FakeDevice::strip_511();
    device.duplicate = true;
    let mut network = Network::new();
    let context = initialised(&mut device, &mut network);
    assert_eq!(context.protocol, Protocol::UdpV3);
    assert_eq!(context.serial.as_deref(), Some("SWW6000000000004"));

    let mut switch = context.switch(PortSelector::All, true).unwrap();
    let status = network.run(&mut switch, &mut device).unwrap();
    assert!(status.ports.iter().all(|port| port.on));
    assert_eq!(status.watt_format, WattFormat::Milliwatts);
    assert_eq!(status.ports[5].watts, Some(15.2));

    let refused = context.read_statistics(StatisticsKind::Daily).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "statistics over UDP V3 is not supported by firmware 5.11"
    );
}

#[test]
fn http_switch_survives_duplicate_acknowledgements() {
    let mut device = FakeDevice::plug_130();
    let mut network = Network::new();
    let context = initialised(&mut device, &mut network);
    assert_eq!(context.port_count, Some(1));
    device.duplicate = true;
    let mut switch = context.switch(PortSelector::One(1), true).unwrap();
    let status = network.run(&mut switch, &mut device).unwrap();
    assert!(status.port(1).unwrap().on);
    assert!(context.switch(PortSelector::One(2), true).is_err());
}

#[test]
fn silent_device_is_retried_with_backoff() {
    let mut device = FakeDevice::strip_130();
    let mut network = Network::new();
    let context = initialised(&mut device, &mut network);
    device.drop_next = 2;
    let before = device.received;
    let started = network.now;
    let mut query = context.read_status();
    let status = network.run(&mut query, &mut device).unwrap();
    assert_eq!(status.port_count(), 6);
    assert_eq!(device.received - before, 3);
    let elapsed = network.now - started;
    assert_eq!(
        elapsed,
        Duration::from_millis(5000 + 500 + 5000 + 1000 + 20),
        "two 5 s timeouts, pauses of 0.5 s and 1 s, then a 20 ms reply"
    );
}

#[test]
fn rename_on_211_is_refused_before_sending() {
    let mut device = FakeDevice {
        firmware: "2.11",
        integer_watts: true,
        ..FakeDevice::strip_130()
    };
    let mut network = Network::new();
    let context = initialised(&mut device, &mut network);
    let before = device.received;
    let error = context.rename(NameTarget::Port(1), "TV").unwrap_err();
    assert_eq!(
        error.to_string(),
        "rename is not supported by firmware 2.11"
    );
    assert_eq!(device.received, before);
    let mut query = context.read_status();
    let status = network.run(&mut query, &mut device).unwrap();
    assert_eq!(status.watt_format, WattFormat::Milliwatts);
}

#[test]
fn one_loop_drives_a_thousand_pollers() {
    let body = br#"{"response":511,"code":200,"data":{"watt":["1.00"],"switch":[1]}}"#;
    let mut pollers: Vec<Poller> = (0..1000u32)
        .map(|index| {
            let ip = IpAddr::from([127, 1, (index / 250) as u8, (index % 250) as u8 + 1]);
            let start = Instant::from_elapsed(Duration::from_millis(u64::from(index)));
            Poller::new(&DeviceContext::new(ip), PollConfig::default(), start)
        })
        .collect();
    let mut polls = 0;
    let mut now = Instant::ZERO;
    let end = Instant::from_elapsed(Duration::from_secs(60));
    while now < end {
        for poller in &mut pollers {
            poller.handle_timeout(now);
            while let Some(Transmit::Http { to, .. }) = poller.poll_transmit(now) {
                poller.handle_input(now, Input::HttpResponse { from: to, body });
                polls += 1;
            }
            while poller.poll_event().is_some() {}
        }
        now = pollers
            .iter()
            .filter_map(|poller| poller.poll_timeout())
            .min()
            .unwrap();
    }
    assert_eq!(polls, 1000 * 12, "each poller polls at 0, 5, ..., 55 s");
}
