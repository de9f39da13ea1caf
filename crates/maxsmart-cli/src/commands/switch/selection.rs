//! Port arguments of `on` and `off`: numbers, names or `all`, checked against the device.

use std::str::FromStr;

use maxsmart_tokio::proto::names::Names;

use crate::exit::CliError;
use crate::ports::{check_port, label, label_matches};
use crate::text;

/// One port argument as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortArg {
    /// Every port, written `all`.
    All,
    /// A port number, from 1.
    Number(u8),
    /// A port name as the device reports it in discovery, matched without regard to case.
    Name(String),
}

impl FromStr for PortArg {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Ok(PortArg::All);
        }
        if text.is_empty() {
            return Err(String::from(
                "a port is empty; give a number from 1, a name or `all`",
            ));
        }
        if is_negative_number(text) {
            return Err(format!(
                "port {text} is invalid; ports are numbered from 1, and `all` selects every port"
            ));
        }
        if text.bytes().all(|byte| byte.is_ascii_digit()) {
            return match text.parse::<u8>() {
                Ok(0) => Err(String::from(
                    "port 0 is invalid; ports are numbered from 1, and `all` selects every port",
                )),
                Ok(number) => Ok(PortArg::Number(number)),
                Err(_) => Err(format!(
                    "port {text} is out of range; ports run from 1 to the device's port count"
                )),
            };
        }
        Ok(PortArg::Name(text.to_owned()))
    }
}

/// Returns whether `text` is `-` followed by one or more digits.
fn is_negative_number(text: &str) -> bool {
    text.strip_prefix('-')
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// The ports a command acts on, after checking them against the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every port, switched with one command.
    All,
    /// These ports in ascending order, each once.
    Ports(Vec<u8>),
}

/// Checks `args` against the device's port count and names and returns the ports to switch.
///
/// # Errors
///
/// Returns [`CliError::Usage`] for `all` mixed with ports, a port above `port_count`, and a
/// name that no port has; the message lists what the device offers.
pub fn resolve(
    args: &[PortArg],
    port_count: u8,
    names: &Names,
    serial: &str,
) -> Result<Selection, CliError> {
    if args.contains(&PortArg::All) {
        if args.len() > 1 {
            return Err(CliError::Usage(String::from(
                "`all` cannot be combined with other ports; give either `all` or port numbers",
            )));
        }
        return Ok(Selection::All);
    }
    let mut ports = Vec::with_capacity(args.len());
    for arg in args {
        let port = match arg {
            PortArg::All => continue,
            PortArg::Number(port) => check_port("port", *port, port_count, serial, "")?,
            PortArg::Name(name) => find_name(name, port_count, names, serial, "")?,
        };
        ports.push(port);
    }
    ports.sort_unstable();
    ports.dedup();
    Ok(Selection::Ports(ports))
}

/// Finds the single port whose label matches `name`, as [`label_matches`] compares them.
///
/// # Errors
///
/// Returns [`CliError::Usage`] listing the ports when several share the name, and listing
/// every port's label, followed by `advice`, when none has it.
pub fn find_name(
    name: &str,
    port_count: u8,
    names: &Names,
    serial: &str,
    advice: &str,
) -> Result<u8, CliError> {
    let found: Vec<u8> = (1..=port_count)
        .filter(|port| label_matches(names, *port, name))
        .collect();
    match found.as_slice() {
        [port] => return Ok(*port),
        [] => {}
        several => {
            let ports: Vec<String> = several.iter().map(u8::to_string).collect();
            return Err(CliError::Usage(format!(
                "ports {} of {serial} are all named \"{}\"; give the port number instead, \
                 or rename one of them with `maxsmart rename`",
                ports.join(" and "),
                text::excerpt(name.trim())
            )));
        }
    }
    let known: Vec<String> = (1..=port_count)
        .map(|port| format!("{port} \"{}\"", label(names, port)))
        .collect();
    Err(CliError::Usage(format!(
        "no port of {serial} is named \"{}\"; its ports are {}{advice}",
        text::excerpt(name.trim()),
        known.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        let ports = ["TV", "Lamp", "", "Fridge", "Radio", "Fan"]
            .map(|name| Some(name.to_owned()).filter(|name| !name.is_empty()));
        Names {
            device: None,
            ports: ports.to_vec(),
        }
    }

    fn unnamed() -> Names {
        Names {
            device: None,
            ports: vec![None; 6],
        }
    }

    fn parse(texts: &[&str]) -> Vec<PortArg> {
        texts.iter().map(|text| text.parse().unwrap()).collect()
    }

    #[test]
    fn numbers_names_and_all_parse() {
        assert_eq!("3".parse::<PortArg>(), Ok(PortArg::Number(3)));
        assert_eq!("ALL".parse::<PortArg>(), Ok(PortArg::All));
        assert_eq!(
            "Lamp".parse::<PortArg>(),
            Ok(PortArg::Name(String::from("Lamp")))
        );
    }

    #[test]
    fn port_zero_and_huge_numbers_are_rejected() {
        assert!(
            "0".parse::<PortArg>()
                .unwrap_err()
                .contains("numbered from 1")
        );
        assert!("300".parse::<PortArg>().unwrap_err().contains("300"));
        assert_eq!(
            "-1".parse::<PortArg>().unwrap_err(),
            "port -1 is invalid; ports are numbered from 1, and `all` selects every port"
        );
    }

    #[test]
    fn ports_are_sorted_and_deduplicated() {
        let selection = resolve(&parse(&["4", "2", "4"]), 6, &unnamed(), "SWP6000000000001");
        assert_eq!(selection.unwrap(), Selection::Ports(vec![2, 4]));
    }

    #[test]
    fn names_match_without_case() {
        let names = names();
        let selection = resolve(&parse(&["lamp", "FRIDGE"]), 6, &names, "S");
        assert_eq!(selection.unwrap(), Selection::Ports(vec![2, 4]));
    }

    #[test]
    fn names_match_after_trimming() {
        let names = Names {
            device: None,
            ports: vec![Some(String::from("Lamp ")), Some(String::from("   "))],
        };
        let selection = resolve(&[PortArg::Name(String::from("lamp"))], 2, &names, "S");
        assert_eq!(selection.unwrap(), Selection::Ports(vec![1]));
        let selection = resolve(&[PortArg::Name(String::from("Port 2"))], 2, &names, "S");
        assert_eq!(selection.unwrap(), Selection::Ports(vec![2]));
    }

    #[test]
    fn default_name_of_unnamed_port_matches() {
        let names = names();
        let selection = resolve(&[PortArg::Name(String::from("port 3"))], 6, &names, "S");
        assert_eq!(selection.unwrap(), Selection::Ports(vec![3]));
    }

    #[test]
    fn port_above_count_names_the_range() {
        let error = resolve(&parse(&["1", "9"]), 6, &unnamed(), "SWP6000000000001").unwrap_err();
        assert_eq!(
            error.to_string(),
            "port 9 is out of range for SWP6000000000001: its ports are 1 to 6"
        );
        let plug = resolve(&parse(&["2"]), 1, &unnamed(), "SWP1000000000001").unwrap_err();
        assert!(plug.to_string().ends_with("it has only port 1"), "{plug}");
    }

    #[test]
    fn unknown_name_lists_the_ports() {
        let names = names();
        let error = resolve(&parse(&["Oven"]), 6, &names, "S").unwrap_err();
        let message = error.to_string();
        assert!(message.contains("\"Oven\""), "{message}");
        assert!(message.contains("2 \"Lamp\""), "{message}");
        assert!(message.contains("3 \"Port 3\""), "{message}");
    }

    #[test]
    fn shared_name_lists_both_ports() {
        let names = Names {
            device: None,
            ports: vec![Some(String::from("Lamp")), None, Some(String::from("lamp"))],
        };
        let error = resolve(&parse(&["LAMP"]), 3, &names, "SWP3000000000001").unwrap_err();
        assert_eq!(error.exit_code(), crate::exit::USAGE);
        assert_eq!(
            error.to_string(),
            "ports 1 and 3 of SWP3000000000001 are all named \"LAMP\"; give the port number \
             instead, or rename one of them with `maxsmart rename`"
        );
    }

    #[test]
    fn all_with_other_ports_is_rejected() {
        let error = resolve(&parse(&["all", "1"]), 6, &unnamed(), "S").unwrap_err();
        assert!(error.to_string().contains("cannot be combined"), "{error}");
        assert_eq!(
            resolve(&parse(&["all"]), 6, &unnamed(), "S").unwrap(),
            Selection::All
        );
    }
}
