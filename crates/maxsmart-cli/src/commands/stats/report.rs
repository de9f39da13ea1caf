//! The statistics of one request, shaped for printing: a label per sample and the series
//! chosen on the command line.

use std::net::IpAddr;

use maxsmart_tokio::proto::stats::{Period, Statistics, StatisticsKind};
use serde::Serialize;

/// The unit the samples are printed in.
///
/// NOTE: inferred. The sources disagree on the unit of command 510: kWh in the
/// reverse-engineered 1.30 notes, Wh in the python-maxsmart example script. Samples are shown
/// as the device sends them, labelled with the python script's reading.
pub const UNIT: &str = "Wh";

/// Statistics ready to print as a chart, SVG, CSV or JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The device's IP address.
    pub host: IpAddr,
    /// The serial number.
    pub serial: String,
    /// Hourly, daily or monthly samples.
    pub kind: StatisticsKind,
    /// The port shown, or `None` for every port summed.
    pub port: Option<u8>,
    /// The unit of every sample.
    pub unit: &'static str,
    /// The selected series, oldest sample first.
    pub samples: Vec<Sample>,
    /// The sum of the selected series.
    pub total: f64,
    /// Every port's series, port 1 first.
    pub ports: Vec<PortSeries>,
    /// The price per kWh set on the device, as decimal text.
    pub cost: Option<String>,
    /// The currency's ISO code, when the device's code is known.
    pub currency: Option<&'static str>,
}

/// One sample of the selected series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sample {
    /// The local start of the period, such as `2024-05-01T13:00:00`; `None` when the device
    /// sent no date.
    pub start: Option<String>,
    /// The short label used in charts and tables.
    pub label: String,
    /// The energy in [`UNIT`].
    pub value: f64,
}

/// The series of one port.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PortSeries {
    /// Port number, from 1.
    pub port: u8,
    /// The samples, oldest first.
    pub samples: Vec<f64>,
    /// Their sum.
    pub total: f64,
}

impl Report {
    /// Builds a report for one port (`Some`) or for every port summed (`None`).
    ///
    /// Returns `None` when the device has no such port.
    pub fn new(
        host: IpAddr,
        serial: &str,
        statistics: &Statistics,
        port: Option<u8>,
    ) -> Option<Report> {
        let values = match port {
            Some(port) => statistics.port(port)?.to_vec(),
            None => statistics.summed(),
        };
        let samples = values
            .iter()
            .enumerate()
            .map(|(index, value)| {
                let period = statistics.period(index);
                Sample {
                    start: period.map(|period| iso_start(&period)),
                    label: period.map_or_else(|| format!("#{}", index + 1), |p| label(&p)),
                    value: *value,
                }
            })
            .collect();
        let ports = statistics
            .series
            .iter()
            .zip(1u8..)
            .map(|(samples, port)| PortSeries {
                port,
                samples: samples.clone(),
                total: samples.iter().sum(),
            })
            .collect();
        Some(Report {
            host,
            serial: serial.to_owned(),
            kind: statistics.kind,
            port,
            unit: UNIT,
            total: values.iter().sum(),
            samples,
            ports,
            cost: statistics.cost.clone(),
            currency: statistics.currency.and_then(|currency| currency.iso_code()),
        })
    }

    /// Returns a title such as `Hourly energy of SWP6000000000001, all ports`.
    pub fn title(&self) -> String {
        let kind = match self.kind {
            StatisticsKind::Hourly => "Hourly",
            StatisticsKind::Daily => "Daily",
            StatisticsKind::Monthly => "Monthly",
        };
        let ports = match self.port {
            Some(port) => format!("port {port}"),
            None => String::from("all ports"),
        };
        format!("{kind} energy of {}, {ports}", self.serial)
    }

    /// Returns the axis description of the periods, such as `Hour (device clock)`.
    pub fn period_axis(&self) -> &'static str {
        match self.kind {
            StatisticsKind::Hourly => "Hour (device clock)",
            StatisticsKind::Daily => "Day (device clock)",
            StatisticsKind::Monthly => "Month (device clock)",
        }
    }
}

/// Returns a label such as `2024-05-01 13:00`, `2024-05-01` or `2024-05`.
pub fn label(period: &Period) -> String {
    match period.kind {
        StatisticsKind::Hourly => format!(
            "{:04}-{:02}-{:02} {:02}:00",
            period.year, period.month, period.day, period.hour
        ),
        StatisticsKind::Daily => {
            format!("{:04}-{:02}-{:02}", period.year, period.month, period.day)
        }
        StatisticsKind::Monthly => format!("{:04}-{:02}", period.year, period.month),
    }
}

fn iso_start(period: &Period) -> String {
    let start = period.start();
    format!(
        "{:04}-{:02}-{:02}T{:02}:00:00",
        start.year, start.month, start.day, start.hour
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Returns monthly statistics of two ports whose last sample is October 2018.
    pub(crate) fn monthly() -> Statistics {
        Statistics {
            kind: StatisticsKind::Monthly,
            date: Period::parse(StatisticsKind::Monthly, "2018-10"),
            cost: Some(String::from("0.21")),
            currency: None,
            series: vec![vec![1.0, 2.0, 3.0], vec![10.0, 0.0, 5.5]],
        }
    }

    #[test]
    fn all_ports_are_summed() {
        let report = Report::new("192.0.2.10".parse().unwrap(), "S", &monthly(), None).unwrap();
        let values: Vec<f64> = report.samples.iter().map(|sample| sample.value).collect();
        assert_eq!(values, [11.0, 2.0, 8.5]);
        assert_eq!(report.total, 21.5);
        assert_eq!(report.ports[1].total, 15.5);
    }

    #[test]
    fn labels_count_back_from_the_date() {
        let report = Report::new("192.0.2.10".parse().unwrap(), "S", &monthly(), Some(2)).unwrap();
        let labels: Vec<&str> = report.samples.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["2018-08", "2018-09", "2018-10"]);
        assert_eq!(
            report.samples[2].start.as_deref(),
            Some("2018-10-01T00:00:00")
        );
        assert_eq!(report.samples[0].value, 10.0);
    }

    #[test]
    fn missing_date_numbers_the_samples() {
        let mut statistics = monthly();
        statistics.date = None;
        let report = Report::new("192.0.2.10".parse().unwrap(), "S", &statistics, None).unwrap();
        assert_eq!(report.samples[0].label, "#1");
        assert_eq!(report.samples[0].start, None);
    }

    #[test]
    fn unknown_port_gives_no_report() {
        let report = Report::new("192.0.2.10".parse().unwrap(), "S", &monthly(), Some(3));
        assert_eq!(report, None);
    }

    #[test]
    fn hourly_label_shows_the_hour() {
        let period = Period::parse(StatisticsKind::Hourly, "2018-10-11-21").unwrap();
        assert_eq!(label(&period), "2018-10-11 21:00");
    }
}
