//! Shared integration test cases for every runtime crate, with their helpers.
//!
//! Each case is an async function generic over the client's
//! [`Runtime`](maxsmart_client::Runtime); [`suite!`] stamps out one `#[test]` per case for
//! a runtime and an [`Executor`], so `tests/tokio_client.rs`, `tests/async_std_client.rs`
//! and `tests/smol_client.rs` run the same cases. Every simulated device listens on 127.0.0.1
//! with free ports, so tests run in parallel and never reach beyond the loopback interface.
//! The broadcast case runs in network namespaces that it creates and removes.

pub mod bound;
pub mod cases;
mod executor;
pub mod netns;
mod sim;
mod suite;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use maxsmart_sim::{Profile, SimConfig};

pub use bound::wait_until;
pub use executor::{AsyncStdExecutor, Executor, SmolExecutor, TokioExecutor};
pub use sim::{RETRY, Sim, TIMEOUT, VERIFY, closed_port};

/// The loopback address every simulator in these tests listens on.
pub const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// Returns a simulator configuration on 127.0.0.1 with free HTTP and UDP ports.
pub fn loopback_config(profile: Profile) -> SimConfig {
    SimConfig::new(profile)
        .http_addr(SocketAddr::new(LOOPBACK, 0))
        .udp_addr(SocketAddr::new(LOOPBACK, 0))
}
