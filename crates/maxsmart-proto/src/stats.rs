//! Energy statistics: HTTP command 510.
//!
//! The request names a kind (`type` 0 hourly, 1 daily, 2 monthly). The reply contains one series
//! per port, the price and currency set by command 205, and a `date` whose format depends on
//! the kind:
//!
//! | Kind    | Samples per port | `date` format   | Example         |
//! |---------|------------------|-----------------|-----------------|
//! | hourly  | 24               | `yyyy-MM-dd-HH` | `2018-10-11-21` |
//! | daily   | 31 (30 in some sources) | `yyyy-MM-dd` | `2018-10-11` |
//! | monthly | 12               | `yyyy-MM`       | `2018-10`       |
//!
//! # What `date` marks
//!
//! The sources disagree: the reverse-engineered 1.30 notes call `date` the first sample,
//! while the python-maxsmart example script plots it as the end of the window, with the last
//! sample being the current, incomplete period. This crate adopts the second reading, so
//! `date` is the period of the **last** sample and [`Statistics::period`] counts back from
//! it. NOTE: neither reading has been checked on a device.
//!
//! # Units
//!
//! Samples are kept as the device sends them. Their unit is unknown: the 1.30 notes say kWh,
//! the python example script reads Wh on 1.30 and kWh on 2.11. Nothing is scaled here.

use alloc::vec::Vec;
use core::fmt;

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::config::{Currency, Price};
use crate::datetime::{self, DateTime};
use crate::error::ParseError;
use crate::json;
use crate::port::PortSelector;

/// HTTP command 510: read energy statistics.
pub const STATISTICS: u16 = 510;

/// The resolution of a statistics request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatisticsKind {
    /// One sample per hour (`type` 0).
    Hourly,
    /// One sample per day (`type` 1).
    Daily,
    /// One sample per month (`type` 2).
    Monthly,
}

impl StatisticsKind {
    /// Returns the `type` code.
    pub fn wire_code(self) -> u8 {
        match self {
            StatisticsKind::Hourly => 0,
            StatisticsKind::Daily => 1,
            StatisticsKind::Monthly => 2,
        }
    }

    /// Converts a `type` code, or returns `None` for an unknown one.
    pub fn from_wire(code: u64) -> Option<Self> {
        match code {
            0 => Some(StatisticsKind::Hourly),
            1 => Some(StatisticsKind::Daily),
            2 => Some(StatisticsKind::Monthly),
            _ => None,
        }
    }

    /// Returns the number of samples per port the 1.30 notes give: 24, 31 or 12.
    pub fn expected_samples(self) -> usize {
        match self {
            StatisticsKind::Hourly => 24,
            StatisticsKind::Daily => 31,
            StatisticsKind::Monthly => 12,
        }
    }
}

/// The `json` argument of command 510.
#[derive(Debug, Serialize)]
pub(crate) struct StatisticsFields {
    #[serde(rename = "type")]
    pub(crate) kind: u8,
}

/// The hour, day or month one sample covers.
///
/// Fields the kind does not use hold their first value: day 1 for a monthly period, hour 0
/// for daily and monthly periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    /// Whether this is an hour, a day or a month.
    pub kind: StatisticsKind,
    /// Year.
    pub year: u16,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
    /// Hour, 0 to 23.
    pub hour: u8,
}

impl Period {
    /// Parses a statistics `date` in the format of `kind`.
    ///
    /// Returns `None` when the text has another number of parts or names an impossible date.
    ///
    /// ```
    /// use maxsmart_proto::stats::{Period, StatisticsKind};
    ///
    /// let hour = Period::parse(StatisticsKind::Hourly, "2018-10-11-21").unwrap();
    /// assert_eq!((hour.year, hour.month, hour.day, hour.hour), (2018, 10, 11, 21));
    /// assert_eq!(Period::parse(StatisticsKind::Monthly, "2018-10-11"), None);
    /// assert_eq!(Period::parse(StatisticsKind::Daily, "2018-02-30"), None);
    /// ```
    pub fn parse(kind: StatisticsKind, text: &str) -> Option<Self> {
        let mut parts = text.trim().split('-');
        let year: u16 = parts.next()?.parse().ok()?;
        let month: u8 = parts.next()?.parse().ok()?;
        let day: u8 = match kind {
            StatisticsKind::Monthly => 1,
            _ => parts.next()?.parse().ok()?,
        };
        let hour: u8 = match kind {
            StatisticsKind::Hourly => parts.next()?.parse().ok()?,
            _ => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        let valid_day = (1..=12).contains(&month)
            && (1..=datetime::days_in_month(year.into(), month)).contains(&day);
        if !valid_day || hour > 23 || !(1970..=9999).contains(&year) {
            return None;
        }
        Some(Period {
            kind,
            year,
            month,
            day,
            hour,
        })
    }

    /// Returns the period `steps` hours, days or months away; negative steps go back.
    ///
    /// Returns `None` outside the years 1970 to 9999.
    pub fn offset(self, steps: i64) -> Option<Self> {
        let (year, month, day, hour) = match self.kind {
            StatisticsKind::Monthly => {
                let month_index = i64::from(self.year) * 12 + i64::from(self.month) - 1;
                let index = month_index.checked_add(steps)?;
                (index.div_euclid(12), (index.rem_euclid(12) + 1) as u8, 1, 0)
            }
            StatisticsKind::Daily => {
                let days = self.days_since_epoch().checked_add(steps)?;
                let (year, month, day) = civil_in_range(days)?;
                (year, month, day, 0)
            }
            StatisticsKind::Hourly => {
                let hour_index = self.days_since_epoch() * 24 + i64::from(self.hour);
                let hours = hour_index.checked_add(steps)?;
                let (year, month, day) = civil_in_range(hours.div_euclid(24))?;
                (year, month, day, hours.rem_euclid(24) as u8)
            }
        };
        let year = u16::try_from(year)
            .ok()
            .filter(|y| (1970..=9999).contains(y))?;
        Some(Period {
            kind: self.kind,
            year,
            month,
            day,
            hour,
        })
    }

    /// Returns the local date and time at which the period begins.
    pub fn start(&self) -> DateTime {
        DateTime {
            year: self.year,
            month: self.month,
            day: self.day,
            hour: self.hour,
            minute: 0,
            second: 0,
        }
    }

    fn days_since_epoch(&self) -> i64 {
        datetime::days_from_civil(self.year.into(), self.month, self.day)
    }
}

/// Writes the device format of the period's kind, such as `2018-10-11-21`.
impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)?;
        if self.kind != StatisticsKind::Monthly {
            write!(f, "-{:02}", self.day)?;
        }
        if self.kind == StatisticsKind::Hourly {
            write!(f, "-{:02}", self.hour)?;
        }
        Ok(())
    }
}

/// Serializes in the device format of the period's kind.
impl Serialize for Period {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The energy statistics of every port.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statistics {
    /// Hourly, daily or monthly samples.
    pub kind: StatisticsKind,
    /// The period of the last sample; `None` when the device sent no date, as a 1-port plug
    /// was seen to do.
    pub date: Option<Period>,
    /// The price per kWh set by command 205, as decimal text.
    pub cost: Option<alloc::string::String>,
    /// The currency set by command 205.
    pub currency: Option<Currency>,
    /// One series per port, port 1 first, oldest sample first, in the device's unit.
    pub series: Vec<Vec<f64>>,
}

impl Statistics {
    /// Returns the number of ports, which is the number of series.
    pub fn port_count(&self) -> u8 {
        u8::try_from(self.series.len()).unwrap_or(u8::MAX)
    }

    /// Returns the samples of one port, numbered from 1.
    pub fn port(&self, port: u8) -> Option<&[f64]> {
        let index = usize::from(port).checked_sub(1)?;
        self.series.get(index).map(Vec::as_slice)
    }

    /// Returns the samples of one port, or of every port summed sample by sample.
    ///
    /// A series shorter than the longest one adds nothing to the missing positions.
    pub fn samples(&self, selector: PortSelector) -> Option<Vec<f64>> {
        match selector {
            PortSelector::One(port) => self.port(port).map(<[f64]>::to_vec),
            PortSelector::All => Some(self.summed()),
        }
    }

    /// Returns the sum of every port, sample by sample.
    pub fn summed(&self) -> Vec<f64> {
        let length = self.sample_count();
        let mut sums = alloc::vec![0.0; length];
        for series in &self.series {
            for (sum, sample) in sums.iter_mut().zip(series) {
                *sum += sample;
            }
        }
        sums
    }

    /// Returns the sum of all samples of each port, port 1 first.
    pub fn port_totals(&self) -> Vec<f64> {
        self.series
            .iter()
            .map(|series| series.iter().sum())
            .collect()
    }

    /// Returns the number of samples in the longest series.
    pub fn sample_count(&self) -> usize {
        self.series.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// Returns the price when both the cost and the currency were sent.
    pub fn price(&self) -> Option<Price> {
        Some(Price {
            cost: self.cost.clone()?,
            currency: self.currency?,
        })
    }

    /// Returns the period covered by sample `index` (0 is the oldest).
    ///
    /// Counts back from [`Statistics::date`], which this crate reads as the period of the last
    /// sample. Returns `None` without a date or past the last sample.
    pub fn period(&self, index: usize) -> Option<Period> {
        let count = self.sample_count();
        if index >= count {
            return None;
        }
        let back = i64::try_from(count - 1 - index).ok()?;
        self.date?.offset(-back)
    }
}

/// Parses the `data` object of a 510 reply to a request for `requested`.
///
/// Samples may be strings or numbers. A `null` or missing `date` gives `None`; a missing
/// `type` is taken to echo the request.
///
/// # Errors
///
/// Returns [`ParseError`] when `data` or `watt` is missing, `type` names another kind, `date`
/// has the wrong format, or a sample is not a number.
///
/// ```
/// use maxsmart_proto::stats::{parse_statistics, StatisticsKind};
/// use serde_json::json;
///
/// let data = json!({"cost":"0.21","money":3,"type":2,"date":"2018-10","watt":[["1","2"],["3","4"]]});
/// let stats = parse_statistics(Some(&data), StatisticsKind::Monthly)?;
/// assert_eq!(stats.summed(), [4.0, 6.0]);
/// assert_eq!(stats.period(0).unwrap().to_string(), "2018-09");
/// # Ok::<(), maxsmart_proto::ParseError>(())
/// ```
pub fn parse_statistics(
    data: Option<&Value>,
    requested: StatisticsKind,
) -> Result<Statistics, ParseError> {
    let data = json::data_object(data)?;
    let kind = parse_kind(data, requested)?;
    let date = match data.get("date") {
        None | Some(Value::Null) => None,
        Some(value) => Some(
            value
                .as_str()
                .and_then(|text| Period::parse(kind, text))
                .ok_or_else(|| json::invalid("data.date", value, date_format(kind)))?,
        ),
    };
    let series = json::array(data, "watt", "data.watt")?
        .iter()
        .map(parse_series)
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(length) = series
        .iter()
        .map(Vec::len)
        .find(|length| *length != kind.expected_samples())
    {
        tracing::debug!(
            ?kind,
            length,
            expected = kind.expected_samples(),
            "unexpected statistics series length"
        );
    }
    Ok(Statistics {
        kind,
        date,
        cost: json::optional_string(data, "cost", "data.cost")?,
        currency: json::optional_u64(data, "money", "data.money")?.map(Currency::from_wire),
        series,
    })
}

fn parse_kind(data: &Value, requested: StatisticsKind) -> Result<StatisticsKind, ParseError> {
    let Some(value) = data.get("type").filter(|value| !value.is_null()) else {
        return Ok(requested);
    };
    let kind = json::read_u64(value, "data.type")
        .ok()
        .and_then(StatisticsKind::from_wire)
        .ok_or_else(|| json::invalid("data.type", value, "0, 1 or 2"))?;
    if kind != requested {
        return Err(json::invalid(
            "data.type",
            value,
            "the statistics kind that was requested",
        ));
    }
    Ok(kind)
}

fn parse_series(value: &Value) -> Result<Vec<f64>, ParseError> {
    let Some(samples) = value.as_array() else {
        return Err(json::invalid(
            "data.watt",
            value,
            "an array of sample arrays",
        ));
    };
    samples
        .iter()
        .map(|sample| json::read_decimal(sample, "data.watt"))
        .collect()
}

/// Converts days since 1970-01-01 to a date, or `None` outside the years 1970 to 9999.
fn civil_in_range(days: i64) -> Option<(i64, u8, u8)> {
    let last = datetime::days_from_civil(9999, 12, 31);
    (0..=last)
        .contains(&days)
        .then(|| datetime::civil_from_days(days))
}

fn date_format(kind: StatisticsKind) -> &'static str {
    match kind {
        StatisticsKind::Hourly => "a date as yyyy-MM-dd-HH",
        StatisticsKind::Daily => "a date as yyyy-MM-dd",
        StatisticsKind::Monthly => "a date as yyyy-MM",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{HttpRequest, parse_reply};
    use alloc::string::ToString;
    use serde_json::json;

    fn fixture_stats(body: &[u8], kind: StatisticsKind) -> Statistics {
        let data = parse_reply(body, STATISTICS).unwrap();
        parse_statistics(data.as_ref(), kind).unwrap()
    }

    #[test]
    fn hourly_fixture_sums_per_port() {
        let stats = fixture_stats(
            fixture!("v1.30/v1.30-strip-510-hourly.json"),
            StatisticsKind::Hourly,
        );
        assert_eq!(stats.kind, StatisticsKind::Hourly);
        assert_eq!(stats.port_count(), 6);
        assert!(stats.series.iter().all(|series| series.len() == 24));
        assert_eq!(stats.port_totals(), [217.0, 0.0, 288.0, 36.0, 361.0, 0.0]);
        let summed = stats.summed();
        assert_eq!(summed[0], 12.0);
        assert_eq!(summed[23], 53.0);
        assert_eq!(stats.cost.as_deref(), Some("0.21"));
        assert_eq!(stats.currency, Some(Currency::SwissFranc));
        assert_eq!(stats.price().unwrap().value(), Some(0.21));
        let date = stats.date.unwrap();
        assert_eq!(
            (date.year, date.month, date.day, date.hour),
            (2018, 10, 11, 21)
        );
    }

    #[test]
    fn daily_fixture_sums_per_port() {
        let stats = fixture_stats(
            fixture!("v1.30/v1.30-strip-510-daily.json"),
            StatisticsKind::Daily,
        );
        assert!(stats.series.iter().all(|series| series.len() == 31));
        assert_eq!(
            stats.port_totals(),
            [6310.0, 0.0, 8961.0, 495.0, 10090.0, 0.0]
        );
        let summed = stats.summed();
        assert_eq!(summed[0], 1365.0);
        assert_eq!(summed[30], 1266.0);
        assert_eq!(stats.date.unwrap().to_string(), "2018-10-11");
    }

    #[test]
    fn monthly_fixture_sums_per_port() {
        let stats = fixture_stats(
            fixture!("v1.30/v1.30-strip-510-monthly.json"),
            StatisticsKind::Monthly,
        );
        assert!(stats.series.iter().all(|series| series.len() == 12));
        assert_eq!(
            stats.port_totals(),
            [113700.0, 0.0, 106400.0, 4200.0, 136500.0, 0.0]
        );
        let summed = stats.summed();
        assert_eq!(summed[0], 33600.0);
        assert_eq!(summed[11], 37950.0);
        let date = stats.date.unwrap();
        assert_eq!((date.year, date.month), (2018, 10));
    }

    #[test]
    fn date_marks_the_last_sample() {
        let hourly = fixture_stats(
            fixture!("v1.30/v1.30-strip-510-hourly.json"),
            StatisticsKind::Hourly,
        );
        assert_eq!(hourly.period(23).unwrap().to_string(), "2018-10-11-21");
        assert_eq!(hourly.period(0).unwrap().to_string(), "2018-10-10-22");
        assert_eq!(hourly.period(24), None);

        let daily = fixture_stats(
            fixture!("v1.30/v1.30-strip-510-daily.json"),
            StatisticsKind::Daily,
        );
        assert_eq!(daily.period(0).unwrap().to_string(), "2018-09-11");

        let monthly = fixture_stats(
            fixture!("v1.30/v1.30-strip-510-monthly.json"),
            StatisticsKind::Monthly,
        );
        assert_eq!(monthly.period(0).unwrap().to_string(), "2017-11");
        assert_eq!(
            monthly.period(0).unwrap().start().to_string(),
            "2017-11-01,00:00:00"
        );
    }

    #[test]
    fn plug_with_null_date_has_no_date() {
        let stats = fixture_stats(
            fixture!("v1.30/v1.30-plug-510-daily-null-date.json"),
            StatisticsKind::Daily,
        );
        assert_eq!(stats.date, None);
        assert_eq!(stats.port_count(), 1);
        assert_eq!(stats.port(1).unwrap(), [0.0; 31]);
        assert_eq!(stats.period(0), None);
        assert_eq!(stats.currency, Some(Currency::Euro));
    }

    #[test]
    fn one_port_or_all_ports() {
        let data = json!({"type": 0, "watt": [["1", "2"], ["10"]]});
        let stats = parse_statistics(Some(&data), StatisticsKind::Hourly).unwrap();
        assert_eq!(stats.samples(PortSelector::One(2)), Some(alloc::vec![10.0]));
        assert_eq!(
            stats.samples(PortSelector::All),
            Some(alloc::vec![11.0, 2.0])
        );
        assert_eq!(stats.samples(PortSelector::One(3)), None);
        assert_eq!(stats.port(0), None);
    }

    #[test]
    fn request_matches_capture() {
        let fields = StatisticsFields {
            kind: StatisticsKind::Daily.wire_code(),
        };
        assert_eq!(
            HttpRequest::new(STATISTICS, &fields).target().as_bytes(),
            fixture!("requests/http-510-daily.txt")
        );
    }

    #[test]
    fn wrong_kind_and_bad_dates_are_errors() {
        let data = json!({"type": 1, "watt": []});
        assert!(matches!(
            parse_statistics(Some(&data), StatisticsKind::Hourly),
            Err(ParseError::InvalidValue {
                field: "data.type",
                ..
            })
        ));
        for date in [json!("2018-10"), json!(20181011), json!("2018-13-01")] {
            let data = json!({"type": 1, "date": date, "watt": []});
            assert!(
                matches!(
                    parse_statistics(Some(&data), StatisticsKind::Daily),
                    Err(ParseError::InvalidValue {
                        field: "data.date",
                        ..
                    })
                ),
                "{date}"
            );
        }
    }

    #[test]
    fn flat_or_textual_samples_are_errors() {
        let flat = json!({"watt": ["1", "2"]});
        assert!(parse_statistics(Some(&flat), StatisticsKind::Daily).is_err());
        let text = json!({"watt": [["x"]]});
        assert!(matches!(
            parse_statistics(Some(&text), StatisticsKind::Daily),
            Err(ParseError::InvalidValue {
                field: "data.watt",
                ..
            })
        ));
        assert_eq!(
            parse_statistics(Some(&json!({})), StatisticsKind::Daily),
            Err(ParseError::MissingField { field: "data.watt" })
        );
    }

    #[test]
    fn decimal_and_numeric_samples_parse() {
        let data = json!({"watt": [["1.5", 2, 0.25]]});
        let stats = parse_statistics(Some(&data), StatisticsKind::Monthly).unwrap();
        assert_eq!(stats.port(1).unwrap(), [1.5, 2.0, 0.25]);
        assert_eq!(stats.kind, StatisticsKind::Monthly);
    }

    #[test]
    fn period_offsets_cross_year_and_leap_day() {
        let hour = Period::parse(StatisticsKind::Hourly, "2024-03-01-00").unwrap();
        assert_eq!(hour.offset(-1).unwrap().to_string(), "2024-02-29-23");
        let month = Period::parse(StatisticsKind::Monthly, "2018-01").unwrap();
        assert_eq!(month.offset(-1).unwrap().to_string(), "2017-12");
        assert_eq!(month.offset(12).unwrap().to_string(), "2019-01");
        let first = Period::parse(StatisticsKind::Daily, "1970-01-01").unwrap();
        assert_eq!(first.offset(-1), None);
        for period in [hour, month, first] {
            assert_eq!(period.offset(i64::MAX), None, "{period}");
            assert_eq!(period.offset(i64::MIN), None, "{period}");
        }
    }
}
