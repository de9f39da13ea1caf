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
    /// Day of the month, 1 to 31.
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
    /// Returns [`InvalidArgument::OutOfRange`] naming the first field outside its range. Days
    /// are checked against 31 whatever the month.
    pub fn new(
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

    /// Parses `yyyy-MM-dd,HH:mm:ss`, the format of the device clock (command 502).
    ///
    /// Returns `None` when the text has another shape or a field is out of range.
    pub fn parse_device(text: &str) -> Option<Self> {
        let (date, time) = text.trim().split_once(',')?;
        Self::parse_parts(date, time)
    }

    /// Parses a date `yyyy-MM-dd` and a time `HH:mm:ss` given separately.
    pub fn parse_parts(date: &str, time: &str) -> Option<Self> {
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
    fn hour_24_is_out_of_range() {
        let error = DateTime::new(2020, 1, 1, 24, 0, 0).unwrap_err();
        assert!(matches!(
            error,
            InvalidArgument::OutOfRange { field: "hour", .. }
        ));
    }
}
