//! Device settings: master/slave, timers, price, rules and random mode.
//!
//! | Setting        | Set (HTTP) | Read (HTTP) | Module     |
//! |----------------|------------|-------------|------------|
//! | master/slave   | 202        | 512         | [`master`] |
//! | switch-off timer | 204      | 515         | [`timer`]  |
//! | price, currency | 205       | via 510     | [`price`]  |
//! | rules          | 206        | 516         | [`rules`]  |
//! | random mode    | 207        | 517 (inferred) | [`random`] |
//!
//! All of these are documented for firmware 1.30 only. Port arrays hold one entry per port,
//! port 1 first, and must have as many entries as the device has ports.

pub mod master;
pub mod price;
pub mod random;
pub mod rules;
pub mod timer;
mod weekdays;

use alloc::vec::Vec;

use serde_json::Value;

pub use master::{MasterSlave, PortRole, PowerThreshold};
pub use price::{Currency, Price};
pub use random::RandomMode;
pub use rules::{PortAction, Rule, RuleChange, RuleList, Schedule};
pub use timer::{Timer, TimerSetting};
pub use weekdays::{Weekday, Weekdays};

use crate::error::{InvalidArgument, ParseError};
use crate::json;

/// The minutes in a day; minute-of-day fields run from 0 to 1439.
pub(crate) const MINUTES_PER_DAY: u16 = 1440;

/// Parses a port array whose entries are small integer codes.
pub(crate) fn parse_port_codes<T>(
    value: &Value,
    field: &'static str,
    expected: &'static str,
    decode: impl Fn(u64) -> Option<T>,
) -> Result<Vec<T>, ParseError> {
    let Some(items) = value.as_array() else {
        return Err(json::invalid(
            field,
            value,
            "an array with one entry per port",
        ));
    };
    if items.len() > usize::from(u8::MAX) {
        return Err(json::invalid(field, value, "at most 255 ports"));
    }
    items
        .iter()
        .map(|item| {
            json::read_u64(item, field)
                .ok()
                .and_then(&decode)
                .ok_or_else(|| json::invalid(field, item, expected))
        })
        .collect()
}

/// Checks that a port array has one entry per port.
pub(crate) fn check_port_array(
    field: &'static str,
    length: usize,
    port_count: u8,
) -> Result<(), InvalidArgument> {
    if length == usize::from(port_count) {
        return Ok(());
    }
    Err(InvalidArgument::InvalidValue {
        field,
        value: alloc::format!("an array of {length} entries"),
        expected: "one entry per port of the device",
    })
}

/// Checks a minute-of-day value.
pub(crate) fn check_minute(field: &'static str, minute: u16) -> Result<(), InvalidArgument> {
    if minute < MINUTES_PER_DAY {
        return Ok(());
    }
    Err(InvalidArgument::OutOfRange {
        field,
        value: alloc::format!("{minute}"),
        expected: "0 to 1439 minutes after midnight",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn port_codes_decode_and_name_bad_entries() {
        let decode = |code| (code < 3).then_some(code);
        let codes = parse_port_codes(&json!([0, "1", 2]), "port", "0 to 2", decode).unwrap();
        assert_eq!(codes, [0, 1, 2]);
        let error = parse_port_codes(&json!([0, 3]), "port", "0 to 2", decode).unwrap_err();
        assert_eq!(
            error,
            ParseError::InvalidValue {
                field: "port",
                value: "3".into(),
                expected: "0 to 2"
            }
        );
        assert!(parse_port_codes(&json!({"a": 1}), "port", "0 to 2", decode).is_err());
    }

    #[test]
    fn port_array_length_must_match() {
        assert_eq!(check_port_array("port", 6, 6), Ok(()));
        assert!(check_port_array("port", 1, 6).is_err());
        assert!(check_port_array("port", 6, 1).is_err());
    }

    #[test]
    fn minute_1440_is_out_of_range() {
        assert_eq!(check_minute("time", 1439), Ok(()));
        assert!(check_minute("time", 1440).is_err());
    }
}
