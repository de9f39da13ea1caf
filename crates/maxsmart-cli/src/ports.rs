//! The port table printed by `status`, `demo` and `watch`: one row per port.

use maxsmart_tokio::Status;
use serde::{Deserialize, Serialize};

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
pub fn rows(status: &Status, names: Option<&[String]>) -> Vec<PortRow> {
    status
        .ports
        .iter()
        .map(|port| PortRow {
            port: port.port,
            name: port_name(names, port.port),
            on: port.on,
            watts: port.watts,
            amps: port.amps,
        })
        .collect()
}

/// Returns the discovery name of `port`, or `Port N` when the device sent none.
pub fn port_name(names: Option<&[String]>, port: u8) -> String {
    names
        .and_then(|names| names.get(usize::from(port).checked_sub(1)?))
        .map(|name| name.trim())
        .filter(|name| !name.is_empty())
        .map_or_else(|| format!("Port {port}"), str::to_owned)
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

    #[test]
    fn missing_names_fall_back_to_numbers() {
        let rows = rows(&status(), None);
        assert_eq!(rows[0].name, "Port 1");
        assert_eq!(rows[1].name, "Port 2");
    }

    #[test]
    fn blank_name_falls_back_to_number() {
        let names = vec![String::from("TV"), String::from("  ")];
        let rows = rows(&status(), Some(&names));
        assert_eq!(rows[0].name, "TV");
        assert_eq!(rows[1].name, "Port 2");
    }

    #[test]
    fn table_shows_state_and_watts() {
        let names = vec![String::from("TV"), String::new()];
        let text = render(&rows(&status(), Some(&names)));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "PORT  NAME    STATE  WATTS   AMPS");
        assert_eq!(lines[1], "1     TV      on     15.20  0.066");
        assert_eq!(lines[2], "2     Port 2  off        -      -");
    }
}
