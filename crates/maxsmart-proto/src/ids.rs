//! Hardware identifiers: the reply to HTTP command 124.
//!
//! No raw reply is published. The key names are those python-maxsmart 2.1.0 reads; releases
//! before 2.0.5 read the misspellings `pclmac` and `pcldak`, which are accepted too. What
//! `plcmac` and `plcdak` mean is a guess of that library ("PowerLAN MAC", "device access
//! key"), and which firmware supports 124 is unknown.

use alloc::string::String;

use serde::Serialize;
use serde_json::Value;

use crate::error::ParseError;
use crate::json;

/// HTTP command 124: read hardware identifiers.
pub const HARDWARE_IDS: u16 = 124;

/// The identifiers a device reports through command 124; each is `None` when absent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct HardwareIds {
    /// CPU identifier (`cpuid`), 24 hex digits in examples.
    pub cpu_id: Option<String>,
    /// A MAC-style value (`plcmac`).
    pub plc_mac: Option<String>,
    /// A 16-character value (`plcdak`).
    pub plc_dak: Option<String>,
    /// The cloud host name (`server`), such as `www.maxsmart.ch`.
    pub server: Option<String>,
}

/// Parses the `data` object of a 124 reply.
///
/// # Errors
///
/// Returns [`ParseError`] when `data` is missing or not an object, or when a key contains
/// something other than a string or a number.
///
/// ```
/// use maxsmart_proto::ids::parse_hardware_ids;
/// use serde_json::json;
///
/// let ids = parse_hardware_ids(Some(&json!({"cpuid": "00ab", "pclmac": "02:00:00:00:00:11"})))?;
/// assert_eq!(ids.cpu_id.as_deref(), Some("00ab"));
/// assert_eq!(ids.plc_mac.as_deref(), Some("02:00:00:00:00:11"));
/// # Ok::<(), maxsmart_proto::ParseError>(())
/// ```
pub fn parse_hardware_ids(data: Option<&Value>) -> Result<HardwareIds, ParseError> {
    let data = json::data_object(data)?;
    Ok(HardwareIds {
        cpu_id: json::optional_string(data, "cpuid", "data.cpuid")?,
        plc_mac: either(data, "plcmac", "data.plcmac", "pclmac", "data.pclmac")?,
        plc_dak: either(data, "plcdak", "data.plcdak", "pcldak", "data.pcldak")?,
        server: json::optional_string(data, "server", "data.server")?,
    })
}

/// Reads `key`, or `old_key` when `key` is absent.
fn either(
    data: &Value,
    key: &str,
    path: &'static str,
    old_key: &str,
    old_path: &'static str,
) -> Result<Option<String>, ParseError> {
    match json::optional_string(data, key, path)? {
        Some(value) => Ok(Some(value)),
        None => json::optional_string(data, old_key, old_path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::parse_reply;
    use serde_json::json;

    #[test]
    fn fixture_has_four_strings() {
        let data = parse_reply(fixture!("other/124.json"), HARDWARE_IDS).unwrap();
        let ids = parse_hardware_ids(data.as_ref()).unwrap();
        assert_eq!(ids.cpu_id.as_deref(), Some("000000000000000000000001"));
        assert_eq!(ids.plc_mac.as_deref(), Some("02:00:00:00:00:11"));
        assert_eq!(ids.plc_dak.as_deref(), Some("0000000000000001"));
        assert_eq!(ids.server.as_deref(), Some("www.maxsmart.ch"));
    }

    #[test]
    fn old_misspellings_are_read() {
        let data = json!({"pclmac": "m", "pcldak": "d"});
        let ids = parse_hardware_ids(Some(&data)).unwrap();
        assert_eq!(ids.plc_mac.as_deref(), Some("m"));
        assert_eq!(ids.plc_dak.as_deref(), Some("d"));
        assert_eq!(ids.cpu_id, None);
    }

    #[test]
    fn correct_spelling_wins_over_old_one() {
        let data = json!({"plcmac": "new", "pclmac": "old"});
        let ids = parse_hardware_ids(Some(&data)).unwrap();
        assert_eq!(ids.plc_mac.as_deref(), Some("new"));
    }

    #[test]
    fn missing_data_and_bad_types_are_errors() {
        assert_eq!(
            parse_hardware_ids(None),
            Err(ParseError::MissingField { field: "data" })
        );
        let error = parse_hardware_ids(Some(&json!({"cpuid": [1]}))).unwrap_err();
        assert!(matches!(
            error,
            ParseError::InvalidValue {
                field: "data.cpuid",
                ..
            }
        ));
    }
}
