//! `maxsmart rename`: rename a port or the device (HTTP command 201, firmware 1.30).

use std::net::IpAddr;

use clap::Args;
use maxsmart_tokio::proto::names::{DEFAULT_MAX_NAME_CHARS, NameTarget, Names, validate_name};
use serde::Serialize;

use crate::cli::GlobalOptions;
use crate::commands::switch::find_name;
use crate::exit::CliError;
use crate::output;
use crate::ports::{label_matches, port_error};
use crate::session::{Session, resolve_host};
use crate::text;

/// Arguments of `rename`.
#[derive(Debug, Args)]
pub struct RenameArgs {
    /// The target: a port number from 1, a port's current name, or `device`.
    #[arg(value_name = "TARGET", allow_negative_numbers = true)]
    pub target: String,
    /// The new name.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The maximum name length, in characters. Sources disagree between 21 and 32 for
    /// firmware 1.30, so the default is the shorter.
    #[arg(
        long,
        value_name = "CHARS",
        default_value_t = DEFAULT_MAX_NAME_CHARS,
        allow_negative_numbers = true
    )]
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
    check_name(&args.name, args.max_chars)?;
    if !is_device_target(&args.target) {
        check_port_name(&args.name)?;
    }
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
    if let NameTarget::Port(port) = target {
        warn_on_duplicate(name, port, port_count, names);
    }
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

/// Checks `name` with [`validate_name`] and adds the fix to the message.
///
/// # Errors
///
/// Returns [`CliError::Usage`] for a blank name, a control character or a name longer than
/// `max_chars`.
fn check_name(name: &str, max_chars: usize) -> Result<(), CliError> {
    validate_name(name, max_chars).map_err(|error| {
        let advice = if name.trim().is_empty() {
            "give a name with at least one character other than a space"
        } else if name.chars().any(char::is_control) {
            "remove the control characters, such as line breaks and tabs"
        } else {
            "choose a shorter name"
        };
        CliError::Usage(format!("{error}; {advice}"))
    })
}

/// Checks that `on` and `off` could select a port by `name`.
///
/// # Errors
///
/// Returns [`CliError::Usage`] for `all`, which selects every port, and for a name of only
/// digits, which selects a port by number.
fn check_port_name(name: &str) -> Result<(), CliError> {
    let name = name.trim();
    if name.eq_ignore_ascii_case("all") {
        return Err(CliError::Usage(format!(
            "a port cannot be named \"{name}\": `maxsmart on all` selects every port, so \
             this port could not be selected by name; choose another name"
        )));
    }
    if name.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(CliError::Usage(format!(
            "a port cannot be named \"{}\": `maxsmart on` reads digits as a port number, so \
             this port could not be selected by name; add a letter",
            text::excerpt(name)
        )));
    }
    Ok(())
}

/// Warns on standard error when another port already has `name`, because `on` and `off`
/// then reject the name as ambiguous.
fn warn_on_duplicate(name: &str, port: u8, port_count: u8, names: &Names) {
    let others: Vec<String> = (1..=port_count)
        .filter(|other| *other != port && label_matches(names, *other, name))
        .map(|other| other.to_string())
        .collect();
    if others.is_empty() {
        return;
    }
    eprintln!(
        "warning: port {} already has the name \"{}\"; `maxsmart on` and `off` will reject \
         this name as ambiguous, so select these ports by number",
        others.join(", "),
        text::printable(name.trim())
    );
}

/// Returns whether `text` names the device rather than a port.
fn is_device_target(text: &str) -> bool {
    text.trim().eq_ignore_ascii_case("device")
}

/// Reads `device`, a port number or a port's current name.
///
/// # Errors
///
/// Returns [`CliError::Usage`] for a port number out of range, a name no port has, and a
/// name that several ports share.
fn parse_target(
    text: &str,
    port_count: u8,
    names: &Names,
    serial: &str,
) -> Result<NameTarget, CliError> {
    if is_device_target(text) {
        return Ok(NameTarget::Device);
    }
    let text = text.trim();
    if let Ok(port) = text.parse::<u8>() {
        return NameTarget::Port(port)
            .validate(port_count)
            .map_err(|error| {
                let advice = "; use `device` to rename the device itself";
                port_error("port", &error, serial, advice)
            });
    }
    let advice = "; give a port number, a current port name, or `device`";
    find_name(text, port_count, names, serial, advice).map(NameTarget::Port)
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
        assert!(
            error
                .to_string()
                .ends_with("; give a port number, a current port name, or `device`"),
            "{error}"
        );
        assert_eq!(error.exit_code(), crate::exit::USAGE);
    }

    #[test]
    fn shared_name_target_is_ambiguous() {
        let names = Names {
            device: None,
            ports: vec![Some(String::from("Lamp")), Some(String::from("lamp "))],
        };
        let error = parse_target("LAMP", 2, &names, "SWP2000000000001").unwrap_err();
        assert_eq!(error.exit_code(), crate::exit::USAGE);
        assert_eq!(
            error.to_string(),
            "ports 1 and 2 of SWP2000000000001 are all named \"LAMP\"; give the port number \
             instead, or rename one of them with `maxsmart rename`"
        );
    }

    #[test]
    fn name_target_matches_after_trimming() {
        let names = Names {
            device: None,
            ports: vec![None, Some(String::from("Lamp "))],
        };
        assert_eq!(
            parse_target(" lamp", 2, &names, "S").unwrap(),
            NameTarget::Port(2)
        );
    }

    #[test]
    fn empty_name_gets_its_own_advice() {
        for name in ["", "   "] {
            let error = check_name(name, 21).unwrap_err();
            let message = error.to_string();
            assert!(
                message.ends_with("; give a name with at least one character other than a space"),
                "{message}"
            );
            assert!(!message.contains("shorter"), "{message}");
        }
    }

    #[test]
    fn long_name_message_is_short() {
        let name: String = std::iter::repeat_n('x', 100_000).collect();
        let message = check_name(&name, 21).unwrap_err().to_string();
        assert!(message.len() < 200, "{} bytes", message.len());
        assert!(message.contains("has 100000 characters"), "{message}");
        assert!(message.ends_with("; choose a shorter name"), "{message}");
    }

    #[test]
    fn reserved_port_names_are_rejected() {
        for name in ["all", " ALL ", "5", "007"] {
            let error = check_port_name(name).unwrap_err();
            assert_eq!(error.exit_code(), crate::exit::USAGE, "{name}");
            assert!(
                error.to_string().contains("could not be selected by name"),
                "{error}"
            );
        }
        assert!(check_port_name("Lamp 2").is_ok());
        assert!(check_port_name("allround").is_ok());
    }

    #[test]
    fn device_target_is_recognised() {
        assert!(is_device_target(" Device "));
        assert!(!is_device_target("1"));
    }
}
