//! The device an example talks to: the address given, or a simulator started on loopback.

use std::io;
use std::net::IpAddr;

use maxsmart_sim::SimDevice;
use maxsmart_tokio::{Device, DeviceBuilder, DiscoverOptions, Error, FoundDevice, Tokio};

/// Where an example's device is, and the simulator when the example started one.
#[derive(Debug)]
pub struct Target {
    /// The device's IP address.
    pub host: IpAddr,
    /// The TCP port of its HTTP server.
    pub http_port: u16,
    /// The UDP port for discovery and V3.
    pub udp_port: u16,
    simulator: Option<SimDevice>,
}

impl Target {
    /// Returns the device named by the first argument or `MAXSMART_HOST`, on the standard
    /// ports 80 and 8888, or else starts a simulated strip on 127.0.0.1.
    ///
    /// # Errors
    ///
    /// Returns `InvalidInput` for an argument that is not an IP address, and the error of
    /// binding the simulator's sockets.
    pub async fn from_env() -> io::Result<Target> {
        let given = std::env::args()
            .nth(1)
            .or_else(|| std::env::var("MAXSMART_HOST").ok())
            .filter(|text| !text.trim().is_empty());
        if let Some(text) = given {
            let host = text.trim().parse().map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{text:?} is not an IP address; give one such as 192.0.2.10"),
                )
            })?;
            return Ok(Target {
                host,
                http_port: 80,
                udp_port: 8888,
                simulator: None,
            });
        }
        Target::simulated().await
    }

    /// Starts the simulator's demonstration strip, [`SimDevice::start_demo_strip`]: a 6-port
    /// strip with firmware 1.30 on 127.0.0.1 with free ports, a day of energy history, and
    /// its clock on this computer's local time.
    ///
    /// # Errors
    ///
    /// Returns the error of binding the simulator's sockets.
    pub async fn simulated() -> io::Result<Target> {
        let simulator = SimDevice::start_demo_strip().await?;
        let loopback = simulator.udp_addr().ip();
        println!(
            "No device address given, so this runs against a simulated strip on {loopback} \
             (HTTP port {}, UDP port {}).",
            simulator.http_addr().map_or(0, |address| address.port()),
            simulator.udp_addr().port()
        );
        Ok(Target {
            host: loopback,
            http_port: simulator.http_addr().map_or(0, |address| address.port()),
            udp_port: simulator.udp_addr().port(),
            simulator: Some(simulator),
        })
    }

    /// Returns the simulator, when the example started one.
    pub fn simulator(&self) -> Option<&SimDevice> {
        self.simulator.as_ref()
    }

    /// Returns discovery options that ask only this device, on its ports.
    pub fn discover_options(&self) -> DiscoverOptions {
        DiscoverOptions {
            port: self.udp_port,
            http_port: self.http_port,
            ..DiscoverOptions::unicast([self.host])
        }
    }

    /// Asks the device to identify itself over UDP.
    ///
    /// # Errors
    ///
    /// Returns [`Error::NotFound`] when it does not answer.
    pub async fn discover(&self) -> Result<FoundDevice, Error> {
        maxsmart_tokio::discover_host(self.host, &self.discover_options()).await
    }

    /// Discovers the device and connects to it.
    ///
    /// # Errors
    ///
    /// Returns the error of discovery or of the first status read.
    pub async fn connect(&self) -> Result<Device, Error> {
        let found = self.discover().await?;
        DeviceBuilder::from_discovery(Tokio, &found)
            .http_port(self.http_port)
            .udp_port(self.udp_port)
            .connect()
            .await
    }

    /// Stops the simulator, when the example started one.
    pub async fn stop(self) {
        if let Some(simulator) = self.simulator {
            simulator.stop().await;
        }
    }
}
