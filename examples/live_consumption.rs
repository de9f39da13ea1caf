//! Live consumption: read the power of every port a few times, one second apart.
//!
//! Run with `cargo run -p maxsmart-examples --example live_consumption [ADDRESS]`.

use std::time::Duration;

use maxsmart_examples::Target;

/// How many readings to take.
const READINGS: usize = 3;

#[tokio::main]
async fn main() -> maxsmart_examples::Result<()> {
    let target = Target::from_env().await?;
    let device = target.connect().await?;

    for reading in 1..=READINGS {
        let status = device.status().await?;
        let watts: Vec<String> = status
            .ports
            .iter()
            .map(|port| match port.watts {
                Some(watts) => format!("{watts:7.2} W"),
                None => String::from("      - W"),
            })
            .collect();
        let total: f64 = status.ports.iter().filter_map(|port| port.watts).sum();
        println!("reading {reading}: {}  total {total:.2} W", watts.join(" "));
        if reading < READINGS {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    device.close().await;
    target.stop().await;
    Ok(())
}
