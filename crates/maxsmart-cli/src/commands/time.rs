//! `maxsmart time`: the device clock next to this computer's clock, and setting it.

use std::net::IpAddr;

use clap::Args;
use maxsmart_tokio::proto::datetime::DateTime;
use maxsmart_tokio::{ClockSetting, DiscoveryRequest, discover_host};
use serde::Serialize;

use crate::cli::{GlobalOptions, HostArg};
use crate::exit::CliError;
use crate::output;
use crate::session::{Session, discover_options, resolve_host};

/// Arguments of `time`.
#[derive(Debug, Args)]
pub struct TimeArgs {
    /// The device address.
    #[command(flatten)]
    pub host: HostArg,
    /// Set the device clock to this computer's local time first, with a dated discovery
    /// request (the way the vendor apps set it).
    #[arg(long)]
    pub set: bool,
}

/// The JSON document `time --json` prints.
#[derive(Debug, Serialize)]
pub struct TimeOutput {
    /// The device's IP address.
    pub host: IpAddr,
    /// The serial number.
    pub serial: String,
    /// The device clock: local time without an offset.
    pub device_time: DateTime,
    /// This computer's local time when the reply arrived.
    pub local_time: DateTime,
    /// The device clock minus the local time, in seconds, or `None` when the device clock
    /// shows a date that does not exist, such as February 30.
    pub difference_seconds: Option<i64>,
    /// Whether the clock was set first.
    pub set: bool,
}

/// Runs `maxsmart time`.
///
/// # Errors
///
/// Returns [`CliError::Client`] when the device cannot be reached or rejects command 502, and
/// [`CliError::LocalClock`] when this computer's clock reads a time the devices cannot hold.
pub async fn run(global: &GlobalOptions, args: &TimeArgs) -> Result<(), CliError> {
    let host = resolve_host(global, args.host.host)?;
    if args.set {
        set_clock(global, host).await?;
    }
    let session = Session::open(global, host).await?;
    let result = read(&session).await;
    session.close().await;
    let mut time = result?;
    time.set = args.set;
    print(global, &time)
}

/// Reads the device clock and compares it with this computer's local time.
///
/// # Errors
///
/// Returns [`CliError::Client`] when the request fails and [`CliError::LocalClock`] when this
/// computer's clock reads a time the devices cannot hold.
pub async fn read(session: &Session) -> Result<TimeOutput, CliError> {
    let device_time = session
        .device
        .device_time()
        .await
        .map_err(CliError::client(format!(
            "cannot read the clock of {}",
            session.serial()
        )))?;
    let local = jiff::ZonedDateTime::now().datetime();
    Ok(TimeOutput {
        host: session.host,
        serial: session.serial().to_owned(),
        device_time,
        local_time: from_civil(local)?,
        difference_seconds: difference(device_time, local),
        set: false,
    })
}

/// Prints the clocks and their difference.
///
/// # Errors
///
/// Returns [`CliError::Stdout`] when standard output is closed.
pub fn print(global: &GlobalOptions, time: &TimeOutput) -> Result<(), CliError> {
    if global.json {
        return output::json(time);
    }
    let difference = difference_text(time);
    if time.set {
        output::line(&format!("Set the clock of {} to local time.", time.serial))?;
    }
    output::line(&format!("Device clock:   {}", readable(&time.device_time)))?;
    output::line(&format!("Local time:     {}", readable(&time.local_time)))?;
    output::line(&format!("Difference:     {difference}"))
}

/// Returns the device clock minus `local` in seconds, or `None` when the device clock shows
/// a date that does not exist.
fn difference(device_time: DateTime, local: jiff::civil::DateTime) -> Option<i64> {
    let device = to_civil(device_time)?;
    Some(device.duration_since(local).as_secs())
}

/// Describes the difference between the clocks, or why there is none.
fn difference_text(time: &TimeOutput) -> String {
    let Some(seconds) = time.difference_seconds else {
        return format!(
            "unknown, because the device clock shows {}, a date that does not exist; set it \
             with `maxsmart time --set`",
            readable(&time.device_time)
        );
    };
    // The two clocks are read a few milliseconds apart and to the whole second, so one
    // second either way is no evidence of drift.
    match seconds {
        -1..=1 => String::from("the clocks agree to within a second"),
        2.. => format!("the device is {} ahead", duration_text(seconds)),
        _ => format!("the device is {} behind", duration_text(-seconds)),
    }
}

/// Sends a dated discovery request, which sets the device clock to local time.
async fn set_clock(global: &GlobalOptions, host: IpAddr) -> Result<(), CliError> {
    let now = jiff::ZonedDateTime::now();
    let local = from_civil(now.datetime())?;
    let offset_seconds = now.offset().seconds();
    // The request carries the UTC offset in whole hours from -12 to 14; a zone such as
    // UTC+5:30 is sent without it.
    let offset_hours = (offset_seconds % 3600 == 0)
        .then(|| i8::try_from(offset_seconds / 3600).ok())
        .flatten()
        .filter(|hours| (-12..=14).contains(hours));
    let setting = ClockSetting::new(local, offset_hours).map_err(|error| {
        CliError::LocalClock(format!(
            "cannot set the clock from this computer's time zone: {error}"
        ))
    })?;
    let mut options = discover_options(global)?;
    options.request = DiscoveryRequest::with_clock(setting);
    discover_host(host, &options)
        .await
        .map_err(CliError::client(format!(
            "cannot set the clock of the device at {host}"
        )))?;
    Ok(())
}

fn to_civil(time: DateTime) -> Option<jiff::civil::DateTime> {
    jiff::civil::DateTime::new(
        i16::try_from(time.year).ok()?,
        i8::try_from(time.month).ok()?,
        i8::try_from(time.day).ok()?,
        i8::try_from(time.hour).ok()?,
        i8::try_from(time.minute).ok()?,
        i8::try_from(time.second).ok()?,
        0,
    )
    .ok()
}

fn from_civil(time: jiff::civil::DateTime) -> Result<DateTime, CliError> {
    let field = |value: i8| u8::try_from(value).unwrap_or(0);
    DateTime::new(
        u16::try_from(time.year()).unwrap_or(0),
        field(time.month()),
        field(time.day()),
        field(time.hour()),
        field(time.minute()),
        field(time.second()),
    )
    .map_err(|error| {
        CliError::LocalClock(format!(
            "this computer's clock reads {time}, which the devices cannot hold: {error}; \
             correct this computer's date and time"
        ))
    })
}

fn readable(time: &DateTime) -> String {
    format!("{} {}", time.date_text(), time.time_text())
}

/// Returns `5 s`, `3 min 20 s` or `2 h 5 min`.
fn duration_text(seconds: i64) -> String {
    let (hours, minutes, seconds) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    match (hours, minutes) {
        (0, 0) => format!("{seconds} s"),
        (0, _) => format!("{minutes} min {seconds} s"),
        _ => format!("{hours} h {minutes} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_text(5), "5 s");
        assert_eq!(duration_text(200), "3 min 20 s");
        assert_eq!(duration_text(7500), "2 h 5 min");
    }

    fn output(device_time: DateTime, difference_seconds: Option<i64>) -> TimeOutput {
        TimeOutput {
            host: "192.0.2.10".parse().unwrap(),
            serial: String::from("SWP6000000000001"),
            device_time,
            local_time: DateTime::new(2024, 3, 1, 12, 0, 0).unwrap(),
            difference_seconds,
            set: false,
        }
    }

    #[test]
    fn impossible_device_date_has_no_difference() {
        let device_time = DateTime {
            year: 2024,
            month: 2,
            day: 30,
            hour: 12,
            minute: 0,
            second: 0,
        };
        let local = jiff::civil::date(2024, 3, 1).at(12, 0, 0, 0);
        assert_eq!(difference(device_time, local), None);
        let text = difference_text(&output(device_time, None));
        assert!(
            text.starts_with("unknown, because the device clock shows 2024-02-30 12:00:00"),
            "{text}"
        );
        assert!(!text.contains("agree"), "{text}");
    }

    #[test]
    fn valid_device_date_gives_the_difference() {
        let device_time = DateTime::new(2024, 3, 1, 12, 3, 20).unwrap();
        let local = jiff::civil::date(2024, 3, 1).at(12, 0, 0, 0);
        assert_eq!(difference(device_time, local), Some(200));
        let text = difference_text(&output(device_time, Some(200)));
        assert_eq!(text, "the device is 3 min 20 s ahead");
    }

    #[test]
    fn local_year_before_1970_is_a_failure() {
        let error = from_civil(jiff::civil::date(1969, 12, 31).at(23, 0, 0, 0)).unwrap_err();
        assert_eq!(error.exit_code(), crate::exit::FAILURE);
        assert!(error.to_string().contains("1969-12-31T23:00:00"), "{error}");
    }

    #[test]
    fn civil_round_trip_keeps_every_field() {
        let time = DateTime::new(2018, 10, 13, 0, 23, 35).unwrap();
        assert_eq!(from_civil(to_civil(time).unwrap()).unwrap(), time);
    }
}
