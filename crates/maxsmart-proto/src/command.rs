//! Typed device commands and their encoding for HTTP and V3.
//!
//! [`Request`] names every known command. [`Request::http`] and [`Request::v3`] build what
//! goes on the wire; [`Request::from_http`] and [`Request::from_v3`] read it back, as a
//! device or a simulator does. Replies are decoded by the parser of each message family:
//! [`status`](crate::status), [`stats`](crate::stats), [`clock`](crate::clock),
//! [`ids`](crate::ids) and [`config`](crate::config).

mod decode;

use alloc::string::String;
use alloc::vec::Vec;

use serde::Serialize;

use crate::config::master::{MASTER_SLAVE, MasterSlaveFields, SET_MASTER_SLAVE};
use crate::config::price::{PriceFields, SET_PRICE};
use crate::config::random::{RANDOM_MODE, RandomFields, SET_RANDOM_MODE};
use crate::config::rules::{CHANGE_RULE, PageField, RULES, RuleFields};
use crate::config::timer::{PortField, SET_TIMER, TIMER, TimerFields};
use crate::config::{MasterSlave, Price, RandomMode, RuleChange, TimerSetting};
use crate::firmware::Feature;
use crate::http::HttpRequest;
use crate::ids::HARDWARE_IDS;
use crate::names::{NameTarget, RENAME, RenameFields};
use crate::port::PortSelector;
use crate::stats::{STATISTICS, StatisticsFields, StatisticsKind};
use crate::v3;

/// HTTP command 120: factory reset.
pub const FACTORY_RESET: u16 = 120;
/// HTTP command 200: switch one port or all.
pub const SWITCH: u16 = 200;
/// HTTP command 511: watts, amps and switch states.
pub const STATUS: u16 = 511;
/// HTTP command 513: switch states alone.
pub const SWITCH_STATES: u16 = 513;

/// The fields of a switch command, shared by HTTP 200 and V3 20.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SwitchFields {
    /// 0 for every port, else the port number.
    pub port: u8,
    /// 1 on, 0 off.
    pub state: u8,
}

/// A command to send to a device.
///
/// Variants that change a setting start with `Set` or `Change`; the others read. The values
/// are sent as given: validate them first (the [`DeviceContext`](crate::DeviceContext)
/// builders do) because a device may stay silent on bad arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Request {
    /// Reads watts, amps and switch states (HTTP 511, V3 90).
    Status,
    /// Switches one port or all (HTTP 200, V3 20).
    Switch {
        /// The port, or every port.
        port: PortSelector,
        /// The requested state.
        on: bool,
    },
    /// Clears all settings and statistics (HTTP 120).
    FactoryReset,
    /// Reads hardware identifiers (HTTP 124).
    HardwareIds,
    /// Renames a port or the device (HTTP 201).
    Rename {
        /// The port, or the device.
        target: NameTarget,
        /// The new name.
        name: String,
    },
    /// Sets the master/slave setup (HTTP 202).
    SetMasterSlave(MasterSlave),
    /// Reads the master/slave setup (HTTP 512).
    MasterSlave,
    /// Sets a switch-off timer (HTTP 204).
    SetTimer(TimerSetting),
    /// Reads the timer of one port (HTTP 515).
    Timer {
        /// The port, numbered from 1.
        port: u8,
    },
    /// Sets the energy price and currency (HTTP 205).
    SetPrice(Price),
    /// Creates, edits or deletes a rule (HTTP 206).
    ChangeRule(RuleChange),
    /// Lists the rules (HTTP 516).
    Rules {
        /// The page; all rules fit on page 0.
        page: u8,
    },
    /// Sets random mode (HTTP 207).
    SetRandomMode(RandomMode),
    /// Reads random mode (HTTP 517, inferred for firmware 1.30).
    RandomMode,
    /// Reads the device clock (HTTP 502).
    DeviceTime,
    /// Reads energy statistics (HTTP 510).
    Statistics {
        /// Hourly, daily or monthly samples.
        kind: StatisticsKind,
    },
    /// Reads the switch states alone (HTTP 513).
    SwitchStates,
}

impl Request {
    /// Returns the HTTP command number.
    pub fn http_command(&self) -> u16 {
        match self {
            Request::Status => STATUS,
            Request::Switch { .. } => SWITCH,
            Request::FactoryReset => FACTORY_RESET,
            Request::HardwareIds => HARDWARE_IDS,
            Request::Rename { .. } => RENAME,
            Request::SetMasterSlave(_) => SET_MASTER_SLAVE,
            Request::MasterSlave => MASTER_SLAVE,
            Request::SetTimer(_) => SET_TIMER,
            Request::Timer { .. } => TIMER,
            Request::SetPrice(_) => SET_PRICE,
            Request::ChangeRule(_) => CHANGE_RULE,
            Request::Rules { .. } => RULES,
            Request::SetRandomMode(_) => SET_RANDOM_MODE,
            Request::RandomMode => RANDOM_MODE,
            Request::DeviceTime => crate::clock::DEVICE_TIME,
            Request::Statistics { .. } => STATISTICS,
            Request::SwitchStates => SWITCH_STATES,
        }
    }

    /// Returns the V3 command number, or `None` when the command has no V3 form.
    ///
    /// Only status (90) and switch (20) are known over V3.
    pub fn v3_command(&self) -> Option<u16> {
        match self {
            Request::Status => Some(v3::CMD_STATUS),
            Request::Switch { .. } => Some(v3::CMD_SWITCH),
            _ => None,
        }
    }

    /// Returns whether sending the request twice leaves the device as sending it once.
    ///
    /// Two requests are not: creating a rule, because a resend after a lost
    /// acknowledgement adds a second copy, and a factory reset, because a resend can reset
    /// the device again after it came back up. Reads and settings that write an absolute
    /// value, including editing and deleting a rule by its id, are idempotent.
    /// [`DeviceContext::exchange`](crate::DeviceContext::exchange) sends the others once,
    /// without retries.
    ///
    /// ```
    /// use maxsmart_proto::command::Request;
    /// use maxsmart_proto::port::PortSelector;
    ///
    /// assert!(Request::Switch { port: PortSelector::All, on: true }.is_idempotent());
    /// assert!(!Request::FactoryReset.is_idempotent());
    /// ```
    pub fn is_idempotent(&self) -> bool {
        match self {
            Request::FactoryReset => false,
            Request::ChangeRule(change) => !matches!(change, RuleChange::Create(_)),
            _ => true,
        }
    }

    /// Returns the firmware feature the command needs.
    pub fn feature(&self) -> Feature {
        match self {
            Request::Status => Feature::Status,
            Request::Switch { .. } => Feature::Switch,
            Request::FactoryReset => Feature::FactoryReset,
            Request::HardwareIds => Feature::HardwareIds,
            Request::Rename { .. } => Feature::Rename,
            Request::SetMasterSlave(_) | Request::MasterSlave => Feature::MasterSlave,
            Request::SetTimer(_) | Request::Timer { .. } => Feature::Timer,
            Request::SetPrice(_) => Feature::Price,
            Request::ChangeRule(_) | Request::Rules { .. } => Feature::Rules,
            Request::SetRandomMode(_) => Feature::RandomMode,
            Request::RandomMode => Feature::ReadRandomMode,
            Request::DeviceTime => Feature::DeviceTime,
            Request::Statistics { .. } => Feature::Statistics,
            Request::SwitchStates => Feature::SwitchStates,
        }
    }

    /// Builds the HTTP request. Arguments are sent without `sn`, which devices do not need.
    ///
    /// ```
    /// use maxsmart_proto::command::Request;
    /// use maxsmart_proto::port::PortSelector;
    ///
    /// let request = Request::Switch { port: PortSelector::One(1), on: true };
    /// assert_eq!(request.http().target(), "/?cmd=200&json=%7B%22port%22%3A1%2C%22state%22%3A1%7D");
    /// ```
    pub fn http(&self) -> HttpRequest {
        let command = self.http_command();
        let request = match self {
            Request::Status
            | Request::FactoryReset
            | Request::HardwareIds
            | Request::MasterSlave
            | Request::RandomMode
            | Request::DeviceTime
            | Request::SwitchStates => HttpRequest::bare(command),
            Request::Switch { port, on } => HttpRequest::new(command, &switch_fields(*port, *on)),
            Request::Rename { target, name } => {
                let fields = RenameFields {
                    port: target.wire_number(),
                    name,
                };
                HttpRequest::new(command, &fields)
            }
            Request::SetMasterSlave(setup) => {
                HttpRequest::new(command, &MasterSlaveFields::from(setup))
            }
            Request::SetTimer(setting) => HttpRequest::new(command, &TimerFields::from(setting)),
            Request::Timer { port } => HttpRequest::new(command, &PortField { port: *port }),
            Request::SetPrice(price) => HttpRequest::new(command, &PriceFields::from(price)),
            Request::ChangeRule(change) => HttpRequest::new(command, &RuleFields::from(change)),
            Request::Rules { page } => HttpRequest::new(command, &PageField { page: *page }),
            Request::SetRandomMode(mode) => HttpRequest::new(command, &RandomFields::from(mode)),
            Request::Statistics { kind } => {
                let fields = StatisticsFields {
                    kind: kind.wire_code(),
                };
                HttpRequest::new(command, &fields)
            }
        };
        tracing::trace!(command, "http request built");
        request
    }

    /// Builds the V3 datagram, or `None` when the command has no V3 form.
    pub fn v3(&self, serial: Option<&str>) -> Option<Vec<u8>> {
        let datagram = match self {
            Request::Status => v3::encode_request(serial, v3::CMD_STATUS, &v3::NoFields),
            Request::Switch { port, on } => {
                v3::encode_request(serial, v3::CMD_SWITCH, &switch_fields(*port, *on))
            }
            _ => return None,
        };
        Some(datagram)
    }
}

fn switch_fields(port: PortSelector, on: bool) -> SwitchFields {
    SwitchFields {
        port: port.wire_number(),
        state: u8::from(on),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_reset_and_rule_creation_are_not_idempotent() {
        use crate::config::{PortAction, Rule, Schedule, Weekdays};

        let rule = Rule {
            id: 3,
            enabled: true,
            actions: alloc::vec![PortAction::On; 6],
            minute_of_day: 60,
            schedule: Schedule::Weekly(Weekdays::EVERY_DAY),
        };
        let cases = [
            (Request::FactoryReset, false),
            (Request::ChangeRule(RuleChange::Create(rule.clone())), false),
            (Request::ChangeRule(RuleChange::Edit(rule.clone())), true),
            (Request::ChangeRule(RuleChange::Delete(rule)), true),
            (Request::Status, true),
            (
                Request::Switch {
                    port: PortSelector::One(2),
                    on: false,
                },
                true,
            ),
            (
                Request::Rename {
                    target: NameTarget::Device,
                    name: String::from("Salon"),
                },
                true,
            ),
            (Request::Rules { page: 0 }, true),
        ];
        for (request, idempotent) in cases {
            assert_eq!(request.is_idempotent(), idempotent, "{request:?}");
        }
    }

    #[test]
    fn switch_all_on_over_http_matches_capture() {
        let request = Request::Switch {
            port: PortSelector::All,
            on: true,
        };
        assert_eq!(
            request.http().target().as_bytes(),
            fixture!("requests/http-200-fully-encoded.txt")
        );
    }

    #[test]
    fn switch_all_off_over_v3_matches_capture() {
        let request = Request::Switch {
            port: PortSelector::All,
            on: false,
        };
        assert_eq!(
            request.v3(Some("SWW6000000000004")).unwrap(),
            fixture!("requests/v3-20-all-off.txt")
        );
    }

    #[test]
    fn rename_with_space_matches_capture() {
        let request = Request::Rename {
            target: NameTarget::Port(1),
            name: "Living Room".into(),
        };
        assert_eq!(
            request.http().target().as_bytes(),
            fixture!("requests/http-201-name-with-space.txt")
        );
    }

    #[test]
    fn queries_without_arguments_are_bare() {
        let cases = [
            (Request::FactoryReset, "/?cmd=120"),
            (Request::HardwareIds, "/?cmd=124"),
            (Request::MasterSlave, "/?cmd=512"),
            (Request::RandomMode, "/?cmd=517"),
            (Request::DeviceTime, "/?cmd=502"),
            (Request::SwitchStates, "/?cmd=513"),
        ];
        for (request, target) in cases {
            assert_eq!(request.http().target(), target);
            assert_eq!(request.v3(Some("SWW6000000000004")), None);
            assert_eq!(request.v3_command(), None);
        }
    }

    #[test]
    fn queries_with_arguments_carry_them() {
        let timer = Request::Timer { port: 3 }.http();
        assert_eq!(timer.arguments.as_deref(), Some(r#"{"port":3}"#));
        let rules = Request::Rules { page: 0 }.http();
        assert_eq!(rules.arguments.as_deref(), Some(r#"{"page":0}"#));
        let stats = Request::Statistics {
            kind: StatisticsKind::Monthly,
        };
        assert_eq!(stats.http().arguments.as_deref(), Some(r#"{"type":2}"#));
        assert_eq!(stats.feature(), Feature::Statistics);
    }

    #[test]
    fn status_numbers_differ_by_transport() {
        assert_eq!(Request::Status.http_command(), 511);
        assert_eq!(Request::Status.v3_command(), Some(90));
        assert_eq!(
            Request::Status.v3(Some("SWW6000000000004")).unwrap(),
            fixture!("requests/v3-90.txt")
        );
    }
}
