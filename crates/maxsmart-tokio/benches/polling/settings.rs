//! Benchmark settings, read from environment variables and then from command-line options.

use std::time::Duration;

/// The help text printed for `--help` and after an invalid option.
pub const USAGE: &str = "\
Usage: cargo bench -p maxsmart-tokio --bench polling -- [OPTIONS]

Options (each also read from the environment variable in brackets):
  --devices N          simulated devices to poll, at least 1 [MAXSMART_BENCH_DEVICES] (default 1000)
  --interval SECONDS   polling interval, more than 0 [MAXSMART_BENCH_INTERVAL] (default 1)
  --duration SECONDS   length of the measured window, more than 0 [MAXSMART_BENCH_DURATION] (default 20)
  --start spread|burst spread: poll starts spread evenly over one interval;
                       burst: every device starts polling at once [MAXSMART_BENCH_START] (default spread)";

/// The schedule on which the devices start polling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartMode {
    /// Device `i` of `n` starts `i / n` intervals after the first, so polls are spread evenly.
    Spread,
    /// Every device starts at once, so all polls of one round go out together.
    Burst,
}

/// The parameters of one benchmark run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The number of simulated devices, each polled by its own client device.
    pub devices: usize,
    /// The polling interval of every device.
    pub interval: Duration,
    /// The length of the measured window, which begins one interval after the last device
    /// started polling.
    pub duration: Duration,
    /// The schedule on which the devices start polling.
    pub start: StartMode,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            devices: 1000,
            interval: Duration::from_secs(1),
            duration: Duration::from_secs(20),
            start: StartMode::Spread,
        }
    }
}

/// The action the command line requests.
#[derive(Debug)]
pub enum Request {
    /// Run with these settings.
    Run(Settings),
    /// Print the usage and exit.
    Help,
}

impl Settings {
    /// Reads the settings from the `MAXSMART_BENCH_*` environment variables, then from
    /// `arguments`, so an option overrides its variable.
    ///
    /// `--bench`, which `cargo bench` passes to every bench binary, is ignored.
    ///
    /// # Errors
    ///
    /// Returns a message naming the invalid option or value.
    pub fn parse(arguments: impl IntoIterator<Item = String>) -> Result<Request, String> {
        let mut settings = Settings::default();
        for (variable, option) in [
            ("MAXSMART_BENCH_DEVICES", "--devices"),
            ("MAXSMART_BENCH_INTERVAL", "--interval"),
            ("MAXSMART_BENCH_DURATION", "--duration"),
            ("MAXSMART_BENCH_START", "--start"),
        ] {
            if let Ok(value) = std::env::var(variable) {
                settings
                    .apply(option, &value)
                    .map_err(|error| format!("{variable}: {error}"))?;
            }
        }
        let mut arguments = arguments.into_iter();
        while let Some(argument) = arguments.next() {
            match argument.as_str() {
                "--bench" => {}
                "--help" | "-h" => return Ok(Request::Help),
                "--devices" | "--interval" | "--duration" | "--start" => {
                    let value = arguments
                        .next()
                        .ok_or_else(|| format!("{argument}: missing value"))?;
                    settings
                        .apply(&argument, &value)
                        .map_err(|error| format!("{argument}: {error}"))?;
                }
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        Ok(Request::Run(settings))
    }

    fn apply(&mut self, option: &str, value: &str) -> Result<(), String> {
        match option {
            "--devices" => self.devices = parse_count(value)?,
            "--interval" => self.interval = parse_seconds(value)?,
            "--duration" => self.duration = parse_seconds(value)?,
            "--start" => self.start = parse_start(value)?,
            _ => unreachable!("only the options listed in `parse` are applied"),
        }
        Ok(())
    }
}

fn parse_count(value: &str) -> Result<usize, String> {
    match value.trim().parse::<usize>() {
        Ok(count) if count >= 1 => Ok(count),
        _ => Err(format!(
            "invalid count `{value}`, expected an integer of at least 1"
        )),
    }
}

fn parse_seconds(value: &str) -> Result<Duration, String> {
    let invalid =
        || format!("invalid duration `{value}`, expected seconds more than 0, such as 0.5");
    let seconds = value.trim().parse::<f64>().map_err(|_| invalid())?;
    if !seconds.is_finite() || seconds <= 0.0 {
        return Err(invalid());
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| invalid())
}

fn parse_start(value: &str) -> Result<StartMode, String> {
    match value.trim() {
        "spread" => Ok(StartMode::Spread),
        "burst" => Ok(StartMode::Burst),
        _ => Err(format!(
            "invalid start mode `{value}`, expected spread or burst"
        )),
    }
}
