//! `maxsmart discover`: find devices by broadcast, or ask one address.

use std::net::IpAddr;

use clap::Args;
use futures::StreamExt as _;
use maxsmart_tokio::{FoundDevice, Protocol, discover_host, discover_stream};
use serde::Serialize;

use crate::cli::GlobalOptions;
use crate::exit::CliError;
use crate::output;
use crate::session::discover_options;
use crate::spinner::Spinner;
use crate::table::{self, Cell, Column};

/// Arguments of `discover`.
#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// Ask only this address instead of broadcasting; overrides --host.
    #[arg(id = "address", value_name = "ADDRESS")]
    pub host: Option<IpAddr>,
}

/// One device as `discover --json` prints it.
#[derive(Debug, Serialize)]
pub struct DeviceRow {
    /// The IP address the reply came from.
    pub address: IpAddr,
    /// The serial number.
    pub serial: String,
    /// The device name.
    pub name: Option<String>,
    /// The firmware version.
    pub firmware: Option<String>,
    /// The MAC address as the device wrote it.
    pub mac: Option<String>,
    /// `http` or `udp_v3`, when the probe got a reply.
    pub protocol: Option<Protocol>,
    /// The number of ports, from the probe or the serial number.
    pub port_count: Option<u8>,
    /// The port names, port 1 first, when the device keeps them.
    pub port_names: Option<Vec<String>>,
}

impl From<&FoundDevice> for DeviceRow {
    fn from(info: &FoundDevice) -> Self {
        DeviceRow {
            address: info.ip(),
            serial: info.serial().to_owned(),
            name: info.name().map(str::to_owned),
            firmware: info.firmware().map(str::to_owned),
            mac: info.mac().map(str::to_owned),
            protocol: info.protocol,
            port_count: info.port_count,
            port_names: info.port_names().map(<[String]>::to_vec),
        }
    }
}

const COLUMNS: [Column; 7] = [
    Column::left("ADDRESS"),
    Column::left("SERIAL"),
    Column::left("NAME"),
    Column::left("FIRMWARE"),
    Column::left("PROTOCOL"),
    Column::right("PORTS"),
    Column::left("MAC"),
];

/// Runs `maxsmart discover`.
///
/// Only an address on the command line turns the broadcast into a unicast request.
/// `MAXSMART_HOST` is ignored, so that `discover` still finds a device whose address changed.
///
/// # Errors
///
/// Returns [`CliError::Client`] when the one address asked does not reply, and
/// [`CliError::NothingFound`] when a broadcast gets no reply.
pub async fn run(global: &GlobalOptions, args: &DiscoverArgs) -> Result<(), CliError> {
    let devices = match args.host.or(global.host) {
        Some(host) => vec![ask_one(global, host).await?],
        None => broadcast(global).await?,
    };
    let found: Vec<DeviceRow> = devices.iter().map(DeviceRow::from).collect();
    if global.json {
        output::json(&found)?;
    } else if !found.is_empty() {
        output::print(&render(&found))?;
    }
    if found.is_empty() {
        return Err(CliError::NothingFound {
            port: global.udp_port,
        });
    }
    Ok(())
}

async fn ask_one(global: &GlobalOptions, host: IpAddr) -> Result<FoundDevice, CliError> {
    let spinner = Spinner::start(&format!("Asking {host} to identify itself"));
    let result = discover_host(host, &options(global)?).await;
    spinner.finish();
    result.map_err(CliError::client(format!("cannot find a device at {host}")))
}

async fn broadcast(global: &GlobalOptions) -> Result<Vec<FoundDevice>, CliError> {
    let spinner = Spinner::start("Broadcasting discovery on every IPv4 interface");
    let mut stream = discover_stream(options(global)?);
    let mut devices = Vec::new();
    while let Some(device) = stream.next().await {
        let device = device.map_err(CliError::client("cannot broadcast discovery"))?;
        devices.push(device);
        spinner.set_message(format!(
            "Found {} device(s), still listening",
            devices.len()
        ));
    }
    spinner.finish();
    Ok(devices)
}

fn options(global: &GlobalOptions) -> Result<maxsmart_tokio::DiscoverOptions, CliError> {
    let mut options = discover_options(global)?;
    options.probe = true;
    Ok(options)
}

/// Renders the devices as a table, one row each.
pub fn render(devices: &[DeviceRow]) -> String {
    let rows: Vec<Vec<Cell>> = devices
        .iter()
        .map(|device| {
            let optional = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".into());
            vec![
                Cell::plain(device.address.to_string()),
                Cell::plain(device.serial.clone()),
                Cell::plain(optional(&device.name)),
                Cell::plain(optional(&device.firmware)),
                Cell::plain(protocol_text(device.protocol)),
                Cell::plain(
                    device
                        .port_count
                        .map_or_else(|| "-".into(), |n| n.to_string()),
                ),
                Cell::plain(optional(&device.mac)),
            ]
        })
        .collect();
    table::render(&COLUMNS, &rows)
}

fn protocol_text(protocol: Option<Protocol>) -> &'static str {
    match protocol {
        Some(Protocol::Http) => "http",
        Some(Protocol::UdpV3) => "udp v3",
        None => "-",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lists_each_device() {
        let devices = vec![DeviceRow {
            address: "192.0.2.10".parse().unwrap(),
            serial: String::from("SWP6000000000001"),
            name: Some(String::from("STRIP")),
            firmware: Some(String::from("1.30")),
            mac: None,
            protocol: Some(Protocol::Http),
            port_count: Some(6),
            port_names: None,
        }];
        let text = render(&devices);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("ADDRESS     SERIAL"), "{text}");
        assert_eq!(
            lines[1],
            "192.0.2.10  SWP6000000000001  STRIP  1.30      http          6  -"
        );
    }
}
