//! Port numbers and the "all ports" selector.

use serde::Serialize;

use crate::error::InvalidArgument;

/// Which port a switch command acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PortSelector {
    /// Every port at once, sent as port 0.
    All,
    /// One port, numbered from 1.
    One(u8),
}

impl PortSelector {
    /// Returns the number sent on the wire: 0 for every port, else the port number.
    pub fn wire_number(self) -> u8 {
        match self {
            PortSelector::All => 0,
            PortSelector::One(port) => port,
        }
    }

    /// Checks that the selector names a port the device has.
    ///
    /// # Errors
    ///
    /// Returns [`InvalidArgument::PortOutOfRange`] for port 0 given as `One(0)` or a port
    /// above `port_count`.
    pub fn validate(self, port_count: u8) -> Result<Self, InvalidArgument> {
        match self {
            PortSelector::All => Ok(self),
            PortSelector::One(port) if (1..=port_count).contains(&port) => Ok(self),
            PortSelector::One(port) => Err(InvalidArgument::PortOutOfRange { port, port_count }),
        }
    }

    /// Converts a wire number back: 0 selects every port.
    pub fn from_wire(number: u8) -> Self {
        if number == 0 {
            PortSelector::All
        } else {
            PortSelector::One(number)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plug_with_one_port_rejects_port_two() {
        assert_eq!(
            PortSelector::One(2).validate(1),
            Err(InvalidArgument::PortOutOfRange {
                port: 2,
                port_count: 1
            })
        );
    }

    #[test]
    fn port_zero_as_one_is_rejected() {
        assert!(PortSelector::One(0).validate(6).is_err());
    }

    #[test]
    fn all_is_wire_zero() {
        assert_eq!(PortSelector::All.wire_number(), 0);
        assert_eq!(PortSelector::from_wire(0), PortSelector::All);
        assert_eq!(PortSelector::from_wire(6), PortSelector::One(6));
        assert_eq!(PortSelector::One(6).validate(6), Ok(PortSelector::One(6)));
    }
}
