//! The port table printed by `status` and `demo`, as text or JSON.

use std::fmt::Write as _;

use maxsmart_tokio::Status;
use serde::Serialize;

/// One port as printed.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// Joins a status with the port names from discovery.
pub fn rows(status: &Status, names: Option<&[String]>) -> Vec<PortRow> {
    status
        .ports
        .iter()
        .map(|port| {
            let name = names
                .and_then(|names| names.get(usize::from(port.port) - 1))
                .filter(|name| !name.is_empty())
                .cloned()
                .unwrap_or_else(|| format!("Port {}", port.port));
            PortRow {
                port: port.port,
                name,
                on: port.on,
                watts: port.watts,
                amps: port.amps,
            }
        })
        .collect()
}

/// Renders rows as an aligned text table.
pub fn render(rows: &[PortRow]) -> String {
    let name_width = rows
        .iter()
        .map(|row| row.name.chars().count())
        .max()
        .unwrap_or(0)
        .max("NAME".len());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "PORT  {:<name_width$}  STATE  {:>8}  {:>6}",
        "NAME", "WATTS", "AMPS"
    );
    for row in rows {
        let state = if row.on { "on" } else { "off" };
        let _ = writeln!(
            out,
            "{:<4}  {:<name_width$}  {:<5}  {:>8}  {:>6}",
            row.port,
            row.name,
            state,
            number(row.watts, 2),
            number(row.amps, 3),
        );
    }
    out
}

fn number(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(value) => format!("{value:.decimals$}"),
        None => String::from("-"),
    }
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
    fn table_shows_state_and_watts() {
        let names = vec![String::from("TV"), String::new()];
        let text = render(&rows(&status(), Some(&names)));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with("1     TV      on"), "{text}");
        assert!(lines[1].contains("15.20"), "{text}");
        assert!(lines[2].contains("Port 2  off"), "{text}");
        assert!(lines[2].trim_end().ends_with('-'), "{text}");
    }
}
