//! Random mode: HTTP command 207 sets it; 517 reads it (inferred).
//!
//! In random mode the chosen ports switch on and off at random inside a daily window, and the
//! mode takes priority over rules during that window. A stop minute below the start minute
//! means the window ends the next day, and the start day must be among the enabled days.
//!
//! Command 517 appears in the reverse-engineered command list of firmware 1.30 as "query
//! random generator", but no payload is published. This crate infers that its reply `data`
//! mirrors the 207 fields (`en`, `week`, `time`, `port`) and sends 517 without arguments.

use alloc::vec::Vec;

use serde::Serialize;
use serde_json::Value;

use super::{Weekdays, check_minute, check_port_array};
use crate::error::{InvalidArgument, ParseError};
use crate::json;

/// HTTP command 207: set random mode.
pub const SET_RANDOM_MODE: u16 = 207;
/// HTTP command 517: read random mode (inferred, firmware 1.30).
pub const RANDOM_MODE: u16 = 517;

/// A random mode setup.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct RandomMode {
    /// Whether random mode is on.
    pub enabled: bool,
    /// The days on which the window opens.
    pub days: Weekdays,
    /// The window start in minutes after midnight.
    pub start_minute: u16,
    /// The window end in minutes after midnight; below the start means the next day.
    pub stop_minute: u16,
    /// Whether each port takes part, port 1 first.
    pub ports: Vec<bool>,
}

impl RandomMode {
    /// Checks the setup for a device with `port_count` ports.
    ///
    /// # Errors
    ///
    /// Returns [`InvalidArgument`] when the port list does not cover every port or a minute
    /// is 1440 or more.
    pub fn validate(&self, port_count: u8) -> Result<(), InvalidArgument> {
        check_port_array("port", self.ports.len(), port_count)?;
        check_minute("start_minute", self.start_minute)?;
        check_minute("stop_minute", self.stop_minute)
    }
}

/// The `json` argument of command 207, fields in the order of the captured request.
#[derive(Debug, Serialize)]
pub(crate) struct RandomFields {
    pub(crate) en: u8,
    pub(crate) week: [u8; 7],
    pub(crate) time: [u16; 2],
    pub(crate) port: Vec<u8>,
}

impl From<&RandomMode> for RandomFields {
    fn from(mode: &RandomMode) -> Self {
        RandomFields {
            en: u8::from(mode.enabled),
            week: mode.days.to_wire(),
            time: [mode.start_minute, mode.stop_minute],
            port: mode.ports.iter().map(|on| u8::from(*on)).collect(),
        }
    }
}

/// Parses random mode fields: the inferred `data` of a 517 reply, or a 207 request.
///
/// # Errors
///
/// Returns [`ParseError`] when `data` or a field is missing, or contains an invalid value.
pub fn parse_random_mode(data: Option<&Value>) -> Result<RandomMode, ParseError> {
    let data = json::data_object(data)?;
    let enabled = json::read_flag(json::field(data, "en", "data.en")?, "data.en")?;
    let days = Weekdays::parse(json::field(data, "week", "data.week")?, "data.week")?;
    let window = json::array(data, "time", "data.time")?;
    let [start, stop] = window else {
        return Err(json::invalid(
            "data.time",
            &data["time"],
            "a start and a stop minute",
        ));
    };
    let minute = |value| json::read_uint(value, "data.time", "minutes after midnight");
    let ports = json::array(data, "port", "data.port")?
        .iter()
        .map(|flag| json::read_flag(flag, "data.port"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RandomMode {
        enabled,
        days,
        start_minute: minute(start)?,
        stop_minute: minute(stop)?,
        ports,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpRequest;
    use serde_json::json;

    fn captured() -> RandomMode {
        RandomMode {
            enabled: true,
            days: Weekdays::NONE,
            start_minute: 60,
            stop_minute: 120,
            ports: alloc::vec![true, true, false, false, false, false],
        }
    }

    #[test]
    fn request_207_matches_captured_fields() {
        let request = HttpRequest::new(SET_RANDOM_MODE, &RandomFields::from(&captured()));
        assert_eq!(
            request.arguments.as_deref(),
            Some(r#"{"en":1,"week":[0,0,0,0,0,0,0],"time":[60,120],"port":[1,1,0,0,0,0]}"#)
        );
    }

    #[test]
    fn inferred_517_reply_mirrors_207_fields() {
        let data = json!({"en":1,"week":[0,0,0,0,0,0,0],"time":[60,120],"port":[1,1,0,0,0,0]});
        assert_eq!(parse_random_mode(Some(&data)), Ok(captured()));
    }

    #[test]
    fn window_needs_two_minutes() {
        let data = json!({"en":1,"week":[0,0,0,0,0,0,0],"time":[60],"port":[1]});
        assert!(matches!(
            parse_random_mode(Some(&data)),
            Err(ParseError::InvalidValue {
                field: "data.time",
                ..
            })
        ));
    }

    #[test]
    fn overnight_window_and_minute_limit() {
        let overnight = RandomMode {
            start_minute: 1320,
            stop_minute: 120,
            ..captured()
        };
        assert_eq!(overnight.validate(6), Ok(()));
        let bad = RandomMode {
            stop_minute: 1440,
            ..captured()
        };
        assert!(bad.validate(6).is_err());
        assert!(captured().validate(1).is_err());
    }
}
