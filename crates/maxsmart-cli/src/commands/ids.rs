//! `maxsmart ids`: the hardware identifiers a device reports (HTTP command 124).

use std::net::IpAddr;

use clap::Args;
use maxsmart_tokio::proto::ids::HardwareIds;
use serde::Serialize;

use crate::cli::{GlobalOptions, HostArg};
use crate::exit::CliError;
use crate::output;
use crate::session::{Session, resolve_host};
use crate::table::{self, Cell, Column};

/// Arguments of `ids`.
#[derive(Debug, Args)]
pub struct IdsArgs {
    /// The device address.
    #[command(flatten)]
    pub host: HostArg,
}

/// What `ids --json` prints: the identifiers from discovery and from command 124.
#[derive(Debug, Serialize)]
struct IdsOutput<'a> {
    host: IpAddr,
    serial: &'a str,
    mac: Option<&'a str>,
    #[serde(flatten)]
    ids: &'a HardwareIds,
}

/// Runs `maxsmart ids`.
///
/// # Errors
///
/// Returns [`CliError::Client`] when the device cannot be reached or rejects command 124.
pub async fn run(global: &GlobalOptions, args: &IdsArgs) -> Result<(), CliError> {
    let host = resolve_host(global, args.host.host)?;
    let session = Session::open(global, host).await?;
    let result = show(global, &session).await;
    session.close().await;
    result
}

async fn show(global: &GlobalOptions, session: &Session) -> Result<(), CliError> {
    let ids = session
        .device
        .hardware_ids()
        .await
        .map_err(CliError::client(format!(
            "cannot read the hardware identifiers of {}",
            session.serial()
        )))?;
    let output = IdsOutput {
        host: session.host,
        serial: session.serial(),
        mac: session.found.mac(),
        ids: &ids,
    };
    if global.json {
        return output::json(&output);
    }
    let fields = [
        ("serial", Some(output.serial)),
        ("mac", output.mac),
        ("cpu id", ids.cpu_id.as_deref()),
        ("plc mac", ids.plc_mac.as_deref()),
        ("plc dak", ids.plc_dak.as_deref()),
        ("cloud server", ids.server.as_deref()),
    ];
    let rows: Vec<Vec<Cell>> = fields
        .iter()
        .map(|(field, value)| vec![Cell::plain(*field), Cell::plain(value.unwrap_or("-"))])
        .collect();
    output::print(&table::render(
        &[Column::left("FIELD"), Column::left("VALUE")],
        &rows,
    ))
}
