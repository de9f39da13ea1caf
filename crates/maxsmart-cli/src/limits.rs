//! Ranges of the options given in seconds, checked before any of them is added to a clock.
//!
//! A value past these ranges would overflow an instant (`--timeout 1e19`) or wait for years
//! (`--interval 1e19`), so it is a usage error that names the value and the range.

use std::time::Duration;

use crate::exit::CliError;

/// The maximum `--timeout`: one hour per reply.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(3600);

/// The maximum `watch --interval`: one day between polls.
pub const MAX_INTERVAL: Duration = Duration::from_secs(24 * 3600);

/// The maximum `watch --duration`: 30 days.
pub const MAX_DURATION: Duration = Duration::from_secs(30 * 24 * 3600);

/// Converts `value` seconds given with `option` to a duration above zero and at most `max`.
///
/// # Errors
///
/// Returns [`CliError::Usage`] naming the option, the value and the range for zero, a
/// negative number, NaN, infinity or a value above `max`.
pub fn seconds(option: &str, value: f64, max: Duration) -> Result<Duration, CliError> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|duration| !duration.is_zero() && *duration <= max)
        .ok_or_else(|| {
            CliError::Usage(format!(
                "{option} {value} is invalid; give a number of seconds above 0 and at most {}",
                max.as_secs()
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_inside_the_range_convert() {
        assert_eq!(
            seconds("--timeout", 0.5, MAX_TIMEOUT).unwrap(),
            Duration::from_millis(500)
        );
        assert_eq!(
            seconds("--timeout", 3600.0, MAX_TIMEOUT).unwrap(),
            MAX_TIMEOUT
        );
    }

    #[test]
    fn values_outside_the_range_are_usage_errors() {
        for value in [0.0, -1.0, 3600.5, 1e19, f64::NAN, f64::INFINITY] {
            let error = seconds("--timeout", value, MAX_TIMEOUT).unwrap_err();
            assert_eq!(error.exit_code(), crate::exit::USAGE, "{value}");
            let message = error.to_string();
            assert!(
                message.starts_with(&format!("--timeout {value} is invalid")),
                "{message}"
            );
            assert!(message.ends_with("at most 3600"), "{message}");
        }
    }

    #[test]
    fn huge_duration_names_its_maximum() {
        let error = seconds("--duration", 1e19, MAX_DURATION).unwrap_err();
        assert_eq!(
            error.to_string(),
            "--duration 10000000000000000000 is invalid; give a number of seconds above 0 and \
             at most 2592000"
        );
    }
}
