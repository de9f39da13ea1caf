//! Device real-time clock: a local wall-clock time that a client sets and that advances with time.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::Offset;

/// Real-time clock of a device.
///
/// The clock stores local time without an offset, as the device does. It keeps the value it was
/// last set to and the instant of that setting, and reads as that value plus the elapsed time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeviceClock {
    set_at: Timestamp,
    value: DateTime,
    zone: Option<i8>,
}

impl DeviceClock {
    /// Creates a clock that reads `value` at the instant `now`.
    pub(crate) fn new(now: Timestamp, value: DateTime) -> Self {
        DeviceClock {
            set_at: now,
            value,
            zone: None,
        }
    }

    /// Creates a clock that reads the UTC time of `now`, the simulator's default.
    pub(crate) fn utc(now: Timestamp) -> Self {
        DeviceClock::new(now, Offset::UTC.to_datetime(now))
    }

    /// Returns the local time the clock shows at `now`.
    ///
    /// The value saturates at the limits of the calendar instead of failing.
    pub(crate) fn read(&self, now: Timestamp) -> DateTime {
        let elapsed = now.duration_since(self.set_at);
        self.value.saturating_add(elapsed)
    }

    /// Sets the clock to `value` at the instant `now`, with the discovery zone field if sent.
    pub(crate) fn set(&mut self, now: Timestamp, value: DateTime, zone: Option<i8>) {
        self.set_at = now;
        self.value = value;
        self.zone = zone;
    }

    /// Returns the zone field of the last clock setting (UTC offset in hours plus 12).
    pub(crate) fn zone(&self) -> Option<i8> {
        self.zone
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;
    use jiff::civil::date;

    #[test]
    fn clock_advances_with_time() {
        let start = Timestamp::from_second(1_000_000_000).unwrap();
        let clock = DeviceClock::new(start, date(2018, 10, 7).at(10, 48, 42, 0));
        let later = start.checked_add(SignedDuration::from_secs(90)).unwrap();
        assert_eq!(clock.read(later), date(2018, 10, 7).at(10, 50, 12, 0));
    }

    #[test]
    fn setting_replaces_value_and_zone() {
        let start = Timestamp::from_second(1_000_000_000).unwrap();
        let mut clock = DeviceClock::utc(start);
        clock.set(start, date(2016, 5, 27).at(16, 51, 0, 0), Some(20));
        assert_eq!(clock.read(start), date(2016, 5, 27).at(16, 51, 0, 0));
        assert_eq!(clock.zone(), Some(20));
    }
}
