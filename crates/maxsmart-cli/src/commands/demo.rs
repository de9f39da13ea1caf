//! `maxsmart demo`: a tour against a simulated strip on loopback.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use maxsmart_sim::{Profile, SimConfig, SimDevice};
use maxsmart_tokio::discover_host;

use crate::cli::GlobalOptions;
use crate::commands::status::print_ports;
use crate::commands::{device_builder, discover_options};
use crate::exit::CliError;

/// The switch states the simulated strip starts with: port 1 off, so the tour can switch it on.
const START_STATES: [bool; 6] = [false, true, false, true, false, false];

/// Runs `maxsmart demo`.
///
/// The simulator listens on 127.0.0.1 on free ports; the global port options are replaced by
/// those ports, and nothing leaves the loopback interface.
pub async fn run(global: &GlobalOptions) -> Result<(), CliError> {
    let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let config = SimConfig::new(Profile::Strip130)
        .http_addr(SocketAddr::new(loopback, 0))
        .udp_addr(SocketAddr::new(loopback, 0))
        .switches(&START_STATES);
    let simulator = SimDevice::start(config)
        .await
        .map_err(CliError::Simulator)?;
    let result = tour(global, loopback, &simulator).await;
    simulator.stop().await;
    result
}

async fn tour(global: &GlobalOptions, host: IpAddr, simulator: &SimDevice) -> Result<(), CliError> {
    let http_port = simulator.http_addr().map_or(0, |address| address.port());
    let global = GlobalOptions {
        host: Some(host),
        protocol: global.protocol,
        timeout: global.timeout,
        http_port,
        udp_port: simulator.udp_addr().port(),
        json: global.json,
        verbose: global.verbose,
    };
    let text = !global.json;
    if text {
        println!(
            "Started a simulated {} on {host} (HTTP port {}, UDP port {}).",
            Profile::Strip130.description(),
            global.http_port,
            global.udp_port
        );
    }

    let found = discover_host(host, &discover_options(&global)?).await?;
    if text {
        println!(
            "Discovered {} \"{}\" with firmware {} at {}.",
            found.reply.serial,
            found.reply.name.as_deref().unwrap_or("?"),
            found.reply.firmware.as_deref().unwrap_or("?"),
            found.address.ip()
        );
    }
    let mut builder = device_builder(&global, host)?.serial(found.reply.serial.clone());
    if let Some(firmware) = &found.reply.firmware {
        builder = builder.firmware(firmware.clone());
    }
    let device = builder.connect().await?;
    if text {
        println!("\nPorts before:");
    }
    print_ports(&global, host, &found.reply, &device).await?;

    device.turn_on(1).await?;
    if text {
        println!("\nSwitched port 1 on. Ports after:");
    }
    print_ports(&global, host, &found.reply, &device).await?;
    device.close().await;
    Ok(())
}
