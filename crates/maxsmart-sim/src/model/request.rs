//! Decoding of raw requests: HTTP request targets, discovery datagrams and V3 datagrams.
//!
//! The decoder is written from the protocol description, independently of the client crates, so
//! that a client encoding bug shows up as a rejected request instead of two matching mistakes.

use jiff::civil::{Date, DateTime, Time};
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

/// Arguments of a command: the decoded `json` object, empty when the request carried none.
pub(crate) type Args = Map<String, Value>;

/// Discovery selector, the two letters after the message type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Selector {
    /// `00dv=...`, sent by the MaxSmart app and most clients.
    Dv,
    /// `00sw=...`, the vendor form.
    Sw,
}

/// Clock part of a discovery datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClockField {
    /// No date and time (`00dv=all;`) or empty fields (`00sw=all,,,;`): the clock stays as it is.
    Absent,
    /// A valid date and time, with the zone field (UTC offset in hours plus 12) when present.
    Set(DateTime, Option<i8>),
    /// Date and time fields that do not parse, such as an unformatted `{datetime}` template.
    Invalid,
}

/// Decoded discovery datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Discovery {
    /// Selector letters.
    pub(crate) selector: Selector,
    /// Clock setting carried by the datagram.
    pub(crate) clock: ClockField,
}

/// Decoded UDP datagram.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Datagram {
    /// Discovery request.
    Discovery(Discovery),
    /// V3 command with its `cmd` number and the whole JSON object as arguments.
    V3 {
        /// Command number.
        cmd: u16,
        /// The JSON object after `V3`, including `cmd` and `sn`.
        args: Args,
    },
}

/// Reason a request could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum DecodeError {
    /// The request target has a path other than `/`.
    #[error("path `{0}` is not `/`")]
    WrongPath(String),
    /// The query has no `cmd` parameter.
    #[error("missing `cmd` parameter")]
    MissingCmd,
    /// The `cmd` parameter is not a decimal number below 65536.
    #[error("invalid `cmd` value `{0}`")]
    InvalidCmd(String),
    /// The `json` parameter is not valid percent-encoded UTF-8.
    #[error("`json` parameter is not UTF-8 after percent-decoding")]
    InvalidEncoding,
    /// The JSON text does not parse.
    #[error("invalid JSON: {0}")]
    InvalidJson(String),
    /// The JSON value is not an object.
    #[error("JSON arguments are not an object")]
    NotAnObject,
    /// The datagram is neither a discovery request nor a V3 command.
    #[error("datagram is neither discovery nor V3")]
    UnknownDatagram,
}

/// Splits an HTTP request target such as `/?cmd=200&json=%7B...%7D` into command and arguments.
///
/// The `json` parameter is percent-decoded without turning `+` into a space: whether devices
/// decode `+` is unknown, and the strict reading makes a client that relies on it fail here.
/// NOTE: inferred, because no source tests `+` against a device.
pub(crate) fn decode_http_target(target: &str) -> Result<(u16, Args), DecodeError> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if !path.is_empty() && path != "/" {
        return Err(DecodeError::WrongPath(path.to_owned()));
    }

    let mut cmd_text = None;
    let mut json_text = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "cmd" => cmd_text = Some(value),
            "json" => json_text = Some(value),
            _ => {}
        }
    }

    let cmd_text = cmd_text.ok_or(DecodeError::MissingCmd)?;
    let cmd = parse_cmd(cmd_text)?;
    let args = match json_text {
        None => Args::new(),
        Some(encoded) => {
            let decoded = percent_decode_str(encoded)
                .decode_utf8()
                .map_err(|_| DecodeError::InvalidEncoding)?;
            parse_object(decoded.as_bytes())?
        }
    };
    Ok((cmd, args))
}

/// Returns the command number of the HTTP target when its `cmd` parameter parses, for replies
/// to requests whose other parts are invalid.
pub(crate) fn peek_http_cmd(target: &str) -> Option<u16> {
    let query = target.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("cmd="))
        .and_then(|text| parse_cmd(text).ok())
}

/// Decodes a UDP datagram received on port 8888.
pub(crate) fn decode_datagram(bytes: &[u8]) -> Result<Datagram, DecodeError> {
    if let Some(json) = bytes.strip_prefix(b"V3") {
        return decode_v3(json);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| DecodeError::UnknownDatagram)?;
    decode_discovery(text.trim_end()).map(Datagram::Discovery)
}

/// Decodes the JSON after `V3`. Bytes after the object, such as the ` ip=` suffix one client
/// appends, are ignored.
fn decode_v3(json: &[u8]) -> Result<Datagram, DecodeError> {
    let mut stream = serde_json::Deserializer::from_slice(json).into_iter::<Value>();
    let value = match stream.next() {
        Some(Ok(value)) => value,
        Some(Err(error)) => return Err(DecodeError::InvalidJson(error.to_string())),
        None => return Err(DecodeError::InvalidJson("empty V3 datagram".to_owned())),
    };
    let Value::Object(args) = value else {
        return Err(DecodeError::NotAnObject);
    };
    let cmd = match args.get("cmd") {
        Some(Value::Number(number)) => number
            .as_u64()
            .and_then(|cmd| u16::try_from(cmd).ok())
            .ok_or_else(|| DecodeError::InvalidCmd(number.to_string()))?,
        Some(other) => return Err(DecodeError::InvalidCmd(other.to_string())),
        None => return Err(DecodeError::MissingCmd),
    };
    Ok(Datagram::V3 { cmd, args })
}

/// Decodes `00dv=all[,date,time[,zone]];` and the `00sw` variant.
fn decode_discovery(text: &str) -> Result<Discovery, DecodeError> {
    let body = text.strip_suffix(';').ok_or(DecodeError::UnknownDatagram)?;
    let body = body
        .strip_prefix("00")
        .ok_or(DecodeError::UnknownDatagram)?;
    let (selector, rest) = if let Some(rest) = body.strip_prefix("dv=all") {
        (Selector::Dv, rest)
    } else if let Some(rest) = body.strip_prefix("sw=all") {
        (Selector::Sw, rest)
    } else {
        return Err(DecodeError::UnknownDatagram);
    };

    let clock = if rest.is_empty() {
        ClockField::Absent
    } else if let Some(fields) = rest.strip_prefix(',') {
        parse_clock_fields(fields)
    } else {
        return Err(DecodeError::UnknownDatagram);
    };
    Ok(Discovery { selector, clock })
}

/// Parses `date,time[,zone]`. Empty fields leave the clock alone (inferred: what a device does
/// with them is unknown, and leaving the clock is the harmless choice).
fn parse_clock_fields(fields: &str) -> ClockField {
    let mut parts = fields.split(',');
    let date_text = parts.next().unwrap_or("");
    let time_text = parts.next().unwrap_or("");
    let zone_text = parts.next().unwrap_or("");
    if parts.next().is_some() {
        return ClockField::Invalid;
    }
    if date_text.is_empty() && time_text.is_empty() && zone_text.is_empty() {
        return ClockField::Absent;
    }

    let Ok(date) = Date::strptime("%Y-%m-%d", date_text) else {
        return ClockField::Invalid;
    };
    let Ok(time) = Time::strptime("%H:%M:%S", time_text) else {
        return ClockField::Invalid;
    };
    let zone = if zone_text.is_empty() {
        None
    } else {
        match zone_text.parse::<i8>() {
            Ok(zone) => Some(zone),
            Err(_) => return ClockField::Invalid,
        }
    };
    ClockField::Set(date.to_datetime(time), zone)
}

/// Parses a decimal command number, which the Revogi app pads with zeros (`005`).
fn parse_cmd(text: &str) -> Result<u16, DecodeError> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(DecodeError::InvalidCmd(text.to_owned()));
    }
    text.parse::<u16>()
        .map_err(|_| DecodeError::InvalidCmd(text.to_owned()))
}

/// Parses `bytes` as one JSON object with nothing after it but whitespace.
fn parse_object(bytes: &[u8]) -> Result<Args, DecodeError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|error| DecodeError::InvalidJson(error.to_string()))?;
    match value {
        Value::Object(args) => Ok(args),
        _ => Err(DecodeError::NotAnObject),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const FIXTURES: &str = "../../../maxsmart-proto/tests/fixtures/requests";

    fn fixture(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/model")
            .join(FIXTURES)
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
    }

    #[test]
    fn altery_style_switch_decodes() {
        let (cmd, args) = decode_http_target(&fixture("http-200-altery-style.txt")).unwrap();
        assert_eq!(cmd, 200);
        assert_eq!(args["sn"], "SWP6000000000001");
        assert_eq!(args["port"], 1);
        assert_eq!(args["state"], 0);
    }

    #[test]
    fn fully_encoded_switch_decodes() {
        let (cmd, args) = decode_http_target(&fixture("http-200-fully-encoded.txt")).unwrap();
        assert_eq!(cmd, 200);
        assert_eq!(args["port"], 0);
        assert_eq!(args["state"], 1);
    }

    #[test]
    fn status_without_json_has_no_args() {
        let (cmd, args) = decode_http_target(&fixture("http-511-no-json.txt")).unwrap();
        assert_eq!(cmd, 511);
        assert!(args.is_empty());
    }

    #[test]
    fn name_with_space_decodes() {
        let (cmd, args) = decode_http_target(&fixture("http-201-name-with-space.txt")).unwrap();
        assert_eq!(cmd, 201);
        assert_eq!(args["name"], "Living Room");
    }

    #[test]
    fn padded_cmd_decodes() {
        let (cmd, _) = decode_http_target("/?cmd=005").unwrap();
        assert_eq!(cmd, 5);
    }

    #[test]
    fn bad_targets_are_rejected() {
        assert_eq!(
            decode_http_target("/?json=%7B%7D"),
            Err(DecodeError::MissingCmd)
        );
        assert!(matches!(
            decode_http_target("/?cmd=5x1"),
            Err(DecodeError::InvalidCmd(_))
        ));
        assert!(matches!(
            decode_http_target("/?cmd=-1"),
            Err(DecodeError::InvalidCmd(_))
        ));
        assert!(matches!(
            decode_http_target("/x?cmd=511"),
            Err(DecodeError::WrongPath(_))
        ));
        assert!(matches!(
            decode_http_target("/?cmd=200&json=%7B%22port%22:1"),
            Err(DecodeError::InvalidJson(_))
        ));
        assert_eq!(
            decode_http_target("/?cmd=200&json=%5B1%5D"),
            Err(DecodeError::NotAnObject)
        );
        assert_eq!(
            decode_http_target("/?cmd=200&json=%FF"),
            Err(DecodeError::InvalidEncoding)
        );
    }

    #[test]
    fn peek_finds_cmd_of_invalid_request() {
        assert_eq!(peek_http_cmd("/?cmd=200&json=%7B"), Some(200));
        assert_eq!(peek_http_cmd("/?json=%7B"), None);
    }

    #[test]
    fn bare_discovery_leaves_clock() {
        let datagram = decode_datagram(fixture("discovery-dv-bare.txt").as_bytes()).unwrap();
        let expected = Discovery {
            selector: Selector::Dv,
            clock: ClockField::Absent,
        };
        assert_eq!(datagram, Datagram::Discovery(expected));
    }

    #[test]
    fn dated_discovery_sets_clock() {
        let datagram = decode_datagram(fixture("discovery-dv-datetime.txt").as_bytes()).unwrap();
        let Datagram::Discovery(discovery) = datagram else {
            panic!("not discovery: {datagram:?}");
        };
        let expected = ClockField::Set(date(2018, 10, 7).at(10, 48, 42, 0), None);
        assert_eq!(discovery.clock, expected);
    }

    #[test]
    fn vendor_discovery_carries_zone() {
        let datagram = decode_datagram(fixture("discovery-sw-vendor.txt").as_bytes()).unwrap();
        let Datagram::Discovery(discovery) = datagram else {
            panic!("not discovery: {datagram:?}");
        };
        assert_eq!(discovery.selector, Selector::Sw);
        let expected = ClockField::Set(date(2016, 5, 27).at(16, 51, 0, 0), Some(20));
        assert_eq!(discovery.clock, expected);
    }

    #[test]
    fn empty_discovery_fields_leave_clock() {
        let datagram = decode_datagram(fixture("discovery-sw-empty-fields.txt").as_bytes());
        let expected = Discovery {
            selector: Selector::Sw,
            clock: ClockField::Absent,
        };
        assert_eq!(datagram, Ok(Datagram::Discovery(expected)));
    }

    #[test]
    fn template_discovery_is_invalid_clock() {
        let datagram = decode_datagram(b"00dv=all,{datetime};").unwrap();
        let expected = Discovery {
            selector: Selector::Dv,
            clock: ClockField::Invalid,
        };
        assert_eq!(datagram, Datagram::Discovery(expected));
    }

    #[test]
    fn v3_with_ip_suffix_decodes() {
        let bytes = fixture("v3-20-port1-on-ip-suffix.txt");
        let Ok(Datagram::V3 { cmd, args }) = decode_datagram(bytes.as_bytes()) else {
            panic!("not V3");
        };
        assert_eq!(cmd, 20);
        assert_eq!(args["port"], 1);
        assert_eq!(args["state"], 1);
    }

    #[test]
    fn v3_without_sn_decodes() {
        let bytes = fixture("v3-90-without-sn.txt");
        let Ok(Datagram::V3 { cmd, args }) = decode_datagram(bytes.as_bytes()) else {
            panic!("not V3");
        };
        assert_eq!(cmd, 90);
        assert!(args.get("sn").is_none());
    }

    #[test]
    fn garbage_datagrams_are_rejected() {
        assert_eq!(decode_datagram(b"hello"), Err(DecodeError::UnknownDatagram));
        assert_eq!(
            decode_datagram(b"00xx=all;"),
            Err(DecodeError::UnknownDatagram)
        );
        assert_eq!(
            decode_datagram(b"00dv=all"),
            Err(DecodeError::UnknownDatagram)
        );
        assert_eq!(
            decode_datagram(&[0xff, 0xfe]),
            Err(DecodeError::UnknownDatagram)
        );
        assert_eq!(
            decode_datagram(b"V3{\"sn\":\"x\"}"),
            Err(DecodeError::MissingCmd)
        );
        assert!(matches!(
            decode_datagram(b"V3{\"cmd\":"),
            Err(DecodeError::InvalidJson(_))
        ));
        assert!(matches!(
            decode_datagram(b"V3{\"cmd\":\"90\"}"),
            Err(DecodeError::InvalidCmd(_))
        ));
    }
}
