//! Device time: read the device clock and compare it with this computer's clock.
//!
//! The device keeps local time without a zone; a dated discovery request sets it (the
//! `maxsmart time --set` command does that). Run with
//! `cargo run -p maxsmart-examples --example device_time [ADDRESS]`.

use maxsmart_examples::Target;

#[tokio::main]
async fn main() -> maxsmart_examples::Result<()> {
    let target = Target::from_env().await?;
    let device = target.connect().await?;

    let device_time = device.device_time().await?;
    let local = jiff::ZonedDateTime::now().datetime();
    println!(
        "Device clock: {} {}",
        device_time.date_text(),
        device_time.time_text()
    );
    println!("Local time:   {}", local.strftime("%Y-%m-%d %H:%M:%S"));

    let device_civil = jiff::civil::DateTime::new(
        i16::try_from(device_time.year)?,
        i8::try_from(device_time.month)?,
        i8::try_from(device_time.day)?,
        i8::try_from(device_time.hour)?,
        i8::try_from(device_time.minute)?,
        i8::try_from(device_time.second)?,
        0,
    )?;
    let seconds = device_civil.duration_since(local).as_secs();
    println!("Difference:   {seconds} s (positive: the device is ahead)");

    device.close().await;
    target.stop().await;
    Ok(())
}
