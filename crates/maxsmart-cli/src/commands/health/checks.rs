//! The checks of `maxsmart health`: discovery, connection, status and clock, each timed.

use std::net::IpAddr;
use std::time::Instant;

use maxsmart_tokio::proto::firmware::{Feature, FirmwareFamily, Support};
use maxsmart_tokio::{Device, discover_host};
use serde::Serialize;

use crate::cli::GlobalOptions;
use crate::commands::health::{HealthReport, capabilities};
use crate::exit::CliError;
use crate::session::{device_builder, discover_options};

/// The result of one check.
#[derive(Debug, Serialize)]
pub struct Check {
    /// The check's name: `discovery`, `connect`, `status` or `clock`.
    pub name: &'static str,
    /// Whether it passed.
    pub ok: bool,
    /// How long it took, in milliseconds; `None` when it was skipped.
    pub millis: Option<u128>,
    /// The finding, or the error message of a failure.
    pub detail: String,
}

impl Check {
    fn passed(name: &'static str, started: Instant, detail: String) -> Self {
        Check {
            name,
            ok: true,
            millis: Some(started.elapsed().as_millis()),
            detail,
        }
    }

    fn failed(name: &'static str, started: Option<Instant>, error: &CliError) -> Self {
        Check {
            name,
            ok: false,
            millis: started.map(|started| started.elapsed().as_millis()),
            detail: error.to_string(),
        }
    }
}

/// Runs every check that can run and returns the report with the first failure.
///
/// A failed discovery or connection skips the checks that need a connected device.
///
/// # Errors
///
/// Returns [`CliError::Usage`] only for invalid options; device failures go into the report.
pub async fn run(
    global: &GlobalOptions,
    host: IpAddr,
) -> Result<(HealthReport, Option<CliError>), CliError> {
    let mut checks = Vec::new();
    let mut report = HealthReport {
        host,
        serial: None,
        firmware: None,
        family: FirmwareFamily::Unknown,
        protocol: None,
        healthy: false,
        checks: Vec::new(),
        capabilities: Vec::new(),
    };

    let started = Instant::now();
    let found = match discover_host(host, &discover_options(global)?).await {
        Ok(found) => found,
        Err(error) => {
            let error = CliError::client(format!("no discovery reply from {host}"))(error);
            checks.push(Check::failed("discovery", Some(started), &error));
            report.checks = checks;
            report.capabilities = capabilities(report.family);
            return Ok((report, Some(error)));
        }
    };
    let names = found.port_names().map_or(0, <[String]>::len);
    checks.push(Check::passed(
        "discovery",
        started,
        format!(
            "\"{}\", {names} port name(s)",
            found.name().unwrap_or_default()
        ),
    ));
    report.serial = Some(found.serial().to_owned());
    report.firmware = found.firmware().map(str::to_owned);
    report.family = FirmwareFamily::from_optional(found.firmware());
    report.capabilities = capabilities(report.family);

    let started = Instant::now();
    let mut builder = device_builder(global, host)?.serial(found.serial());
    if let Some(firmware) = found.firmware() {
        builder = builder.firmware(firmware);
    }
    let device = match builder.connect().await {
        Ok(device) => device,
        Err(error) => {
            let error = CliError::client(format!("cannot connect to {}", found.serial()))(error);
            checks.push(Check::failed("connect", Some(started), &error));
            report.checks = checks;
            return Ok((report, Some(error)));
        }
    };
    report.protocol = Some(device.protocol().await);
    checks.push(Check::passed(
        "connect",
        started,
        format!("{} port(s)", device.port_count().await),
    ));

    let mut failure = None;
    for check in [
        status_check(&device).await,
        clock_check(&device, report.family).await,
    ] {
        match check {
            Ok(Some(check)) => checks.push(check),
            Ok(None) => {}
            Err((check, error)) => {
                checks.push(check);
                failure.get_or_insert(error);
            }
        }
    }
    device.close().await;
    report.healthy = failure.is_none();
    report.checks = checks;
    Ok((report, failure))
}

type CheckResult = Result<Option<Check>, (Check, CliError)>;

async fn status_check(device: &Device) -> CheckResult {
    let started = Instant::now();
    match device.status().await {
        Ok(status) => {
            let on = status.ports.iter().filter(|port| port.on).count();
            let watts: f64 = status.ports.iter().filter_map(|port| port.watts).sum();
            let detail = format!("{on} of {} port(s) on, {watts:.1} W", status.ports.len());
            Ok(Some(Check::passed("status", started, detail)))
        }
        Err(error) => {
            let error = CliError::client("cannot read the status")(error);
            Err((Check::failed("status", Some(started), &error), error))
        }
    }
}

/// Reads the clock where a source shows the firmware replying to it, and skips it elsewhere.
async fn clock_check(device: &Device, family: FirmwareFamily) -> CheckResult {
    let protocol = device.protocol().await;
    let capability = family.capability(Feature::DeviceTime);
    let support = match protocol {
        maxsmart_tokio::Protocol::Http => capability.http,
        maxsmart_tokio::Protocol::UdpV3 => capability.v3,
    };
    if support != Support::Supported {
        return Ok(None);
    }
    let started = Instant::now();
    match device.execute(|context| context.read_device_time()).await {
        Ok(time) => Ok(Some(Check::passed(
            "clock",
            started,
            format!("{} {}", time.date_text(), time.time_text()),
        ))),
        Err(error) => {
            let error = CliError::client("cannot read the clock")(error);
            Err((Check::failed("clock", Some(started), &error), error))
        }
    }
}
