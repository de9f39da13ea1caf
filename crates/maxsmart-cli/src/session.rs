//! Connecting to the device the global options name: unicast discovery, then the client.

use std::net::IpAddr;
use std::time::Duration;

use maxsmart_tokio::proto::names::Names;
use maxsmart_tokio::{
    DeviceBuilder, DiscoverOptions, FoundDevice, ProtocolChoice, Tokio, discover_host,
};

use crate::cli::{GlobalOptions, ProtocolArg};
use crate::exit::CliError;
use crate::limits;

/// A connected device and its discovery reply.
#[derive(Debug)]
pub struct Session {
    /// The device's IP address.
    pub host: IpAddr,
    /// The discovery reply: serial, names and firmware.
    pub found: FoundDevice,
    /// The connected client.
    pub device: maxsmart_tokio::Device,
    /// The device name and one port name per port, from the discovery reply.
    names: Names,
}

impl Session {
    /// Asks `host` to identify itself over UDP, then connects to it.
    ///
    /// Discovery comes first because it is the only source of the serial number (which V3
    /// requests carry), the firmware version and the port names.
    ///
    /// # Errors
    ///
    /// Returns [`CliError::Client`] when discovery gets no reply or the first status read
    /// fails, and [`CliError::Usage`] for an invalid `--timeout`.
    pub async fn open(global: &GlobalOptions, host: IpAddr) -> Result<Session, CliError> {
        let found = discover_host(host, &discover_options(global)?)
            .await
            .map_err(CliError::client(format!("cannot find a device at {host}")))?;
        let device = configure(global, DeviceBuilder::from_discovery(Tokio, &found))?
            .connect()
            .await
            .map_err(CliError::client(format!(
                "cannot connect to {} at {host}",
                found.serial()
            )))?;
        // The reply above is the one every subcommand shows, so the names come from it,
        // sized to the port count the connection learned.
        let names = Names::from_discovery(&found.reply, device.port_count().await);
        Ok(Session {
            host,
            found,
            device,
            names,
        })
    }

    /// Returns the serial number from discovery.
    pub fn serial(&self) -> &str {
        self.found.serial()
    }

    /// Returns the device name from discovery, when the device sends one.
    pub fn name(&self) -> Option<&str> {
        self.found.name()
    }

    /// Returns the firmware version from discovery, when the device sends one.
    pub fn firmware(&self) -> Option<&str> {
        self.found.firmware()
    }

    /// Returns the device name and the port names from discovery, one entry per port.
    pub fn names(&self) -> &Names {
        &self.names
    }

    /// Waits for any operation still running and releases the device.
    pub async fn close(self) {
        self.device.close().await;
    }
}

/// Returns the host from the argument or from `--host`, or a usage error.
///
/// # Errors
///
/// Returns [`CliError::Usage`] when neither is given.
pub fn resolve_host(global: &GlobalOptions, argument: Option<IpAddr>) -> Result<IpAddr, CliError> {
    argument.or(global.host).ok_or_else(|| {
        CliError::Usage(String::from(
            "no device address given; pass it with --host, in MAXSMART_HOST, or as the \
             first argument where the command takes one (run `maxsmart discover` to find it)",
        ))
    })
}

/// Returns the per-reply timeout.
///
/// # Errors
///
/// Returns [`CliError::Usage`] for a value that is not above 0 and at most
/// [`limits::MAX_TIMEOUT`] seconds.
pub fn timeout(global: &GlobalOptions) -> Result<Duration, CliError> {
    limits::seconds("--timeout", global.timeout, limits::MAX_TIMEOUT)
}

/// Returns discovery options for the global ports and timeout, without the protocol probe.
///
/// The probe is off because connecting settles the protocol anyway; `discover` turns it on to
/// show each device's protocol and port count.
///
/// # Errors
///
/// As [`timeout`].
pub fn discover_options(global: &GlobalOptions) -> Result<DiscoverOptions, CliError> {
    let timeout = timeout(global)?;
    Ok(DiscoverOptions {
        port: global.udp_port,
        http_port: global.http_port,
        timeout,
        probe: false,
        probe_timeout: timeout,
        ..DiscoverOptions::default()
    })
}

/// Returns a device builder for `host` configured from the global options.
///
/// # Errors
///
/// As [`timeout`].
pub fn device_builder(global: &GlobalOptions, host: IpAddr) -> Result<DeviceBuilder, CliError> {
    configure(global, DeviceBuilder::new(Tokio, host))
}

/// Applies the global ports, timeout and, unless it is `detect`, protocol to `builder`.
fn configure(global: &GlobalOptions, builder: DeviceBuilder) -> Result<DeviceBuilder, CliError> {
    let builder = builder
        .http_port(global.http_port)
        .udp_port(global.udp_port)
        .timeout(timeout(global)?);
    Ok(match global.protocol {
        ProtocolArg::Detect => builder,
        ProtocolArg::Http => builder.protocol(ProtocolChoice::Http),
        ProtocolArg::Udp => builder.protocol(ProtocolChoice::UdpV3),
    })
}
