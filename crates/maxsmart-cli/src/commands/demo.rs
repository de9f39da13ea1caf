//! `maxsmart demo`: the subcommands, one after another, against a simulated strip on loopback.

use std::net::IpAddr;

use maxsmart_sim::SimDevice;
use maxsmart_tokio::proto::names::DEFAULT_MAX_NAME_CHARS;

use crate::cli::{GlobalOptions, HostArg};
use crate::commands::rename::RenameArgs;
use crate::commands::stats::{KindArg, StatsArgs};
use crate::commands::switch::{PortArg, SwitchArgs};
use crate::commands::{discover, names, rename, stats, status, switch, time};
use crate::exit::CliError;
use crate::output;

/// Runs `maxsmart demo`.
///
/// The simulator is [`SimDevice::start_demo_strip`], with port 1 off so that the tour can
/// switch it on. It listens on 127.0.0.1 on free ports, which replace the global host and
/// port options, so nothing leaves the loopback interface. With `--json` each step prints
/// its own JSON document, one after another.
///
/// # Errors
///
/// Returns [`CliError::Simulator`] when the simulator cannot start, and the error of the
/// first step that fails.
pub async fn run(global: &GlobalOptions) -> Result<(), CliError> {
    let simulator = SimDevice::start_demo_strip()
        .await
        .map_err(CliError::Simulator)?;
    let result = tour(global, simulator.udp_addr().ip(), &simulator).await;
    simulator.stop().await;
    result
}

async fn tour(global: &GlobalOptions, host: IpAddr, simulator: &SimDevice) -> Result<(), CliError> {
    let global = GlobalOptions {
        host: Some(host),
        http_port: simulator.http_addr().map_or(0, |address| address.port()),
        udp_port: simulator.udp_addr().port(),
        ..global.clone()
    };
    let step = Step { json: global.json };
    step.say(&format!(
        "Started a simulated {} on {host} (HTTP port {}, UDP port {}).\n\
         Each step below runs with --host {host} --http-port {} --udp-port {}.",
        simulator.profile().description(),
        global.http_port,
        global.udp_port,
        global.http_port,
        global.udp_port,
    ))?;

    let no_host = HostArg { host: None };
    step.command("discover")?;
    discover::run(&global, &discover::DiscoverArgs { host: None }).await?;

    step.command("status")?;
    status::run(
        &global,
        &status::StatusArgs {
            host: no_host.clone(),
        },
    )
    .await?;

    step.command("on 1")?;
    let ports = vec![PortArg::Number(1)];
    switch::run(&global, &SwitchArgs { ports }, true).await?;

    step.command("rename 1 \"Desk lamp\"")?;
    let rename_args = RenameArgs {
        target: String::from("1"),
        name: String::from("Desk lamp"),
        max_chars: DEFAULT_MAX_NAME_CHARS,
    };
    rename::run(&global, &rename_args).await?;

    step.command("names")?;
    names::run(
        &global,
        &names::NamesArgs {
            host: no_host.clone(),
        },
    )
    .await?;

    step.command("time")?;
    let time_args = time::TimeArgs {
        host: no_host,
        set: false,
    };
    time::run(&global, &time_args).await?;

    step.command("stats hourly")?;
    let stats_args = StatsArgs {
        kind: KindArg::Hourly,
        port: None,
        svg: None,
        csv: false,
    };
    stats::run(&global, &stats_args).await
}

/// Prints the narration between steps, only in text mode.
struct Step {
    json: bool,
}

impl Step {
    fn say(&self, text: &str) -> Result<(), CliError> {
        if self.json {
            return Ok(());
        }
        output::line(text)
    }

    fn command(&self, command: &str) -> Result<(), CliError> {
        self.say(&format!("\n$ maxsmart {command}"))
    }
}
