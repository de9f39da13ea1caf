//! Validation of command arguments; every failure becomes a `code` 400 reply.

use serde_json::Value;

use super::request::Args;

/// Reason a command's arguments are rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ArgError {
    /// A required field is absent.
    #[error("missing field `{0}`")]
    Missing(&'static str),
    /// A field has the wrong JSON type or a value outside its range.
    #[error("invalid value for `{field}`: {value}")]
    Invalid {
        /// Field name.
        field: &'static str,
        /// The value as JSON text.
        value: String,
    },
    /// The request names another device's serial.
    #[error("serial `{0}` does not match this device")]
    WrongSerial(String),
    /// The request is valid but the device state does not allow it, such as a 13th rule.
    #[error("{0}")]
    Rejected(&'static str),
}

/// Returns the integer field `field`, which must lie in `range`.
///
/// Only JSON integers are accepted. Strings such as `"1"` and floats are rejected (inferred:
/// every captured request sends integers, and the strict reading exposes client mistakes).
pub(crate) fn integer(
    args: &Args,
    field: &'static str,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, ArgError> {
    let value = args.get(field).ok_or(ArgError::Missing(field))?;
    value
        .as_u64()
        .filter(|number| range.contains(number))
        .ok_or_else(|| invalid(field, value))
}

/// Returns the integer field `field` if present, else `None`.
pub(crate) fn optional_integer(
    args: &Args,
    field: &'static str,
    range: std::ops::RangeInclusive<u64>,
) -> Result<Option<u64>, ArgError> {
    if args.contains_key(field) {
        integer(args, field, range).map(Some)
    } else {
        Ok(None)
    }
}

/// Returns the string field `field`.
pub(crate) fn string<'a>(args: &'a Args, field: &'static str) -> Result<&'a str, ArgError> {
    let value = args.get(field).ok_or(ArgError::Missing(field))?;
    value.as_str().ok_or_else(|| invalid(field, value))
}

/// Returns the array field `field` with exactly `len` integers, each at most `max`.
pub(crate) fn integer_array(
    args: &Args,
    field: &'static str,
    len: usize,
    max: u64,
) -> Result<Vec<u8>, ArgError> {
    let value = args.get(field).ok_or(ArgError::Missing(field))?;
    let items = value.as_array().ok_or_else(|| invalid(field, value))?;
    if items.len() != len {
        return Err(invalid(field, value));
    }
    items
        .iter()
        .map(|item| {
            item.as_u64()
                .filter(|number| *number <= max)
                .and_then(|number| u8::try_from(number).ok())
                .ok_or_else(|| invalid(field, value))
        })
        .collect()
}

/// Rejects a request whose `sn` names another device.
///
/// Whether real devices check `sn` is unknown. The simulator rejects a mismatch because a client
/// that sends the wrong serial has a bug worth seeing (inferred). A missing `sn` is accepted,
/// since python lib 2.1.0 never sends it and is reported to work.
pub(crate) fn check_serial(args: &Args, serial: &str) -> Result<(), ArgError> {
    match args.get("sn") {
        None => Ok(()),
        Some(Value::String(sent)) if sent == serial => Ok(()),
        Some(Value::String(sent)) => Err(ArgError::WrongSerial(sent.clone())),
        Some(other) => Err(invalid("sn", other)),
    }
}

/// Builds an [`ArgError::Invalid`] for `field` holding `value`.
pub(crate) fn invalid(field: &'static str, value: &Value) -> ArgError {
    ArgError::Invalid {
        field,
        value: value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(value: Value) -> Args {
        match value {
            Value::Object(map) => map,
            _ => Args::new(),
        }
    }

    #[test]
    fn integer_in_range_is_accepted() {
        let args = args(json!({"port": 3}));
        assert_eq!(integer(&args, "port", 0..=6), Ok(3));
    }

    #[test]
    fn integer_checks_range_and_type() {
        let args = args(json!({"port": 7, "state": "1", "level": -1}));
        assert!(integer(&args, "port", 0..=6).is_err());
        assert!(integer(&args, "state", 0..=1).is_err());
        assert!(integer(&args, "level", 0..=1).is_err());
        assert_eq!(
            integer(&args, "other", 0..=1),
            Err(ArgError::Missing("other"))
        );
    }

    #[test]
    fn arrays_need_exact_length() {
        let args = args(json!({"master": [1, 0, 0, 2, 2, 2], "short": [1, 0]}));
        assert_eq!(
            integer_array(&args, "master", 6, 2),
            Ok(vec![1, 0, 0, 2, 2, 2])
        );
        assert!(integer_array(&args, "short", 6, 2).is_err());
        assert!(integer_array(&args, "master", 6, 1).is_err());
    }

    #[test]
    fn serial_mismatch_is_rejected() {
        let serial = "SWP6000000000001";
        assert!(check_serial(&args(json!({})), serial).is_ok());
        assert!(check_serial(&args(json!({"sn": serial})), serial).is_ok());
        assert!(check_serial(&args(json!({"sn": "SWP6000000000009"})), serial).is_err());
        assert!(check_serial(&args(json!({"sn": 5})), serial).is_err());
    }
}
