//! Adaptive polling with events: the client polls in the background, faster after a
//! command, and reports switched ports and power changes as a stream of events.
//!
//! The example switches port 3 on (and off again at the end), prints every event for a few
//! seconds, then stops. A switch made by this client is already known to the poller, so it
//! raises no event; a switch made elsewhere does. On the simulated strip the example presses
//! port 5's button after a second to show one; on a real device, press a button yourself.
//! Run with `cargo run -p maxsmart-examples --example adaptive_polling [ADDRESS]`.

use std::time::Duration;

use futures::StreamExt as _;
use maxsmart_examples::Target;
use maxsmart_tokio::{PollConfig, PollEvent};

/// How long to print events.
const WATCH_FOR: Duration = Duration::from_secs(4);

/// When the simulated strip's button is pressed, counted from the start of polling.
const BUTTON_AFTER: Duration = Duration::from_secs(1);

#[tokio::main]
async fn main() -> maxsmart_examples::Result<()> {
    let target = Target::from_env().await?;
    let device = target.connect().await?;

    let mut events = device.events();
    let config = PollConfig {
        interval: Duration::from_secs(1),
        burst_interval: Duration::from_millis(300),
        power_threshold_watts: 5.0,
        ..PollConfig::default()
    };
    device.start_polling(config).await;
    let was_on = device.is_on(3).await?;
    device.turn_on(3).await?;
    println!("Switched port 3 on; polls now come every 300 ms for a while.");

    let started = tokio::time::Instant::now();
    let deadline = started + WATCH_FOR;
    let mut button_pressed = false;
    while let Ok(Some(event)) = tokio::time::timeout_at(deadline, events.next()).await {
        if let Some(simulator) = target.simulator().filter(|_| !button_pressed) {
            if started.elapsed() >= BUTTON_AFTER {
                simulator.set_switch(5, true)?;
                button_pressed = true;
                println!("Pressed the button of port 5 on the simulated strip.");
            }
        }
        match event.kind {
            PollEvent::Polled { status, .. } => {
                let on = status.ports.iter().filter(|port| port.on).count();
                println!("polled: {on} port(s) on");
            }
            PollEvent::PortSwitched { port, on } => {
                println!("port {port} switched {}", if on { "on" } else { "off" });
            }
            PollEvent::PowerChanged {
                port,
                previous_watts,
                watts,
            } => println!("port {port} power {previous_watts:.2} W -> {watts:.2} W"),
            PollEvent::PollFailed { error, .. } => println!("poll failed: {error}"),
            other => println!("{other:?}"),
        }
    }

    device.stop_polling().await;
    if !was_on {
        device.turn_off(3).await?;
    }
    device.close().await;
    target.stop().await;
    Ok(())
}
