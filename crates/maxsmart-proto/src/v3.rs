//! UDP "V3" datagrams: `V3` followed by a JSON object, sent to port 8888.
//!
//! Firmware 5.x speaks only this protocol; some other families answer it as well. A request
//! carries the serial number `sn`, the command number `cmd` and the command's fields. Replies
//! usually repeat the `V3` prefix but some devices omit it, so both forms are accepted. Values
//! in V3 replies are integers in milli-units.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Serialize;
use serde_json::Value;

use crate::error::ParseError;
use crate::http::{self, Envelope};
use crate::json;

/// The two ASCII bytes that open every V3 request.
pub const PREFIX: &[u8] = b"V3";

/// Command 20: switch one port or all.
pub const CMD_SWITCH: u16 = 20;

/// Command 90: read watts, amps and switch states.
pub const CMD_STATUS: u16 = 90;

/// Encodes a V3 request: `V3{"sn":...,"cmd":N,<fields>}`.
///
/// `fields` must serialize to a JSON object; its members follow `sn` and `cmd` in their
/// declaration order.
///
/// ```
/// use maxsmart_proto::v3;
///
/// let datagram = v3::encode_request(Some("SWW6000000000004"), v3::CMD_STATUS, &v3::NoFields);
/// assert_eq!(datagram, br#"V3{"sn":"SWW6000000000004","cmd":90}"#);
/// ```
pub fn encode_request<T: Serialize + ?Sized>(
    serial: Option<&str>,
    command: u16,
    fields: &T,
) -> Vec<u8> {
    let mut text = String::from("V3{");
    if let Some(serial) = serial {
        text.push_str("\"sn\":");
        text.push_str(&http::to_json(serial));
        text.push(',');
    }
    text.push_str(&alloc::format!("\"cmd\":{command}"));
    let fields = http::to_json(fields);
    let members = fields
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
        .unwrap_or("");
    if !members.is_empty() {
        text.push(',');
        text.push_str(members);
    }
    text.push('}');
    text.into_bytes()
}

/// The fields of a command that has none, such as 90.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct NoFields;

/// A decoded V3 reply.
#[derive(Debug, Clone, PartialEq)]
pub struct V3Reply {
    /// The `response`, `code` and `data` fields.
    pub envelope: Envelope,
    /// The serial number some devices add at the top level.
    pub serial: Option<String>,
    /// Whether the datagram started with `V3`.
    pub prefixed: bool,
}

/// Parses a V3 reply datagram, with or without the `V3` prefix.
///
/// Trailing white space and NUL bytes are ignored.
///
/// # Errors
///
/// Returns [`ParseError`] for an empty datagram, invalid JSON or a missing `response`.
pub fn parse_reply(datagram: &[u8]) -> Result<V3Reply, ParseError> {
    let trimmed = trim_end(datagram);
    let (prefixed, body) = match trimmed.strip_prefix(PREFIX) {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let document = json::parse_document(body)?;
    let serial = json::optional_string(&document, "sn", "sn")?;
    let envelope = http::envelope_from_document(document)?;
    Ok(V3Reply {
        envelope,
        serial,
        prefixed,
    })
}

/// Returns whether a datagram looks like a V3 message rather than a discovery reply.
pub fn is_v3(datagram: &[u8]) -> bool {
    datagram.starts_with(PREFIX)
}

/// Reads the `response` number of a datagram without checking anything else.
///
/// Used to route datagrams that share port 8888: discovery replies carry 0.
pub fn peek_response(datagram: &[u8]) -> Option<u16> {
    let trimmed = trim_end(datagram);
    let body = trimmed.strip_prefix(PREFIX).unwrap_or(trimmed);
    let document: Value = serde_json::from_slice(body).ok()?;
    json::read_u16(document.get("response")?, "response").ok()
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|byte| !byte.is_ascii_whitespace() && *byte != 0)
        .map_or(0, |index| index + 1);
    let start = bytes
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .unwrap_or(end)
        .min(end);
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::SwitchFields;
    use serde_json::json;

    #[test]
    fn status_request_with_serial_matches_capture() {
        let datagram = encode_request(Some("SWW6000000000004"), CMD_STATUS, &NoFields);
        assert_eq!(datagram, fixture!("requests/v3-90.txt"));
    }

    #[test]
    fn status_request_without_serial_matches_capture() {
        let datagram = encode_request(None, CMD_STATUS, &NoFields);
        assert_eq!(datagram, fixture!("requests/v3-90-without-sn.txt"));
    }

    #[test]
    fn switch_all_off_matches_capture() {
        let fields = SwitchFields { port: 0, state: 0 };
        let datagram = encode_request(Some("SWW6000000000004"), CMD_SWITCH, &fields);
        assert_eq!(datagram, fixture!("requests/v3-20-all-off.txt"));
    }

    #[test]
    fn serial_with_quote_is_escaped() {
        let datagram = encode_request(Some("A\"B"), CMD_STATUS, &NoFields);
        assert_eq!(datagram, br#"V3{"sn":"A\"B","cmd":90}"#);
    }

    #[test]
    fn prefixed_status_reply_parses() {
        let reply = parse_reply(fixture!("v5.11/v5.11-strip-v3-90.txt")).unwrap();
        assert!(reply.prefixed);
        assert_eq!(reply.envelope.response, 90);
        assert_eq!(reply.envelope.code, 200);
        let data = reply.envelope.data.unwrap();
        assert_eq!(data["watt"], json!([5200, 60350, 0, 0, 0, 1250]));
    }

    #[test]
    fn reply_without_prefix_parses() {
        let reply = parse_reply(fixture!("other/vendor-v3-90-no-prefix.txt")).unwrap();
        assert!(!reply.prefixed);
        assert_eq!(reply.envelope.response, 90);
    }

    #[test]
    fn switch_reply_with_serial_exposes_serial() {
        let reply = parse_reply(fixture!("other/revogi-v3-20-with-sn.txt")).unwrap();
        assert_eq!(reply.serial.as_deref(), Some("SWW6000000000003"));
        assert_eq!(reply.envelope.into_data(CMD_SWITCH), Ok(None));
    }

    #[test]
    fn switch_error_reply_has_code_400() {
        let reply = parse_reply(fixture!("v5.11/v5.11-strip-v3-20-error.txt")).unwrap();
        assert_eq!(reply.envelope.code, 400);
        assert!(reply.envelope.into_data(CMD_SWITCH).is_err());
    }

    #[test]
    fn trailing_nul_and_newline_are_ignored() {
        let reply = parse_reply(b"V3{\"response\":20,\"code\":200}\r\n\0\0").unwrap();
        assert_eq!(reply.envelope.response, 20);
    }

    #[test]
    fn bare_prefix_is_empty() {
        assert_eq!(parse_reply(b"V3"), Err(ParseError::Empty));
        assert_eq!(parse_reply(b""), Err(ParseError::Empty));
    }

    #[test]
    fn peek_reads_discovery_and_v3_numbers() {
        assert_eq!(
            peek_response(fixture!("v1.30/v1.30-strip-discovery.json")),
            Some(0)
        );
        assert_eq!(
            peek_response(fixture!("v5.11/v5.11-strip-v3-20.txt")),
            Some(20)
        );
        assert_eq!(peek_response(b"garbage"), None);
    }
}
