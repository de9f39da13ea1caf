//! `maxsmart status`: the port table of one device.

use std::net::IpAddr;

use maxsmart_tokio::{Device, discover_host};
use serde::Serialize;

use crate::cli::{GlobalOptions, StatusArgs};
use crate::commands::{device_builder, discover_options, resolve_host};
use crate::exit::CliError;
use crate::table::{self, PortRow};

/// What `status --json` prints.
#[derive(Debug, Serialize)]
struct StatusOutput<'a> {
    host: IpAddr,
    serial: Option<&'a str>,
    name: Option<&'a str>,
    firmware: Option<&'a str>,
    ports: &'a [PortRow],
}

/// Runs `maxsmart status`.
pub async fn run(global: &GlobalOptions, args: &StatusArgs) -> Result<(), CliError> {
    let host = resolve_host(global, args.host)?;
    print_status(global, host).await
}

/// Discovers the device at `host` for its names, reads its ports and prints them.
pub async fn print_status(global: &GlobalOptions, host: IpAddr) -> Result<(), CliError> {
    let found = discover_host(host, &discover_options(global)?).await?;
    let mut builder = device_builder(global, host)?.serial(found.reply.serial.clone());
    if let Some(firmware) = &found.reply.firmware {
        builder = builder.firmware(firmware.clone());
    }
    let device = builder.connect().await?;
    print_ports(global, host, &found.reply, &device).await
}

/// Reads the ports of a connected device and prints them as a table or JSON.
pub async fn print_ports(
    global: &GlobalOptions,
    host: IpAddr,
    reply: &maxsmart_tokio::DiscoveryReply,
    device: &Device,
) -> Result<(), CliError> {
    let status = device.status().await?;
    let rows = table::rows(&status, reply.port_names.as_deref());
    if global.json {
        let output = StatusOutput {
            host,
            serial: Some(&reply.serial),
            name: reply.name.as_deref(),
            firmware: reply.firmware.as_deref(),
            ports: &rows,
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&output).unwrap_or_default()
        );
    } else {
        print!("{}", table::render(&rows));
    }
    Ok(())
}
