//! UDP discovery on port 8888: the request datagram and the device's reply.
//!
//! The request is a short ASCII string such as `00dv=all;`. A dated form
//! `00dv=all,2018-10-07,10:48:42,13;` also sets the device clock, so plain discovery is the
//! default. Each device replies with one JSON datagram, `{"response":0,"data":{...}}`, sent
//! from its port 8888 to the requester. The reply carries no IP address: the caller takes it
//! from the datagram's source.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Serialize;
use serde_json::Value;

use crate::datetime::DateTime;
use crate::error::{InvalidArgument, ParseError};
use crate::json;

/// The UDP port on which devices listen for discovery and V3 datagrams.
pub const UDP_PORT: u16 = 8888;

/// The selector between the message type and `=all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Selector {
    /// `dv`, sent by the MaxSmart app and most clients.
    Dv,
    /// `sw`, sent by the vendor's example and some Revogi clients.
    Sw,
}

/// A discovery request datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryRequest {
    /// `dv` or `sw`.
    pub selector: Selector,
    /// The date and time to set on every device that replies; `None` leaves clocks alone.
    pub clock: Option<ClockSetting>,
}

/// The local wall-clock time sent with a dated discovery request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockSetting {
    /// Local date and time.
    pub local: DateTime,
    /// UTC offset in whole hours, sent as the offset plus 12; `None` omits the field.
    pub utc_offset_hours: Option<i8>,
}

impl ClockSetting {
    /// Creates a clock setting, checking that the offset lies in `-12..=14` hours.
    ///
    /// # Errors
    ///
    /// Returns [`InvalidArgument::OutOfRange`] for an offset outside that range.
    pub fn new(local: DateTime, utc_offset_hours: Option<i8>) -> Result<Self, InvalidArgument> {
        if let Some(offset) = utc_offset_hours {
            if !(-12..=14).contains(&offset) {
                return Err(InvalidArgument::OutOfRange {
                    field: "utc_offset_hours",
                    value: alloc::format!("{offset}"),
                    expected: "-12 to 14",
                });
            }
        }
        Ok(ClockSetting {
            local,
            utc_offset_hours,
        })
    }
}

impl DiscoveryRequest {
    /// Returns the plain request `00dv=all;`, which leaves device clocks alone.
    pub fn plain() -> Self {
        DiscoveryRequest {
            selector: Selector::Dv,
            clock: None,
        }
    }

    /// Returns a dated request that also sets the clock of every device that receives it.
    pub fn with_clock(clock: ClockSetting) -> Self {
        DiscoveryRequest {
            selector: Selector::Dv,
            clock: Some(clock),
        }
    }

    /// Encodes the datagram payload.
    ///
    /// ```
    /// use maxsmart_proto::datetime::DateTime;
    /// use maxsmart_proto::discovery::{ClockSetting, DiscoveryRequest};
    ///
    /// assert_eq!(DiscoveryRequest::plain().encode(), b"00dv=all;");
    /// let local = DateTime::new(2018, 10, 7, 10, 48, 42)?;
    /// let dated = DiscoveryRequest::with_clock(ClockSetting::new(local, Some(1))?);
    /// assert_eq!(dated.encode(), b"00dv=all,2018-10-07,10:48:42,13;");
    /// # Ok::<(), maxsmart_proto::InvalidArgument>(())
    /// ```
    pub fn encode(&self) -> Vec<u8> {
        let selector = match self.selector {
            Selector::Dv => "dv",
            Selector::Sw => "sw",
        };
        let mut text = alloc::format!("00{selector}=all");
        if let Some(clock) = &self.clock {
            text.push(',');
            text.push_str(&clock.local.date_text());
            text.push(',');
            text.push_str(&clock.local.time_text());
            if let Some(offset) = clock.utc_offset_hours {
                text.push_str(&alloc::format!(",{}", i16::from(offset) + 12));
            }
        }
        text.push(';');
        text.into_bytes()
    }
}

/// Parses a discovery request datagram, as a device or a simulator reads it.
///
/// Accepts `00dv=all;` and `00sw=all;`, optionally followed by a date, a time and a zone as
/// [`DiscoveryRequest::encode`] writes them. Empty date and time fields (`00sw=all,,,;`, as
/// one client sends) read as a request that leaves the clock alone. The final `;` and
/// surrounding white space are optional.
///
/// # Errors
///
/// Returns [`ParseError::Empty`] for an empty datagram and [`ParseError::InvalidValue`]
/// naming the part that is not as expected: `request` for the `00..=all` head, `date` for the
/// date and time, or `zone` for a zone outside 0 to 26 (UTC-12 to UTC+14).
///
/// ```
/// use maxsmart_proto::discovery::{parse_request, Selector};
///
/// let request = parse_request(b"00dv=all,2018-10-07,10:48:42,13;")?;
/// assert_eq!(request.selector, Selector::Dv);
/// assert_eq!(request.clock.unwrap().utc_offset_hours, Some(1));
/// assert_eq!(parse_request(b"00sw=all,,,;")?.clock, None);
/// # Ok::<(), maxsmart_proto::ParseError>(())
/// ```
pub fn parse_request(datagram: &[u8]) -> Result<DiscoveryRequest, ParseError> {
    let text = core::str::from_utf8(datagram).map_err(|_| ParseError::InvalidValue {
        field: "request",
        value: json::excerpt_bytes(datagram),
        expected: "ASCII text such as 00dv=all;",
    })?;
    let text = text.trim();
    if text.is_empty() {
        return Err(ParseError::Empty);
    }
    let body = text.strip_suffix(';').unwrap_or(text);
    let mut fields = body.split(',');
    let head = fields.next().unwrap_or_default();
    let selector = match head {
        "00dv=all" => Selector::Dv,
        "00sw=all" => Selector::Sw,
        _ => {
            return Err(ParseError::InvalidValue {
                field: "request",
                value: json::excerpt(head),
                expected: "00dv=all or 00sw=all",
            });
        }
    };
    let date = fields.next().unwrap_or_default();
    let time = fields.next().unwrap_or_default();
    let zone = fields.next().unwrap_or_default();
    if fields.next().is_some() {
        return Err(ParseError::InvalidValue {
            field: "request",
            value: json::excerpt(text),
            expected: "at most a date, a time and a zone",
        });
    }
    if date.is_empty() && time.is_empty() {
        return Ok(DiscoveryRequest {
            selector,
            clock: None,
        });
    }
    let local = DateTime::parse_parts(date, time).ok_or_else(|| ParseError::InvalidValue {
        field: "date",
        value: json::excerpt(&alloc::format!("{date},{time}")),
        expected: "yyyy-MM-dd,HH:mm:ss",
    })?;
    let utc_offset_hours = if zone.is_empty() {
        None
    } else {
        let offset = zone
            .parse::<i8>()
            .ok()
            .filter(|zone| (0..=26).contains(zone))
            .map(|zone| zone - 12);
        Some(offset.ok_or_else(|| ParseError::InvalidValue {
            field: "zone",
            value: json::excerpt(zone),
            expected: "the UTC offset plus 12, 0 to 26",
        })?)
    };
    Ok(DiscoveryRequest {
        selector,
        clock: Some(ClockSetting {
            local,
            utc_offset_hours,
        }),
    })
}

/// What a device reports about itself in a discovery reply.
///
/// Every field except the serial number is optional, because each firmware family sends
/// another subset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiscoveryReply {
    /// Serial number, such as `SWP6000000000001`.
    pub serial: String,
    /// Device name (user-chosen, or a default such as `STRIP`).
    pub name: Option<String>,
    /// Port names, index 0 is port 1; absent on plugs and on firmware 2.11 and later.
    pub port_names: Option<Vec<String>>,
    /// MAC address as the device writes it.
    pub mac: Option<String>,
    /// Firmware version, such as `1.30`.
    pub firmware: Option<String>,
    /// The 12-character `sak` value, needed for cloud pairing.
    pub sak: Option<String>,
    /// Whether the device is bound to a MaxSmart cloud account.
    pub registered: Option<bool>,
    /// The newest firmware version the cloud offers.
    pub newest_firmware: Option<String>,
    /// Cloud registration id of Revogi devices.
    pub registration_id: Option<String>,
}

impl DiscoveryReply {
    /// Returns the port count suggested by the serial number's fourth character (`1` or `6`).
    ///
    /// NOTE: this is a convention seen on MaxSmart and Revogi serials, not a documented rule;
    /// the length of the `switch` array in a status reply is authoritative.
    pub fn port_count_hint(&self) -> Option<u8> {
        match self.serial.as_bytes().get(3) {
            Some(b'1') => Some(1),
            Some(b'6') => Some(6),
            _ => None,
        }
    }
}

/// Parses a discovery reply datagram.
///
/// # Errors
///
/// Returns a [`ParseError`] for bytes that are not JSON, a `response` other than 0, or a
/// missing or unprintable serial number.
pub fn parse_reply(bytes: &[u8]) -> Result<DiscoveryReply, ParseError> {
    let document = json::parse_document(bytes)?;
    if let Some(response) = document.get("response") {
        let response = json::read_u16(response, "response")?;
        if response != 0 {
            return Err(ParseError::UnexpectedResponse {
                expected: 0,
                actual: response,
            });
        }
    }
    let data = json::field(&document, "data", "data")?;
    if !data.is_object() {
        return Err(json::invalid("data", data, "an object"));
    }
    let serial = parse_serial(data)?;
    Ok(DiscoveryReply {
        serial,
        name: json::optional_string(data, "name", "data.name")?,
        port_names: parse_port_names(data)?,
        mac: json::optional_string(data, "mac", "data.mac")?,
        firmware: json::optional_string(data, "ver", "data.ver")?,
        sak: json::optional_string(data, "sak", "data.sak")?,
        registered: json::optional_u64(data, "register", "data.register")?.map(|value| value != 0),
        newest_firmware: json::optional_string(data, "nver", "data.nver")?,
        registration_id: json::optional_string(data, "regid", "data.regid")?,
    })
}

/// The maximum length of a serial number that [`validate_serial`] accepts, in characters.
/// Known serials have 16, and the margin leaves room for other vendors' formats.
pub const MAX_SERIAL_CHARS: usize = 32;

/// Checks a serial number given by a caller: 1 to [`MAX_SERIAL_CHARS`] printable ASCII
/// characters without spaces, such as `SWP6000000000001`.
///
/// Discovery replies are checked more loosely: any non-empty printable serial is kept,
/// whatever its length.
///
/// # Errors
///
/// Returns [`InvalidArgument::InvalidSerial`] naming the rejected serial.
pub fn validate_serial(serial: &str) -> Result<(), InvalidArgument> {
    let printable = serial.chars().all(|c| c.is_ascii_graphic());
    if serial.is_empty() || serial.len() > MAX_SERIAL_CHARS || !printable {
        return Err(InvalidArgument::InvalidSerial {
            serial: String::from(serial),
        });
    }
    Ok(())
}

fn parse_serial(data: &Value) -> Result<String, ParseError> {
    let value = json::field(data, "sn", "data.sn")?;
    let Some(serial) = value.as_str() else {
        return Err(json::invalid("data.sn", value, "a string"));
    };
    let printable = serial.chars().all(|c| c.is_ascii_graphic());
    if serial.is_empty() || !printable {
        return Err(json::invalid(
            "data.sn",
            value,
            "printable ASCII characters",
        ));
    }
    Ok(String::from(serial))
}

fn parse_port_names(data: &Value) -> Result<Option<Vec<String>>, ParseError> {
    let names = match data.get("pname") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(names)) => names,
        Some(other) => return Err(json::invalid("data.pname", other, "an array of strings")),
    };
    if names.is_empty() {
        return Ok(None);
    }
    names
        .iter()
        .map(|name| match name {
            Value::String(text) => Ok(text.clone()),
            Value::Null => Ok(String::new()),
            other => Err(json::invalid("data.pname", other, "an array of strings")),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_request_matches_capture() {
        assert_eq!(
            DiscoveryRequest::plain().encode(),
            fixture!("requests/discovery-dv-bare.txt")
        );
    }

    #[test]
    fn dated_request_with_zone_matches_capture() {
        let local = DateTime::new(2018, 10, 7, 10, 48, 42).unwrap();
        let request = DiscoveryRequest::with_clock(ClockSetting::new(local, Some(1)).unwrap());
        assert_eq!(
            request.encode(),
            fixture!("requests/discovery-dv-datetime-zone.txt")
        );
    }

    #[test]
    fn vendor_request_uses_sw_and_zone_20() {
        let local = DateTime::new(2016, 5, 27, 16, 51, 0).unwrap();
        let request = DiscoveryRequest {
            selector: Selector::Sw,
            clock: Some(ClockSetting::new(local, Some(8)).unwrap()),
        };
        assert_eq!(
            request.encode(),
            fixture!("requests/discovery-sw-vendor.txt")
        );
    }

    #[test]
    fn request_fixtures_parse_back() {
        let bare = parse_request(fixture!("requests/discovery-dv-bare.txt")).unwrap();
        assert_eq!(bare, DiscoveryRequest::plain());

        let dated = parse_request(fixture!("requests/discovery-dv-datetime.txt")).unwrap();
        let clock = dated.clock.unwrap();
        assert_eq!(clock.local, DateTime::new(2018, 10, 7, 10, 48, 42).unwrap());
        assert_eq!(clock.utc_offset_hours, None);
        assert_eq!(
            dated.encode(),
            fixture!("requests/discovery-dv-datetime.txt")
        );

        let zoned = parse_request(fixture!("requests/discovery-dv-datetime-zone.txt")).unwrap();
        assert_eq!(zoned.clock.unwrap().utc_offset_hours, Some(1));

        let vendor = parse_request(fixture!("requests/discovery-sw-vendor.txt")).unwrap();
        assert_eq!(vendor.selector, Selector::Sw);
        assert_eq!(vendor.clock.unwrap().utc_offset_hours, Some(8));

        let empty = parse_request(fixture!("requests/discovery-sw-empty-fields.txt")).unwrap();
        assert_eq!(empty.selector, Selector::Sw);
        assert_eq!(empty.clock, None);
    }

    #[test]
    fn malformed_requests_name_the_part() {
        assert_eq!(parse_request(b" "), Err(ParseError::Empty));
        let cases: [(&[u8], &str); 6] = [
            (b"00xx=all;", "request"),
            (b"00dv=SWP6000000000001;", "request"),
            (b"00dv=all,2018-13-07,10:48:42;", "date"),
            (b"00dv=all,2018-10-07,10:48:42,27;", "zone"),
            (b"00dv=all,2018-10-07,10:48:42,13,5;", "request"),
            (b"\xff\xfe", "request"),
        ];
        for (datagram, part) in cases {
            match parse_request(datagram) {
                Err(ParseError::InvalidValue { field, .. }) => assert_eq!(field, part),
                other => panic!("{datagram:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn dated_request_without_zone_has_three_fields() {
        let local = DateTime::new(2024, 1, 2, 3, 4, 5).unwrap();
        let request = DiscoveryRequest::with_clock(ClockSetting::new(local, None).unwrap());
        assert_eq!(request.encode(), b"00dv=all,2024-01-02,03:04:05;");
    }

    #[test]
    fn offset_beyond_14_hours_is_rejected() {
        let local = DateTime::new(2024, 1, 2, 3, 4, 5).unwrap();
        assert!(ClockSetting::new(local, Some(15)).is_err());
    }

    #[test]
    fn strip_130_reply_has_six_port_names() {
        let reply = parse_reply(fixture!("v1.30/v1.30-strip-discovery.json")).unwrap();
        assert_eq!(reply.serial, "SWP6000000000001");
        assert_eq!(reply.name.as_deref(), Some("STRIP"));
        assert_eq!(reply.firmware.as_deref(), Some("1.30"));
        assert_eq!(reply.mac.as_deref(), Some("02:00:00:00:00:01"));
        assert_eq!(reply.registered, Some(false));
        assert_eq!(reply.newest_firmware.as_deref(), Some("1.30"));
        let names = reply.port_names.unwrap();
        assert_eq!(names.len(), 6);
        assert_eq!(names[0], "PORT1");
        assert_eq!(names[5], "PORT6");
    }

    #[test]
    fn renamed_strip_keeps_utf8_names() {
        let reply = parse_reply(fixture!("v1.30/v1.30-strip-discovery-renamed.json")).unwrap();
        assert_eq!(reply.name.as_deref(), Some("Salon"));
        let names = reply.port_names.unwrap();
        assert_eq!(names[2], "port vide 3");
        assert_eq!(names[3], "Congélateur");
    }

    #[test]
    fn plug_reply_has_no_port_names_and_one_port_hint() {
        let reply = parse_reply(fixture!("v1.30/v1.30-plug-discovery.json")).unwrap();
        assert_eq!(reply.port_names, None);
        assert_eq!(reply.port_count_hint(), Some(1));
        assert_eq!(reply.name.as_deref(), Some("Chambre"));
    }

    #[test]
    fn minimal_211_reply_parses() {
        let reply = parse_reply(fixture!("v2.11/v2.11-strip-discovery.json")).unwrap();
        assert_eq!(reply.firmware.as_deref(), Some("2.11"));
        assert_eq!(reply.registered, None);
        assert_eq!(reply.port_names, None);
        assert_eq!(reply.port_count_hint(), Some(6));
    }

    #[test]
    fn revogi_replies_keep_registration_id() {
        let old = parse_reply(fixture!("v1.06/v1.06-strip-discovery.json")).unwrap();
        assert_eq!(old.registration_id.as_deref(), Some("rvg000000001"));
        let new = parse_reply(fixture!("v3.49/v3.49-strip-discovery.json")).unwrap();
        assert_eq!(new.firmware.as_deref(), Some("3.49"));
        let udp_only = parse_reply(fixture!("v5.11/v5.11-strip-discovery.json")).unwrap();
        assert_eq!(udp_only.serial, "SWW6000000000004");
        assert_eq!(udp_only.firmware.as_deref(), Some("5.11"));
        assert_eq!(udp_only.name.as_deref(), Some("Strip"));
    }

    #[test]
    fn null_pname_is_no_names() {
        let reply = parse_reply(br#"{"response":0,"data":{"sn":"SWP1000000000001","pname":null}}"#);
        assert_eq!(reply.unwrap().port_names, None);
    }

    #[test]
    fn missing_serial_names_the_field() {
        let error = parse_reply(br#"{"response":0,"data":{"name":"x"}}"#).unwrap_err();
        assert_eq!(error, ParseError::MissingField { field: "data.sn" });
    }

    #[test]
    fn unprintable_serial_is_rejected() {
        let error = parse_reply(b"{\"response\":0,\"data\":{\"sn\":\"SWP\\u0001\"}}").unwrap_err();
        assert!(matches!(
            error,
            ParseError::InvalidValue {
                field: "data.sn",
                ..
            }
        ));
    }

    #[test]
    fn v3_reply_is_not_a_discovery_reply() {
        let error = parse_reply(br#"{"response":90,"code":200,"data":{"sn":"SWW6"}}"#).unwrap_err();
        assert_eq!(
            error,
            ParseError::UnexpectedResponse {
                expected: 0,
                actual: 90
            }
        );
    }

    #[test]
    fn caller_serials_are_validated() {
        for valid in ["SWP6000000000001", "X", "abc-123_XYZ"] {
            assert_eq!(validate_serial(valid), Ok(()), "{valid}");
        }
        let longest: String = core::iter::repeat_n('A', MAX_SERIAL_CHARS).collect();
        assert_eq!(validate_serial(&longest), Ok(()));
        let too_long = alloc::format!("{longest}A");
        for invalid in ["", "SWP 6000", "SWP\n6000", "SWPé6000", too_long.as_str()] {
            assert_eq!(
                validate_serial(invalid),
                Err(InvalidArgument::InvalidSerial {
                    serial: String::from(invalid)
                }),
                "{invalid:?}"
            );
        }
    }
}
