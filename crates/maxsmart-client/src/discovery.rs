//! Finding devices: unicast discovery of one address and broadcast on every interface.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use maxsmart_proto::discovery::{DiscoveryRequest, UDP_PORT};
use maxsmart_proto::machine::{DiscoveredDevice, DiscoveryCollector, DiscoveryOptions};

use crate::clock::Clock;
use crate::driver::{DriveError, drive};
use crate::error::Error;
use crate::runtime::Runtime;

/// How discovery sends and listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoverOptions {
    /// The UDP port devices listen on; 8888 on real devices.
    pub port: u16,
    /// How long to listen after the last datagram.
    pub timeout: Duration,
    /// How many rounds of datagrams to send.
    pub attempts: u32,
    /// The pause between rounds.
    pub spacing: Duration,
    /// The datagram to send; the dated form also sets each device's clock.
    pub request: DiscoveryRequest,
    /// Whether broadcast discovery also sends to 255.255.255.255.
    pub limited_broadcast: bool,
}

impl Default for DiscoverOptions {
    /// Returns port 8888, 2 rounds 500 ms apart, a 1.5 s window and the plain datagram.
    fn default() -> Self {
        DiscoverOptions {
            port: UDP_PORT,
            timeout: Duration::from_millis(1500),
            attempts: 2,
            spacing: Duration::from_millis(500),
            request: DiscoveryRequest::plain(),
            limited_broadcast: false,
        }
    }
}

impl DiscoverOptions {
    fn collector_options(&self, first_only: bool) -> DiscoveryOptions {
        DiscoveryOptions {
            request: self.request.clone(),
            attempts: self.attempts,
            spacing: self.spacing,
            window: self.timeout,
            first_only,
        }
    }
}

/// Asks the device at `ip` to identify itself, and returns its reply.
///
/// # Errors
///
/// Returns [`Error::NotFound`] when nothing answers within the timeout and [`Error::Io`] when
/// no local socket can be opened.
pub async fn discover_host<R: Runtime>(
    runtime: &R,
    ip: IpAddr,
    options: &DiscoverOptions,
) -> Result<DiscoveredDevice, Error> {
    let address = SocketAddr::new(ip, options.port);
    let collector = DiscoveryCollector::new(vec![address], options.collector_options(true));
    let found = run(runtime, address, collector, &mut |_| {}).await?;
    found.into_iter().next().ok_or(Error::NotFound { address })
}

/// Broadcasts discovery on every IPv4 interface that can broadcast and returns every device
/// that answered, each once.
///
/// `on_found` is called for each device as soon as it first answers.
///
/// # Errors
///
/// Returns [`Error::Io`] when the interfaces cannot be listed or no socket can be opened.
pub async fn discover<R: Runtime>(
    runtime: &R,
    options: &DiscoverOptions,
    on_found: &mut (dyn FnMut(DiscoveredDevice) + Send),
) -> Result<Vec<DiscoveredDevice>, Error> {
    let mut targets = broadcast_addresses(options.port)?;
    if options.limited_broadcast {
        targets.push(SocketAddr::from((Ipv4Addr::BROADCAST, options.port)));
    }
    tracing::debug!(targets = targets.len(), "broadcasting discovery");
    let Some(first) = targets.first().copied() else {
        return Ok(Vec::new());
    };
    let collector = DiscoveryCollector::new(targets, options.collector_options(false));
    run(runtime, first, collector, &mut |collector| {
        while let Some(device) = collector.poll_found() {
            on_found(device);
        }
    })
    .await
}

async fn run<R: Runtime>(
    runtime: &R,
    address: SocketAddr,
    collector: DiscoveryCollector,
    on_step: &mut (dyn FnMut(&mut DiscoveryCollector) + Send),
) -> Result<Vec<DiscoveredDevice>, Error> {
    match drive(runtime, Clock::new(), collector, on_step).await {
        Ok(found) => Ok(found),
        Err(DriveError::Operation(error)) => Err(Error::from_operation(address, error)),
        Err(DriveError::Io(error)) => Err(Error::Io(error)),
        Err(DriveError::Stalled) => Err(Error::NotFound { address }),
    }
}

/// Lists the directed broadcast address of every IPv4 interface that has one.
fn broadcast_addresses(port: u16) -> Result<Vec<SocketAddr>, Error> {
    let interfaces = if_addrs::get_if_addrs()?;
    let mut targets: Vec<SocketAddr> = interfaces
        .iter()
        .filter(|interface| !interface.is_loopback())
        .filter_map(|interface| match &interface.addr {
            if_addrs::IfAddr::V4(v4) => v4.broadcast,
            if_addrs::IfAddr::V6(_) => None,
        })
        .map(|broadcast| SocketAddr::from((broadcast, port)))
        .collect();
    targets.sort();
    targets.dedup();
    Ok(targets)
}
