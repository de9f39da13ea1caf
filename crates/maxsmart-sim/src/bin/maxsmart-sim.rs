//! Command-line simulator: serves one or more fake MaxSmart/Revogi devices until Ctrl-C.

use std::io::IsTerminal;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use maxsmart_sim::{FAULT_HELP, Fault, Faults, Fleet, LogSink, Profile, SimConfig};
use tracing_subscriber::EnvFilter;

/// Serves simulated MaxSmart and Revogi power strips and plugs on loopback addresses.
#[derive(Debug, Parser)]
#[command(name = "maxsmart-sim", version, after_help = extra_help())]
struct Args {
    /// Device profile. Repeat for several devices.
    #[arg(
        short,
        long = "profile",
        value_name = "PROFILE",
        default_value = "strip130"
    )]
    profiles: Vec<Profile>,

    /// Address of the first device. Devices share it unless --spread is given.
    #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
    ip: IpAddr,

    /// Gives device N the address IP+N (IPv4 only), so every device can use the same ports,
    /// such as the real 80 and 8888.
    #[arg(long)]
    spread: bool,

    /// TCP port for HTTP, where 0 picks a free port. Without --spread, device N uses PORT+N.
    #[arg(long, value_name = "PORT", default_value_t = 0)]
    http_port: u16,

    /// UDP port for discovery and V3, where 0 picks a free port. Without --spread, device N uses
    /// PORT+N.
    #[arg(long, value_name = "PORT", default_value_t = 0)]
    udp_port: u16,

    /// Serial number of device N, in order. Devices without one get a distinct default.
    #[arg(long = "serial", value_name = "SERIAL")]
    serials: Vec<String>,

    /// Seed for port loads, reading noise and fault sampling. Device N uses SEED+N.
    #[arg(long, value_name = "SEED")]
    seed: Option<u64>,

    /// Fault injected into every device. Repeat for several (see the list below).
    #[arg(long = "fault", value_name = "FAULT")]
    faults: Vec<Fault>,

    /// Appends every request to FILE as one JSON object per line.
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,

    /// Allows addresses outside 127.0.0.0/8 and ::1.
    #[arg(long)]
    allow_non_loopback: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("maxsmart-sim: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Starts the devices, prints their addresses, and waits for Ctrl-C.
async fn run(args: Args) -> Result<(), String> {
    let sink = match &args.log {
        Some(path) => Some(
            LogSink::create(path)
                .map_err(|error| format!("cannot create log file {}: {error}", path.display()))?,
        ),
        None => None,
    };
    let configs = build_configs(&args, sink)?;
    let fleet = Fleet::start(configs)
        .await
        .map_err(|error| format!("failed to start the devices: {error}"))?;

    // The handlers are installed before the ready lines go out, so a script that sends
    // Ctrl-C as soon as it reads them cannot kill the process before the fleet stops.
    let shutdown =
        shutdown_signal().map_err(|error| format!("failed to listen for Ctrl-C: {error}"))?;

    for device in fleet.devices() {
        let http = device
            .http_addr()
            .map_or_else(|| "none".to_owned(), |addr| addr.to_string());
        println!(
            "{} {} http={} udp={}",
            device.profile(),
            device.serial(),
            http,
            device.udp_addr()
        );
    }

    shutdown.await;
    fleet.stop().await;
    Ok(())
}

/// Installs handlers for SIGINT and SIGTERM and returns a future that completes on either.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};

    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// Returns a future that completes on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    Ok(async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "failed to wait for Ctrl-C");
        }
    })
}

/// Builds one configuration per `--profile`.
fn build_configs(args: &Args, sink: Option<LogSink>) -> Result<Vec<SimConfig>, String> {
    let faults = args
        .faults
        .iter()
        .fold(Faults::none(), |faults, fault| faults.with(*fault));
    args.profiles
        .iter()
        .enumerate()
        .map(|(index, profile)| {
            let (ip, offset) = device_address(args, index)?;
            let http_port = shifted_port(args.http_port, offset)?;
            let udp_port = shifted_port(args.udp_port, offset)?;
            let mut config = SimConfig::numbered(*profile, index)
                .http_addr(SocketAddr::new(ip, http_port))
                .udp_addr(SocketAddr::new(ip, udp_port))
                .faults(faults.clone())
                .allow_non_loopback(args.allow_non_loopback);
            if let Some(serial) = args.serials.get(index) {
                config = config.serial(serial);
            }
            if let Some(seed) = args.seed {
                config = config.seed(seed.wrapping_add(index as u64));
            }
            if let Some(sink) = &sink {
                config = config.log_sink(sink.clone());
            }
            Ok(config)
        })
        .collect()
}

/// Returns the address of device `index` and the offset to add to its ports.
fn device_address(args: &Args, index: usize) -> Result<(IpAddr, usize), String> {
    if !args.spread {
        return Ok((args.ip, index));
    }
    let IpAddr::V4(first) = args.ip else {
        return Err("--spread needs an IPv4 address".to_owned());
    };
    let address = u32::try_from(index)
        .ok()
        .and_then(|offset| u32::from(first).checked_add(offset))
        .map(Ipv4Addr::from)
        .ok_or_else(|| format!("device {index} has no address after {first}"))?;
    Ok((IpAddr::V4(address), 0))
}

/// Returns `port + offset`, keeping 0 as "pick a free port".
fn shifted_port(port: u16, offset: usize) -> Result<u16, String> {
    if port == 0 {
        return Ok(0);
    }
    u16::try_from(offset)
        .ok()
        .and_then(|offset| port.checked_add(offset))
        .ok_or_else(|| format!("port {port} + {offset} is above 65535"))
}

/// Returns the help text listing the profiles and faults.
fn extra_help() -> String {
    let mut text = String::from("Profiles:\n");
    for profile in Profile::all() {
        text.push_str(&format!(
            "  {:<10} {}\n",
            profile.name(),
            profile.description()
        ));
    }
    text.push_str("\nFaults (--fault):\n");
    for (name, description) in FAULT_HELP {
        text.push_str(&format!("  {name:<24} {description}\n"));
    }
    text.push_str(
        "\nEach device prints one line: PROFILE SERIAL http=ADDR udp=ADDR. \
         RUST_LOG sets the log level (default info).",
    );
    text
}
