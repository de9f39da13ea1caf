//! Port states: read every port's state, switch one port on and off, and read them back.
//!
//! This switches port 1 of a real device when given its address, and leaves it as it
//! found it. Run with `cargo run -p maxsmart-examples --example port_states [ADDRESS]`.

use maxsmart_examples::Target;

#[tokio::main]
async fn main() -> maxsmart_examples::Result<()> {
    let target = Target::from_env().await?;
    let device = target.connect().await?;

    print_states("Before", &device.switch_states().await?);
    let was_on = device.is_on(1).await?;

    let status = device
        .switch(maxsmart_tokio::PortSelector::One(1), !was_on)
        .await?;
    let states: Vec<bool> = status.ports.iter().map(|port| port.on).collect();
    print_states(if was_on { "Port 1 off" } else { "Port 1 on" }, &states);

    if was_on {
        device.turn_on(1).await?;
    } else {
        device.turn_off(1).await?;
    }
    print_states("Restored", &device.switch_states().await?);

    device.close().await;
    target.stop().await;
    Ok(())
}

fn print_states(label: &str, states: &[bool]) {
    let text: Vec<String> = (1..)
        .zip(states)
        .map(|(port, on)| format!("{port}:{:<3}", if *on { "on" } else { "off" }))
        .collect();
    println!("{label:<12} {}", text.join("  "));
}
