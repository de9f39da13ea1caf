//! `maxsmart status`: the port table of one device.

use std::net::IpAddr;

use clap::Args;
use maxsmart_tokio::Status;
use serde::Serialize;

use crate::cli::{GlobalOptions, HostArg};
use crate::exit::CliError;
use crate::output;
use crate::ports::{self, PortRow};
use crate::session::{Session, resolve_host};

/// Arguments of `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The device address.
    #[command(flatten)]
    pub host: HostArg,
}

/// The JSON document `status --json` prints.
#[derive(Debug, Serialize)]
pub struct StatusOutput<'a> {
    /// The device's IP address.
    pub host: IpAddr,
    /// The serial number.
    pub serial: &'a str,
    /// The device name, when discovery sent one.
    pub name: Option<&'a str>,
    /// The firmware version, when discovery sent one.
    pub firmware: Option<&'a str>,
    /// One entry per port.
    pub ports: &'a [PortRow],
}

/// Runs `maxsmart status`.
///
/// # Errors
///
/// Returns [`CliError`] when no host is given or the device cannot be read.
pub async fn run(global: &GlobalOptions, args: &StatusArgs) -> Result<(), CliError> {
    let host = resolve_host(global, args.host.host)?;
    let session = Session::open(global, host).await?;
    let result = print_status(global, &session).await;
    session.close().await;
    result
}

/// Reads the ports of a connected device and prints them as a table or JSON.
///
/// # Errors
///
/// Returns [`CliError::Client`] when the read fails.
pub async fn print_status(global: &GlobalOptions, session: &Session) -> Result<(), CliError> {
    let status = session
        .device
        .status()
        .await
        .map_err(CliError::client(format!(
            "cannot read the status of {}",
            session.serial()
        )))?;
    print_ports(global, session, &status)
}

/// Prints a status already read, as a table or JSON.
///
/// # Errors
///
/// Returns [`CliError::Stdout`] when standard output is closed.
pub fn print_ports(
    global: &GlobalOptions,
    session: &Session,
    status: &Status,
) -> Result<(), CliError> {
    let rows = ports::rows(status, session.names());
    if global.json {
        return output::json(&StatusOutput {
            host: session.host,
            serial: session.serial(),
            name: session.name(),
            firmware: session.firmware(),
            ports: &rows,
        });
    }
    output::print(&ports::render(&rows))
}
