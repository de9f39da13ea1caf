//! A full tour: discover, read the ports, switch one, read names, clock and statistics, and
//! write the hourly statistics as an SVG bar chart.
//!
//! The chart goes to the file named by `MAXSMART_CHART`, or `maxsmart-hourly.svg` in the
//! temporary folder. Port 1 of a real device is switched on and then back as it was. Run
//! with `cargo run -p maxsmart-examples --example full_tour [ADDRESS]`.

use std::path::{Path, PathBuf};

use maxsmart_examples::Target;
use maxsmart_tokio::{Statistics, StatisticsKind};
use plotters::prelude::*;

#[tokio::main]
async fn main() -> maxsmart_examples::Result<()> {
    let target = Target::from_env().await?;
    let found = target.discover().await?;
    println!(
        "1. Discovered {} with firmware {}.",
        found.reply.serial,
        found.reply.firmware.as_deref().unwrap_or("unknown")
    );
    let device = target.connect().await?;

    let status = device.status().await?;
    let on = status.ports.iter().filter(|port| port.on).count();
    println!("2. {} ports, {on} on.", status.ports.len());

    let was_on = device.is_on(1).await?;
    let after = device.turn_on(1).await?;
    let watts = after
        .ports
        .first()
        .and_then(|port| port.watts)
        .unwrap_or(0.0);
    println!("3. Port 1 on, drawing {watts:.2} W.");
    if !was_on {
        device.turn_off(1).await?;
    }

    let names = device.names().await?;
    println!(
        "4. Device name {:?}, port 1 {:?}.",
        names.device.as_deref().unwrap_or("(none)"),
        names.port(1).unwrap_or("(none)")
    );

    let time = device.device_time().await?;
    println!("5. Device clock {} {}.", time.date_text(), time.time_text());

    let statistics = device.statistics(StatisticsKind::Hourly).await?;
    let total: f64 = statistics.summed().iter().sum();
    println!(
        "6. {total:.1} Wh in the last {} hours.",
        statistics.sample_count()
    );

    let path = std::env::var_os("MAXSMART_CHART")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("maxsmart-hourly.svg"));
    draw_chart(&statistics, &path)?;
    println!("7. Wrote the chart to {}.", path.display());

    device.close().await;
    target.stop().await;
    Ok(())
}

/// Draws the summed hourly samples as bars, labelled with the hour each one covers.
fn draw_chart(statistics: &Statistics, path: &Path) -> maxsmart_examples::Result<()> {
    let samples = statistics.summed();
    let count = u32::try_from(samples.len())?;
    let top = samples.iter().copied().fold(1.0_f64, f64::max) * 1.1;
    let hour_label = |value: &SegmentValue<u32>| match value {
        SegmentValue::CenterOf(index) if index % 3 == 0 => statistics
            .period(*index as usize)
            .map(|period| format!("{:02}:00", period.hour))
            .unwrap_or_default(),
        _ => String::new(),
    };

    let root = SVGBackend::new(path, (800, 450)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("Energy per hour, all ports", ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        // plotters includes the end of a discrete range, so `0..last` has `count` segments.
        .build_cartesian_2d((0..count.saturating_sub(1)).into_segmented(), 0.0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(samples.len())
        .x_label_formatter(&hour_label)
        .x_desc("Hour (device clock)")
        .y_desc("Energy (Wh)")
        .draw()?;
    chart.draw_series(
        Histogram::vertical(&chart)
            .style(BLUE.filled())
            .margin(2)
            .data((0u32..).zip(samples.iter().copied())),
    )?;
    root.present()?;
    Ok(())
}
