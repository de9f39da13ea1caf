//! One refresh of `maxsmart watch`: the port table with this poll's changes highlighted.

use anstyle::{AnsiColor, Style};
use maxsmart_tokio::Status;
use maxsmart_tokio::proto::names::Names;
use serde::Serialize;

use crate::ports::{self, PortRow, state_text};
use crate::table::{self, Cell, Column};

/// A change the poller reported for one port.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// The port was switched on or off.
    Switched {
        /// The port, numbered from 1.
        port: u8,
        /// The new state.
        on: bool,
    },
    /// The port's power changed by more than the threshold.
    Power {
        /// The port, numbered from 1.
        port: u8,
        /// The power at the previous poll, in watts.
        previous_watts: f64,
        /// The power now, in watts.
        watts: f64,
    },
}

impl Change {
    /// Returns the port the change concerns.
    pub fn port(&self) -> u8 {
        match self {
            Change::Switched { port, .. } | Change::Power { port, .. } => *port,
        }
    }
}

/// The JSON line `watch --json` prints for each successful poll.
#[derive(Debug, Serialize)]
pub struct PollRecord<'a> {
    /// The poll's number, from 1.
    pub poll: u64,
    /// This computer's local time when the poll was shown.
    pub time: &'a str,
    /// The ports read.
    pub ports: &'a [PortRow],
    /// The changes since the previous poll.
    pub changes: &'a [Change],
}

/// The JSON line `watch --json` prints for each failed poll.
#[derive(Debug, Serialize)]
pub struct FailureRecord<'a> {
    /// The poll's number, from 1.
    pub poll: u64,
    /// This computer's local time when the failure was shown.
    pub time: &'a str,
    /// The error message of the failed poll.
    pub error: &'a str,
    /// How many polls in a row have failed.
    pub consecutive_failures: u32,
}

const COLUMNS: [Column; 6] = [
    Column::left("PORT"),
    Column::left("NAME"),
    Column::left("STATE"),
    Column::right("WATTS"),
    Column::right("AMPS"),
    Column::left("CHANGE"),
];

/// Renders the port table with a CHANGE column, the changed cells drawn in colour.
pub fn render(status: &Status, names: &Names, changes: &[Change]) -> String {
    let rows: Vec<Vec<Cell>> = ports::rows(status, names)
        .iter()
        .map(|row| {
            let mut cells = ports::cells(row);
            let mut notes = Vec::new();
            for change in changes.iter().filter(|change| change.port() == row.port) {
                match change {
                    Change::Switched { on, .. } => {
                        let colour = if *on {
                            AnsiColor::Green
                        } else {
                            AnsiColor::Red
                        };
                        let style = Style::new().bold().fg_color(Some(colour.into()));
                        cells[2] = Cell::styled(state_text(*on), style);
                        notes.push(format!("switched {}", state_text(*on)));
                    }
                    Change::Power {
                        previous_watts,
                        watts,
                        ..
                    } => {
                        let style = Style::new().bold().fg_color(Some(AnsiColor::Yellow.into()));
                        cells[3] = Cell::styled(cells[3].text.clone(), style);
                        notes.push(format!("{:+.2} W", watts - previous_watts));
                    }
                }
            }
            cells.push(Cell::plain(notes.join(", ")));
            cells
        })
        .collect();
    table::render(&COLUMNS, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use maxsmart_tokio::{PortStatus, WattFormat};

    fn unnamed() -> Names {
        Names {
            device: None,
            ports: vec![None; 2],
        }
    }

    fn status() -> Status {
        let port = |port, on, watts| PortStatus {
            port,
            on,
            watts: Some(watts),
            amps: None,
        };
        Status {
            ports: vec![port(1, true, 60.0), port(2, true, 15.5)],
            watt_format: WattFormat::Watts,
        }
    }

    #[test]
    fn changes_fill_the_change_column() {
        let changes = [
            Change::Switched { port: 1, on: true },
            Change::Power {
                port: 1,
                previous_watts: 0.0,
                watts: 60.0,
            },
        ];
        let text = render(&status(), &unnamed(), &changes);
        let plain = text.replace('\u{1b}', "");
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].ends_with("AMPS  CHANGE"), "{plain}");
        assert!(lines[1].ends_with("switched on, +60.00 W"), "{plain}");
        assert!(
            lines[2].ends_with("-"),
            "unchanged port has no note: {plain}"
        );
    }

    #[test]
    fn changed_state_is_styled() {
        let changes = [Change::Switched { port: 2, on: true }];
        let text = render(&status(), &unnamed(), &changes);
        let green = Style::new().bold().fg_color(Some(AnsiColor::Green.into()));
        let second = text.lines().nth(2).unwrap();
        assert!(second.contains(&format!("{}on{}", green.render(), green.render_reset())));
        let first = text.lines().nth(1).unwrap();
        assert!(
            !first.contains('\u{1b}'),
            "port 1 did not change: {first:?}"
        );
    }

    #[test]
    fn change_serializes_with_a_tag() {
        let json = serde_json::to_value(Change::Switched { port: 3, on: false }).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"change": "switched", "port": 3, "on": false})
        );
    }
}
