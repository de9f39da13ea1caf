//! Configuration of one simulated device: profile, addresses, serial, seed, faults and log sink.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use jiff::civil::DateTime;

use crate::fault::Faults;
use crate::log_sink::LogSink;

/// The default number of request log entries kept in memory per device: at about 1 KiB each,
/// some 10 MiB per device at most.
pub const DEFAULT_REQUEST_LOG_LIMIT: usize = 10_000;
use crate::profile::Profile;

/// Settings for [`SimDevice::start`](crate::SimDevice::start).
///
/// [`SimConfig::new`] binds HTTP and UDP to free ports on 127.0.0.1 and uses the profile's
/// default serial. Addresses outside the loopback range are rejected at start unless
/// [`SimConfig::allow_non_loopback`] is set.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub(crate) profile: Profile,
    pub(crate) http_addr: SocketAddr,
    pub(crate) udp_addr: SocketAddr,
    pub(crate) serial: String,
    pub(crate) seed: u64,
    pub(crate) faults: Faults,
    pub(crate) clock: Option<DateTime>,
    pub(crate) switches: Option<Vec<bool>>,
    pub(crate) allow_non_loopback: bool,
    pub(crate) log_sink: Option<LogSink>,
    pub(crate) request_log_limit: usize,
}

impl SimConfig {
    /// Creates a configuration for `profile` on 127.0.0.1 with free ports.
    pub fn new(profile: Profile) -> Self {
        let loopback = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);
        SimConfig {
            profile,
            http_addr: loopback,
            udp_addr: loopback,
            serial: profile.default_serial().to_owned(),
            seed: DEFAULT_SEED,
            faults: Faults::none(),
            clock: None,
            switches: None,
            allow_non_loopback: false,
            log_sink: None,
            request_log_limit: DEFAULT_REQUEST_LOG_LIMIT,
        }
    }

    /// Creates the configuration of the demonstration strip: a 6-port strip with firmware
    /// 1.30 on 127.0.0.1 with free ports, ports 2 and 4 on, and the device clock on this
    /// computer's local time.
    ///
    /// Port 1 starts off, so a demonstration can switch it on and show it drawing power.
    /// [`SimDevice::start_demo_strip`](crate::SimDevice::start_demo_strip) starts it with a
    /// day of energy history.
    pub fn demo_strip() -> Self {
        SimConfig::new(Profile::Strip130)
            .switches(&DEMO_SWITCHES)
            .clock(jiff::ZonedDateTime::now().datetime())
    }

    /// Creates a configuration for device number `index` of a fleet: index 0 keeps the default
    /// serial, later indexes get distinct serials with the same 4-character prefix, and the
    /// seed differs per index.
    pub fn numbered(profile: Profile, index: usize) -> Self {
        let config = SimConfig::new(profile).seed(DEFAULT_SEED.wrapping_add(index as u64));
        if index == 0 {
            return config;
        }
        let prefix = &profile.default_serial()[..4];
        let family = profile.firmware().replace('.', "");
        config.serial(&format!("{prefix}{family}{:09}", index + 1))
    }

    /// Sets the TCP address of the HTTP server. Port 0 picks a free port.
    pub fn http_addr(mut self, addr: SocketAddr) -> Self {
        self.http_addr = addr;
        self
    }

    /// Sets the UDP address for discovery and V3. Port 0 picks a free port.
    pub fn udp_addr(mut self, addr: SocketAddr) -> Self {
        self.udp_addr = addr;
        self
    }

    /// Sets both addresses to `ip` with the given ports, for example a distinct loopback
    /// address per device on ports 80 and 8888.
    pub fn ip(self, ip: IpAddr, http_port: u16, udp_port: u16) -> Self {
        self.http_addr(SocketAddr::new(ip, http_port))
            .udp_addr(SocketAddr::new(ip, udp_port))
    }

    /// Sets the serial number. Real serials have 16 characters, such as `SWP6000000000001`.
    pub fn serial(mut self, serial: &str) -> Self {
        self.serial = serial.to_owned();
        self
    }

    /// Sets the seed for port loads, reading noise and fault sampling.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the faults injected from the start.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Sets the device clock at start. By default it starts at the current UTC time.
    pub fn clock(mut self, value: DateTime) -> Self {
        self.clock = Some(value);
        self
    }

    /// Sets the switch states at start, port 1 first. By default every port is off. Extra
    /// entries are ignored and missing ones stay off.
    pub fn switches(mut self, states: &[bool]) -> Self {
        self.switches = Some(states.to_vec());
        self
    }

    /// Allows addresses outside 127.0.0.0/8 and ::1. Off by default, so a test cannot expose
    /// a fake device on a real network by mistake.
    pub fn allow_non_loopback(mut self, allow: bool) -> Self {
        self.allow_non_loopback = allow;
        self
    }

    /// Appends every request log entry to `sink` as a JSON line.
    pub fn log_sink(mut self, sink: LogSink) -> Self {
        self.log_sink = Some(sink);
        self
    }

    /// Sets how many request log entries the device keeps in memory for
    /// [`SimDevice::requests`](crate::SimDevice::requests); the oldest go first, and 0 keeps
    /// none. A log sink still receives every entry.
    pub fn request_log_limit(mut self, entries: usize) -> Self {
        self.request_log_limit = entries;
        self
    }

    /// Returns the profile.
    pub fn profile(&self) -> Profile {
        self.profile
    }
}

/// The switch states of the demonstration strip at start, port 1 first.
const DEMO_SWITCHES: [bool; 6] = [false, true, false, true, false, false];

/// Seed used when the caller sets none.
const DEFAULT_SEED: u64 = 0x4D41_5853_4D41_5254;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_use_free_loopback_ports() {
        let config = SimConfig::new(Profile::Strip130);
        assert_eq!(config.http_addr, "127.0.0.1:0".parse().unwrap());
        assert_eq!(config.udp_addr, "127.0.0.1:0".parse().unwrap());
        assert_eq!(config.serial, "SWP6000000000001");
        assert!(!config.allow_non_loopback);
    }

    #[test]
    fn demo_strip_starts_with_port_one_off() {
        let config = SimConfig::demo_strip();
        assert_eq!(config.profile, Profile::Strip130);
        assert_eq!(
            config.switches.as_deref(),
            Some(&[false, true, false, true, false, false][..])
        );
        assert_eq!(config.http_addr, "127.0.0.1:0".parse().unwrap());
        let local = jiff::ZonedDateTime::now().datetime();
        let clock = config.clock.expect("the demo strip sets its clock");
        assert!(
            local.duration_since(clock).as_secs() < 60,
            "{clock} vs {local}"
        );
    }

    #[test]
    fn numbered_serials_differ() {
        let first = SimConfig::numbered(Profile::Strip130, 0);
        let second = SimConfig::numbered(Profile::Strip130, 1);
        let other_family = SimConfig::numbered(Profile::Strip211, 1);
        assert_eq!(first.serial, "SWP6000000000001");
        assert_eq!(second.serial, "SWP6130000000002");
        assert_eq!(second.serial.len(), 16);
        assert_ne!(second.serial, other_family.serial);
        assert_ne!(first.seed, second.seed);
    }
}
