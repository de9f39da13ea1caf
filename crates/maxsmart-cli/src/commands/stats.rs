//! `maxsmart stats`: energy statistics per hour, day or month.

mod bars;
mod csv;
pub mod report;
pub mod svg;

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use maxsmart_tokio::proto::stats::StatisticsKind;

use crate::cli::GlobalOptions;
use crate::exit::CliError;
use crate::output;
use crate::session::{Session, resolve_host};

pub use report::Report;

/// Arguments of `stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The resolution: the last 24 hours, the last 31 days or the last 12 months.
    #[arg(value_enum, default_value_t = KindArg::Hourly)]
    pub kind: KindArg,
    /// Show one port, numbered from 1, instead of every port summed.
    #[arg(long, value_name = "PORT")]
    pub port: Option<u8>,
    /// Also write the chart as an SVG image to this file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Print the samples as CSV instead of a bar chart.
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
}

/// The resolution on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// 24 samples, one per hour.
    Hourly,
    /// 31 samples, one per day.
    Daily,
    /// 12 samples, one per month.
    Monthly,
}

impl From<KindArg> for StatisticsKind {
    fn from(kind: KindArg) -> Self {
        match kind {
            KindArg::Hourly => StatisticsKind::Hourly,
            KindArg::Daily => StatisticsKind::Daily,
            KindArg::Monthly => StatisticsKind::Monthly,
        }
    }
}

/// Runs `maxsmart stats`.
///
/// # Errors
///
/// Returns [`CliError::Usage`] for a port the device lacks (checked before the request),
/// [`CliError::Client`] when the device cannot be read, and [`CliError::File`] when the SVG
/// file cannot be written.
pub async fn run(global: &GlobalOptions, args: &StatsArgs) -> Result<(), CliError> {
    let host = resolve_host(global, None)?;
    let session = Session::open(global, host).await?;
    let report = read(&session, args.kind.into(), args.port).await;
    session.close().await;
    print(global, args, &report?)
}

/// Reads statistics of `kind` and shapes them for one port or every port.
///
/// # Errors
///
/// Returns [`CliError::Usage`] for a port the device lacks, before anything is sent, and
/// [`CliError::Client`] when the request fails.
pub async fn read(
    session: &Session,
    kind: StatisticsKind,
    port: Option<u8>,
) -> Result<Report, CliError> {
    let port_count = session.device.port_count().await;
    if let Some(port) = port.filter(|port| !(1..=port_count).contains(port)) {
        return Err(CliError::Usage(format!(
            "--port {port} is out of range for {}: its ports are 1 to {port_count}",
            session.serial()
        )));
    }
    let statistics = session
        .device
        .statistics(kind)
        .await
        .map_err(CliError::client(format!(
            "cannot read the statistics of {}",
            session.serial()
        )))?;
    Report::new(session.host, session.serial(), &statistics, port).ok_or_else(|| {
        CliError::Usage(format!(
            "--port {} is out of range for {}: its statistics cover {} port(s)",
            port.unwrap_or(0),
            session.serial(),
            statistics.port_count()
        ))
    })
}

/// Prints a report as the options ask and writes the SVG file when one is named.
///
/// # Errors
///
/// Returns [`CliError::File`] when the SVG file cannot be written and [`CliError::Stdout`]
/// when standard output is closed.
pub fn print(global: &GlobalOptions, args: &StatsArgs, report: &Report) -> Result<(), CliError> {
    if let Some(path) = &args.svg {
        svg::write(report, path)?;
    }
    if global.json {
        return output::json(report);
    }
    if args.csv {
        return output::print(&csv::render(report));
    }
    output::print(&bars::render(report))?;
    if let Some(path) = &args.svg {
        output::line(&format!("Wrote the chart to {}.", path.display()))?;
    }
    Ok(())
}
