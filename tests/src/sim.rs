//! Simulated devices for the shared cases, served by a tokio runtime of their own.
//!
//! The simulator needs tokio, but the cases also run on async-std and smol. Every simulated
//! device therefore starts and stops on one background tokio runtime, and cases await its
//! join handles, which works from any executor.

use std::net::{IpAddr, SocketAddr};
use std::ops::Deref;
use std::sync::OnceLock;
use std::time::Duration;

use maxsmart_client::{
    DeviceBuilder, DiscoverOptions, ProtocolChoice, RetryPolicy, Runtime, VerifyPolicy,
};
use maxsmart_sim::{Profile, SimConfig, SimDevice};

use crate::LOOPBACK;

/// The per-attempt timeout of test devices: long enough for a loaded 2-core machine, short
/// enough that failure paths end quickly.
pub const TIMEOUT: Duration = Duration::from_millis(300);

/// The retry policy of test devices.
pub const RETRY: RetryPolicy = RetryPolicy {
    timeout: TIMEOUT,
    attempts: 3,
    backoff: Duration::from_millis(20),
    max_backoff: Duration::from_millis(80),
};

/// The switch verification of test devices: three reads 30 ms apart.
pub const VERIFY: VerifyPolicy = VerifyPolicy {
    checks: 3,
    delay: Duration::from_millis(30),
};

/// Returns the tokio runtime that serves every simulated device of this test binary.
fn simulator_runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("simulator")
            .enable_all()
            .build()
            .expect("simulator runtime builds")
    })
}

/// A simulated device running on the background runtime.
#[derive(Debug)]
pub struct Sim {
    device: Option<SimDevice>,
    http_port: u16,
}

impl Sim {
    /// Starts a simulated device with `config`.
    pub async fn start(config: SimConfig) -> Sim {
        let started = simulator_runtime().spawn(SimDevice::start(config)).await;
        let device = started
            .expect("simulator start task completes")
            .expect("simulator binds its loopback sockets");
        let http_port = device
            .http_addr()
            .map_or_else(closed_port, |address| address.port());
        Sim {
            device: Some(device),
            http_port,
        }
    }

    /// Starts a device of `profile` on 127.0.0.1 with free ports and every port off.
    pub async fn profile(profile: Profile) -> Sim {
        Sim::start(crate::loopback_config(profile)).await
    }

    /// Stops the device and waits until its sockets are closed.
    pub async fn stop(mut self) {
        if let Some(device) = self.device.take() {
            simulator_runtime()
                .spawn(device.stop())
                .await
                .expect("simulator stop task completes");
        }
    }

    /// Returns the device's IP address.
    pub fn ip(&self) -> IpAddr {
        self.udp_addr().ip()
    }

    /// Returns the HTTP port, or a loopback port that was free at start for profiles without
    /// HTTP.
    pub fn http_port(&self) -> u16 {
        self.http_port
    }

    /// Returns a builder for this device with the test timeouts, detecting the protocol.
    pub fn builder<R: Runtime>(&self, runtime: R) -> DeviceBuilder<R> {
        DeviceBuilder::new(runtime, self.ip())
            .http_port(self.http_port())
            .udp_port(self.udp_addr().port())
            .serial(self.serial())
            .retry(RETRY)
            .verify(VERIFY)
            .protocol(ProtocolChoice::Detect)
    }

    /// Returns discovery options that ask this device directly, with short windows.
    pub fn discover_options(&self) -> DiscoverOptions {
        DiscoverOptions {
            port: self.udp_addr().port(),
            http_port: self.http_port(),
            timeout: Duration::from_millis(400),
            spacing: Duration::from_millis(100),
            probe_timeout: TIMEOUT,
            ..DiscoverOptions::unicast([self.ip()])
        }
    }
}

impl Deref for Sim {
    type Target = SimDevice;

    fn deref(&self) -> &SimDevice {
        self.device.as_ref().expect("simulator is running")
    }
}

/// Returns a loopback TCP port that refuses connections: one that was free a moment ago.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind(SocketAddr::new(LOOPBACK, 0))
        .expect("binding a free loopback port");
    listener
        .local_addr()
        .expect("bound listener has an address")
        .port()
}
