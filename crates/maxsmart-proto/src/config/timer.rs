//! Switch-off timers: HTTP command 204 sets one, 515 reads one port's timer.
//!
//! A timer switches a port off `delay` minutes after `start` and does nothing to a port that
//! is already off. The meaning of `start` in 204 is undocumented; 515 returns it as the moment
//! the timer began, so builders send the current local time there.

use serde::Serialize;
use serde_json::Value;

use crate::datetime::DateTime;
use crate::error::ParseError;
use crate::json;

/// HTTP command 204: set a switch-off timer.
pub const SET_TIMER: u16 = 204;
/// HTTP command 515: read the timer of one port.
pub const TIMER: u16 = 515;

/// A timer to set with command 204.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct TimerSetting {
    /// The port, numbered from 1.
    pub port: u8,
    /// The local time the timer starts from, normally the current time.
    pub start: DateTime,
    /// Minutes after `start` at which the port switches off.
    ///
    /// NOTE: whether 0 clears a timer is unknown; no source shows a cleared timer.
    pub delay_minutes: u16,
}

/// A port's timer as command 515 reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Timer {
    /// When the timer began; `None` when the device sent no time or an empty one.
    pub start: Option<DateTime>,
    /// Minutes after `start` at which the port switches off.
    pub delay_minutes: u64,
}

/// The `json` argument of command 204, fields in the order of the captured request.
///
/// The captured URL spells `start` in lower case; a formatted example in the same notes
/// writes `Start`, which this crate takes for a typing slip.
#[derive(Debug, Serialize)]
pub(crate) struct TimerFields {
    pub(crate) port: u8,
    pub(crate) start: alloc::string::String,
    pub(crate) delay: u16,
}

impl From<&TimerSetting> for TimerFields {
    fn from(setting: &TimerSetting) -> Self {
        TimerFields {
            port: setting.port,
            start: alloc::format!("{}", setting.start),
            delay: setting.delay_minutes,
        }
    }
}

/// The `json` argument of command 515.
#[derive(Debug, Serialize)]
pub(crate) struct PortField {
    pub(crate) port: u8,
}

/// Parses the `data` object of a 515 reply, `{"start":"yyyy-MM-dd,HH:mm:ss","delay":N}`.
///
/// # Errors
///
/// Returns [`ParseError`] when `data` or `delay` is missing, when `delay` is not a
/// non-negative integer, or when `start` is a non-empty string in another format.
///
/// ```
/// use maxsmart_proto::config::timer::parse_timer;
/// use serde_json::json;
///
/// let timer = parse_timer(Some(&json!({"start": "2018-10-10,22:50:52", "delay": 5})))?;
/// assert_eq!(timer.delay_minutes, 5);
/// assert_eq!(timer.start.unwrap().hour, 22);
/// # Ok::<(), maxsmart_proto::ParseError>(())
/// ```
pub fn parse_timer(data: Option<&Value>) -> Result<Timer, ParseError> {
    let data = json::data_object(data)?;
    let delay_minutes = json::read_u64(json::field(data, "delay", "data.delay")?, "data.delay")?;
    let start =
        match data.get("start") {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) if text.trim().is_empty() => None,
            Some(value) => Some(value.as_str().and_then(DateTime::parse_device).ok_or_else(
                || json::invalid("data.start", value, "a time as yyyy-MM-dd,HH:mm:ss"),
            )?),
        };
    Ok(Timer {
        start,
        delay_minutes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{HttpRequest, parse_reply};
    use serde_json::json;

    #[test]
    fn fixture_515_parses() {
        let data = parse_reply(fixture!("v1.30/515.json"), TIMER).unwrap();
        let timer = parse_timer(data.as_ref()).unwrap();
        assert_eq!(
            timer.start,
            Some(DateTime::new(2018, 10, 10, 22, 50, 52).unwrap())
        );
        assert_eq!(timer.delay_minutes, 5);
    }

    #[test]
    fn request_204_matches_captured_url() {
        let setting = TimerSetting {
            port: 1,
            start: DateTime::new(2018, 10, 20, 0, 11, 30).unwrap(),
            delay_minutes: 2,
        };
        let request = HttpRequest::new(SET_TIMER, &TimerFields::from(&setting));
        assert_eq!(
            request.arguments.as_deref(),
            Some(r#"{"port":1,"start":"2018-10-20,00:11:30","delay":2}"#)
        );
    }

    #[test]
    fn empty_and_bad_start_times() {
        let timer = parse_timer(Some(&json!({"start": "", "delay": 0}))).unwrap();
        assert_eq!(timer.start, None);
        assert_eq!(timer.delay_minutes, 0);
        let error = parse_timer(Some(&json!({"start": "soon", "delay": 1}))).unwrap_err();
        assert!(matches!(
            error,
            ParseError::InvalidValue {
                field: "data.start",
                ..
            }
        ));
        assert_eq!(
            parse_timer(Some(&json!({"start": "2018-10-10,22:50:52"}))),
            Err(ParseError::MissingField {
                field: "data.delay"
            })
        );
    }
}
