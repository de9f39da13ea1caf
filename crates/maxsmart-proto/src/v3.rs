//! UDP "V3" datagrams: `V3` followed by a JSON object, sent to port 8888.
//!
//! Firmware 5.x speaks only this protocol; some other families answer it as well. A request
//! carries the serial number `sn`, the command number `cmd` and the command's fields. Replies
//! usually repeat the `V3` prefix but some devices omit it, so both forms are accepted. Values
//! in V3 replies are integers in milli-units.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde::Serialize;
use serde_json::{Map, Value};

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

/// A decoded V3 request datagram, as a device reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct V3Request {
    /// The serial number `sn`, when present.
    pub serial: Option<String>,
    /// The command number `cmd`.
    pub command: u16,
    /// Every other member of the JSON object, such as `port` and `state`.
    pub fields: Map<String, Value>,
    /// Text after the JSON object, without surrounding white space, such as the
    /// ` ip=192.0.2.15` suffix one client appends; empty when there is none.
    pub trailer: String,
}

/// Parses a V3 request datagram: `V3`, a JSON object with `cmd`, and optional trailing text.
///
/// # Errors
///
/// Returns [`ParseError`] for a datagram without the `V3` prefix or with invalid JSON, a
/// JSON value that is not an object, a missing or invalid `cmd`, or an `sn` that is not a
/// string.
///
/// ```
/// use maxsmart_proto::v3::parse_request;
///
/// let request = parse_request(br#"V3{"sn":"SWW1000000000005","cmd":20,"port":1,"state":1}  ip=192.0.2.15"#)?;
/// assert_eq!(request.command, 20);
/// assert_eq!(request.serial.as_deref(), Some("SWW1000000000005"));
/// assert_eq!(request.fields["port"], 1);
/// assert_eq!(request.trailer, "ip=192.0.2.15");
/// # Ok::<(), maxsmart_proto::ParseError>(())
/// ```
pub fn parse_request(datagram: &[u8]) -> Result<V3Request, ParseError> {
    let trimmed = trim_end(datagram);
    let Some(body) = trimmed.strip_prefix(PREFIX) else {
        if trimmed.is_empty() {
            return Err(ParseError::Empty);
        }
        return Err(ParseError::InvalidValue {
            field: "prefix",
            value: json::excerpt_bytes(&trimmed[..trimmed.len().min(2)]),
            expected: "a datagram starting with V3",
        });
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    let mut stream = serde_json::Deserializer::from_slice(body).into_iter::<Value>();
    let document = match stream.next() {
        Some(Ok(document)) => document,
        Some(Err(error)) => {
            return Err(ParseError::InvalidJson {
                reason: error.to_string(),
                excerpt: json::excerpt_bytes(body),
            });
        }
        None => return Err(ParseError::Empty),
    };
    let trailer = String::from_utf8_lossy(&body[stream.byte_offset()..])
        .trim()
        .into();
    let Value::Object(mut fields) = document else {
        return Err(json::invalid("request", &document, "a JSON object"));
    };
    let command = match fields.remove("cmd") {
        None | Some(Value::Null) => return Err(ParseError::MissingField { field: "cmd" }),
        Some(value) => json::read_u16(&value, "cmd")?,
    };
    let serial = match fields.remove("sn") {
        None | Some(Value::Null) => None,
        Some(Value::String(serial)) => Some(serial),
        Some(other) => return Err(json::invalid("sn", &other, "a string")),
    };
    Ok(V3Request {
        serial,
        command,
        fields,
        trailer,
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
    fn request_fixtures_decode() {
        let status = parse_request(fixture!("requests/v3-90.txt")).unwrap();
        assert_eq!(status.command, CMD_STATUS);
        assert_eq!(status.serial.as_deref(), Some("SWW6000000000004"));
        assert!(status.fields.is_empty());
        assert_eq!(status.trailer, "");

        let bare = parse_request(fixture!("requests/v3-90-without-sn.txt")).unwrap();
        assert_eq!(bare.serial, None);

        let suffixed = parse_request(fixture!("requests/v3-20-port1-on-ip-suffix.txt")).unwrap();
        assert_eq!(suffixed.command, CMD_SWITCH);
        assert_eq!(suffixed.fields["state"], 1);
        assert_eq!(suffixed.trailer, "ip=192.0.2.15");
    }

    #[test]
    fn encoded_request_decodes_back() {
        let fields = SwitchFields { port: 3, state: 1 };
        let datagram = encode_request(Some("SWW6000000000004"), CMD_SWITCH, &fields);
        let request = parse_request(&datagram).unwrap();
        assert_eq!(request.command, CMD_SWITCH);
        assert_eq!(request.fields["port"], 3);
        assert_eq!(request.fields["state"], 1);
    }

    #[test]
    fn bad_requests_are_typed_errors() {
        assert_eq!(parse_request(b""), Err(ParseError::Empty));
        assert_eq!(parse_request(b"V3  "), Err(ParseError::Empty));
        assert!(matches!(
            parse_request(br#"{"cmd":90}"#),
            Err(ParseError::InvalidValue {
                field: "prefix",
                ..
            })
        ));
        assert_eq!(
            parse_request(br#"V3{"sn":"x"}"#),
            Err(ParseError::MissingField { field: "cmd" })
        );
        assert!(matches!(
            parse_request(b"V3[90]"),
            Err(ParseError::InvalidValue {
                field: "request",
                ..
            })
        ));
        assert!(matches!(
            parse_request(b"V3{\"cmd\":"),
            Err(ParseError::InvalidJson { .. })
        ));
        assert!(matches!(
            parse_request(br#"V3{"cmd":90,"sn":5}"#),
            Err(ParseError::InvalidValue { field: "sn", .. })
        ));
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
