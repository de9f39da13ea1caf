//! The port table printed by `status`, `demo` and `watch`: one row per port.

use maxsmart_tokio::proto::InvalidArgument;
use maxsmart_tokio::proto::names::Names;
use maxsmart_tokio::{PortSelector, Status};
use serde::{Deserialize, Serialize};

use crate::exit::CliError;
use crate::table::{self, Cell, Column};

/// One port as printed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortRow {
    /// Port number, from 1.
    pub port: u8,
    /// Port name from discovery, or `Port N` when the device keeps none.
    pub name: String,
    /// Whether the port is on.
    pub on: bool,
    /// Power in watts, when reported.
    pub watts: Option<f64>,
    /// Current in amperes, when reported.
    pub amps: Option<f64>,
}

/// The columns of the port table.
pub const COLUMNS: [Column; 5] = [
    Column::left("PORT"),
    Column::left("NAME"),
    Column::left("STATE"),
    Column::right("WATTS"),
    Column::right("AMPS"),
];

/// Joins a status with the port names from discovery.
pub fn rows(status: &Status, names: &Names) -> Vec<PortRow> {
    status
        .ports
        .iter()
        .map(|port| PortRow {
            port: port.port,
            name: label(names, port.port),
            on: port.on,
            watts: port.watts,
            amps: port.amps,
        })
        .collect()
}

/// Returns the label of `port`: its discovery name without surrounding whitespace, or
/// `Port N` when the device sent no name or only whitespace.
///
/// Tables show this label, and `on`, `off` and `rename` accept it in place of the port
/// number (see [`label_matches`]).
pub fn label(names: &Names, port: u8) -> String {
    match names.port(port).map(str::trim) {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => format!("Port {port}"),
    }
}

/// Returns whether `text` selects `port` by name: it equals the port's [`label`] after
/// trimming, ignoring ASCII case.
pub fn label_matches(names: &Names, port: u8, text: &str) -> bool {
    label(names, port).eq_ignore_ascii_case(text.trim())
}

/// Parses a port number given as an option value, such as `stats --port`.
///
/// # Errors
///
/// Returns a message naming the text for anything but a whole number from 0 to 255. Port 0
/// and the device's port count are checked after connecting, with [`check_port`].
pub fn parse_port_number(text: &str) -> Result<u8, String> {
    text.trim().parse::<u8>().map_err(|_| {
        format!("port {text} is invalid; give a port number from 1 to the device's port count")
    })
}

/// Returns `its ports are 1 to N`, or `it has only port 1` for a plug.
pub fn range_text(port_count: u8) -> String {
    if port_count == 1 {
        String::from("it has only port 1")
    } else {
        format!("its ports are 1 to {port_count}")
    }
}

/// Checks `port` against the device's port count with [`PortSelector::validate`].
///
/// `option` is how the port was given, such as `port` or `--port`, and the message ends
/// with `advice`.
///
/// # Errors
///
/// Returns [`CliError::Usage`] naming the port, the serial number and the valid range.
pub fn check_port(
    option: &str,
    port: u8,
    port_count: u8,
    serial: &str,
    advice: &str,
) -> Result<u8, CliError> {
    PortSelector::One(port)
        .validate(port_count)
        .map(|_| port)
        .map_err(|error| port_error(option, &error, serial, advice))
}

/// Words a rejected port of `serial` as a usage error that ends with `advice`.
pub fn port_error(option: &str, error: &InvalidArgument, serial: &str, advice: &str) -> CliError {
    let message = match error {
        InvalidArgument::PortOutOfRange { port, port_count } => format!(
            "{option} {port} is out of range for {serial}: {}{advice}",
            range_text(*port_count)
        ),
        other => format!("{option} is invalid for {serial}: {other}{advice}"),
    };
    CliError::Usage(message)
}

/// Returns the unstyled cells of one row.
pub fn cells(row: &PortRow) -> Vec<Cell> {
    vec![
        Cell::plain(row.port.to_string()),
        Cell::plain(row.name.clone()),
        Cell::plain(state_text(row.on)),
        Cell::plain(table::number(row.watts, 2)),
        Cell::plain(table::number(row.amps, 3)),
    ]
}

/// Renders rows as an aligned text table.
pub fn render(rows: &[PortRow]) -> String {
    let cells: Vec<Vec<Cell>> = rows.iter().map(cells).collect();
    table::render(&COLUMNS, &cells)
}

/// Returns `on` or `off`.
pub fn state_text(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use maxsmart_tokio::{PortStatus, WattFormat};

    fn status() -> Status {
        Status {
            ports: vec![
                PortStatus {
                    port: 1,
                    on: true,
                    watts: Some(15.2),
                    amps: Some(0.066),
                },
                PortStatus {
                    port: 2,
                    on: false,
                    watts: None,
                    amps: None,
                },
            ],
            watt_format: WattFormat::Milliwatts,
        }
    }

    fn names(ports: &[Option<&str>]) -> Names {
        Names {
            device: None,
            ports: ports.iter().map(|name| name.map(str::to_owned)).collect(),
        }
    }

    #[test]
    fn missing_names_fall_back_to_numbers() {
        let rows = rows(&status(), &names(&[None, None]));
        assert_eq!(rows[0].name, "Port 1");
        assert_eq!(rows[1].name, "Port 2");
    }

    #[test]
    fn labels_follow_the_discovery_rule() {
        let reply = maxsmart_tokio::proto::discovery::parse_reply(
            br#"{"response":0,"data":{"sn":"SWP6000000000001","pname":["TV",""]}}"#,
        )
        .unwrap();
        let names = Names::from_discovery(&reply, 3);
        assert_eq!(label(&names, 1), "TV");
        assert_eq!(label(&names, 2), "Port 2");
        assert_eq!(label(&names, 3), "Port 3");
        assert_eq!(label(&names, 0), "Port 0");
    }

    #[test]
    fn labels_trim_names_and_skip_blank_ones() {
        let names = names(&[Some("Lamp "), Some("   "), Some("\tTV\n")]);
        assert_eq!(label(&names, 1), "Lamp");
        assert_eq!(label(&names, 2), "Port 2");
        assert_eq!(label(&names, 3), "TV");
    }

    #[test]
    fn label_matches_after_trimming_without_case() {
        let names = names(&[Some("Lamp "), Some("  "), None]);
        assert!(label_matches(&names, 1, "lamp"));
        assert!(label_matches(&names, 1, " LAMP "));
        assert!(!label_matches(&names, 1, "Lamp 2"));
        assert!(label_matches(&names, 2, "port 2"));
        assert!(!label_matches(&names, 2, ""));
        assert!(label_matches(&names, 3, "Port 3"));
    }

    #[test]
    fn table_shows_state_and_watts() {
        let text = render(&rows(&status(), &names(&[Some("TV"), None])));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "PORT  NAME    STATE  WATTS   AMPS");
        assert_eq!(lines[1], "1     TV      on     15.20  0.066");
        assert_eq!(lines[2], "2     Port 2  off        -      -");
    }

    #[test]
    fn port_check_names_serial_and_range() {
        assert_eq!(check_port("port", 6, 6, "S", "").unwrap(), 6);
        let error = check_port("port", 9, 6, "SWP6000000000001", "").unwrap_err();
        assert_eq!(
            error.to_string(),
            "port 9 is out of range for SWP6000000000001: its ports are 1 to 6"
        );
        let error = check_port("--port", 0, 1, "SWP1000000000001", "; pick 1").unwrap_err();
        assert_eq!(
            error.to_string(),
            "--port 0 is out of range for SWP1000000000001: it has only port 1; pick 1"
        );
    }
}
