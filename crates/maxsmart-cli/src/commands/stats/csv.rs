//! CSV output of `maxsmart stats --csv`: one row per sample.

use std::fmt::Write as _;

use crate::commands::stats::report::Report;

/// Renders the report as CSV with a header row.
///
/// With one port selected the columns are the period and that port; with every port, the
/// period, one column per port and the total.
pub fn render(report: &Report) -> String {
    let mut out = String::from("period");
    match report.port {
        Some(port) => {
            let _ = write!(out, ",port_{port}");
        }
        None => {
            for series in &report.ports {
                let _ = write!(out, ",port_{}", series.port);
            }
            out.push_str(",total");
        }
    }
    out.push('\n');

    for (index, sample) in report.samples.iter().enumerate() {
        out.push_str(sample.start.as_deref().unwrap_or(&sample.label));
        if report.port.is_none() {
            for series in &report.ports {
                let value = series.samples.get(index).copied().unwrap_or(0.0);
                let _ = write!(out, ",{value}");
            }
        }
        let _ = writeln!(out, ",{}", sample.value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stats::report::tests::monthly;

    #[test]
    fn all_ports_get_a_column_and_a_total() {
        let report = Report::new("192.0.2.10".parse().unwrap(), "S", &monthly(), None).unwrap();
        let text = render(&report);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "period,port_1,port_2,total");
        assert_eq!(lines[1], "2018-08-01T00:00:00,1,10,11");
        assert_eq!(lines[3], "2018-10-01T00:00:00,3,5.5,8.5");
    }

    #[test]
    fn one_port_gets_one_column() {
        let report = Report::new("192.0.2.10".parse().unwrap(), "S", &monthly(), Some(1)).unwrap();
        let text = render(&report);
        assert_eq!(
            text,
            "period,port_1\n2018-08-01T00:00:00,1\n2018-09-01T00:00:00,2\n2018-10-01T00:00:00,3\n"
        );
    }
}
