//! `maxsmart rename`: rename a port or the device (HTTP command 201, firmware 1.30).

use std::net::IpAddr;

use clap::Args;
use maxsmart_tokio::proto::names::{DEFAULT_MAX_NAME_CHARS, NameTarget, Names, validate_name};
use serde::Serialize;

use crate::cli::GlobalOptions;
use crate::exit::CliError;
use crate::output;
use crate::ports::{label, port_error};
use crate::session::{Session, resolve_host};
use crate::text;

/// Arguments of `rename`.
#[derive(Debug, Args)]
pub struct RenameArgs {
    /// The target: a port number from 1, a port's current name, or `device`.
    #[arg(value_name = "TARGET")]
    pub target: String,
    /// The new name.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The maximum name length, in characters. Sources disagree between 21 and 32 for
    /// firmware 1.30, so the default is the shorter.
    #[arg(long, value_name = "CHARS", default_value_t = DEFAULT_MAX_NAME_CHARS)]
    pub max_chars: usize,
}

/// The JSON document `rename --json` prints.
#[derive(Debug, Serialize)]
struct RenameOutput<'a> {
    host: IpAddr,
    serial: &'a str,
    /// The port renamed, or `null` for the device.
    port: Option<u8>,
    /// The name before, from discovery.
    old_name: Option<&'a str>,
    /// The name sent.
    new_name: &'a str,
}

/// Runs `maxsmart rename`.
///
/// The name and the target are checked before anything is sent.
///
/// # Errors
///
/// Returns [`CliError::Usage`] for an invalid name or target, and [`CliError::Client`] when
/// the device rejects the rename or its firmware keeps no names.
pub async fn run(global: &GlobalOptions, args: &RenameArgs) -> Result<(), CliError> {
    validate_name(&args.name, args.max_chars)
        .map_err(|error| CliError::Usage(format!("{error}; choose a shorter or plainer name")))?;
    let host = resolve_host(global, None)?;
    let session = Session::open(global, host).await?;
    let result = rename(global, &session, args).await;
    session.close().await;
    result
}

async fn rename(
    global: &GlobalOptions,
    session: &Session,
    args: &RenameArgs,
) -> Result<(), CliError> {
    let port_count = session.device.port_count().await;
    let names = session.names();
    let target = parse_target(&args.target, port_count, names, session.serial())?;
    let (port, old_name) = match target {
        NameTarget::Device => (None, names.device.as_deref()),
        NameTarget::Port(port) => (Some(port), names.port(port)),
    };
    let name = args.name.as_str();
    let max_chars = args.max_chars;
    session
        .device
        .execute(|context| context.rename_with_limit(target, name, max_chars))
        .await
        .map_err(CliError::client(format!(
            "cannot rename {} of {}",
            describe(target),
            session.serial()
        )))?;

    if global.json {
        return output::json(&RenameOutput {
            host: session.host,
            serial: session.serial(),
            port,
            old_name,
            new_name: name,
        });
    }
    let before = old_name.map_or_else(String::new, |old| {
        format!(" from \"{}\"", text::printable(old))
    });
    output::line(&format!(
        "Renamed {}{before} to \"{name}\".",
        describe(target)
    ))
}

/// Reads `device`, a port number or a port's current name.
fn parse_target(
    text: &str,
    port_count: u8,
    names: &Names,
    serial: &str,
) -> Result<NameTarget, CliError> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("device") {
        return Ok(NameTarget::Device);
    }
    if let Ok(port) = text.parse::<u8>() {
        return NameTarget::Port(port)
            .validate(port_count)
            .map_err(|error| {
                let advice = "; use `device` to rename the device itself";
                port_error("port", &error, serial, advice)
            });
    }
    (1..=port_count)
        .find(|port| label(names, *port).eq_ignore_ascii_case(text))
        .map(NameTarget::Port)
        .ok_or_else(|| {
            CliError::Usage(format!(
                "no port of {serial} is named \"{text}\"; give a port number from 1 to \
                 {port_count}, a current port name, or `device`"
            ))
        })
}

fn describe(target: NameTarget) -> String {
    match target {
        NameTarget::Device => String::from("the device"),
        NameTarget::Port(port) => format!("port {port}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_as_device_number_or_name() {
        let names = Names {
            device: Some(String::from("STRIP")),
            ports: vec![Some(String::from("TV")), None],
        };
        let parse = |text| parse_target(text, 2, &names, "S");
        assert_eq!(parse("device").unwrap(), NameTarget::Device);
        assert_eq!(parse("2").unwrap(), NameTarget::Port(2));
        assert_eq!(parse("tv").unwrap(), NameTarget::Port(1));
        assert_eq!(parse("Port 2").unwrap(), NameTarget::Port(2));
    }

    #[test]
    fn unknown_target_is_a_usage_error() {
        let names = Names {
            device: None,
            ports: vec![None; 6],
        };
        let error = parse_target("7", 6, &names, "SWP6000000000001").unwrap_err();
        assert_eq!(
            error.to_string(),
            "port 7 is out of range for SWP6000000000001: its ports are 1 to 6; use `device` \
             to rename the device itself"
        );
        let error = parse_target("0", 6, &names, "S").unwrap_err();
        assert!(
            error.to_string().starts_with("port 0 is out of range"),
            "{error}"
        );
        let error = parse_target("Oven", 6, &names, "S").unwrap_err();
        assert!(error.to_string().contains("\"Oven\""), "{error}");
        assert_eq!(error.exit_code(), crate::exit::USAGE);
    }
}
