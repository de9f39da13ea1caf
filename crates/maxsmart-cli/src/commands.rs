//! One module per subcommand, plus what they share.

pub mod demo;
pub mod status;

use std::net::IpAddr;
use std::time::Duration;

use maxsmart_tokio::{DeviceBuilder, DiscoverOptions, ProtocolChoice, Tokio};

use crate::cli::{GlobalOptions, ProtocolArg};
use crate::exit::CliError;

/// Returns the host from the argument or from `--host`, or a usage error.
pub fn resolve_host(global: &GlobalOptions, argument: Option<IpAddr>) -> Result<IpAddr, CliError> {
    argument.or(global.host).ok_or_else(|| {
        CliError::Usage(String::from(
            "no device address given; pass it as an argument, with --host, or in MAXSMART_HOST",
        ))
    })
}

/// Returns the per-reply timeout, or a usage error for a value that is not a positive number.
pub fn timeout(global: &GlobalOptions) -> Result<Duration, CliError> {
    Duration::try_from_secs_f64(global.timeout)
        .ok()
        .filter(|timeout| !timeout.is_zero())
        .ok_or_else(|| {
            CliError::Usage(format!(
                "--timeout {} is invalid; give a positive number of seconds",
                global.timeout
            ))
        })
}

/// Returns discovery options for the global UDP port and timeout.
pub fn discover_options(global: &GlobalOptions) -> Result<DiscoverOptions, CliError> {
    Ok(DiscoverOptions {
        port: global.udp_port,
        timeout: timeout(global)?,
        ..DiscoverOptions::default()
    })
}

/// Returns a device builder configured from the global options.
pub fn device_builder(global: &GlobalOptions, host: IpAddr) -> Result<DeviceBuilder, CliError> {
    let protocol = match global.protocol {
        ProtocolArg::Detect => ProtocolChoice::Detect,
        ProtocolArg::Http => ProtocolChoice::Http,
        ProtocolArg::Udp => ProtocolChoice::UdpV3,
    };
    Ok(DeviceBuilder::new(Tokio, host)
        .protocol(protocol)
        .http_port(global.http_port)
        .udp_port(global.udp_port)
        .timeout(timeout(global)?))
}
