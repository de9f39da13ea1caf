//! The HTTP request target and the `{response, code, data}` reply envelope.
//!
//! Devices on firmware 1.x, 2.11 and 3.x answer `GET /?cmd=N&json=<arguments>` on TCP port
//! 80. The arguments are a JSON object, percent-encoded so that no byte of a port name can
//! end the parameter or add another one. The reply is always HTTP status 200, usually
//! labelled `text/plain`; success or failure is in the body's `code` field.

use alloc::string::String;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde::Serialize;
use serde_json::Value;

use crate::error::{DeviceError, ParseError};
use crate::json;

/// The TCP port on which devices serve HTTP.
pub const HTTP_PORT: u16 = 80;

/// The `code` value of a successful reply.
pub const CODE_OK: u16 = 200;

/// Every byte outside the RFC 3986 unreserved set is escaped, spaces as `%20`.
const JSON_ARGUMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One HTTP command: its number and its JSON arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// The command number, such as 511.
    pub command: u16,
    /// The JSON text of the arguments, unescaped; `None` sends no `json` parameter.
    pub arguments: Option<String>,
}

impl HttpRequest {
    /// Creates a request without arguments.
    pub fn bare(command: u16) -> Self {
        HttpRequest {
            command,
            arguments: None,
        }
    }

    /// Creates a request whose arguments are `arguments` serialized as compact JSON.
    ///
    /// Struct fields keep their declaration order on the wire.
    pub fn new<T: Serialize + ?Sized>(command: u16, arguments: &T) -> Self {
        HttpRequest {
            command,
            arguments: Some(to_json(arguments)),
        }
    }

    /// Returns the request target, path and query, to send with `GET`.
    ///
    /// ```
    /// use maxsmart_proto::http::HttpRequest;
    /// use serde_json::json;
    ///
    /// let request = HttpRequest::new(200, &json!({"port": 1, "state": 1}));
    /// assert_eq!(request.target(), "/?cmd=200&json=%7B%22port%22%3A1%2C%22state%22%3A1%7D");
    /// assert_eq!(HttpRequest::bare(511).target(), "/?cmd=511");
    /// ```
    pub fn target(&self) -> String {
        let mut target = alloc::format!("/?cmd={}", self.command);
        if let Some(arguments) = &self.arguments {
            target.push_str("&json=");
            target.extend(utf8_percent_encode(arguments, JSON_ARGUMENT));
        }
        target
    }
}

/// Decodes a request target such as `/?cmd=201&json=%7B...%7D` back into its command and
/// arguments, as a device or a simulator reads it.
///
/// The `cmd` value may carry leading zeros (`cmd=005`, as the Revogi app sends). The `json`
/// value is percent-decoded as UTF-8; reserved characters left bare, as in the altery
/// captures, are accepted too. Other parameters and a `#` fragment are ignored.
///
/// NOTE: a `+` stays a plus sign. Form encoding would read it as a space, and whether devices
/// do is unknown; [`HttpRequest::target`] never writes `+`.
///
/// # Errors
///
/// Returns [`ParseError::MissingField`] naming `cmd` when there is none, and
/// [`ParseError::InvalidValue`] for a `cmd` that is not a number below 65536, a repeated
/// `cmd` or `json`, or a `json` value that is not percent-encoded UTF-8.
///
/// ```
/// use maxsmart_proto::http::{parse_target, HttpRequest};
///
/// let request = parse_target("/?cmd=201&json=%7B%22port%22%3A1%2C%22name%22%3A%22a%26b%22%7D")?;
/// assert_eq!(request.command, 201);
/// assert_eq!(request.arguments.as_deref(), Some(r#"{"port":1,"name":"a&b"}"#));
/// assert_eq!(parse_target("/?cmd=005")?, HttpRequest::bare(5));
/// # Ok::<(), maxsmart_proto::ParseError>(())
/// ```
pub fn parse_target(target: &str) -> Result<HttpRequest, ParseError> {
    let without_fragment = target.split_once('#').map_or(target, |(before, _)| before);
    let query = without_fragment
        .split_once('?')
        .map_or("", |(_, query)| query);
    let mut command = None;
    let mut arguments = None;
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "cmd" if command.is_some() => return Err(repeated("cmd", pair)),
            "cmd" => command = Some(parse_command_number(value)?),
            "json" if arguments.is_some() => return Err(repeated("json", pair)),
            "json" => {
                let decoded = percent_decode_str(value).decode_utf8().map_err(|_| {
                    ParseError::InvalidValue {
                        field: "json",
                        value: json::excerpt(value),
                        expected: "percent-encoded UTF-8",
                    }
                })?;
                arguments = Some(String::from(decoded));
            }
            _ => tracing::debug!(parameter = key, "ignoring unknown query parameter"),
        }
    }
    let command = command.ok_or(ParseError::MissingField { field: "cmd" })?;
    Ok(HttpRequest { command, arguments })
}

fn parse_command_number(text: &str) -> Result<u16, ParseError> {
    let valid = !text.is_empty() && text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit());
    let number = if valid { text.parse().ok() } else { None };
    number.ok_or_else(|| ParseError::InvalidValue {
        field: "cmd",
        value: json::excerpt(text),
        expected: "a decimal command number below 65536",
    })
}

fn repeated(field: &'static str, pair: &str) -> ParseError {
    ParseError::InvalidValue {
        field,
        value: json::excerpt(pair),
        expected: "the parameter once",
    }
}

/// Serializes command arguments as compact JSON.
pub(crate) fn to_json<T: Serialize + ?Sized>(arguments: &T) -> String {
    // Argument types are plain structs, maps with string keys and JSON values, which
    // serde_json always serializes.
    serde_json::to_string(arguments).expect("command arguments serialize to JSON")
}

/// A decoded reply envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// The command the reply belongs to.
    pub response: u16,
    /// 200 for success, 400 for failure.
    pub code: u16,
    /// The command-specific payload, absent for acknowledgements.
    pub data: Option<Value>,
}

impl Envelope {
    /// Checks the envelope against the command that was sent and returns its `data`.
    ///
    /// # Errors
    ///
    /// Returns [`ReplyError::Parse`] when `response` names another command and
    /// [`ReplyError::Device`] when `code` is not 200.
    pub fn into_data(self, command: u16) -> Result<Option<Value>, ReplyError> {
        if self.response != command {
            return Err(ReplyError::Parse(ParseError::UnexpectedResponse {
                expected: command,
                actual: self.response,
            }));
        }
        if self.code != CODE_OK {
            return Err(ReplyError::Device(DeviceError {
                command,
                code: self.code,
            }));
        }
        Ok(self.data)
    }
}

/// The reason a reply did not yield data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    /// The reply could not be decoded or belongs to another command.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The device reported a failure code.
    #[error(transparent)]
    Device(#[from] DeviceError),
}

/// Parses a reply envelope from an HTTP body or a V3 datagram without its prefix.
///
/// Numbers sent as strings are accepted. A missing `code` is read as 200 because discovery
/// replies and some acknowledgements omit it.
///
/// # Errors
///
/// Returns [`ParseError`] for an empty body, invalid JSON, a body that is not an object or a
/// missing `response`.
pub fn parse_envelope(body: &[u8]) -> Result<Envelope, ParseError> {
    envelope_from_document(json::parse_document(body)?)
}

/// Reads the envelope fields from a parsed JSON document.
pub(crate) fn envelope_from_document(document: Value) -> Result<Envelope, ParseError> {
    let Value::Object(mut object) = document else {
        return Err(json::invalid("reply", &document, "a JSON object"));
    };
    let response = match object.get("response") {
        None | Some(Value::Null) => return Err(ParseError::MissingField { field: "response" }),
        Some(value) => json::read_u16(value, "response")?,
    };
    let code = match object.get("code") {
        None | Some(Value::Null) => CODE_OK,
        Some(value) => json::read_u16(value, "code")?,
    };
    let data = match object.remove("data") {
        None | Some(Value::Null) => None,
        Some(data) => Some(data),
    };
    Ok(Envelope {
        response,
        code,
        data,
    })
}

/// Parses an HTTP body and checks it against `command`, returning the reply's `data`.
///
/// # Errors
///
/// Returns [`ReplyError`] as [`parse_envelope`] and [`Envelope::into_data`] do.
pub fn parse_reply(body: &[u8], command: u16) -> Result<Option<Value>, ReplyError> {
    parse_envelope(body)?.into_data(command)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn status_query_has_no_json_parameter() {
        let target = HttpRequest::bare(511).target();
        assert_eq!(target.as_bytes(), fixture!("requests/http-511-no-json.txt"));
    }

    #[test]
    fn switch_all_on_matches_fully_encoded_capture() {
        let request = HttpRequest::new(200, &json!({"port": 0, "state": 1}));
        assert_eq!(
            request.target().as_bytes(),
            fixture!("requests/http-200-fully-encoded.txt")
        );
    }

    #[test]
    fn statistics_request_matches_capture() {
        let request = HttpRequest::new(510, &json!({"type": 1}));
        assert_eq!(
            request.target().as_bytes(),
            fixture!("requests/http-510-daily.txt")
        );
    }

    #[test]
    fn hostile_name_cannot_add_a_parameter() {
        let request = HttpRequest::new(201, &json!({"port": 1, "name": "a&cmd=120#x%y z\"é"}));
        let target = request.target();
        let query = target.strip_prefix("/?cmd=201&json=").unwrap();
        assert!(!query.contains('&'));
        assert!(!query.contains('#'));
        assert!(!query.contains('='));
        assert!(!query.contains(' '));
        assert!(query.contains("%C3%A9"));
    }

    #[test]
    fn hostile_name_decodes_back_unchanged() {
        let name = "a&cmd=120#x%y z\"é+";
        let request = HttpRequest::new(201, &json!({"port": 1, "name": name}));
        let decoded = parse_target(&request.target()).unwrap();
        assert_eq!(decoded, request);
        let arguments: Value = serde_json::from_str(decoded.arguments.as_deref().unwrap()).unwrap();
        assert_eq!(arguments["name"], name);
    }

    #[test]
    fn altery_style_target_decodes() {
        let target = core::str::from_utf8(fixture!("requests/http-200-altery-style.txt")).unwrap();
        let request = parse_target(target).unwrap();
        assert_eq!(request.command, 200);
        assert_eq!(
            request.arguments.as_deref(),
            Some(r#"{"sn":"SWP6000000000001","port":1,"state":0}"#)
        );
    }

    #[test]
    fn padded_command_and_extra_parameters_are_accepted() {
        let request = parse_target("/?cmd=005&x=1&json=%7B%7D#frag").unwrap();
        assert_eq!(request.command, 5);
        assert_eq!(request.arguments.as_deref(), Some("{}"));
    }

    #[test]
    fn bad_targets_name_the_parameter() {
        assert_eq!(
            parse_target("/?json=%7B%7D"),
            Err(ParseError::MissingField { field: "cmd" })
        );
        assert_eq!(
            parse_target("/"),
            Err(ParseError::MissingField { field: "cmd" })
        );
        for target in [
            "/?cmd=",
            "/?cmd=-1",
            "/?cmd=70000",
            "/?cmd=5&cmd=6",
            "/?cmd=1e3",
        ] {
            assert!(
                matches!(
                    parse_target(target),
                    Err(ParseError::InvalidValue { field: "cmd", .. })
                ),
                "{target}"
            );
        }
        assert!(matches!(
            parse_target("/?cmd=1&json=%FF"),
            Err(ParseError::InvalidValue { field: "json", .. })
        ));
    }

    #[test]
    fn strip_511_envelope_parses() {
        let envelope = parse_envelope(fixture!("v1.30/v1.30-strip-511.json")).unwrap();
        assert_eq!(envelope.response, 511);
        assert_eq!(envelope.code, 200);
        assert_eq!(envelope.data.unwrap()["switch"], json!([0, 1, 0, 1, 1, 0]));
    }

    #[test]
    fn acknowledgement_has_no_data() {
        let data = parse_reply(fixture!("v1.30/ack-200.json"), 200).unwrap();
        assert_eq!(data, None);
    }

    #[test]
    fn code_400_is_a_device_error() {
        let error = parse_reply(fixture!("other/error-400.json"), 200).unwrap_err();
        assert_eq!(
            error,
            ReplyError::Device(DeviceError {
                command: 200,
                code: 400
            })
        );
    }

    #[test]
    fn mismatched_response_is_rejected() {
        let error = parse_reply(fixture!("v1.30/ack-201.json"), 200).unwrap_err();
        assert_eq!(
            error,
            ReplyError::Parse(ParseError::UnexpectedResponse {
                expected: 200,
                actual: 201
            })
        );
    }

    #[test]
    fn trailing_comma_is_invalid_json() {
        let error = parse_envelope(fixture!("other/quirk-trailing-comma-200.txt")).unwrap_err();
        assert!(matches!(error, ParseError::InvalidJson { .. }));
    }

    #[test]
    fn empty_body_is_reported_as_empty() {
        assert_eq!(parse_envelope(b""), Err(ParseError::Empty));
    }

    #[test]
    fn string_numbers_are_accepted() {
        let envelope = parse_envelope(br#"{"response":"511","code":"200"}"#).unwrap();
        assert_eq!(envelope.response, 511);
        assert_eq!(envelope.code, 200);
    }

    #[test]
    fn array_body_is_invalid() {
        let error = parse_envelope(b"[1,2]").unwrap_err();
        assert!(matches!(
            error,
            ParseError::InvalidValue { field: "reply", .. }
        ));
    }
}
