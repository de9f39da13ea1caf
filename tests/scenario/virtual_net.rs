//! An in-memory network that connects protocol state machines to simulated device models
//! under a virtual clock.
//!
//! Time jumps straight to the next event (a delivery or a machine's deadline), so retries,
//! timeouts and polling intervals of many seconds run in microseconds. Latency, duplicate and
//! late datagrams, and refused connections are applied here; datagram loss and reply faults
//! are applied by the device model from its [`Faults`].

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use jiff::Timestamp;
use maxsmart_proto::machine::{Input, Operation, Transmit, TransportFailure};
use maxsmart_proto::{Instant, OperationError};
use maxsmart_sim::{DeviceModel, Faults, Profile};

/// A device attached to the virtual network.
pub struct VirtualDevice {
    /// The device's state and replies.
    pub model: DeviceModel,
    /// Its faults.
    pub faults: Faults,
    /// Where it serves HTTP.
    pub http: SocketAddr,
    /// Where it receives datagrams.
    pub udp: SocketAddr,
}

/// Something in transit, delivered to the machine at a virtual instant.
#[derive(Debug, Clone)]
enum Delivery {
    Http(SocketAddr, Vec<u8>),
    HttpFailed(SocketAddr, TransportFailure),
    Datagram(SocketAddr, Vec<u8>),
}

/// The virtual network and its clock.
pub struct VirtualNet {
    /// The attached devices.
    pub devices: Vec<VirtualDevice>,
    /// The current virtual instant.
    pub now: Instant,
    /// Wall-clock time of the virtual origin, given to the device models.
    origin: Timestamp,
    /// Deliveries in flight, keyed by arrival instant and sequence number.
    in_flight: BTreeMap<(Instant, u64), Delivery>,
    sequence: u64,
    /// Every transmit the machines sent, in order.
    pub sent: Vec<Transmit>,
    send_times: Vec<Instant>,
}

impl VirtualNet {
    /// Creates an empty network whose clock starts at zero.
    pub fn new() -> Self {
        VirtualNet {
            devices: Vec::new(),
            now: Instant::ZERO,
            origin: Timestamp::from_second(1_700_000_000).expect("fixed instant is valid"),
            in_flight: BTreeMap::new(),
            sequence: 0,
            sent: Vec::new(),
            send_times: Vec::new(),
        }
    }

    /// Attaches a device of `profile` at `127.0.0.<host>` on ports 80 and 8888.
    pub fn add(&mut self, profile: Profile, host: u8, faults: Faults) -> usize {
        let ip = std::net::IpAddr::from([127, 0, 0, host]);
        let serial = format!("{}{:012}", &profile.default_serial()[..4], host);
        let model = DeviceModel::new(profile, &serial, u64::from(host), self.origin);
        self.devices.push(VirtualDevice {
            model,
            faults,
            http: SocketAddr::new(ip, 80),
            udp: SocketAddr::new(ip, 8888),
        });
        self.devices.len() - 1
    }

    /// Returns the wall-clock time the device models see now.
    pub fn wall_clock(&self) -> Timestamp {
        let elapsed = jiff::SignedDuration::try_from(self.now.elapsed()).expect("test spans fit");
        self.origin.checked_add(elapsed).expect("test spans fit")
    }

    /// Runs `operation` until it yields its output, advancing the virtual clock.
    pub fn run<O: Operation>(&mut self, mut operation: O) -> Result<O::Output, OperationError> {
        loop {
            self.transmit_all(&mut operation);
            if let Some(output) = operation.poll_output() {
                return output;
            }
            self.step(&mut operation);
        }
    }

    /// Sends every pending transmit of `operation` into the network.
    pub fn transmit_all<O: Operation>(&mut self, operation: &mut O) {
        while let Some(transmit) = operation.poll_transmit(self.now) {
            self.sent.push(transmit.clone());
            self.send_times.push(self.now);
            self.deliver_to_device(transmit);
        }
    }

    /// Returns the instant of the next delivery or deadline, whichever comes first.
    pub fn next_event<O: Operation>(&self, operation: &O) -> Option<Instant> {
        let delivery = self.in_flight.keys().next().map(|(at, _)| *at);
        match (delivery, operation.poll_timeout()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Returns the instants at which `operation` sent each UDP datagram or HTTP request so far,
    /// as recorded by [`VirtualNet::transmit_all`].
    pub fn send_times(&self) -> &[Instant] {
        &self.send_times
    }

    /// Moves the clock to the next event and feeds it to `operation`.
    ///
    /// Panics when the machine has no deadline and nothing is in flight, which would leave a
    /// real driver waiting forever.
    pub fn step<O: Operation>(&mut self, operation: &mut O) {
        let next_delivery = self.in_flight.keys().next().copied();
        let deadline = operation.poll_timeout();
        let delivery_first = match (next_delivery, deadline) {
            (Some((at, _)), Some(deadline)) => at <= deadline,
            (Some(_), None) => true,
            (None, _) => false,
        };
        match (next_delivery, deadline) {
            (Some((at, sequence)), _) if delivery_first => {
                let delivery = self.in_flight.remove(&(at, sequence)).expect("key exists");
                self.now = self.now.max(at);
                let now = self.now;
                match &delivery {
                    Delivery::Http(from, body) => {
                        operation.handle_input(now, Input::HttpResponse { from: *from, body })
                    }
                    Delivery::HttpFailed(from, failure) => operation.handle_input(
                        now,
                        Input::HttpFailed {
                            from: *from,
                            failure: *failure,
                        },
                    ),
                    Delivery::Datagram(from, payload) => operation.handle_input(
                        now,
                        Input::Datagram {
                            from: *from,
                            payload,
                        },
                    ),
                }
            }
            (_, Some(deadline)) => {
                self.now = self.now.max(deadline);
                operation.handle_timeout(self.now);
            }
            _ => panic!("operation stalled: no deadline and nothing in flight"),
        }
    }

    fn schedule(&mut self, delay: Duration, delivery: Delivery) {
        self.sequence += 1;
        self.in_flight
            .insert((self.now + delay, self.sequence), delivery);
    }

    fn deliver_to_device(&mut self, transmit: Transmit) {
        let wall = self.wall_clock();
        match transmit {
            Transmit::Http { to, target } => {
                let Some(device) = self.devices.iter_mut().find(|d| d.http == to) else {
                    self.schedule(
                        Duration::ZERO,
                        Delivery::HttpFailed(to, TransportFailure::ConnectionRefused),
                    );
                    return;
                };
                if !device.model.profile().has_http() || device.faults.refuse_connections {
                    self.schedule(
                        Duration::ZERO,
                        Delivery::HttpFailed(to, TransportFailure::ConnectionRefused),
                    );
                    return;
                }
                let latency = device.faults.latency;
                let outcome = device.model.handle_http(wall, &target, &device.faults);
                if let Some(reply) = outcome.reply {
                    self.schedule(latency, Delivery::Http(to, reply.into_bytes()));
                }
            }
            Transmit::Udp { to, payload } => {
                let broadcast = to.ip() == std::net::IpAddr::from([255, 255, 255, 255]);
                let mut replies = Vec::new();
                for device in self.devices.iter_mut().filter(|d| broadcast || d.udp == to) {
                    let outcome = device.model.handle_datagram(wall, &payload, &device.faults);
                    let Some(reply) = outcome.reply else { continue };
                    let delay =
                        device.faults.latency + device.faults.late_datagrams.unwrap_or_default();
                    let copies = if device.faults.duplicate_datagrams {
                        2
                    } else {
                        1
                    };
                    for _ in 0..copies {
                        replies.push((
                            delay,
                            Delivery::Datagram(device.udp, reply.clone().into_bytes()),
                        ));
                    }
                }
                for (delay, delivery) in replies {
                    self.schedule(delay, delivery);
                }
            }
        }
    }
}
