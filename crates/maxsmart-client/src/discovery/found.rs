//! Discovery results: each device found, with what its probe learned.

use std::net::{IpAddr, SocketAddr};

use maxsmart_proto::Protocol;
use maxsmart_proto::discovery::DiscoveryReply;
use serde::Serialize;

/// A device that replied to discovery, with what its probe learned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoundDevice {
    /// The source address of the discovery reply: the device's IP and UDP port.
    pub address: SocketAddr,
    /// Everything the discovery reply carried.
    pub reply: DiscoveryReply,
    /// The protocol that replied to the probe; `None` when the probe was off or nothing
    /// replied to it.
    pub protocol: Option<Protocol>,
    /// The number of ports, from the probe's status reply, or else guessed from the serial
    /// number's fourth character.
    pub port_count: Option<u8>,
}

impl FoundDevice {
    /// Returns the device's IP address.
    pub fn ip(&self) -> IpAddr {
        self.address.ip()
    }

    /// Returns the serial number.
    pub fn serial(&self) -> &str {
        &self.reply.serial
    }

    /// Returns the device name, when the reply had one.
    pub fn name(&self) -> Option<&str> {
        self.reply.name.as_deref()
    }

    /// Returns the port names, port 1 first, when the reply had them.
    pub fn port_names(&self) -> Option<&[String]> {
        self.reply.port_names.as_deref()
    }

    /// Returns the firmware version, such as `1.30`.
    pub fn firmware(&self) -> Option<&str> {
        self.reply.firmware.as_deref()
    }

    /// Returns the MAC address as the device wrote it.
    pub fn mac(&self) -> Option<&str> {
        self.reply.mac.as_deref()
    }
}
