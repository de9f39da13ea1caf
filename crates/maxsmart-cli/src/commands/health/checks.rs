//! The checks of `maxsmart health`: discovery, connection, status and clock, each timed.

use std::net::IpAddr;
use std::time::Instant;

use maxsmart_tokio::proto::firmware::{Feature, FirmwareFamily, Support};
use maxsmart_tokio::{Device, DeviceBuilder, DiscoverOptions, Error, FoundDevice, discover_host};
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
    let options = discover_options(global)?;
    let mut report = empty_report(host);

    let found = match discovery_check(host, &options).await {
        Ok((found, check)) => {
            report.checks.push(check);
            found
        }
        Err((check, error)) => {
            report.checks.push(check);
            report.capabilities = capabilities(report.family);
            return Ok((report, Some(error)));
        }
    };
    record_discovery(&mut report, &found);

    let device = match connect_check(device_builder(global, &found)?, found.serial()).await {
        Ok((device, check)) => {
            report.protocol = Some(device.protocol().await);
            report.checks.push(check);
            device
        }
        Err((check, error)) => {
            report.checks.push(check);
            return Ok((report, Some(error)));
        }
    };

    let failure = device_checks(&device, &mut report.checks).await;
    device.close().await;
    report.healthy = failure.is_none();
    Ok((report, failure))
}

/// Returns a report of `host` with no check run and nothing known about the device.
fn empty_report(host: IpAddr) -> HealthReport {
    HealthReport {
        host,
        serial: None,
        firmware: None,
        family: FirmwareFamily::Unknown,
        protocol: None,
        healthy: false,
        checks: Vec::new(),
        capabilities: Vec::new(),
    }
}

/// Copies the serial number and firmware from discovery into the report, with what the
/// firmware family supports.
fn record_discovery(report: &mut HealthReport, found: &FoundDevice) {
    report.serial = Some(found.serial().to_owned());
    report.firmware = found.firmware().map(str::to_owned);
    report.family = FirmwareFamily::from_optional(found.firmware());
    report.capabilities = capabilities(report.family);
}

/// A step whose value the next step needs: the value and its passed check, or the failed
/// check and its error.
type Step<T> = Result<(T, Check), (Check, CliError)>;

/// Asks `host` to identify itself over UDP.
async fn discovery_check(host: IpAddr, options: &DiscoverOptions) -> Step<FoundDevice> {
    let started = Instant::now();
    match discover_host(host, options).await {
        Ok(found) => {
            let names = found.port_names().map_or(0, <[String]>::len);
            let detail = format!(
                "\"{}\", {names} port name(s)",
                found.name().unwrap_or_default()
            );
            let check = Check::passed("discovery", started, detail);
            Ok((found, check))
        }
        Err(error) => {
            let error = CliError::client(discovery_action(host, &error))(error);
            Err((Check::failed("discovery", Some(started), &error), error))
        }
    }
}

/// Words the failed discovery step of `host` from the client's `error`.
fn discovery_action(host: IpAddr, error: &Error) -> String {
    match error {
        Error::InvalidDiscoveryReply { .. } => {
            format!("cannot decode the discovery reply from {host}")
        }
        Error::NotFound { .. } | Error::Timeout { .. } => format!("no discovery reply from {host}"),
        _ => format!("discovery of {host} failed"),
    }
}

/// Connects with `builder`, which carries the serial number and firmware from discovery.
async fn connect_check(builder: DeviceBuilder, serial: &str) -> Step<Device> {
    let started = Instant::now();
    match builder.connect().await {
        Ok(device) => {
            let detail = format!("{} port(s)", device.port_count().await);
            let check = Check::passed("connect", started, detail);
            Ok((device, check))
        }
        Err(error) => {
            let error = CliError::client(format!("cannot connect to {serial}"))(error);
            Err((Check::failed("connect", Some(started), &error), error))
        }
    }
}

/// Runs the checks of a connected device, appends them to `checks` and returns the first
/// failure.
async fn device_checks(device: &Device, checks: &mut Vec<Check>) -> Option<CliError> {
    let mut failure = None;
    for check in [status_check(device).await, clock_check(device).await] {
        match check {
            Ok(Some(check)) => checks.push(check),
            Ok(None) => {}
            Err((check, error)) => {
                checks.push(check);
                failure.get_or_insert(error);
            }
        }
    }
    failure
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

/// Reads the clock where a source shows the firmware replying to it over the protocol in
/// use, and skips it where support is unverified or absent.
async fn clock_check(device: &Device) -> CheckResult {
    let support = device.context().await.check_feature(Feature::DeviceTime);
    if support != Ok(Support::Supported) {
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
