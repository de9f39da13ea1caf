//! Command-line options shared by every subcommand, and the list of subcommands.

use std::net::IpAddr;

use clap::{Args, CommandFactory as _, FromArgMatches as _, Parser, Subcommand, ValueEnum};

use crate::commands::completions::CompletionsArgs;
use crate::commands::discover::DiscoverArgs;
use crate::commands::health::HealthArgs;
use crate::commands::ids::IdsArgs;
use crate::commands::names::NamesArgs;
use crate::commands::rename::RenameArgs;
use crate::commands::stats::StatsArgs;
use crate::commands::status::StatusArgs;
use crate::commands::switch::SwitchArgs;
use crate::commands::time::TimeArgs;
use crate::commands::watch::WatchArgs;

/// Discover, read and switch MaxSmart and Revogi power strips on the local network.
#[derive(Debug, Parser)]
#[command(
    name = "maxsmart",
    version,
    about,
    long_about = None,
    after_help = "Start with `maxsmart demo`: it runs every step against a simulated strip.\n\
        Give a real device with --host 192.0.2.10 or MAXSMART_HOST=192.0.2.10."
)]
pub struct Cli {
    /// Options shared by every subcommand.
    #[command(flatten)]
    pub global: GlobalOptions,
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the process arguments, or prints clap's error or help and exits.
    pub fn parse_args() -> Cli {
        let matches = command().get_matches();
        Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit())
    }
}

/// Builds the command definition with a fixed usage line for each subcommand.
///
/// In an error about a missing argument, clap's usage line lists every option that was given
/// as if it were required (`maxsmart on --host <ADDRESS> <PORT>...`). Each subcommand's
/// usage line is therefore set to the one its help shows, where options read `[OPTIONS]`.
pub fn command() -> clap::Command {
    let mut command = Cli::command();
    command.build();
    command.mut_subcommands(|mut subcommand| {
        let usage = subcommand.render_usage().to_string();
        let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage).to_owned();
        subcommand = subcommand.override_usage(usage);
        subcommand
    })
}

/// Options shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct GlobalOptions {
    /// Device IP address; without it, every command except `discover` reads MAXSMART_HOST.
    #[arg(long, global = true, value_name = "ADDRESS")]
    pub host: Option<IpAddr>,
    /// How to reach the device.
    #[arg(long, global = true, value_enum, default_value_t = ProtocolArg::Detect)]
    pub protocol: ProtocolArg,
    /// Seconds to wait for each reply before retrying, above 0 and at most 3600.
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        default_value_t = 3.0,
        allow_negative_numbers = true
    )]
    pub timeout: f64,
    /// TCP port of the device's HTTP server (80 on real devices; other values for simulators).
    #[arg(
        long,
        global = true,
        value_name = "TCP_PORT",
        default_value_t = 80,
        allow_negative_numbers = true
    )]
    pub http_port: u16,
    /// UDP port for discovery and V3 datagrams (8888 on real devices).
    #[arg(
        long,
        global = true,
        value_name = "UDP_PORT",
        default_value_t = 8888,
        allow_negative_numbers = true
    )]
    pub udp_port: u16,
    /// Print data as JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// Log more to standard error: -v info, -vv debug, -vvv trace.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// The protocol choice on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtocolArg {
    /// HTTP first and UDP V3 when HTTP fails; UDP V3 first when discovery reports firmware 5.x.
    Detect,
    /// HTTP on the device's TCP port (firmware 1.x, 2.11, 3.x).
    Http,
    /// V3 datagrams on the UDP port (firmware 5.x).
    Udp,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the subcommands one after another against a simulated strip on loopback.
    ///
    /// Needs no device and no setup, and nothing leaves the loopback interface.
    #[command(after_help = "Examples:\n  maxsmart demo\n  maxsmart demo --json")]
    Demo,
    /// Find devices by UDP broadcast on every IPv4 interface, or ask one address.
    ///
    /// Only an address given on the command line, as the argument or with --host, limits the
    /// request to one device. MAXSMART_HOST is ignored, so `discover` finds a device again
    /// after its address changed.
    #[command(after_help = "Examples:\n  maxsmart discover\n  \
        maxsmart discover 192.0.2.10\n  maxsmart discover --json")]
    Discover(DiscoverArgs),
    /// Show every port: number, name, state, watts and amperes.
    #[command(after_help = "Examples:\n  maxsmart status 192.0.2.10\n  \
        maxsmart status --host 192.0.2.10 --json")]
    Status(StatusArgs),
    /// Switch ports on: one, several, or all.
    #[command(after_help = "Examples:\n  maxsmart on 1 --host 192.0.2.10\n  \
        maxsmart on 2 4 --host 192.0.2.10\n  maxsmart on all --host 192.0.2.10\n  \
        maxsmart on Lamp --host 192.0.2.10")]
    On(SwitchArgs),
    /// Switch ports off: one, several, or all.
    #[command(after_help = "Examples:\n  maxsmart off 1 --host 192.0.2.10\n  \
        maxsmart off all --host 192.0.2.10")]
    Off(SwitchArgs),
    /// Show the ports live, highlighting state and consumption changes, until Ctrl-C.
    #[command(after_help = "Examples:\n  maxsmart watch 192.0.2.10\n  \
        maxsmart watch 192.0.2.10 --interval 2 --count 10\n  \
        maxsmart watch 192.0.2.10 --duration 60 --json")]
    Watch(WatchArgs),
    /// Show energy statistics per hour, day or month as a bar chart, SVG, CSV or JSON.
    #[command(after_help = "Examples:\n  maxsmart stats --host 192.0.2.10\n  \
        maxsmart stats daily --port 2 --host 192.0.2.10\n  \
        maxsmart stats monthly --svg energy.svg --host 192.0.2.10\n  \
        maxsmart stats hourly --csv --host 192.0.2.10")]
    Stats(StatsArgs),
    /// Show the device clock next to this computer's clock.
    #[command(after_help = "Examples:\n  maxsmart time 192.0.2.10\n  \
        maxsmart time 192.0.2.10 --json")]
    Time(TimeArgs),
    /// Show the device name and the port names.
    #[command(after_help = "Examples:\n  maxsmart names 192.0.2.10\n  \
        maxsmart names 192.0.2.10 --json")]
    Names(NamesArgs),
    /// Rename a port or the device (firmware 1.30).
    #[command(
        after_help = "Examples:\n  maxsmart rename 1 \"Desk lamp\" --host 192.0.2.10\n  \
        maxsmart rename device \"Living room\" --host 192.0.2.10"
    )]
    Rename(RenameArgs),
    /// Show the hardware identifiers the device reports.
    #[command(after_help = "Examples:\n  maxsmart ids 192.0.2.10\n  \
        maxsmart ids 192.0.2.10 --json")]
    Ids(IdsArgs),
    /// Check that the device replies, how fast, and what its firmware supports.
    #[command(after_help = "Examples:\n  maxsmart health 192.0.2.10\n  \
        maxsmart health 192.0.2.10 --json")]
    Health(HealthArgs),
    /// Print a shell completion script to standard output.
    #[command(
        after_help = "Examples:\n  maxsmart completions bash > ~/.local/share/bash-completion/completions/maxsmart\n  \
        maxsmart completions zsh > ~/.zfunc/_maxsmart\n  \
        maxsmart completions fish > ~/.config/fish/completions/maxsmart.fish"
    )]
    Completions(CompletionsArgs),
}

/// An optional device address given as the first argument, instead of `--host`.
#[derive(Debug, Clone, Args)]
pub struct HostArg {
    /// Device IP address; overrides --host and MAXSMART_HOST.
    #[arg(id = "address", value_name = "ADDRESS")]
    pub host: Option<IpAddr>,
}
