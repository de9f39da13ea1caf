//! Running simulated device: binds the sockets, runs the tasks and exposes state and log.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use jiff::Timestamp;
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::SimConfig;
use crate::fault::Faults;
use crate::log::LogEntry;
use crate::model::{DeviceModel, StateError};
use crate::profile::Profile;
use crate::server::{self, Shared};

/// How many hours of energy history [`SimDevice::start_demo_strip`] fills in.
pub const DEMO_HISTORY_HOURS: u32 = 24;

/// A simulated device serving HTTP and UDP on loopback sockets.
///
/// Dropping the handle signals the tasks to stop, but only [`SimDevice::stop`] waits until the
/// sockets are closed.
#[derive(Debug)]
pub struct SimDevice {
    profile: Profile,
    http_addr: Option<SocketAddr>,
    udp_addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl SimDevice {
    /// Binds the device's sockets and starts serving.
    ///
    /// A profile without HTTP (firmware 5.11) binds no TCP socket, so connections to its
    /// address are refused as on the real device.
    ///
    /// # Errors
    ///
    /// Returns `InvalidInput` for an address outside the loopback range (unless allowed in the
    /// configuration) and any error of binding the sockets.
    pub async fn start(config: SimConfig) -> io::Result<SimDevice> {
        check_address(&config, config.udp_addr)?;
        if config.profile.has_http() {
            check_address(&config, config.http_addr)?;
        }

        let udp = UdpSocket::bind(config.udp_addr)
            .await
            .map_err(|error| bind_error("UDP", config.udp_addr, error))?;
        let udp = Arc::new(udp);
        let udp_addr = udp.local_addr()?;
        let listener = if config.profile.has_http() {
            let listener = TcpListener::bind(config.http_addr)
                .await
                .map_err(|error| bind_error("TCP", config.http_addr, error))?;
            Some(listener)
        } else {
            None
        };
        let http_addr = listener.as_ref().map(TcpListener::local_addr).transpose()?;

        let now = Timestamp::now();
        let mut model = DeviceModel::new(config.profile, &config.serial, config.seed, now);
        if let Some(clock) = config.clock {
            model.set_clock(now, clock);
        }
        for (index, on) in config.switches.iter().flatten().enumerate() {
            // Entries past the port count are documented as ignored.
            let _ = model.set_switch(now, index + 1, *on);
        }
        let shared = Arc::new(Shared::new(
            model,
            config.faults,
            config.log_sink,
            config.request_log_limit,
            now,
        ));

        let (shutdown, shutdown_rx) = watch::channel(false);
        let mut tasks = vec![tokio::spawn(server::udp::serve(
            udp,
            Arc::clone(&shared),
            shutdown_rx.clone(),
        ))];
        if let (Some(listener), Some(addr)) = (listener, http_addr) {
            tasks.push(tokio::spawn(server::http::serve(
                listener,
                addr,
                Arc::clone(&shared),
                shutdown_rx,
            )));
        }
        let http = http_addr.map_or_else(|| String::from("none"), |addr| addr.to_string());
        tracing::info!(
            profile = %config.profile,
            serial = %config.serial,
            http = %http,
            udp = %udp_addr,
            "simulated device started"
        );
        Ok(SimDevice {
            profile: config.profile,
            http_addr,
            udp_addr,
            shared,
            shutdown,
            tasks,
        })
    }

    /// Starts the demonstration strip of [`SimConfig::demo_strip`] and fills the last
    /// [`DEMO_HISTORY_HOURS`] hours of its statistics with [`SimDevice::fill_history`].
    ///
    /// The CLI's `demo` command and the example programs run against this device.
    ///
    /// # Errors
    ///
    /// Returns the error of binding the sockets.
    pub async fn start_demo_strip() -> io::Result<SimDevice> {
        let device = SimDevice::start(SimConfig::demo_strip()).await?;
        device.fill_history(DEMO_HISTORY_HOURS);
        Ok(device)
    }

    /// Returns the profile.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// Returns the bound HTTP address, or `None` for a profile without HTTP.
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.http_addr
    }

    /// Returns the bound UDP address for discovery and V3.
    pub fn udp_addr(&self) -> SocketAddr {
        self.udp_addr
    }

    /// Returns the serial number.
    pub fn serial(&self) -> String {
        self.shared.serial.clone()
    }

    /// Returns the requests received so far, oldest first: at most the newest
    /// [`SimConfig::request_log_limit`](crate::SimConfig::request_log_limit) entries.
    pub fn requests(&self) -> Vec<LogEntry> {
        self.shared.requests()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.shared.clear_requests();
    }

    /// Returns the faults currently injected.
    pub fn faults(&self) -> Faults {
        self.shared.current_faults()
    }

    /// Replaces the injected faults. Requests received from now on get the new set.
    pub fn set_faults(&self, faults: Faults) {
        self.shared.faults.send_replace(faults);
    }

    /// Runs `action` on the device model with the current time, for reading or changing state
    /// beyond the shortcuts below.
    pub fn with_state<R>(&self, action: impl FnOnce(&mut DeviceModel, Timestamp) -> R) -> R {
        let now = self.shared.now();
        let mut model = self.shared.model();
        model.advance(now);
        action(&mut model, now)
    }

    /// Switches port `port` (1-based) on or off, as the button on the device would.
    ///
    /// # Errors
    ///
    /// Returns [`StateError::PortOutOfRange`] when the device has no such port.
    pub fn set_switch(&self, port: usize, on: bool) -> Result<(), StateError> {
        self.with_state(|model, now| model.set_switch(now, port, on))
    }

    /// Returns the switch state of every port, port 1 first.
    pub fn switch_states(&self) -> Vec<bool> {
        self.with_state(|model, _| model.switch_states())
    }

    /// Stops every task of the device and waits until its sockets are closed.
    pub async fn stop(mut self) {
        self.shutdown.send_replace(true);
        for task in self.tasks.drain(..) {
            if let Err(error) = task.await {
                tracing::warn!(serial = %self.shared.serial, %error, "device task failed");
            }
        }
        tracing::info!(serial = %self.shared.serial, "simulated device stopped");
    }
}

impl Drop for SimDevice {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
    }
}

/// Adds the address and a next step to a failed bind, keeping the error kind.
fn bind_error(transport: &str, addr: SocketAddr, error: io::Error) -> io::Error {
    let hint = match error.kind() {
        io::ErrorKind::AddrInUse => "; choose another port, or port 0 for a free one",
        io::ErrorKind::PermissionDenied => "; ports below 1024 need root",
        _ => "",
    };
    io::Error::new(
        error.kind(),
        format!("cannot bind {transport} {addr}: {error}{hint}"),
    )
}

/// Rejects `addr` unless it is a loopback address or the configuration allows others.
fn check_address(config: &SimConfig, addr: SocketAddr) -> io::Result<()> {
    if addr.ip().is_loopback() || config.allow_non_loopback {
        return Ok(());
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "address {addr} is not a loopback address; use 127.0.0.0/8 or ::1, or allow \
             other addresses with SimConfig::allow_non_loopback (--allow-non-loopback for the \
             maxsmart-sim binary)"
        ),
    ))
}
