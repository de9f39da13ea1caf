//! `maxsmart health`: whether the device replies, how fast, and what its firmware supports.

mod checks;

use std::net::IpAddr;

use clap::Args;
use maxsmart_tokio::Protocol;
use maxsmart_tokio::proto::firmware::{Feature, FirmwareFamily, Support};
use serde::Serialize;

use crate::cli::{GlobalOptions, HostArg};
use crate::exit::CliError;
use crate::output;
use crate::table::{self, Cell, Column};
use crate::text;

pub use checks::Check;

/// Arguments of `health`.
#[derive(Debug, Args)]
pub struct HealthArgs {
    /// The device address.
    #[command(flatten)]
    pub host: HostArg,
}

/// The JSON document `health --json` prints.
#[derive(Debug, Serialize)]
pub struct HealthReport {
    /// The device's IP address.
    pub host: IpAddr,
    /// The serial number, when discovery got a reply.
    pub serial: Option<String>,
    /// The firmware version, when discovery sent one.
    pub firmware: Option<String>,
    /// The firmware family the version belongs to.
    pub family: FirmwareFamily,
    /// The protocol the client settled on, when it connected.
    pub protocol: Option<Protocol>,
    /// Whether every check passed.
    pub healthy: bool,
    /// The checks, in the order they ran.
    pub checks: Vec<Check>,
    /// The features the firmware family is known to support.
    pub capabilities: Vec<CapabilityRow>,
}

/// The support of one feature over each transport.
#[derive(Debug, Serialize)]
pub struct CapabilityRow {
    /// The feature.
    pub feature: Feature,
    /// Over HTTP.
    pub http: Support,
    /// Over UDP V3.
    pub v3: Support,
}

/// The features the subcommands use, in the order the table lists them.
const FEATURES: [Feature; 6] = [
    Feature::Status,
    Feature::Switch,
    Feature::Rename,
    Feature::Statistics,
    Feature::DeviceTime,
    Feature::HardwareIds,
];

/// Runs `maxsmart health`.
///
/// The report is printed even when a check fails; the exit code is then that of the first
/// failure.
///
/// # Errors
///
/// Returns the error of the first failed check.
pub async fn run(global: &GlobalOptions, args: &HealthArgs) -> Result<(), CliError> {
    let host = crate::session::resolve_host(global, args.host.host)?;
    let (report, failure) = checks::run(global, host).await?;
    if global.json {
        output::json(&report)?;
    } else {
        output::print(&render(&report))?;
    }
    match failure {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Returns what `family` supports for each feature the subcommands use.
pub fn capabilities(family: FirmwareFamily) -> Vec<CapabilityRow> {
    FEATURES
        .iter()
        .map(|feature| {
            let capability = family.capability(*feature);
            CapabilityRow {
                feature: *feature,
                http: capability.http,
                v3: capability.v3,
            }
        })
        .collect()
}

/// Renders the report as a heading, a table of checks and a table of capabilities.
pub fn render(report: &HealthReport) -> String {
    let serial = report.serial.as_deref().unwrap_or("unknown device");
    let firmware = text::printable(report.firmware.as_deref().unwrap_or("unknown"));
    let protocol = match report.protocol {
        Some(Protocol::Http) => "http",
        Some(Protocol::UdpV3) => "udp v3",
        None => "none",
    };
    let verdict = if report.healthy {
        "healthy"
    } else {
        "unhealthy"
    };
    let mut out = format!(
        "{serial} at {}: {verdict} (firmware {firmware}, family {}, protocol {protocol})\n",
        report.host, report.family
    );

    let rows: Vec<Vec<Cell>> = report
        .checks
        .iter()
        .map(|check| {
            vec![
                Cell::plain(check.name),
                Cell::plain(if check.ok { "ok" } else { "failed" }),
                Cell::plain(
                    check
                        .millis
                        .map_or_else(|| "-".into(), |ms| format!("{ms} ms")),
                ),
                Cell::plain(detail_text(check)),
            ]
        })
        .collect();
    let columns = [
        Column::left("CHECK"),
        Column::left("RESULT"),
        Column::right("TIME"),
        Column::left("DETAIL"),
    ];
    out.push_str(&table::render(&columns, &rows));

    out.push('\n');
    out.push_str(&capability_heading(report.family));
    let rows: Vec<Vec<Cell>> = report
        .capabilities
        .iter()
        .map(|row| {
            vec![
                Cell::plain(row.feature.name()),
                Cell::plain(support_text(row.http)),
                Cell::plain(support_text(row.v3)),
            ]
        })
        .collect();
    let columns = [
        Column::left("FEATURE"),
        Column::left("HTTP"),
        Column::left("UDP V3"),
    ];
    out.push_str(&table::render(&columns, &rows));
    out
}

/// Returns the detail of a passed check. A failed check's message is left to the error line
/// printed after the report, so that it appears once.
fn detail_text(check: &Check) -> String {
    if check.ok {
        check.detail.clone()
    } else {
        String::from("(see the error below)")
    }
}

/// Returns the line above the capability table, ending in a newline.
fn capability_heading(family: FirmwareFamily) -> String {
    if family == FirmwareFamily::Unknown {
        String::from("What the client assumes for firmware of an unknown family:\n")
    } else {
        format!("What firmware family {family} supports:\n")
    }
}

/// Returns the word `health --json` uses for `support`, so text and JSON agree.
fn support_text(support: Support) -> &'static str {
    match support {
        Support::Supported => "supported",
        Support::Unverified => "unverified",
        Support::Unsupported => "unsupported",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_130_supports_every_listed_feature_over_http() {
        let rows = capabilities(FirmwareFamily::V1_30);
        assert_eq!(rows.len(), FEATURES.len());
        let statistics = rows.iter().find(|row| row.feature == Feature::Statistics);
        assert_eq!(statistics.map(|row| row.http), Some(Support::Supported));
        let ids = rows.iter().find(|row| row.feature == Feature::HardwareIds);
        assert_eq!(ids.map(|row| row.http), Some(Support::Unverified));
    }

    #[test]
    fn support_words_match_json() {
        for support in [
            Support::Supported,
            Support::Unverified,
            Support::Unsupported,
        ] {
            let json = serde_json::to_value(support).unwrap();
            assert_eq!(json.as_str(), Some(support_text(support)), "{support:?}");
        }
    }

    #[test]
    fn unknown_family_heading_reads_plainly() {
        assert_eq!(
            capability_heading(FirmwareFamily::Unknown),
            "What the client assumes for firmware of an unknown family:\n"
        );
        assert_eq!(
            capability_heading(FirmwareFamily::V1_30),
            "What firmware family 1.30 supports:\n"
        );
    }

    #[test]
    fn failed_check_detail_is_not_repeated() {
        let failed = Check {
            name: "discovery",
            ok: false,
            millis: Some(800),
            detail: String::from("no discovery reply from 192.0.2.10"),
        };
        assert_eq!(detail_text(&failed), "(see the error below)");
    }

    #[test]
    fn family_5x_has_no_http() {
        let rows = capabilities(FirmwareFamily::V5x);
        assert!(rows.iter().all(|row| row.http == Support::Unsupported));
        assert_eq!(rows[0].v3, Support::Supported);
    }
}
