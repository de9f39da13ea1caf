//! Shared helpers for the workspace integration tests.
//!
//! Every test starts its own simulated device on 127.0.0.1 with free ports, so tests run in
//! parallel and never reach beyond the loopback interface.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use maxsmart_sim::{Profile, SimConfig};

/// The loopback address every simulator in these tests listens on.
pub const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// Returns a simulator configuration on 127.0.0.1 with free HTTP and UDP ports.
pub fn loopback_config(profile: Profile) -> SimConfig {
    SimConfig::new(profile)
        .http_addr(SocketAddr::new(LOOPBACK, 0))
        .udp_addr(SocketAddr::new(LOOPBACK, 0))
}
