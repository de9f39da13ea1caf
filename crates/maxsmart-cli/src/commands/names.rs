//! `maxsmart names`: the device name and the port names, as discovery reports them.

use std::net::IpAddr;

use clap::Args;
use serde::Serialize;

use crate::cli::{GlobalOptions, HostArg};
use crate::exit::CliError;
use crate::output;
use crate::ports::label;
use crate::session::{Session, resolve_host};
use crate::table::{self, Cell, Column};
use crate::text;

/// Arguments of `names`.
#[derive(Debug, Args)]
pub struct NamesArgs {
    /// The device address.
    #[command(flatten)]
    pub host: HostArg,
}

/// The JSON document `names --json` prints.
#[derive(Debug, Serialize)]
pub struct NamesOutput {
    /// The device's IP address.
    pub host: IpAddr,
    /// The serial number.
    pub serial: String,
    /// The device name, when discovery sent one.
    pub device: Option<String>,
    /// One entry per port.
    pub ports: Vec<PortName>,
}

/// The name of one port.
#[derive(Debug, Serialize)]
pub struct PortName {
    /// Port number, from 1.
    pub port: u8,
    /// The name stored on the device; `None` when the firmware keeps no names.
    pub name: Option<String>,
    /// The name shown in tables and accepted by `on` and `off`: the stored name, or `Port N`.
    pub label: String,
}

/// Runs `maxsmart names`.
///
/// # Errors
///
/// Returns [`CliError`] when no host is given or the device cannot be reached.
pub async fn run(global: &GlobalOptions, args: &NamesArgs) -> Result<(), CliError> {
    let host = resolve_host(global, args.host.host)?;
    let session = Session::open(global, host).await?;
    let names = read(&session).await;
    session.close().await;
    print(global, &names)
}

/// Collects the names of a connected device.
pub async fn read(session: &Session) -> NamesOutput {
    let names = session.names();
    let ports = (1..=session.device.port_count().await)
        .map(|port| PortName {
            port,
            name: names.port(port).map(str::to_owned),
            label: label(names, port),
        })
        .collect();
    NamesOutput {
        host: session.host,
        serial: session.serial().to_owned(),
        device: names.device.clone(),
        ports,
    }
}

/// Prints names as a table or JSON.
///
/// # Errors
///
/// Returns [`CliError::Stdout`] when standard output is closed.
pub fn print(global: &GlobalOptions, names: &NamesOutput) -> Result<(), CliError> {
    if global.json {
        return output::json(names);
    }
    let device = names.device.as_deref().unwrap_or("-");
    output::line(&format!(
        "Device {}: {}",
        names.serial,
        text::printable(device)
    ))?;
    let rows: Vec<Vec<Cell>> = names
        .ports
        .iter()
        .map(|port| {
            vec![
                Cell::plain(port.port.to_string()),
                Cell::plain(port.name.clone().unwrap_or_else(|| String::from("-"))),
            ]
        })
        .collect();
    output::print(&table::render(
        &[Column::left("PORT"), Column::left("NAME")],
        &rows,
    ))?;
    if names.ports.iter().all(|port| port.name.is_none()) {
        output::line(
            "This device reports no port names, so other commands label each port by its \
             number (Port 1, Port 2 and so on).",
        )?;
    }
    Ok(())
}
