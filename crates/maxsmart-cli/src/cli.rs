//! Command-line options and subcommands.

use std::net::IpAddr;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Discover, read and switch MaxSmart and Revogi power strips on the local network.
#[derive(Debug, Parser)]
#[command(name = "maxsmart", version, about, long_about = None)]
pub struct Cli {
    /// Options shared by every subcommand.
    #[command(flatten)]
    pub global: GlobalOptions,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every subcommand.
#[derive(Debug, Args)]
pub struct GlobalOptions {
    /// Device IP address.
    #[arg(long, global = true, env = "MAXSMART_HOST")]
    pub host: Option<IpAddr>,
    /// How to talk to the device.
    #[arg(long, global = true, value_enum, default_value_t = ProtocolArg::Detect)]
    pub protocol: ProtocolArg,
    /// Seconds to wait for each reply.
    #[arg(long, global = true, default_value_t = 3.0)]
    pub timeout: f64,
    /// TCP port of the device's HTTP server (80 on real devices; other values for simulators).
    #[arg(long, global = true, default_value_t = 80)]
    pub http_port: u16,
    /// UDP port for discovery and V3 datagrams (8888 on real devices).
    #[arg(long, global = true, default_value_t = 8888)]
    pub udp_port: u16,
    /// Print data as JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// Log more: -v info, -vv debug, -vvv trace (logs go to standard error).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// The protocol choice on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtocolArg {
    /// HTTP first, then UDP V3.
    Detect,
    /// HTTP on the device's TCP port (firmware 1.x, 2.11, 3.x).
    Http,
    /// V3 datagrams on the UDP port (firmware 5.x).
    Udp,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a tour against a simulated strip on loopback: discover, read, switch port 1 on.
    ///
    /// Needs no device and no setup.
    #[command(after_help = "Example:\n  maxsmart demo")]
    Demo,
    /// Show every port: number, name, state and watts.
    #[command(after_help = "Examples:\n  maxsmart status 192.0.2.10\n  \
        maxsmart status 127.0.0.1 --http-port 8080 --udp-port 8888")]
    Status(StatusArgs),
}

/// Arguments of `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Device IP address; overrides --host.
    pub host: Option<IpAddr>,
}
