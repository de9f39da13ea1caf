//! The SVG chart of `maxsmart stats --svg`, drawn with plotters.

use std::path::Path;

use plotters::prelude::*;

use crate::commands::stats::report::Report;
use crate::exit::CliError;

/// The width of the image, in pixels.
pub const WIDTH: u32 = 960;
/// The height of the image, in pixels.
pub const HEIGHT: u32 = 540;
/// The fill of every bar; no other element of the chart uses it.
pub const BAR_COLOR: RGBColor = RGBColor(0x1f, 0x6f, 0xd0);
/// The maximum number of period labels under the x axis. With more bars, every k-th bar
/// gets a label.
const MAX_X_LABELS: usize = 12;

/// Draws the report as a bar chart and writes it to `path`.
///
/// # Errors
///
/// Returns [`CliError::File`] when the chart cannot be drawn or the file cannot be written.
pub fn write(report: &Report, path: &Path) -> Result<(), CliError> {
    let file_error = |source| CliError::File {
        path: path.to_path_buf(),
        source,
    };
    let svg = render(report).map_err(|error| file_error(std::io::Error::other(error)))?;
    std::fs::write(path, svg).map_err(file_error)
}

/// Draws the report as an SVG document: one bar per sample, the periods on the x axis and
/// the energy on the y axis.
///
/// # Errors
///
/// Returns plotters' error message when drawing fails.
pub fn render(report: &Report) -> Result<String, String> {
    let mut svg = String::new();
    draw(report, &mut svg).map_err(|error| error.to_string())?;
    Ok(svg)
}

fn draw<'a>(
    report: &Report,
    svg: &'a mut String,
) -> Result<(), DrawingAreaErrorKind<<SVGBackend<'a> as DrawingBackend>::ErrorType>> {
    let count = u32::try_from(report.samples.len()).unwrap_or(u32::MAX);
    let max = report
        .samples
        .iter()
        .map(|sample| sample.value)
        .fold(0.0_f64, f64::max);
    let top = if max > 0.0 { max * 1.1 } else { 1.0 };
    let labels: Vec<String> = report
        .samples
        .iter()
        .map(|s| short_label(&s.label))
        .collect();
    let every = report.samples.len().div_ceil(MAX_X_LABELS).max(1);
    let x_label = |value: &SegmentValue<u32>| match value {
        SegmentValue::CenterOf(index) if (*index as usize) % every == 0 => {
            labels.get(*index as usize).cloned().unwrap_or_default()
        }
        _ => String::new(),
    };

    let root = SVGBackend::with_string(svg, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("{} ({})", report.title(), report.unit),
            ("sans-serif", 22),
        )
        .margin(16)
        .x_label_area_size(56)
        .y_label_area_size(72)
        // plotters includes the end of a discrete range, so `0..last` has `count` segments.
        .build_cartesian_2d((0..count.saturating_sub(1)).into_segmented(), 0.0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(report.samples.len())
        .x_label_formatter(&x_label)
        .x_desc(report.period_axis())
        .y_desc(format!("Energy ({})", report.unit))
        .draw()?;
    let bars = report
        .samples
        .iter()
        .zip(0u32..)
        .map(|(sample, index)| (index, sample.value));
    chart.draw_series(
        Histogram::vertical(&chart)
            .style(BAR_COLOR.filled())
            .margin(3)
            .data(bars),
    )?;
    root.present()?;
    Ok(())
}

/// Shortens a label for the axis: `2024-05-01 13:00` becomes `13:00`, `2024-05-01` becomes
/// `05-01`, and a month stays as it is.
fn short_label(label: &str) -> String {
    if let Some((_, time)) = label.split_once(' ') {
        return time.to_owned();
    }
    match label.len() {
        10 => label.get(5..).unwrap_or(label).to_owned(),
        _ => label.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stats::report::tests::monthly;

    #[test]
    fn labels_are_shortened() {
        assert_eq!(short_label("2024-05-01 13:00"), "13:00");
        assert_eq!(short_label("2024-05-01"), "05-01");
        assert_eq!(short_label("2024-05"), "2024-05");
        assert_eq!(short_label("#3"), "#3");
    }

    #[test]
    fn chart_has_one_bar_per_sample() {
        let report = Report::new("192.0.2.10".parse().unwrap(), "S", &monthly(), None).unwrap();
        let svg = render(&report).unwrap();
        let fill = format!(
            "fill=\"#{:02X}{:02X}{:02X}\"",
            BAR_COLOR.0, BAR_COLOR.1, BAR_COLOR.2
        );
        let bars = svg.matches("<rect").filter(|_| true).count();
        assert!(bars >= 3, "{svg}");
        assert_eq!(svg.matches(&fill).count(), 3, "{svg}");
        assert!(svg.contains("Energy (Wh)"), "{svg}");
        assert!(svg.contains("2018-09"), "{svg}");
    }
}
