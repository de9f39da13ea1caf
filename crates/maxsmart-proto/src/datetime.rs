//! Naive local date and time, the way the devices write them.

use core::fmt;

use serde::{Serialize, Serializer};

use crate::error::InvalidArgument;

/// A wall-clock date and time without a zone, as the device clock holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    /// Year, such as 2018.
    pub year: u16,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to the month's length. Values parsed from a device reply may
    /// name a day past the month's end, such as February 30, because the device reports
    /// whatever its clock was set to.
    pub day: u8,
    /// Hour, 0 to 23.
    pub hour: u8,
    /// Minute, 0 to 59.
    pub minute: u8,
    /// Second, 0 to 59.
    pub second: u8,
}

impl DateTime {
    /// Creates a date-time after checking each field's range.
    ///
    /// # Errors
    ///
    /// Returns [`InvalidArgument::OutOfRange`] naming the first field outside its range, as
    /// [`DateTime::new_lenient`] checks them, then a day past the end of its month in the
    /// Gregorian calendar, so February 29 exists in leap years only.
    pub fn new(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<Self, InvalidArgument> {
        let value = DateTime::new_lenient(year, month, day, hour, minute, second)?;
        check_day(year, month, day)?;
        Ok(value)
    }

    /// Creates a date-time the way a device reports it, checking the day against 1 to 31
    /// only.
    ///
    /// A device clock set to a day past the month's end, such as `2024-02-30`, keeps and
    /// reports that day, so replies are read with this constructor. Values built by a caller
    /// go through [`DateTime::new`], which also checks the month length.
    ///
    /// # Errors
    ///
    /// Returns [`InvalidArgument::OutOfRange`] naming the first field outside its range.
    pub fn new_lenient(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<Self, InvalidArgument> {
        check("year", year.into(), 1970, 9999, "1970 to 9999")?;
        check("month", month.into(), 1, 12, "1 to 12")?;
        check("day", day.into(), 1, 31, "1 to 31")?;
        check("hour", hour.into(), 0, 23, "0 to 23")?;
        check("minute", minute.into(), 0, 59, "0 to 59")?;
        check("second", second.into(), 0, 59, "0 to 59")?;
        Ok(DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }

    /// Parses `yyyy-MM-dd,HH:mm:ss` from a device reply, such as the clock (command 502).
    ///
    /// The day is checked against 1 to 31 only, as [`DateTime::new_lenient`] does, so a
    /// clock showing `2024-02-30` keeps that day. Returns `None` when the text has another
    /// shape or a field is out of that range.
    pub fn parse_device(text: &str) -> Option<Self> {
        let (date, time) = text.trim().split_once(',')?;
        let (year, month, day, hour, minute, second) = split_fields(date, time)?;
        DateTime::new_lenient(year, month, day, hour, minute, second).ok()
    }

    /// Parses a date `yyyy-MM-dd` and a time `HH:mm:ss` given separately, with the checks
    /// of [`DateTime::new`].
    ///
    /// Returns `None` when either text has another shape or the date does not exist.
    pub fn parse_parts(date: &str, time: &str) -> Option<Self> {
        let (year, month, day, hour, minute, second) = split_fields(date, time)?;
        DateTime::new(year, month, day, hour, minute, second).ok()
    }

    /// Returns the date as `yyyy-MM-dd`.
    pub fn date_text(&self) -> alloc::string::String {
        alloc::format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Returns the time of day as `HH:mm:ss`.
    pub fn time_text(&self) -> alloc::string::String {
        alloc::format!("{:02}:{:02}:{:02}", self.hour, self.minute, self.second)
    }

    /// Converts a Unix time in seconds to the UTC date and time.
    ///
    /// One-time rules (commands 206 and 516) carry their moment this way. Returns `None`
    /// past the year 9999.
    ///
    /// ```
    /// use maxsmart_proto::datetime::DateTime;
    ///
    /// let moment = DateTime::from_unix_seconds(1_539_387_495).unwrap();
    /// assert_eq!(moment.to_string(), "2018-10-12,23:38:15");
    /// assert_eq!(moment.to_unix_seconds(), 1_539_387_495);
    /// ```
    pub fn from_unix_seconds(seconds: u64) -> Option<Self> {
        let days = i64::try_from(seconds / SECONDS_PER_DAY).ok()?;
        let (year, month, day) = civil_from_days(days);
        let second_of_day = seconds % SECONDS_PER_DAY;
        DateTime::new(
            u16::try_from(year).ok()?,
            month,
            day,
            (second_of_day / 3600) as u8,
            (second_of_day / 60 % 60) as u8,
            (second_of_day % 60) as u8,
        )
        .ok()
    }

    /// Returns the Unix time in seconds, reading this date and time as UTC.
    pub fn to_unix_seconds(&self) -> u64 {
        let days = days_from_civil(self.year.into(), self.month, self.day);
        let seconds_of_day =
            u64::from(self.hour) * 3600 + u64::from(self.minute) * 60 + u64::from(self.second);
        u64::try_from(days).unwrap_or(0) * SECONDS_PER_DAY + seconds_of_day
    }
}

const SECONDS_PER_DAY: u64 = 86_400;

/// Returns the number of days in `month` (1 to 12) of `year` in the Gregorian calendar.
pub(crate) fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        _ => 28,
    }
}

/// Returns the number of days from 1970-01-01 to the given Gregorian date.
///
/// The calendar repeats every 400 years (146 097 days). Counting years from March puts the
/// leap day at the end of each counted year, which keeps the day-of-year formula linear.
pub(crate) fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let month = i64::from(month);
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Returns the Gregorian year, month and day `days` after 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u8;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u8;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Writes the device format `yyyy-MM-dd,HH:mm:ss`.
impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.date_text(), self.time_text())
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{}T{}", self.date_text(), self.time_text()))
    }
}

/// Splits `yyyy-MM-dd` and `HH:mm:ss` into numbers without checking their ranges.
fn split_fields(date: &str, time: &str) -> Option<(u16, u8, u8, u8, u8, u8)> {
    let mut date_fields = date.split('-');
    let year = date_fields.next()?.parse().ok()?;
    let month = date_fields.next()?.parse().ok()?;
    let day = date_fields.next()?.parse().ok()?;
    let mut time_fields = time.split(':');
    let hour = time_fields.next()?.parse().ok()?;
    let minute = time_fields.next()?.parse().ok()?;
    let second = time_fields.next()?.parse().ok()?;
    if date_fields.next().is_some() || time_fields.next().is_some() {
        return None;
    }
    Some((year, month, day, hour, minute, second))
}

/// Checks `day` against the length of `month`, which is already known to be 1 to 12.
fn check_day(year: u16, month: u8, day: u8) -> Result<(), InvalidArgument> {
    let last = days_in_month(year.into(), month);
    let expected = match last {
        31 => "1 to 31",
        30 => "1 to 30 in this month",
        29 => "1 to 29 in February of a leap year",
        _ => "1 to 28 in February of a common year",
    };
    check("day", day.into(), 1, last.into(), expected)
}

fn check(
    field: &'static str,
    value: u32,
    min: u32,
    max: u32,
    expected: &'static str,
) -> Result<(), InvalidArgument> {
    if (min..=max).contains(&value) {
        return Ok(());
    }
    Err(InvalidArgument::OutOfRange {
        field,
        value: alloc::format!("{value}"),
        expected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_clock_text_parses() {
        let parsed = DateTime::parse_device("2018-10-13,00:23:35").unwrap();
        assert_eq!(parsed, DateTime::new(2018, 10, 13, 0, 23, 35).unwrap());
        assert_eq!(alloc::format!("{parsed}"), "2018-10-13,00:23:35");
    }

    #[test]
    fn malformed_clock_text_is_none() {
        assert_eq!(DateTime::parse_device("2018-10-13 00:23:35"), None);
        assert_eq!(DateTime::parse_device("2018-13-13,00:23:35"), None);
        assert_eq!(DateTime::parse_device("2018-10-13,00:23:35:01"), None);
        assert_eq!(DateTime::parse_device(""), None);
    }

    #[test]
    fn civil_days_round_trip_across_leap_years() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        for days in (0..200_000).step_by(37) {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
        }
    }

    #[test]
    fn february_length_follows_leap_rules() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(2023, 2), 28);
        assert_eq!(days_in_month(2023, 4), 30);
    }

    #[test]
    fn unix_epoch_and_far_future() {
        assert_eq!(
            DateTime::from_unix_seconds(0),
            Some(DateTime::new(1970, 1, 1, 0, 0, 0).unwrap())
        );
        assert_eq!(DateTime::from_unix_seconds(u64::MAX), None);
    }

    #[test]
    fn days_beyond_the_month_are_out_of_range() {
        for (year, month, day) in [(2018, 2, 31), (2018, 2, 29), (2100, 2, 29), (2023, 4, 31)] {
            let error = DateTime::new(year, month, day, 0, 0, 0).unwrap_err();
            assert!(
                matches!(error, InvalidArgument::OutOfRange { field: "day", .. }),
                "{year}-{month}-{day}: {error}"
            );
        }
        for (year, month, day) in [(2024, 2, 29), (2000, 2, 29), (2023, 4, 30), (2023, 12, 31)] {
            assert!(
                DateTime::new(year, month, day, 0, 0, 0).is_ok(),
                "{year}-{month}-{day}"
            );
        }
        assert_eq!(DateTime::parse_parts("2018-02-31", "00:00:00"), None);
    }

    #[test]
    fn device_reply_keeps_day_past_month_end() {
        let parsed = DateTime::parse_device("2018-02-31,12:05:09").unwrap();
        assert_eq!(parsed.year, 2018);
        assert_eq!(parsed.month, 2);
        assert_eq!(parsed.day, 31);
        assert_eq!((parsed.hour, parsed.minute, parsed.second), (12, 5, 9));
        assert_eq!(alloc::format!("{parsed}"), "2018-02-31,12:05:09");
        assert_eq!(DateTime::new_lenient(2018, 2, 31, 12, 5, 9), Ok(parsed));
    }

    #[test]
    fn lenient_constructor_still_checks_ranges() {
        for (month, day) in [(2, 0), (2, 32), (4, 32)] {
            let error = DateTime::new_lenient(2024, month, day, 0, 0, 0).unwrap_err();
            assert!(
                matches!(error, InvalidArgument::OutOfRange { field: "day", .. }),
                "{month}-{day}: {error}"
            );
        }
        let error = DateTime::new_lenient(2024, 13, 1, 0, 0, 0).unwrap_err();
        assert!(matches!(
            error,
            InvalidArgument::OutOfRange { field: "month", .. }
        ));
        assert_eq!(DateTime::parse_device("2024-02-32,00:00:00"), None);
    }

    #[test]
    fn strict_constructor_rejects_what_lenient_accepts() {
        assert!(DateTime::new_lenient(2024, 2, 30, 12, 0, 0).is_ok());
        let error = DateTime::new(2024, 2, 30, 12, 0, 0).unwrap_err();
        assert_eq!(
            error,
            InvalidArgument::OutOfRange {
                field: "day",
                value: alloc::string::String::from("30"),
                expected: "1 to 29 in February of a leap year",
            }
        );
    }

    #[test]
    fn day_error_names_the_month_length() {
        let error = DateTime::new(2023, 2, 29, 0, 0, 0).unwrap_err();
        assert_eq!(
            error,
            InvalidArgument::OutOfRange {
                field: "day",
                value: alloc::string::String::from("29"),
                expected: "1 to 28 in February of a common year",
            }
        );
    }

    #[test]
    fn hour_24_is_out_of_range() {
        let error = DateTime::new(2020, 1, 1, 24, 0, 0).unwrap_err();
        assert!(matches!(
            error,
            InvalidArgument::OutOfRange { field: "hour", .. }
        ));
    }
}
