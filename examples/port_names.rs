//! Port names: the device name and one name per port, as discovery reports them.
//!
//! Firmware 2.11 and later, and 1-port plugs, keep no port names; they are listed as
//! `(none)`. Run with `cargo run -p maxsmart-examples --example port_names [ADDRESS]`.

use maxsmart_examples::Target;

#[tokio::main]
async fn main() -> maxsmart_examples::Result<()> {
    let target = Target::from_env().await?;
    let device = target.connect().await?;

    let names = device.names().await?;
    println!(
        "Device name: {}",
        names.device.as_deref().unwrap_or("(none)")
    );
    for (port, name) in (1u8..).zip(&names.ports) {
        println!("  port {port}: {}", name.as_deref().unwrap_or("(none)"));
    }

    device.close().await;
    target.stop().await;
    Ok(())
}
