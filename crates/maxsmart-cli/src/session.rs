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
        let device = device_builder(global, &found)?
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

/// The environment variable that gives the device address when the command line does not.
pub const HOST_VARIABLE: &str = "MAXSMART_HOST";

/// Returns the host from the argument, from `--host` or from `MAXSMART_HOST`, in that order.
///
/// The variable is read only when neither of the others is given, so an invalid value does
/// not block a command that names its device.
///
/// # Errors
///
/// Returns [`CliError::Usage`] when none is given, or when the variable is needed and is
/// not an IP address.
pub fn resolve_host(global: &GlobalOptions, argument: Option<IpAddr>) -> Result<IpAddr, CliError> {
    if let Some(host) = argument.or(global.host) {
        return Ok(host);
    }
    let value = std::env::var_os(HOST_VARIABLE);
    host_from_variable(value.as_deref())?.ok_or_else(|| {
        CliError::Usage(String::from(
            "no device address given; pass it with --host, in MAXSMART_HOST, or as the \
             first argument where the command takes one (run `maxsmart discover` to find it)",
        ))
    })
}

/// Parses the value of `MAXSMART_HOST` after trimming whitespace; an empty value is unset.
fn host_from_variable(value: Option<&std::ffi::OsStr>) -> Result<Option<IpAddr>, CliError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let Some(text) = value.to_str() else {
        return Err(CliError::Usage(format!(
            "{HOST_VARIABLE} is not valid Unicode; set it to an IP address such as 192.0.2.10"
        )));
    };
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| {
        CliError::Usage(format!(
            "{HOST_VARIABLE}=\"{text}\" is not an IP address; set it to one such as \
             192.0.2.10, or give the address with --host"
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

/// Returns a builder for the device of a discovery reply, configured from the global options.
///
/// The serial number goes in as discovered, without the length check that
/// [`DeviceBuilder::serial`] applies, because the device expects it back unchanged.
///
/// # Errors
///
/// As [`timeout`].
pub fn device_builder(
    global: &GlobalOptions,
    found: &FoundDevice,
) -> Result<DeviceBuilder, CliError> {
    configure(global, DeviceBuilder::from_discovery(Tokio, found))
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

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use super::*;

    #[test]
    fn host_variable_is_trimmed() {
        let host = host_from_variable(Some(OsStr::new(" 192.0.2.10\n"))).unwrap();
        assert_eq!(host, Some(IpAddr::from([192, 0, 2, 10])));
    }

    #[test]
    fn empty_host_variable_is_unset() {
        assert_eq!(host_from_variable(Some(OsStr::new("  "))).unwrap(), None);
        assert_eq!(host_from_variable(None).unwrap(), None);
    }

    #[test]
    fn invalid_host_variable_names_value() {
        let error = host_from_variable(Some(OsStr::new("foo"))).unwrap_err();
        assert_eq!(error.exit_code(), crate::exit::USAGE);
        assert_eq!(
            error.to_string(),
            "MAXSMART_HOST=\"foo\" is not an IP address; set it to one such as 192.0.2.10, or \
             give the address with --host"
        );
    }
}
