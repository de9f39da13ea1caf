//! Master/slave setup: HTTP command 202 sets it, 512 reads it.
//!
//! One port is the master. When its power draw rises above the threshold, the slave ports
//! switch on. Ports outside the setup are neither master nor slave.

use alloc::vec::Vec;

use serde::Serialize;
use serde_json::Value;

use super::{check_port_array, parse_port_codes};
use crate::error::{InvalidArgument, ParseError};
use crate::json;

/// HTTP command 202: set the master/slave setup.
pub const SET_MASTER_SLAVE: u16 = 202;
/// HTTP command 512: read the master/slave setup.
pub const MASTER_SLAVE: u16 = 512;

/// The role of one port, sent as 0 (slave), 1 (master) or 2 (none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PortRole {
    /// Switched on when the master draws more than the threshold (code 0).
    Slave,
    /// The port whose power draw is watched (code 1); at most one port.
    Master,
    /// Not part of the setup (code 2).
    None,
}

impl PortRole {
    /// Returns the wire code.
    pub fn wire_code(self) -> u8 {
        match self {
            PortRole::Slave => 0,
            PortRole::Master => 1,
            PortRole::None => 2,
        }
    }

    /// Converts a wire code, or returns `None` for an unknown one.
    pub fn from_wire(code: u64) -> Option<Self> {
        match code {
            0 => Some(PortRole::Slave),
            1 => Some(PortRole::Master),
            2 => Some(PortRole::None),
            _ => None,
        }
    }
}

/// The master's power threshold, sent as the `limit` code 0 to 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PowerThreshold {
    /// 2 W (code 0).
    Watts2,
    /// 5 W (code 1).
    Watts5,
    /// 10 W (code 2).
    Watts10,
    /// 35 W (code 3).
    Watts35,
}

impl PowerThreshold {
    /// Returns the threshold in watts.
    pub fn watts(self) -> u8 {
        match self {
            PowerThreshold::Watts2 => 2,
            PowerThreshold::Watts5 => 5,
            PowerThreshold::Watts10 => 10,
            PowerThreshold::Watts35 => 35,
        }
    }

    /// Returns the `limit` code.
    pub fn wire_code(self) -> u8 {
        match self {
            PowerThreshold::Watts2 => 0,
            PowerThreshold::Watts5 => 1,
            PowerThreshold::Watts10 => 2,
            PowerThreshold::Watts35 => 3,
        }
    }

    /// Converts a `limit` code, or returns `None` for an unknown one.
    pub fn from_wire(code: u64) -> Option<Self> {
        match code {
            0 => Some(PowerThreshold::Watts2),
            1 => Some(PowerThreshold::Watts5),
            2 => Some(PowerThreshold::Watts10),
            3 => Some(PowerThreshold::Watts35),
            _ => None,
        }
    }
}

/// A master/slave setup.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct MasterSlave {
    /// One role per port, port 1 first.
    pub roles: Vec<PortRole>,
    /// The master's power threshold.
    pub threshold: PowerThreshold,
}

impl MasterSlave {
    /// Returns the master port, numbered from 1, if any.
    pub fn master(&self) -> Option<u8> {
        let index = self
            .roles
            .iter()
            .position(|role| *role == PortRole::Master)?;
        u8::try_from(index + 1).ok()
    }

    /// Checks the setup for a device with `port_count` ports.
    ///
    /// # Errors
    ///
    /// Returns [`InvalidArgument::InvalidValue`] when the roles do not cover every port or
    /// name more than one master.
    pub fn validate(&self, port_count: u8) -> Result<(), InvalidArgument> {
        check_port_array("master", self.roles.len(), port_count)?;
        let masters = self
            .roles
            .iter()
            .filter(|role| **role == PortRole::Master)
            .count();
        if masters > 1 {
            return Err(InvalidArgument::InvalidValue {
                field: "master",
                value: alloc::format!("{masters} master ports"),
                expected: "at most one master port",
            });
        }
        Ok(())
    }
}

/// The `json` argument of command 202, fields in wire order.
#[derive(Debug, Serialize)]
pub(crate) struct MasterSlaveFields {
    pub(crate) master: Vec<u8>,
    pub(crate) limit: u8,
}

impl From<&MasterSlave> for MasterSlaveFields {
    fn from(setup: &MasterSlave) -> Self {
        MasterSlaveFields {
            master: setup.roles.iter().map(|role| role.wire_code()).collect(),
            limit: setup.threshold.wire_code(),
        }
    }
}

/// Parses the `data` object of a 512 reply, or the arguments of a 202 request.
///
/// # Errors
///
/// Returns [`ParseError`] when `data`, `master` or `limit` is missing, or a code is unknown.
///
/// ```
/// use maxsmart_proto::config::master::parse_master_slave;
/// use maxsmart_proto::config::{PortRole, PowerThreshold};
/// use serde_json::json;
///
/// let setup = parse_master_slave(Some(&json!({"master": [1, 0, 2], "limit": 3})))?;
/// assert_eq!(setup.roles, [PortRole::Master, PortRole::Slave, PortRole::None]);
/// assert_eq!(setup.threshold, PowerThreshold::Watts35);
/// # Ok::<(), maxsmart_proto::ParseError>(())
/// ```
pub fn parse_master_slave(data: Option<&Value>) -> Result<MasterSlave, ParseError> {
    let data = json::data_object(data)?;
    let roles = parse_port_codes(
        json::field(data, "master", "data.master")?,
        "data.master",
        "0 (slave), 1 (master) or 2 (none)",
        PortRole::from_wire,
    )?;
    let limit = json::field(data, "limit", "data.limit")?;
    let threshold = json::read_u64(limit, "data.limit")
        .ok()
        .and_then(PowerThreshold::from_wire)
        .ok_or_else(|| json::invalid("data.limit", limit, "0 to 3"))?;
    Ok(MasterSlave { roles, threshold })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{HttpRequest, parse_reply};
    use serde_json::json;

    #[test]
    fn fixture_512_has_one_master_and_three_slaves() {
        let data = parse_reply(fixture!("v1.30/512.json"), MASTER_SLAVE).unwrap();
        let setup = parse_master_slave(data.as_ref()).unwrap();
        assert_eq!(
            setup.roles,
            [
                PortRole::Master,
                PortRole::Slave,
                PortRole::Slave,
                PortRole::Slave,
                PortRole::None,
                PortRole::None
            ]
        );
        assert_eq!(setup.threshold, PowerThreshold::Watts2);
        assert_eq!(setup.threshold.watts(), 2);
        assert_eq!(setup.master(), Some(1));
    }

    #[test]
    fn request_202_matches_altery_fields() {
        let setup = MasterSlave {
            roles: alloc::vec![
                PortRole::Master,
                PortRole::Slave,
                PortRole::Slave,
                PortRole::None,
                PortRole::None,
                PortRole::None
            ],
            threshold: PowerThreshold::Watts2,
        };
        let request = HttpRequest::new(SET_MASTER_SLAVE, &MasterSlaveFields::from(&setup));
        assert_eq!(
            request.arguments.as_deref(),
            Some(r#"{"master":[1,0,0,2,2,2],"limit":0}"#)
        );
    }

    #[test]
    fn thresholds_map_to_watts() {
        let watts: Vec<u8> = (0..4)
            .map(|code| PowerThreshold::from_wire(code).unwrap().watts())
            .collect();
        assert_eq!(watts, [2, 5, 10, 35]);
        assert_eq!(PowerThreshold::from_wire(4), None);
    }

    #[test]
    fn two_masters_are_rejected() {
        let setup = MasterSlave {
            roles: alloc::vec![PortRole::Master, PortRole::Master],
            threshold: PowerThreshold::Watts5,
        };
        assert!(matches!(
            setup.validate(2),
            Err(InvalidArgument::InvalidValue {
                field: "master",
                ..
            })
        ));
        let short = MasterSlave {
            roles: alloc::vec![PortRole::Master],
            threshold: PowerThreshold::Watts5,
        };
        assert!(short.validate(6).is_err());
        assert_eq!(short.validate(1), Ok(()));
    }

    #[test]
    fn unknown_codes_name_their_field() {
        let error = parse_master_slave(Some(&json!({"master": [3], "limit": 0}))).unwrap_err();
        assert!(matches!(
            error,
            ParseError::InvalidValue {
                field: "data.master",
                ..
            }
        ));
        let error = parse_master_slave(Some(&json!({"master": [1], "limit": 7}))).unwrap_err();
        assert!(matches!(
            error,
            ParseError::InvalidValue {
                field: "data.limit",
                ..
            }
        ));
        assert_eq!(
            parse_master_slave(Some(&json!({"limit": 0}))),
            Err(ParseError::MissingField {
                field: "data.master"
            })
        );
    }
}
