//! `maxsmart on` and `maxsmart off`: switch one port, several, or all.

mod selection;

use std::net::IpAddr;

use clap::Args;
use maxsmart_tokio::{PortSelector, Status};
use serde::Serialize;

use crate::cli::GlobalOptions;
use crate::exit::CliError;
use crate::output;
use crate::ports::{self, PortRow, state_text};
use crate::session::{Session, resolve_host};

use selection::Selection;
pub use selection::{PortArg, find_name};

/// Arguments of `on` and `off`.
#[derive(Debug, Args)]
pub struct SwitchArgs {
    /// Ports to switch: numbers from 1, port names as `maxsmart names` shows them, or `all`.
    #[arg(required = true, value_name = "PORT", allow_negative_numbers = true)]
    pub ports: Vec<PortArg>,
}

/// What `on --json` and `off --json` print.
#[derive(Debug, Serialize)]
struct SwitchOutput<'a> {
    host: IpAddr,
    serial: &'a str,
    /// The state requested.
    on: bool,
    /// The ports switched, or every port when `all` was given.
    switched: Switched,
    /// The ports as read back after the last switch.
    ports: &'a [PortRow],
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Switched {
    All(&'static str),
    Ports(Vec<u8>),
}

/// Runs `maxsmart on` (`on` true) or `maxsmart off`.
///
/// Every port argument is checked against the device before the first switch command, so an
/// invalid port switches nothing.
///
/// # Errors
///
/// Returns [`CliError::Usage`] for an invalid port and [`CliError::Client`] when a switch
/// fails or the port does not take the new state.
pub async fn run(global: &GlobalOptions, args: &SwitchArgs, on: bool) -> Result<(), CliError> {
    let host = resolve_host(global, None)?;
    let session = Session::open(global, host).await?;
    let result = switch(global, &session, &args.ports, on).await;
    session.close().await;
    result
}

async fn switch(
    global: &GlobalOptions,
    session: &Session,
    args: &[PortArg],
    on: bool,
) -> Result<(), CliError> {
    let port_count = session.device.port_count().await;
    let selection = selection::resolve(args, port_count, session.names(), session.serial())?;
    let targets = match &selection {
        Selection::All => vec![PortSelector::All],
        Selection::Ports(ports) => ports.iter().copied().map(PortSelector::One).collect(),
    };

    let mut last: Option<Status> = None;
    for target in targets {
        let action = format!(
            "cannot switch {} of {} {}",
            describe(target),
            session.serial(),
            state_text(on)
        );
        let status = session
            .device
            .switch(target, on)
            .await
            .map_err(CliError::client(action))?;
        last = Some(status);
    }
    let Some(status) = last else {
        return Ok(());
    };

    let rows = ports::rows(&status, session.names());
    if global.json {
        let switched = match selection {
            Selection::All => Switched::All("all"),
            Selection::Ports(ports) => Switched::Ports(ports),
        };
        return output::json(&SwitchOutput {
            host: session.host,
            serial: session.serial(),
            on,
            switched,
            ports: &rows,
        });
    }
    let summary = match &selection {
        Selection::All => format!("Switched every port {}.", state_text(on)),
        Selection::Ports(ports) => format!("Switched {} {}.", list_ports(ports), state_text(on)),
    };
    output::line(&summary)?;
    output::print(&ports::render(&rows))
}

fn describe(target: PortSelector) -> String {
    match target {
        PortSelector::All => String::from("every port"),
        PortSelector::One(port) => format!("port {port}"),
    }
}

/// Returns `port 1`, `ports 1 and 3` or `ports 1, 2 and 3`.
fn list_ports(ports: &[u8]) -> String {
    let numbers: Vec<String> = ports.iter().map(u8::to_string).collect();
    match numbers.as_slice() {
        [one] => format!("port {one}"),
        [init @ .., last] => format!("ports {} and {last}", init.join(", ")),
        [] => String::from("no port"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_lists_read_as_english() {
        assert_eq!(list_ports(&[2]), "port 2");
        assert_eq!(list_ports(&[1, 3]), "ports 1 and 3");
        assert_eq!(list_ports(&[1, 2, 3]), "ports 1, 2 and 3");
    }
}
