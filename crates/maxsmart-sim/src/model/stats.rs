//! Energy statistics: hourly, daily and monthly buckets per port, filled from the simulated load.
//!
//! Buckets hold watt-hours. The unit devices use is disputed: kWh in the altery docs, Wh on 1.30
//! by the python example script. The simulator reports Wh (inferred).
//!
//! The reply window ends with the current, incomplete bucket, and `date` names that newest
//! bucket. This follows the python example script's reading, while the altery docs call `date`
//! the first bucket (inferred).

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::{Date, DateTime};

/// Granularity of a statistics request (`type` of command 510).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Granularity {
    /// `type` 0: 24 hourly buckets.
    Hourly,
    /// `type` 1: 31 daily buckets.
    Daily,
    /// `type` 2: 12 monthly buckets.
    Monthly,
}

impl Granularity {
    /// Returns the granularity of a 510 `type` value.
    pub(crate) fn from_type(value: u64) -> Option<Self> {
        match value {
            0 => Some(Granularity::Hourly),
            1 => Some(Granularity::Daily),
            2 => Some(Granularity::Monthly),
            _ => None,
        }
    }

    /// Returns the number of buckets per port.
    pub(crate) fn buckets(self) -> usize {
        match self {
            Granularity::Hourly => 24,
            Granularity::Daily => 31,
            Granularity::Monthly => 12,
        }
    }
}

/// Statistics window ready to encode.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Window {
    /// Date of the newest bucket: `yyyy-MM-dd-HH`, `yyyy-MM-dd` or `yyyy-MM`.
    pub(crate) date: String,
    /// One series per port, oldest bucket first, in watt-hours.
    pub(crate) series: Vec<Vec<f64>>,
}

/// Accumulated energy per port.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Statistics {
    hours: BTreeMap<DateTime, Vec<f64>>,
    days: BTreeMap<Date, Vec<f64>>,
    months: BTreeMap<(i16, i8), Vec<f64>>,
}

impl Statistics {
    /// Adds `watt_hours` per port, consumed in the hour that contains `at`.
    pub(crate) fn add(&mut self, at: DateTime, watt_hours: &[f64]) {
        if watt_hours.iter().all(|value| *value == 0.0) {
            return;
        }
        let hour = hour_start(at);
        let date = at.date();
        accumulate(self.hours.entry(hour).or_default(), watt_hours);
        accumulate(self.days.entry(date).or_default(), watt_hours);
        let month = (date.year(), date.month());
        accumulate(self.months.entry(month).or_default(), watt_hours);
        self.prune(at);
    }

    /// Clears every bucket, as a factory reset does.
    pub(crate) fn clear(&mut self) {
        *self = Statistics::default();
    }

    /// Returns the window of `granularity` that ends with the bucket containing `now`.
    pub(crate) fn window(&self, granularity: Granularity, now: DateTime, ports: usize) -> Window {
        let count = granularity.buckets();
        let mut series = vec![vec![0.0; count]; ports];
        for back in 0..count {
            let index = count - 1 - back;
            let Some(values) = self.bucket(granularity, now, back) else {
                continue;
            };
            for (port, value) in values.iter().enumerate().take(ports) {
                series[port][index] = *value;
            }
        }
        let date = match granularity {
            Granularity::Hourly => now.strftime("%Y-%m-%d-%H").to_string(),
            Granularity::Daily => now.strftime("%Y-%m-%d").to_string(),
            Granularity::Monthly => now.strftime("%Y-%m").to_string(),
        };
        Window { date, series }
    }

    /// Returns the bucket `back` steps before the one that contains `now`.
    fn bucket(&self, granularity: Granularity, now: DateTime, back: usize) -> Option<&Vec<f64>> {
        let back = i64::try_from(back).ok()?;
        match granularity {
            Granularity::Hourly => {
                let hour = hour_start(now).checked_sub(back.hours()).ok()?;
                self.hours.get(&hour)
            }
            Granularity::Daily => {
                let day = now.date().checked_sub(back.days()).ok()?;
                self.days.get(&day)
            }
            Granularity::Monthly => {
                let month = now
                    .date()
                    .first_of_month()
                    .checked_sub(back.months())
                    .ok()?;
                self.months.get(&(month.year(), month.month()))
            }
        }
    }

    /// Drops buckets far older than any window that ends at `now` can show.
    fn prune(&mut self, now: DateTime) {
        if let Ok(limit) = now.checked_sub(48.hours()) {
            self.hours.retain(|hour, _| *hour >= limit);
        }
        if let Ok(limit) = now.date().checked_sub(62.days()) {
            self.days.retain(|day, _| *day >= limit);
        }
        if let Ok(limit) = now.date().checked_sub(24.months()) {
            let limit = (limit.year(), limit.month());
            self.months.retain(|month, _| *month >= limit);
        }
    }
}

/// Returns the start of the hour that contains `at`.
pub(crate) fn hour_start(at: DateTime) -> DateTime {
    at.date().at(at.hour(), 0, 0, 0)
}

/// Adds `values` element-wise into `target`, growing it as needed.
fn accumulate(target: &mut Vec<f64>, values: &[f64]) {
    if target.len() < values.len() {
        target.resize(values.len(), 0.0);
    }
    for (sum, value) in target.iter_mut().zip(values) {
        *sum += value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn current_hour_is_last_bucket() {
        let mut stats = Statistics::default();
        let now = date(2018, 10, 11).at(21, 30, 0, 0);
        stats.add(now, &[10.0, 0.0]);
        let window = stats.window(Granularity::Hourly, now, 2);
        assert_eq!(window.date, "2018-10-11-21");
        assert_eq!(window.series.len(), 2);
        assert_eq!(window.series[0].len(), 24);
        assert_eq!(window.series[0][23], 10.0);
        assert_eq!(window.series[0][22], 0.0);
        assert_eq!(window.series[1][23], 0.0);
    }

    #[test]
    fn earlier_hour_shifts_left() {
        let mut stats = Statistics::default();
        stats.add(date(2018, 10, 11).at(19, 10, 0, 0), &[5.0]);
        let window = stats.window(Granularity::Hourly, date(2018, 10, 11).at(21, 0, 0, 0), 1);
        assert_eq!(window.series[0][21], 5.0);
    }

    #[test]
    fn daily_and_monthly_sum_hours() {
        let mut stats = Statistics::default();
        stats.add(date(2018, 9, 30).at(23, 0, 0, 0), &[1.0]);
        stats.add(date(2018, 10, 1).at(1, 0, 0, 0), &[2.0]);
        stats.add(date(2018, 10, 1).at(2, 0, 0, 0), &[3.0]);
        let now = date(2018, 10, 1).at(3, 0, 0, 0);

        let daily = stats.window(Granularity::Daily, now, 1);
        assert_eq!(daily.date, "2018-10-01");
        assert_eq!(daily.series[0].len(), 31);
        assert_eq!(daily.series[0][30], 5.0);
        assert_eq!(daily.series[0][29], 1.0);

        let monthly = stats.window(Granularity::Monthly, now, 1);
        assert_eq!(monthly.date, "2018-10");
        assert_eq!(monthly.series[0].len(), 12);
        assert_eq!(monthly.series[0][11], 5.0);
        assert_eq!(monthly.series[0][10], 1.0);
    }

    #[test]
    fn clear_empties_buckets() {
        let mut stats = Statistics::default();
        let now = date(2018, 10, 11).at(21, 30, 0, 0);
        stats.add(now, &[10.0]);
        stats.clear();
        let window = stats.window(Granularity::Monthly, now, 1);
        assert!(window.series[0].iter().all(|value| *value == 0.0));
    }
}
