//! `maxsmart stats`: energy statistics per hour, day or month.

mod bars;
mod csv;
pub mod report;
pub mod svg;

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use maxsmart_tokio::proto::stats::{Statistics, StatisticsKind};

use crate::cli::GlobalOptions;
use crate::exit::CliError;
use crate::output;
use crate::ports::check_port;
use crate::session::{Session, resolve_host};

pub use report::Report;

/// Arguments of `stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The resolution: the last 24 hours, the last 31 days or the last 12 months.
    #[arg(value_enum, default_value_t = KindArg::Hourly)]
    pub kind: KindArg,
    /// Show one port, numbered from 1, instead of every port summed.
    #[arg(
        long,
        value_name = "PORT",
        allow_negative_numbers = true,
        value_parser = crate::ports::parse_port_number
    )]
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
/// [`CliError::Client`] when the device cannot be read, [`CliError::DeviceReply`] when the
/// reply lacks the port's series, and [`CliError::File`] when the SVG file cannot be written.
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
/// Returns [`CliError::Usage`] for a port the device lacks, before anything is sent,
/// [`CliError::Client`] when the request fails, and [`CliError::DeviceReply`] when the reply
/// has fewer series than the port number.
pub async fn read(
    session: &Session,
    kind: StatisticsKind,
    port: Option<u8>,
) -> Result<Report, CliError> {
    let port_count = session.device.port_count().await;
    if let Some(port) = port {
        check_port("--port", port, port_count, session.serial(), "")?;
    }
    let statistics = session
        .device
        .statistics(kind)
        .await
        .map_err(CliError::client(format!(
            "cannot read the statistics of {}",
            session.serial()
        )))?;
    report(session.host, session.serial(), &statistics, port)
}

/// Shapes statistics already read for one port or every port.
///
/// # Errors
///
/// Returns [`CliError::DeviceReply`] when the reply has no series for `port`. The port was
/// checked against the device before the request, so the reply is at fault.
fn report(
    host: IpAddr,
    serial: &str,
    statistics: &Statistics,
    port: Option<u8>,
) -> Result<Report, CliError> {
    Report::new(host, serial, statistics, port).ok_or_else(|| {
        CliError::DeviceReply(format!(
            "the statistics from {serial} have series for {} port(s), so port {} has none; \
             run `maxsmart stats` without --port to see the ports it reported",
            statistics.port_count(),
            port.unwrap_or(0)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stats::report::tests::monthly;

    #[test]
    fn missing_series_is_a_device_error() {
        let host = "192.0.2.10".parse().unwrap();
        let error = report(host, "SWP6000000000001", &monthly(), Some(6)).unwrap_err();
        assert_eq!(error.exit_code(), crate::exit::DEVICE);
        assert_eq!(
            error.to_string(),
            "the statistics from SWP6000000000001 have series for 2 port(s), so port 6 has \
             none; run `maxsmart stats` without --port to see the ports it reported"
        );
    }

    #[test]
    fn reported_port_gives_a_report() {
        let host = "192.0.2.10".parse().unwrap();
        let report = report(host, "S", &monthly(), Some(2)).unwrap();
        assert_eq!(report.port, Some(2));
        assert_eq!(report.total, 15.5);
    }
}
