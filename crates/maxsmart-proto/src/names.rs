//! Port and device names: the rename command (HTTP 201) and the names read from discovery.
//!
//! Names are only readable through discovery (`name` and `pname`), and only firmware 1.30
//! is known to accept 201. Port 0 in 201 renames the device itself.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Serialize;

use crate::discovery::DiscoveryReply;
use crate::error::InvalidArgument;

/// HTTP command 201: rename a port or the device.
pub const RENAME: u16 = 201;

/// The default maximum name length in characters.
///
/// The sources disagree: the reverse-engineered 1.30 notes state 32 characters, while
/// python-maxsmart 2.1.0 enforces 21. A name that fits 21 fits both, so 21 is the default;
/// callers who know their device accepts more pass their own limit.
///
/// NOTE: whether devices count bytes or characters is unknown. This crate counts Unicode
/// scalar values, so a 21-character name with accents takes more than 21 bytes on the wire.
pub const DEFAULT_MAX_NAME_CHARS: usize = 21;

/// The target of a rename command: the device or one port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameTarget {
    /// The device name, sent as port 0 (the discovery `name`).
    Device,
    /// One port, numbered from 1 (the discovery `pname` entry).
    Port(u8),
}

impl NameTarget {
    /// Returns the number sent in the `port` field: 0 for the device.
    pub fn wire_number(self) -> u8 {
        match self {
            NameTarget::Device => 0,
            NameTarget::Port(port) => port,
        }
    }

    /// Converts a wire number back: 0 is the device.
    pub fn from_wire(number: u8) -> Self {
        match number {
            0 => NameTarget::Device,
            port => NameTarget::Port(port),
        }
    }

    /// Checks that the target is the device or a port the device has.
    ///
    /// # Errors
    ///
    /// Returns [`InvalidArgument::PortOutOfRange`] for port 0 given as `Port(0)` or a port
    /// above `port_count`.
    pub fn validate(self, port_count: u8) -> Result<Self, InvalidArgument> {
        match self {
            NameTarget::Device => Ok(self),
            NameTarget::Port(port) if (1..=port_count).contains(&port) => Ok(self),
            NameTarget::Port(port) => Err(InvalidArgument::PortOutOfRange { port, port_count }),
        }
    }
}

/// The `json` argument of command 201, fields in wire order.
#[derive(Debug, Serialize)]
pub(crate) struct RenameFields<'a> {
    pub(crate) port: u8,
    pub(crate) name: &'a str,
}

/// Checks a name before it is sent to the device.
///
/// # Errors
///
/// Returns [`InvalidArgument::InvalidName`] for an empty or blank name or one with control
/// characters, and [`InvalidArgument::NameTooLong`] for more than `max_chars` characters.
///
/// ```
/// use maxsmart_proto::names::{validate_name, DEFAULT_MAX_NAME_CHARS};
///
/// assert!(validate_name("Congélateur", DEFAULT_MAX_NAME_CHARS).is_ok());
/// assert!(validate_name("a name that is far too long", DEFAULT_MAX_NAME_CHARS).is_err());
/// assert!(validate_name("a name that is far too long", 32).is_ok());
/// ```
pub fn validate_name(name: &str, max_chars: usize) -> Result<(), InvalidArgument> {
    let invalid = |reason| InvalidArgument::InvalidName {
        name: String::from(name),
        reason,
    };
    if name.trim().is_empty() {
        return Err(invalid("it is empty"));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid("it contains a control character"));
    }
    let length = name.chars().count();
    if length > max_chars {
        return Err(InvalidArgument::NameTooLong {
            name: String::from(name),
            length,
            max: max_chars,
        });
    }
    Ok(())
}

/// The device name and port names a discovery reply reported, sized to the port count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Names {
    /// The device name (`name`), user-chosen or a default such as `STRIP`.
    pub device: Option<String>,
    /// One entry per port, port 1 first; `None` where the device sent no name.
    pub ports: Vec<Option<String>>,
}

impl Names {
    /// Takes the names from a discovery reply for a device with `port_count` ports.
    ///
    /// Firmware 2.11 and later, and 1-port plugs, send no `pname`: every port is then
    /// `None`. Extra names beyond the port count are dropped, and empty names count as
    /// missing.
    pub fn from_discovery(reply: &DiscoveryReply, port_count: u8) -> Self {
        let sent = reply.port_names.as_deref().unwrap_or(&[]);
        if sent.len() > usize::from(port_count) && port_count > 0 {
            tracing::debug!(
                names = sent.len(),
                port_count,
                "discovery reply has more port names than ports"
            );
        }
        let ports = (0..usize::from(port_count))
            .map(|index| sent.get(index).filter(|name| !name.is_empty()).cloned())
            .collect();
        Names {
            device: reply.name.clone(),
            ports,
        }
    }

    /// Returns the name of one port, numbered from 1.
    pub fn port(&self, port: u8) -> Option<&str> {
        let index = usize::from(port).checked_sub(1)?;
        self.ports.get(index)?.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::parse_reply;
    use crate::http::HttpRequest;

    #[test]
    fn rename_with_space_matches_capture() {
        let fields = RenameFields {
            port: 1,
            name: "Living Room",
        };
        let target = HttpRequest::new(RENAME, &fields).target();
        assert_eq!(
            target.as_bytes(),
            fixture!("requests/http-201-name-with-space.txt")
        );
    }

    #[test]
    fn name_limit_is_21_characters() {
        let fits: String = core::iter::repeat_n('é', 21).collect();
        assert_eq!(validate_name(&fits, DEFAULT_MAX_NAME_CHARS), Ok(()));
        let long: String = core::iter::repeat_n('x', 22).collect();
        assert_eq!(
            validate_name(&long, DEFAULT_MAX_NAME_CHARS),
            Err(InvalidArgument::NameTooLong {
                name: long.clone(),
                length: 22,
                max: 21
            })
        );
        assert_eq!(validate_name(&long, 32), Ok(()));
    }

    #[test]
    fn blank_and_control_names_are_invalid() {
        for name in ["", "   ", "a\nb", "tab\there"] {
            assert!(
                matches!(
                    validate_name(name, 32),
                    Err(InvalidArgument::InvalidName { .. })
                ),
                "{name:?}"
            );
        }
    }

    #[test]
    fn device_target_is_port_zero() {
        assert_eq!(NameTarget::Device.wire_number(), 0);
        assert_eq!(NameTarget::from_wire(0), NameTarget::Device);
        assert_eq!(NameTarget::from_wire(3), NameTarget::Port(3));
        assert_eq!(NameTarget::Device.validate(1), Ok(NameTarget::Device));
        assert!(NameTarget::Port(0).validate(6).is_err());
        assert!(NameTarget::Port(2).validate(1).is_err());
    }

    #[test]
    fn renamed_strip_names_map_to_ports() {
        let reply = parse_reply(fixture!("v1.30/v1.30-strip-discovery-renamed.json")).unwrap();
        let names = Names::from_discovery(&reply, 6);
        assert_eq!(names.device.as_deref(), Some("Salon"));
        assert_eq!(names.port(4), Some("Congélateur"));
        assert_eq!(names.port(3), Some("port vide 3"));
        assert_eq!(names.port(7), None);
        assert_eq!(names.port(0), None);
    }

    #[test]
    fn plug_without_pname_has_one_unnamed_port() {
        let reply = parse_reply(fixture!("v1.30/v1.30-plug-discovery.json")).unwrap();
        let names = Names::from_discovery(&reply, 1);
        assert_eq!(names.ports, [None]);
        assert_eq!(names.device.as_deref(), Some("Chambre"));
    }

    #[test]
    fn extra_names_are_dropped() {
        let reply = parse_reply(fixture!("v1.30/v1.30-strip-discovery.json")).unwrap();
        let names = Names::from_discovery(&reply, 2);
        assert_eq!(names.ports.len(), 2);
        assert_eq!(names.port(2), Some("PORT2"));
    }
}
