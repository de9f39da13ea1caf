//! Tolerant readers for the loosely typed JSON that devices send.

use alloc::string::{String, ToString};
use serde_json::Value;

use crate::error::ParseError;

/// The longest excerpt of a bad value kept in an error message.
const EXCERPT_CHARS: usize = 60;

/// Parses bytes as one JSON document, ignoring surrounding white space.
pub(crate) fn parse_document(bytes: &[u8]) -> Result<Value, ParseError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    serde_json::from_slice(bytes).map_err(|error| ParseError::InvalidJson {
        reason: error.to_string(),
        excerpt: excerpt_bytes(bytes),
    })
}

/// Returns the start of a byte string as lossy UTF-8, for error messages.
pub(crate) fn excerpt_bytes(bytes: &[u8]) -> String {
    excerpt(&String::from_utf8_lossy(bytes))
}

/// Returns the start of a text, for error messages.
pub(crate) fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push_str("...");
    }
    out
}

/// Builds an [`ParseError::InvalidValue`] that shows `value`.
pub(crate) fn invalid(field: &'static str, value: &Value, expected: &'static str) -> ParseError {
    ParseError::InvalidValue {
        field,
        value: excerpt(&value.to_string()),
        expected,
    }
}

/// Reads an unsigned integer sent either as a JSON number or as a decimal string.
pub(crate) fn read_u64(value: &Value, field: &'static str) -> Result<u64, ParseError> {
    match value {
        Value::Number(number) => number
            .as_u64()
            .ok_or_else(|| invalid(field, value, "a non-negative integer")),
        Value::String(text) => text
            .trim()
            .parse()
            .map_err(|_| invalid(field, value, "a non-negative integer")),
        _ => Err(invalid(field, value, "a non-negative integer")),
    }
}

/// Reads a command number, which must fit in 16 bits.
pub(crate) fn read_u16(value: &Value, field: &'static str) -> Result<u16, ParseError> {
    let number = read_u64(value, field)?;
    u16::try_from(number).map_err(|_| invalid(field, value, "an integer below 65536"))
}

/// Reads a required field of an object.
pub(crate) fn field<'a>(
    object: &'a Value,
    key: &str,
    path: &'static str,
) -> Result<&'a Value, ParseError> {
    match object.get(key) {
        None | Some(Value::Null) => Err(ParseError::MissingField { field: path }),
        Some(value) => Ok(value),
    }
}

/// Reads an optional string field; `null` and absence both yield `None`.
pub(crate) fn optional_string(
    object: &Value,
    key: &str,
    path: &'static str,
) -> Result<Option<String>, ParseError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(Value::Number(number)) => Ok(Some(number.to_string())),
        Some(other) => Err(invalid(path, other, "a string")),
    }
}

/// Reads an optional integer field sent as a number or as a string.
pub(crate) fn optional_u64(
    object: &Value,
    key: &str,
    path: &'static str,
) -> Result<Option<u64>, ParseError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => read_u64(value, path).map(Some),
    }
}

/// Reads a required array field.
pub(crate) fn array<'a>(
    object: &'a Value,
    key: &str,
    path: &'static str,
) -> Result<&'a [Value], ParseError> {
    let value = field(object, key, path)?;
    value
        .as_array()
        .map(|items| items.as_slice())
        .ok_or_else(|| invalid(path, value, "an array"))
}

/// Reads an unsigned integer that must fit in `T`, sent as a number or as a string.
pub(crate) fn read_uint<T: TryFrom<u64>>(
    value: &Value,
    field: &'static str,
    expected: &'static str,
) -> Result<T, ParseError> {
    let number = read_u64(value, field)?;
    T::try_from(number).map_err(|_| invalid(field, value, expected))
}

/// Reads a 0 or 1 flag, also accepting JSON booleans and the strings `"0"` and `"1"`.
pub(crate) fn read_flag(value: &Value, field: &'static str) -> Result<bool, ParseError> {
    if let Value::Bool(flag) = value {
        return Ok(*flag);
    }
    match read_u64(value, field) {
        Ok(0) => Ok(false),
        Ok(1) => Ok(true),
        _ => Err(invalid(field, value, "0 or 1")),
    }
}

/// Reads a decimal number sent as a JSON number or as a decimal string.
pub(crate) fn read_decimal(value: &Value, field: &'static str) -> Result<f64, ParseError> {
    let parsed = match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    };
    match parsed {
        Some(number) if number.is_finite() => Ok(number),
        _ => Err(invalid(field, value, "a decimal number")),
    }
}

/// Reads a required string field.
pub(crate) fn string<'a>(
    object: &'a Value,
    key: &str,
    path: &'static str,
) -> Result<&'a str, ParseError> {
    let value = field(object, key, path)?;
    value
        .as_str()
        .ok_or_else(|| invalid(path, value, "a string"))
}

/// Checks that a reply carried a `data` object and returns it.
pub(crate) fn data_object(data: Option<&Value>) -> Result<&Value, ParseError> {
    let data = data.ok_or(ParseError::MissingField { field: "data" })?;
    if !data.is_object() {
        return Err(invalid("data", data, "an object"));
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integer_reads_from_number_and_string() {
        assert_eq!(read_u64(&json!(511), "response"), Ok(511));
        assert_eq!(read_u64(&json!(" 200 "), "code"), Ok(200));
    }

    #[test]
    fn negative_integer_is_invalid() {
        let error = read_u64(&json!(-1), "code").unwrap_err();
        assert!(matches!(
            error,
            ParseError::InvalidValue { field: "code", .. }
        ));
    }

    #[test]
    fn whitespace_only_document_is_empty() {
        assert_eq!(parse_document(b" \n"), Err(ParseError::Empty));
    }

    #[test]
    fn long_excerpt_is_cut() {
        let text: String = core::iter::repeat_n('x', 100).collect();
        assert_eq!(excerpt(&text).chars().count(), EXCERPT_CHARS + 3);
    }

    #[test]
    fn flag_accepts_numbers_strings_and_booleans() {
        assert_eq!(read_flag(&json!(1), "en"), Ok(true));
        assert_eq!(read_flag(&json!("0"), "en"), Ok(false));
        assert_eq!(read_flag(&json!(true), "en"), Ok(true));
        assert!(read_flag(&json!(2), "en").is_err());
    }

    #[test]
    fn small_integer_rejects_overflow() {
        let error = read_uint::<u8>(&json!(256), "port", "0 to 255").unwrap_err();
        assert!(matches!(
            error,
            ParseError::InvalidValue { field: "port", .. }
        ));
        assert_eq!(read_uint::<u8>(&json!("7"), "port", "0 to 255"), Ok(7));
    }

    #[test]
    fn decimal_reads_strings_and_rejects_infinity() {
        assert_eq!(read_decimal(&json!("0.21"), "cost"), Ok(0.21));
        assert_eq!(read_decimal(&json!(85), "watt"), Ok(85.0));
        assert!(read_decimal(&json!("inf"), "watt").is_err());
        assert!(read_decimal(&json!([1]), "watt").is_err());
    }

    #[test]
    fn data_must_be_an_object() {
        assert_eq!(
            data_object(None),
            Err(ParseError::MissingField { field: "data" })
        );
        assert!(data_object(Some(&json!([1]))).is_err());
    }

    #[test]
    fn null_field_counts_as_missing() {
        let object = json!({"date": null});
        assert_eq!(
            field(&object, "date", "data.date"),
            Err(ParseError::MissingField { field: "data.date" })
        );
    }
}
