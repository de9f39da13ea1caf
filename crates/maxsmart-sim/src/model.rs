//! Device model: the state of one simulated device and its replies, without sockets or clocks.
//!
//! The model is sans-IO. Callers feed it a request and the current time and get back the reply
//! bytes (or nothing) plus what to log. Time only moves when the caller passes a later
//! [`Timestamp`], so tests can jump hours ahead in microseconds.

mod args;
mod clock;
mod config;
mod discovery;
mod http;
mod json;
mod ports;
mod request;
mod schedule;
mod stats;
mod switch;
mod v3;

use jiff::civil::DateTime;
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use crate::fault::Faults;
use crate::identity::Identity;
use crate::log::{RequestKind, RequestResult};
use crate::profile::Profile;
use crate::rng::Rng;
use clock::DeviceClock;
use ports::Port;
use schedule::Schedule;
use stats::Statistics;
use switch::SwitchLag;

pub use http::MAX_NAME_CHARS;

/// Maximum span of simulated time processed by one `advance`. After a longer gap, such as a
/// clock set years ahead, only the last 400 days are credited with energy, which covers the
/// 12-month statistics window.
const MAX_CATCH_UP: SignedDuration = SignedDuration::from_hours(400 * 24);

/// Result of handling one request: the reply to send and the facts to log.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Kind of request, as decoded.
    pub kind: RequestKind,
    /// Command number, when the request has one.
    pub cmd: Option<u16>,
    /// Decoded JSON arguments, or `Value::Null`.
    pub args: Value,
    /// Reply payload, or `None` when the device stays silent.
    pub reply: Option<String>,
    /// Handling result: reply sent, silence, drop or decoding failure.
    pub result: RequestResult,
}

/// Error returned by the state accessors of [`DeviceModel`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The port number is outside `1..=ports`.
    #[error("port {port} is out of range for a {ports}-port device")]
    PortOutOfRange {
        /// The rejected port number (1-based).
        port: usize,
        /// The device's port count.
        ports: usize,
    },
}

/// State and behaviour of one simulated device.
///
/// Every method that depends on time takes `now`, the current instant. The model advances its
/// device clock, timers, rules and energy statistics to `now` before it does anything else, so
/// `now` must not go backwards between calls (an earlier `now` is treated as no time passing).
#[derive(Debug, Clone)]
pub struct DeviceModel {
    profile: Profile,
    identity: Identity,
    device_name: String,
    ports: Vec<Port>,
    clock: DeviceClock,
    /// Device time up to which energy and scheduled events have been processed.
    cursor: DateTime,
    /// Latest `now` passed in, so that an earlier `now` cannot rewind the model.
    latest: Timestamp,
    stats: Statistics,
    schedule: Schedule,
    /// Energy price per kWh as set by command 205, a decimal string.
    cost: String,
    /// Currency code as set by command 205.
    money: u8,
    noise: Rng,
    fault_rng: Rng,
    datagrams_received: u64,
    /// Switch states that status reads report instead of the real ones, set by the
    /// `switch-lag` fault after a switch command.
    switch_lag: Option<SwitchLag>,
}

impl DeviceModel {
    /// Creates a device of `profile` with `serial`, in factory state at `now`.
    ///
    /// `seed` fixes the port loads, the reading noise and the fault sampling. The device clock
    /// starts at the UTC time of `now` until a dated discovery request sets it.
    pub fn new(profile: Profile, serial: &str, seed: u64, now: Timestamp) -> Self {
        let mut noise = Rng::new(seed);
        let ports = ports::default_ports(profile.port_count(), &mut noise);
        let clock = DeviceClock::utc(now);
        let cursor = clock.read(now);
        DeviceModel {
            profile,
            identity: Identity::new(profile, serial),
            device_name: profile.default_device_name(serial),
            schedule: Schedule::new(ports.len()),
            ports,
            clock,
            cursor,
            latest: now,
            stats: Statistics::default(),
            cost: DEFAULT_COST.to_owned(),
            money: 0,
            noise,
            fault_rng: Rng::new(seed ^ 0x5EED_FA17),
            datagrams_received: 0,
            switch_lag: None,
        }
    }

    /// Returns the firmware profile.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// Returns the serial number.
    pub fn serial(&self) -> &str {
        &self.identity.serial
    }

    /// Returns the number of ports.
    pub fn port_count(&self) -> usize {
        self.ports.len()
    }

    /// Returns the device name (discovery `name`).
    pub fn device_name(&self) -> &str {
        &self.device_name
    }

    /// Returns the port names, port 1 first.
    pub fn port_names(&self) -> Vec<String> {
        self.ports.iter().map(|port| port.name.clone()).collect()
    }

    /// Sets the device name (discovery `name`) as it is, without the checks of command 201,
    /// so tests can give the device any text.
    pub fn set_device_name(&mut self, name: &str) {
        name.clone_into(&mut self.device_name);
    }

    /// Sets the name of port `port` (1-based, discovery `pname`) as it is, without the checks
    /// of command 201, so tests can give the device any text.
    ///
    /// # Errors
    ///
    /// Returns [`StateError::PortOutOfRange`] when `port` is not in `1..=port_count()`.
    pub fn set_port_name(&mut self, port: usize, name: &str) -> Result<(), StateError> {
        self.check_port(port)?;
        if let Some(state) = self.ports.get_mut(port - 1) {
            name.clone_into(&mut state.name);
        }
        Ok(())
    }

    /// Returns the real switch state of every port, port 1 first. The `switch-lag` fault can
    /// make status replies report other states for a while.
    pub fn switch_states(&self) -> Vec<bool> {
        self.ports.iter().map(|port| port.on).collect()
    }

    /// Returns the power each port draws while on, in watts, port 1 first.
    pub fn loads(&self) -> Vec<f64> {
        self.ports.iter().map(|port| port.load_watts).collect()
    }

    /// Switches port `port` (1-based) on or off at `now`, as a button press on the device would.
    ///
    /// # Errors
    ///
    /// Returns [`StateError::PortOutOfRange`] when `port` is not in `1..=port_count()`.
    pub fn set_switch(&mut self, now: Timestamp, port: usize, on: bool) -> Result<(), StateError> {
        self.check_port(port)?;
        self.advance(now);
        self.switch(port, on);
        Ok(())
    }

    /// Sets the power that port `port` (1-based) draws while on, in watts (negative values count
    /// as zero).
    ///
    /// # Errors
    ///
    /// Returns [`StateError::PortOutOfRange`] when `port` is not in `1..=port_count()`.
    pub fn set_load(&mut self, now: Timestamp, port: usize, watts: f64) -> Result<(), StateError> {
        self.check_port(port)?;
        self.advance(now);
        if let Some(state) = self.ports.get_mut(port - 1) {
            state.load_watts = watts.max(0.0);
        }
        self.apply_master_slave();
        Ok(())
    }

    /// Returns the device clock reading at `now`, local time without an offset.
    pub fn clock(&self, now: Timestamp) -> DateTime {
        self.clock.read(now)
    }

    /// Returns the zone field of the last dated discovery request (UTC offset in hours plus 12),
    /// or `None` when the clock was never set with one. The device stores it without using it.
    pub fn clock_zone(&self) -> Option<i8> {
        self.clock.zone()
    }

    /// Sets the device clock to `value` at `now`, as a dated discovery request does.
    pub fn set_clock(&mut self, now: Timestamp, value: DateTime) {
        self.set_clock_with_zone(now, value, None);
    }

    /// Returns the per-port energy of the last 24 hours in watt-hours, oldest hour first, as
    /// command 510 `type` 0 reports it.
    pub fn hourly_energy(&mut self, now: Timestamp) -> Vec<Vec<f64>> {
        self.advance(now);
        let device_now = self.clock.read(now);
        self.stats
            .window(stats::Granularity::Hourly, device_now, self.ports.len())
            .series
    }

    /// Handles one HTTP request target, such as `/?cmd=511`, received at `now`.
    pub fn handle_http(&mut self, now: Timestamp, target: &str, faults: &Faults) -> Outcome {
        self.advance(now);
        http::handle(self, now, target, faults)
    }

    /// Handles one UDP datagram (discovery or V3) received at `now`.
    ///
    /// Datagram drop faults are decided here, so a dropped datagram has no effect on the state.
    pub fn handle_datagram(&mut self, now: Timestamp, bytes: &[u8], faults: &Faults) -> Outcome {
        self.datagrams_received += 1;
        if faults.drops_datagram(self.datagrams_received, &mut self.fault_rng) {
            return Outcome {
                kind: datagram_kind(bytes),
                cmd: None,
                args: Value::Null,
                reply: None,
                result: RequestResult::Dropped,
            };
        }
        self.advance(now);
        match request::decode_datagram(bytes) {
            Ok(request::Datagram::Discovery(discovery)) => {
                discovery::handle(self, now, discovery, faults)
            }
            Ok(request::Datagram::V3 { cmd, args }) => v3::handle(self, cmd, args, faults),
            Err(error) => {
                tracing::debug!(%error, "ignoring undecodable datagram");
                Outcome {
                    kind: datagram_kind(bytes),
                    cmd: None,
                    args: Value::Null,
                    reply: None,
                    result: RequestResult::Malformed,
                }
            }
        }
    }

    /// Advances clock-driven behaviour to `now`: energy statistics, switch-off timers, rules,
    /// random mode and master/slave switching.
    pub fn advance(&mut self, now: Timestamp) {
        if now <= self.latest {
            return;
        }
        self.latest = now;
        let target = self.clock.read(now);
        if target <= self.cursor {
            return;
        }
        if target.duration_since(self.cursor) > MAX_CATCH_UP {
            self.cursor = target.saturating_sub(MAX_CATCH_UP);
        }

        while self.cursor < target {
            let hour_end =
                stats::hour_start(self.cursor).saturating_add(SignedDuration::from_hours(1));
            let event = self.schedule.next_event(self.cursor, &mut self.noise);
            let mut step_end = target.min(hour_end);
            if let Some(event) = event {
                step_end = step_end.min(event);
            }
            self.credit_energy(step_end);
            self.cursor = step_end;
            if event == Some(step_end) {
                self.run_due_events(step_end);
            }
        }
    }

    /// Adds the energy drawn from the cursor to `until` (both in the same hour) to the statistics.
    fn credit_energy(&mut self, until: DateTime) {
        let hours = until.duration_since(self.cursor).as_secs_f64() / 3600.0;
        if hours <= 0.0 {
            return;
        }
        let watt_hours: Vec<f64> = self
            .ports
            .iter()
            .map(|port| {
                if port.on {
                    port.load_watts * hours
                } else {
                    0.0
                }
            })
            .collect();
        self.stats.add(self.cursor, &watt_hours);
    }

    /// Runs the scheduled events due at `at` and applies master/slave switching afterwards.
    fn run_due_events(&mut self, at: DateTime) {
        let actions = self
            .schedule
            .take_due(at, &self.switch_states(), &mut self.noise);
        for (port, on) in actions {
            if let Some(state) = self.ports.get_mut(port) {
                state.on = on;
            }
        }
        self.apply_master_slave();
    }

    /// Sets the clock, after processing the time that passed under the old setting.
    fn set_clock_with_zone(&mut self, now: Timestamp, value: DateTime, zone: Option<i8>) {
        self.advance(now);
        self.clock.set(now, value, zone);
        self.cursor = value;
        self.schedule.clock_changed();
    }

    /// Switches port `port` (1-based, validated by the caller), then applies master/slave.
    fn switch(&mut self, port: usize, on: bool) {
        if let Some(state) = port
            .checked_sub(1)
            .and_then(|index| self.ports.get_mut(index))
        {
            state.on = on;
        }
        self.apply_master_slave();
    }

    /// Switches every port.
    fn switch_all(&mut self, on: bool) {
        for port in &mut self.ports {
            port.on = on;
        }
        self.apply_master_slave();
    }

    /// Makes slave ports follow the master port, when master/slave is configured.
    fn apply_master_slave(&mut self) {
        let loads: Vec<f64> = self
            .ports
            .iter()
            .map(|port| if port.on { port.load_watts } else { 0.0 })
            .collect();
        for (index, on) in self.schedule.master_slave_targets(&loads) {
            if let Some(port) = self.ports.get_mut(index) {
                port.on = on;
            }
        }
    }

    /// Restores factory state, as command 120 does: names, switches, settings and statistics.
    ///
    /// NOTE: inferred. The altery docs say 120 clears all settings and statistics. That the
    /// ports end up off is a guess. The clock keeps running.
    fn factory_reset(&mut self) {
        self.device_name = self.profile.default_device_name(&self.identity.serial);
        for (index, port) in self.ports.iter_mut().enumerate() {
            port.name = ports::default_port_name(index + 1);
            port.on = false;
        }
        self.schedule = Schedule::new(self.ports.len());
        self.stats.clear();
        self.cost = DEFAULT_COST.to_owned();
        self.money = 0;
    }

    /// Returns an error unless `port` is in `1..=port_count()`.
    fn check_port(&self, port: usize) -> Result<(), StateError> {
        if (1..=self.ports.len()).contains(&port) {
            Ok(())
        } else {
            Err(StateError::PortOutOfRange {
                port,
                ports: self.ports.len(),
            })
        }
    }
}

/// Energy price a factory-new device reports in command 510.
const DEFAULT_COST: &str = "0.00";

/// Guesses the kind of a datagram that did not decode, for the log.
fn datagram_kind(bytes: &[u8]) -> RequestKind {
    if bytes.starts_with(b"V3") {
        RequestKind::V3
    } else if bytes.starts_with(b"00dv") || bytes.starts_with(b"00sw") {
        RequestKind::Discovery
    } else {
        RequestKind::Unknown
    }
}

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
