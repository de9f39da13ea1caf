//! Watts, amps and switch states: the data of HTTP command 511 and V3 command 90.
//!
//! The port count is the length of the `switch` array. Watt values come in three encodings,
//! and the JSON type, never the magnitude, tells them apart:
//!
//! | JSON value          | Firmware seen           | Read as       |
//! |---------------------|-------------------------|---------------|
//! | string `"15.20"`    | 1.30 over HTTP          | watts         |
//! | float `15.2`        | none known              | watts         |
//! | integer `15200`     | 2.11, 3.49 HTTP; all V3 | milliwatts    |
//!
//! An integer array is ambiguous: `[0,45,0]` reads as 45 mW or as 45 W. No device is known to
//! send whole watts, so integers mean milliwatts unless the caller forces
//! [`WattFormat::WholeWatts`]. All-zero readings look the same in every encoding.
//!
//! [`decide_watt_format`] combines the JSON type with what the firmware family is known to
//! send ([`FirmwareFamily::expected_watt_format`](crate::firmware::FirmwareFamily::expected_watt_format)):
//! a caller override wins, then the JSON type of the payload, then the family's format when
//! the payload holds no value to look at. A type that contradicts the family is logged as a
//! warning and the type still decides, because it describes this very payload.

use alloc::vec::Vec;

use serde::Serialize;
use serde_json::Value;

use crate::error::ParseError;
use crate::json;
use crate::port::PortSelector;
use crate::quirks::{Quirk, QuirkLog, report_quirk};

/// The encoding of watt values in a status payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WattFormat {
    /// Decimal strings or floats in watts (firmware 1.x); integers, if any, are whole watts.
    Watts,
    /// Integers in milliwatts and milliamperes (firmware 2.11, 3.x and V3).
    Milliwatts,
    /// Integers in whole watts. No device is known to send these; only a caller override
    /// selects this format.
    WholeWatts,
}

/// The readings of one port.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PortStatus {
    /// Port number, from 1.
    pub port: u8,
    /// Whether the port is switched on.
    pub on: bool,
    /// Power draw in watts; `None` when the device sent no value for this port.
    pub watts: Option<f64>,
    /// Current in amperes; `None` when the device sent no value for this port.
    ///
    /// Never derive the switch state from this: firmware 1.30 reports 0.2 A on ports that are
    /// off and idle.
    pub amps: Option<f64>,
}

/// The status of every port of a device.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    /// One entry per port, port 1 first.
    pub ports: Vec<PortStatus>,
    /// The watt encoding used to read this payload.
    pub watt_format: WattFormat,
}

impl Status {
    /// Returns the number of ports, which is the length of the `switch` array.
    pub fn port_count(&self) -> u8 {
        u8::try_from(self.ports.len()).unwrap_or(u8::MAX)
    }

    /// Returns the status of one port, numbered from 1.
    pub fn port(&self, port: u8) -> Option<&PortStatus> {
        self.ports.get(usize::from(port).checked_sub(1)?)
    }

    /// Returns the summed power of every port that reported a value, in watts.
    pub fn total_watts(&self) -> f64 {
        self.ports.iter().filter_map(|port| port.watts).sum()
    }

    /// Returns whether the selected port is switched to `on`, or for
    /// [`PortSelector::All`] whether every port is.
    ///
    /// A status without ports, or without the selected port, never shows the state.
    pub fn shows_state(&self, port: PortSelector, on: bool) -> bool {
        match port {
            PortSelector::All => {
                !self.ports.is_empty() && self.ports.iter().all(|entry| entry.on == on)
            }
            PortSelector::One(number) => self.port(number).is_some_and(|entry| entry.on == on),
        }
    }
}

/// Detects the watt encoding of a status payload from the JSON type of its first value.
///
/// Returns `None` when the `watt` array is missing or empty.
pub fn detect_watt_format(data: &Value) -> Option<WattFormat> {
    let first = data
        .get("watt")?
        .as_array()?
        .iter()
        .find(|v| !v.is_null())?;
    match first {
        Value::Number(number) if number.is_f64() => Some(WattFormat::Watts),
        Value::Number(_) => Some(WattFormat::Milliwatts),
        Value::String(_) => Some(WattFormat::Watts),
        _ => None,
    }
}

/// Decides how to read the watt values of one status payload.
///
/// `forced` is the caller's override and wins. Otherwise the JSON type of the first watt
/// value decides ([`detect_watt_format`]). `expected` is the format the firmware family is
/// known to send, and a warning is logged when the JSON type contradicts it. A payload
/// without watt values takes `expected`, or [`WattFormat::Watts`] when that is unknown too.
///
/// ```
/// use maxsmart_proto::status::{decide_watt_format, WattFormat};
/// use serde_json::json;
///
/// let integers = json!({"watt": [0, 45]});
/// assert_eq!(decide_watt_format(&integers, None, None), WattFormat::Milliwatts);
/// assert_eq!(
///     decide_watt_format(&integers, None, Some(WattFormat::WholeWatts)),
///     WattFormat::WholeWatts
/// );
/// let empty = json!({"watt": []});
/// assert_eq!(
///     decide_watt_format(&empty, Some(WattFormat::Milliwatts), None),
///     WattFormat::Milliwatts
/// );
/// ```
pub fn decide_watt_format(
    data: &Value,
    expected: Option<WattFormat>,
    forced: Option<WattFormat>,
) -> WattFormat {
    decide_watt_format_logged(data, expected, forced, &mut QuirkLog::default())
}

/// Decides the watt format as [`decide_watt_format`] does, warning about a contradiction
/// only the first time `quirks` records one.
fn decide_watt_format_logged(
    data: &Value,
    expected: Option<WattFormat>,
    forced: Option<WattFormat>,
    quirks: &mut QuirkLog,
) -> WattFormat {
    if let Some(forced) = forced {
        return forced;
    }
    match (detect_watt_format(data), expected) {
        (Some(detected), Some(expected)) if detected != expected => {
            report_quirk!(
                quirks,
                Quirk::WattEncodingMismatch,
                ?detected,
                ?expected,
                "watt encoding differs from the one this firmware family sends"
            );
            detected
        }
        (Some(detected), _) => detected,
        (None, expected) => expected.unwrap_or(WattFormat::Watts),
    }
}

/// Parses the `data` object of a 511 or V3 90 reply.
///
/// `forced` overrides the detected watt format. Without it, the format comes from
/// [`detect_watt_format`], or [`WattFormat::Watts`] when the payload holds no watt values.
/// [`parse_status_expecting`] also takes the firmware family's format into account.
/// `watt` and `amp` arrays shorter than `switch` leave the missing readings at `None`;
/// longer ones have their extra entries ignored.
///
/// # Errors
///
/// Returns [`ParseError`] when `data` or `data.switch` is missing, or when a value has the
/// wrong type.
///
/// ```
/// use maxsmart_proto::status::{parse_status, WattFormat};
/// use serde_json::json;
///
/// let data = json!({"watt": [0, 15200], "amp": [0, 66], "switch": [0, 1]});
/// let status = parse_status(Some(&data), None)?;
/// assert_eq!(status.watt_format, WattFormat::Milliwatts);
/// assert_eq!(status.ports[1].watts, Some(15.2));
/// assert_eq!(status.ports[1].amps, Some(0.066));
/// # Ok::<(), maxsmart_proto::ParseError>(())
/// ```
pub fn parse_status(
    data: Option<&Value>,
    forced: Option<WattFormat>,
) -> Result<Status, ParseError> {
    parse_status_expecting(data, None, forced)
}

/// Parses the `data` object of a 511 or V3 90 reply, deciding the watt format with
/// [`decide_watt_format`] from the payload, the family's `expected` format and the caller's
/// `forced` override.
///
/// # Errors
///
/// Returns [`ParseError`] as [`parse_status`] does.
pub fn parse_status_expecting(
    data: Option<&Value>,
    expected: Option<WattFormat>,
    forced: Option<WattFormat>,
) -> Result<Status, ParseError> {
    parse_status_logged(data, expected, forced, &mut QuirkLog::default())
}

/// Parses a status as [`parse_status_expecting`] does, warning about each tolerated quirk
/// only the first time `quirks` records it.
pub(crate) fn parse_status_logged(
    data: Option<&Value>,
    expected: Option<WattFormat>,
    forced: Option<WattFormat>,
    quirks: &mut QuirkLog,
) -> Result<Status, ParseError> {
    let data = data.ok_or(ParseError::MissingField { field: "data" })?;
    let switches = json::array(data, "switch", "data.switch")?;
    if switches.len() > usize::from(u8::MAX) {
        return Err(ParseError::InvalidValue {
            field: "data.switch",
            value: alloc::format!("an array of {} entries", switches.len()),
            expected: "at most 255 ports",
        });
    }
    let watt_format = decide_watt_format_logged(data, expected, forced, quirks);
    let watts = optional_array(data, "watt", "data.watt")?;
    let amps = optional_array(data, "amp", "data.amp")?;
    if watts.len() != switches.len() || amps.len() != switches.len() {
        report_quirk!(
            quirks,
            Quirk::StatusArrayLengths,
            ports = switches.len(),
            watts = watts.len(),
            amps = amps.len(),
            "status arrays differ in length"
        );
    }

    let mut ports = Vec::with_capacity(switches.len());
    for (index, switch) in switches.iter().enumerate() {
        let port = u8::try_from(index + 1).unwrap_or(u8::MAX);
        let watts = match watts.get(index) {
            Some(value) => read_watts(value, watt_format)?,
            None => None,
        };
        let amps = match amps.get(index) {
            Some(value) => read_amps(value, watt_format)?,
            None => None,
        };
        ports.push(PortStatus {
            port,
            on: read_switch(switch)?,
            watts,
            amps,
        });
    }
    Ok(Status { ports, watt_format })
}

/// Parses the `switch` array alone, as command 513 sends it.
///
/// # Errors
///
/// Returns [`ParseError`] when the array is missing or contains something other than 0 and 1.
pub fn parse_switch_states(data: Option<&Value>) -> Result<Vec<bool>, ParseError> {
    let data = data.ok_or(ParseError::MissingField { field: "data" })?;
    json::array(data, "switch", "data.switch")?
        .iter()
        .map(read_switch)
        .collect()
}

fn optional_array<'a>(
    data: &'a Value,
    key: &str,
    path: &'static str,
) -> Result<&'a [Value], ParseError> {
    match data.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(json::invalid(path, other, "an array")),
    }
}

fn read_switch(value: &Value) -> Result<bool, ParseError> {
    match value {
        Value::Bool(on) => Ok(*on),
        _ => match json::read_u64(value, "data.switch") {
            Ok(0) => Ok(false),
            Ok(1) => Ok(true),
            _ => Err(json::invalid("data.switch", value, "0 or 1")),
        },
    }
}

/// Reads one watt value; integers are scaled according to `format`.
fn read_watts(value: &Value, format: WattFormat) -> Result<Option<f64>, ParseError> {
    read_scaled(value, "data.watt", integer_divisor(format))
}

/// Reads one current value: strings and floats are amperes, integers milliamperes unless the
/// payload uses whole watts.
fn read_amps(value: &Value, format: WattFormat) -> Result<Option<f64>, ParseError> {
    read_scaled(value, "data.amp", integer_divisor(format))
}

/// Returns what integers are divided by; dividing keeps `15200` mW at exactly 15.2 W, where
/// multiplying by 0.001 would not.
fn integer_divisor(format: WattFormat) -> f64 {
    match format {
        WattFormat::Milliwatts => 1000.0,
        WattFormat::Watts | WattFormat::WholeWatts => 1.0,
    }
}

fn read_scaled(
    value: &Value,
    field: &'static str,
    integer_divisor: f64,
) -> Result<Option<f64>, ParseError> {
    match value {
        Value::Null => Ok(None),
        Value::Number(number) => {
            if let Some(integer) = number.as_i64() {
                return Ok(Some(integer as f64 / integer_divisor));
            }
            match number.as_f64() {
                Some(float) if float.is_finite() => Ok(Some(float)),
                _ => Err(json::invalid(field, value, "a finite number")),
            }
        }
        Value::String(text) => match text.trim().parse::<f64>() {
            Ok(float) if float.is_finite() => Ok(Some(float)),
            _ => Err(json::invalid(field, value, "a decimal number")),
        },
        _ => Err(json::invalid(field, value, "a number or a decimal string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::parse_reply;
    use crate::v3;
    use serde_json::json;

    fn states(on: &[bool]) -> Status {
        Status {
            ports: on
                .iter()
                .zip(1..)
                .map(|(&on, port)| PortStatus {
                    port,
                    on,
                    watts: None,
                    amps: None,
                })
                .collect(),
            watt_format: WattFormat::Milliwatts,
        }
    }

    #[test]
    fn shows_state_of_one_port() {
        let status = states(&[true, false]);
        assert!(status.shows_state(PortSelector::One(1), true));
        assert!(!status.shows_state(PortSelector::One(1), false));
        assert!(status.shows_state(PortSelector::One(2), false));
        assert!(!status.shows_state(PortSelector::One(3), false));
        assert!(!status.shows_state(PortSelector::One(0), true));
    }

    #[test]
    fn shows_state_of_every_port() {
        assert!(states(&[true, true]).shows_state(PortSelector::All, true));
        assert!(!states(&[true, false]).shows_state(PortSelector::All, true));
        assert!(!states(&[]).shows_state(PortSelector::All, false));
    }

    fn http_status(body: &[u8]) -> Status {
        let data = parse_reply(body, 511).unwrap();
        parse_status(data.as_ref(), None).unwrap()
    }

    fn v3_status(datagram: &[u8]) -> Status {
        let reply = v3::parse_reply(datagram).unwrap();
        let data = reply.envelope.into_data(v3::CMD_STATUS).unwrap();
        parse_status(data.as_ref(), None).unwrap()
    }

    fn watts(status: &Status) -> Vec<f64> {
        status.ports.iter().map(|p| p.watts.unwrap()).collect()
    }

    fn amps(status: &Status) -> Vec<f64> {
        status.ports.iter().map(|p| p.amps.unwrap()).collect()
    }

    fn switches(status: &Status) -> Vec<bool> {
        status.ports.iter().map(|p| p.on).collect()
    }

    fn assert_close(actual: &[f64], expected: &[f64]) {
        assert_eq!(actual.len(), expected.len());
        for (a, e) in actual.iter().zip(expected) {
            assert!((a - e).abs() < 1e-9, "{actual:?} != {expected:?}");
        }
    }

    #[test]
    fn strip_130_reads_string_watts() {
        let status = http_status(fixture!("v1.30/v1.30-strip-511.json"));
        assert_eq!(status.watt_format, WattFormat::Watts);
        assert_close(&watts(&status), &[0.0, 15.2, 0.0, 8.7, 122.5, 0.0]);
        assert_close(&amps(&status), &[0.0, 0.1, 0.0, 0.0, 0.5, 0.0]);
        assert_eq!(switches(&status), [false, true, false, true, true, false]);
        assert_eq!(status.port_count(), 6);
        assert!((status.total_watts() - 146.4).abs() < 1e-9);
    }

    #[test]
    fn idle_strip_reports_current_on_ports_that_are_off() {
        let status = http_status(fixture!("v1.30/v1.30-strip-511-idle.json"));
        assert_close(&watts(&status), &[0.0; 6]);
        assert_close(&amps(&status), &[0.2; 6]);
        assert_eq!(switches(&status), [true, false, false, false, false, false]);
    }

    #[test]
    fn plug_has_one_port() {
        let status = http_status(fixture!("v1.30/v1.30-plug-511.json"));
        assert_eq!(status.port_count(), 1);
        assert_eq!(status.port(1).unwrap().watts, Some(35.4));
        assert!(status.port(1).unwrap().on);
        assert_eq!(status.port(2), None);
        assert_eq!(status.port(0), None);
    }

    #[test]
    fn strip_211_reads_integer_milliwatts() {
        let status = http_status(fixture!("v2.11/v2.11-strip-511.json"));
        assert_eq!(status.watt_format, WattFormat::Milliwatts);
        assert_close(&watts(&status), &[0.0, 15.2, 0.0, 8.7, 122.5, 0.0]);
        assert_close(&amps(&status), &[0.0, 0.066, 0.0, 0.038, 0.532, 0.0]);
    }

    #[test]
    fn v3_status_reads_milli_units() {
        let status = v3_status(fixture!("v5.11/v5.11-strip-v3-90.txt"));
        assert_close(&watts(&status), &[5.2, 60.35, 0.0, 0.0, 0.0, 1.25]);
        assert_close(&amps(&status), &[0.023, 0.262, 0.0, 0.0, 0.0, 0.005]);
        assert_eq!(switches(&status), [true, true, false, false, false, true]);
    }

    #[test]
    fn v3_idle_status_is_all_zero_and_off() {
        let status = v3_status(fixture!("v5.11/v5.11-strip-v3-90-idle.txt"));
        assert_close(&watts(&status), &[0.0; 6]);
        assert_eq!(switches(&status), [false; 6]);
    }

    #[test]
    fn v3_plug_and_vendor_replies_parse() {
        let plug = v3_status(fixture!("other/maxsmart2-plug-v3-90.txt"));
        assert_close(&watts(&plug), &[35.4]);
        assert_close(&amps(&plug), &[0.154]);
        let vendor = v3_status(fixture!("other/vendor-v3-90-no-prefix.txt"));
        assert_close(&watts(&vendor), &[0.0, 0.0, 4.1, 0.0, 0.0, 0.0]);
        assert_eq!(switches(&vendor), [false, false, true, false, false, false]);
    }

    #[test]
    fn forced_whole_watts_reads_integers_as_watts() {
        let data = json!({"watt": [0, 45], "switch": [0, 1]});
        let status = parse_status(Some(&data), Some(WattFormat::WholeWatts)).unwrap();
        assert_eq!(status.ports[1].watts, Some(45.0));
        let detected = parse_status(Some(&data), None).unwrap();
        assert_eq!(detected.ports[1].watts, Some(0.045));
    }

    #[test]
    fn float_numbers_are_watts() {
        let data = json!({"watt": [1.5, 2], "switch": [1, 1]});
        let status = parse_status(Some(&data), None).unwrap();
        assert_eq!(status.watt_format, WattFormat::Watts);
        assert_eq!(status.ports[0].watts, Some(1.5));
        assert_eq!(status.ports[1].watts, Some(2.0));
    }

    #[test]
    fn family_expectation_fills_in_for_empty_payloads() {
        let data = json!({"watt": [], "amp": [5], "switch": [1]});
        let status = parse_status_expecting(Some(&data), Some(WattFormat::Milliwatts), None);
        let status = status.unwrap();
        assert_eq!(status.watt_format, WattFormat::Milliwatts);
        assert_eq!(status.ports[0].amps, Some(0.005));
        assert_eq!(status.ports[0].watts, None);
    }

    #[test]
    fn payload_type_beats_disagreeing_family() {
        let strings = fixture!("v1.30/v1.30-strip-511.json");
        let data = parse_reply(strings, 511).unwrap();
        let expected = Some(WattFormat::Milliwatts);
        let status = parse_status_expecting(data.as_ref(), expected, None).unwrap();
        assert_eq!(status.watt_format, WattFormat::Watts);
        assert_eq!(status.ports[1].watts, Some(15.2));

        let integers = fixture!("v2.11/v2.11-strip-511.json");
        let data = parse_reply(integers, 511).unwrap();
        let status = parse_status_expecting(data.as_ref(), Some(WattFormat::Watts), None).unwrap();
        assert_eq!(status.watt_format, WattFormat::Milliwatts);
        assert_eq!(status.ports[4].watts, Some(122.5));
    }

    #[test]
    fn override_beats_type_and_family() {
        let data = json!({"watt": [45], "switch": [1]});
        let status = parse_status_expecting(
            Some(&data),
            Some(WattFormat::Milliwatts),
            Some(WattFormat::WholeWatts),
        )
        .unwrap();
        assert_eq!(status.ports[0].watts, Some(45.0));
    }

    #[test]
    fn short_arrays_leave_readings_empty() {
        let data = json!({"watt": ["1.00"], "switch": [1, 0, 1]});
        let status = parse_status(Some(&data), None).unwrap();
        assert_eq!(status.port_count(), 3);
        assert_eq!(status.ports[0].watts, Some(1.0));
        assert_eq!(status.ports[2].watts, None);
        assert_eq!(status.ports[2].amps, None);
    }

    #[test]
    fn long_arrays_are_cut_to_switch_length() {
        let data = json!({"watt": [1000, 2000, 3000], "switch": [1]});
        let status = parse_status(Some(&data), None).unwrap();
        assert_eq!(status.port_count(), 1);
        assert_eq!(status.ports[0].watts, Some(1.0));
    }

    #[test]
    fn missing_switch_names_the_field() {
        let data = json!({"watt": [0]});
        assert_eq!(
            parse_status(Some(&data), None),
            Err(ParseError::MissingField {
                field: "data.switch"
            })
        );
        assert_eq!(
            parse_status(None, None),
            Err(ParseError::MissingField { field: "data" })
        );
    }

    #[test]
    fn switch_value_two_is_invalid() {
        let data = json!({"switch": [2]});
        let error = parse_status(Some(&data), None).unwrap_err();
        assert!(matches!(
            error,
            ParseError::InvalidValue {
                field: "data.switch",
                ..
            }
        ));
    }

    #[test]
    fn non_numeric_watt_string_is_invalid() {
        let data = json!({"watt": ["abc"], "switch": [1]});
        let error = parse_status(Some(&data), None).unwrap_err();
        assert!(matches!(
            error,
            ParseError::InvalidValue {
                field: "data.watt",
                ..
            }
        ));
    }

    #[test]
    fn switch_states_alone_parse() {
        let data = parse_reply(fixture!("v1.30/513.json"), 513).unwrap();
        assert_eq!(
            parse_switch_states(data.as_ref()).unwrap(),
            [true, false, false, true, true, true]
        );
    }
}
