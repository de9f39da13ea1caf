//! The terminal bar chart of `maxsmart stats`: one line per sample, bars in eighths of a cell.

use std::fmt::Write as _;

use crate::commands::stats::report::Report;

/// The width of the longest bar, in terminal cells.
const BAR_CELLS: usize = 40;

/// Block characters for one to seven eighths of a cell.
const EIGHTHS: [char; 7] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/// Renders the report as a title, one bar per sample and a total.
pub fn render(report: &Report) -> String {
    let mut out = format!("{} ({})\n", report.title(), report.unit);
    let label_width = report
        .samples
        .iter()
        .map(|sample| sample.label.chars().count())
        .max()
        .unwrap_or(0);
    let max = report
        .samples
        .iter()
        .map(|sample| sample.value)
        .fold(0.0_f64, f64::max);
    for sample in &report.samples {
        let bar = bar(sample.value, max);
        let _ = writeln!(
            out,
            "{:<label_width$}  {bar:<BAR_CELLS$}  {:>10.2}",
            sample.label, sample.value
        );
    }
    let _ = writeln!(out, "Total: {:.2} {}", report.total, report.unit);
    out
}

/// Returns a bar whose length is `value / max` of [`BAR_CELLS`], in eighths of a cell.
fn bar(value: f64, max: f64) -> String {
    // NaN fails both comparisons, so it draws no bar either.
    let drawable = max > 0.0 && value > 0.0;
    if !drawable {
        return String::new();
    }
    let cells = BAR_CELLS as f64;
    let eighths = ((value / max).min(1.0) * cells * 8.0).round() as usize;
    let mut bar = "█".repeat(eighths / 8);
    if let Some(part) = (eighths % 8)
        .checked_sub(1)
        .and_then(|index| EIGHTHS.get(index))
    {
        bar.push(*part);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stats::report::tests::monthly;

    #[test]
    fn largest_value_fills_the_width() {
        assert_eq!(bar(5.0, 5.0).chars().count(), BAR_CELLS);
        assert_eq!(bar(0.0, 5.0), "");
        assert_eq!(bar(1.0, 0.0), "");
    }

    #[test]
    fn partial_cells_use_eighths() {
        // 1/80 of the range is half a cell, so four eighths.
        assert_eq!(bar(1.0, 80.0), "▌");
        assert_eq!(bar(1.0, 20.0), "██");
    }

    #[test]
    fn chart_has_a_line_per_sample() {
        let report = Report::new("192.0.2.10".parse().unwrap(), "S", &monthly(), None).unwrap();
        let text = render(&report);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert_eq!(lines[0], "Monthly energy of S, all ports (Wh)");
        assert!(lines[1].starts_with("2018-08  ████"), "{text}");
        assert!(lines[1].ends_with("11.00"), "{text}");
        assert_eq!(lines[4], "Total: 21.50 Wh");
    }
}
