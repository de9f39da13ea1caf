//! The options of every form of discovery.

use std::net::IpAddr;
use std::time::Duration;

use maxsmart_proto::discovery::{DiscoveryRequest, UDP_PORT};
use maxsmart_proto::http::HTTP_PORT;
use maxsmart_proto::machine::DiscoveryOptions;

/// How discovery sends, listens and probes the devices it finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoverOptions {
    /// The UDP port devices listen on; 8888 on real devices.
    pub port: u16,
    /// How long to listen after the last round of datagrams.
    pub timeout: Duration,
    /// How many rounds of datagrams to send, at least 1.
    pub attempts: u32,
    /// The pause between two rounds.
    pub spacing: Duration,
    /// The datagram to send. [`DiscoveryRequest::with_clock`] also sets the clock (and time
    /// zone field) of every device that receives it.
    pub request: DiscoveryRequest,
    /// Whether [`discover`](crate::discover) sends to the directed broadcast address of
    /// every IPv4 interface that can broadcast.
    pub broadcast: bool,
    /// Whether [`discover`](crate::discover) also sends to 255.255.255.255, which leaves
    /// through the interface of the default route only.
    pub limited_broadcast: bool,
    /// Addresses that [`discover`](crate::discover) also asks directly, for devices that
    /// broadcast cannot reach, such as ones behind a router.
    pub hosts: Vec<IpAddr>,
    /// Whether each device found is probed for its protocol and port count.
    pub probe: bool,
    /// How long one probe request waits for its reply.
    pub probe_timeout: Duration,
    /// The TCP port of the devices' HTTP servers, used by the probe; 80 on real devices.
    pub http_port: u16,
}

impl Default for DiscoverOptions {
    /// Returns port 8888, 2 rounds 500 ms apart, a 1.5 s window, the plain datagram,
    /// broadcast on every interface, and a probe of 800 ms per request on HTTP port 80.
    fn default() -> Self {
        DiscoverOptions {
            port: UDP_PORT,
            timeout: Duration::from_millis(1500),
            attempts: 2,
            spacing: Duration::from_millis(500),
            request: DiscoveryRequest::plain(),
            broadcast: true,
            limited_broadcast: false,
            hosts: Vec::new(),
            probe: true,
            probe_timeout: Duration::from_millis(800),
            http_port: HTTP_PORT,
        }
    }
}

impl DiscoverOptions {
    /// Returns options that ask only `hosts` directly and never broadcast.
    pub fn unicast(hosts: impl IntoIterator<Item = IpAddr>) -> Self {
        DiscoverOptions {
            broadcast: false,
            hosts: hosts.into_iter().collect(),
            ..DiscoverOptions::default()
        }
    }

    /// Converts to the options of the protocol core's collector.
    pub(crate) fn collector_options(&self, first_only: bool) -> DiscoveryOptions {
        DiscoveryOptions {
            request: self.request.clone(),
            attempts: self.attempts.max(1),
            spacing: self.spacing,
            window: self.timeout,
            first_only,
        }
    }
}
