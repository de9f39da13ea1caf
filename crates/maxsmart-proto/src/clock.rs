//! The device clock: the reply to HTTP command 502.
//!
//! The clock holds local wall-clock time without an offset, as the last dated discovery
//! request or the MaxSmart cloud set it. Timers and rules run on it.

use serde_json::Value;

use crate::datetime::DateTime;
use crate::error::ParseError;
use crate::json;

/// HTTP command 502: read the device clock.
pub const DEVICE_TIME: u16 = 502;

/// Parses the `data` object of a 502 reply, `{"time":"yyyy-MM-dd,HH:mm:ss"}`.
///
/// # Errors
///
/// Returns [`ParseError::MissingField`] naming `data.time` when the time is absent or
/// `null`, and [`ParseError::InvalidValue`] when it has another format or a field out of
/// range. A day past the month's end, such as `2024-02-30`, is kept as the device sent it
/// (see [`DateTime::parse_device`]).
///
/// ```
/// use maxsmart_proto::clock::parse_device_time;
/// use serde_json::json;
///
/// let time = parse_device_time(Some(&json!({"time": "2018-10-13,00:23:35"})))?;
/// assert_eq!((time.year, time.month, time.day), (2018, 10, 13));
/// assert_eq!((time.hour, time.minute, time.second), (0, 23, 35));
/// # Ok::<(), maxsmart_proto::ParseError>(())
/// ```
pub fn parse_device_time(data: Option<&Value>) -> Result<DateTime, ParseError> {
    let data = json::data_object(data)?;
    let value = json::field(data, "time", "data.time")?;
    value
        .as_str()
        .and_then(DateTime::parse_device)
        .ok_or_else(|| json::invalid("data.time", value, "a time as yyyy-MM-dd,HH:mm:ss"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::parse_reply;
    use serde_json::json;

    #[test]
    fn strip_clock_fixture_parses() {
        let data = parse_reply(fixture!("v1.30/v1.30-strip-502.json"), DEVICE_TIME).unwrap();
        let time = parse_device_time(data.as_ref()).unwrap();
        assert_eq!(time, DateTime::new(2018, 10, 13, 0, 23, 35).unwrap());
    }

    #[test]
    fn missing_time_names_the_field() {
        assert_eq!(
            parse_device_time(Some(&json!({"time": null}))),
            Err(ParseError::MissingField { field: "data.time" })
        );
        assert_eq!(
            parse_device_time(None),
            Err(ParseError::MissingField { field: "data" })
        );
    }

    #[test]
    fn clock_past_month_end_is_kept() {
        let time = parse_device_time(Some(&json!({"time": "2024-02-30,12:00:00"}))).unwrap();
        assert_eq!((time.year, time.month, time.day), (2024, 2, 30));
        assert_eq!((time.hour, time.minute, time.second), (12, 0, 0));
    }

    #[test]
    fn time_with_space_or_number_is_invalid() {
        for value in [json!("2018-10-13 00:23:35"), json!(1539387495), json!("")] {
            let error = parse_device_time(Some(&json!({ "time": value }))).unwrap_err();
            assert!(
                matches!(
                    error,
                    ParseError::InvalidValue {
                        field: "data.time",
                        ..
                    }
                ),
                "{value}"
            );
        }
    }
}
