//! Discovery: ask a device to identify itself and print what it reports.
//!
//! Run with `cargo run -p maxsmart-examples --example discover [ADDRESS]`. Without an
//! address it asks a simulated strip on 127.0.0.1. With `broadcast` as the argument it
//! broadcasts on every IPv4 interface of this computer instead.

use maxsmart_examples::Target;
use maxsmart_tokio::{DiscoverOptions, FoundDevice, Protocol};

#[tokio::main]
async fn main() -> maxsmart_examples::Result<()> {
    if std::env::args().nth(1).as_deref() == Some("broadcast") {
        let found = maxsmart_tokio::discover(&DiscoverOptions::default()).await?;
        println!("{} device(s) answered the broadcast.", found.len());
        found.iter().for_each(print_device);
        return Ok(());
    }

    let target = Target::from_env().await?;
    let found = target.discover().await?;
    print_device(&found);
    target.stop().await;
    Ok(())
}

fn print_device(device: &FoundDevice) {
    let reply = &device.reply;
    println!("Device at {}", device.address.ip());
    println!("  serial:     {}", reply.serial);
    println!("  name:       {}", reply.name.as_deref().unwrap_or("-"));
    println!("  firmware:   {}", reply.firmware.as_deref().unwrap_or("-"));
    println!("  MAC:        {}", reply.mac.as_deref().unwrap_or("-"));
    let protocol = match device.protocol {
        Some(Protocol::Http) => "HTTP",
        Some(Protocol::UdpV3) => "UDP V3",
        None => "-",
    };
    let ports = device
        .port_count
        .map_or_else(|| String::from("-"), |count| count.to_string());
    println!("  protocol:   {protocol}");
    println!("  ports:      {ports}");
    if let Some(names) = &reply.port_names {
        println!("  port names: {}", names.join(", "));
    }
}
