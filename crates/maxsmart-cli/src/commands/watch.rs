//! `maxsmart watch`: the port table refreshed by the client's adaptive polling until stopped.

mod frame;

use std::io::IsTerminal as _;
use std::time::Duration;

use clap::Args;
use futures::StreamExt as _;
use maxsmart_tokio::{PollConfig, PollEvent, Status};

use crate::cli::{GlobalOptions, HostArg};
use crate::exit::CliError;
use crate::limits::{self, MAX_DURATION, MAX_INTERVAL};
use crate::output;
use crate::ports;
use crate::session::{Session, resolve_host, timeout};
use crate::text;

use frame::{Change, FailureRecord, PollRecord};

/// Arguments of `watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The device address.
    #[command(flatten)]
    pub host: HostArg,
    /// Seconds between polls, at most 86400; polls come faster for a while after a command.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 5.0,
        allow_negative_numbers = true
    )]
    pub interval: f64,
    /// Watts a port's power must change by to be highlighted, from 0 to 10000.
    #[arg(
        long,
        value_name = "WATTS",
        default_value_t = 1.0,
        allow_negative_numbers = true
    )]
    pub threshold: f64,
    /// Stop after this many polls.
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = parse_count
    )]
    pub count: Option<u64>,
    /// Stop after this many seconds, at most 2592000 (30 days).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub duration: Option<f64>,
}

/// The maximum `--threshold`, in watts: above the 3680 W that a 16 A socket on 230 V can
/// deliver, so it still allows any threshold a real port can reach.
const MAX_THRESHOLD_WATTS: f64 = 10_000.0;

/// Runs `maxsmart watch` until Ctrl-C, `--count` polls or `--duration` seconds.
///
/// A failed poll is shown and polling goes on, so a failed poll does not change the exit
/// code.
///
/// # Errors
///
/// Returns [`CliError::Usage`] for invalid options, [`CliError::Client`] when the device
/// cannot be reached at the start, and [`CliError::PollingEnded`] when polling ends without
/// being stopped.
pub async fn run(global: &GlobalOptions, args: &WatchArgs) -> Result<(), CliError> {
    let config = poll_config(global, args)?;
    let duration = args
        .duration
        .map(|seconds| limits::seconds("--duration", seconds, MAX_DURATION))
        .transpose()?;
    if args.count == Some(0) {
        return Err(CliError::Usage(String::from(
            "--count 0 is invalid; give at least 1 poll, or leave it out to watch until Ctrl-C",
        )));
    }
    let host = resolve_host(global, args.host.host)?;
    let session = Session::open(global, host).await?;
    let result = watch(global, args, &session, config, duration).await;
    session.device.stop_polling().await;
    session.close().await;
    result
}

/// Parses `--count`, a whole number of polls.
fn parse_count(text: &str) -> Result<u64, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{text} is not a number of polls; give a whole number from 1"))
}

async fn watch(
    global: &GlobalOptions,
    args: &WatchArgs,
    session: &Session,
    config: PollConfig,
    duration: Option<Duration>,
) -> Result<(), CliError> {
    let stop_at = duration.map(deadline).transpose()?;
    let mut events = session.device.events();
    session.device.start_polling(config).await;
    let mut screen = Screen::new(global, session, config.interval);
    let until_stop = async {
        match stop_at {
            Some(deadline) => tokio::time::sleep_until(deadline).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(until_stop);
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C; stop with --count or --duration");
            std::future::pending::<()>().await;
        }
    };
    tokio::pin!(ctrl_c);

    let mut changes = Vec::new();
    loop {
        let event = tokio::select! {
            event = events.next() => event,
            _ = &mut until_stop => break,
            _ = &mut ctrl_c => break,
        };
        let Some(event) = event else {
            break;
        };
        match event.kind {
            PollEvent::PortSwitched { port, on } => changes.push(Change::Switched { port, on }),
            PollEvent::PowerChanged {
                port,
                previous_watts,
                watts,
            } => changes.push(Change::Power {
                port,
                previous_watts,
                watts,
            }),
            PollEvent::Polled { status, .. } => {
                screen.show_poll(&status, &changes)?;
                changes.clear();
            }
            PollEvent::PollFailed {
                error,
                consecutive_failures,
            } => screen.show_failure(&text::printable(&error.to_string()), consecutive_failures)?,
            PollEvent::PollingEnded { reason } => {
                return Err(polling_ended(session.serial(), &reason));
            }
            other => tracing::debug!(event = ?other, "ignoring poll event"),
        }
        if args.count.is_some_and(|count| screen.polls >= count) {
            break;
        }
    }
    Ok(())
}

/// Returns the error for a polling task that ended without being stopped, after which the
/// event stream ends.
fn polling_ended(serial: &str, reason: &str) -> CliError {
    CliError::PollingEnded {
        serial: serial.to_owned(),
        reason: text::printable(reason).into_owned(),
    }
}

/// Returns the instant `duration` from now.
///
/// # Errors
///
/// Returns [`CliError::Usage`] when the instant is past what the clock can hold.
fn deadline(duration: Duration) -> Result<tokio::time::Instant, CliError> {
    tokio::time::Instant::now()
        .checked_add(duration)
        .ok_or_else(|| {
            CliError::Usage(format!(
                "--duration {} is too long for this computer's clock; give fewer seconds",
                duration.as_secs_f64()
            ))
        })
}

fn poll_config(global: &GlobalOptions, args: &WatchArgs) -> Result<PollConfig, CliError> {
    let interval = limits::seconds("--interval", args.interval, MAX_INTERVAL)?;
    let threshold = threshold_watts(args.threshold)?;
    let defaults = PollConfig::default();
    Ok(PollConfig {
        interval,
        burst_interval: defaults.burst_interval.min(interval),
        power_threshold_watts: threshold,
        timeout: timeout(global)?,
        ..defaults
    })
}

/// Checks `--threshold`, which may be 0 to highlight every change. NaN lies outside the
/// range, so it is rejected too.
fn threshold_watts(watts: f64) -> Result<f64, CliError> {
    if (0.0..=MAX_THRESHOLD_WATTS).contains(&watts) {
        return Ok(watts);
    }
    Err(CliError::Usage(format!(
        "--threshold {watts} is invalid; give watts from 0 to {MAX_THRESHOLD_WATTS}, such as 1"
    )))
}

/// The output of the polls: JSON lines, or text frames that a terminal redraws in place.
struct Screen<'a> {
    json: bool,
    /// Whether each frame replaces the previous one on a terminal.
    redraw: bool,
    session: &'a Session,
    interval: Duration,
    polls: u64,
    /// Whether a poll has been shown, so that later changes compare with a shown status.
    baseline_shown: bool,
    last: Option<Status>,
}

impl<'a> Screen<'a> {
    fn new(global: &GlobalOptions, session: &'a Session, interval: Duration) -> Self {
        Screen {
            json: global.json,
            redraw: !global.json && std::io::stdout().is_terminal(),
            session,
            interval,
            polls: 0,
            baseline_shown: false,
            last: None,
        }
    }

    /// Shows one poll and the changes since the previous one.
    ///
    /// The first poll shown is the baseline, without changes: the client measures them against
    /// the status read on connecting, which was never shown.
    fn show_poll(&mut self, status: &Status, changes: &[Change]) -> Result<(), CliError> {
        self.polls += 1;
        let changes = if self.baseline_shown { changes } else { &[] };
        self.baseline_shown = true;
        let time = local_time(self.json);
        if self.json {
            let rows = ports::rows(status, self.session.names());
            return output::json_line(&PollRecord {
                poll: self.polls,
                time: &time,
                ports: &rows,
                changes,
            });
        }
        let table = frame::render(status, self.session.names(), changes);
        self.last = Some(status.clone());
        output::print(&format!(
            "{}{}\n{table}",
            self.prefix(),
            self.heading(&time)
        ))
    }

    fn show_failure(&mut self, error: &str, consecutive: u32) -> Result<(), CliError> {
        self.polls += 1;
        let time = local_time(self.json);
        if self.json {
            return output::json_line(&FailureRecord {
                poll: self.polls,
                time: &time,
                error,
                consecutive_failures: consecutive,
            });
        }
        let table = self
            .last
            .as_ref()
            .map(|status| frame::render(status, self.session.names(), &[]))
            .unwrap_or_default();
        output::print(&format!(
            "{}{}\npoll failed ({consecutive} in a row): {error}\n{table}",
            self.prefix(),
            self.heading(&time)
        ))
    }

    /// Returns the escape sequence that clears a terminal, or a blank line between frames.
    fn prefix(&self) -> &'static str {
        match (self.redraw, self.polls) {
            (true, _) => "\x1b[2J\x1b[H",
            (false, 1) => "",
            (false, _) => "\n",
        }
    }

    fn heading(&self, time: &str) -> String {
        format!(
            "{} at {}: poll {} at {time}, every {} s (Ctrl-C stops)",
            self.session.serial(),
            self.session.host,
            self.polls,
            self.interval.as_secs_f64()
        )
    }
}

/// Returns this computer's local time, in ISO 8601 form for JSON and with a space for people.
fn local_time(iso: bool) -> String {
    let format = if iso {
        "%Y-%m-%dT%H:%M:%S"
    } else {
        "%Y-%m-%d %H:%M:%S"
    };
    jiff::ZonedDateTime::now()
        .datetime()
        .strftime(format)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polling_end_is_a_local_failure() {
        let error = polling_ended("SWP6000000000001", "the polling task panicked");
        assert_eq!(error.exit_code(), crate::exit::FAILURE);
        assert_eq!(
            error.to_string(),
            "polling SWP6000000000001 ended unexpectedly: the polling task panicked; run the \
             command again, with -vv to log the cause if it repeats"
        );
    }

    #[test]
    fn polling_end_reason_is_made_printable() {
        let error = polling_ended("S", "bad\u{1b}[2Jreason");
        let CliError::PollingEnded { reason, .. } = &error else {
            panic!("{error:?} is not PollingEnded");
        };
        assert!(!reason.contains('\u{1b}'), "{reason:?}");
    }
}
